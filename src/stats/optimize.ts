import { invert } from './linear-algebra.ts';

/**
 * Derivative-free minimisation for small maximum-likelihood fits (the customer models'
 * 3–4 parameters): Nelder–Mead with the standard coefficients (Lagarias et al. 1998), restarted
 * from its own optimum until a restart no longer improves, which guards against the simplex
 * collapsing early on the long curved valleys these likelihoods have in log-parameter space.
 */

export interface MinimizeResult {
  x: number[];
  value: number;
  iterations: number;
  restarts: number;
  converged: boolean;
}

export interface MinimizeOptions {
  /** Initial simplex step per coordinate. */
  step?: number;
  /** Stop when the simplex values and points both differ by less than these. */
  fTol?: number;
  xTol?: number;
  maxIterations?: number;
  maxRestarts?: number;
}

function nelderMead(f: (x: number[]) => number, x0: number[], step: number, fTol: number, xTol: number, maxIterations: number) {
  const n = x0.length;
  const value = (x: number[]) => {
    const v = f(x);
    // A parameter region where the likelihood is undefined counts as infinitely bad.
    return Number.isFinite(v) ? v : Infinity;
  };
  let simplex = [x0.slice(), ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + step : v)))];
  let values = simplex.map(value);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
    simplex = order.map((i) => simplex[i]!);
    values = order.map((i) => values[i]!);
    const spreadF = Math.abs(values[n]! - values[0]!);
    let spreadX = 0;
    for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) spreadX = Math.max(spreadX, Math.abs(simplex[i]![j]! - simplex[0]![j]!));
    if (spreadF <= fTol && spreadX <= xTol) {
      converged = true;
      break;
    }
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j]! += simplex[i]![j]! / n;
    const worst = simplex[n]!;
    const along = (t: number) => centroid.map((c, j) => c + t * (c - worst[j]!));
    const reflected = along(1);
    const fr = value(reflected);
    if (fr < values[0]!) {
      const expanded = along(2);
      const fe = value(expanded);
      if (fe < fr) [simplex[n], values[n]] = [expanded, fe];
      else [simplex[n], values[n]] = [reflected, fr];
      continue;
    }
    if (fr < values[n - 1]!) {
      [simplex[n], values[n]] = [reflected, fr];
      continue;
    }
    const contracted = fr < values[n]! ? along(0.5) : along(-0.5);
    const fc = value(contracted);
    if (fc < Math.min(fr, values[n]!)) {
      [simplex[n], values[n]] = [contracted, fc];
      continue;
    }
    for (let i = 1; i <= n; i++) {
      simplex[i] = simplex[i]!.map((v, j) => simplex[0]![j]! + 0.5 * (v - simplex[0]![j]!));
      values[i] = value(simplex[i]!);
    }
  }
  const best = values.indexOf(Math.min(...values));
  return { x: simplex[best]!, value: values[best]!, iterations, converged };
}

/** Minimises f from x0; restarts a fresh simplex at the optimum until the value stops improving. */
export function minimize(f: (x: number[]) => number, x0: number[], options: MinimizeOptions = {}): MinimizeResult {
  const { step = 0.5, fTol = 1e-10, xTol = 1e-7, maxIterations = 4000, maxRestarts = 10 } = options;
  let best = nelderMead(f, x0, step, fTol, xTol, maxIterations);
  let iterations = best.iterations;
  let restarts = 0;
  let settled = false;
  while (restarts < maxRestarts) {
    const next = nelderMead(f, best.x, step / 5, fTol, xTol, maxIterations);
    iterations += next.iterations;
    restarts++;
    const improved = best.value - next.value;
    if (next.value <= best.value) best = next;
    // Converged when a fresh simplex cannot improve the value any more. On a flat ridge (a
    // parameter drifting to infinity at a constant likelihood) the points never settle, but the
    // value does: that still counts, the parameter just sits somewhere on the ridge.
    if (!(improved > 1e-9 * (1 + Math.abs(best.value)))) {
      settled = true;
      break;
    }
  }
  return { x: best.x, value: best.value, iterations, restarts, converged: settled && Number.isFinite(best.value) };
}

/**
 * Standard errors from the observed information: the inverse of the finite-difference Hessian of
 * the negative log-likelihood `f` at its minimum x (central differences, step h per coordinate).
 * NaN where the Hessian is not positive definite.
 */
export function standardErrors(f: (x: number[]) => number, x: number[], h = 1e-4): number[] {
  const n = x.length;
  const at = (d: Record<number, number>) => f(x.map((v, i) => v + (d[i] ?? 0)));
  const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const f0 = f(x);
  for (let i = 0; i < n; i++) {
    H[i]![i] = (at({ [i]: h }) - 2 * f0 + at({ [i]: -h })) / (h * h);
    for (let j = i + 1; j < n; j++) {
      const v = (at({ [i]: h, [j]: h }) - at({ [i]: h, [j]: -h }) - at({ [i]: -h, [j]: h }) + at({ [i]: -h, [j]: -h })) / (4 * h * h);
      H[i]![j] = v;
      H[j]![i] = v;
    }
  }
  const inv = invert(H);
  return inv ? inv.map((row, i) => (row[i]! > 0 ? Math.sqrt(row[i]!) : NaN)) : new Array<number>(n).fill(NaN);
}
