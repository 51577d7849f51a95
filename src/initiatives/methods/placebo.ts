// Placebo in time: rerun a lift method with a fake ship date inside the pre-period,
// where the true effect is zero. An interval that excludes 0 there means the method
// (or its assumptions) would also have "found" an effect with no change shipped.
import { estimateLift, type EstimateLiftInput, type EstimateLiftResult } from './estimate-lift.ts';
import { addDays, dayNumber } from './stats.ts';
import type { DailyPoint, IntervalEstimate } from './types.ts';

export interface PlaceboInput {
  /** The real analysis; only its pre-period data is used. */
  lift: EstimateLiftInput;
  /** Default: the middle day of the pre-period. */
  fakeShipDate?: string;
  /** Fake post-period length in days; default the real post-period length, cut at the real ship date. */
  postDays?: number;
}

export interface PlaceboResult {
  fakeShipDate: string;
  /** Last day of the fake post-period. */
  fakePostEnd: string;
  postDays: number;
  averageLift: IntervalEstimate & { pValue: number };
  cumulativeLift: IntervalEstimate;
  /** True when the placebo interval contains 0, as it should. */
  intervalContainsZero: boolean;
  estimate: EstimateLiftResult;
  assumptions: string[];
  warnings: string[];
}

function allPointArrays(input: EstimateLiftInput): DailyPoint[][] {
  if (input.method === 'forecast') return [input.series, ...(input.covariates ?? []).map((c) => c.points)];
  return input.units.map((u) => u.points);
}

function keepWindow(points: DailyPoint[], endExclusive: number): DailyPoint[] {
  return points.filter((p) => dayNumber(p.date) < endExclusive);
}

export function placeboTest(input: PlaceboInput): PlaceboResult {
  const real = input.lift;
  const ship = dayNumber(real.shipDate);
  const warnings: string[] = [];
  const days = [...new Set(allPointArrays(real).flatMap((ps) => ps.map((p) => dayNumber(p.date))))].sort((a, b) => a - b);
  const preDays = days.filter((d) => d < ship);
  const realPostDays = days.filter((d) => d >= ship);
  if (preDays.length < 4) throw new Error('placebo needs a pre-period of at least four days');
  const fake = input.fakeShipDate ? dayNumber(input.fakeShipDate) : preDays[Math.floor(preDays.length / 2)]!;
  if (fake <= preDays[0]! || fake >= ship) throw new Error('fake ship date must lie strictly inside the pre-period');
  const wanted = input.postDays ?? (realPostDays.length ? realPostDays[realPostDays.length - 1]! - ship + 1 : 1);
  const end = Math.min(fake + wanted, ship);
  if (fake + wanted > ship) {
    warnings.push(`Fake post-period cut to ${end - fake} days (the real post-period is ${wanted}) so it stays before the real ship date.`);
  }
  const fakeShipDate = addDays(real.shipDate, fake - ship);
  let shifted: EstimateLiftInput;
  if (real.method === 'forecast') {
    shifted = {
      ...real,
      shipDate: fakeShipDate,
      series: keepWindow(real.series, end),
      ...(real.covariates ? { covariates: real.covariates.map((c) => ({ ...c, points: keepWindow(c.points, end) })) } : {}),
    };
  } else {
    shifted = { ...real, shipDate: fakeShipDate, units: real.units.map((u) => ({ ...u, points: keepWindow(u.points, end) })) };
  }
  const estimate = estimateLift(shifted);
  const a = estimate.averageLift;
  const contains = a.low <= 0 && 0 <= a.high;
  if (!contains) {
    warnings.push(
      `Placebo at ${fakeShipDate} finds a non-zero lift (${a.estimate.toPrecision(3)}, interval ${a.low.toPrecision(3)} to ${a.high.toPrecision(3)}): the method's assumptions may not hold for this KPI.`,
    );
  }
  return {
    fakeShipDate,
    fakePostEnd: addDays(real.shipDate, end - 1 - ship),
    postDays: estimate.postDays,
    averageLift: { estimate: a.estimate, low: a.low, high: a.high, pValue: a.pValue },
    cumulativeLift: estimate.cumulativeLift,
    intervalContainsZero: contains,
    estimate,
    assumptions: [
      `Placebo in time: ${real.method} rerun with a fake ship date ${fakeShipDate} on pre-period data only, where the true effect is zero.`,
      ...estimate.assumptions,
    ],
    warnings: [...warnings, ...estimate.warnings],
  };
}
