/**
 * Uplift learners on per-person rows (covariates x, arm, binary outcome y):
 * - T-learner: one logistic outcome model per arm; τ(x) = μ1(x) − μ0(x).
 * - X-learner (Künzel et al. 2019): imputed effects D1 = y − μ0(x) on the treated and
 *   D0 = μ1(x) − y on the controls, each regressed on x; τ = e·τ0 + (1 − e)·τ1 with e the
 *   share treated.
 * - DR-learner (Kennedy 2020): the doubly robust pseudo-outcome
 *   φ = μ1 − μ0 + T(y − μ1)/e − (1 − T)(y − μ0)/(1 − e), regressed on x, with two-fold cross-fitting.
 *   Justified here because the experiment is randomized: e is known by design, so φ is unbiased
 *   for τ(x) even where the outcome models are wrong, and cross-fitting keeps their overfitting out.
 * Second stages are ridge regressions (linear in x), so effects by segment (indicators) are exact.
 */
import { invertSpd, matVec } from '../stats/linear-algebra.ts';
import { fitLogistic, predictLogistic } from '../predictions/logistic.ts';
import type { LinearModel } from '../predictions/propensity-features.ts';

export type Learner = 't' | 'x' | 'dr';

export interface RidgeModel {
  intercept: number;
  weights: number[];
}

export function fitRidge(x: number[][], y: number[], lambda = 1): RidgeModel {
  const p = x[0]?.length ?? 0;
  const xtx: number[][] = Array.from({ length: p + 1 }, () => new Array<number>(p + 1).fill(0));
  const xty = new Array<number>(p + 1).fill(0);
  for (let i = 0; i < x.length; i++) {
    const row = [1, ...x[i]!];
    for (let j = 0; j <= p; j++) {
      xty[j]! += row[j]! * y[i]!;
      for (let k = 0; k <= p; k++) xtx[j]![k]! += row[j]! * row[k]!;
    }
  }
  for (let j = 1; j <= p; j++) xtx[j]![j]! += lambda;
  const beta = matVec(invertSpd(xtx), xty);
  return { intercept: beta[0]!, weights: beta.slice(1) };
}

export const predictRidge = (m: RidgeModel, x: number[]) => m.intercept + x.reduce((s, v, j) => s + v * m.weights[j]!, 0);

export interface ArmData {
  x: number[][];
  y: number[];
}

export interface UpliftModel {
  learner: Learner;
  predict(x: number[]): number;
  /** Outcome models of the control and treated arm (T-learner parts, also used by X and DR). */
  mu0: LinearModel;
  mu1: LinearModel;
}

function outcomeModel(arm: ArmData, names: string[]): LinearModel {
  return fitLogistic(arm.x, arm.y, names, { lambda: 1 });
}

export function fitUplift(learner: Learner, control: ArmData, treated: ArmData, names: string[]): UpliftModel {
  const mu0 = outcomeModel(control, names);
  const mu1 = outcomeModel(treated, names);
  if (learner === 't') return { learner, mu0, mu1, predict: (x) => predictLogistic(mu1, x) - predictLogistic(mu0, x) };
  const e = treated.y.length / (treated.y.length + control.y.length);
  if (learner === 'x') {
    const tau1 = fitRidge(
      treated.x,
      treated.y.map((y, i) => y - predictLogistic(mu0, treated.x[i]!)),
    );
    const tau0 = fitRidge(
      control.x,
      control.y.map((y, i) => predictLogistic(mu1, control.x[i]!) - y),
    );
    return { learner, mu0, mu1, predict: (x) => e * predictRidge(tau0, x) + (1 - e) * predictRidge(tau1, x) };
  }
  // DR with two folds: outcome models fitted on one half give the pseudo-outcomes of the other.
  const all = [
    ...control.x.map((x, i) => ({ x, y: control.y[i]!, t: 0, fold: i % 2 })),
    ...treated.x.map((x, i) => ({ x, y: treated.y[i]!, t: 1, fold: i % 2 })),
  ];
  const phiX: number[][] = [];
  const phi: number[] = [];
  for (const fold of [0, 1]) {
    const train = all.filter((r) => r.fold !== fold);
    const m0 = outcomeModel(
      { x: train.filter((r) => r.t === 0).map((r) => r.x), y: train.filter((r) => r.t === 0).map((r) => r.y) },
      names,
    );
    const m1 = outcomeModel(
      { x: train.filter((r) => r.t === 1).map((r) => r.x), y: train.filter((r) => r.t === 1).map((r) => r.y) },
      names,
    );
    for (const r of all.filter((r) => r.fold === fold)) {
      const p0 = predictLogistic(m0, r.x);
      const p1 = predictLogistic(m1, r.x);
      phiX.push(r.x);
      phi.push(p1 - p0 + (r.t ? (r.y - p1) / e : -(r.y - p0) / (1 - e)));
    }
  }
  const tau = fitRidge(phiX, phi);
  return { learner, mu0, mu1, predict: (x) => predictRidge(tau, x) };
}

export interface QiniResult {
  /** Area between the model's Qini curve and random targeting, per person (higher is better). */
  qini: number;
  /** Area under the uplift curve: mean over targeted fractions of (treated rate − control rate) among the targeted. */
  auuc: number;
  /** Incremental conversions when targeting the top 10%, 20% … 100% (Qini curve). */
  curve: Array<{ fraction: number; incremental: number; uplift: number }>;
}

/** Qini and AUUC of scores on a holdout of (arm, outcome) rows, from the highest score down. */
export function qini(scores: number[], treated: boolean[], y: number[], points = 20): QiniResult {
  const idx = scores.map((_s, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const n = idx.length;
  let nt = 0;
  let nc = 0;
  let yt = 0;
  let yc = 0;
  const curve: QiniResult['curve'] = [];
  let next = 1;
  for (let r = 0; r < n; r++) {
    const i = idx[r]!;
    if (treated[i]) {
      nt++;
      yt += y[i]!;
    } else {
      nc++;
      yc += y[i]!;
    }
    if (r + 1 >= Math.round((next * n) / points)) {
      curve.push({
        fraction: next / points,
        incremental: nc > 0 ? yt - (yc * nt) / nc : 0,
        uplift: nt > 0 && nc > 0 ? yt / nt - yc / nc : 0,
      });
      next++;
    }
  }
  const total = curve[curve.length - 1]?.incremental ?? 0;
  // Trapezoids from (0, 0); random targeting is the straight line to (1, total).
  let area = 0;
  let prev = { fraction: 0, incremental: 0 };
  for (const c of curve) {
    area += ((c.fraction - prev.fraction) * (c.incremental + prev.incremental)) / 2;
    prev = c;
  }
  return { qini: (area - total / 2) / (n || 1), auuc: curve.reduce((s, c) => s + c.uplift, 0) / (curve.length || 1), curve };
}

/**
 * How often scores with no information about who responds reach this holdout Qini: the scores
 * are shuffled among the holdout persons (arms and outcomes kept), `permutations` times, with the
 * seeded generator. A small p-value means the ranking carries real information about the effect;
 * a large one means any gain over random targeting on this holdout is within chance.
 */
export function qiniPermutationPValue(scores: number[], treated: boolean[], y: number[], rng: () => number, permutations = 199): number {
  const observed = qini(scores, treated, y).qini;
  const shuffled = scores.slice();
  let atLeast = 0;
  for (let b = 0; b < permutations; b++) {
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    if (qini(shuffled, treated, y).qini >= observed - 1e-12) atLeast++;
  }
  return (atLeast + 1) / (permutations + 1);
}
