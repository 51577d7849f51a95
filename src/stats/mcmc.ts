/**
 * Convergence diagnostics of Markov chains, as Stan computes them (Vehtari et al. 2021):
 * split-R̂ on rank-normalised draws (the larger of bulk and folded-tail) and the bulk effective
 * sample size from the chains' combined autocorrelations (Geyer's initial monotone sequence).
 */
import { normalQuantile } from './distributions.ts';

/** Each chain's draws of one scalar. */
export type Chains = Float64Array[];

function splitChains(chains: Chains): Float64Array[] {
  const out: Float64Array[] = [];
  for (const c of chains) {
    const half = Math.floor(c.length / 2);
    out.push(c.subarray(0, half), c.subarray(c.length - half));
  }
  return out;
}

function rankNormalise(chains: Chains): Float64Array[] {
  const all: { v: number; c: number; i: number }[] = [];
  chains.forEach((c, ci) => c.forEach((v, i) => all.push({ v, c: ci, i })));
  all.sort((a, b) => a.v - b.v);
  const S = all.length;
  const out = chains.map((c) => new Float64Array(c.length));
  // Average ranks for ties, then the normal scores of (r − 3/8)/(S + 1/4).
  let k = 0;
  while (k < S) {
    let e = k;
    while (e + 1 < S && all[e + 1]!.v === all[k]!.v) e++;
    const rank = (k + e) / 2 + 1;
    const z = normalQuantile((rank - 0.375) / (S + 0.25));
    for (let q = k; q <= e; q++) out[all[q]!.c]![all[q]!.i] = z;
    k = e + 1;
  }
  return out;
}

function basicRhat(chains: Float64Array[]): number {
  const m = chains.length;
  const n = chains[0]!.length;
  if (m < 2 || n < 2) return NaN;
  const means = chains.map((c) => c.reduce((a, b) => a + b, 0) / n);
  const grand = means.reduce((a, b) => a + b, 0) / m;
  const B = (n / (m - 1)) * means.reduce((s, x) => s + (x - grand) ** 2, 0);
  const W = chains.reduce((s, c, j) => s + c.reduce((t, x) => t + (x - means[j]!) ** 2, 0) / (n - 1), 0) / m;
  if (W === 0) return B === 0 ? 1 : Infinity;
  const varPlus = ((n - 1) / n) * W + B / n;
  return Math.sqrt(varPlus / W);
}

/** Rank-normalised split-R̂ (max of bulk and tail); 1.00–1.01 means the chains agree. */
export function rhat(chains: Chains): number {
  const split = splitChains(chains);
  const bulk = basicRhat(rankNormalise(split));
  const all: number[] = [];
  for (const c of split) for (const v of c) all.push(v);
  all.sort((a, b) => a - b);
  const median = all[Math.floor(all.length / 2)]!;
  const tail = basicRhat(rankNormalise(split.map((c) => c.map((v) => Math.abs(v - median)))));
  return Math.max(bulk, tail);
}

/** Autocovariance of one chain at lags 0..n−1 (direct sums; chains here are a few hundred draws). */
function autocovariance(x: Float64Array): Float64Array {
  const n = x.length;
  const mean = x.reduce((a, b) => a + b, 0) / n;
  const out = new Float64Array(n);
  const maxLag = Math.min(n - 1, 1000);
  for (let lag = 0; lag <= maxLag; lag++) {
    let s = 0;
    for (let i = 0; i + lag < n; i++) s += (x[i]! - mean) * (x[i + lag]! - mean);
    out[lag] = s / n;
  }
  return out;
}

function essOf(chains: Float64Array[]): number {
  const m = chains.length;
  const n = chains[0]!.length;
  if (n < 4) return NaN;
  const acov = chains.map(autocovariance);
  const means = chains.map((c) => c.reduce((a, b) => a + b, 0) / n);
  const meanVar = (acov.reduce((s, a) => s + a[0]!, 0) / m) * (n / (n - 1));
  let varPlus = meanVar * ((n - 1) / n);
  if (m > 1) {
    const grand = means.reduce((a, b) => a + b, 0) / m;
    varPlus += means.reduce((s, x) => s + (x - grand) ** 2, 0) / (m - 1);
  }
  if (!(varPlus > 0)) return m * n;
  const rho = (lag: number) => 1 - (meanVar - acov.reduce((s, a) => s + a[lag]!, 0) / m) / varPlus;
  const maxLag = Math.min(n - 1, 1000);
  // Geyer: sum consecutive pairs while positive, forced monotone.
  let sum = 0;
  let prevPair = Infinity;
  let t = 0;
  while (t + 1 <= maxLag) {
    let pair = rho(t) + rho(t + 1);
    if (pair < 0) break;
    if (pair > prevPair) pair = prevPair;
    prevPair = pair;
    sum += pair;
    t += 2;
  }
  const tau = -1 + 2 * sum;
  const ess = (m * n) / Math.max(tau, 1 / Math.log10(m * n));
  return ess;
}

/** Bulk effective sample size (rank-normalised split chains). */
export function effectiveSampleSize(chains: Chains): number {
  return essOf(rankNormalise(splitChains(chains)));
}
