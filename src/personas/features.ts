/**
 * Per-person behaviour for persona discovery, built in SQL: the propensity features (RFM,
 * engagement, stage reached, device, channel mix, feedback) plus the mix of product categories
 * a person viewed and their NPS answer.
 */
import { personFeaturesSql, topChannels } from '../predictions/propensity-features.ts';
import { ORDER_EVENT, SURVEY_EVENT } from '../scope/scope.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';

export interface PersonaFeatureSpace {
  cutoff: Date;
  channels: string[];
  categories: string[];
}

export const categoryColumn = (i: number) => `cat_${i}`;
export const channelColumn = (i: number) => `ch_${i}`;

/**
 * Features the clustering uses (standardised); the others are only described on profile cards.
 * A persona is how a person shops: what (category mix), on what (device), how often and how much
 * (orders, revenue, recency, recent activity). The acquisition channel mix is left to the cards
 * unless asked for (`channelMix`): which channel reached a person follows the media plan more than
 * the person, it is often one channel per person (a share of 1 or 0, the largest distances in the
 * space), and personas should not change when the media plan does. Stage reached and feedback follow
 * from orders or are answered by few, so they too are described, not clustered on.
 */
export function clusterFeatures(space: PersonaFeatureSpace, opts: { channelMix?: boolean } = {}): string[] {
  return [
    'log_orders',
    'log_revenue',
    'recency_days',
    'log_events_30d',
    'mobile_share',
    ...space.categories.map((_c, i) => categoryColumn(i)),
    ...(opts.channelMix ? space.channels.map((_c, i) => channelColumn(i)) : []),
  ];
}

/**
 * Weight of each clustering feature once standardised: columns that measure one aspect (orders and
 * revenue: how much; recency and 30-day activity: how lately) share one unit of variance between
 * them, so an aspect counts once however many columns measure it. Otherwise the few buyers, apart
 * on two value columns at once, are the widest split in the space, whatever else tells persons apart.
 */
export function featureWeights(features: string[]): number[] {
  const aspects = [
    ['log_orders', 'log_revenue'],
    ['recency_days', 'log_events_30d'],
  ];
  return features.map((f) => {
    const aspect = aspects.find((a) => a.includes(f));
    return aspect ? 1 / Math.sqrt(aspect.filter((c) => features.includes(c)).length) : 1;
  });
}

export async function topCategories(store: Store, projectId: string, cutoff: Date, limit = 6): Promise<string[]> {
  const q = new QueryBuilder(store.dialect);
  const cat = store.dialect.jsonString('properties', ['category']);
  const rows = await store.query<{ category: string }>(
    q.build(
      `SELECT ${cat} AS category, count(*) AS n FROM events WHERE project_id = ${q.str(projectId)} AND event = 'Product Viewed' AND timestamp < ${q.time(cutoff)} AND is_bot = 0 GROUP BY ${cat} ORDER BY n DESC, category LIMIT ${q.num(limit + 1)}`,
    ),
  );
  return rows
    .map((r) => r.category)
    .filter((c) => c !== '' && c !== null)
    .slice(0, limit);
}

export async function featureSpace(store: Store, projectId: string, cutoff: Date): Promise<PersonaFeatureSpace> {
  return { cutoff, channels: await topChannels(store, projectId, cutoff), categories: await topCategories(store, projectId, cutoff) };
}

/**
 * SQL: person_id, every propensity feature, product_views, cat_* shares, nps (NULL without an NPS
 * answer); only persons with at least `minProductViews` product views (their category mix is
 * otherwise unknown, and nothing but volume and device would place them).
 */
export function personaFeaturesSql(
  q: QueryBuilder,
  projectId: string,
  space: PersonaFeatureSpace,
  sample?: number,
  minProductViews = 0,
): string {
  const d = q.d;
  const base = personFeaturesSql(q, { projectId, cutoff: space.cutoff, event: ORDER_EVENT, channels: space.channels, sample });
  const cat = d.jsonString('properties', ['category']);
  const catCounts = space.categories.map((c, i) => `${d.countIf(`${cat} = ${q.str(c)}`)} AS n_${categoryColumn(i)}`);
  const extra = `SELECT person_id, ${d.countIf(`event = 'Product Viewed'`)} AS n_views${catCounts.length ? ', ' + catCounts.join(', ') : ''},
  avg(CASE WHEN event = '${SURVEY_EVENT}' AND ${d.jsonString('properties', ['survey'])} = 'NPS' THEN ${d.jsonNumber('properties', ['score'])} END) AS nps_score
FROM events WHERE project_id = ${q.str(projectId)} AND timestamp < ${q.time(space.cutoff)} AND is_bot = 0 GROUP BY person_id`;
  const shares = space.categories.map(
    (_c, i) =>
      `CASE WHEN coalesce(x.n_views, 0) > 0 THEN ${d.toFloat(`x.n_${categoryColumn(i)}`)} / ${d.toFloat('x.n_views')} ELSE 0.0 END AS ${categoryColumn(i)}`,
  );
  const enough = minProductViews > 0 ? ` WHERE coalesce(x.n_views, 0) >= ${q.num(minProductViews)}` : '';
  return `SELECT f.*, coalesce(x.n_views, 0) AS product_views, x.nps_score AS nps_score${shares.length ? ', ' + shares.join(', ') : ''} FROM (${base}) AS f LEFT JOIN (${extra}) AS x ON x.person_id = f.person_id${enough}`;
}
