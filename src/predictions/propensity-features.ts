/**
 * Per-person features at a cutoff date, built in the database: what each known person had done
 * before the cutoff (recency, frequency, value, engagement, funnel stage reached, channel mix,
 * device, feedback). Every feature is a finished numeric column, so a linear model fitted on
 * them can be scored back in SQL (`linearScoreSql`) without pulling persons into the process.
 */
import { ORDER_EVENT, SURVEY_EVENT } from '../scope/scope.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';

export const DAY_MS = 86_400_000;

export interface FeatureSpec {
  /** Column name in the features SQL. */
  name: string;
  /** What it measures, for the coefficient table. */
  label: string;
}

export interface FeatureOptions {
  projectId: string;
  cutoff: Date;
  /** The purchase event (default "Order Completed"). */
  event: string;
  /** Channels whose share of a person's touches become features (the project's most used). */
  channels: string[];
  /** Keep a deterministic hash sample of persons (0 < f ≤ 1). */
  sample?: number;
}

const channelColumn = (i: number) => `ch_${i}`;

export function featureSpecs(channels: string[]): FeatureSpec[] {
  return [
    { name: 'recency_days', label: 'days since last visit (capped at 365)' },
    { name: 'tenure_days', label: 'days since first visit (capped at 730)' },
    { name: 'log_orders', label: 'ln(1 + orders)' },
    { name: 'log_revenue', label: 'ln(1 + revenue)' },
    { name: 'days_since_order', label: 'days since last order (365 if none)' },
    { name: 'log_events_7d', label: 'ln(1 + events in the last 7 days)' },
    { name: 'log_events_30d', label: 'ln(1 + events in the last 30 days)' },
    { name: 'log_sessions_30d', label: 'ln(1 + sessions in the last 30 days)' },
    { name: 'stage_viewed', label: 'viewed a product' },
    { name: 'stage_cart', label: 'added to cart' },
    { name: 'stage_checkout', label: 'started a checkout' },
    { name: 'log_refunds', label: 'ln(1 + refunds)' },
    { name: 'mobile_share', label: 'share of events on mobile' },
    { name: 'has_feedback', label: 'answered a survey' },
    { name: 'feedback_score', label: 'mean survey score, centred (0 if none)' },
    ...channels.map((c, i) => ({ name: channelColumn(i), label: `share of touches from ${c}` })),
  ];
}

/** The project's most used non-empty channels before the cutoff, most used first. */
export async function topChannels(store: Store, projectId: string, cutoff: Date, limit = 6): Promise<string[]> {
  const q = new QueryBuilder(store.dialect);
  const rows = await store.query<{ channel: string }>(
    q.build(
      `SELECT channel, count(*) AS n FROM events WHERE project_id = ${q.str(projectId)} AND timestamp < ${q.time(cutoff)} AND is_bot = 0 AND channel <> '' GROUP BY channel ORDER BY n DESC, channel LIMIT ${q.num(limit)}`,
    ),
  );
  return rows.map((r) => r.channel);
}

/** SQL: one row per person seen before the cutoff, with `person_id` and the feature columns. */
export function personFeaturesSql(q: QueryBuilder, o: FeatureOptions): string {
  const d = q.d;
  const c = q.time(o.cutoff);
  const ev = q.str(o.event);
  const days = (a: string) => `(${d.secondsBetween(a, c)} / 86400.0)`;
  const since = (n: number) => q.time(new Date(o.cutoff.getTime() - n * DAY_MS));
  const since7 = since(7);
  const since30 = since(30);
  const score = d.jsonNumber('properties', ['score']);
  const sample = o.sample !== undefined && o.sample < 1 ? ` AND ${d.hash01('person_id')} < ${q.num(o.sample)}` : '';
  const channelAggs = o.channels.map((ch, i) => `${d.countIf(`channel = ${q.str(ch)}`)} AS n_${channelColumn(i)}`);
  const agg = `SELECT person_id,
  max(timestamp) AS last_ts, min(timestamp) AS first_ts, count(*) AS n_events,
  ${d.countIf(`event = ${ev}`)} AS n_orders,
  ${d.sumIf('coalesce(revenue, 0)', `event = ${ev}`)} AS revenue_sum,
  max(CASE WHEN event = ${ev} THEN timestamp END) AS last_order_ts,
  ${d.countIf(`timestamp >= ${since7}`)} AS n_7d,
  ${d.countIf(`timestamp >= ${since30}`)} AS n_30d,
  ${d.countDistinctIf('session_id', `timestamp >= ${since30}`)} AS s_30d,
  ${d.countIf(`event = 'Product Viewed'`)} AS n_viewed,
  ${d.countIf(`event = 'Product Added'`)} AS n_cart,
  ${d.countIf(`event = 'Checkout Started'`)} AS n_checkout,
  ${d.countIf(`event = 'Order Refunded'`)} AS n_refunds,
  ${d.countIf(`device_type = 'mobile'`)} AS n_mobile,
  ${d.countIf(`channel <> ''`)} AS n_touch,
  avg(CASE WHEN event = '${SURVEY_EVENT}' THEN ${score} END) AS survey_avg${channelAggs.length ? ',\n  ' + channelAggs.join(',\n  ') : ''}
FROM events WHERE project_id = ${q.str(o.projectId)} AND timestamp < ${c} AND is_bot = 0${sample}
GROUP BY person_id`;
  const share = (n: string, total: string) => `CASE WHEN ${total} > 0 THEN ${d.toFloat(n)} / ${d.toFloat(total)} ELSE 0 END`;
  const cols = [
    `least(${days('a.last_ts')}, 365.0) AS recency_days`,
    `least(${days('a.first_ts')}, 730.0) AS tenure_days`,
    `ln(1 + ${d.toFloat('a.n_orders')}) AS log_orders`,
    `ln(1 + greatest(${d.toFloat('a.revenue_sum')}, 0)) AS log_revenue`,
    `CASE WHEN a.n_orders > 0 THEN least(${days('a.last_order_ts')}, 365.0) ELSE 365.0 END AS days_since_order`,
    `ln(1 + ${d.toFloat('a.n_7d')}) AS log_events_7d`,
    `ln(1 + ${d.toFloat('a.n_30d')}) AS log_events_30d`,
    `ln(1 + ${d.toFloat('a.s_30d')}) AS log_sessions_30d`,
    `CASE WHEN a.n_viewed > 0 THEN 1.0 ELSE 0.0 END AS stage_viewed`,
    `CASE WHEN a.n_cart > 0 THEN 1.0 ELSE 0.0 END AS stage_cart`,
    `CASE WHEN a.n_checkout > 0 THEN 1.0 ELSE 0.0 END AS stage_checkout`,
    `ln(1 + ${d.toFloat('a.n_refunds')}) AS log_refunds`,
    `${share('a.n_mobile', 'a.n_events')} AS mobile_share`,
    `CASE WHEN a.survey_avg IS NULL THEN 0.0 ELSE 1.0 END AS has_feedback`,
    `coalesce(${d.toFloat('a.survey_avg')} - 3.0, 0.0) AS feedback_score`,
    ...o.channels.map((_ch, i) => `${share(`a.n_${channelColumn(i)}`, 'a.n_touch')} AS ${channelColumn(i)}`),
  ];
  return `SELECT a.person_id AS person_id, ${d.toFloat('a.revenue_sum')} AS revenue_value, ${d.toFloat('a.n_orders')} AS order_count, ${cols.join(',\n  ')} FROM (${agg}) AS a`;
}

/** SQL: what each person did in [from, to): `bought` (1 if the event happened) and `active` (any event). */
export function outcomeSql(q: QueryBuilder, projectId: string, event: string, from: Date, to: Date): string {
  return `SELECT person_id, max(CASE WHEN event = ${q.str(event)} THEN 1 ELSE 0 END) AS bought, 1 AS active
FROM events WHERE project_id = ${q.str(projectId)} AND timestamp >= ${q.time(from)} AND timestamp < ${q.time(to)} AND is_bot = 0 GROUP BY person_id`;
}

/** A fitted linear score on standardized features: z = b0 + Σ w·(x − mean)/sd. */
export interface LinearModel {
  features: string[];
  means: number[];
  sds: number[];
  intercept: number;
  weights: number[];
}

/** SQL expression of the model's probability over a row holding the feature columns (prefix `alias.`). */
export function linearScoreSql(q: QueryBuilder, m: LinearModel, alias: string): string {
  const terms = m.features.map(
    (f, j) => `${q.param(m.weights[j]! / m.sds[j]!, 'Float64')} * (${alias}.${f} - ${q.param(m.means[j]!, 'Float64')})`,
  );
  return `(1.0 / (1.0 + exp(-(${q.param(m.intercept, 'Float64')} + ${terms.join(' + ')}))))`;
}

export { ORDER_EVENT };
