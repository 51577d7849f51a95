/**
 * k-means with k-means++ seeding and restarts, the silhouette criterion for k, and the adjusted
 * Rand index for comparing a clustering with known labels. Pure functions on the compact
 * standardised matrix the database returns.
 */
import type { Rng } from '../stats/random.ts';

export interface KMeansResult {
  k: number;
  centroids: number[][];
  labels: number[];
  inertia: number;
}

const dist2 = (a: number[], b: number[]) => {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j]! - b[j]!) ** 2;
  return s;
};

export function nearest(centroids: number[][], x: number[]): number {
  let best = 0;
  let bestD = Infinity;
  for (let c = 0; c < centroids.length; c++) {
    const d = dist2(centroids[c]!, x);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

function seedPlusPlus(x: number[][], k: number, rng: Rng): number[][] {
  const centroids = [x[Math.floor(rng() * x.length)]!.slice()];
  const d = x.map((row) => dist2(row, centroids[0]!));
  while (centroids.length < k) {
    const total = d.reduce((s, v) => s + v, 0);
    let r = rng() * total;
    let i = 0;
    for (; i < x.length - 1 && r > d[i]!; i++) r -= d[i]!;
    centroids.push(x[i]!.slice());
    for (let j = 0; j < x.length; j++) d[j] = Math.min(d[j]!, dist2(x[j]!, centroids[centroids.length - 1]!));
  }
  return centroids;
}

export function kmeans(x: number[][], k: number, rng: Rng, restarts = 5, maxIterations = 100): KMeansResult {
  let best: KMeansResult | undefined;
  const p = x[0]?.length ?? 0;
  for (let r = 0; r < restarts; r++) {
    let centroids = seedPlusPlus(x, k, rng);
    let labels = new Array<number>(x.length).fill(-1);
    for (let it = 0; it < maxIterations; it++) {
      let changed = false;
      for (let i = 0; i < x.length; i++) {
        const c = nearest(centroids, x[i]!);
        if (c !== labels[i]) {
          labels[i] = c;
          changed = true;
        }
      }
      const sums = Array.from({ length: k }, () => new Array<number>(p).fill(0));
      const counts = new Array<number>(k).fill(0);
      for (let i = 0; i < x.length; i++) {
        counts[labels[i]!]!++;
        for (let j = 0; j < p; j++) sums[labels[i]!]![j]! += x[i]![j]!;
      }
      // An emptied cluster keeps its old centre (it may win points back next round).
      centroids = sums.map((s, c) => (counts[c]! > 0 ? s.map((v) => v / counts[c]!) : centroids[c]!));
      if (!changed) break;
    }
    const inertia = x.reduce((s, row, i) => s + dist2(row, centroids[labels[i]!]!), 0);
    if (!best || inertia < best.inertia) best = { k, centroids, labels: labels.slice(), inertia };
  }
  return best!;
}

/** Mean silhouette width (Euclidean) of a labelling. */
export function silhouette(x: number[][], labels: number[], k: number): number {
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    const sum = new Array<number>(k).fill(0);
    const n = new Array<number>(k).fill(0);
    for (let j = 0; j < x.length; j++) {
      if (i === j) continue;
      sum[labels[j]!]! += Math.sqrt(dist2(x[i]!, x[j]!));
      n[labels[j]!]!++;
    }
    const own = labels[i]!;
    if (n[own] === 0) continue; // a singleton scores 0
    const a = sum[own]! / n[own]!;
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && n[c]! > 0) b = Math.min(b, sum[c]! / n[c]!);
    total += b === Infinity ? 0 : (b - a) / Math.max(a, b);
  }
  return total / (x.length || 1);
}

/** Adjusted Rand index of two labellings of the same items (1 = identical partitions, ~0 = chance). */
export function adjustedRandIndex(a: ArrayLike<string | number>, b: ArrayLike<string | number>): number {
  const table = new Map<string, number>();
  const rows = new Map<string | number, number>();
  const cols = new Map<string | number, number>();
  for (let i = 0; i < a.length; i++) {
    const key = `${a[i]}\u0000${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rows.set(a[i]!, (rows.get(a[i]!) ?? 0) + 1);
    cols.set(b[i]!, (cols.get(b[i]!) ?? 0) + 1);
  }
  const c2 = (n: number) => (n * (n - 1)) / 2;
  let index = 0;
  for (const v of table.values()) index += c2(v);
  let sa = 0;
  let sb = 0;
  for (const v of rows.values()) sa += c2(v);
  for (const v of cols.values()) sb += c2(v);
  const expected = (sa * sb) / c2(a.length);
  const max = (sa + sb) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}

/**
 * Bayesian information criterion of a k-means partition (lower is better), under the model
 * k-means assumes: k spherical Gaussians with one shared variance, mixed in the clusters'
 * proportions (Pelleg & Moore 2000, X-means). Free parameters: k − 1 mixing weights, k·d means
 * and the variance. Unlike the silhouette it rewards fit per parameter, so it keeps adding
 * clusters while they explain variance, even inside one continuous cloud.
 */
export function kmeansBic(n: number, d: number, k: number, inertia: number, sizes: number[]): number {
  if (n <= k) return Infinity;
  const variance = Math.max(inertia / (d * (n - k)), 1e-12);
  let logLik = 0;
  for (const nc of sizes) if (nc > 0) logLik += nc * Math.log(nc / n) - ((nc * d) / 2) * Math.log(2 * Math.PI * variance);
  logLik -= (d * (n - k)) / 2;
  const params = k - 1 + k * d + 1;
  return -2 * logLik + params * Math.log(n);
}
