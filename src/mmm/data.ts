/**
 * The model's input, built in one SQL statement through the dialect layer: the daily KPI from
 * the events in scope and the daily spend per channel from the ad-spend import, as one
 * UNION ALL of two GROUP BYs (a few thousand rows for years of data). Everything after it
 * works on typed arrays.
 *
 * KPI: `revenue` = Σ revenue of Order Completed − Σ revenue of Order Refunded on the refund's
 * day (net of refunds where refunds are tracked); `orders` = count of Order Completed; any
 * other name = count of that event.
 *
 * Fitted days: the scope's days that lie between the first and the last day with spend (a
 * range the spend import does not cover would read as zero spend). Spend of up to WARMUP_DAYS
 * before the first fitted day feeds the adstock (carry-over into the range) without being fitted.
 *
 * Control series (price index, promotions, competitor or macro data) are documents of kind
 * `mmm-control`, one per series: `{ name, values: [{ date: 'YYYY-MM-DD', value }] }`.
 */
import { z } from 'zod';
import { ORDER_EVENT, REFUND_EVENT } from '../scope/vocabulary.ts';
import { type AnalysisScope, scopedEvents, ScopeError } from '../scope/scope.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import { listDocuments, putDocument } from '../store/documents.ts';
import type { Store } from '../store/store.ts';
import type { ControlSeries } from './baseline.ts';
import type { MmmSeries } from './fit.ts';

export const WARMUP_DAYS = 56;
const DAY = 86_400_000;
const CONTROL_KIND = 'mmm-control';

export const controlSeriesSchema = z.object({
  name: z.string().min(1).max(100),
  values: z.array(z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD'), value: z.number() })).min(1),
});

export async function saveControlSeries(store: Store, projectId: string, series: ControlSeries): Promise<void> {
  await putDocument(store, CONTROL_KIND, projectId, series.name, series);
}

export async function listControlSeries(store: Store, projectId: string): Promise<ControlSeries[]> {
  return (await listDocuments<ControlSeries>(store, CONTROL_KIND, projectId)).map((d) => d.body);
}

const dayNumber = (d: Date | string) => Math.floor((typeof d === 'string' ? Date.parse(`${d}T00:00:00Z`) : d.getTime()) / DAY);
const isoOf = (n: number) => new Date(n * DAY).toISOString().slice(0, 10);

export interface DailyAggregate {
  series: MmmSeries;
  /** Milliseconds the aggregate query took. */
  queryMs: number;
  /** Last fitted day. */
  lastDay: string;
  notes: string[];
}

/** Daily KPI and spend per channel for a scope, as typed arrays. */
export async function dailyAggregate(
  store: Store,
  scope: AnalysisScope,
  kpi: string,
  controls: ControlSeries[] = [],
): Promise<DailyAggregate> {
  const q = new QueryBuilder(store.dialect);
  const d = store.dialect;
  const kpiExpr =
    kpi === 'revenue'
      ? `${d.sumIf('coalesce(revenue, 0)', `event = ${q.str(ORDER_EVENT)}`)} - ${d.sumIf('coalesce(revenue, 0)', `event = ${q.str(REFUND_EVENT)}`)}`
      : `${d.countIf(`event = ${q.str(kpi === 'orders' ? ORDER_EVENT : kpi)}`)}`;
  const events = kpi === 'revenue' ? q.list([ORDER_EVENT, REFUND_EVENT]) : q.list([kpi === 'orders' ? ORDER_EVENT : kpi]);
  const firstDay = dayNumber(scope.from);
  const lastDay = dayNumber(new Date(scope.to.getTime() - 1));
  const spendFrom = new Date((firstDay - WARMUP_DAYS) * DAY);
  const sql = `SELECT 'kpi' AS kind, '' AS channel, ${d.formatDate('timestamp')} AS day, ${d.toFloat(kpiExpr)} AS value
FROM ${scopedEvents(q, scope, { extraWhere: [d.inArray('event', events)] })} AS e
GROUP BY day
UNION ALL
SELECT 'spend' AS kind, channel, ${d.formatDate('date')} AS day, ${d.toFloat('sum(cost_reporting)')} AS value
FROM ad_spend
WHERE project_id = ${q.str(scope.projectId)} AND date >= ${q.time(spendFrom)} AND date < ${q.time(scope.to)}
GROUP BY channel, day
ORDER BY kind, channel, day`;
  const t0 = performance.now();
  const rows = await store.query<{ kind: string; channel: string; day: string; value: number }>(q.build(sql));
  const queryMs = performance.now() - t0;

  // First and last day with spend inside the scope bound the fitted days.
  let firstSpend = Infinity;
  let lastSpend = -Infinity;
  let earliest = Infinity;
  const channelNames = new Set<string>();
  for (const r of rows) {
    if (r.kind !== 'spend') continue;
    const n = dayNumber(r.day);
    channelNames.add(r.channel);
    earliest = Math.min(earliest, n);
    if (n >= firstDay && n <= lastDay && Number(r.value) > 0) {
      firstSpend = Math.min(firstSpend, n);
      lastSpend = Math.max(lastSpend, n);
    }
  }
  if (!Number.isFinite(firstSpend)) throw new ScopeError('no ad spend in the range: import spend first (waymark import FILE --kind spend)');
  const notes: string[] = [];
  if (firstSpend > firstDay || lastSpend < lastDay)
    notes.push(`fitted ${isoOf(firstSpend)}..${isoOf(lastSpend)}: the days with imported spend inside the range`);
  const start = firstSpend;
  const T = lastSpend - firstSpend + 1;
  // Warm-up: the imported spend days before the first fitted day, at most WARMUP_DAYS.
  const W = Math.max(0, Math.min(WARMUP_DAYS, start - earliest));
  const y = new Float64Array(T);
  const names = [...channelNames].sort();
  const spend = new Map(names.map((n) => [n, new Float64Array(W + T)]));
  for (const r of rows) {
    const n = dayNumber(r.day);
    if (r.kind === 'kpi') {
      if (n >= start && n < start + T) y[n - start] = Number(r.value);
    } else {
      const i = n - (start - W);
      if (i >= 0 && i < W + T) spend.get(r.channel)![i]! += Number(r.value);
    }
  }
  return {
    series: {
      kpi,
      firstDay: isoOf(start),
      days: T,
      warmup: W,
      y,
      channels: names.map((name) => ({ name, spend: spend.get(name)! })),
      controls,
    },
    queryMs,
    lastDay: isoOf(start + T - 1),
    notes,
  };
}
