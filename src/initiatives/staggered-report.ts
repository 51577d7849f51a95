/**
 * The report of a staggered rollout (initiative.rollout: waves of units, each with its own ship
 * date): one daily KPI series per unit from the database, stacked difference-in-differences
 * (methods/staggered.ts) for each wave's lift, the overall lift and an event study, then the same
 * ROI and payback as every other initiative.
 *
 * Business figures: wave w's lift (per unit-day, in KPI units) applies to its units from its ship
 * date to the end of the post-period, weighted by their daily denominator (checkouts, visitors,
 * orders …), so incremental conversions (or revenue for money KPIs) on day t =
 * Σ_w lift_w × Σ_{u ∈ w} den_u,t. Its standard error is √Σ_w (se_w × Σ_t W_w,t)² (waves independent,
 * as in the overall lift). A wave without a clean control (every unit treated by its end) adds
 * nothing and is named in the warnings.
 */
import { normalQuantile, normalSf } from '../stats/distributions.ts';
import { ScopeError } from '../scope/scope.ts';
import type { Store } from '../store/store.ts';
import { initiativeRoi, type LiftEstimate, type RoiResult } from './methods/index.ts';
import { staggeredDid, type StaggeredUnit } from './methods/staggered.ts';
import { addDays, dayNumber } from './methods/stats.ts';
import type { Initiative, RolloutSpec } from './initiatives.ts';
import type { InitiativeReport, InitiativeReportOptions } from './initiative-report.ts';
import { initiativeSeries, treatedOrderValues, UNIT_PREFIX, type UnitDimension } from './initiative-series.ts';

/** Default days of each wave's window before its ship date. */
export const DEFAULT_WAVE_PRE_DAYS = 28;

const dayStart = (date: string) => new Date(`${date}T00:00:00.000Z`);

function dimensionOf(r: RolloutSpec): UnitDimension {
  return r.by === 'channel' ? { kind: 'channel' } : { kind: 'trait', trait: r.by === 'region' ? 'region' : r.trait! };
}

export async function staggeredInitiativeReport(
  store: Store,
  projectId: string,
  initiative: Initiative,
  options: InitiativeReportOptions & {
    range: { first: string; last: string };
    valuation: 'order' | 'money' | 'none';
    kpiLabel: InitiativeReport['kpi'];
  },
): Promise<InitiativeReport> {
  const rollout = initiative.rollout!;
  const level = options.level ?? 0.95;
  const z = normalQuantile(1 - (1 - level) / 2);
  const { preDays, first, shipOf, treatedValues, preStart, postEnd } = wavePeriods(initiative, rollout, options.range);
  const dimension = dimensionOf(rollout);
  const rows = await initiativeSeries(store, {
    projectId,
    kpi: initiative.kpi,
    from: dayStart(preStart),
    to: dayStart(addDays(postEnd, 1)),
    grouping: { mode: 'each', dimension, ...(rollout.never ? { values: [...treatedValues, ...rollout.never] } : {}) },
  });
  const byUnit = unitSeries(rows, shipOf);
  const units = [...byUnit.values()];
  const missing = treatedValues.filter((v) => !byUnit.has(v));
  if (missing.length === treatedValues.length) throw new ScopeError('no treated data: no events of the KPI for the units of any wave');
  const never = units.filter((u) => !u.shipDate).map((u) => u.unit);
  const result = staggeredDid(units, { preDays, level });

  const warnings: string[] = [];
  if (missing.length > 0) warnings.push(`No KPI data for ${missing.join(', ')}: left out of their wave.`);
  warnings.push(...waveWarnings(result));
  if (!result.overall) throw new ScopeError('staggered: no wave has a clean control with at least two days before and after its ship date');

  const { days, increment, variance, unitDays, treatedUnits } = dailyIncrement(result, byUnit, first, postEnd);
  const T = days.length;
  const total = increment.reduce((a, x) => a + x, 0);
  const liftEstimate = incrementEstimate(days, increment, variance, first, level, z);
  const { cost, roi, aov } = await valueStaggeredLift(
    store,
    projectId,
    initiative,
    { dimension, treatedValues, first, postEnd },
    liftEstimate,
    options,
    warnings,
  );
  const o = result.overall;
  // Per treated unit: the overall lift over the mean days a treated unit had the change.
  const meanDaysLive = treatedUnits > 0 ? unitDays / treatedUnits : 0;
  const money = options.valuation === 'money';
  const incremental = { estimate: total, low: total - z * Math.sqrt(variance), high: total + z * Math.sqrt(variance) };
  return {
    initiative,
    kpi: options.kpiLabel,
    method: 'staggered',
    methodReason:
      initiative.method === 'staggered'
        ? 'method staggered chosen on the initiative'
        : 'auto: the change reached units in waves, so stacked difference-in-differences',
    periods: { preStart, preEnd: addDays(first, -1), shipDate: first, postStart: first, postEnd, excluded: null },
    units: { treated: treatedValues.filter((v) => byUnit.has(v)).join(', '), untreated: never },
    level,
    lift: {
      absolute: {
        estimate: o.estimate,
        se: o.se,
        low: o.low,
        high: o.high,
        pValue: o.se > 0 ? 2 * normalSf(Math.abs(o.estimate / o.se)) : 0,
      },
      relative: null,
      cumulative: { estimate: o.estimate * meanDaysLive, low: o.low * meanDaysLive, high: o.high * meanDaysLive },
      postDays: T,
    },
    // Without a cost there is no ROI, but the incremental KPI numerator is still reported.
    incrementalConversions: roi ? (money ? null : roi.incrementalConversions) : options.valuation === 'order' ? incremental : null,
    incrementalRevenue: roi ? roi.incrementalRevenue : money ? incremental : null,
    incrementalGrossMargin: roi ? roi.incrementalGrossMargin : null,
    averageOrderValue: aov,
    cost: roi ? { ...cost, total: roi.cost, monthsElapsed: roi.monthsElapsed } : null,
    grossMargin: options.grossMargin,
    roi: roi ? roi.roi : null,
    paybackDate: roi ? roi.paybackDate : null,
    paybackProjected: roi ? roi.paybackProjected : false,
    chart: [],
    placebo: null,
    details: { preDays, waves: result.waves, overall: result.overall, eventStudy: result.eventStudy },
    series: rows,
    assumptions: [...result.assumptions, ...(roi ? roi.assumptions : liftEstimate.assumptions)],
    warnings: [...warnings, ...(roi ? roi.warnings : [])],
  };
}

/** The waves in ship order, each unit's ship date, and the window from the pre-period before the first wave to the post-period's end. */
function wavePeriods(
  initiative: Initiative,
  rollout: RolloutSpec,
  range: { first: string; last: string },
): { preDays: number; first: string; shipOf: Map<string, string>; treatedValues: string[]; preStart: string; postEnd: string } {
  const preDays = rollout.preDays ?? DEFAULT_WAVE_PRE_DAYS;
  const waves = [...rollout.waves].sort((a, b) => a.shippedAt.localeCompare(b.shippedAt));
  const first = waves[0]!.shippedAt;
  const shipOf = new Map(waves.flatMap((w) => w.values.map((v) => [v, w.shippedAt] as const)));
  const treatedValues = waves.flatMap((w) => w.values);
  const earliest = addDays(first, -preDays);
  const preStart = initiative.preStart ?? (range.first > earliest ? range.first : earliest);
  const postEnd = initiative.postEnd ?? range.last;
  if (first > postEnd) throw new ScopeError(`no post-period: the data ends on ${range.last}, before ${first}`);
  if (preStart >= first) throw new ScopeError(`no pre-period: the data starts on ${range.first}, not before the first wave ${first}`);

  return { preDays, first, shipOf, treatedValues, preStart, postEnd };
}

/** One daily KPI series per unit (value = numerator / denominator, weighted by the denominator), with its wave's ship date. */
function unitSeries(rows: Awaited<ReturnType<typeof initiativeSeries>>, shipOf: Map<string, string>): Map<string, StaggeredUnit> {
  const byUnit = new Map<string, StaggeredUnit>();
  for (const r of rows) {
    const value = r.unit.startsWith(UNIT_PREFIX) ? r.unit.slice(UNIT_PREFIX.length) : r.unit;
    const u = byUnit.get(value) ?? { unit: value, ...(shipOf.has(value) ? { shipDate: shipOf.get(value)! } : {}), points: [] };
    u.points.push({ date: r.date, value: r.numerator / r.denominator, weight: r.denominator });
    byUnit.set(value, u);
  }
  return byUnit;
}

/** Waves that got no lift: without a clean control, or with too few days around their ship date. */
function waveWarnings(result: ReturnType<typeof staggeredDid>): string[] {
  const warnings: string[] = [];
  for (const w of result.waves)
    if (!w.lift)
      warnings.push(
        w.controls.length === 0
          ? `Wave ${w.shipDate} has no clean control (every other unit was treated by then): no lift for it.`
          : `Wave ${w.shipDate} has too few days before or after its ship date in its window: no lift for it.`,
      );
  return warnings;
}

/**
 * Daily incremental KPI numerator from the first wave to the end: each estimated wave's lift × its
 * units' denominator from its ship date on; with the variance of the total and the treated unit-days.
 */
function dailyIncrement(
  result: ReturnType<typeof staggeredDid>,
  byUnit: Map<string, StaggeredUnit>,
  first: string,
  postEnd: string,
): { days: string[]; increment: number[]; variance: number; unitDays: number; treatedUnits: number } {
  const days: string[] = [];
  for (let day = first; day <= postEnd; day = addDays(day, 1)) days.push(day);
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const increment = days.map(() => 0);
  let variance = 0;
  let unitDays = 0;
  let treatedUnits = 0;
  for (const w of result.waves) {
    if (!w.lift) continue;
    let exposure = 0;
    for (const name of w.units) {
      for (const p of byUnit.get(name)!.points) {
        const i = dayIndex.get(p.date);
        if (i === undefined || p.date < w.shipDate) continue;
        increment[i]! += w.lift.estimate * (p.weight ?? 1);
        exposure += p.weight ?? 1;
      }
    }
    variance += (w.lift.se * exposure) ** 2;
    const daysLive = dayNumber(postEnd) - dayNumber(w.shipDate) + 1;
    unitDays += w.units.length * daysLive;
    treatedUnits += w.units.length;
  }
  return { days, increment, variance, unitDays, treatedUnits };
}

/** The daily increments as one lift estimate, so the ROI and payback are computed as for every initiative. */
function incrementEstimate(days: string[], increment: number[], variance: number, first: string, level: number, z: number): LiftEstimate {
  const T = days.length;
  const total = increment.reduce((a, x) => a + x, 0);
  const seDaily = Math.sqrt(variance) / T;
  return {
    method: 'did',
    shipDate: first,
    level,
    averageLift: { estimate: total / T, se: seDaily, low: total / T - z * seDaily, high: total / T + z * seDaily, pValue: 1 },
    cumulativeLift: { estimate: total, low: total - z * seDaily * T, high: total + z * seDaily * T },
    relativeLift: null,
    series: days.map((date, i) => ({ date, actual: 0, counterfactual: 0, low: 0, high: 0, lift: increment[i]!, post: true })),
    postDays: T,
    treatedUnits: 1,
    assumptions: [
      "Each wave's lift holds for its units from its ship date to the end of the post-period, in proportion to their daily denominator.",
    ],
    warnings: [],
  };
}

/** ROI of the increments: money KPIs directly, conversions at the rolled-out units' average order value net of refunds. */
async function valueStaggeredLift(
  store: Store,
  projectId: string,
  initiative: Initiative,
  treatedUnits: { dimension: UnitDimension; treatedValues: string[]; first: string; postEnd: string },
  liftEstimate: LiftEstimate,
  options: InitiativeReportOptions & { valuation: 'order' | 'money' | 'none' },
  warnings: string[],
): Promise<{ cost: { oneOff: number; perMonth: number }; roi: RoiResult | null; aov: InitiativeReport['averageOrderValue'] }> {
  const { dimension, treatedValues, first, postEnd } = treatedUnits;
  const cost = { oneOff: initiative.cost.oneOff, perMonth: initiative.cost.perMonth };
  let roi: RoiResult | null = null;
  let aov: InitiativeReport['averageOrderValue'] = null;
  let averageOrderValue = 1;
  let averageOrderValueSe = 0;
  if (options.valuation === 'none') warnings.push('The KPI has no money value: no incremental revenue or ROI.');
  else if (!(cost.oneOff + cost.perMonth > 0)) warnings.push('No cost recorded: no ROI.');
  else {
    if (options.valuation === 'order') {
      // Orders of the rolled-out units from the first wave on, net of their refunds.
      const o = await treatedOrderValues(store, {
        projectId,
        kpi: initiative.kpi,
        from: dayStart(first),
        to: dayStart(addDays(postEnd, 1)),
        grouping: { mode: 'groups', dimension, treated: treatedValues },
      });
      if (o.orders === 0) warnings.push('No treated orders in the post-period to value conversions: no ROI.');
      else {
        averageOrderValue = o.revenue / o.orders;
        const v = o.orders > 1 ? (o.revenueSquares - o.orders * averageOrderValue ** 2) / (o.orders - 1) : 0;
        averageOrderValueSe = Math.sqrt(Math.max(v, 0) / o.orders);
        aov = { value: averageOrderValue, se: averageOrderValueSe, orders: o.orders, gross: o.grossRevenue / o.orders };
      }
    }
    if (options.valuation === 'money' || aov)
      roi = initiativeRoi({
        estimate: liftEstimate,
        kpi: 'count',
        averageOrderValue,
        averageOrderValueSe,
        grossMargin: options.grossMargin,
        cost,
      });
  }

  return { cost, roi, aov };
}
