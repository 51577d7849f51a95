/**
 * Daily KPI series and their breakdowns, computed in the database. A KPI is a metric (orders,
 * revenue, gross_revenue, visitors, sessions) or a step conversion between two events (a journey
 * stage's leak: persons doing `to` on a day / persons doing `from` that day). `revenue` is net of
 * refunds, each refund on its own day; `gross_revenue` is orders only (both src/scope/money.ts).
 */
import { z } from 'zod';
import { ORDER_EVENT } from '../scope/scope.ts';
import { grossRevenueSql, netRevenueSql } from '../scope/money.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';

export const kpiSchema = z.union([
  z.enum(['orders', 'revenue', 'gross_revenue', 'visitors', 'sessions']),
  z
    .object({ from: z.string().min(1), to: z.string().min(1) })
    .describe('step conversion: persons doing `to` / persons doing `from`, per day'),
]);
export type Kpi = z.infer<typeof kpiSchema>;

export const kpiName = (k: Kpi) => (typeof k === 'string' ? k : `${k.from} → ${k.to}`);
export const isRate = (k: Kpi) => typeof k !== 'string';

export const DIMENSIONS = ['channel', 'device', 'region', 'persona'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** SQL of a dimension's value per person (channel: first touch; region/persona: traits) or per event (device). */
function dimensionJoin(q: QueryBuilder, projectId: string, dim: Dimension): { join: string; value: string } {
  const d = q.d;
  if (dim === 'device') return { join: '', value: `e.device_type` };
  if (dim === 'channel') {
    return {
      join: `LEFT JOIN (SELECT person_id AS dp, ${d.argMin('channel', 'timestamp')} AS dv FROM events WHERE project_id = ${q.str(projectId)} AND channel <> '' GROUP BY person_id) AS dim ON dim.dp = e.person_id`,
      value: `coalesce(dim.dv, '(none)')`,
    };
  }
  return {
    join: `LEFT JOIN (SELECT person_id AS dp, ${d.jsonString('traits', [dim])} AS dv FROM persons WHERE project_id = ${q.str(projectId)}) AS dim ON dim.dp = e.person_id`,
    value: `coalesce(nullif(dim.dv, ''), '(none)')`,
  };
}

/** The KPI's numerator and denominator per day (and per dimension value when `dim` is given). */
export function kpiDailySql(q: QueryBuilder, projectId: string, kpi: Kpi, from: Date, to: Date, dim?: Dimension): string {
  const d = q.d;
  const dimSql = dim ? dimensionJoin(q, projectId, dim) : { join: '', value: `''` };
  const where = `e.project_id = ${q.str(projectId)} AND e.timestamp >= ${q.time(from)} AND e.timestamp < ${q.time(to)} AND e.is_bot = 0`;
  const day = d.formatDate(d.dateTrunc('day', 'e.timestamp'));
  let num: string;
  let den = '1';
  if (kpi === 'orders') num = d.countIf(`e.event = '${ORDER_EVENT}'`);
  else if (kpi === 'revenue') num = netRevenueSql(d, 'e.');
  else if (kpi === 'gross_revenue') num = grossRevenueSql(d, 'e.');
  else if (kpi === 'visitors') num = d.countDistinct('e.person_id');
  else if (kpi === 'sessions') num = d.countDistinct('e.session_id');
  else {
    num = d.countDistinctIf('e.person_id', `e.event = ${q.str(kpi.to)}`);
    den = d.countDistinctIf('e.person_id', `e.event = ${q.str(kpi.from)}`);
  }
  return `SELECT ${day} AS day, ${dimSql.value} AS dim, ${d.toFloat(num)} AS num, ${d.toFloat(den)} AS den FROM events AS e ${dimSql.join} WHERE ${where} GROUP BY ${day}, ${dimSql.value}`;
}

export async function kpiSeries(
  store: Store,
  projectId: string,
  kpi: Kpi,
  from: Date,
  to: Date,
): Promise<Array<{ date: string; value: number; num: number; den: number }>> {
  const q = new QueryBuilder(store.dialect);
  const rows = await store.query<{ day: string; num: number; den: number }>(
    q.build(`SELECT day, num, den FROM (${kpiDailySql(q, projectId, kpi, from, to)}) AS k ORDER BY day`),
  );
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const out: Array<{ date: string; value: number; num: number; den: number }> = [];
  // Every day of the range, days without events as zero, so weekly positions stay aligned.
  for (let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()); t < to.getTime(); t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    const r = byDay.get(date);
    const num = Number(r?.num ?? 0);
    const den = Number(r?.den ?? 0);
    out.push({ date, num, den, value: isRate(kpi) ? (den > 0 ? num / den : 0) : num });
  }
  return out;
}

export interface RootCause {
  dimension: Dimension;
  value: string;
  actual: number;
  baseline: number;
  change: number;
  /** Share of the KPI's total change that this value accounts for (the top one per dimension). */
  shareOfChange: number;
}

/**
 * Which channel, device, region or persona explains most of a day's change: per dimension value,
 * the KPI's numerator on the day against the mean of the same weekday in the four weeks before,
 * in SQL. For a rate KPI the numerator's change is explained (its denominator is shown in the KPI).
 */
export async function rootCauses(store: Store, projectId: string, kpi: Kpi, date: string): Promise<RootCause[]> {
  const day = Date.parse(`${date}T00:00:00Z`);
  const baselineDays = [7, 14, 21, 28].map((k) => new Date(day - k * 86_400_000).toISOString().slice(0, 10));
  const out: RootCause[] = [];
  for (const dim of DIMENSIONS) {
    const q = new QueryBuilder(store.dialect);
    const daily = kpiDailySql(q, projectId, kpi, new Date(day - 28 * 86_400_000), new Date(day + 86_400_000), dim);
    const rows = await store.query<{ dim: string; actual: number; baseline: number }>(
      q.build(
        `SELECT dim, sum(CASE WHEN day = ${q.str(date)} THEN num ELSE 0 END) AS actual, sum(CASE WHEN ${q.d.inArray('day', q.list(baselineDays))} THEN num ELSE 0 END) / 4.0 AS baseline FROM (${daily}) AS k GROUP BY dim`,
      ),
    );
    const values = rows.map((r) => ({ value: r.dim, actual: Number(r.actual), baseline: Number(r.baseline) }));
    const total = values.reduce((s, v) => s + v.actual - v.baseline, 0);
    if (values.length < 2 || total === 0) continue;
    const top = values.map((v) => ({ ...v, change: v.actual - v.baseline })).sort((a, b) => Math.sign(total) * (b.change - a.change))[0]!;
    out.push({
      dimension: dim,
      value: top.value,
      actual: top.actual,
      baseline: top.baseline,
      change: top.change,
      shareOfChange: top.change / total,
    });
  }
  return out.sort((a, b) => b.shareOfChange - a.shareOfChange);
}
