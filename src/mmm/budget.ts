/**
 * The budget planner under the posterior. A plan spends B_c on channel c over the next N days in
 * the channel's own recent daily pattern (its flighting over the last N fitted days, scaled to
 * B_c; an even spread when it did not run then), which is also how the current plan is defined:
 * the recent allocation scaled to the total. In one posterior draw the plan's incremental KPI is
 *
 *   Σ_t β_c·[h_c(A0_t + B_c·A1_t) − h_c(A0_t)]   over the N days and up to six weeks of carry-over,
 *
 * where A0 is the adstock of the spend before the period (the same under every plan) and A1 the
 * adstock of the unit pattern: adstock is linear, so one pass per draw gives every budget. The
 * planner maximises the posterior mean of the sum under Σ B_c = total and per-channel bounds.
 *
 * Default bounds keep every channel between half and one and a half times its current budget
 * and, unless the total cannot be placed otherwise, within the spend the data covered: no
 * channel's busiest week may exceed the highest 7-day average spend it was fitted on, so the
 * plan never rests on the part of a curve only the prior drew.
 *
 * The objective is separable but not concave (Hill curves with shape > 1 are S-shaped), so the
 * optimum is found globally on a grid by dynamic programming over channels (O(channels × grid²))
 * and then polished continuously by moving budget between pairs of channels while that helps.
 * Each channel's value per draw is tabulated once on a fine grid and interpolated.
 * "Reach a target at least cost" bisects the total: the best value grows with the total.
 *
 * Which channel to test next: the expected value of partial perfect information of each
 * channel's ROI (Strong & Oakley's binning estimator): group the draws by that channel's ROI,
 * re-optimise within each group, and average what knowing the group would have gained.
 */
import { type Interval, type MmmFit, summarize } from './fit.ts';
import { drawSubset, observedSpend } from './report.ts';
import { adstock, hill } from './transforms.ts';

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

/** Values per budget are tabulated on this many points from 0 to a channel's largest useful budget. */
const TABLE_POINTS = 81;
/** Posterior draws the planner uses (every k-th of the fit's). */
const PLAN_DRAWS = 200;
/** Days of carry-over counted after the period (geometric decay ≤ 0.9 leaves < 1.5% after six weeks). */
const MAX_TAIL_DAYS = 42;

/**
 * One channel's incremental KPI over a plan's period as a function of its budget, per posterior
 * draw (draws of `drawSubset`, in that order).
 */
export class PlanResponse {
  /** Daily pattern over the period (sums to 1). */
  readonly pattern: Float64Array;
  /** Budget at which the plan's busiest week reaches the highest 7-day average spend the data covered. */
  readonly cap: number;
  /** Highest 7-day average daily spend per unit of budget. */
  readonly peakWeekShare: number;
  private readonly a0: Float64Array;
  private readonly a1: Float64Array;
  private readonly span: number;
  private table: Float64Array | null = null;
  private tableMax = 0;

  constructor(
    private readonly fit: MmmFit,
    private readonly c: number,
    days: number,
    private readonly draws: number[],
  ) {
    const ch = fit.data.channels[c]!;
    const cd = fit.channels[c]!;
    const W = fit.data.warmup;
    const T = fit.data.days;
    const N = days;
    const tail = Math.min(N, MAX_TAIL_DAYS) + ch.delay;
    this.span = N + tail;
    const pattern = new Float64Array(N);
    let recent = 0;
    if (N <= T) for (let t = T - N; t < T; t++) recent += ch.spend[W + t]!;
    if (recent > 0) for (let t = 0; t < N; t++) pattern[t] = ch.spend[W + T - N + t]! / recent;
    else pattern.fill(1 / N);
    this.pattern = pattern;
    const w = Math.min(7, N);
    let peak = 0;
    for (let t = 0; t + w <= N; t++) {
      let s = 0;
      for (let k = 0; k < w; k++) s += pattern[t + k]!;
      peak = Math.max(peak, s / w);
    }
    this.peakWeekShare = peak;
    const observed = observedSpend(fit, c);
    this.cap = peak > 0 && observed.max > 0 ? observed.max / peak : Infinity;

    // History then the period and its carry-over: x0 = fitted spend then zeros, x1 = the unit pattern (model units).
    const x0 = new Float64Array(W + T + this.span);
    x0.set(ch.spend.subarray(0, W + T));
    const x1 = new Float64Array(this.span);
    for (let t = 0; t < N; t++) x1[t] = pattern[t]! / ch.spendScale;
    const A0 = new Float64Array(x0.length);
    const A1 = new Float64Array(this.span);
    this.a0 = new Float64Array(draws.length * this.span);
    this.a1 = new Float64Array(draws.length * this.span);
    draws.forEach((k, i) => {
      adstock(x0, cd.decay[k]!, ch.delay, A0);
      adstock(x1, cd.decay[k]!, ch.delay, A1);
      this.a0.set(A0.subarray(W + T), i * this.span);
      this.a1.set(A1, i * this.span);
    });
  }

  /** Incremental KPI of draw i (index into the subset) at a budget, computed directly. */
  exact(i: number, budget: number): number {
    const cd = this.fit.channels[this.c]!;
    const k = this.draws[i]!;
    const K = cd.halfSat[k]!;
    const s = cd.shape[k]!;
    const off = i * this.span;
    let v = 0;
    for (let t = 0; t < this.span; t++) {
      const a0 = this.a0[off + t]!;
      v += hill(a0 + budget * this.a1[off + t]!, K, s) - hill(a0, K, s);
    }
    return cd.beta[k]! * v;
  }

  /** Tabulates every draw's value on [0, max]; budgets past it are computed directly. */
  tabulate(max: number): void {
    if (this.table && this.tableMax >= max) return;
    const G = TABLE_POINTS;
    const n = this.draws.length;
    const table = new Float64Array(n * G);
    for (let i = 0; i < n; i++) for (let g = 0; g < G; g++) table[i * G + g] = this.exact(i, (max * g) / (G - 1));
    this.table = table;
    this.tableMax = max;
  }

  /** Incremental KPI of draw i at a budget (interpolated inside the table). */
  value(i: number, budget: number): number {
    const table = this.table;
    if (!table || !(budget <= this.tableMax) || !(this.tableMax > 0)) return this.exact(i, budget);
    const G = TABLE_POINTS;
    const pos = (budget / this.tableMax) * (G - 1);
    const g = Math.min(G - 2, Math.floor(pos));
    const f = pos - g;
    return table[i * G + g]! * (1 - f) + table[i * G + g + 1]! * f;
  }

  /** Posterior mean over a set of draws (indices into the subset) as a function of the budget. */
  mean(indices: number[]): (budget: number) => number {
    return (budget) => {
      let s = 0;
      for (const i of indices) s += this.value(i, budget);
      return s / indices.length;
    };
  }
}

export function planBudget(fit: MmmFit, request: BudgetRequest): BudgetPlan {
  const N = request.days;
  if (!(N >= 1)) throw new BudgetError('days must be at least 1');
  const subset = drawSubset(fit);
  const step = Math.max(1, Math.ceil(subset.length / PLAN_DRAWS));
  const draws = subset.filter((_, i) => i % step === 0);
  const all = draws.map((_, i) => i);
  const C = fit.channels.length;
  const shares = currentShares(fit, N);
  const responses = fit.channels.map((_, c) => new PlanResponse(fit, c, N, draws));
  const notes: string[] = [
    `Each plan keeps every channel's daily pattern of the last ${N} days (its flighting), scaled to its budget; carry-over from earlier spend is the same under every plan and not counted, carry-over past the period is.`,
  ];

  // A channel whose ROI the data hardly inform (its posterior is mostly its prior) keeps its current
  // budget (within the user's bounds): moving money on a prior is a bet, not a finding; it is the
  // channel to test instead.
  const priorBound = new Set(fit.priors.filter((p) => p.weight > PRIOR_DOMINATED).map((p) => p.channel));
  const userBounds = (name: string) =>
    request.bounds?.[name] ?? Object.entries(request.bounds ?? {}).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  /** Bounds at a total, and whether the default upper bounds had to leave the observed spend range to place it. */
  const boundsFor = (total: number): { bounds: Bounds[]; beyondObserved: boolean } => {
    const make = (withinObserved: boolean): Bounds[] =>
      fit.channels.map((cd, c) => {
        const current = shares[c]! * total;
        const b = userBounds(cd.name);
        if (priorBound.has(cd.name)) {
          const held = Math.min(Math.max(current, b?.min ?? -Infinity), b?.max ?? Infinity);
          return { min: held, max: held };
        }
        const min = b?.min ?? 0.5 * current;
        const upper = withinObserved ? Math.min(1.5 * current, responses[c]!.cap) : 1.5 * current;
        const max = b?.max ?? Math.max(upper, min);
        return { min, max };
      });
    const within = make(true);
    if (within.reduce((s, b) => s + b.max, 0) >= total - 1e-9) return { bounds: within, beyondObserved: false };
    return { bounds: make(false), beyondObserved: true };
  };
  for (const name of priorBound) {
    notes.push(
      `${name}: its ROI is mostly the prior (prior weight > ${PRIOR_DOMINATED}), so its budget stays at the current level; a lift test would tell.`,
    );
  }
  const valueFns = responses.map((r) => r.mean(all));
  const bestAt = (total: number) => {
    const { bounds, beyondObserved } = boundsFor(total);
    responses.forEach((r, c) => r.tabulate(Math.max(bounds[c]!.max, shares[c]! * total)));
    const alloc = optimizeAllocation(valueFns, bounds, total);
    return { alloc, bounds, beyondObserved, value: alloc.reduce((s, B, c) => s + valueFns[c]!(B), 0) };
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

  const { alloc, bounds, beyondObserved } = bestAt(total);
  if (beyondObserved)
    notes.push('The total is more than the channels can take within the spend the data covered: some upper bounds are past it.');
  const current = shares.map((s) => s * total);
  const sumDraws = (plan: number[]) => {
    const out = new Float64Array(draws.length);
    plan.forEach((B, c) => {
      for (let i = 0; i < draws.length; i++) out[i]! += responses[c]!.value(i, B);
    });
    return out;
  };
  const cur = sumDraws(current);
  const rec = sumDraws(alloc);
  const gain = rec.map((v, i) => v - cur[i]!);

  const allocation = fit.channels.map((cd, c) => {
    const observed = observedSpend(fit, c);
    const recommendedDaily = alloc[c]! / N;
    const extrapolated = alloc[c]! * responses[c]!.peakWeekShare > observed.max * (1 + 1e-9);
    if (extrapolated)
      notes.push(
        `${cd.name}: the recommended plan's busiest week averages ${round(alloc[c]! * responses[c]!.peakWeekShare)}/day, above the highest the data covered (${round(observed.max)}); its effect there is extrapolated.`,
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
    const order = all.map((i) => ({ i, r: cd.roi[draws[i]!]! })).sort((a, b) => a.r - b.r);
    const bins = 4;
    let gainSum = 0;
    for (let b = 0; b < bins; b++) {
      const part = order.slice(Math.floor((b * order.length) / bins), Math.floor(((b + 1) * order.length) / bins));
      const idx = part.map((p) => p.i);
      const fns = responses.map((r) => r.mean(idx));
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
