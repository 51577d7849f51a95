/**
 * Shapley value attribution.
 *
 * `shapleyValues` is the general routine for a cooperative game v over n players (bit masks):
 * exact enumeration of coalitions, φ_j = Σ_{S ∌ j} |S|!(n−|S|−1)!/n! · (v(S ∪ j) − v(S)), for
 * n ≤ 15; above that, Monte-Carlo sampling of player orderings with a seeded PRNG
 * (`permutations` orderings, default 2000), which is unbiased for every φ_j.
 *
 * Attribution variants (option `shapleyVariant`):
 * - "simplified" (default), Zhao et al. (2018): with v(S) = Σ_{T ⊆ S} R(T), where R(T) is
 *   the conversions of paths whose channel *set* equals T, the Shapley value reduces to
 *   φ_j = Σ_{S ∋ j} R(S)/|S|: each converting path's conversions (and, for the value column,
 *   its value) are split equally among its distinct channels. Order and repeats are ignored.
 *   The closed form is exact for any number of channels.
 * - "conversion_rate": v(S) = conversions / journeys (converting + non-converting) over the
 *   journeys whose channel set is a subset of S, so non-converting journeys count; the value
 *   column uses value / journeys. The φ are scaled to total conversions (value). This game is
 *   not additive and needs all 2^n coalitions, so with more than 15 channels the 14 most
 *   touched channels are kept and the rest are pooled into one "(other)" player. A channel
 *   whose presence lowers the conversion rate can get negative credit.
 */
import { Credit, NO_TOUCH, buildResult, channelsOf, totals, validatePaths } from './common.ts';
import { withBootstrap } from './bootstrap.ts';
import { logFactorial } from '../../stats/distributions.ts';
import { mulberry32 } from '../../stats/random.ts';
import type { AttributionResult, ModelOptions, PathAggregate } from './types.ts';

export interface ShapleyOptions {
  /** Largest n solved exactly, default 15. */
  exactLimit?: number;
  /** Orderings sampled above exactLimit, default 2000. */
  permutations?: number;
  seed?: number;
}

export function shapleyValues(n: number, v: (mask: number) => number, options: ShapleyOptions = {}): number[] {
  if (!Number.isInteger(n) || n < 0 || n > 30) throw new Error(`shapley: player count must be 0–30, got ${n}`);
  const phi = new Array<number>(n).fill(0);
  if (n === 0) return phi;
  if (n <= (options.exactLimit ?? 15)) {
    const size = 1 << n;
    const vals = new Float64Array(size);
    const pop = new Uint8Array(size);
    for (let m = 0; m < size; m++) {
      vals[m] = v(m);
      pop[m] = m === 0 ? 0 : pop[m & (m - 1)] + 1;
    }
    const weight = new Float64Array(n);
    for (let s = 0; s < n; s++) weight[s] = Math.exp(logFactorial(s) + logFactorial(n - s - 1) - logFactorial(n));
    for (let m = 0; m < size; m++) {
      const w = weight[pop[m]] ?? 0;
      for (let j = 0; j < n; j++) {
        const bit = 1 << j;
        if (!(m & bit)) phi[j] += w * (vals[m | bit] - vals[m]);
      }
    }
    return phi;
  }
  const perms = options.permutations ?? 2000;
  const rng = mulberry32(options.seed ?? 1);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let p = 0; p < perms; p++) {
    for (let i = n - 1; i > 0; i--) {
      const k = Math.floor(rng() * (i + 1));
      [order[i], order[k]] = [order[k], order[i]];
    }
    let mask = 0;
    let prev = v(0);
    for (const j of order) {
      mask |= 1 << j;
      const cur = v(mask);
      phi[j] += cur - prev;
      prev = cur;
    }
  }
  return phi.map((x) => x / perms);
}

function simplified(paths: PathAggregate[]): AttributionResult {
  const credit = new Credit();
  for (const c of channelsOf(paths)) credit.touch(c);
  const notes = ['simplified Shapley (Zhao et al. 2018): conversions split equally among the distinct channels of each path'];
  let empty = 0;
  for (const p of paths) {
    if (p.conversions === 0 && p.value === 0) continue;
    const set = [...new Set(p.path)];
    if (set.length === 0) {
      empty += p.conversions;
      credit.add(NO_TOUCH, p.conversions, p.value);
      continue;
    }
    for (const c of set) credit.add(c, p.conversions / set.length, p.value / set.length);
  }
  if (empty > 0) notes.push(`${empty} conversions had no touchpoint and are credited to "${NO_TOUCH}"`);
  return buildResult('shapley', paths, credit, notes);
}

const OTHER = '(other)';
const MAX_PLAYERS = 15;

function conversionRate(paths: PathAggregate[]): AttributionResult {
  const notes = ['Shapley value of the conversion-rate game over channel sets'];
  const reach = new Map<string, number>();
  for (const p of paths) for (const c of new Set(p.path)) reach.set(c, (reach.get(c) ?? 0) + p.conversions + p.nulls);
  let players = [...reach.keys()].sort((a, b) => reach.get(b)! - reach.get(a)! || a.localeCompare(b));
  const index = new Map<string, number>();
  if (players.length > MAX_PLAYERS) {
    const pooled = players.length - (MAX_PLAYERS - 1);
    players = [...players.slice(0, MAX_PLAYERS - 1), OTHER];
    notes.push(`${pooled} least-touched channels pooled into "${OTHER}" to keep the game exact over ${MAX_PLAYERS} players`);
  }
  players.forEach((c, i) => index.set(c, i));
  const n = players.length;
  const size = 1 << n;
  const conv = new Float64Array(size);
  const val = new Float64Array(size);
  const jour = new Float64Array(size);
  for (const p of paths) {
    let m = 0;
    for (const c of p.path) m |= 1 << (index.get(c) ?? n - 1);
    conv[m] += p.conversions;
    val[m] += p.value;
    jour[m] += p.conversions + p.nulls;
  }
  // Subset sums: afterwards conv[S] counts journeys whose channel set is any T ⊆ S.
  for (let i = 0; i < n; i++) {
    const bit = 1 << i;
    for (let m = 0; m < size; m++) {
      if (m & bit) {
        conv[m] += conv[m ^ bit];
        val[m] += val[m ^ bit];
        jour[m] += jour[m ^ bit];
      }
    }
  }
  const phiC = shapleyValues(n, (m) => (m === 0 || jour[m] === 0 ? 0 : conv[m] / jour[m]));
  const phiV = shapleyValues(n, (m) => (m === 0 || jour[m] === 0 ? 0 : val[m] / jour[m]));
  const t = totals(paths);
  const emptyConv = conv[0];
  const emptyVal = val[0];
  const convTouched = t.conversions - emptyConv;
  const valTouched = t.value - emptyVal;
  const sumC = phiC.reduce((s, x) => s + x, 0);
  const sumV = phiV.reduce((s, x) => s + x, 0);
  const credit = new Credit();
  players.forEach((c, j) => {
    credit.add(c, sumC !== 0 ? (phiC[j] / sumC) * convTouched : 0, sumV !== 0 ? (phiV[j] / sumV) * valTouched : 0);
  });
  if (emptyConv > 0 || emptyVal !== 0) {
    credit.add(NO_TOUCH, emptyConv, emptyVal);
    notes.push(`${emptyConv} conversions had no touchpoint and are credited to "${NO_TOUCH}"`);
  }
  return buildResult('shapley', paths, credit, notes);
}

function shapleyPoint(paths: PathAggregate[], options: ModelOptions): AttributionResult {
  const variant = options.shapleyVariant ?? 'simplified';
  if (variant === 'simplified') return simplified(paths);
  if (variant === 'conversion_rate') return conversionRate(paths);
  throw new Error(`shapley: unknown variant "${String(variant)}" (use simplified or conversion_rate)`);
}

export function shapley(paths: PathAggregate[], options: ModelOptions = {}): AttributionResult {
  validatePaths(paths);
  const point = shapleyPoint(paths, options);
  if (!options.bootstrap) return point;
  const b = options.bootstrap === true ? {} : options.bootstrap;
  return withBootstrap(paths, point, (p) => shapleyPoint(p, options), b);
}
