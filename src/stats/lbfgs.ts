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
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rhos: number[] = [];
  let it = 0;
  let converged = false;
  for (; it < maxIt; it++) {
    // Two-loop recursion: direction = −H·g.
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
    const dir = q.map((v) => -v);
    let slope = 0;
    for (let i = 0; i < d; i++) slope += g[i]! * dir[i]!;
    if (slope >= 0) {
      // Not a descent direction: fall back to steepest descent and forget the history.
      for (let i = 0; i < d; i++) dir[i] = -g[i]!;
      slope = -g.reduce((s, v) => s + v * v, 0);
      S.length = 0;
      Y.length = 0;
      rhos.length = 0;
    }
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
    if (sy > 1e-12) {
      S.push(s);
      Y.push(y);
      rhos.push(1 / sy);
      if (S.length > mem) {
        S.shift();
        Y.shift();
        rhos.shift();
      }
    }
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
