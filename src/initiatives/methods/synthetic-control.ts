// Synthetic control (Abadie, Diamond & Hainmueller 2010): a convex combination of
// untreated units that tracks the treated unit before the ship date stands in for it
// afterwards. Inference by in-space placebos: each donor in turn plays the treated unit.
import { mean } from '../../stats/descriptive.ts';
import { dayNumber, relative } from './stats.ts';
import { studentTQuantile } from '../../stats/distributions.ts';
import type { LiftEstimate, LiftPoint, UnitSeries } from './types.ts';

export interface SyntheticControlInput {
  /** Exactly one treated unit and at least two untreated donors. */
  units: UnitSeries[];
  shipDate: string;
  level?: number;
  /** Placebos whose pre-period RMSPE exceeds this multiple of the treated unit's are left out of the interval, default 20 (Abadie et al. 2010). */
  placeboFitCutoff?: number;
}

export interface DonorWeight {
  unit: string;
  weight: number;
}

export interface PlaceboRun {
  unit: string;
  preRmspe: number;
  postRmspe: number;
  averageGap: number;
  usedForInterval: boolean;
}

export interface SyntheticControlResult extends LiftEstimate {
  method: 'synthetic_control';
  weights: DonorWeight[];
  preRmspe: number;
  postRmspe: number;
  /** Share of units (treated + placebos) whose post/pre RMSPE ratio is ≥ the treated unit's. */
  permutationPValue: number;
  placebos: PlaceboRun[];
}

/** Euclidean projection onto the probability simplex (Duchi et al. 2008). */
export function projectToSimplex(v: readonly number[]): number[] {
  const u = [...v].sort((a, b) => b - a);
  let css = 0;
  let theta = 0;
  for (let i = 0; i < u.length; i++) {
    css += u[i]!;
    const t = (css - 1) / (i + 1);
    if (u[i]! - t > 0) theta = t;
  }
  return v.map((x) => Math.max(0, x - theta));
}

/**
 * min ‖y − Xw‖² subject to w ≥ 0, Σw = 1, by accelerated projected gradient (FISTA)
 * on the Gram form; the objective is convex, so this reaches the global optimum.
 */
export function simplexLeastSquares(x: number[][], y: readonly number[]): number[] {
  const n = x.length;
  const j = x[0]!.length;
  const g: number[][] = Array.from({ length: j }, () => new Array<number>(j).fill(0));
  const c = new Array<number>(j).fill(0);
  for (let r = 0; r < n; r++) {
    const row = x[r]!;
    for (let a = 0; a < j; a++) {
      c[a]! += row[a]! * y[r]!;
      for (let b = 0; b < j; b++) g[a]![b]! += row[a]! * row[b]!;
    }
  }
  // Lipschitz constant = largest eigenvalue of G, by power iteration.
  let v = new Array<number>(j).fill(1 / Math.sqrt(j));
  let lip = 0;
  for (let it = 0; it < 200; it++) {
    const gv = g.map((row) => row.reduce((s, val, b) => s + val * v[b]!, 0));
    const norm = Math.sqrt(gv.reduce((s, val) => s + val * val, 0));
    if (norm === 0) break;
    lip = norm;
    v = gv.map((val) => val / norm);
  }
  const step = 1 / (lip * 1.01 || 1);
  let w = new Array<number>(j).fill(1 / j);
  let yk = [...w];
  let t = 1;
  for (let it = 0; it < 50_000; it++) {
    const grad = g.map((row, a) => row.reduce((s, val, b) => s + val * yk[b]!, 0) - c[a]!);
    const wNext = projectToSimplex(yk.map((val, a) => val - step * grad[a]!));
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    let change = 0;
    yk = wNext.map((val, a) => {
      change = Math.max(change, Math.abs(val - w[a]!));
      return val + ((t - 1) / tNext) * (val - w[a]!);
    });
    w = wNext;
    t = tNext;
    if (change < 1e-12) break;
  }
  return w;
}

interface Fit {
  weights: number[];
  gaps: number[];
  preRmspe: number;
  postRmspe: number;
  averageGap: number;
}

function fitOne(target: number[], donors: number[][], isPost: boolean[]): Fit {
  const preRows: number[][] = [];
  const preY: number[] = [];
  isPost.forEach((p, t) => {
    if (!p) {
      preRows.push(donors.map((d) => d[t]!));
      preY.push(target[t]!);
    }
  });
  const weights = simplexLeastSquares(preRows, preY);
  const gaps = target.map((y, t) => y - donors.reduce((s, d, j) => s + weights[j]! * d[t]!, 0));
  const pre = gaps.filter((_, t) => !isPost[t]);
  const post = gaps.filter((_, t) => isPost[t]);
  return {
    weights,
    gaps,
    preRmspe: Math.sqrt(mean(pre.map((e) => e * e))),
    postRmspe: Math.sqrt(mean(post.map((e) => e * e))),
    averageGap: mean(post),
  };
}

export function syntheticControl(input: SyntheticControlInput): SyntheticControlResult {
  const level = input.level ?? 0.95;
  const cutoff = input.placeboFitCutoff ?? 20;
  const ship = dayNumber(input.shipDate);
  const assumptions: string[] = [];
  const warnings: string[] = [];
  const treatedUnits = input.units.filter((u) => u.treated);
  const donors = input.units.filter((u) => !u.treated);
  if (treatedUnits.length !== 1) throw new Error('synthetic control needs exactly one treated unit (aggregate several first)');
  if (donors.length < 2) throw new Error('synthetic control needs at least two untreated donor units');
  const treated = treatedUnits[0]!;

  const panel = alignedPanel(input.units, treated, donors, ship, warnings);
  const { isPost, nPost, nPre, y, donorValues } = panel;
  const main = fitOne(y, donorValues, isPost);
  if (nPre < donors.length)
    warnings.push(`Fewer pre-period days (${nPre}) than donors (${donors.length}): the weights are not uniquely determined.`);

  const placebos = inSpacePlacebos(donors, donorValues, isPost);
  const ratio = (pre: number, post: number) => (pre > 0 ? post / pre : post > 0 ? Infinity : 0);
  const mainRatio = ratio(main.preRmspe, main.postRmspe);
  const atLeast = placebos.filter((p) => ratio(p.preRmspe, p.postRmspe) >= mainRatio).length;
  const permutationPValue = (1 + atLeast) / (1 + placebos.length);

  const used = intervalPlacebos(placebos, main, cutoff, warnings);
  // The interval treats the treated unit's standardized error (gap / pre-period RMSPE)
  // as exchangeable with the placebos' (which have no effect by construction):
  // τ̂ ± t(m−1) × RMSPE_pre(treated) × RMS(placebo average gap / placebo RMSPE_pre).
  const q = studentTQuantile(1 - (1 - level) / 2, used.length - 1);
  const scaleOf = (p: { preRmspe: number }) => main.preRmspe / Math.max(p.preRmspe, 1e-12);
  const rmsAvg = Math.sqrt(mean(used.map((p) => (p.averageGap * scaleOf(p)) ** 2)));
  const tau = main.averageGap;
  const half = q * rmsAvg;
  const series = syntheticSeries(panel, main, used, q, scaleOf);
  fitWarnings(panel, main, warnings);
  assumptions.push(
    'Counterfactual = weighted sum of untreated donors, weights ≥ 0 summing to 1, chosen to minimise pre-period squared error (no intercept, outcome levels only).',
    'Donors are unaffected by the change, and the pre-period weights would have kept holding.',
    `p-value: rank of the treated post/pre RMSPE ratio among ${placebos.length} in-space placebos (each donor fitted from the others), (1 + #≥)/(1 + placebos).`,
    `Interval: estimate ± t(${used.length - 1}) × treated pre-period RMSPE × root-mean-square of the placebos’ average post-period gap divided by their own pre-period RMSPE, i.e. the treated unit’s standardized error is taken as exchangeable with the placebos’; placebos fitting worse than ${cutoff}× the treated pre-period RMSPE are left out.`,
    `With ${placebos.length} donors the smallest attainable permutation p-value is ${(1 / (placebos.length + 1)).toPrecision(3)}.`,
  );
  const postCf = series.filter((p) => p.post).map((p) => p.counterfactual);
  return {
    method: 'synthetic_control',
    shipDate: input.shipDate,
    level,
    averageLift: { estimate: tau, se: rmsAvg, low: tau - half, high: tau + half, pValue: permutationPValue },
    cumulativeLift: { estimate: tau * nPost, low: (tau - half) * nPost, high: (tau + half) * nPost },
    relativeLift: relative(tau, tau - half, tau + half, mean(postCf)),
    series,
    postDays: nPost,
    treatedUnits: 1,
    assumptions,
    warnings,
    weights: donors.map((d, j) => ({ unit: d.unit, weight: main.weights[j]! })),
    preRmspe: main.preRmspe,
    postRmspe: main.postRmspe,
    permutationPValue,
    placebos: placebos.map(({ gaps: _gaps, ...rest }) => rest),
  };
}

interface AlignedPanel {
  days: number[];
  isPost: boolean[];
  nPost: number;
  nPre: number;
  /** The treated unit's points by day (dates and exposure weights of the series). */
  tMap: Map<number, UnitSeries['points'][number]>;
  y: number[];
  donorValues: number[][];
}

/** The treated unit and the donors on the days every unit reports. */
function alignedPanel(units: UnitSeries[], treated: UnitSeries, donors: UnitSeries[], ship: number, warnings: string[]): AlignedPanel {
  const maps = units.map((u) => new Map(u.points.filter((p) => Number.isFinite(p.value)).map((p) => [dayNumber(p.date), p])));
  const tMap = maps[units.indexOf(treated)]!;
  const days = [...tMap.keys()].filter((d) => maps.every((m) => m.has(d))).sort((a, b) => a - b);
  const dropped = tMap.size - days.length;
  if (dropped > 0) warnings.push(`${dropped} treated day(s) dropped because a donor had no value.`);
  const isPost = days.map((d) => d >= ship);
  const nPost = isPost.filter(Boolean).length;
  const nPre = days.length - nPost;
  if (nPost === 0 || nPre < 2) throw new Error('synthetic control needs at least two pre-period days and one post-period day');
  const valuesOf = (u: UnitSeries) => {
    const m = maps[units.indexOf(u)]!;
    return days.map((d) => m.get(d)!.value);
  };
  return { days, isPost, nPost, nPre, tMap, y: valuesOf(treated), donorValues: donors.map(valuesOf) };
}

type Placebo = PlaceboRun & { gaps: number[] };

/** In-space placebos: each donor as fake treated, fitted from the other donors only. */
function inSpacePlacebos(donors: UnitSeries[], donorValues: number[][], isPost: boolean[]): Placebo[] {
  return donors.map((d, j) => {
    const others = donorValues.filter((_, i) => i !== j);
    const f = fitOne(donorValues[j]!, others, isPost);
    return { unit: d.unit, preRmspe: f.preRmspe, postRmspe: f.postRmspe, averageGap: f.averageGap, usedForInterval: false, gaps: f.gaps };
  });
}

/** The placebos that fit within `cutoff` × the treated pre-period RMSPE (all of them when fewer than two do). */
function intervalPlacebos(placebos: Placebo[], main: Fit, cutoff: number, warnings: string[]): Placebo[] {
  for (const p of placebos) p.usedForInterval = p.preRmspe <= cutoff * Math.max(main.preRmspe, 1e-12);
  const used = placebos.filter((p) => p.usedForInterval);
  if (used.length >= 2) return used;
  warnings.push(
    `Only ${used.length} placebo(s) fit within ${cutoff}× the treated pre-period RMSPE; the interval uses all ${placebos.length}.`,
  );
  for (const p of placebos) p.usedForInterval = true;
  return placebos;
}

/** Actual against the synthetic unit each day, with a band from the placebos' scaled gaps that day. */
function syntheticSeries(
  panel: AlignedPanel,
  main: Fit,
  used: Placebo[],
  q: number,
  scaleOf: (p: { preRmspe: number }) => number,
): LiftPoint[] {
  return panel.days.map((d, t) => {
    const actual = panel.y[t]!;
    const counterfactual = actual - main.gaps[t]!;
    const bandHalf = q * Math.sqrt(mean(used.map((p) => (p.gaps[t]! * scaleOf(p)) ** 2)));
    const tp = panel.tMap.get(d)!;
    return {
      date: tp.date,
      actual,
      counterfactual,
      low: counterfactual - bandHalf,
      high: counterfactual + bandHalf,
      lift: main.gaps[t]!,
      post: panel.isPost[t]!,
      ...(tp.weight !== undefined ? { exposure: tp.weight } : {}),
    };
  });
}

/** A poor pre-period fit, or a treated unit outside the donors' range that no convex combination can match. */
function fitWarnings(panel: AlignedPanel, main: Fit, warnings: string[]): void {
  const { y, isPost, donorValues } = panel;
  if (main.preRmspe > 0.1 * Math.abs(mean(y.filter((_, t) => !isPost[t])))) {
    warnings.push('The synthetic unit tracks the treated unit poorly before the ship date (pre-period RMSPE > 10% of its level).');
  }
  const maxDonor = Math.max(...donorValues.map((d) => Math.max(...d.filter((_, t) => !isPost[t]))));
  const minDonor = Math.min(...donorValues.map((d) => Math.min(...d.filter((_, t) => !isPost[t]))));
  if (y.some((v, t) => !isPost[t] && (v > maxDonor || v < minDonor))) {
    warnings.push(
      'The treated unit leaves the donors’ range before the ship date: a convex combination cannot match it (consider rescaling units).',
    );
  }
}
