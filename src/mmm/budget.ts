/**
 * The budget planner under the posterior. A plan spends B_c on channel c evenly over N future
 * days; its incremental KPI in one posterior draw is Σ_c N·β_c·h_c(B_c/N) (steady-state
 * adstock: a constant daily spend b has adstock b), and the planner maximises the posterior
 * mean of that sum under Σ B_c = total and per-channel bounds.
 *
 * The objective is separable but not concave (Hill curves with shape > 1 are S-shaped), so the
 * optimum is found globally on a grid by dynamic programming over channels (O(channels × grid²))
 * and then polished continuously by moving budget between pairs of channels while that helps.
 * "Reach a target at least cost" bisects the total: the best value grows with the total.
 *
 * Which channel to test next: the expected value of partial perfect information of each
 * channel's ROI (Strong & Oakley's binning estimator): group the draws by that channel's ROI,
 * re-optimise within each group, and average what knowing the group would have gained.
 */
import { type Interval, type MmmFit, summarize } from './fit.ts';
import { dailyResponse, drawSubset, observedSpend } from './report.ts';

export interface Bounds {
  min: number;
  max: number;
}

/** Maximises Σ_c value_c(B_c) with Σ B_c = total and min_c ≤ B_c ≤ max_c. */
export function optimizeAllocation(value: Array<(budget: number) => number>, bounds: Bounds[], total: number, grid = 200): number[] {
  const C = value.length;
  const minSum = bounds.reduce((s, b) => s + b.min, 0);
  const maxSum = bounds.reduce((s, b) => s + b.max, 0);
  if (total < minSum - 1e-9 || total > maxSum + 1e-9)
    throw new BudgetError(`total ${round(total)} is outside what the bounds allow (${round(minSum)}..${round(maxSum)})`);
  const free = total - minSum;
  const unit = free / grid;
  const alloc = bounds.map((b) => b.min);
  if (free > 0) {
    // DP over channels: best[k] = best value using `k` units on the channels so far.
    const caps = bounds.map((b) => Math.min(grid, Math.floor((b.max - b.min) / unit + 1e-9)));
    const vals = value.map((f, c) => Float64Array.from({ length: caps[c]! + 1 }, (_, k) => f(bounds[c]!.min + k * unit)));
    let best = new Float64Array(grid + 1).fill(-Infinity);
    best[0] = 0;
    const choice: Int32Array[] = [];
    for (let c = 0; c < C; c++) {
      const next = new Float64Array(grid + 1).fill(-Infinity);
      const pick = new Int32Array(grid + 1).fill(-1);
      const v = vals[c]!;
      for (let k = 0; k <= grid; k++) {
        if (best[k] === -Infinity) continue;
        for (let j = 0; j <= caps[c]! && k + j <= grid; j++) {
          const s = best[k]! + v[j]!;
          if (s > next[k + j]!) {
            next[k + j] = s;
            pick[k + j] = j;
          }
        }
      }
      choice.push(pick);
      best = next;
    }
    // The grid may not reach `grid` exactly when caps bind: take the largest feasible total.
    let k = grid;
    while (k > 0 && best[k] === -Infinity) k--;
    for (let c = C - 1; c >= 0; c--) {
      const j = choice[c]![k]!;
      alloc[c] = bounds[c]!.min + j * unit;
      k -= j;
    }
    // Whatever the grid left over goes to channels with room, then a continuous polish.
    let rest = total - alloc.reduce((a, b) => a + b, 0);
    for (let c = 0; c < C && rest > 1e-9; c++) {
      const add = Math.min(rest, bounds[c]!.max - alloc[c]!);
      alloc[c]! += add;
      rest -= add;
    }
    polish(value, bounds, alloc, unit);
  }
  return alloc;
}

/** Pairwise transfers of a shrinking step while one improves the total. */
function polish(value: Array<(b: number) => number>, bounds: Bounds[], alloc: number[], start: number): void {
  const C = alloc.length;
  let step = start;
  const cur = alloc.map((b, c) => value[c]!(b));
  for (let round = 0; round < 60 && step > 1e-9 * Math.max(1, start); round++) {
    let improved = false;
    for (let i = 0; i < C; i++)
      for (let j = 0; j < C; j++) {
        if (i === j) continue;
        const d = Math.min(step, alloc[i]! - bounds[i]!.min, bounds[j]!.max - alloc[j]!);
        if (!(d > 0)) continue;
        const vi = value[i]!(alloc[i]! - d);
        const vj = value[j]!(alloc[j]! + d);
        if (vi + vj > cur[i]! + cur[j]! + 1e-12 * Math.abs(cur[i]! + cur[j]!)) {
          alloc[i]! -= d;
          alloc[j]! += d;
          cur[i] = vi;
          cur[j] = vj;
          improved = true;
        }
      }
    if (!improved) step /= 2;
  }
}

export class BudgetError extends Error {}

/** Prior weight (posterior ÷ prior variance of ROI) above which a channel's budget is held. */
export const PRIOR_DOMINATED = 0.8;
const round = (x: number) => Math.round(x * 100) / 100;

export interface BudgetRequest {
  /** Budget over the period; omit with `target`. */
  total?: number;
  /** Incremental KPI to reach at least cost (instead of a total). */
  target?: number;
  days: number;
  /** Per-channel bounds on the period's spend; default 50%..150% of the current plan. */
  bounds?: Record<string, { min?: number; max?: number }>;
  interval: number;
}

export interface BudgetPlan {
  allocation: Array<{
    channel: string;
    current: number;
    recommended: number;
    currentDaily: number;
    recommendedDaily: number;
    observedMaxDaily: number;
    extrapolated: boolean;
  }>;
  expected: { current: Interval; recommended: Interval; gain: Interval };
  total: number;
  days: number;
  /** The channel whose ROI uncertainty costs most, and every channel's expected value of knowing its ROI. */
  testNext: { channel: string; valueOfInformation: number } | null;
  valueOfInformation: Array<{ channel: string; value: number }>;
  notes: string[];
}

/** Current plan: the shares of the last `days` fitted days (at most the fitted range), scaled to the total. */
export function currentShares(fit: MmmFit, days: number): number[] {
  const W = fit.data.warmup;
  const T = fit.data.days;
  const n = Math.min(days, T);
  const sums = fit.data.channels.map((ch) => {
    let s = 0;
    for (let t = T - n; t < T; t++) s += ch.spend[W + t]! * ch.spendScale;
    return s;
  });
  const total = sums.reduce((a, b) => a + b, 0);
  return total > 0 ? sums.map((s) => s / total) : sums.map(() => 1 / sums.length);
}

export function planBudget(fit: MmmFit, request: BudgetRequest): BudgetPlan {
  const N = request.days;
  const draws = drawSubset(fit);
  const C = fit.channels.length;
  const shares = currentShares(fit, N);
  const notes: string[] = ['Steady state: each plan spends evenly over the period; carry-over from spend before it is not counted.'];

  // Per-draw period KPI of channel c at budget B.
  const perDraw = (c: number, B: number) => draws.map((k) => N * dailyResponse(fit, c, k, B / N));
  const expectedValue = (c: number, ks: number[]) => (B: number) => {
    let s = 0;
    for (const k of ks) s += dailyResponse(fit, c, k, B / N);
    return (N * s) / ks.length;
  };
  // A channel whose ROI the data hardly inform (its posterior is mostly its prior) keeps its current
  // budget (within the user's bounds): moving money on a prior is a bet, not a finding; it is the
  // channel to test instead.
  const priorBound = new Set(fit.priors.filter((p) => p.weight > PRIOR_DOMINATED).map((p) => p.channel));
  const boundsFor = (total: number): Bounds[] =>
    fit.channels.map((cd, c) => {
      const current = shares[c]! * total;
      const b =
        request.bounds?.[cd.name] ?? Object.entries(request.bounds ?? {}).find(([k]) => k.toLowerCase() === cd.name.toLowerCase())?.[1];
      if (priorBound.has(cd.name)) {
        const held = Math.min(Math.max(current, b?.min ?? -Infinity), b?.max ?? Infinity);
        return { min: held, max: held };
      }
      const min = b?.min ?? 0.5 * current;
      const max = b?.max ?? Math.max(1.5 * current, min);
      return { min, max };
    });
  for (const name of priorBound) {
    notes.push(
      `${name}: its ROI is mostly the prior (prior weight > ${PRIOR_DOMINATED}), so its budget stays at the current level; a lift test would tell.`,
    );
  }
  const valueFns = fit.channels.map((_, c) => expectedValue(c, draws));
  const bestAt = (total: number) => {
    const bounds = boundsFor(total);
    const alloc = optimizeAllocation(valueFns, bounds, total);
    return { alloc, bounds, value: alloc.reduce((s, B, c) => s + valueFns[c]!(B), 0) };
  };

  let total: number;
  if (request.total !== undefined) total = request.total;
  else if (request.target !== undefined) {
    const target = request.target;
    let lo = 0;
    let hi = Math.max(1, fit.channels.reduce((s, cd) => s + cd.spendTotal, 0) * (N / fit.data.days));
    for (let i = 0; i < 40 && bestAt(hi).value < target; i++) hi *= 2;
    if (bestAt(hi).value < target) throw new BudgetError(`no budget reaches an expected ${round(target)} within the bounds`);
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2;
      if (bestAt(mid).value >= target) hi = mid;
      else lo = mid;
    }
    total = hi;
    notes.push(`Least total that reaches an expected incremental ${round(target)}: ${round(total)}.`);
  } else throw new BudgetError('total: give a total budget or a target');
  if (!(total > 0)) throw new BudgetError('total must be positive');

  const { alloc, bounds } = bestAt(total);
  const current = shares.map((s) => s * total);
  const sumDraws = (plan: number[]) => {
    const out = new Float64Array(draws.length);
    plan.forEach((B, c) => perDraw(c, B).forEach((v, i) => (out[i]! += v)));
    return out;
  };
  const cur = sumDraws(current);
  const rec = sumDraws(alloc);
  const gain = rec.map((v, i) => v - cur[i]!);

  const allocation = fit.channels.map((cd, c) => {
    const observed = observedSpend(fit, c);
    const recommendedDaily = alloc[c]! / N;
    const extrapolated = recommendedDaily > observed.max * (1 + 1e-9);
    if (extrapolated)
      notes.push(
        `${cd.name}: the recommended ${round(recommendedDaily)}/day is above the highest daily spend the data covered (${round(observed.max)}); its effect there is extrapolated.`,
      );
    return {
      channel: cd.name,
      current: current[c]!,
      recommended: alloc[c]!,
      currentDaily: current[c]! / N,
      recommendedDaily,
      observedMaxDaily: observed.max,
      extrapolated,
    };
  });

  // EVPPI per channel by binning the draws on its ROI.
  const voi = fit.channels.map((cd, c) => {
    const order = draws.map((k, i) => ({ k, i, r: cd.roi[k]! })).sort((a, b) => a.r - b.r);
    const bins = 4;
    let gainSum = 0;
    for (let b = 0; b < bins; b++) {
      const part = order.slice(Math.floor((b * order.length) / bins), Math.floor(((b + 1) * order.length) / bins));
      const ks = part.map((p) => p.k);
      const fns = fit.channels.map((_, j) => expectedValue(j, ks));
      const best = optimizeAllocation(fns, bounds, total, 80);
      const vBest = best.reduce((s, B, j) => s + fns[j]!(B), 0);
      const vRec = alloc.reduce((s, B, j) => s + fns[j]!(B), 0);
      gainSum += Math.max(0, vBest - vRec) * (part.length / order.length);
    }
    return { channel: cd.name, value: gainSum };
  });
  const top = [...voi].sort((a, b) => b.value - a.value)[0];
  return {
    allocation,
    expected: {
      current: summarize(cur, request.interval),
      recommended: summarize(rec, request.interval),
      gain: summarize(gain, request.interval),
    },
    total,
    days: N,
    testNext: top && C > 0 ? { channel: top.channel, valueOfInformation: top.value } : null,
    valueOfInformation: voi,
    notes,
  };
}
