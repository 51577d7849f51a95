/**
 * Personas discovered from behaviour. Per-person features are built in SQL (RFM, engagement,
 * stage reached, device, channel mix, feedback, product categories); persons with enough product
 * views to show what they shop are clustered with k-means on the standardised category mix, device
 * share, orders, revenue, recency and recent activity (features.ts says why not on the rest). Two criteria for k are computed and both reported: the
 * mean silhouette width (how well separated the clusters are; ties go to the smaller k) and the
 * BIC of the spherical-Gaussian model k-means assumes (fit per parameter). They answer different
 * questions: silhouette finds separate groups, BIC keeps splitting while a split explains
 * variance, so they agree when the persons fall into distinct groups and part when behaviour is a
 * continuum. The silhouette chooses by default (`criterion`). Each cluster gets a
 * readable name from its most distinguishing features, a profile card, and a rule segment that
 * approximates it, so it can be saved and edited like any rule persona (src/journeys/personas.ts).
 */
import { z } from 'zod';
import { defineAnalysis } from '../registry/define.ts';
import { projectDataRange, SURVEY_EVENT, type Segment, type SegmentRule } from '../scope/scope.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { mulberry32 } from '../stats/random.ts';
import {
  categoryColumn,
  channelColumn,
  clusterFeatures,
  featureSpace,
  featureWeights,
  personaFeaturesSql,
  type PersonaFeatureSpace,
} from './features.ts';
import { kmeans, kmeansBic, silhouette, type KMeansResult } from './kmeans.ts';

export const discoverInputSchema = z.object({
  k: z.number().int().min(2).max(12).optional().describe('number of personas (default: chosen by the criterion)'),
  criterion: z.enum(['silhouette', 'bic']).default('silhouette').describe('how k is chosen: silhouette (separated groups) or bic'),
  minK: z.number().int().min(2).max(12).default(2),
  maxK: z.number().int().min(2).max(12).default(8),
  maxPersons: z.number().int().min(100).max(200_000).default(20_000).describe('persons clustered (a hash sample beyond)'),
  minProductViews: z
    .number()
    .int()
    .min(0)
    .max(1000)
    .default(1)
    .describe(
      'persons clustered need at least this many product views (fewer: their category mix is unknown); the others are counted as unclustered',
    ),
  channelMix: z.boolean().default(false).describe('also cluster on the acquisition channel mix (otherwise only shown on the cards)'),
  seed: z.number().int().default(1),
  asOf: z.coerce.date().optional(),
  includeAssignments: z.boolean().default(false).describe('list each clustered person with their persona'),
});
export type DiscoverInput = z.output<typeof discoverInputSchema>;

/** What an audience (or a later assignment) needs to put any person into a discovered persona. */
export interface PersonaModel {
  cutoff: string;
  channels: string[];
  categories: string[];
  features: string[];
  /** Persons with fewer product views are in no persona (absent in models saved before it: 0). */
  minProductViews?: number;
  means: number[];
  /** What each feature is divided by after subtracting its mean: its standard deviation over its weight (featureWeights). */
  sds: number[];
  centroids: number[][];
}

export interface PersonaCard {
  cluster: number;
  name: string;
  size: number;
  share: number;
  value: { revenuePerPerson: number; revenueShare: number; ordersPerPerson: number; buyerShare: number };
  topChannels: Array<{ channel: string; share: number }>;
  topCategories: Array<{ category: string; share: number }>;
  stageConversion: { viewedProduct: number; addedToCart: number; startedCheckout: number; ordered: number };
  mobileShare: number;
  nps: { score: number | null; respondents: number };
  themes: Array<{ comment: string; count: number }>;
  distinguishing: Array<{ feature: string; z: number }>;
  suggestedSegment: Segment;
}

export interface DiscoverResult {
  persons: number;
  /** Persons with too few product views to be placed (`minProductViews`). */
  unclustered: number;
  sampled: number;
  k: number;
  criterion: 'silhouette' | 'bic';
  /** The k each criterion prefers (equal to k when it chose, or when they agree). */
  silhouetteK: number;
  bicK: number;
  /** Every k tried: mean silhouette (higher is better), BIC (lower is better), within-cluster sum of squares. */
  silhouetteByK: Array<{ k: number; silhouette: number; bic: number; inertia: number }>;
  personas: PersonaCard[];
  model: PersonaModel;
  assignments?: Array<{ personId: string; cluster: number }>;
}

const FEATURE_WORDS: Record<string, [string | null, string | null]> = {
  recency_days: ['lapsed', 'recently active'],
  log_revenue: ['big-spending', 'low-spend'],
  log_events_30d: ['highly engaged', 'quiet'],
  stage_cart: ['cart-filling', null],
  stage_checkout: ['checkout-reaching', null],
  mobile_share: ['mobile-first', 'desktop'],
  feedback_score: ['happy', 'unhappy'],
  has_feedback: ['vocal', null],
};

function nameOf(card: Omit<PersonaCard, 'name' | 'suggestedSegment'>, space: PersonaFeatureSpace): string {
  const adjectives: string[] = [];
  let channel: string | null = null;
  let category: string | null = null;
  for (const { feature, z: zv } of card.distinguishing) {
    if (Math.abs(zv) < 0.5) continue;
    if (feature.startsWith('ch_')) {
      if (zv > 0 && !channel) channel = space.channels[Number(feature.slice(3))]!;
    } else if (feature.startsWith('cat_')) {
      if (zv > 0 && !category) category = space.categories[Number(feature.slice(4))]!;
    } else if (FEATURE_WORDS[feature] && adjectives.length < 2) {
      const word = FEATURE_WORDS[feature]![zv > 0 ? 0 : 1];
      if (word) adjectives.push(word);
    }
  }
  const noun =
    card.value.buyerShare < 0.15
      ? 'browsers'
      : card.value.ordersPerPerson >= 1.8
        ? 'repeat buyers'
        : card.value.buyerShare > 0.6
          ? 'buyers'
          : 'shoppers';
  const phrase = [...adjectives, category ? `${category}` : '', noun].filter(Boolean).join(' ');
  const text = `${phrase}${channel ? ` from ${channel}` : ''}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function suggestedSegment(
  card: Omit<PersonaCard, 'name' | 'suggestedSegment'>,
  space: PersonaFeatureSpace,
  rows: Array<Record<string, number>>,
): Segment {
  const rules: SegmentRule[] = [];
  if (card.value.buyerShare <= 0.15) rules.push({ kind: 'order_count', op: 'eq', value: 0 });
  else if (card.value.ordersPerPerson >= 1.8) rules.push({ kind: 'order_count', op: 'gte', value: 2 });
  else if (card.value.buyerShare >= 0.7) rules.push({ kind: 'order_count', op: 'gte', value: 1 });
  for (const { feature, z: zv } of card.distinguishing) {
    if (rules.length >= 3) break;
    if (feature.startsWith('ch_') && zv > 0.8) rules.push({ kind: 'first_channel', channels: [space.channels[Number(feature.slice(3))]!] });
    else if (feature === 'feedback_score' && Math.abs(zv) > 0.8) {
      const scores = rows.filter((r) => Number(r.has_feedback) > 0).map((r) => Number(r.feedback_score) + 3);
      const mean = scores.reduce((s, v) => s + v, 0) / (scores.length || 1);
      rules.push({ kind: 'survey_score', op: zv > 0 ? 'gte' : 'lte', value: Math.round((zv > 0 ? mean - 0.5 : mean + 0.5) * 10) / 10 });
    } else if (feature === 'log_revenue' && zv > 0.8) {
      const revenues = rows.map((r) => Number(r.revenue_value)).sort((a, b) => a - b);
      rules.push({ kind: 'revenue', op: 'gte', value: Math.round(revenues[Math.floor(revenues.length * 0.25)] ?? 0) });
    } else if (feature === 'stage_cart' && zv > 0.8) rules.push({ kind: 'did_event', event: 'Product Added', minCount: 1 });
  }
  if (rules.length === 0) rules.push({ kind: 'order_count', op: 'gte', value: 0 });
  return { match: 'all', rules };
}

async function topComments(
  store: Store,
  projectId: string,
  cutoff: Date,
  personCluster: Map<string, number>,
  k: number,
): Promise<Array<Array<{ comment: string; count: number }>>> {
  const q = new QueryBuilder(store.dialect);
  const comment = store.dialect.jsonString('properties', ['comment']);
  const rows = await store.query<{ person_id: string; comment: string; n: number }>(
    q.build(
      `SELECT person_id, ${comment} AS comment, count(*) AS n FROM events WHERE project_id = ${q.str(projectId)} AND event = '${SURVEY_EVENT}' AND timestamp < ${q.time(cutoff)} AND ${comment} <> '' GROUP BY person_id, ${comment}`,
    ),
  );
  const counts = Array.from({ length: k }, () => new Map<string, number>());
  for (const r of rows) {
    const c = personCluster.get(r.person_id);
    if (c !== undefined) counts[c]!.set(r.comment, (counts[c]!.get(r.comment) ?? 0) + Number(r.n));
  }
  return counts.map((m) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 3)
      .map(([c, n]) => ({ comment: c, count: n })),
  );
}

const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / (xs.length || 1);

export async function discoverPersonas(store: Store, projectId: string, input: DiscoverInput): Promise<DiscoverResult> {
  const range = await projectDataRange(store, projectId, { excludeBots: true });
  const cutoff = input.asOf ?? range?.to ?? new Date();
  const space = await featureSpace(store, projectId, cutoff);
  const { persons, eligible, rows } = await personFeatureRows(store, projectId, space, cutoff, input.maxPersons, input.minProductViews);
  const minK = Math.min(input.minK, input.maxK);
  if (rows.length < Math.max(20, minK * 5))
    throw Object.assign(
      new Error(
        `persona discovery needs at least ${Math.max(20, minK * 5)} persons with ${input.minProductViews} or more product views; the project has ${rows.length}`,
      ),
      { statusCode: 422 },
    );

  const features = clusterFeatures(space, { channelMix: input.channelMix });
  const { means, sds, zx } = standardised(rows, features);
  const weights = featureWeights(features);
  const wx = zx.map((x) => x.map((v, j) => v * weights[j]!));
  const rng = mulberry32(input.seed);
  const { tried, bySilhouette, byBic } = candidateKs(wx, features.length, rows.length, minK, input, rng);
  const { fit } = input.criterion === 'bic' ? byBic : bySilhouette;

  const personCluster = new Map(rows.map((r, i) => [r.person_id, fit.labels[i]!]));
  const themes = await topComments(store, projectId, cutoff, personCluster, fit.k);
  const totalRevenue = rows.reduce((s, r) => s + Number(r.revenue_value), 0);
  const cards: PersonaCard[] = [];
  for (let c = 0; c < fit.k; c++) {
    const members = rows.filter((_r, i) => fit.labels[i] === c);
    if (members.length === 0) continue;
    const card = personaCard(c, members, { rows, features, means, sds, space, totalRevenue, themes: themes[c]! });
    const segment = suggestedSegment(card, space, members);
    cards.push({ ...card, name: nameOf(card, space), suggestedSegment: segment });
  }
  distinguishNames(cards);
  return {
    persons,
    unclustered: persons - eligible,
    sampled: rows.length,
    k: fit.k,
    criterion: input.criterion,
    silhouetteK: bySilhouette.k,
    bicK: byBic.k,
    silhouetteByK: tried.map((t) => ({ k: t.k, silhouette: t.silhouette, bic: t.bic, inertia: t.inertia })),
    personas: cards,
    model: {
      cutoff: cutoff.toISOString(),
      channels: space.channels,
      categories: space.categories,
      features,
      minProductViews: input.minProductViews,
      means,
      sds: sds.map((sd, j) => sd / weights[j]!),
      centroids: fit.centroids,
    },
    ...(input.includeAssignments ? { assignments: rows.map((r, i) => ({ personId: r.person_id, cluster: fit.labels[i]! })) } : {}),
  };
}

/**
 * Per-person features at the cutoff of the persons with at least `minProductViews` product views (a
 * hash sample when more than `maxPersons` have), how many persons there are and how many have enough views.
 */
async function personFeatureRows(
  store: Store,
  projectId: string,
  space: PersonaFeatureSpace,
  cutoff: Date,
  maxPersons: number,
  minProductViews: number,
): Promise<{ persons: number; eligible: number; rows: Array<Record<string, number> & { person_id: string }> }> {
  const cq = new QueryBuilder(store.dialect);
  const views = store.dialect.countIf(`event = 'Product Viewed'`);
  const [countRow] = await store.query<{ n: number; eligible: number }>(
    cq.build(
      `SELECT count(*) AS n, ${store.dialect.countIf(`v >= ${cq.num(minProductViews)}`)} AS eligible FROM (SELECT person_id, ${views} AS v FROM events WHERE project_id = ${cq.str(projectId)} AND timestamp < ${cq.time(cutoff)} AND is_bot = 0 GROUP BY person_id) AS p`,
    ),
  );
  const persons = Number(countRow?.n ?? 0);
  const eligible = Number(countRow?.eligible ?? 0);
  const sample = eligible > maxPersons ? maxPersons / eligible : undefined;
  const q = new QueryBuilder(store.dialect);
  const rows = await store.query<Record<string, number> & { person_id: string }>(
    q.build(`SELECT * FROM (${personaFeaturesSql(q, projectId, space, sample, minProductViews)}) AS p ORDER BY person_id`),
  );
  return { persons, eligible, rows };
}

/** The clustering features standardised (z-scores), with the means and standard deviations to score new persons. */
function standardised(rows: Array<Record<string, number>>, features: string[]): { means: number[]; sds: number[]; zx: number[][] } {
  const raw = rows.map((r) => features.map((f) => Number(r[f] ?? 0)));
  const means = features.map((_f, j) => mean(raw.map((x) => x[j]!)));
  const sds = features.map((_f, j) => Math.sqrt(mean(raw.map((x) => (x[j]! - means[j]!) ** 2))) || 1);
  const zx = raw.map((x) => x.map((v, j) => (v - means[j]!) / sds[j]!));

  return { means, sds, zx };
}

interface TriedK {
  k: number;
  silhouette: number;
  bic: number;
  inertia: number;
  fit: KMeansResult;
}

/**
 * k-means for each candidate k (or the one asked for), with its silhouette on a fixed random
 * subsample and its BIC; the best k by each criterion.
 */
function candidateKs(
  zx: number[][],
  dims: number,
  n: number,
  minK: number,
  input: DiscoverInput,
  rng: () => number,
): { tried: TriedK[]; bySilhouette: TriedK; byBic: TriedK } {
  // Silhouette is O(n²): it is measured on a fixed random subsample of at most 1,500 persons.
  const order = zx
    .map((_x, i) => i)
    .map((i) => ({ i, r: rng() }))
    .sort((a, b) => a.r - b.r)
    .slice(0, 1500)
    .map((o) => o.i);
  const sub = order.map((i) => zx[i]!);
  const candidates = input.k ? [input.k] : Array.from({ length: Math.max(0, Math.min(input.maxK, n - 1) - minK + 1) }, (_v, i) => minK + i);
  const tried: TriedK[] = [];
  for (const k of candidates) {
    const fit = kmeans(zx, k, rng);
    tried.push({
      k,
      silhouette: silhouette(
        sub,
        order.map((i) => fit.labels[i]!),
        k,
      ),
      bic: kmeansBic(
        zx.length,
        dims,
        k,
        fit.inertia,
        Array.from({ length: k }, (_v, c) => fit.labels.filter((l) => l === c).length),
      ),
      inertia: fit.inertia,
      fit,
    });
  }
  const bySilhouette = tried.reduce((a, b) => (b.silhouette > a.silhouette + 1e-9 ? b : a));
  const byBic = tried.reduce((a, b) => (b.bic < a.bic - 1e-9 ? b : a));
  return { tried, bySilhouette, byBic };
}

/** What every persona card is compared with. */
interface CardContext {
  rows: Array<Record<string, number>>;
  features: string[];
  means: number[];
  sds: number[];
  space: PersonaFeatureSpace;
  totalRevenue: number;
  themes: PersonaCard['themes'];
}

/** One cluster's card: size, value, channels, categories, stage conversion, NPS, comments and its most distinguishing features. */
function personaCard(
  c: number,
  members: Array<Record<string, number>>,
  { rows, features, means, sds, space, totalRevenue, themes }: CardContext,
): Omit<PersonaCard, 'name' | 'suggestedSegment'> {
  const col = (name: string) => members.map((r) => Number(r[name] ?? 0));
  const distinguishing = features
    .map((f, j) => ({ feature: f, z: (mean(members.map((r) => Number(r[f] ?? 0))) - means[j]!) / sds[j]! }))
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
    .slice(0, 6);
  const nps = members
    .map((r) => r.nps_score)
    .filter((v) => v !== null && v !== undefined)
    .map(Number);
  return {
    cluster: c,
    size: members.length,
    share: members.length / rows.length,
    value: {
      revenuePerPerson: mean(col('revenue_value')),
      revenueShare: totalRevenue > 0 ? col('revenue_value').reduce((s, v) => s + v, 0) / totalRevenue : 0,
      ordersPerPerson: mean(col('order_count')),
      buyerShare: mean(col('order_count').map((v) => (v > 0 ? 1 : 0))),
    },
    topChannels: space.channels
      .map((ch, i) => ({ channel: ch, share: mean(col(channelColumn(i))) }))
      .sort((a, b) => b.share - a.share)
      .slice(0, 3),
    topCategories: space.categories
      .map((cat, i) => ({ category: cat, share: mean(col(categoryColumn(i))) }))
      .sort((a, b) => b.share - a.share)
      .slice(0, 3),
    stageConversion: {
      viewedProduct: mean(col('stage_viewed')),
      addedToCart: mean(col('stage_cart')),
      startedCheckout: mean(col('stage_checkout')),
      ordered: mean(col('order_count').map((v) => (v > 0 ? 1 : 0))),
    },
    mobileShare: mean(col('mobile_share')),
    nps: {
      score: nps.length
        ? Math.round(((nps.filter((s) => s >= 9).length - nps.filter((s) => s <= 6).length) / nps.length) * 1000) / 10
        : null,
      respondents: nps.length,
    },
    themes,
    distinguishing,
  };
}

/** Names must tell personas apart: a repeated name gets its rank among the personas of that name (largest first). */
function distinguishNames(cards: PersonaCard[]): void {
  const seen = new Map<string, number>();
  for (const card of cards.sort((a, b) => b.size - a.size)) {
    const n = (seen.get(card.name) ?? 0) + 1;
    seen.set(card.name, n);
    if (n > 1) card.name = `${card.name} (${n})`;
  }
}

/** SQL selecting the persons nearest to one centroid of a discovered-persona model (assignment in the database). */
export function discoveredPersonaMembersSql(q: QueryBuilder, projectId: string, model: PersonaModel, cluster: number, at?: Date): string {
  const space: PersonaFeatureSpace = { cutoff: at ?? new Date(model.cutoff), channels: model.channels, categories: model.categories };
  const zs = model.features.map((f, j) => `((p.${f} - ${q.param(model.means[j]!, 'Float64')}) / ${q.param(model.sds[j]!, 'Float64')})`);
  const distances = model.centroids.map((c) => `(${zs.map((z, j) => `pow(${z} - ${q.param(c[j]!, 'Float64')}, 2)`).join(' + ')})`);
  const cols = distances.map((d, c) => `${d} AS d${c}`).join(', ');
  const others = distances.map((_d, c) => `d${c}`).filter((_n, c) => c !== cluster);
  return `SELECT person_id FROM (SELECT p.person_id AS person_id, ${cols} FROM (${personaFeaturesSql(q, projectId, space, undefined, model.minProductViews ?? 0)}) AS p) AS dist WHERE ${others.map((o) => `d${cluster} <= ${o}`).join(' AND ')}`;
}

export const discoverPersonasAnalysis = defineAnalysis({
  id: 'personas-discover',
  command: 'personas discover',
  path: '/api/v1/personas/discover',
  summary:
    'Personas discovered from behaviour (k-means on category mix, device, orders, revenue, recency and activity of persons with enough product views; channel mix optional; k by silhouette, BIC reported too) with names, profile cards and saveable rule segments',
  access: 'read',
  input: discoverInputSchema,
  scoped: false,
  run: ({ store, project }, input) => discoverPersonas(store, project.id, input),
});
