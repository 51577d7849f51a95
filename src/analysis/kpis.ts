/**
 * Overview KPIs for a date range, with the previous period of equal length alongside, overall
 * and per channel. One SQL statement does the work; TypeScript only divides and assembles.
 *
 * Definitions (the range is [from, to); the previous period is [from − L, from), L = to − from):
 * - visitors: distinct persons with any (non-bot, in-scope) event in the period. Returning: the
 *   person's first event ever (in scope) is before the period start; new otherwise.
 * - sessions: "visits" only — sessions with at least one page/screen view or one event carrying a
 *   channel. Server-side-only sessions (email opens, deliveries, surveys, server-side orders) are
 *   not visits. A session belongs to the period in which it starts; other figures count events by
 *   their own timestamp.
 * - channel: a visit's channel is the channel of its first event that has one. Every event is
 *   attributed to its session's channel when the session is a visit, else to the channel of the
 *   person's latest earlier visit in the scanned window (so a server-side Order Completed counts for
 *   the visit that led to it), else 'Unassigned'. Per-channel visitors therefore do not sum to the
 *   overall figure: one person can visit through several channels.
 * - conversion rate: buyers (persons with ≥1 Order Completed) / visitors; session conversion rate:
 *   visits containing an Order Completed / visits.
 * - revenue: net of refunds — Order Completed revenue minus Order Refunded amounts (Segment's
 *   e-commerce spec; the refund's revenue, else total) dated by the refund; grossRevenue (orders
 *   only) and refunds beside it. Both sums are src/scope/money.ts's, as everywhere money is shown.
 * - average order value: net revenue / orders; grossAverageOrderValue (gross revenue / orders)
 *   beside it.
 * - repeat purchase rate: among the period's buyers, the share with ≥2 orders ever up to the end
 *   of that period (earlier history included).
 * - customer retention rate: buyers of the preceding period of equal length (any channel) who
 *   bought again in this period; per channel, the numerator counts those who bought again through
 *   that channel (the denominator stays the overall preceding-period buyers).
 * - engagement time of a visit: sum of the gaps between its consecutive events, i.e. last − first
 *   event time; the last event adds nothing (how long it was looked at is unknown), and gaps are
 *   capped by the 30-minute session timeout by construction.
 * - time on page: from a page/screen view to the next event of the same session; the last view of a
 *   session has no next event and is excluded, as Google Analytics does.
 * - engaged visit (GA4): lasted more than 10 s, or had ≥2 page/screen views, or an Order Completed.
 *   Interaction rate = engaged visits / visits; bounce rate = 1 − interaction rate.
 * - CSAT: share of CSAT responses scoring 4–5 (of 5); NPS: % promoters (9–10) − % detractors (0–6)
 *   among NPS responses, on −100…100. Both from 'Survey Responded' (properties.survey, score).
 * Rates are fractions in 0…1 (NPS excepted); a rate with an empty denominator is null.
 */
import { QueryBuilder, type Dialect } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { SURVEY_EVENT, scopedEvents, type AnalysisScope } from '../scope/scope.ts';
import { REFUND_EVENT } from '../scope/vocabulary.ts';
import { grossRevenueSql, orderCond, refundCond, refundedSql } from '../scope/money.ts';
import { defineAnalysis } from '../registry/define.ts';
import { z } from 'zod';

export const UNASSIGNED_CHANNEL = 'Unassigned';

export interface KpiValue {
  value: number | null;
  previous: number | null;
  /** value − previous */
  change: number | null;
  /** (value − previous) / previous; null when previous is 0 or null */
  changeRelative: number | null;
}

export const KPI_NAMES = [
  'visitors',
  'newVisitors',
  'returningVisitors',
  'sessions',
  'buyers',
  'orders',
  'revenue',
  'grossRevenue',
  'refunds',
  'refundedOrders',
  'conversionRate',
  'sessionConversionRate',
  'averageOrderValue',
  'grossAverageOrderValue',
  'repeatPurchaseRate',
  'retentionRate',
  'averageEngagementSeconds',
  'averageTimeOnPageSeconds',
  'engagedSessions',
  'interactionRate',
  'bounceRate',
  'csatResponses',
  'csat',
  'npsResponses',
  'nps',
] as const;
export type KpiName = (typeof KPI_NAMES)[number];
export type KpiSet = Record<KpiName, KpiValue>;

export interface KpiReport {
  period: { from: string; to: string };
  previousPeriod: { from: string; to: string };
  overall: KpiSet;
  byChannel: Array<{ channel: string; kpis: KpiSet }>;
}

/** The raw counts of one (channel, period) row, from which every KPI is derived. */
interface KpiCounts {
  visitors: number;
  returning_visitors: number;
  buyers: number;
  orders: number;
  revenue_sum: number;
  refund_sum: number;
  refunds: number;
  repeat_buyers: number;
  retained_buyers: number;
  base_buyers: number;
  sessions: number;
  converted_sessions: number;
  engaged_sessions: number;
  engagement_seconds: number;
  page_seconds: number;
  timed_pages: number;
  csat_responses: number;
  csat_satisfied: number;
  nps_responses: number;
  promoters: number;
  detractors: number;
}

/** A visit's first channel: the earliest event that carries one ('' when none does). */
export function firstChannelExpr(d: Dialect): string {
  return d.argMin('channel', `${d.toFloat(d.epochMillis('timestamp'))} + CASE WHEN channel = '' THEN 1e15 ELSE 0 END`);
}

/** Counted per event: page/screen views or channel-carrying events make a session a visit. */
export const TOUCH_COND = `(type IN ('page', 'screen') OR channel <> '')`;
export const VIEW_COND = `type IN ('page', 'screen')`;
export const ORDER_COND = orderCond();
export { REFUND_EVENT };
export const REFUND_COND = refundCond();

/**
 * CTEs `sess_c` (one row per session: visit flag, channel, start, duration, views, orders, page
 * timing) and `evc` (the rows of `src` with `ev_channel`, the attributed channel), over a CTE `src`
 * that has the events columns and the given extra columns, which `evc` carries along.
 */
export function sessionChannelCtes(d: Dialect, carry: string[]): string {
  const carried = carry.map((c) => `, r.${c} AS ${c}`).join('');
  return `src_lead AS (
  SELECT *, ${d.leadOver('timestamp', 'PARTITION BY session_id ORDER BY timestamp, message_id')} AS next_ts FROM src
),
sess AS (
  SELECT session_id AS sess_id, min(timestamp) AS started, max(timestamp) AS ended,
    ${d.countIf(VIEW_COND)} AS views, ${d.countIf(ORDER_COND)} AS sess_orders, ${d.countIf(TOUCH_COND)} AS touches,
    ${firstChannelExpr(d)} AS first_channel,
    ${d.sumIf(d.secondsBetween('timestamp', 'next_ts'), `${VIEW_COND} AND next_ts IS NOT NULL`)} AS page_seconds,
    ${d.countIf(`${VIEW_COND} AND next_ts IS NOT NULL`)} AS timed_pages
  FROM src_lead GROUP BY session_id
),
sess_c AS (
  SELECT sess_id, started, views, sess_orders, page_seconds, timed_pages,
    CASE WHEN touches > 0 THEN 1 ELSE 0 END AS is_visit,
    CASE WHEN first_channel = '' THEN '${UNASSIGNED_CHANNEL}' ELSE first_channel END AS sess_channel,
    ${d.secondsBetween('started', 'ended')} AS duration
  FROM sess
),
evc AS (
  SELECT r.person_id AS person_id, r.session_id AS session_id, r.event AS event, r.timestamp AS timestamp, r.revenue AS revenue, r.properties AS properties${carried},
    coalesce(${d.lastNonNullOver('CASE WHEN s.is_visit = 1 THEN s.sess_channel ELSE NULL END', 'PARTITION BY r.person_id ORDER BY r.timestamp, r.message_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW')}, '${UNASSIGNED_CHANNEL}') AS ev_channel
  FROM src AS r JOIN sess_c AS s ON s.sess_id = r.session_id
)`;
}

/** The GA4 engaged-session condition on a `sess_c` row. */
export const ENGAGED_COND = '(duration > 10 OR views >= 2 OR sess_orders > 0)';

/**
 * The CTEs every KPI is counted from (without the leading WITH): `hist` (per person), `pc` (per
 * person, period and attributed channel, '' = all channels), `sess_c`, `sagg`, `vagg` … Shared
 * by the report and its drill-down, so a list of persons has exactly its card's count.
 */
export function kpiCtesSql(q: QueryBuilder, scope: AnalysisScope): string {
  const d = q.d;
  const length = scope.to.getTime() - scope.from.getTime();
  const prevFrom = new Date(scope.from.getTime() - length);
  const ppFrom = new Date(scope.from.getTime() - 2 * length);
  const F = q.time(scope.from);
  const T = q.time(scope.to);
  const PF = q.time(prevFrom);
  const PPF = q.time(ppFrom);
  const events = scopedEvents(q, scope, { ignoreTimeRange: true, extraWhere: [`timestamp < ${T}`] });
  const inPeriod = (a: string, b: string) => `timestamp >= ${a} AND timestamp < ${b}`;

  return `ev AS (
  SELECT person_id, session_id, event, type, channel, timestamp, revenue, message_id, properties FROM ${events} AS e
),
hist AS (
  SELECT person_id AS h_person, min(timestamp) AS first_seen,
    ${d.countIf(`${ORDER_COND} AND timestamp < ${F}`)} AS orders_to_prev_end,
    ${d.countIf(ORDER_COND)} AS orders_to_cur_end,
    ${d.countIf(`${ORDER_COND} AND ${inPeriod(PPF, PF)}`)} AS orders_pp,
    ${d.countIf(`${ORDER_COND} AND ${inPeriod(PF, F)}`)} AS orders_prev
  FROM ev GROUP BY person_id
),
base AS (
  SELECT ${d.countIf('orders_prev > 0')} AS prev_buyers, ${d.countIf('orders_pp > 0')} AS pp_buyers FROM hist
),
src AS (
  SELECT *, CASE WHEN timestamp >= ${F} THEN 1 ELSE 0 END AS is_cur FROM ev WHERE timestamp >= ${PF}
),
${sessionChannelCtes(d, ['is_cur'])},
pe AS (
  SELECT person_id AS pe_person, is_cur AS pe_cur, ev_channel AS pe_channel,
    ${d.countIf(ORDER_COND)} AS p_orders, ${grossRevenueSql(d)} AS p_revenue,
    ${d.countIf(REFUND_COND)} AS p_refunds, ${refundedSql(d)} AS p_refund_sum
  FROM evc GROUP BY person_id, is_cur, ev_channel
),
pc AS (
  SELECT pe_person AS c_person, pe_cur AS c_cur, pe_channel AS c_channel, p_orders AS c_orders, p_revenue AS c_revenue, p_refunds AS c_refunds, p_refund_sum AS c_refund_sum FROM pe
  UNION ALL
  SELECT pe_person, pe_cur, '' AS all_channels, sum(p_orders) AS all_orders, sum(p_revenue) AS all_revenue, sum(p_refunds) AS all_refunds, sum(p_refund_sum) AS all_refund_sum FROM pe GROUP BY pe_person, pe_cur
),
pagg AS (
  SELECT pc.c_channel AS ch_key, pc.c_cur AS cur_key, count(*) AS visitors,
    ${d.countIf(`h.first_seen < CASE WHEN pc.c_cur = 1 THEN ${F} ELSE ${PF} END`)} AS returning_visitors,
    ${d.countIf('pc.c_orders > 0')} AS buyers,
    sum(pc.c_orders) AS orders, sum(pc.c_revenue) AS revenue_sum, sum(pc.c_refunds) AS refunds, sum(pc.c_refund_sum) AS refund_sum,
    ${d.countIf('pc.c_orders > 0 AND CASE WHEN pc.c_cur = 1 THEN h.orders_to_cur_end ELSE h.orders_to_prev_end END >= 2')} AS repeat_buyers,
    ${d.countIf('pc.c_orders > 0 AND CASE WHEN pc.c_cur = 1 THEN h.orders_prev ELSE h.orders_pp END > 0')} AS retained_buyers
  FROM pc JOIN hist AS h ON h.h_person = pc.c_person
  GROUP BY pc.c_channel, pc.c_cur
),
sc AS (
  SELECT sess_channel AS s_channel, CASE WHEN started >= ${F} THEN 1 ELSE 0 END AS s_cur, views, sess_orders, duration, page_seconds, timed_pages FROM sess_c WHERE is_visit = 1
  UNION ALL
  SELECT '' AS all_channels, CASE WHEN started >= ${F} THEN 1 ELSE 0 END AS all_cur, views, sess_orders, duration, page_seconds, timed_pages FROM sess_c WHERE is_visit = 1
),
sagg AS (
  SELECT s_channel AS s_ch, s_cur AS s_cur_key, count(*) AS sessions,
    ${d.countIf('sess_orders > 0')} AS converted_sessions,
    ${d.countIf(ENGAGED_COND)} AS engaged_sessions,
    sum(duration) AS engagement_seconds, sum(page_seconds) AS page_seconds_sum, sum(timed_pages) AS timed_pages_sum
  FROM sc GROUP BY s_channel, s_cur
),
sv AS (
  SELECT ev_channel AS v_channel, is_cur AS v_cur, ${d.jsonString('properties', ['survey'])} AS survey, ${d.jsonNumber('properties', ['score'])} AS score FROM evc WHERE event = '${SURVEY_EVENT}'
  UNION ALL
  SELECT '' AS all_channels, is_cur, ${d.jsonString('properties', ['survey'])} AS all_survey, ${d.jsonNumber('properties', ['score'])} AS all_score FROM evc WHERE event = '${SURVEY_EVENT}'
),
vagg AS (
  SELECT v_channel AS v_ch, v_cur AS v_cur_key,
    ${d.countIf(`survey = 'CSAT' AND score IS NOT NULL`)} AS csat_responses,
    ${d.countIf(`survey = 'CSAT' AND score >= 4`)} AS csat_satisfied,
    ${d.countIf(`survey = 'NPS' AND score IS NOT NULL`)} AS nps_responses,
    ${d.countIf(`survey = 'NPS' AND score >= 9`)} AS promoters,
    ${d.countIf(`survey = 'NPS' AND score <= 6`)} AS detractors
  FROM sv GROUP BY v_channel, v_cur
)`;
}

export async function computeKpis(store: Store, scope: AnalysisScope): Promise<KpiReport> {
  const d = store.dialect;
  const q = new QueryBuilder(d);
  const length = scope.to.getTime() - scope.from.getTime();
  const prevFrom = new Date(scope.from.getTime() - length);
  const sql = `WITH ${kpiCtesSql(q, scope)}
SELECT p.ch_key AS channel, p.cur_key AS is_cur, p.visitors AS visitors, p.returning_visitors AS returning_visitors,
  p.buyers AS buyers, p.orders AS orders, p.revenue_sum AS revenue_sum, p.refunds AS refunds, p.refund_sum AS refund_sum, p.repeat_buyers AS repeat_buyers, p.retained_buyers AS retained_buyers,
  CASE WHEN p.cur_key = 1 THEN b.prev_buyers ELSE b.pp_buyers END AS base_buyers,
  coalesce(s.sessions, 0) AS sessions, coalesce(s.converted_sessions, 0) AS converted_sessions, coalesce(s.engaged_sessions, 0) AS engaged_sessions,
  coalesce(s.engagement_seconds, 0) AS engagement_seconds, coalesce(s.page_seconds_sum, 0) AS page_seconds, coalesce(s.timed_pages_sum, 0) AS timed_pages,
  coalesce(v.csat_responses, 0) AS csat_responses, coalesce(v.csat_satisfied, 0) AS csat_satisfied,
  coalesce(v.nps_responses, 0) AS nps_responses, coalesce(v.promoters, 0) AS promoters, coalesce(v.detractors, 0) AS detractors
FROM pagg AS p
LEFT JOIN sagg AS s ON s.s_ch = p.ch_key AND s.s_cur_key = p.cur_key
LEFT JOIN vagg AS v ON v.v_ch = p.ch_key AND v.v_cur_key = p.cur_key
CROSS JOIN base AS b`;

  const rows = await store.query<Record<string, unknown>>(q.build(sql));
  const byKey = new Map<string, KpiCounts>();
  for (const r of rows) {
    const counts = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === 'channel' ? v : Number(v ?? 0)])) as unknown as KpiCounts;
    byKey.set(`${String(r.channel ?? '')}\u0000${Number(r.is_cur)}`, counts);
  }
  // The retention base (buyers of the preceding period) is shared by every channel, also by one
  // without a row in a period.
  const withBase = (channel: string, cur: 0 | 1): KpiCounts | undefined => {
    const row = byKey.get(`${channel}\u0000${cur}`);
    const base = byKey.get(`\u0000${cur}`)?.base_buyers ?? 0;
    return row ?? (base > 0 ? ({ ...ZERO_COUNTS, base_buyers: base } as KpiCounts) : undefined);
  };
  const pair = (channel: string) => kpiSet(withBase(channel, 1), withBase(channel, 0));
  const channels = [...new Set(rows.map((r) => String(r.channel ?? '')).filter((c) => c !== ''))].sort();
  const byChannel = channels
    .map((channel) => ({ channel, kpis: pair(channel) }))
    .sort((a, b) => (b.kpis.visitors.value ?? 0) - (a.kpis.visitors.value ?? 0) || a.channel.localeCompare(b.channel));
  return {
    period: { from: scope.from.toISOString(), to: scope.to.toISOString() },
    previousPeriod: { from: prevFrom.toISOString(), to: scope.from.toISOString() },
    overall: pair(''),
    byChannel,
  };
}

const ZERO_COUNTS = Object.fromEntries(
  [
    'visitors',
    'returning_visitors',
    'buyers',
    'orders',
    'revenue_sum',
    'refund_sum',
    'refunds',
    'repeat_buyers',
    'retained_buyers',
    'base_buyers',
    'sessions',
    'converted_sessions',
    'engaged_sessions',
    'engagement_seconds',
    'page_seconds',
    'timed_pages',
    'csat_responses',
    'csat_satisfied',
    'nps_responses',
    'promoters',
    'detractors',
  ].map((k) => [k, 0]),
) as unknown as KpiCounts;

function ratio(a: number, b: number): number | null {
  return b > 0 ? a / b : null;
}

/** Every KPI of one period from its counts; an absent row means nothing happened (counts 0). */
export function kpiValues(c: KpiCounts | undefined): Record<KpiName, number | null> {
  const n = (k: keyof KpiCounts) => (c ? c[k] : 0);
  const interaction = ratio(n('engaged_sessions'), n('sessions'));
  return {
    visitors: n('visitors'),
    newVisitors: n('visitors') - n('returning_visitors'),
    returningVisitors: n('returning_visitors'),
    sessions: n('sessions'),
    buyers: n('buyers'),
    orders: n('orders'),
    revenue: n('revenue_sum') - n('refund_sum'),
    grossRevenue: n('revenue_sum'),
    refunds: n('refund_sum'),
    refundedOrders: n('refunds'),
    conversionRate: ratio(n('buyers'), n('visitors')),
    sessionConversionRate: ratio(n('converted_sessions'), n('sessions')),
    averageOrderValue: ratio(n('revenue_sum') - n('refund_sum'), n('orders')),
    grossAverageOrderValue: ratio(n('revenue_sum'), n('orders')),
    repeatPurchaseRate: ratio(n('repeat_buyers'), n('buyers')),
    retentionRate: ratio(n('retained_buyers'), n('base_buyers')),
    averageEngagementSeconds: ratio(n('engagement_seconds'), n('sessions')),
    averageTimeOnPageSeconds: ratio(n('page_seconds'), n('timed_pages')),
    engagedSessions: n('engaged_sessions'),
    interactionRate: interaction,
    bounceRate: interaction === null ? null : 1 - interaction,
    csatResponses: n('csat_responses'),
    csat: ratio(n('csat_satisfied'), n('csat_responses')),
    npsResponses: n('nps_responses'),
    nps: n('nps_responses') > 0 ? (100 * (n('promoters') - n('detractors'))) / n('nps_responses') : null,
  };
}

function kpiSet(current: KpiCounts | undefined, previous: KpiCounts | undefined): KpiSet {
  const cur = kpiValues(current);
  const prev = kpiValues(previous);
  const out = {} as KpiSet;
  for (const name of KPI_NAMES) out[name] = compare(cur[name], prev[name]);
  return out;
}

export function compare(value: number | null, previous: number | null): KpiValue {
  const change = value !== null && previous !== null ? value - previous : null;
  return { value, previous, change, changeRelative: change !== null && previous ? change / previous : null };
}

/** Which persons of a KPI card or channel row: the person counts (visitors, new, returning, buyers). */
export const kpiSelectionSchema = z.object({
  metric: z.enum(['visitors', 'newVisitors', 'returningVisitors', 'buyers']),
  /** A channel row ('' or absent: all channels). */
  channel: z.string().optional(),
  period: z.enum(['current', 'previous']).default('current'),
});
export type KpiSelection = z.infer<typeof kpiSelectionSchema>;

/** The persons behind a person-count KPI, from the same CTEs as the report. */
export function kpiPeopleSql(q: QueryBuilder, scope: AnalysisScope, selection: KpiSelection): string {
  const length = scope.to.getTime() - scope.from.getTime();
  const cur = selection.period === 'current';
  // Parameters only where used: DuckDB refuses unbound extra parameters.
  const start = () => q.time(cur ? scope.from : new Date(scope.from.getTime() - length));
  const cond = {
    visitors: () => '1 = 1',
    newVisitors: () => `NOT (h.first_seen < ${start()})`,
    returningVisitors: () => `h.first_seen < ${start()}`,
    buyers: () => 'pc.c_orders > 0',
  }[selection.metric]();
  return `WITH ${kpiCtesSql(q, scope)}
SELECT DISTINCT pc.c_person AS person_id FROM pc JOIN hist AS h ON h.h_person = pc.c_person
WHERE pc.c_channel = ${q.str(selection.channel ?? '')} AND pc.c_cur = ${cur ? 1 : 0} AND ${cond}`;
}

export const kpisAnalysis = defineAnalysis({
  id: 'kpis',
  path: '/api/v1/kpis',
  summary: 'KPIs with the previous period, overall and per channel',
  access: 'read',
  input: z.object({}),
  run: ({ store, scope }) => computeKpis(store, scope),
  people: {
    selection: kpiSelectionSchema,
    sql: (q, scope, _input, selection) => kpiPeopleSql(q, scope, selection),
  },
});
