/**
 * Daily KPI series of an initiative, per day and unit (treated group, control group or each
 * untreated donor): numerator and denominator, aggregated in the database.
 */
import { personRegionSql, UNKNOWN_REGION } from '../analysis/region.ts';
import { ORDER_EVENT, SURVEY_EVENT, scopedEvents, segmentPersonsSql, type Segment } from '../scope/scope.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { netRevenueSql, refundsByOrderSql } from '../scope/money.ts';
import type { KpiSpec } from './initiatives.ts';

export const TREATED = 'treated';
export const CONTROL = 'control';
/** Label prefix of an untreated donor unit: `control:<value>`. */
export const DONOR_PREFIX = 'control:';

/** How persons are put into units. */
export type UnitDimension = { kind: 'trait'; trait: string } | { kind: 'channel' } | { kind: 'segment'; segment: Segment };

export type UnitGrouping =
  /** Everyone in one treated series. */
  | { mode: 'single' }
  /**
   * `groups`: one treated and one control series; `donors`: one treated series and one series per
   * untreated value. For a segment, its members are the control.
   */
  | { mode: 'groups' | 'donors'; dimension: UnitDimension; control?: string[]; treated?: string[] }
  /** One series per value (`unit:<value>`), for staggered rollouts; only the given values when listed. */
  | { mode: 'each'; dimension: UnitDimension; values?: string[] };

/** Label prefix of a unit of an `each` grouping: `unit:<value>`. */
export const UNIT_PREFIX = 'unit:';

export interface SeriesRequest {
  projectId: string;
  kpi: KpiSpec;
  /** Inclusive start, exclusive end. */
  from: Date;
  to: Date;
  /** Left out (a gradual rollout), inclusive start, exclusive end. */
  exclude?: { from: Date; to: Date };
  grouping: UnitGrouping;
}

export interface SeriesRow {
  date: string;
  unit: string;
  numerator: number;
  denominator: number;
}

const CHECKOUT_STARTED = 'Checkout Started';

/** person_id → unit label, NULL when the person belongs to no unit. */
function unitMapSql(q: QueryBuilder, projectId: string, g: Exclude<UnitGrouping, { mode: 'single' }>): string {
  const d = q.d;
  const p = q.str(projectId);
  const dim = g.dimension;
  if (dim.kind === 'segment') {
    return `SELECT person_id, CASE WHEN (${segmentPersonsSql(q, projectId, dim.segment)}) THEN '${CONTROL}' ELSE '${TREATED}' END AS unit
FROM (SELECT DISTINCT person_id FROM events WHERE project_id = ${p}) AS ap`;
  }
  // Region: the one region rule (src/analysis/region.ts: event context, properties, trait); other
  // traits: the latest non-empty value sent with identify.
  const values =
    dim.kind === 'trait' && dim.trait === 'region'
      ? `SELECT person_id, region AS unit_value FROM (${personRegionSql(q, p)}) AS rg WHERE region <> '${UNKNOWN_REGION}'`
      : dim.kind === 'trait'
        ? `SELECT person_id, ${d.argMax('tv', 'timestamp')} AS unit_value
FROM (SELECT person_id, ${d.jsonScalar('properties', [dim.trait])} AS tv, timestamp FROM events WHERE project_id = ${p} AND type = 'identify') AS tr
WHERE tv <> '' GROUP BY person_id`
        : `SELECT person_id, ${d.argMin('channel', 'timestamp')} AS unit_value FROM events WHERE project_id = ${p} AND channel <> '' GROUP BY person_id`;
  if (g.mode === 'each') {
    const only = g.values ? ` WHERE ${d.inArray('unit_value', q.list(g.values))}` : '';
    return `SELECT person_id, concat('${UNIT_PREFIX}', unit_value) AS unit FROM (${values}) AS pv${only}`;
  }
  const untreated = g.mode === 'groups' ? `'${CONTROL}'` : `concat('${DONOR_PREFIX}', unit_value)`;
  const inControl = g.control ? d.inArray('unit_value', q.list(g.control)) : undefined;
  const inTreated = g.treated ? d.inArray('unit_value', q.list(g.treated)) : undefined;
  let label: string;
  if (inControl && inTreated) label = `CASE WHEN ${inTreated} THEN '${TREATED}' WHEN ${inControl} THEN ${untreated} ELSE NULL END`;
  else if (inControl) label = `CASE WHEN ${inControl} THEN ${untreated} ELSE '${TREATED}' END`;
  else if (inTreated) label = `CASE WHEN ${inTreated} THEN '${TREATED}' ELSE ${untreated} END`;
  else throw new Error('a unit grouping needs control or treated values');
  return `SELECT person_id, ${label} AS unit FROM (${values}) AS pv`;
}

/** The scoped events with their day and unit, as a subquery. */
function unitEventsSql(q: QueryBuilder, req: SeriesRequest): string {
  const d = q.d;
  const extraWhere = req.exclude ? [`NOT (timestamp >= ${q.time(req.exclude.from)} AND timestamp < ${q.time(req.exclude.to)})`] : [];
  const events = scopedEvents(q, { projectId: req.projectId, from: req.from, to: req.to }, { extraWhere });
  if (req.grouping.mode === 'single') {
    return `(SELECT e.*, ${d.formatDate('e.timestamp')} AS day, '${TREATED}' AS unit FROM ${events} AS e)`;
  }
  return `(SELECT e.*, ${d.formatDate('e.timestamp')} AS day, u.unit AS unit FROM ${events} AS e
INNER JOIN (${unitMapSql(q, req.projectId, req.grouping)}) AS u ON u.person_id = e.person_id WHERE u.unit IS NOT NULL)`;
}

/** Per day and unit: KPI numerator and denominator (days with a zero denominator are absent). */
export async function initiativeSeries(store: Store, req: SeriesRequest): Promise<SeriesRow[]> {
  const q = new QueryBuilder(store.dialect);
  const d = store.dialect;
  const e = unitEventsSql(q, req);
  // Bound only where used: DuckDB refuses unused parameters.
  const p = () => q.str(req.projectId);
  const visit = `type IN ('page', 'screen')`;
  const order = `event = '${ORDER_EVENT}'`;
  let sql: string;
  const kpi = req.kpi;
  if (kpi === 'checkout_conversion' || typeof kpi === 'object') {
    const from = kpi === 'checkout_conversion' ? CHECKOUT_STARTED : kpi.from;
    const to = kpi === 'checkout_conversion' ? ORDER_EVENT : kpi.to;
    const windowSeconds = (kpi === 'checkout_conversion' ? 24 : kpi.windowHours) * 3600;
    // A checkout converts when an order with its order_id exists; without an order_id (or for a
    // generic step), when the same person does the second event within the window.
    const byOrder = kpi === 'checkout_conversion';
    const toEvent = q.str(to);
    const inWindow = `b.bts >= a.ts AND b.bts <= ${d.addSeconds('a.ts', q.num(windowSeconds))}`;
    const conv = byOrder ? `(a.order_id <> '' AND o.oid IS NOT NULL) OR (a.order_id = '' AND ${inWindow})` : inWindow;
    const orderJoin = byOrder
      ? `LEFT JOIN (SELECT DISTINCT order_id AS oid FROM events WHERE project_id = ${p()} AND event = ${toEvent} AND order_id <> '') AS o ON o.oid = a.order_id`
      : '';
    sql = `SELECT day, unit, sum(conv) AS num, count(*) AS den FROM (
  SELECT a.message_id AS mid, a.day AS day, a.unit AS unit, max(CASE WHEN ${conv} THEN 1 ELSE 0 END) AS conv
  FROM (SELECT message_id, person_id, timestamp AS ts, order_id, day, unit FROM ${e} AS x WHERE event = ${q.str(from)}) AS a
  ${orderJoin}
  LEFT JOIN (SELECT person_id AS pid, timestamp AS bts FROM events WHERE project_id = ${p()} AND event = ${toEvent} AND is_bot = 0) AS b ON b.pid = a.person_id
  GROUP BY a.message_id, a.day, a.unit
) AS c GROUP BY day, unit`;
  } else if (kpi === 'repeat_rate') {
    // Order rank over the person's whole history, so a first order before the window still counts.
    const ranks = `SELECT message_id AS rid, CASE WHEN row_number() OVER (PARTITION BY person_id ORDER BY timestamp, message_id) > 1 THEN 1 ELSE 0 END AS is_repeat
FROM events WHERE project_id = ${p()} AND ${order} AND is_bot = 0`;
    sql = `SELECT x.day AS day, x.unit AS unit, sum(r.is_repeat) AS num, count(*) AS den
FROM ${e} AS x INNER JOIN (${ranks}) AS r ON r.rid = x.message_id WHERE x.${order} GROUP BY x.day, x.unit`;
  } else {
    const csat = `event = '${SURVEY_EVENT}' AND ${d.jsonString('properties', ['survey'])} = 'CSAT' AND ${d.jsonNumber('properties', ['score'])} IS NOT NULL`;
    const parts: Record<typeof kpi, [string, string]> = {
      conversion_rate: [d.countDistinctIf('person_id', order), d.countDistinctIf('person_id', visit)],
      // Money net of refunds: a refund counts against the day it is paid back (as the revenue KPI does).
      revenue_per_visitor: [netRevenueSql(d), d.countDistinctIf('person_id', visit)],
      aov: [netRevenueSql(d), d.countIf(order)],
      csat: [d.sumIf(d.jsonNumber('properties', ['score']), csat), d.countIf(csat)],
    };
    const [num, den] = parts[kpi];
    sql = `SELECT day, unit, num, den FROM (SELECT day, unit, ${num} AS num, ${den} AS den FROM ${e} AS x GROUP BY day, unit) AS k WHERE den > 0`;
  }
  const rows = await store.query<{ day: string; unit: string; num: number; den: number }>(q.build(`${sql} ORDER BY day, unit`));
  return rows.map((r) => ({ date: r.day, unit: r.unit, numerator: Number(r.num), denominator: Number(r.den) }));
}

export interface OrderValueStats {
  orders: number;
  /** Σ order value net of its refunds, and Σ of its squares. */
  revenue: number;
  revenueSquares: number;
  /** Σ order revenue before refunds. */
  grossRevenue: number;
}

/**
 * Orders of the treated unit in a window: count, Σ value, Σ value², for the average order value and
 * its SE. An order's value is its revenue less what was refunded on it (refunds matched by
 * order_id, whenever they came), so a conversion is valued at what the business keeps.
 */
export async function treatedOrderValues(store: Store, req: SeriesRequest): Promise<OrderValueStats> {
  const q = new QueryBuilder(store.dialect);
  const e = unitEventsSql(q, req);
  const refunds = refundsByOrderSql(q, req.projectId);
  const rows = await store.query<{ n: number; s: number | null; ss: number | null; g: number | null }>(
    q.build(
      `SELECT count(*) AS n, sum(r) AS s, sum(r * r) AS ss, sum(g) AS g FROM (
  SELECT coalesce(x.revenue, 0) - coalesce(rf.r_amount, 0) AS r, coalesce(x.revenue, 0) AS g
  FROM ${e} AS x LEFT JOIN (${refunds}) AS rf ON rf.r_order = x.order_id
  WHERE x.event = '${ORDER_EVENT}' AND x.unit = '${TREATED}'
) AS o`,
    ),
  );
  const r = rows[0];
  return { orders: Number(r?.n ?? 0), revenue: Number(r?.s ?? 0), revenueSquares: Number(r?.ss ?? 0), grossRevenue: Number(r?.g ?? 0) };
}
