/**
 * Markov chain attribution by removal effect, solved exactly as an absorbing chain.
 *
 * States: (start), the touchpoint states, and the absorbing (conversion) and (null).
 * Every journey of a path walks (start) → s1 → … → sn and then to (conversion) for the
 * path's converting journeys or (null) for its non-converting ones; transition
 * probabilities are the observed counts normalised per state. Paths with zero journeys add
 * nothing.
 *
 * Order k (1–4), following ChannelAttribution: a state is a window of k consecutive
 * touchpoints sliding one step at a time (a path shorter than k is one state made of the whole
 * path), and consecutive identical states are merged, so there are no self-loops (a
 * self-loop never changes absorption probabilities). `collapse: true` additionally merges
 * consecutive repeated channels before the windows are formed, which does change order ≥ 2.
 *
 * Removal effect of channel c: RE(c) = 1 − P(conv | c removed) / P(conv), where removing c
 * sends every transition into a state containing c to (null). P(conv) from (start) is the
 * solution x of (I − Q) x = r on the transient states (Q = transient→transient block,
 * r = one-step probability of converting). Removal sets x = 0 on the removed states. Small
 * chains (≤ 300 states) are solved by Gaussian elimination with partial pivoting; larger ones
 * by symmetric Gauss–Seidel on the sparse rows to a relative change below 1e-14, i.e. exact to
 * numerical precision. ChannelAttribution estimates the same quantities by simulating walks
 * (capped at the longest observed path); here there is no cap and no sampling noise.
 *
 * Credit: conversions are split in proportion to RE and sum to the total conversions.
 * Value follows ChannelAttribution's convention: a simulated conversion there draws its value
 * from the per-conversion values of the journeys that converted from the same last state,
 * and a channel's value credit is proportional to the expected value of converting walks
 * through it. Exactly: with μ(s) = mean value per conversion of journeys converting from
 * state s, solve the same system with r_v(s) = P(s → conv)·μ(s); the value removal effect is
 * 1 − E[value | c removed]/E[value], and value credit ∝ that effect, summing to total value.
 *
 * Journeys with no touchpoint cannot be explained by any channel: they are kept out of the
 * chain and credited to "(no touchpoint)".
 */
import { Credit, NO_TOUCH, buildResult, validatePaths } from './common.ts';
import { withBootstrap } from './bootstrap.ts';
import type { AttributionResult, ModelOptions, PathAggregate } from './types.ts';

export interface MarkovChainOptions {
  order?: number;
  collapse?: boolean;
}

export interface MarkovChain {
  order: number;
  channels: string[];
  /** Transient states; index 0 is (start). Labels join channel names with " > ". */
  stateLabels: string[];
  /** Channel ids contained in each transient state ((start) has none). */
  stateChannels: number[][];
  /** Sparse rows of Q (transient → transient). */
  rowPtr: Int32Array;
  col: Int32Array;
  prob: Float64Array;
  /** One-step probabilities of (conversion) and (null) from each transient state. */
  pConv: Float64Array;
  pNull: Float64Array;
  /** μ(s): mean conversion value of journeys converting from state s (0 if none). */
  convValue: Float64Array;
}

const CONV = -1;
const NULL = -2;

function collapseRepeats(ids: number[]): number[] {
  const out: number[] = [];
  for (const c of ids) if (out.length === 0 || out[out.length - 1] !== c) out.push(c);
  return out;
}

export function buildMarkovChain(paths: PathAggregate[], options: MarkovChainOptions = {}): MarkovChain {
  const order = options.order ?? 1;
  if (!Number.isInteger(order) || order < 1 || order > 4) {
    throw new Error(`markov: order must be an integer from 1 to 4, got ${order}`);
  }
  const channelId = new Map<string, number>();
  const channels: string[] = [];
  const stateId = new Map<string, number>([['', 0]]);
  const stateLabels = ['(start)'];
  const stateChannels: number[][] = [[]];
  const rows: Map<number, number>[] = [new Map()];
  const convOut: number[] = [0];
  const valueOut: number[] = [0];

  const addEdge = (from: number, to: number, w: number) => {
    const row = rows[from];
    row.set(to, (row.get(to) ?? 0) + w);
  };
  const stateOf = (ids: number[]): number => {
    const key = ids.join(',');
    let s = stateId.get(key);
    if (s === undefined) {
      s = stateLabels.length;
      stateId.set(key, s);
      stateLabels.push(ids.map((i) => channels[i]).join(' > '));
      stateChannels.push([...new Set(ids)]);
      rows.push(new Map());
      convOut.push(0);
      valueOut.push(0);
    }
    return s;
  };

  for (const p of paths) {
    const w = p.conversions + p.nulls;
    if (p.path.length === 0 || w <= 0) continue;
    let ids = p.path.map((c) => {
      let id = channelId.get(c);
      if (id === undefined) {
        id = channels.length;
        channelId.set(c, id);
        channels.push(c);
      }
      return id;
    });
    if (options.collapse) ids = collapseRepeats(ids);
    let prev = 0;
    const windows = ids.length <= order ? 1 : ids.length - order + 1;
    for (let i = 0; i < windows; i++) {
      const s = stateOf(ids.slice(i, Math.min(ids.length, i + order)));
      if (s !== prev) addEdge(prev, s, w);
      prev = s;
    }
    if (p.conversions > 0) addEdge(prev, CONV, p.conversions);
    if (p.nulls > 0) addEdge(prev, NULL, p.nulls);
    convOut[prev] += p.conversions;
    valueOut[prev] += p.value;
  }

  const n = stateLabels.length;
  const rowPtr = new Int32Array(n + 1);
  for (let s = 0; s < n; s++) {
    let k = 0;
    for (const to of rows[s].keys()) if (to >= 0) k++;
    rowPtr[s + 1] = rowPtr[s] + k;
  }
  const col = new Int32Array(rowPtr[n]);
  const prob = new Float64Array(rowPtr[n]);
  const pConv = new Float64Array(n);
  const pNull = new Float64Array(n);
  const convValue = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    let total = 0;
    for (const w of rows[s].values()) total += w;
    let k = rowPtr[s];
    for (const [to, w] of rows[s]) {
      const pr = total > 0 ? w / total : 0;
      if (to === CONV) pConv[s] = pr;
      else if (to === NULL) pNull[s] = pr;
      else {
        col[k] = to;
        prob[k] = pr;
        k++;
      }
    }
    convValue[s] = convOut[s] > 0 ? valueOut[s] / convOut[s] : 0;
  }
  return { order, channels, stateLabels, stateChannels, rowPtr, col, prob, pConv, pNull, convValue };
}

const DENSE_LIMIT = 300;

/** Solves (I − Q) x = r with x fixed at 0 on removed states, for several right-hand sides. */
export function solveAbsorption(
  chain: MarkovChain,
  rhs: Float64Array[],
  removed?: Uint8Array,
  method?: 'dense' | 'gauss-seidel',
): Float64Array[] {
  const dense = method ? method === 'dense' : chain.stateLabels.length <= DENSE_LIMIT;
  return dense ? solveDense(chain, rhs, removed) : solveGaussSeidel(chain, rhs, removed);
}

function solveDense(chain: MarkovChain, rhs: Float64Array[], removed?: Uint8Array): Float64Array[] {
  const n = chain.stateLabels.length;
  const keep: number[] = [];
  const pos = new Int32Array(n).fill(-1);
  for (let s = 0; s < n; s++) if (!removed || !removed[s]) pos[s] = keep.push(s) - 1;
  const m = keep.length;
  const m2 = rhs.length;
  const w = m + m2;
  // Augmented matrix [I − Q | r1 r2 …], row-major.
  const a = new Float64Array(m * w);
  for (let i = 0; i < m; i++) {
    const s = keep[i];
    a[i * w + i] = 1;
    for (let k = chain.rowPtr[s]; k < chain.rowPtr[s + 1]; k++) {
      const j = pos[chain.col[k]];
      if (j >= 0) a[i * w + j] -= chain.prob[k];
    }
    for (let r = 0; r < m2; r++) a[i * w + m + r] = rhs[r][s];
  }
  for (let c = 0; c < m; c++) {
    let piv = c;
    let best = Math.abs(a[c * w + c]);
    for (let i = c + 1; i < m; i++) {
      const v = Math.abs(a[i * w + c]);
      if (v > best) {
        best = v;
        piv = i;
      }
    }
    if (best === 0) throw new Error('markov: singular absorbing system (a state cannot reach an absorbing state)');
    if (piv !== c) {
      for (let j = c; j < w; j++) {
        const t = a[c * w + j];
        a[c * w + j] = a[piv * w + j];
        a[piv * w + j] = t;
      }
    }
    const d = a[c * w + c];
    for (let i = c + 1; i < m; i++) {
      const f = a[i * w + c] / d;
      if (f === 0) continue;
      for (let j = c; j < w; j++) a[i * w + j] -= f * a[c * w + j];
    }
  }
  const out = rhs.map(() => new Float64Array(n));
  for (let r = 0; r < m2; r++) {
    const x = new Float64Array(m);
    for (let i = m - 1; i >= 0; i--) {
      let v = a[i * w + m + r];
      for (let j = i + 1; j < m; j++) v -= a[i * w + j] * x[j];
      x[i] = v / a[i * w + i];
    }
    for (let i = 0; i < m; i++) out[r][keep[i]] = x[i];
  }
  return out;
}

const GS_TOL = 1e-14;
const GS_MAX_SWEEPS = 200000;

function solveGaussSeidel(chain: MarkovChain, rhs: Float64Array[], removed?: Uint8Array): Float64Array[] {
  const n = chain.stateLabels.length;
  const { rowPtr, col, prob } = chain;
  return rhs.map((r) => {
    const x = new Float64Array(n);
    const update = (s: number): number => {
      if (removed && removed[s]) return 0;
      let v = r[s];
      for (let k = rowPtr[s]; k < rowPtr[s + 1]; k++) v += prob[k] * x[col[k]];
      const d = Math.abs(v - x[s]);
      x[s] = v;
      return d;
    };
    for (let sweep = 0; sweep < GS_MAX_SWEEPS; sweep++) {
      let delta = 0;
      // Successors are mostly numbered after their predecessors, so the backward sweep
      // carries fresh values down the paths; the forward sweep handles the loops.
      for (let s = n - 1; s >= 0; s--) delta = Math.max(delta, update(s));
      for (let s = 0; s < n; s++) delta = Math.max(delta, update(s));
      let scale = 0;
      for (let s = 0; s < n; s++) scale = Math.max(scale, Math.abs(x[s]));
      if (delta <= GS_TOL * Math.max(scale, 1e-300)) return x;
    }
    throw new Error(`markov: Gauss–Seidel did not converge in ${GS_MAX_SWEEPS} sweeps`);
  });
}

export interface RemovalEffect {
  channel: string;
  conversion: number;
  value: number;
}

export interface MarkovDetail {
  chain: MarkovChain;
  /** P(conversion) from (start). */
  conversionProbability: number;
  /** Expected conversion value per walk from (start). */
  expectedValue: number;
  removalEffects: RemovalEffect[];
}

export function markovRemovalEffects(
  paths: PathAggregate[],
  options: MarkovChainOptions & { method?: 'dense' | 'gauss-seidel' } = {},
): MarkovDetail {
  const chain = buildMarkovChain(paths, options);
  const n = chain.stateLabels.length;
  const rConv = chain.pConv;
  const rValue = new Float64Array(n);
  for (let s = 0; s < n; s++) rValue[s] = chain.pConv[s] * chain.convValue[s];
  const [xc, xv] = solveAbsorption(chain, [rConv, rValue], undefined, options.method);
  const pc = xc[0];
  const ev = xv[0];
  const removalEffects = chain.channels.map((channel, c) => {
    const removed = new Uint8Array(n);
    for (let s = 1; s < n; s++) if (chain.stateChannels[s].includes(c)) removed[s] = 1;
    const [yc, yv] = solveAbsorption(chain, [rConv, rValue], removed, options.method);
    return {
      channel,
      conversion: pc > 0 ? 1 - yc[0] / pc : 0,
      value: ev !== 0 ? 1 - yv[0] / ev : 0,
    };
  });
  return { chain, conversionProbability: pc, expectedValue: ev, removalEffects };
}

/** Markov attribution; with `bootstrap` set, rows carry percentile intervals of conversions. */
export function markov(paths: PathAggregate[], options: ModelOptions = {}): AttributionResult {
  validatePaths(paths);
  const point = markovPoint(paths, options);
  if (!options.bootstrap) return point;
  const b = options.bootstrap === true ? {} : options.bootstrap;
  return withBootstrap(paths, point, (p) => markovPoint(p, options), b);
}

function markovPoint(paths: PathAggregate[], options: ModelOptions): AttributionResult {
  const detail = markovRemovalEffects(paths, options);
  const credit = new Credit();
  let convInChain = 0;
  let valueInChain = 0;
  let emptyConv = 0;
  let emptyValue = 0;
  for (const p of paths) {
    if (p.path.length === 0) {
      emptyConv += p.conversions;
      emptyValue += p.value;
    } else {
      convInChain += p.conversions;
      valueInChain += p.value;
    }
  }
  const sumC = detail.removalEffects.reduce((s, r) => s + r.conversion, 0);
  const sumV = detail.removalEffects.reduce((s, r) => s + r.value, 0);
  for (const r of detail.removalEffects) {
    credit.add(r.channel, sumC > 0 ? (r.conversion / sumC) * convInChain : 0, sumV !== 0 ? (r.value / sumV) * valueInChain : 0);
  }
  const notes = [
    `order ${detail.chain.order}${options.collapse ? ', repeated channels collapsed' : ''}; ` +
      `${detail.chain.stateLabels.length - 1} states; P(conversion) = ${detail.conversionProbability.toPrecision(6)}`,
  ];
  if (emptyConv > 0 || emptyValue !== 0) {
    credit.add(NO_TOUCH, emptyConv, emptyValue);
    notes.push(`${emptyConv} conversions had no touchpoint and are credited to "${NO_TOUCH}"`);
  }
  return buildResult('markov', paths, credit, notes);
}
