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
  const dense = options.metric === 'dense';
  // Inverse metric Σ (diagonal, or full with its Cholesky factor L, Σ = L·Lᵀ).
  let invMass: Float64Array = new Float64Array(dense ? d * d : d);
  let chol: Float64Array = new Float64Array(d * d);
  const setIdentity = () => {
    invMass.fill(0);
    chol.fill(0);
    for (let i = 0; i < d; i++) {
      if (dense) {
        invMass[i * d + i] = 1;
        chol[i * d + i] = 1;
      } else invMass[i] = 1;
    }
  };
  setIdentity();
  /** out = Σ·r (the velocity). */
  const velocity = (r: Float64Array, out: Float64Array) => {
    if (!dense) {
      for (let i = 0; i < d; i++) out[i] = invMass[i]! * r[i]!;
      return;
    }
    for (let i = 0; i < d; i++) {
      let s = 0;
      const row = i * d;
      for (let j = 0; j < d; j++) s += invMass[row + j]! * r[j]!;
      out[i] = s;
    }
  };
  /** p ~ N(0, Σ⁻¹): p = L⁻ᵀ·z. */
  const drawMomentum = (): Float64Array => {
    const z = Float64Array.from({ length: d }, () => normal());
    if (!dense) {
      for (let i = 0; i < d; i++) z[i] = z[i]! / Math.sqrt(invMass[i]!);
      return z;
    }
    const p = new Float64Array(d);
    for (let i = d - 1; i >= 0; i--) {
      let s = z[i]!;
      for (let j = i + 1; j < d; j++) s -= chol[j * d + i]! * p[j]!;
      p[i] = s / chol[i * d + i]!;
    }
    return p;
  };
  const work = new Float64Array(d);
  let evals = 0;

  const evaluate = (theta: Float64Array): State => {
    const grad = new Float64Array(d);
    const logp = logDensity(theta, grad);
    evals++;
    return { theta, grad, logp: Number.isFinite(logp) ? logp : -Infinity };
  };
  const leapfrog = (s: State, r: Float64Array, eps: number): { state: State; r: Float64Array } => {
    const r1 = new Float64Array(d);
    const theta = new Float64Array(d);
    for (let i = 0; i < d; i++) r1[i] = r[i]! + 0.5 * eps * s.grad[i]!;
    velocity(r1, work);
    for (let i = 0; i < d; i++) theta[i] = s.theta[i]! + eps * work[i]!;
    const next = evaluate(theta);
    if (next.logp === -Infinity) return { state: next, r: r1 };
    for (let i = 0; i < d; i++) r1[i]! += 0.5 * eps * next.grad[i]!;
    return { state: next, r: r1 };
  };
  const kinetic = (r: Float64Array) => {
    velocity(r, work);
    let k = 0;
    for (let i = 0; i < d; i++) k += r[i]! * work[i]!;
    return 0.5 * k;
  };
  const vMinus = new Float64Array(d);
  const vPlus = new Float64Array(d);
  const noUTurn = (minus: State, plus: State, rMinus: Float64Array, rPlus: Float64Array) => {
    velocity(rMinus, vMinus);
    velocity(rPlus, vPlus);
    let a = 0;
    let b = 0;
    for (let i = 0; i < d; i++) {
      const dt = plus.theta[i]! - minus.theta[i]!;
      a += dt * vMinus[i]!;
      b += dt * vPlus[i]!;
    }
    return a >= 0 && b >= 0;
  };

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

  const buildTree = (s: State, r: Float64Array, logU: number, v: number, j: number, eps: number, joint0: number): Tree => {
    if (j === 0) {
      const { state, r: r1 } = leapfrog(s, r, v * eps);
      const joint = state.logp - kinetic(r1);
      const n = logU <= joint ? 1 : 0;
      const ok = logU < DELTA_MAX + joint;
      const alpha = Number.isFinite(joint) ? Math.min(1, Math.exp(joint - joint0)) : 0;
      return { minus: state, rMinus: r1, plus: state, rPlus: r1, proposal: state, n, ok, alpha, nAlpha: 1, divergent: !ok };
    }
    const t = buildTree(s, r, logU, v, j - 1, eps, joint0);
    if (!t.ok) return t;
    let t2: Tree;
    if (v === -1) {
      t2 = buildTree(t.minus, t.rMinus, logU, v, j - 1, eps, joint0);
      t.minus = t2.minus;
      t.rMinus = t2.rMinus;
    } else {
      t2 = buildTree(t.plus, t.rPlus, logU, v, j - 1, eps, joint0);
      t.plus = t2.plus;
      t.rPlus = t2.rPlus;
    }
    if (t2.n > 0 && rng() < t2.n / (t.n + t2.n)) t.proposal = t2.proposal;
    t.alpha += t2.alpha;
    t.nAlpha += t2.nAlpha;
    t.divergent = t2.divergent;
    t.ok = t2.ok && noUTurn(t.minus, t.plus, t.rMinus, t.rPlus);
    t.n += t2.n;
    return t;
  };

  let current = evaluate(Float64Array.from(start));
  if (current.logp === -Infinity) throw new Error('NUTS: the starting point has zero density');

  // Step size: Algorithm 4's heuristic, then dual averaging.
  const findReasonableEpsilon = (): number => {
    let eps = 0.1;
    const r = drawMomentum();
    const joint0 = current.logp - kinetic(r);
    let { state, r: r1 } = leapfrog(current, r, eps);
    let logRatio = state.logp - kinetic(r1) - joint0;
    const dir = Number.isFinite(logRatio) && logRatio > Math.log(0.5) ? 1 : -1;
    for (let k = 0; k < 60; k++) {
      if (!(Number.isFinite(logRatio) ? dir * logRatio > -dir * Math.log(2) : dir === 1 ? false : true)) break;
      eps = dir === 1 ? eps * 2 : eps / 2;
      ({ state, r: r1 } = leapfrog(current, r, eps));
      logRatio = state.logp - kinetic(r1) - joint0;
    }
    return eps;
  };

  let eps = findReasonableEpsilon();
  let mu = Math.log(10 * eps);
  let hBar = 0;
  let logEpsBar = 0;
  let m = 0;
  const gamma = 0.05;
  const t0 = 10;
  const kappa = 0.75;
  const restartAdaptation = () => {
    mu = Math.log(10 * eps);
    hBar = 0;
    logEpsBar = 0;
    m = 0;
  };

  // Stan's adaptation windows.
  const W = options.warmup;
  let initBuffer = 75;
  let termBuffer = 50;
  let baseWindow = 25;
  if (W < 150) {
    initBuffer = Math.floor(0.15 * W);
    termBuffer = Math.floor(0.1 * W);
    baseWindow = W - initBuffer - termBuffer;
  }
  const windowEnds: number[] = [];
  {
    let start = initBuffer;
    let size = baseWindow;
    const lastSlow = W - termBuffer;
    while (start < lastSlow) {
      let end = start + size;
      if (end + 2 * size > lastSlow) end = lastSlow;
      windowEnds.push(end);
      start = end;
      size *= 2;
    }
  }
  let wCount = 0;
  let wMean = new Float64Array(d);
  let wM2 = new Float64Array(dense ? d * d : d);

  const total = W + options.draws;
  const kept = Math.floor(options.draws / thin);
  const out = new Float64Array(kept * d);
  let keptCount = 0;
  let divergences = 0;
  let maxDepthHits = 0;
  let depthSum = 0;
  let acceptSum = 0;

  for (let iter = 0; iter < total; iter++) {
    const r0 = drawMomentum();
    const joint0 = current.logp - kinetic(r0);
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
        t = buildTree(minus, rMinus, logU, v, depth, eps, joint0);
        minus = t.minus;
        rMinus = t.rMinus;
      } else {
        t = buildTree(plus, rPlus, logU, v, depth, eps, joint0);
        plus = t.plus;
        rPlus = t.rPlus;
      }
      if (t.ok && t.n > 0 && rng() < Math.min(1, t.n / n)) proposal = t.proposal;
      n += t.n;
      alpha = t.alpha;
      nAlpha = t.nAlpha;
      if (t.divergent) divergent = true;
      ok = t.ok && noUTurn(minus, plus, rMinus, rPlus);
      depth++;
      if (depth >= maxDepth) break;
    }
    current = proposal;
    const acceptStat = nAlpha > 0 ? alpha / nAlpha : 0;

    if (iter < W) {
      m++;
      const eta = 1 / (m + t0);
      hBar = (1 - eta) * hBar + eta * (delta - acceptStat);
      const logEps = mu - (Math.sqrt(m) / gamma) * hBar;
      const w = Math.pow(m, -kappa);
      logEpsBar = w * logEps + (1 - w) * logEpsBar;
      eps = Math.exp(logEps);
      // Mass matrix: collect draws inside a slow window; at its end, set the metric and restart.
      if (iter >= initBuffer && iter < W - termBuffer) {
        wCount++;
        const x = current.theta;
        const before = Float64Array.from(wMean);
        for (let i = 0; i < d; i++) wMean[i]! += (x[i]! - wMean[i]!) / wCount;
        if (dense) {
          // Welford's update of the co-moment matrix.
          for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) wM2[i * d + j]! += (x[i]! - before[i]!) * (x[j]! - wMean[j]!);
        } else for (let i = 0; i < d; i++) wM2[i]! += (x[i]! - before[i]!) * (x[i]! - wMean[i]!);
        if (windowEnds.includes(iter + 1)) {
          // Stan's regularisation towards a small multiple of the identity.
          const shrink = wCount / (wCount + 5);
          const ridge = 1e-3 * (5 / (wCount + 5));
          if (dense) {
            const next = new Float64Array(d * d);
            for (let i = 0; i < d; i++)
              for (let j = 0; j < d; j++)
                next[i * d + j] = shrink * (wCount > 1 ? wM2[i * d + j]! / (wCount - 1) : i === j ? 1 : 0) + (i === j ? ridge : 0);
            const L = cholesky(next, d);
            if (L) {
              invMass = next;
              chol = L;
            }
          } else {
            for (let i = 0; i < d; i++) invMass[i] = shrink * (wCount > 1 ? wM2[i]! / (wCount - 1) : 1) + ridge;
          }
          wCount = 0;
          wMean = new Float64Array(d);
          wM2 = new Float64Array(dense ? d * d : d);
          eps = findReasonableEpsilon();
          restartAdaptation();
        }
      }
      if (iter === W - 1) eps = Math.exp(logEpsBar);
    } else {
      if (divergent) divergences++;
      if (depth >= maxDepth && ok) maxDepthHits++;
      depthSum += depth;
      acceptSum += acceptStat;
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
    inverseMass: invMass,
    divergences,
    maxDepthHits,
    meanTreeDepth: options.draws > 0 ? depthSum / options.draws : 0,
    meanAcceptance: options.draws > 0 ? acceptSum / options.draws : 0,
    gradientEvaluations: evals,
  };
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
