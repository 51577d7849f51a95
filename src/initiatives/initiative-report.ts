/**
 * The report of an initiative: its causal lift on the target KPI (difference-in-differences,
 * counterfactual forecast or synthetic control, with a placebo in time beside it), incremental
 * conversions and revenue, and ROI against the recorded cost. Money is net of refunds: the money
 * KPIs subtract Order Refunded amounts, and a conversion is valued at the treated orders' average
 * value less what was refunded on them.
 */
import { projectDataRange, ScopeError, type Segment } from '../scope/scope.ts';
import { listDocuments } from '../store/documents.ts';
import type { Store } from '../store/store.ts';
import {
  estimateLift,
  initiativeRoi,
  placeboTest,
  type ChartPoint,
  type EstimateLiftInput,
  type EstimateLiftResult,
  type IntervalEstimate,
  type LiftMethod,
  type RoiResult,
  type UnitSeries,
} from './methods/index.ts';
import { addDays } from './methods/stats.ts';
import { staggeredInitiativeReport } from './staggered-report.ts';
import type { Initiative, KpiSpec } from './initiatives.ts';
import {
  initiativeSeries,
  treatedOrderValues,
  TREATED,
  type SeriesRequest,
  type SeriesRow,
  type UnitDimension,
  type UnitGrouping,
} from './initiative-series.ts';

/** Default pre-period length when the initiative names no start. */
export const DEFAULT_PRE_DAYS = 180;

export interface InitiativeReportOptions {
  /** Gross margin as a fraction of revenue (the project's margin setting). */
  grossMargin: number;
  level?: number;
}

export interface InitiativeReport {
  initiative: Initiative;
  kpi: { name: string; numerator: string; denominator: string };
  /** staggered: a rollout in waves (stacked difference-in-differences, staggered-report.ts). */
  method: LiftMethod | 'staggered';
  methodReason: string;
  periods: {
    preStart: string;
    preEnd: string;
    shipDate: string;
    postStart: string;
    postEnd: string;
    excluded: { from: string; to: string } | null;
  };
  units: { treated: string; untreated: string[] };
  level: number;
  lift: {
    /** Mean per-day lift over the post-period, in KPI units. */
    absolute: IntervalEstimate & { se: number; pValue: number };
    relative: IntervalEstimate | null;
    cumulative: IntervalEstimate;
    postDays: number;
  };
  /** Null when the KPI has no money value (CSAT, a step that does not end in an order) or no cost is recorded. */
  incrementalConversions: IntervalEstimate | null;
  incrementalRevenue: IntervalEstimate | null;
  incrementalGrossMargin: IntervalEstimate | null;
  /** What a treated post-period order is worth net of its refunds (value, its SE), with the gross value beside. */
  averageOrderValue: { value: number; se: number; orders: number; gross: number } | null;
  cost: { oneOff: number; perMonth: number; total: number; monthsElapsed: number } | null;
  grossMargin: number;
  roi: IntervalEstimate | null;
  paybackDate: string | null;
  /** The payback date is projected beyond the observed post-period. */
  paybackProjected: boolean;
  chart: ChartPoint[];
  placebo: {
    fakeShipDate: string;
    fakePostEnd: string;
    averageLift: IntervalEstimate & { pValue: number };
    intervalContainsZero: boolean;
    warnings: string[];
  } | null;
  /** Method-specific figures: DiD cell means, synthetic-control weights, forecast fit. */
  details: Record<string, unknown>;
  /** The daily numerator/denominator per unit behind the estimate. */
  series: SeriesRow[];
  assumptions: string[];
  warnings: string[];
}

const KPI_LABELS: Record<string, { name: string; numerator: string; denominator: string }> = {
  checkout_conversion: {
    name: 'checkout_conversion',
    numerator: 'checkouts completed (Order Completed with the checkout’s order_id)',
    denominator: 'Checkout Started',
  },
  conversion_rate: {
    name: 'conversion_rate',
    numerator: 'persons with an Order Completed',
    denominator: 'persons with a page or screen view',
  },
  revenue_per_visitor: {
    name: 'revenue_per_visitor',
    numerator: 'order revenue net of refunds',
    denominator: 'persons with a page or screen view',
  },
  aov: { name: 'aov', numerator: 'order revenue net of refunds', denominator: 'orders' },
  repeat_rate: { name: 'repeat_rate', numerator: 'orders by persons with an earlier order', denominator: 'orders' },
  csat: { name: 'csat', numerator: 'Σ CSAT score', denominator: 'CSAT responses' },
};

function kpiLabel(kpi: KpiSpec): InitiativeReport['kpi'] {
  if (typeof kpi === 'string') return KPI_LABELS[kpi]!;
  return {
    name: `${kpi.from} → ${kpi.to}`,
    numerator: `${kpi.from} followed by ${kpi.to} within ${kpi.windowHours} h`,
    denominator: kpi.from,
  };
}

/** How ROI values one unit of the KPI's numerator: as an order (AOV), as money, or not at all. */
function valuation(kpi: KpiSpec): 'order' | 'money' | 'none' {
  if (kpi === 'revenue_per_visitor' || kpi === 'aov') return 'money';
  if (kpi === 'csat') return 'none';
  if (typeof kpi === 'object') return kpi.to === 'Order Completed' ? 'order' : 'none';
  return 'order';
}

function chooseMethod(i: Initiative): { method: LiftMethod; reason: string } {
  if (i.method === 'staggered') throw new ScopeError('method: staggered needs a rollout');
  if (i.method !== 'auto') return { method: i.method, reason: `method ${i.method} chosen on the initiative` };
  if (i.control) return { method: 'did', reason: 'auto: a control group exists, so difference-in-differences' };
  if (i.treated)
    return {
      method: 'synthetic_control',
      reason: 'auto: the change reached some units and several others are untreated, so synthetic control',
    };
  return { method: 'forecast', reason: 'auto: no control, so a counterfactual forecast of the treated series' };
}

async function personaSegment(store: Store, projectId: string, persona: string): Promise<Segment> {
  const personas = await listDocuments<{ name?: string; segment: Segment }>(store, 'persona', projectId);
  const found = personas.find((p) => p.id === persona || p.body.name === persona);
  if (!found) throw new ScopeError(`control.persona: no persona "${persona}"`);
  return found.body.segment;
}

async function grouping(store: Store, projectId: string, i: Initiative, method: LiftMethod): Promise<UnitGrouping> {
  const spec = i.control ?? i.treated;
  if (!spec) {
    if (method !== 'forecast') throw new ScopeError(`${method} needs a control or treated units on the initiative`);
    return { mode: 'single' };
  }
  const mode = method === 'synthetic_control' ? 'donors' : 'groups';
  if (spec.by === 'segment' || spec.by === 'persona') {
    if (method === 'synthetic_control')
      throw new ScopeError('synthetic control needs several untreated units: use a region, channel or trait control');
    const segment = spec.by === 'segment' ? spec.segment : await personaSegment(store, projectId, spec.persona);
    return { mode, dimension: { kind: 'segment', segment } };
  }
  const dimension: UnitDimension =
    spec.by === 'channel' ? { kind: 'channel' } : { kind: 'trait', trait: spec.by === 'region' ? 'region' : spec.trait! };
  if (i.control && 'values' in i.control)
    return { mode, dimension, control: i.control.values, ...(i.control.treated ? { treated: i.control.treated } : {}) };
  return { mode, dimension, treated: spec.values };
}

const dayStart = (date: string) => new Date(`${date}T00:00:00.000Z`);

/** Builds the report of one initiative from the project's events. */
export async function initiativeReport(
  store: Store,
  projectId: string,
  initiative: Initiative,
  options: InitiativeReportOptions,
): Promise<InitiativeReport> {
  const level = options.level ?? 0.95;
  const data = await projectDataRange(store, projectId, { excludeBots: true });
  if (!data) throw new ScopeError('the project has no events yet');
  // The series are daily: the first and last day with (non-bot) events, UTC.
  const range = { first: data.from.toISOString().slice(0, 10), last: new Date(data.to.getTime() - 1).toISOString().slice(0, 10) };
  const { shipDate, postStart, postEnd, preStart } = reportPeriods(initiative, range);
  if (initiative.rollout) {
    if (initiative.method !== 'auto' && initiative.method !== 'staggered')
      throw new ScopeError(`method: a rollout in waves is estimated by the staggered method, not ${initiative.method}`);
    return staggeredInitiativeReport(store, projectId, initiative, {
      ...options,
      range,
      valuation: valuation(initiative.kpi),
      kpiLabel: kpiLabel(initiative.kpi),
    });
  }
  const { method, reason } = chooseMethod(initiative);
  const request: SeriesRequest = {
    projectId,
    kpi: initiative.kpi,
    from: dayStart(preStart),
    to: dayStart(addDays(postEnd, 1)),
    ...(postStart > shipDate ? { exclude: { from: dayStart(shipDate), to: dayStart(postStart) } } : {}),
    grouping: await grouping(store, projectId, initiative, method),
  };
  const rows = await initiativeSeries(store, request);

  const { treated, untreated } = treatedAndUntreated(rows, method);
  // The ramp days are already left out; the lift methods treat postStart as the ship date.
  const liftInput: EstimateLiftInput =
    method === 'forecast'
      ? { method, series: treated.points, shipDate: postStart, level }
      : { method, units: [treated, ...untreated], shipDate: postStart, level };
  let estimate: EstimateLiftResult;
  try {
    estimate = estimateLift(liftInput);
  } catch (error) {
    throw new ScopeError(`${method}: ${(error as Error).message}`);
  }
  const warnings: string[] = [];
  const placebo = placeboSummary(liftInput, warnings);
  const { cost, value, roi, aov } = await valueTheLift(store, request, initiative, estimate, options.grossMargin, postStart, warnings);
  const { assumptions: methodAssumptions, warnings: methodWarnings } = estimate;
  const details = methodDetails(estimate);
  // For money KPIs the "conversions" of the ROI are already money.
  const money = value === 'money';
  return {
    initiative,
    kpi: kpiLabel(initiative.kpi),
    method,
    methodReason: reason,
    periods: {
      preStart,
      preEnd: addDays(shipDate, -1),
      shipDate,
      postStart,
      postEnd,
      excluded: postStart > shipDate ? { from: shipDate, to: addDays(postStart, -1) } : null,
    },
    units: { treated: TREATED, untreated: untreated.map((u) => u.unit) },
    level,
    lift: {
      absolute: estimate.averageLift,
      relative: estimate.relativeLift,
      cumulative: estimate.cumulativeLift,
      postDays: estimate.postDays,
    },
    incrementalConversions: roi && !money ? roi.incrementalConversions : null,
    incrementalRevenue: roi ? roi.incrementalRevenue : null,
    incrementalGrossMargin: roi ? roi.incrementalGrossMargin : null,
    averageOrderValue: aov,
    cost: roi ? { ...cost, total: roi.cost, monthsElapsed: roi.monthsElapsed } : null,
    grossMargin: options.grossMargin,
    roi: roi ? roi.roi : null,
    paybackDate: roi ? roi.paybackDate : null,
    paybackProjected: roi ? roi.paybackProjected : false,
    chart: estimate.series.map((p) => ({ date: p.date, actual: p.actual, counterfactual: p.counterfactual, low: p.low, high: p.high })),
    placebo,
    details,
    series: rows,
    assumptions: roi ? roi.assumptions : methodAssumptions,
    warnings: [
      ...warnings,
      ...(roi ? roi.warnings : methodWarnings),
      ...(placebo && !placebo.intervalContainsZero ? placebo.warnings : []),
    ],
  };
}

/** The pre-period, ship date and post-period (after the rollout ramp) within the project's data. */
function reportPeriods(
  initiative: Initiative,
  range: { first: string; last: string },
): { shipDate: string; postStart: string; postEnd: string; preStart: string } {
  const shipDate = initiative.shippedAt;
  const postStart = initiative.rolloutEnd ? addDays(initiative.rolloutEnd, 1) : shipDate;
  const postEnd = initiative.postEnd ?? range.last;
  const earliest = addDays(shipDate, -DEFAULT_PRE_DAYS);
  const preStart = initiative.preStart ?? (range.first > earliest ? range.first : earliest);
  if (postStart > postEnd) throw new ScopeError(`no post-period: the data ends on ${range.last}, before ${postStart}`);
  if (preStart >= shipDate) throw new ScopeError(`no pre-period: the data starts on ${range.first}, not before the ship date ${shipDate}`);

  return { shipDate, postStart, postEnd, preStart };
}

/** The daily KPI series per unit (value = numerator / denominator, weighted by the denominator). */
function treatedAndUntreated(
  rows: Awaited<ReturnType<typeof initiativeSeries>>,
  method: LiftMethod,
): { treated: UnitSeries; untreated: UnitSeries[] } {
  const byUnit = new Map<string, UnitSeries>();
  for (const r of rows) {
    const u = byUnit.get(r.unit) ?? { unit: r.unit, treated: r.unit === TREATED, points: [] };
    u.points.push({ date: r.date, value: r.numerator / r.denominator, weight: r.denominator });
    byUnit.set(r.unit, u);
  }
  const treated = byUnit.get(TREATED);
  if (!treated) throw new ScopeError('no treated data: no events of the KPI for the treated units in the window');
  const untreated = [...byUnit.values()].filter((u) => !u.treated);
  if (method !== 'forecast' && untreated.length === 0)
    throw new ScopeError('no control data: no events of the KPI for the untreated units in the window');

  return { treated, untreated };
}

/** A placebo test at a fake ship date inside the pre-period; a warning when it cannot be run. */
function placeboSummary(liftInput: EstimateLiftInput, warnings: string[]): InitiativeReport['placebo'] {
  let placebo: InitiativeReport['placebo'] = null;
  try {
    const p = placeboTest({ lift: liftInput });
    placebo = {
      fakeShipDate: p.fakeShipDate,
      fakePostEnd: p.fakePostEnd,
      averageLift: p.averageLift,
      intervalContainsZero: p.intervalContainsZero,
      warnings: p.warnings,
    };
  } catch (error) {
    warnings.push(`No placebo test: ${(error as Error).message}`);
  }

  return placebo;
}

/**
 * Incremental revenue, margin and ROI of the lift: money KPIs directly, conversion KPIs at the
 * treated units' average order value in the post-period (with its standard error).
 */
async function valueTheLift(
  store: Store,
  request: SeriesRequest,
  initiative: Initiative,
  estimate: EstimateLiftResult,
  grossMargin: number,
  postStart: string,
  warnings: string[],
): Promise<{
  cost: { oneOff: number; perMonth: number };
  value: ReturnType<typeof valuation>;
  roi: RoiResult | null;
  aov: InitiativeReport['averageOrderValue'];
}> {
  const cost = { oneOff: initiative.cost.oneOff, perMonth: initiative.cost.perMonth };
  const value = valuation(initiative.kpi);
  let roi: RoiResult | null = null;
  let aov: InitiativeReport['averageOrderValue'] = null;
  if (value === 'none') warnings.push('The KPI has no money value: no incremental revenue or ROI.');
  else if (!(cost.oneOff + cost.perMonth > 0)) warnings.push('No cost recorded: no ROI.');
  else {
    let averageOrderValue = 1;
    let averageOrderValueSe = 0;
    if (value === 'order') {
      const o = await treatedOrderValues(store, { ...request, from: dayStart(postStart), grouping: request.grouping, exclude: undefined });
      if (o.orders === 0) warnings.push('No treated orders in the post-period to value conversions: no ROI.');
      else {
        averageOrderValue = o.revenue / o.orders;
        const variance = o.orders > 1 ? (o.revenueSquares - o.orders * averageOrderValue ** 2) / (o.orders - 1) : 0;
        averageOrderValueSe = Math.sqrt(Math.max(variance, 0) / o.orders);
        aov = { value: averageOrderValue, se: averageOrderValueSe, orders: o.orders, gross: o.grossRevenue / o.orders };
      }
    }
    if (value === 'money' || aov) {
      roi = initiativeRoi({ estimate, kpi: 'rate', averageOrderValue, averageOrderValueSe, grossMargin, cost });
    }
  }

  return { cost, value, roi, aov };
}

/** The method's own figures beyond the common lift fields (weights, cell means, diagnostics). */
function methodDetails(estimate: EstimateLiftResult): Record<string, unknown> {
  const { series: _s, draws: _d, assumptions: _a, warnings: _w, ...rest } = estimate as EstimateLiftResult & { draws?: unknown };
  const details: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) {
    if (!['method', 'shipDate', 'level', 'averageLift', 'cumulativeLift', 'relativeLift', 'postDays', 'treatedUnits'].includes(k))
      details[k] = v;
  }
  return details;
}
