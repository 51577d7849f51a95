/**
 * Expected bands for a daily KPI: a robust seasonal regression on log(1 + y) for counts and
 * amounts (multiplicative seasonality) or on y for rates, with
 * - a weekly profile (day-of-week indicators),
 * - a yearly profile (3 Fourier pairs) when the series covers at least a year,
 * - holiday indicators (fixed and moving US retail holidays present in the range),
 * - a linear trend, and level shifts found by binary segmentation of the residuals (up to 3,
 *   each kept only when it moves the level by more than 3 standard errors),
 * fitted by iteratively reweighted least squares with Huber weights, so the anomalies being looked
 * for do not bend the fit. The residual scale is the MAD; a point's anomaly probability is
 * 1 − its two-sided normal p-value.
 *
 * Why not a library: no MSTL/STL/ETS package is served for Node here (the one WASM time-series
 * package, `arima`, fits SARIMA with a single seasonal period and no holiday regressors).
 */
import { invertSpd, matVec } from '../stats/linear-algebra.ts';
import { normalSf } from '../stats/distributions.ts';

export interface SeriesPoint {
  date: string;
  value: number;
}

export interface BandPoint extends SeriesPoint {
  expected: number;
  lower: number;
  upper: number;
  /** Actual − expected, in the KPI's units. */
  size: number;
  relativeSize: number | null;
  /** Residual in robust standard deviations (on the model's scale). */
  z: number;
  /** 1 − two-sided p-value of the residual. */
  probability: number;
  anomaly: boolean;
  holiday: string | null;
}

export interface SeasonalFit {
  points: BandPoint[];
  components: { weekly: boolean; yearly: boolean; holidays: string[]; levelShifts: string[]; transform: 'log1p' | 'none' };
  residualScale: number;
}

const DAY = 86_400_000;

function nthWeekday(year: number, month: number, weekday: number, n: number): Date {
  const first = new Date(Date.UTC(year, month, 1));
  const offset = (weekday - first.getUTCDay() + 7) % 7;
  return new Date(Date.UTC(year, month, 1 + offset + 7 * (n - 1)));
}

/** US retail holidays: New Year, Valentine's, Mother's Day, Independence Day, Black Friday, Cyber Monday, Christmas Eve/Day, New Year's Eve. */
export function holidaysOf(year: number): Array<{ date: string; name: string }> {
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  const thanksgiving = nthWeekday(year, 10, 4, 4);
  return [
    { date: `${year}-01-01`, name: "New Year's Day" },
    { date: `${year}-02-14`, name: "Valentine's Day" },
    { date: iso(nthWeekday(year, 4, 0, 2)), name: "Mother's Day" },
    { date: `${year}-07-04`, name: 'Independence Day' },
    { date: iso(new Date(thanksgiving.getTime() + DAY)), name: 'Black Friday' },
    { date: iso(new Date(thanksgiving.getTime() + 4 * DAY)), name: 'Cyber Monday' },
    { date: `${year}-12-24`, name: 'Christmas Eve' },
    { date: `${year}-12-25`, name: 'Christmas Day' },
    { date: `${year}-12-31`, name: "New Year's Eve" },
  ];
}

function leastSquares(x: number[][], y: number[], w: number[]): number[] {
  const p = x[0]!.length;
  const a: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const b = new Array<number>(p).fill(0);
  for (let i = 0; i < x.length; i++) {
    const row = x[i]!;
    for (let j = 0; j < p; j++) {
      b[j]! += w[i]! * row[j]! * y[i]!;
      for (let k = 0; k <= j; k++) a[j]![k]! += w[i]! * row[j]! * row[k]!;
    }
  }
  for (let j = 0; j < p; j++) a[j]![j]! += 1e-6; // keeps an absent holiday or an empty weekday solvable
  return matVec(invertSpd(a), b);
}

function mad(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const med = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const dev = values.map((v) => Math.abs(v - med)).sort((a, b) => a - b);
  return 1.4826 * (dev[Math.floor(dev.length / 2)] ?? 0);
}

function robustFit(x: number[][], y: number[]): { beta: number[]; resid: number[]; scale: number; w: number[] } {
  let w = new Array<number>(y.length).fill(1);
  let beta = leastSquares(x, y, w);
  let resid: number[] = [];
  let scale = 1;
  for (let it = 0; it < 20; it++) {
    resid = y.map((v, i) => v - x[i]!.reduce((s, xv, j) => s + xv * beta[j]!, 0));
    scale = mad(resid) || 1e-9;
    const k = 1.345 * scale;
    w = resid.map((r) => (Math.abs(r) <= k ? 1 : k / Math.abs(r)));
    beta = leastSquares(x, y, w);
  }
  resid = y.map((v, i) => v - x[i]!.reduce((s, xv, j) => s + xv * beta[j]!, 0));
  return { beta, resid, scale: mad(resid) || 1e-9, w };
}

/**
 * The strongest level shift given the current fit: for a step starting at k, the least-squares
 * gain of adding it is (Σ_{i≥k} w r)² / (Σ_{i≥k} w − vᵀ(XᵀWX)⁻¹v) with v = Σ_{i≥k} w x — the step
 * is first made orthogonal to the trend and seasonal terms, so a shift is not confused with them.
 * Returns the start and its t-statistic.
 */
function bestShift(x: number[][], w: number[], resid: number[], scale: number, minSegment: number): { at: number; z: number } | null {
  const n = x.length;
  const p = x[0]!.length;
  const a: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) for (let k = 0; k <= j; k++) a[j]![k]! += w[i]! * x[i]![j]! * x[i]![k]!;
  for (let j = 0; j < p; j++) a[j]![j]! += 1e-6;
  const inv = invertSpd(a);
  let sw = 0;
  let swr = 0;
  const v = new Array<number>(p).fill(0);
  let best: { at: number; z: number } | null = null;
  for (let k = n - 1; k >= minSegment; k--) {
    sw += w[k]!;
    swr += w[k]! * resid[k]!;
    for (let j = 0; j < p; j++) v[j]! += w[k]! * x[k]![j]!;
    if (n - k < minSegment) continue;
    let quad = 0;
    for (let j = 0; j < p; j++) for (let l = 0; l < p; l++) quad += v[j]! * inv[j]![l]! * v[l]!;
    const denom = sw - quad;
    if (denom <= 1e-9) continue;
    const z = swr / (scale * Math.sqrt(denom));
    if (!best || Math.abs(z) > Math.abs(best.z)) best = { at: k, z };
  }
  return best;
}

export function fitSeasonal(
  series: SeriesPoint[],
  options: { transform?: 'log1p' | 'none'; z?: number; maxShifts?: number; eventValue?: number } = {},
): SeasonalFit {
  const transform = options.transform ?? 'log1p';
  const zLimit = options.z ?? 3;
  const n = series.length;
  const t0 = Date.parse(series[0]!.date);
  const days = series.map((p) => (Date.parse(p.date) - t0) / DAY);
  const yearly = n >= 365;
  const weekly = n >= 21;
  const holidayMap = new Map<string, string>();
  const firstYear = new Date(t0).getUTCFullYear();
  const lastYear = new Date(Date.parse(series[n - 1]!.date)).getUTCFullYear();
  for (let y = firstYear; y <= lastYear; y++) for (const h of holidaysOf(y)) holidayMap.set(h.date, h.name);
  // A holiday gets its own coefficient only when it appears at least twice (else it would fit its point exactly).
  const holidayCounts = new Map<string, number>();
  for (const p of series) {
    const h = holidayMap.get(p.date);
    if (h) holidayCounts.set(h, (holidayCounts.get(h) ?? 0) + 1);
  }
  const holidays = [...holidayCounts].filter(([, c]) => c >= 2).map(([h]) => h);
  const y = series.map((p) => (transform === 'log1p' ? Math.log1p(Math.max(p.value, 0)) : p.value));
  const base = (i: number): number[] => {
    const row = [1, days[i]! / 365];
    if (weekly) {
      const dow = new Date(Date.parse(series[i]!.date)).getUTCDay();
      for (let d = 1; d < 7; d++) row.push(dow === d ? 1 : 0);
    }
    if (yearly)
      for (let k = 1; k <= 3; k++)
        row.push(Math.sin((2 * Math.PI * k * days[i]!) / 365.25), Math.cos((2 * Math.PI * k * days[i]!) / 365.25));
    const h = holidayMap.get(series[i]!.date);
    for (const name of holidays) row.push(h === name ? 1 : 0);
    return row;
  };
  const shifts: number[] = [];
  const design = () => series.map((_p, i) => [...base(i), ...shifts.map((s) => (i >= s ? 1 : 0))]);
  let fit = robustFit(design(), y);
  // Binary segmentation on the residuals: add the strongest level shift while it is clear.
  for (let s = 0; s < (options.maxShifts ?? 3); s++) {
    const cand = bestShift(design(), fit.w, fit.resid, fit.scale, 14);
    if (!cand || Math.abs(cand.z) < 8 || shifts.includes(cand.at)) break;
    shifts.push(cand.at);
    fit = robustFit(design(), y);
  }
  const x = design();
  const points: BandPoint[] = series.map((p, i) => {
    const eta = x[i]!.reduce((s, v, j) => s + v * fit.beta[j]!, 0);
    const back = (v: number) => (transform === 'log1p' ? Math.expm1(v) : v);
    const expected = back(eta);
    const r = y[i]! - eta;
    // A KPI made of few events (orders, visits; revenue: orders × their value) cannot be more
    // precise than its own sampling noise. Under ~5 expected events a day most days are equal
    // (zero), the robust scale of the residuals falls to ~0 and one order becomes an anomaly. There,
    // with `eventValue` (1 for counts, the average order value for revenue), the scale is floored
    // at about one Poisson standard deviation of the expected number of events on the log1p scale
    // (n → n + √(n + 1) events), which is what a single event is when none is expected. Busier
    // series keep the residuals' own scale (their day-to-day noise is measured, not assumed).
    const unit = options.eventValue;
    const lambda = Math.max(expected, 0);
    const sparse = unit !== undefined && unit > 0 && transform === 'log1p' && lambda / unit < 5;
    const scale = sparse ? Math.max(fit.scale, Math.log1p(lambda + unit * Math.sqrt(lambda / unit + 1)) - Math.log1p(lambda)) : fit.scale;
    const zval = r / scale;
    const probability = 1 - 2 * normalSf(Math.abs(zval));
    return {
      ...p,
      expected,
      lower: Math.max(back(eta - zLimit * scale), transform === 'log1p' ? 0 : -Infinity),
      upper: back(eta + zLimit * scale),
      size: p.value - expected,
      relativeSize: expected !== 0 ? (p.value - expected) / Math.abs(expected) : null,
      z: zval,
      probability,
      anomaly: Math.abs(zval) > zLimit,
      holiday: holidayMap.get(p.date) ?? null,
    };
  });
  return {
    points,
    components: { weekly, yearly, holidays, levelShifts: shifts.map((s) => series[s]!.date), transform },
    residualScale: fit.scale,
  };
}
