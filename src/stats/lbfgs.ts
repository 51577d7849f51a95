/**
 * L-BFGS maximisation of a smooth function with a backtracking (Armijo) line search: the MAP
 * start of samplers and small fits. Non-finite values are treated as "step too long".
 */
export type ValueAndGradient = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

export function maximizeLbfgs(
  f: ValueAndGradient,
  start: Float64Array,
  options: { maxIterations?: number; memory?: number; tolerance?: number } = {},
): LbfgsResult {
  const d = start.length;
  const maxIt = options.maxIterations ?? 500;
  const mem = options.memory ?? 8;
  const tol = options.tolerance ?? 1e-7;
  let x = Float64Array.from(start);
  let g = new Float64Array(d);
  // Work on −f (minimisation).
  let fx = -f(x, g);
  for (let i = 0; i < d; i++) g[i] = -g[i]!;
  if (!Number.isFinite(fx)) throw new Error('L-BFGS: the start has a non-finite value');
  const history: CurvatureHistory = { S: [], Y: [], rhos: [] };
  let it = 0;
  let converged = false;
  for (; it < maxIt; it++) {
    const dir = searchDirection(g, history);
    let slope = 0;
    for (let i = 0; i < d; i++) slope += g[i]! * dir[i]!;
    if (slope >= 0) {
      // Not a descent direction: fall back to steepest descent and forget the history.
      for (let i = 0; i < d; i++) dir[i] = -g[i]!;
      slope = -g.reduce((s, v) => s + v * v, 0);
      history.S.length = 0;
      history.Y.length = 0;
      history.rhos.length = 0;
    }
    const { xNew, gNew, fNew } = backtrackingStep(f, x, dir, fx, slope);
    if (!Number.isFinite(fNew) || fNew > fx) break;
    for (let i = 0; i < d; i++) gNew[i] = -gNew[i]!;
    const s = new Float64Array(d);
    const y = new Float64Array(d);
    let sy = 0;
    for (let i = 0; i < d; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
      sy += s[i]! * y[i]!;
    }
    const change = fx - fNew;
    x = Float64Array.from(xNew);
    g = Float64Array.from(gNew);
    fx = fNew;
    if (sy > 1e-12) remember(history, s, y, 1 / sy, mem);
    let gMax = 0;
    for (let i = 0; i < d; i++) gMax = Math.max(gMax, Math.abs(g[i]!));
    if (gMax < tol * Math.max(1, Math.abs(fx)) || change < tol * 1e-3 * Math.max(1, Math.abs(fx))) {
      converged = true;
      it++;
      break;
    }
  }
  return { x, value: -fx, iterations: it, converged };
}

/** The last `memory` steps s, gradient changes y and 1 / (s·y): the implicit inverse Hessian. */
interface CurvatureHistory {
  S: Float64Array[];
  Y: Float64Array[];
  rhos: number[];
}

function remember(h: CurvatureHistory, s: Float64Array, y: Float64Array, rho: number, memory: number): void {
  h.S.push(s);
  h.Y.push(y);
  h.rhos.push(rho);
  if (h.S.length > memory) {
    h.S.shift();
    h.Y.shift();
    h.rhos.shift();
  }
}

/** Two-loop recursion: direction = −H·g, H scaled by the last curvature pair (or the gradient's size at the start). */
function searchDirection(g: Float64Array, { S, Y, rhos }: CurvatureHistory): Float64Array {
  const d = g.length;
  const q = Float64Array.from(g);
  const alphas: number[] = [];
  for (let k = S.length - 1; k >= 0; k--) {
    let a = 0;
    for (let i = 0; i < d; i++) a += S[k]![i]! * q[i]!;
    a *= rhos[k]!;
    alphas[k] = a;
    for (let i = 0; i < d; i++) q[i]! -= a * Y[k]![i]!;
  }
  let gammaScale = 1;
  if (S.length > 0) {
    const k = S.length - 1;
    let sy = 0,
      yy = 0;
    for (let i = 0; i < d; i++) {
      sy += S[k]![i]! * Y[k]![i]!;
      yy += Y[k]![i]! * Y[k]![i]!;
    }
    gammaScale = sy / yy;
  } else {
    let gn = 0;
    for (let i = 0; i < d; i++) gn += g[i]! * g[i]!;
    gammaScale = 1 / Math.max(1, Math.sqrt(gn));
  }
  for (let i = 0; i < d; i++) q[i]! *= gammaScale;
  for (let k = 0; k < S.length; k++) {
    let b = 0;
    for (let i = 0; i < d; i++) b += Y[k]![i]! * q[i]!;
    b *= rhos[k]!;
    for (let i = 0; i < d; i++) q[i]! += S[k]![i]! * (alphas[k]! - b);
  }
  return q.map((v) => -v);
}

/** Backtracking (Armijo) line search on −f from x along dir: halve the step until the decrease is sufficient (at most 50 times). */
function backtrackingStep(
  f: ValueAndGradient,
  x: Float64Array,
  dir: Float64Array,
  fx: number,
  slope: number,
): { xNew: Float64Array; gNew: Float64Array; fNew: number } {
  const d = x.length;
  let step = 1;
  const xNew = new Float64Array(d);
  const gNew = new Float64Array(d);
  let fNew = Infinity;
  for (let ls = 0; ls < 50; ls++) {
    for (let i = 0; i < d; i++) xNew[i] = x[i]! + step * dir[i]!;
    fNew = -f(xNew, gNew);
    if (Number.isFinite(fNew) && fNew <= fx + 1e-4 * step * slope) break;
    step *= 0.5;
  }
  return { xNew, gNew, fNew };
}
