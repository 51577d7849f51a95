/**
 * BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way").
 * While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each purchase
 * they drop out with probability p ~ Beta(a, b). Per customer the data are x (repeat purchases),
 * t_x (age at the last purchase) and T (age at the end of calibration), all in one time unit
 * (days here, weeks in the paper); predictions come out in the same unit.
 */
import { logGamma } from '../stats/distributions.ts';
import { minimize, standardErrors } from './optimize.ts';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** One customer's repeat-purchase history; `weight` counts identical customers (default 1). */
export interface RfmRow {
  frequency: number;
  recency: number;
  T: number;
  weight?: number;
}

export interface BgNbdFit {
  params: BgNbdParams;
  logLikelihood: number;
  /** Standard errors of log r, log α, log a, log b (the fit's scale). */
  logParamStandardErrors: [number, number, number, number];
  customers: number;
  converged: boolean;
  iterations: number;
}

function logAddExp(u: number, v: number): number {
  const m = Math.max(u, v);
  return m === -Infinity ? -Infinity : m + Math.log(Math.exp(u - m) + Math.exp(v - m));
}

/** Individual log-likelihood (FHL 2005 eq. 6), computed in logs so large x and T do not overflow. */
export function bgNbdLogLikelihood(p: BgNbdParams, row: RfmRow): number {
  const { r, alpha, a, b } = p;
  const { frequency: x, recency: tx, T } = row;
  const base =
    logGamma(r + x) - logGamma(r) + r * Math.log(alpha) +
    logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
  const stay = -(r + x) * Math.log(alpha + T);
  if (x === 0) return base + stay;
  const left = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  return base + logAddExp(stay, left);
}

export function bgNbdTotalLogLikelihood(p: BgNbdParams, rows: readonly RfmRow[]): number {
  let sum = 0;
  for (const row of rows) sum += (row.weight ?? 1) * bgNbdLogLikelihood(p, row);
  return sum;
}

/** Identical (x, t_x, T) triples collapse into one weighted row: the likelihood only needs counts. */
export function compressRows(rows: readonly RfmRow[]): RfmRow[] {
  const groups = new Map<string, RfmRow>();
  for (const row of rows) {
    const key = `${row.frequency}|${row.recency}|${row.T}`;
    const g = groups.get(key);
    if (g) g.weight = (g.weight ?? 1) + (row.weight ?? 1);
    else groups.set(key, { frequency: row.frequency, recency: row.recency, T: row.T, weight: row.weight ?? 1 });
  }
  return [...groups.values()];
}

const toParams = (v: number[]): BgNbdParams => ({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), a: Math.exp(v[2]!), b: Math.exp(v[3]!) });

/** Maximum-likelihood fit over log-parameters (all four are positive). */
export function fitBgNbd(rows: readonly RfmRow[]): BgNbdFit {
  if (rows.length === 0) throw new Error('BG/NBD needs at least one customer');
  const data = compressRows(rows);
  const customers = data.reduce((s, r) => s + (r.weight ?? 1), 0);
  // Scale-free start: α sets the time unit, so start it at the mean age.
  const meanT = data.reduce((s, r) => s + (r.weight ?? 1) * r.T, 0) / customers;
  const nll = (v: number[]) => {
    // Keep the search inside a numerically sane box; real fits sit far inside it.
    if (v.some((x) => Math.abs(x) > 30)) return Infinity;
    return -bgNbdTotalLogLikelihood(toParams(v), data);
  };
  const result = minimize(nll, [0, Math.log(Math.max(meanT, 1e-6)), 0, 0]);
  const se = standardErrors(nll, result.x);
  return {
    params: toParams(result.x),
    logLikelihood: -result.value,
    logParamStandardErrors: [se[0]!, se[1]!, se[2]!, se[3]!],
    customers,
    converged: result.converged,
    iterations: result.iterations,
  };
}

/**
 * S = ₂F₁(A, B; C; z) by its power series, for 0 ≤ z < 1. Callers pass the Euler-transformed
 * parameters, which stay small whatever the customer's frequency, so the series neither
 * overflows nor needs many terms except when z is close to 1.
 */
export function hyp2f1(A: number, B: number, C: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 200_000; n++) {
    term *= ((A + n) * (B + n)) / ((C + n) * (n + 1)) * z;
    sum += term;
    if (Math.abs(term) <= 1e-15 * Math.abs(sum)) break;
  }
  return sum;
}

// a = 1 makes the closed forms 0/0; the limit is continuous, so step just off it.
const safeA = (a: number) => (Math.abs(a - 1) < 1e-9 ? 1 + 1e-9 : a);

/**
 * Expected repeat purchases in (T, T + t] for a customer with history (x, t_x, T) (FHL 2005 eq. 10).
 * With z = t/(α+T+t), Euler's transformation turns ((α+T)/(α+T+t))^{r+x}·₂F₁(r+x, b+x; a+b+x−1; z)
 * into (1−z)^{a−1}·₂F₁(a+b−1−r, a−1; a+b+x−1; z).
 */
export function conditionalExpectedPurchases(p: BgNbdParams, row: RfmRow, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, b } = p;
  const a = safeA(p.a);
  const { frequency: x, recency: tx, T } = row;
  const z = t / (alpha + T + t);
  const tail = Math.pow(1 - z, a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z);
  const numerator = ((a + b + x - 1) / (a - 1)) * (1 - tail);
  const denominator = 1 + (x > 0 ? Math.exp(Math.log(a / (b + x - 1)) + (r + x) * Math.log((alpha + T) / (alpha + tx))) : 0);
  return numerator / denominator;
}

/** Expected repeat purchases in (0, t] for a customer just acquired (FHL 2005 eq. 9). */
export function expectedPurchases(p: BgNbdParams, t: number): number {
  return conditionalExpectedPurchases(p, { frequency: 0, recency: 0, T: 0 }, t);
}

/** P(alive at T | x, t_x, T) (FHL 2005 eq. 11 / Fader, Hardie & Lee 2008 note); 1 without repeat purchases. */
export function probabilityAlive(p: BgNbdParams, row: RfmRow): number {
  if (row.frequency === 0) return 1;
  const { r, alpha, a, b } = p;
  const { frequency: x, recency: tx, T } = row;
  return 1 / (1 + Math.exp(Math.log(a / (b + x - 1)) + (r + x) * Math.log((alpha + T) / (alpha + tx))));
}
