// What the lift methods share beyond src/stats/ (distributions, quantiles, matrices): dates,
// and the HAC and AR(1) variances of daily series.
import { mean } from '../../stats/descriptive.ts';
import { twoSidedP } from '../../stats/distributions.ts';
import { dot } from '../../stats/linear-algebra.ts';

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 (UTC) for a YYYY-MM-DD date. */
export function dayNumber(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`invalid date "${date}", expected YYYY-MM-DD`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Math.round(ms / DAY_MS);
}

export function dateFromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return dateFromDayNumber(dayNumber(date) + days);
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return ((dayNumber(date) % 7) + 7 + 4) % 7; // 1970-01-01 was a Thursday
}

// ---------------------------------------------------------------- HAC

/** Newey–West (1994) rule-of-thumb lag: floor(4 (T/100)^(2/9)). */
export function neweyWestLag(t: number): number {
  return Math.floor(4 * Math.pow(t / 100, 2 / 9));
}

/**
 * Long-run variance Σ_t s_t² + 2 Σ_l (1 − l/(L+1)) Σ_t s_t s_{t−l} of a time-ordered
 * score series (Bartlett kernel), which stays positive.
 */
export function bartlettLongRunSum(scores: readonly number[], lag: number): number {
  let v = 0;
  for (const s of scores) v += s * s;
  for (let l = 1; l <= lag; l++) {
    const w = 1 - l / (lag + 1);
    let c = 0;
    for (let t = l; t < scores.length; t++) c += scores[t]! * scores[t - l]!;
    v += 2 * w * c;
  }
  return v;
}

/**
 * Andrews–Monahan (1992) AR(1)-prewhitened Bartlett long-run sum: fit s_t = φ s_{t−1} + v_t,
 * take the Bartlett sum of v, recolour by 1/(1 − φ)². Without prewhitening, a short
 * Bartlett window misses much of the persistence that daily KPI residuals carry.
 */
export function prewhitenedLongRunSum(scores: readonly number[], lag: number): { value: number; phi: number } {
  const n = scores.length;
  if (n < 4) return { value: bartlettLongRunSum(scores, lag), phi: 0 };
  let num = 0;
  let den = 0;
  for (let t = 1; t < n; t++) {
    num += scores[t]! * scores[t - 1]!;
    den += scores[t - 1]! * scores[t - 1]!;
  }
  // Capped so the recolouring factor stays finite on near-unit-root scores.
  const phi = den > 0 ? Math.max(-0.97, Math.min(0.97, num / den)) : 0;
  const v: number[] = [scores[0]!];
  for (let t = 1; t < n; t++) v.push(scores[t]! - phi * scores[t - 1]!);
  return { value: bartlettLongRunSum(v, lag) / (1 - phi) ** 2, phi };
}

/**
 * Variance of a linear contrast Σ c_i u_i of regression residual-type errors under an
 * AR(1) model fitted to `resid` (consecutive days). The lag-1 autocorrelation gets
 * Kendall's bias correction, scaled by `demeanedParameters` (≈ number of fitted mean
 * parameters), because short-window Bartlett HACs under-cover persistent daily errors.
 */
export function ar1ContrastVariance(
  c: readonly number[],
  resid: readonly number[],
  days: readonly number[],
  segmentOf: (i: number) => number,
  fittedParameters: number,
): { variance: number; rho: number } {
  const n = resid.length;
  let num = 0;
  let den = 0;
  for (let t = 1; t < n; t++) {
    if (segmentOf(t) !== segmentOf(t - 1) || days[t]! - days[t - 1]! !== 1) continue;
    num += resid[t]! * resid[t - 1]!;
    den += resid[t - 1]! * resid[t - 1]!;
  }
  const raw = den > 0 ? num / den : 0;
  const rho = Math.max(-0.97, Math.min(0.97, raw + (fittedParameters * (1 + 3 * raw)) / n));
  const s2 = dot(resid, resid) / (n - fittedParameters);
  let v = 0;
  for (let i = 0; i < n; i++) {
    if (c[i] === 0) continue;
    for (let j = 0; j < n; j++) v += c[i]! * c[j]! * Math.pow(rho, Math.abs(days[i]! - days[j]!));
  }
  return { variance: s2 * v, rho };
}

/**
 * Simple regression y = a + b·x (x in days) with an AR(1)-robust standard error on b;
 * used for the pre-trend check, where the gap series is usually autocorrelated.
 */
export function trendTest(x: readonly number[], y: readonly number[]): { slope: number; se: number; t: number; p: number; df: number } {
  const n = x.length;
  const mx = mean(x);
  const my = mean(y);
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i]! - mx) ** 2;
    sxy += (x[i]! - mx) * (y[i]! - my);
  }
  const slope = sxy / sxx;
  const resid = x.map((xi, i) => y[i]! - my - slope * (xi - mx));
  const c = x.map((xi) => (xi - mx) / sxx);
  const { variance } = ar1ContrastVariance(c, resid, x, () => 0, 2);
  const se = Math.sqrt(variance);
  const t = slope / se;
  const df = n - 2;
  return { slope, se, t, p: twoSidedP(t, df), df };
}

/** Lift relative to the counterfactual mean; the counterfactual level is taken as known. */
export function relative(
  estimate: number,
  low: number,
  high: number,
  base: number,
): { estimate: number; low: number; high: number } | null {
  if (!Number.isFinite(base) || base === 0) return null;
  const a = low / base;
  const b = high / base;
  return { estimate: estimate / base, low: Math.min(a, b), high: Math.max(a, b) };
}
