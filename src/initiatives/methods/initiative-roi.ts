// Turns a lift estimate on a KPI into business figures over the post-period:
// incremental conversions, revenue and gross margin, ROI against the initiative's
// cost, the payback date, and the actual-vs-counterfactual chart series.
import { quantile, sum } from '../../stats/descriptive.ts';
import { addDays, dayNumber } from './stats.ts';
import { normalQuantile } from '../../stats/distributions.ts';
import { mulberry32, normalSampler } from '../../stats/random.ts';
import type { IntervalEstimate, LiftEstimate } from './types.ts';
import { fmtNum, fmtPct } from '../../format/numbers.ts';

/** Average days per month, so a per-month cost accrues smoothly day by day. */
export const DAYS_PER_MONTH = 365.25 / 12;

export interface InitiativeCost {
  /** Paid at the ship date. */
  oneOff: number;
  /** Running cost, accrued pro rata per day from the ship date. */
  perMonth?: number;
}

export interface RoiInput {
  estimate: LiftEstimate;
  /**
   * What the KPI measures: a conversion `rate` (lift × exposed visitors), a
   * conversion `count`, or `revenue` directly.
   */
  kpi: 'rate' | 'count' | 'revenue';
  /** Exposed visitors per post day (rate KPIs): one number for every day or one per post day. Default: the estimate's exposure. */
  exposure?: number | number[];
  /** Revenue per conversion; required for rate and count KPIs. */
  averageOrderValue?: number;
  /** Standard error of the average order value, propagated when given. */
  averageOrderValueSe?: number;
  /** Gross margin as a fraction of revenue, e.g. 0.4. */
  grossMargin: number;
  cost: InitiativeCost;
  /** Seed for the order-value draws when propagating through simulation draws, default 1. */
  seed?: number;
}

export interface ChartPoint {
  date: string;
  actual: number;
  counterfactual: number;
  low: number;
  high: number;
}

export interface RoiResult {
  level: number;
  /** null for a revenue KPI. */
  incrementalConversions: IntervalEstimate | null;
  incrementalRevenue: IntervalEstimate;
  incrementalGrossMargin: IntervalEstimate;
  /** one-off + per-month × months elapsed over the post-period. */
  cost: number;
  monthsElapsed: number;
  /** (incremental gross margin − cost) / cost */
  roi: IntervalEstimate;
  /**
   * First post day on which cumulative incremental gross margin ≥ cumulative cost; when the
   * post-period ends before that, the projected day: the post-period's average daily margin
   * continues against the one-off cost and the daily share of the monthly cost. null when the
   * average daily margin does not exceed the daily cost (it never pays back).
   */
  paybackDate: string | null;
  /** The payback date lies beyond the observed post-period (projected, not observed). */
  paybackProjected: boolean;
  intervalMethod: 'simulation' | 'delta';
  chart: ChartPoint[];
  assumptions: string[];
  warnings: string[];
}

export function initiativeRoi(input: RoiInput): RoiResult {
  const { estimate, kpi, grossMargin, cost } = input;
  const level = estimate.level;
  const assumptions: string[] = [];
  const warnings: string[] = [];
  const post = estimate.series.filter((p) => p.post);
  const ship = dayNumber(estimate.shipDate);
  if (post.length === 0) throw new Error('the lift estimate has no post-period days');
  if (!(cost.oneOff + (cost.perMonth ?? 0) > 0)) throw new Error('ROI needs a positive cost');
  if (kpi !== 'revenue' && !(input.averageOrderValue !== undefined && input.averageOrderValue >= 0)) {
    throw new Error(`an average order value is needed to value a ${kpi} lift`);
  }

  const multiplier = dailyMultiplier(input, post, assumptions);
  const aov = kpi === 'revenue' ? 1 : input.averageOrderValue!;
  const aovSe = kpi === 'revenue' ? 0 : (input.averageOrderValueSe ?? 0);
  const valueLabel =
    kpi === 'revenue'
      ? 'Revenue lift read directly from the KPI.'
      : `Incremental revenue = conversions × average order value ${fmtNum(aov)}${aovSe ? ` (SE ${fmtNum(aovSe)})` : ' (taken as known)'}.`;
  assumptions.push(valueLabel, `Gross margin = ${fmtPct(grossMargin, 0)} of incremental revenue.`);

  const lastDay = dayNumber(post[post.length - 1]!.date);
  const monthsElapsed = (lastDay - ship + 1) / DAYS_PER_MONTH;
  const totalCost = cost.oneOff + (cost.perMonth ?? 0) * monthsElapsed;
  assumptions.push(
    `Cost = one-off ${fmtNum(cost.oneOff)} + ${fmtNum(cost.perMonth ?? 0)} per month × ${fmtNum(monthsElapsed, 1)} months (days / ${DAYS_PER_MONTH}).`,
  );

  const pointUnits = sum(post.map((p, t) => p.lift * multiplier[t]!));
  const value: ValueModel = { pointUnits, aov, aovSe, grossMargin, roiOf: (margin: number) => (margin - totalCost) / totalCost };
  const intervals =
    estimate.draws && estimate.draws.length > 1
      ? simulatedIntervals(estimate.draws, multiplier, value, level, input.seed ?? 1)
      : deltaIntervals(estimate, multiplier, value, level);
  assumptions.push(intervals.assumption);
  const { units, revenue, margin, roi } = intervals;

  const payback = paybackOf(post, multiplier, aov, grossMargin, cost, estimate.shipDate);
  if (payback.projected)
    assumptions.push("Payback date projected: the post-period's average daily incremental margin continues at the same rate.");
  if (roi.low < 0 && roi.high > 0) warnings.push('The ROI interval spans 0: the initiative may not have paid for itself.');
  if (estimate.warnings.length) warnings.push(...estimate.warnings.map((w) => `Lift estimate: ${w}`));

  return {
    level,
    incrementalConversions: kpi === 'revenue' ? null : units,
    incrementalRevenue: revenue,
    incrementalGrossMargin: margin,
    cost: totalCost,
    monthsElapsed,
    roi,
    paybackDate: payback.date,
    paybackProjected: payback.projected,
    intervalMethod: intervals.method,
    chart: estimate.series.map((p) => ({ date: p.date, actual: p.actual, counterfactual: p.counterfactual, low: p.low, high: p.high })),
    assumptions: [...assumptions, ...estimate.assumptions.map((a) => `Lift estimate: ${a}`)],
    warnings,
  };
}

/** Per post day, what turns the per-unit KPI lift into conversions (or revenue): exposed visitors for a rate, else treated units. */
function dailyMultiplier(input: RoiInput, post: LiftEstimate['series'], assumptions: string[]): number[] {
  const { estimate } = input;
  if (input.kpi !== 'rate') {
    if (estimate.treatedUnits > 1) assumptions.push(`Per-unit lift × ${estimate.treatedUnits} treated units.`);
    return post.map(() => estimate.treatedUnits);
  }
  let multiplier: number[];
  const ex = input.exposure;
  if (typeof ex === 'number') multiplier = post.map(() => ex);
  else if (Array.isArray(ex)) {
    if (ex.length !== post.length) throw new Error(`exposure has ${ex.length} values for ${post.length} post days`);
    multiplier = ex;
  } else {
    if (post.some((p) => p.exposure === undefined)) throw new Error('a rate KPI needs exposure (visitors) per post day');
    multiplier = post.map((p) => p.exposure!);
  }
  assumptions.push('Incremental conversions = daily rate lift × that day’s exposed visitors; the change is assumed not to alter traffic.');
  return multiplier;
}

/** The point figures and how conversions become revenue, margin and ROI. */
interface ValueModel {
  pointUnits: number;
  aov: number;
  aovSe: number;
  grossMargin: number;
  roiOf: (margin: number) => number;
}

interface RoiIntervals {
  units: IntervalEstimate;
  revenue: IntervalEstimate;
  margin: IntervalEstimate;
  roi: IntervalEstimate;
  method: RoiResult['intervalMethod'];
  assumption: string;
}

/** Propagate through the joint lift draws (and independent order-value draws). */
function simulatedIntervals(draws: number[][], multiplier: number[], v: ValueModel, level: number, seed: number): RoiIntervals {
  const lo = (1 - level) / 2;
  const hi = 1 - lo;
  const pointRevenue = v.pointUnits * v.aov;
  const pointMargin = pointRevenue * v.grossMargin;
  const normal = normalSampler(mulberry32(seed));
  const uDraws = draws.map((d) => sum(d.map((x, t) => x * multiplier[t]!)));
  const rDraws = uDraws.map((u) => u * (v.aovSe > 0 ? v.aov + v.aovSe * normal() : v.aov));
  const mDraws = rDraws.map((r) => r * v.grossMargin);
  const iv = (point: number, xs: number[]) => ({ estimate: point, low: quantile(xs, lo), high: quantile(xs, hi) });
  return {
    units: iv(v.pointUnits, uDraws),
    revenue: iv(pointRevenue, rDraws),
    margin: iv(pointMargin, mDraws),
    roi: iv(v.roiOf(pointMargin), mDraws.map(v.roiOf)),
    method: 'simulation',
    assumption: `Intervals from ${draws.length} simulation draws of the daily lift path.`,
  };
}

/** Delta method: the lift's uncertainty is that of its post-period average, applied to every day. */
function deltaIntervals(estimate: LiftEstimate, multiplier: number[], v: ValueModel, level: number): RoiIntervals {
  const { pointUnits, aov, aovSe, grossMargin } = v;
  const hi = 1 - (1 - level) / 2;
  const pointRevenue = pointUnits * aov;
  const pointMargin = pointRevenue * grossMargin;
  const z = normalQuantile(hi);
  const m = sum(multiplier);
  const a = estimate.averageLift;
  const units = { estimate: pointUnits, low: pointUnits + (a.low - a.estimate) * m, high: pointUnits + (a.high - a.estimate) * m };
  const seUnits = (units.high - units.low) / (2 * z);
  const seRevenue = Math.sqrt(aov * aov * seUnits * seUnits + pointUnits * pointUnits * aovSe * aovSe);
  const revenue =
    aovSe > 0
      ? { estimate: pointRevenue, low: pointRevenue - z * seRevenue, high: pointRevenue + z * seRevenue }
      : { estimate: pointRevenue, low: units.low * aov, high: units.high * aov };
  const margin = { estimate: pointMargin, low: revenue.low * grossMargin, high: revenue.high * grossMargin };
  return {
    units,
    revenue,
    margin,
    roi: { estimate: v.roiOf(pointMargin), low: v.roiOf(margin.low), high: v.roiOf(margin.high) },
    method: 'delta',
    assumption: 'Intervals by the delta method from the average-lift interval (no simulation draws available).',
  };
}

/**
 * Payback: cost accrues from the ship date; margin accrues with the daily point lift. Not paid back
 * in the post-period: projected from its average daily margin, or null when that never covers the
 * daily cost.
 */
function paybackOf(
  post: LiftEstimate['series'],
  multiplier: number[],
  aov: number,
  grossMargin: number,
  cost: InitiativeCost,
  shipDate: string,
): { date: string | null; projected: boolean } {
  const ship = dayNumber(shipDate);
  let cumMargin = 0;
  for (let t = 0; t < post.length; t++) {
    cumMargin += post[t]!.lift * multiplier[t]! * aov * grossMargin;
    const elapsed = dayNumber(post[t]!.date) - ship + 1;
    const cumCost = cost.oneOff + ((cost.perMonth ?? 0) * elapsed) / DAYS_PER_MONTH;
    if (cumMargin >= cumCost - 1e-9 * Math.abs(cumCost)) return { date: post[t]!.date, projected: false };
  }
  const dailyMargin = cumMargin / post.length;
  const dailyCost = (cost.perMonth ?? 0) / DAYS_PER_MONTH;
  if (!(dailyMargin > dailyCost)) return { date: null, projected: false };
  // Days d from the ship date with d × (margin − cost per day) ≥ one-off cost.
  const days = Math.ceil(cost.oneOff / (dailyMargin - dailyCost) - 1e-9);
  return { date: addDays(shipDate, Math.max(days, 1) - 1), projected: true };
}
