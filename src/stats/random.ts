/**
 * Seeded pseudo-random numbers for reproducible bootstraps, simulations, lift intervals and
 * synthetic data. mulberry32: small, fast, and good enough for resampling (not for
 * cryptography). The demo world has its own generator (src/demo/rng.ts): its output is
 * pinned byte for byte.
 */

import { logFactorial } from './distributions.ts';

export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One standard normal draw by Box–Muller (the sine half is discarded). */
export function normal(rng: Rng): number {
  let u = 0;
  while (u === 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Standard normal draws by Box–Muller, using both halves of each pair. */
export function normalSampler(rng: Rng): () => number {
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

/** Gamma(shape, 1) draw (Marsaglia–Tsang); `normal` is a standard normal sampler on the same stream. */
export function gammaDraw(shape: number, rng: Rng, normal: () => number): number {
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

/**
 * Exact Binomial(n, p) draw by inversion. Small means search up from 0; large means
 * search outward from the mode, so the cost is O(sqrt(n p q)) instead of O(n).
 */
export function binomial(n: number, p: number, rng: Rng): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(n, 1 - p, rng);
  const q = 1 - p;
  const ratio = p / q;
  if (n * p < 30) {
    let pmf = Math.exp(n * Math.log(q));
    let u = rng();
    for (let k = 0; k < n; k++) {
      if (u < pmf) return k;
      u -= pmf;
      pmf *= ((n - k) / (k + 1)) * ratio;
    }
    return n;
  }
  const mode = Math.floor((n + 1) * p);
  const pmfMode = Math.exp(logFactorial(n) - logFactorial(mode) - logFactorial(n - mode) + mode * Math.log(p) + (n - mode) * Math.log(q));
  let u = rng() - pmfMode;
  if (u < 0) return mode;
  let lo = mode;
  let hi = mode;
  let pLo = pmfMode;
  let pHi = pmfMode;
  // Alternate below/above the mode; each value is visited once, so this is a valid inversion.
  while (lo > 0 || hi < n) {
    if (hi < n) {
      pHi *= ((n - hi) / (hi + 1)) * ratio;
      hi++;
      u -= pHi;
      if (u < 0) return hi;
    }
    if (lo > 0) {
      pLo *= lo / (n - lo + 1) / ratio;
      lo--;
      u -= pLo;
      if (u < 0) return lo;
    }
  }
  return mode; // only reached through rounding of the tail mass
}

/** Multinomial(n, weights) by sequential conditional binomials. */
export function multinomial(n: number, weights: ArrayLike<number>, rng: Rng): Float64Array {
  const out = new Float64Array(weights.length);
  let rest = 0;
  for (let i = 0; i < weights.length; i++) rest += weights[i];
  let left = n;
  for (let i = 0; i < weights.length && left > 0; i++) {
    const w = weights[i];
    if (w <= 0) continue;
    const k = rest <= w ? left : binomial(left, w / rest, rng);
    out[i] = k;
    left -= k;
    rest -= w;
  }
  return out;
}
