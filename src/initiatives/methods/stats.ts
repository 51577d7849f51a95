// Small numerical kernel shared by the lift methods: dates, seeded randomness,
// distributions, dense linear algebra for small systems, HAC variances.
// Kept dependency-free because the simulations call these in tight loops.

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

/** Seeded PRNG (mulberry32): reproducible intervals for the same input and seed. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normalSampler(rng: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = rng();
    const v = rng();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** Gamma(shape, 1) draw (Marsaglia–Tsang); used for chi-square variance draws. */
export function gammaDraw(shape: number, rng: () => number, normal: () => number): number {
  if (shape < 1) return gammaDraw(shape + 1, rng, normal) * Math.pow(rng(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

// ---------------------------------------------------------------- distributions

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0.
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  // Modified Lentz, as in Numerical Recipes `betacf`.
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lbt = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  const bt = Math.exp(lbt);
  if (x < (a + 1) / (a + b + 2)) return (bt * betaContinuedFraction(a, b, x)) / a;
  return 1 - (bt * betaContinuedFraction(b, a, 1 - x)) / b;
}

export function normalCdf(z: number): number {
  // erfc via the Numerical Recipes Chebyshev fit (relative error < 1.2e-7).
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const r =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
    );
  return z >= 0 ? 1 - r / 2 : r / 2;
}

/** Inverse standard normal CDF (Acklam, refined by one Halley step). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Student-t CDF with `df` degrees of freedom (df = Infinity → normal). */
export function studentTCdf(t: number, df: number): number {
  if (!Number.isFinite(df)) return normalCdf(t);
  const x = df / (df + t * t);
  const tail = 0.5 * incompleteBeta(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

export function studentTQuantile(p: number, df: number): number {
  if (!Number.isFinite(df) || df > 1e6) return normalQuantile(p);
  // Bisection on the monotone CDF: robust for every df ≥ 1, and cheap enough here.
  let lo = -1e3;
  let hi = 1e3;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
    if (hi - lo < 1e-12) break;
  }
  return (lo + hi) / 2;
}

/** Two-sided p-value of a t statistic. */
export function twoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return 2 * (1 - studentTCdf(Math.abs(t), df));
}

// ---------------------------------------------------------------- descriptive

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

export function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/** Linear-interpolated quantile (type 7) of an unsorted sample. */
export function quantile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

// ---------------------------------------------------------------- linear algebra

export type Mat = number[][];

/** Lower Cholesky factor of a symmetric positive-definite matrix, or null if not SPD. */
export function cholesky(a: Mat): Mat | null {
  const n = a.length;
  const l: Mat = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        l[i]![i] = Math.sqrt(s);
      } else {
        l[i]![j] = s / l[j]![j]!;
      }
    }
  }
  return l;
}

export function invertSpd(a: Mat): Mat {
  const n = a.length;
  const l = cholesky(a);
  if (!l) throw new Error('design matrix is singular (collinear regressors or too few observations)');
  const inv: Mat = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let col = 0; col < n; col++) {
    // Solve L y = e_col, then Lᵀ x = y.
    const y = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let s = i === col ? 1 : 0;
      for (let k = 0; k < i; k++) s -= l[i]![k]! * y[k]!;
      y[i] = s / l[i]![i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let k = i + 1; k < n; k++) s -= l[k]![i]! * inv[k]![col]!;
      inv[i]![col] = s / l[i]![i]!;
    }
  }
  return inv;
}

export function matVec(a: Mat, v: readonly number[]): number[] {
  return a.map((row) => {
    let s = 0;
    for (let j = 0; j < row.length; j++) s += row[j]! * v[j]!;
    return s;
  });
}

export function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export interface OlsFit {
  beta: number[];
  residuals: number[];
  /** (XᵀX)⁻¹ */
  xtxInv: Mat;
  /** Residual variance, SSR / (n − k). */
  sigma2: number;
  df: number;
}

/** Ordinary least squares via the normal equations; callers keep columns well scaled. */
export function ols(x: Mat, y: readonly number[]): OlsFit {
  const n = x.length;
  const k = x[0]?.length ?? 0;
  if (n <= k) throw new Error(`need more observations (${n}) than regressors (${k})`);
  const xtx: Mat = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const xty = new Array<number>(k).fill(0);
  for (let r = 0; r < n; r++) {
    const row = x[r]!;
    const yr = y[r]!;
    for (let i = 0; i < k; i++) {
      const xi = row[i]!;
      xty[i]! += xi * yr;
      for (let j = 0; j <= i; j++) xtx[i]![j]! += xi * row[j]!;
    }
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) xtx[j]![i] = xtx[i]![j]!;
  const xtxInv = invertSpd(xtx);
  const beta = matVec(xtxInv, xty);
  const residuals = x.map((row, r) => y[r]! - dot(row, beta));
  const ssr = dot(residuals, residuals);
  return { beta, residuals, xtxInv, sigma2: ssr / (n - k), df: n - k };
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
export function relative(estimate: number, low: number, high: number, base: number): { estimate: number; low: number; high: number } | null {
  if (!Number.isFinite(base) || base === 0) return null;
  const a = low / base;
  const b = high / base;
  return { estimate: estimate / base, low: Math.min(a, b), high: Math.max(a, b) };
}
