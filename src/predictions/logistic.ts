/**
 * L2-regularised logistic regression fitted by iteratively reweighted least squares (Newton's
 * method) on standardised features.
 *
 * Why not a packaged model: ml-logistic-regression (the maintained JS option) runs a fixed 50,000
 * steps of plain gradient descent without an intercept, regularisation or convergence test, and
 * trains a binary problem twice (one-vs-all); the gradient-boosting packages for Node are
 * unmaintained WASM builds. Newton/IRLS reaches the exact penalised maximum in a handful of
 * iterations on the compact per-person table the database returns (the shared Cholesky inverse of
 * src/stats/linear-algebra.ts solves each Newton step).
 */
import { invertSpd, matVec } from '../stats/linear-algebra.ts';
import type { LinearModel } from './propensity-features.ts';

export interface FitOptions {
  /** Ridge penalty on standardised weights (not on the intercept). */
  lambda?: number;
  maxIterations?: number;
  /** Observation weights (default 1 each). */
  weights?: number[];
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

function penalisedLogLik(z: number[][], y: number[], w: number[], beta: number[], lambda: number): number {
  let ll = 0;
  for (let i = 0; i < z.length; i++) {
    let eta = 0;
    for (let j = 0; j < beta.length; j++) eta += beta[j]! * z[i]![j]!;
    // log(1 + e^eta) computed stably
    const softplus = eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
    ll += w[i]! * (y[i]! * eta - softplus);
  }
  for (let j = 1; j < beta.length; j++) ll -= (lambda / 2) * beta[j]! ** 2;
  return ll;
}

export function fitLogistic(
  x: number[][],
  y: number[],
  features: string[],
  options: FitOptions = {},
): LinearModel & { iterations: number; converged: boolean } {
  const n = x.length;
  const p = features.length;
  const lambda = options.lambda ?? 1;
  const obsW = options.weights ?? new Array<number>(n).fill(1);
  const means = new Array<number>(p).fill(0);
  const sds = new Array<number>(p).fill(0);
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    wsum += obsW[i]!;
    for (let j = 0; j < p; j++) means[j]! += obsW[i]! * x[i]![j]!;
  }
  for (let j = 0; j < p; j++) means[j]! /= wsum || 1;
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) sds[j]! += obsW[i]! * (x[i]![j]! - means[j]!) ** 2;
  // A constant feature gets sd 1 (its weight stays 0 under the penalty).
  for (let j = 0; j < p; j++) sds[j] = Math.sqrt(sds[j]! / (wsum || 1)) || 1;
  const z = x.map((row) => [1, ...row.map((v, j) => (v - means[j]!) / sds[j]!)]);
  const beta = new Array<number>(p + 1).fill(0);
  const ybar = y.reduce((s, v, i) => s + v * obsW[i]!, 0) / (wsum || 1);
  beta[0] = Math.log(Math.max(ybar, 1e-6) / Math.max(1 - ybar, 1e-6));
  let converged = false;
  let iterations = 0;
  for (; iterations < (options.maxIterations ?? 50) && !converged; iterations++) {
    const h: number[][] = Array.from({ length: p + 1 }, () => new Array<number>(p + 1).fill(0));
    const g = new Array<number>(p + 1).fill(0);
    for (let i = 0; i < n; i++) {
      const zi = z[i]!;
      let eta = 0;
      for (let j = 0; j <= p; j++) eta += beta[j]! * zi[j]!;
      const mu = sigmoid(eta);
      const w = Math.max(mu * (1 - mu), 1e-10) * obsW[i]!;
      const r = (y[i]! - mu) * obsW[i]!;
      for (let j = 0; j <= p; j++) {
        g[j]! += r * zi[j]!;
        const wz = w * zi[j]!;
        for (let k = j; k <= p; k++) h[j]![k]! += wz * zi[k]!;
      }
    }
    for (let j = 0; j <= p; j++) for (let k = 0; k < j; k++) h[j]![k] = h[k]![j]!;
    for (let j = 1; j <= p; j++) {
      h[j]![j]! += lambda;
      g[j]! -= lambda * beta[j]!;
    }
    const step = matVec(invertSpd(h), g);
    // Step-halving: a full Newton step can overshoot when events are rare (a few dozen positives
    // among tens of thousands); halve it until the penalised likelihood does not fall.
    const before = penalisedLogLik(z, y, obsW, beta, lambda);
    let scale = 1;
    let next = beta.map((b, j) => b + step[j]!);
    for (let k = 0; k < 30 && penalisedLogLik(z, y, obsW, next, lambda) < before - 1e-9; k++) {
      scale /= 2;
      next = beta.map((b, j) => b + scale * step[j]!);
    }
    let maxStep = 0;
    for (let j = 0; j <= p; j++) {
      maxStep = Math.max(maxStep, Math.abs(next[j]! - beta[j]!));
      beta[j] = next[j]!;
    }
    converged = maxStep < 1e-6;
  }
  return { features, means, sds, intercept: beta[0]!, weights: beta.slice(1), iterations, converged };
}

export function predictLogistic(m: LinearModel, row: number[]): number {
  let eta = m.intercept;
  for (let j = 0; j < m.features.length; j++) eta += (m.weights[j]! * (row[j]! - m.means[j]!)) / m.sds[j]!;
  return sigmoid(eta);
}

/** Area under the ROC curve (Mann-Whitney, ties counted half). */
export function auc(scores: number[], labels: number[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPos = 0;
  let pos = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++)
      if (labels[idx[k]!]) {
        rankSumPos += rank;
        pos++;
      }
    i = j + 1;
  }
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

export interface CalibrationBin {
  bin: number;
  persons: number;
  meanPredicted: number;
  observedRate: number;
}

/** Ten bins of equal count by predicted probability: mean prediction against the observed rate. */
export function calibrationTable(p: number[], y: number[], bins = 10): CalibrationBin[] {
  const idx = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!);
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const part = idx.slice(Math.floor((b * idx.length) / bins), Math.floor(((b + 1) * idx.length) / bins));
    if (part.length === 0) continue;
    out.push({
      bin: b + 1,
      persons: part.length,
      meanPredicted: part.reduce((s, i) => s + p[i]!, 0) / part.length,
      observedRate: part.reduce((s, i) => s + y[i]!, 0) / part.length,
    });
  }
  return out;
}

export interface LiftRow {
  /** 1 = the tenth with the highest scores. */
  decile: number;
  persons: number;
  positives: number;
  rate: number;
  lift: number;
  cumulativeCapture: number;
}

export function liftByDecile(p: number[], y: number[]): LiftRow[] {
  const idx = p.map((_, i) => i).sort((a, b) => p[b]! - p[a]!);
  const total = y.reduce((s, v) => s + v, 0);
  const base = total / (y.length || 1);
  const out: LiftRow[] = [];
  let captured = 0;
  for (let d = 0; d < 10; d++) {
    const part = idx.slice(Math.floor((d * idx.length) / 10), Math.floor(((d + 1) * idx.length) / 10));
    const positives = part.reduce((s, i) => s + y[i]!, 0);
    captured += positives;
    const rate = part.length ? positives / part.length : 0;
    out.push({
      decile: d + 1,
      persons: part.length,
      positives,
      rate,
      lift: base > 0 ? rate / base : 0,
      cumulativeCapture: total > 0 ? captured / total : 0,
    });
  }
  return out;
}
