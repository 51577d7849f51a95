/**
 * The No-U-Turn sampler (Hoffman & Gelman 2014, Algorithm 6: slice NUTS with dual-averaging step
 * size), with a diagonal mass matrix adapted in Stan's windows (an initial fast window, slow
 * windows doubling in length, a final fast window). Works on any differentiable log density of
 * an unconstrained vector. Seeded: the same seed and start give the same draws.
 */
import { mulberry32, normalSampler } from './random.ts';

export type LogDensity = (theta: Float64Array, grad: Float64Array) => number;

export interface NutsOptions {
  warmup: number;
  draws: number;
  seed: number;
  /** Target acceptance statistic of the step-size adaptation (Stan: 0.8). */
  targetAccept?: number;
  maxTreeDepth?: number;
  /** Keep every k-th draw. */
  thin?: number;
  /** Mass matrix: 'dense' adapts the full covariance (fewer steps when parameters correlate). */
  metric?: 'diag' | 'dense';
}

export interface NutsChain {
  /** draws × dimension, row-major. */
  draws: Float64Array;
  dimension: number;
  stepSize: number;
  /** Inverse mass matrix after adaptation: its diagonal (dense: the full matrix, row-major). */
  inverseMass: Float64Array;
  divergences: number;
  /** Draws that stopped at the maximum tree depth. */
  maxDepthHits: number;
  meanTreeDepth: number;
  meanAcceptance: number;
  gradientEvaluations: number;
}

const DELTA_MAX = 1000;

interface State {
  theta: Float64Array;
  grad: Float64Array;
  logp: number;
}

export function nuts(logDensity: LogDensity, start: Float64Array, options: NutsOptions): NutsChain {
  const d = start.length;
  const rng = mulberry32(options.seed);
  const normal = normalSampler(rng);
  const delta = options.targetAccept ?? 0.8;
  const maxDepth = options.maxTreeDepth ?? 8;
  const thin = options.thin ?? 1;
  const metric = new Metric(d, options.metric === 'dense');
  const hamiltonian = new Hamiltonian(logDensity, metric, rng);

  let current = hamiltonian.evaluate(Float64Array.from(start));
  if (current.logp === -Infinity) throw new Error('NUTS: the starting point has zero density');

  let eps = findReasonableEpsilon(hamiltonian, current, normal);
  const stepSize = new DualAveraging(eps);
  const W = options.warmup;
  const windows = adaptationWindows(W);
  const massWindow = new MassWindow(d, metric.dense);

  const total = W + options.draws;
  const kept = Math.floor(options.draws / thin);
  const out = new Float64Array(kept * d);
  let keptCount = 0;
  let divergences = 0;
  let maxDepthHits = 0;
  let depthSum = 0;
  let acceptSum = 0;

  for (let iter = 0; iter < total; iter++) {
    const step = nutsTransition(hamiltonian, current, eps, maxDepth, rng, normal);
    current = step.proposal;

    if (iter < W) {
      eps = stepSize.update(delta - step.acceptStat);
      // Mass matrix: collect draws inside a slow window; at its end, set the metric and restart.
      if (iter >= windows.initBuffer && iter < W - windows.termBuffer) {
        massWindow.add(current.theta);
        if (windows.ends.includes(iter + 1)) {
          metric.adopt(massWindow);
          massWindow.reset();
          eps = findReasonableEpsilon(hamiltonian, current, normal);
          stepSize.restart(eps);
        }
      }
      if (iter === W - 1) eps = stepSize.final();
    } else {
      if (step.divergent) divergences++;
      if (step.depth >= maxDepth && step.ok) maxDepthHits++;
      depthSum += step.depth;
      acceptSum += step.acceptStat;
      const k = iter - W;
      if (k % thin === 0 && keptCount < kept) {
        out.set(current.theta, keptCount * d);
        keptCount++;
      }
    }
  }
  return {
    draws: out,
    dimension: d,
    stepSize: eps,
    inverseMass: metric.invMass,
    divergences,
    maxDepthHits,
    meanTreeDepth: options.draws > 0 ? depthSum / options.draws : 0,
    meanAcceptance: options.draws > 0 ? acceptSum / options.draws : 0,
    gradientEvaluations: hamiltonian.evals,
  };
}

/** The inverse metric Σ (diagonal, or full with its Cholesky factor L, Σ = L·Lᵀ) and what it defines. */
class Metric {
  invMass: Float64Array;
  chol: Float64Array;
  /** Scratch for velocities, consumed at once by each caller. */
  readonly work: Float64Array;

  constructor(
    readonly d: number,
    readonly dense: boolean,
  ) {
    this.invMass = new Float64Array(dense ? d * d : d);
    this.chol = new Float64Array(d * d);
    this.work = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      if (dense) {
        this.invMass[i * d + i] = 1;
        this.chol[i * d + i] = 1;
      } else this.invMass[i] = 1;
    }
  }

  /** out = Σ·r (the velocity). */
  velocity(r: Float64Array, out: Float64Array): void {
    const { d, invMass } = this;
    if (!this.dense) {
      for (let i = 0; i < d; i++) out[i] = invMass[i]! * r[i]!;
      return;
    }
    for (let i = 0; i < d; i++) {
      let s = 0;
      const row = i * d;
      for (let j = 0; j < d; j++) s += invMass[row + j]! * r[j]!;
      out[i] = s;
    }
  }

  /** p ~ N(0, Σ⁻¹): p = L⁻ᵀ·z. */
  drawMomentum(normal: () => number): Float64Array {
    const { d, chol } = this;
    const z = Float64Array.from({ length: d }, () => normal());
    if (!this.dense) {
      for (let i = 0; i < d; i++) z[i] = z[i]! / Math.sqrt(this.invMass[i]!);
      return z;
    }
    const p = new Float64Array(d);
    for (let i = d - 1; i >= 0; i--) {
      let s = z[i]!;
      for (let j = i + 1; j < d; j++) s -= chol[j * d + i]! * p[j]!;
      p[i] = s / chol[i * d + i]!;
    }
    return p;
  }

  kinetic(r: Float64Array): number {
    this.velocity(r, this.work);
    let k = 0;
    for (let i = 0; i < this.d; i++) k += r[i]! * this.work[i]!;
    return 0.5 * k;
  }

  /**
   * Σ from a slow window's draws, with Stan's regularisation towards a small multiple of the
   * identity; a dense estimate that is not positive definite keeps the current metric.
   */
  adopt(w: MassWindow): void {
    const { d } = this;
    const shrink = w.count / (w.count + 5);
    const ridge = 1e-3 * (5 / (w.count + 5));
    if (this.dense) {
      const next = new Float64Array(d * d);
      for (let i = 0; i < d; i++)
        for (let j = 0; j < d; j++)
          next[i * d + j] = shrink * (w.count > 1 ? w.m2[i * d + j]! / (w.count - 1) : i === j ? 1 : 0) + (i === j ? ridge : 0);
      const L = cholesky(next, d);
      if (L) {
        this.invMass = next;
        this.chol = L;
      }
    } else {
      for (let i = 0; i < d; i++) this.invMass[i] = shrink * (w.count > 1 ? w.m2[i]! / (w.count - 1) : 1) + ridge;
    }
  }
}

/** Running mean and (co-)moments of the draws of one slow adaptation window (Welford). */
class MassWindow {
  count = 0;
  mean: Float64Array;
  m2: Float64Array;

  constructor(
    readonly d: number,
    readonly dense: boolean,
  ) {
    this.mean = new Float64Array(d);
    this.m2 = new Float64Array(dense ? d * d : d);
  }

  add(x: Float64Array): void {
    const { d, mean, m2 } = this;
    this.count++;
    const before = Float64Array.from(mean);
    for (let i = 0; i < d; i++) mean[i]! += (x[i]! - mean[i]!) / this.count;
    if (this.dense) {
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) m2[i * d + j]! += (x[i]! - before[i]!) * (x[j]! - mean[j]!);
    } else for (let i = 0; i < d; i++) m2[i]! += (x[i]! - before[i]!) * (x[i]! - mean[i]!);
  }

  reset(): void {
    this.count = 0;
    this.mean = new Float64Array(this.d);
    this.m2 = new Float64Array(this.dense ? this.d * this.d : this.d);
  }
}

/** Stan's adaptation windows: an initial fast buffer, slow windows doubling in length, a final fast buffer. */
function adaptationWindows(W: number): { initBuffer: number; termBuffer: number; ends: number[] } {
  let initBuffer = 75;
  let termBuffer = 50;
  let baseWindow = 25;
  if (W < 150) {
    initBuffer = Math.floor(0.15 * W);
    termBuffer = Math.floor(0.1 * W);
    baseWindow = W - initBuffer - termBuffer;
  }
  const ends: number[] = [];
  let start = initBuffer;
  let size = baseWindow;
  const lastSlow = W - termBuffer;
  while (start < lastSlow) {
    let end = start + size;
    if (end + 2 * size > lastSlow) end = lastSlow;
    ends.push(end);
    start = end;
    size *= 2;
  }
  return { initBuffer, termBuffer, ends };
}

/** Dual averaging of the log step size towards the target acceptance statistic (Hoffman & Gelman, Algorithm 5). */
class DualAveraging {
  private mu = 0;
  private hBar = 0;
  private logEpsBar = 0;
  private m = 0;
  private static readonly gamma = 0.05;
  private static readonly t0 = 10;
  private static readonly kappa = 0.75;

  constructor(eps: number) {
    this.restart(eps);
  }

  restart(eps: number): void {
    this.mu = Math.log(10 * eps);
    this.hBar = 0;
    this.logEpsBar = 0;
    this.m = 0;
  }

  /** One warm-up iteration with `shortfall` = target − acceptance statistic; returns the next step size. */
  update(shortfall: number): number {
    this.m++;
    const eta = 1 / (this.m + DualAveraging.t0);
    this.hBar = (1 - eta) * this.hBar + eta * shortfall;
    const logEps = this.mu - (Math.sqrt(this.m) / DualAveraging.gamma) * this.hBar;
    const w = Math.pow(this.m, -DualAveraging.kappa);
    this.logEpsBar = w * logEps + (1 - w) * this.logEpsBar;
    return Math.exp(logEps);
  }

  /** The averaged step size, used after warm-up. */
  final(): number {
    return Math.exp(this.logEpsBar);
  }
}

interface Tree {
  minus: State;
  rMinus: Float64Array;
  plus: State;
  rPlus: Float64Array;
  proposal: State;
  n: number;
  ok: boolean;
  alpha: number;
  nAlpha: number;
  divergent: boolean;
}

/** The log density with its gradient, leapfrog steps under the metric, and NUTS's binary trees of them. */
class Hamiltonian {
  evals = 0;
  private readonly vMinus: Float64Array;
  private readonly vPlus: Float64Array;

  constructor(
    private readonly logDensity: LogDensity,
    readonly metric: Metric,
    private readonly rng: () => number,
  ) {
    this.vMinus = new Float64Array(metric.d);
    this.vPlus = new Float64Array(metric.d);
  }

  evaluate(theta: Float64Array): State {
    const grad = new Float64Array(this.metric.d);
    const logp = this.logDensity(theta, grad);
    this.evals++;
    return { theta, grad, logp: Number.isFinite(logp) ? logp : -Infinity };
  }

  leapfrog(s: State, r: Float64Array, eps: number): { state: State; r: Float64Array } {
    const d = this.metric.d;
    const work = this.metric.work;
    const r1 = new Float64Array(d);
    const theta = new Float64Array(d);
    for (let i = 0; i < d; i++) r1[i] = r[i]! + 0.5 * eps * s.grad[i]!;
    this.metric.velocity(r1, work);
    for (let i = 0; i < d; i++) theta[i] = s.theta[i]! + eps * work[i]!;
    const next = this.evaluate(theta);
    if (next.logp === -Infinity) return { state: next, r: r1 };
    for (let i = 0; i < d; i++) r1[i]! += 0.5 * eps * next.grad[i]!;
    return { state: next, r: r1 };
  }

  noUTurn(minus: State, plus: State, rMinus: Float64Array, rPlus: Float64Array): boolean {
    const { vMinus, vPlus } = this;
    this.metric.velocity(rMinus, vMinus);
    this.metric.velocity(rPlus, vPlus);
    let a = 0;
    let b = 0;
    for (let i = 0; i < this.metric.d; i++) {
      const dt = plus.theta[i]! - minus.theta[i]!;
      a += dt * vMinus[i]!;
      b += dt * vPlus[i]!;
    }
    return a >= 0 && b >= 0;
  }

  buildTree(s: State, r: Float64Array, logU: number, v: number, j: number, eps: number, joint0: number): Tree {
    if (j === 0) {
      const { state, r: r1 } = this.leapfrog(s, r, v * eps);
      const joint = state.logp - this.metric.kinetic(r1);
      const n = logU <= joint ? 1 : 0;
      const ok = logU < DELTA_MAX + joint;
      const alpha = Number.isFinite(joint) ? Math.min(1, Math.exp(joint - joint0)) : 0;
      return { minus: state, rMinus: r1, plus: state, rPlus: r1, proposal: state, n, ok, alpha, nAlpha: 1, divergent: !ok };
    }
    const t = this.buildTree(s, r, logU, v, j - 1, eps, joint0);
    if (!t.ok) return t;
    let t2: Tree;
    if (v === -1) {
      t2 = this.buildTree(t.minus, t.rMinus, logU, v, j - 1, eps, joint0);
      t.minus = t2.minus;
      t.rMinus = t2.rMinus;
    } else {
      t2 = this.buildTree(t.plus, t.rPlus, logU, v, j - 1, eps, joint0);
      t.plus = t2.plus;
      t.rPlus = t2.rPlus;
    }
    if (t2.n > 0 && this.rng() < t2.n / (t.n + t2.n)) t.proposal = t2.proposal;
    t.alpha += t2.alpha;
    t.nAlpha += t2.nAlpha;
    t.divergent = t2.divergent;
    t.ok = t2.ok && this.noUTurn(t.minus, t.plus, t.rMinus, t.rPlus);
    t.n += t2.n;
    return t;
  }
}

/** Step size: Algorithm 4's heuristic (double or halve until the acceptance ratio crosses 1/2). */
function findReasonableEpsilon(h: Hamiltonian, current: State, normal: () => number): number {
  let eps = 0.1;
  const r = h.metric.drawMomentum(normal);
  const joint0 = current.logp - h.metric.kinetic(r);
  let { state, r: r1 } = h.leapfrog(current, r, eps);
  let logRatio = state.logp - h.metric.kinetic(r1) - joint0;
  const dir = Number.isFinite(logRatio) && logRatio > Math.log(0.5) ? 1 : -1;
  for (let k = 0; k < 60; k++) {
    if (!(Number.isFinite(logRatio) ? dir * logRatio > -dir * Math.log(2) : dir === 1 ? false : true)) break;
    eps = dir === 1 ? eps * 2 : eps / 2;
    ({ state, r: r1 } = h.leapfrog(current, r, eps));
    logRatio = state.logp - h.metric.kinetic(r1) - joint0;
  }
  return eps;
}

/**
 * One NUTS transition from `current`: a fresh momentum and slice, then the trajectory doubled in
 * a random direction until it turns back, diverges or reaches the maximum depth.
 */
function nutsTransition(
  h: Hamiltonian,
  current: State,
  eps: number,
  maxDepth: number,
  rng: () => number,
  normal: () => number,
): { proposal: State; depth: number; ok: boolean; divergent: boolean; acceptStat: number } {
  const r0 = h.metric.drawMomentum(normal);
  const joint0 = current.logp - h.metric.kinetic(r0);
  const logU = joint0 + Math.log(rng() || Number.MIN_VALUE);
  let minus = current;
  let plus = current;
  let rMinus = r0;
  let rPlus = r0;
  let n = 1;
  let ok = true;
  let depth = 0;
  let proposal = current;
  let alpha = 0;
  let nAlpha = 0;
  let divergent = false;
  while (ok) {
    const v = rng() < 0.5 ? -1 : 1;
    let t: Tree;
    if (v === -1) {
      t = h.buildTree(minus, rMinus, logU, v, depth, eps, joint0);
      minus = t.minus;
      rMinus = t.rMinus;
    } else {
      t = h.buildTree(plus, rPlus, logU, v, depth, eps, joint0);
      plus = t.plus;
      rPlus = t.rPlus;
    }
    if (t.ok && t.n > 0 && rng() < Math.min(1, t.n / n)) proposal = t.proposal;
    n += t.n;
    alpha = t.alpha;
    nAlpha = t.nAlpha;
    if (t.divergent) divergent = true;
    ok = t.ok && h.noUTurn(minus, plus, rMinus, rPlus);
    depth++;
    if (depth >= maxDepth) break;
  }
  return { proposal, depth, ok, divergent, acceptStat: nAlpha > 0 ? alpha / nAlpha : 0 };
}

/** Lower Cholesky factor of a symmetric positive-definite matrix (row-major), or null. */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j]!;
    }
  }
  return L;
}
