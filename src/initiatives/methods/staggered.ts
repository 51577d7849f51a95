/**
 * Staggered rollouts (a change shipped to groups of units in waves) estimated in one model by
 * stacked difference-in-differences:
 *
 * - For each wave w: its units are treated; the controls are the units not yet treated at the
 *   end of w's window (later waves and never-treated units). The window runs from `preDays`
 *   before w's ship date to the day before the next control unit is treated (or the data's end),
 *   so no control is ever a treated unit in w's sub-experiment ("clean controls").
 * - Daily difference D_t = mean of the treated units' values − mean of the controls' (weighted by
 *   each unit's weight that day when given). The wave's lift = mean post D − mean pre D; its
 *   variance = var(post D)/n_post + var(pre D)/n_pre (days independent given the units).
 * - The overall lift is the average of the waves' lifts weighted by treated units × post days,
 *   with the variance of that weighted sum (waves taken as independent: they share controls only
 *   on different days). A wave with no clean control left (the last wave when every unit is
 *   eventually treated) is reported with a null lift and left out of the overall.
 * - Event study: the mean D per day relative to the wave's ship date (−preDays … +post), stacked
 *   over waves with the pre-period mean of each wave removed, for a pre-trend check.
 */
import { normalQuantile } from '../../stats/distributions.ts';
import { dayNumber } from './stats.ts';
import type { DailyPoint } from './types.ts';

export interface StaggeredUnit {
  unit: string;
  /** Ship date of the unit's wave (YYYY-MM-DD); undefined when never treated. */
  shipDate?: string;
  points: DailyPoint[];
}

export interface WaveLift {
  shipDate: string;
  units: string[];
  controls: string[];
  preDays: number;
  postDays: number;
  lift: { estimate: number; se: number; low: number; high: number } | null;
}

export interface StaggeredResult {
  level: number;
  waves: WaveLift[];
  overall: { estimate: number; se: number; low: number; high: number } | null;
  /** Mean difference by day relative to ship (pre-period mean removed), stacked over waves. */
  eventStudy: Array<{ relativeDay: number; lift: number; waves: number }>;
  assumptions: string[];
}

export interface StaggeredOptions {
  preDays?: number;
  level?: number;
}

function meanVar(xs: number[]): { mean: number; variance: number } {
  const n = xs.length;
  const mean = xs.reduce((a, x) => a + x, 0) / n;
  const variance = n > 1 ? xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, variance };
}

export function staggeredDid(units: StaggeredUnit[], options: StaggeredOptions = {}): StaggeredResult {
  const preDays = options.preDays ?? 28;
  const level = options.level ?? 0.95;
  const z = normalQuantile(1 - (1 - level) / 2);
  const byUnit = new Map(units.map((u) => [u.unit, new Map(u.points.map((p) => [dayNumber(p.date), p]))]));
  const allDays = [...new Set(units.flatMap((u) => u.points.map((p) => dayNumber(p.date))))].sort((a, b) => a - b);
  const lastDay = allDays[allDays.length - 1]!;
  const ships = [...new Set(units.filter((u) => u.shipDate).map((u) => u.shipDate!))].sort();

  const mean = (names: string[], day: number): number | null => {
    let num = 0;
    let den = 0;
    for (const name of names) {
      const p = byUnit.get(name)!.get(day);
      if (!p) continue;
      const w = p.weight ?? 1;
      num += p.value * w;
      den += w;
    }
    return den > 0 ? num / den : null;
  };

  const waves: WaveLift[] = [];
  const eventSums = new Map<number, { sum: number; waves: number }>();
  let wNum = 0;
  let wDen = 0;
  let wVar = 0;
  for (const ship of ships) {
    const s = dayNumber(ship);
    const treated = units.filter((u) => u.shipDate === ship).map((u) => u.unit);
    const controlUnits = units.filter((u) => !u.shipDate || dayNumber(u.shipDate) > s);
    const controls = controlUnits.map((u) => u.unit);
    // The window ends the day before the first control is treated.
    const nextShip = controlUnits.filter((u) => u.shipDate).map((u) => dayNumber(u.shipDate!));
    const end = nextShip.length > 0 ? Math.min(...nextShip) - 1 : lastDay;
    const pre: number[] = [];
    const post: number[] = [];
    const rel: Array<[number, number]> = [];
    for (const day of allDays) {
      if (day < s - preDays || day > end || controls.length === 0) continue;
      const t = mean(treated, day);
      const c = mean(controls, day);
      if (t === null || c === null) continue;
      (day < s ? pre : post).push(t - c);
      rel.push([day - s, t - c]);
    }
    const wave: WaveLift = { shipDate: ship, units: treated, controls, preDays: pre.length, postDays: post.length, lift: null };
    if (pre.length >= 2 && post.length >= 2) {
      const a = meanVar(pre);
      const b = meanVar(post);
      const estimate = b.mean - a.mean;
      const se = Math.sqrt(b.variance / post.length + a.variance / pre.length);
      wave.lift = { estimate, se, low: estimate - z * se, high: estimate + z * se };
      const w = treated.length * post.length;
      wNum += w * estimate;
      wDen += w;
      wVar += w * w * se * se;
      for (const [r, d] of rel) {
        const e = eventSums.get(r) ?? { sum: 0, waves: 0 };
        e.sum += d - a.mean;
        e.waves++;
        eventSums.set(r, e);
      }
    }
    waves.push(wave);
  }
  const overall =
    wDen > 0
      ? (() => {
          const estimate = wNum / wDen;
          const se = Math.sqrt(wVar) / wDen;
          return { estimate, se, low: estimate - z * se, high: estimate + z * se };
        })()
      : null;
  return {
    level,
    waves,
    overall,
    eventStudy: [...eventSums.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([relativeDay, e]) => ({ relativeDay, lift: e.sum / e.waves, waves: e.waves })),
    assumptions: [
      'Stacked difference-in-differences: each wave against units not yet treated in its window (clean controls).',
      'Parallel trends between each wave and its controls; days independent given the units (normal interval).',
    ],
  };
}
