/**
 * ROI per touchpoint: ad spend joined to attributed conversions and revenue at the same
 * granularity.
 *
 * Join keys (spend row → touchpoint label, compared case-insensitively, trimmed):
 *  channel   ad_spend.channel                                 = the touch's channel (GA4 group names, e.g. 'Paid Search')
 *  campaign  ad_spend.campaign, else its channel               = the touch's campaign, else its channel
 *  keyword   ad_spend.keyword, else campaign, else channel     = the touch's keyword, else campaign, else channel
 *  source_medium  spend rows carry no medium: no spend is joined (a note says so).
 * Spend is cost_reporting (already in the reporting currency) of the daily rows from the day
 * containing `from` up to `to`.
 * Touchpoints without spend keep spend 0 (ratios null); spend without attributed touches is a
 * row with zero conversions, so no spend disappears from the totals.
 * Revenue, and so ROAS and ROI, is net of refunds: an order's value less the refunds that name it
 * (journeys.ts, src/scope/money.ts); grossRevenue beside it is the credit before refunds.
 */
import type { AnalysisScope } from '../scope/scope.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import {
  attributeJourneys,
  type AttributionRequest,
  AttributionInputError,
  journeyStats,
  type JourneyStats,
} from './attribution-report.ts';
import {
  buildJourneyPaths,
  DEFAULT_CONVERSION_EVENT,
  DEFAULT_LOOKBACK_DAYS,
  type Granularity,
  spendFrom,
  touchedConverterCounts,
} from './journeys.ts';
import { isModelName, MODEL_NAMES } from './models/index.ts';
import { roiMetrics, type RoiMetrics } from './roi-math.ts';

export interface RoiRequest extends Omit<AttributionRequest, 'model'> {
  /** Models to report, each its own table. */
  models: string[];
  /** Gross margin as a fraction of revenue (project settings). */
  margin: number;
}

export interface RoiRow extends RoiMetrics {
  touchpoint: string;
  spend: number;
  conversions: number;
  /** Attributed revenue net of refunds (ROAS and ROI are computed on it). */
  revenue: number;
  /** Attributed revenue before refunds. */
  grossRevenue: number;
  newCustomers: number;
  returningCustomers: number;
  /**
   * Distinct persons with a conversion in the range that this touchpoint touched in its lookback
   * window (the drill-down list's size); the total row: every converter. Not a credit: a person
   * touched by three channels counts in each.
   */
  people: number;
}

export interface RoiTable {
  model: string;
  rows: RoiRow[];
  totals: RoiRow;
}

export interface RoiReport {
  granularity: Granularity;
  lookbackDays: number;
  conversionEvent: string;
  from: string;
  to: string;
  margin: number;
  journeys: JourneyStats;
  tables: RoiTable[];
  notes: string[];
}

const key = (s: string) => s.trim().toLowerCase();

/** Spend per touchpoint label at a granularity, in the reporting currency. */
export async function spendByTouchpoint(
  store: Store,
  scope: AnalysisScope,
  granularity: Granularity,
): Promise<Map<string, { label: string; spend: number }>> {
  const out = new Map<string, { label: string; spend: number }>();
  if (granularity === 'source_medium') return out;
  const q = new QueryBuilder(store.dialect);
  const label = {
    channel: 'channel',
    campaign: `coalesce(nullif(campaign, ''), channel)`,
    keyword: `coalesce(nullif(keyword, ''), nullif(campaign, ''), channel)`,
  }[granularity];
  const rows = await store.query<{ label: string; total_spend: number }>(
    q.build(`SELECT ${label} AS label, sum(cost_reporting) AS total_spend FROM ad_spend
WHERE project_id = ${q.str(scope.projectId)} AND date >= ${q.time(spendFrom(scope))} AND date < ${q.time(scope.to)}
GROUP BY ${label} ORDER BY label`),
  );
  for (const r of rows) {
    const k = key(r.label);
    const prev = out.get(k);
    out.set(k, { label: prev?.label ?? r.label, spend: (prev?.spend ?? 0) + Number(r.total_spend) });
  }
  return out;
}

function rowOf(
  touchpoint: string,
  spend: number,
  conversions: number,
  revenue: number,
  grossRevenue: number,
  newCustomers: number,
  margin: number,
): RoiRow {
  return {
    touchpoint,
    spend,
    conversions,
    revenue,
    grossRevenue,
    newCustomers,
    returningCustomers: conversions - newCustomers,
    people: 0,
    ...roiMetrics({ spend, conversions, revenue, margin, firstOrderConversions: newCustomers }),
  };
}

export async function computeRoi(store: Store, scope: AnalysisScope, request: RoiRequest): Promise<RoiReport> {
  if (request.models.length === 0) throw new AttributionInputError('models: name at least one model');
  for (const m of request.models)
    if (!isModelName(m))
      throw new AttributionInputError(`model: unknown attribution model "${m}"; expected one of ${MODEL_NAMES.join(', ')}`);
  if (!(request.margin >= 0 && request.margin <= 1))
    throw new AttributionInputError(`margin must be between 0 and 1, got ${request.margin}`);
  const granularity = request.granularity ?? 'channel';
  const paths = await buildJourneyPaths(store, scope, { ...request, granularity, withAges: request.models.includes('time_decay') });
  const spend = await spendByTouchpoint(store, scope, granularity);
  const touched = await touchedConverterCounts(store, scope, { ...request, granularity });
  const notes: string[] = [];
  if (granularity === 'source_medium') notes.push('spend rows have no medium: ROI by source_medium reports no spend');
  const tables = request.models.map((model): RoiTable => {
    const summary = attributeJourneys(model, paths, request.options);
    const rows: RoiRow[] = [];
    const seen = new Set<string>();
    for (const t of summary.touchpoints) {
      const k = key(t.touchpoint);
      seen.add(k);
      rows.push({
        ...rowOf(t.touchpoint, spend.get(k)?.spend ?? 0, t.conversions, t.value, t.grossValue ?? t.value, t.newCustomers, request.margin),
        people: touched.byTouchpoint.get(t.touchpoint) ?? 0,
      });
    }
    for (const [k, s] of spend) if (!seen.has(k)) rows.push(rowOf(s.label, s.spend, 0, 0, 0, 0, request.margin));
    rows.sort((a, b) => b.spend - a.spend || b.revenue - a.revenue || a.touchpoint.localeCompare(b.touchpoint));
    const sum = (f: (r: RoiRow) => number) => rows.reduce((s, r) => s + f(r), 0);
    const totals = rowOf(
      '(total)',
      sum((r) => r.spend),
      sum((r) => r.conversions),
      sum((r) => r.revenue),
      sum((r) => r.grossRevenue),
      sum((r) => r.newCustomers),
      request.margin,
    );
    return { model, rows, totals: { ...totals, people: touched.total } };
  });
  return {
    granularity,
    lookbackDays: request.lookbackDays ?? DEFAULT_LOOKBACK_DAYS,
    conversionEvent: request.conversionEvent ?? DEFAULT_CONVERSION_EVENT,
    from: scope.from.toISOString(),
    to: scope.to.toISOString(),
    margin: request.margin,
    journeys: journeyStats(paths),
    tables,
    notes,
  };
}
