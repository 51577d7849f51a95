/**
 * KPI time series (day, week or month buckets) for sparklines and for the initiative lift methods,
 * overall or per unit (channel or region) so a difference-in-differences can set treated units
 * against controls. One SQL statement per call returns (unit, bucket, numerator, denominator).
 *
 * Metrics use the definitions of kpis.ts, per bucket instead of per period:
 * - visitors, sessions (visits, by start), orders, revenue: counts (buckets without data are 0).
 *   revenue is net of refunds (each refund in its own bucket, src/scope/money.ts), with the gross
 *   series (orders only) beside it in `gross`.
 * - conversion_rate: buyers / visitors (weight = visitors); aov: net revenue / orders (weight =
 *   orders), gross revenue / orders in `gross`.
 * - checkout_conversion: Checkout Started events (bucketed by their own time) whose person's next
 *   Order Completed comes before their next Checkout Started (an order completes only the latest
 *   checkout before it) and in the same session or within 1 day; weight = checkouts. Orders up to
 *   1 day past the range are looked at, so late checkouts are not cut short.
 * - repeat_rate: buyers of the bucket whose order count up to the end of the bucket is ≥2 / buyers.
 * - csat (share 4–5, weight = CSAT responses), nps (−100…100, weight = NPS responses).
 * Rate points are left out for buckets with an empty denominator.
 *
 * Units: `channel` is the attributed channel of each event (kpis.ts: a visit's first channel; other
 * events take the person's latest earlier visit; else 'Unassigned'); a session's unit is its own
 * channel. `region` is the person's region by the one rule of src/analysis/region.ts: the latest
 * event `context.location.region`, else event `properties.region`, else the `region` trait, else
 * 'Unknown'.
 */
import type { DailyPoint } from '../initiatives/methods/types.ts';
import { type Dialect, QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { grossRevenueSql, netRevenueSql } from '../scope/money.ts';
import { ORDER_COND, TOUCH_COND, UNASSIGNED_CHANNEL, firstChannelExpr, sessionChannelCtes } from './kpis.ts';
import { ORDER_EVENT, SURVEY_EVENT, ScopeError, scopedEvents, type AnalysisScope } from '../scope/scope.ts';
import { defineAnalysis } from '../registry/define.ts';
import { z } from 'zod';
import { personRegionSql, UNKNOWN_REGION } from './region.ts';

export const KPI_SERIES_METRICS = [
  'visitors',
  'sessions',
  'orders',
  'revenue',
  'conversion_rate',
  'aov',
  'checkout_conversion',
  'repeat_rate',
  'csat',
  'nps',
] as const;
export type KpiSeriesMetric = (typeof KPI_SERIES_METRICS)[number];
export type SeriesInterval = 'day' | 'week' | 'month';

export interface KpiSeriesOptions {
  metric: KpiSeriesMetric;
  interval: SeriesInterval;
  by?: 'channel' | 'region';
}

export interface KpiSeries {
  metric: KpiSeriesMetric;
  interval: SeriesInterval;
  /** Every unit together. */
  points: DailyPoint[];
  /** Per unit, when `by` is given. */
  units?: Array<{ unit: string; points: DailyPoint[] }>;
  /** revenue and aov: the same series before refunds (orders only), beside the net figures above. */
  gross?: { points: DailyPoint[]; units?: Array<{ unit: string; points: DailyPoint[] }> };
}

const RATE_METRICS = new Set<KpiSeriesMetric>(['conversion_rate', 'aov', 'checkout_conversion', 'repeat_rate', 'csat', 'nps']);
const HAS_GROSS = new Set<KpiSeriesMetric>(['revenue', 'aov']);
const CHECKOUT_EVENT = 'Checkout Started';
const DAY_MS = 86_400_000;

export async function computeKpiSeries(store: Store, scope: AnalysisScope, options: KpiSeriesOptions): Promise<KpiSeries> {
  const [total, units] = await Promise.all([
    seriesRows(store, scope, options.metric, options.interval, undefined),
    options.by ? seriesRows(store, scope, options.metric, options.interval, options.by) : Promise.resolve(undefined),
  ]);
  const buckets = bucketStarts(scope.from, scope.to, options.interval);
  const m = options.metric;
  const result: KpiSeries = { metric: m, interval: options.interval, points: toPoints(total, '', buckets, m, 'num') };
  const names = units && [...new Set(units.map((r) => r.unit))].sort();
  if (units && names) result.units = names.map((unit) => ({ unit, points: toPoints(units, unit, buckets, m, 'num') }));
  if (HAS_GROSS.has(m)) {
    result.gross = { points: toPoints(total, '', buckets, m, 'gross') };
    if (units && names) result.gross.units = names.map((unit) => ({ unit, points: toPoints(units, unit, buckets, m, 'gross') }));
  }
  return result;
}

interface SeriesRow {
  unit: string;
  bucket: string;
  num: number;
  den: number;
  /** revenue and aov: the numerator before refunds. */
  gross: number;
}

function toPoints(rows: SeriesRow[], unit: string, buckets: string[], metric: KpiSeriesMetric, field: 'num' | 'gross'): DailyPoint[] {
  const found = new Map(rows.filter((r) => r.unit === unit).map((r) => [r.bucket, r]));
  const points: DailyPoint[] = [];
  for (const date of buckets) {
    const r = found.get(date);
    if (!RATE_METRICS.has(metric)) {
      points.push({ date, value: r?.[field] ?? 0 });
    } else if (r && r.den > 0) {
      points.push({ date, value: (metric === 'nps' ? 100 : 1) * (r[field] / r.den), weight: r.den });
    }
  }
  return points;
}

/** 'YYYY-MM-DD' starts of the UTC buckets that overlap [from, to); weeks start on Monday. */
export function bucketStarts(from: Date, to: Date, interval: SeriesInterval): string[] {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  if (interval === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  if (interval === 'month') d.setUTCDate(1);
  const out: string[] = [];
  while (d.getTime() < to.getTime()) {
    out.push(d.toISOString().slice(0, 10));
    if (interval === 'day') d.setUTCDate(d.getUTCDate() + 1);
    else if (interval === 'week') d.setUTCDate(d.getUTCDate() + 7);
    else d.setUTCMonth(d.getUTCMonth() + 1);
    if (out.length > 20_000) throw new ScopeError('interval: too many buckets for this range');
  }
  return out;
}

async function seriesRows(
  store: Store,
  scope: AnalysisScope,
  metric: KpiSeriesMetric,
  interval: SeriesInterval,
  by: 'channel' | 'region' | undefined,
): Promise<SeriesRow[]> {
  const d = store.dialect;
  const q = new QueryBuilder(d);
  // DuckDB refuses a bound parameter the statement does not use: bind the range only when needed.
  let from: string | undefined;
  let until: string | undefined;
  const F = () => (from ??= q.time(scope.from));
  const T = () => (until ??= q.time(scope.to));
  const bucket = (ts: string) => d.formatDate(d.dateTrunc(interval, ts));
  const inRange = (ts: string) => `${ts} >= ${F()} AND ${ts} < ${T()}`;

  const ctes = unitEventCtes(q, scope, metric, by, T);
  const select = metricSelect(d, metric, by, bucket, inRange);
  const rows = await store.query(q.build(`WITH ${ctes.join(',\n')}\n${select}`));
  return rows.map((r) => ({
    unit: String(r.unit_key ?? ''),
    bucket: String(r.bucket_key),
    num: Number(r.num ?? 0),
    den: Number(r.den ?? 0),
    gross: Number(r.gross ?? 0),
  }));
}

/**
 * The CTEs up to `ev`: the scope's events (some metrics look past the range: repeat_rate counts
 * earlier orders, checkouts wait a day for orders), each with its unit (channel, region or none).
 */
function unitEventCtes(
  q: QueryBuilder,
  scope: AnalysisScope,
  metric: KpiSeriesMetric,
  by: 'channel' | 'region' | undefined,
  T: () => string,
): string[] {
  const d = q.d;
  const events =
    metric === 'repeat_rate'
      ? scopedEvents(q, scope, { ignoreTimeRange: true, extraWhere: [`timestamp < ${T()}`] })
      : metric === 'checkout_conversion'
        ? scopedEvents(q, { ...scope, to: new Date(scope.to.getTime() + DAY_MS) })
        : scopedEvents(q, scope);
  const ctes: string[] = [
    `src AS (SELECT person_id, session_id, event, type, channel, timestamp, revenue, message_id, properties, context FROM ${events} AS e)`,
  ];
  // `ev`: every event with its unit.
  if (by === 'channel') {
    ctes.push(sessionChannelCtes(d, ['type', 'channel', 'message_id']));
    ctes.push(`ev AS (SELECT evc.*, ev_channel AS unit FROM evc)`);
  } else if (by === 'region') {
    // The one region rule (src/analysis/region.ts), over the person's whole history up to the range end.
    ctes.push(`preg AS (${personRegionSql(q, q.str(scope.projectId), scope.to)})`);
    ctes.push(`ev AS (
  SELECT s.*, coalesce(r.region, '${UNKNOWN_REGION}') AS unit
  FROM src AS s LEFT JOIN preg AS r ON r.person_id = s.person_id
)`);
  } else {
    ctes.push(`ev AS (SELECT src.*, '' AS unit FROM src)`);
  }

  return ctes;
}

/** The SELECT over `ev` giving each unit and bucket its numerator and denominator for the metric. */
function metricSelect(
  d: Dialect,
  metric: KpiSeriesMetric,
  by: 'channel' | 'region' | undefined,
  bucket: (ts: string) => string,
  inRange: (ts: string) => string,
): string {
  let select: string;
  switch (metric) {
    case 'visitors':
      select = `SELECT unit AS unit_key, ${bucket('timestamp')} AS bucket_key, ${d.countDistinct('person_id')} AS num, 0 AS den FROM ev GROUP BY unit_key, bucket_key`;
      break;
    case 'orders':
    case 'revenue':
    case 'aov': {
      // Net of refunds (each refund in the bucket it happened in), the gross numerator beside it.
      const orders = d.countIf(ORDER_COND);
      const [num, den, gross] =
        metric === 'orders' ? [orders, '0', '0'] : [netRevenueSql(d), metric === 'revenue' ? '0' : orders, grossRevenueSql(d)];
      select = `SELECT unit AS unit_key, ${bucket('timestamp')} AS bucket_key, ${num} AS num, ${den} AS den, ${gross} AS gross FROM ev GROUP BY unit_key, bucket_key`;
      break;
    }
    case 'conversion_rate':
      select = `SELECT unit AS unit_key, ${bucket('timestamp')} AS bucket_key, ${d.countDistinctIf('person_id', ORDER_COND)} AS num, ${d.countDistinct('person_id')} AS den FROM ev GROUP BY unit_key, bucket_key`;
      break;
    case 'csat':
    case 'nps': {
      const score = d.jsonNumber('properties', ['score']);
      const survey = d.jsonString('properties', ['survey']);
      // Promoters count +1 and detractors −1 in one signed sum (no unsigned subtraction in ClickHouse).
      const num =
        metric === 'csat'
          ? d.countIf(`survey_name = 'CSAT' AND survey_score >= 4`)
          : `sum(CASE WHEN survey_name = 'NPS' AND survey_score >= 9 THEN 1 WHEN survey_name = 'NPS' AND survey_score <= 6 THEN -1 ELSE 0 END)`;
      const den = d.countIf(`survey_name = '${metric === 'csat' ? 'CSAT' : 'NPS'}' AND survey_score IS NOT NULL`);
      select = `SELECT unit AS unit_key, bucket_key, ${num} AS num, ${den} AS den FROM (
  SELECT unit, ${bucket('timestamp')} AS bucket_key, ${survey} AS survey_name, ${score} AS survey_score FROM ev WHERE event = '${SURVEY_EVENT}'
) AS sv GROUP BY unit, bucket_key`;
      break;
    }
    case 'sessions': {
      // A session's unit is its own first channel (by channel) or its person's region.
      const unitOfSession =
        by === 'channel'
          ? `CASE WHEN ${firstChannelExpr(d)} = '' THEN '${UNASSIGNED_CHANNEL}' ELSE ${firstChannelExpr(d)} END`
          : 'min(unit)';
      select = `SELECT su AS unit_key, ${bucket('started')} AS bucket_key, count(*) AS num, 0 AS den FROM (
  SELECT session_id, min(timestamp) AS started, ${d.countIf(TOUCH_COND)} AS touches, ${unitOfSession} AS su FROM ev GROUP BY session_id
) AS s WHERE touches > 0 GROUP BY su, bucket_key`;
      break;
    }
    case 'checkout_conversion': {
      const w = `PARTITION BY person_id ORDER BY timestamp DESC, CASE WHEN ${ORDER_COND} THEN 0 ELSE 1 END ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`;
      // Later checkouts: the frame stops before the current row.
      const later = w.replace('AND CURRENT ROW', 'AND 1 PRECEDING');
      select = `SELECT unit AS unit_key, ${bucket('timestamp')} AS bucket_key,
  ${d.countIf(`next_order_ts IS NOT NULL AND (next_checkout_ts IS NULL OR next_order_ts <= next_checkout_ts) AND (next_order_session = session_id OR ${d.secondsBetween('timestamp', 'next_order_ts')} <= 86400)`)} AS num, count(*) AS den
FROM (
  SELECT unit, event, timestamp, session_id,
    ${d.lastNonNullOver(`CASE WHEN ${ORDER_COND} THEN timestamp ELSE NULL END`, w)} AS next_order_ts,
    ${d.lastNonNullOver(`CASE WHEN ${ORDER_COND} THEN session_id ELSE NULL END`, w)} AS next_order_session,
    ${d.lastNonNullOver(`CASE WHEN event = '${CHECKOUT_EVENT}' THEN timestamp ELSE NULL END`, later)} AS next_checkout_ts
  FROM ev WHERE event IN ('${CHECKOUT_EVENT}', '${ORDER_EVENT}')
) AS c WHERE event = '${CHECKOUT_EVENT}' AND ${inRange('timestamp')} GROUP BY unit, bucket_key`;
      break;
    }
    case 'repeat_rate':
      select = `SELECT unit AS unit_key, bucket_key, ${d.countIf('max_ordinal >= 2')} AS num, count(*) AS den FROM (
  SELECT unit, person_id, ${bucket('timestamp')} AS bucket_key, max(ordinal) AS max_ordinal FROM (
    SELECT unit, person_id, timestamp, row_number() OVER (PARTITION BY person_id ORDER BY timestamp, message_id) AS ordinal FROM ev WHERE ${ORDER_COND}
  ) AS o WHERE ${inRange('timestamp')} GROUP BY unit, person_id, bucket_key
) AS b GROUP BY unit, bucket_key`;
      break;
  }
  return select;
}

export const kpiSeriesAnalysis = defineAnalysis({
  id: 'kpi-series',
  command: 'kpis series',
  path: '/api/v1/kpis/series',
  summary: 'A KPI as a time series, optionally per channel or region',
  access: 'read',
  input: z.object({
    metric: z.enum(KPI_SERIES_METRICS),
    interval: z.enum(['day', 'week', 'month']).default('day'),
    by: z.enum(['channel', 'region']).optional(),
  }),
  run: ({ store, scope }, input) => computeKpiSeries(store, scope, input),
});
