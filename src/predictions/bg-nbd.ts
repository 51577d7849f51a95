/**
 * BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way").
 * While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each purchase
 * they drop out with probability p ~ Beta(a, b). Per customer the data are x (repeat purchases),
 * t_x (age at the last purchase) and T (age at the end of calibration), all in one time unit
 * (days here, weeks in the paper); predictions come out in the same unit.
 *
 * `variant: 'mbg'` is the MBG/NBD (Batislam, Denizel & Filiztekin 2007; lifetimes'
 * ModifiedBetaGeoFitter): the customer may also drop out right after the first purchase, so
 * one-time buyers are not assumed alive for ever. Both share every formula with b' = b + x (BG)
 * or b + x + 1 (MBG) as the posterior Beta parameter of p.
 */
import { logGamma } from '../stats/distributions.ts';
import { minimize, standardErrors } from '../stats/optimize.ts';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
  /** 'bg' (default) or 'mbg': dropout also possible right after the first purchase. */
  variant?: BgVariant;
}

export type BgVariant = 'bg' | 'mbg';

/** Posterior Beta parameter of p given x repeat purchases and survival, and whether a one-time buyer can be gone. */
function survival(p: BgNbdParams, x: number): { bx: number; canDropAtZero: boolean } {
  const mbg = p.variant === 'mbg';
  return { bx: p.b + x + (mbg ? 1 : 0), canDropAtZero: mbg };
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
  const { bx, canDropAtZero } = survival(p, x);
  const base = logGamma(r + x) - logGamma(r) + r * Math.log(alpha) + logGamma(a + b) + logGamma(bx) - logGamma(b) - logGamma(a + bx);
  const stay = -(r + x) * Math.log(alpha + T);
  if (x === 0 && !canDropAtZero) return base + stay;
  const left = Math.log(a) - Math.log(bx - 1) - (r + x) * Math.log(alpha + tx);
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

const LOG_PARAM_BOUND = 12;

const toParams = (v: number[], variant: BgVariant): BgNbdParams => ({
  r: Math.exp(v[0]!),
  alpha: Math.exp(v[1]!),
  a: Math.exp(v[2]!),
  b: Math.exp(v[3]!),
  variant,
});

/** Maximum-likelihood fit over log-parameters (all four are positive). */
export function fitBgNbd(rows: readonly RfmRow[], variant: BgVariant = 'bg'): BgNbdFit {
  if (rows.length === 0) throw new Error('BG/NBD needs at least one customer');
  const data = compressRows(rows);
  const customers = data.reduce((s, r) => s + (r.weight ?? 1), 0);
  // Scale-free start: α sets the time unit, so start it at the mean age.
  const meanT = data.reduce((s, r) => s + (r.weight ?? 1) * r.T, 0) / customers;
  const nll = (v: number[]) => {
    // A box on the log-parameters: on small data sets the likelihood can keep rising slowly
    // towards a homogeneous population (a, b or r, α → ∞ at a fixed ratio); the fit stops at the
    // edge, where predictions are those of the limit model.
    if (v.some((x) => Math.abs(x) > LOG_PARAM_BOUND)) return Infinity;
    return -bgNbdTotalLogLikelihood(toParams(v, variant), data);
  };
  const result = minimize(nll, [0, Math.log(Math.max(meanT, 1e-6)), 0, 0]);
  const se = standardErrors(nll, result.x);
  return {
    params: toParams(result.x, variant),
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
    term *= (((A + n) * (B + n)) / ((C + n) * (n + 1))) * z;
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
 * into (1−z)^{a−1}·₂F₁(a+b−1−r, a−1; a+b+x−1; z). That series needs about a·z/(1−z) terms, so for
 * large a (a nearly homogeneous dropout probability, common on small data sets) the same
 * expectation is integrated over the posterior of p instead (see expectedGivenAliveByQuadrature).
 */
export function conditionalExpectedPurchases(p: BgNbdParams, row: RfmRow, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha } = p;
  const a = safeA(p.a);
  const { frequency: x, T } = row;
  const { bx } = survival(p, x);
  let givenAlive: number;
  if (a < LARGE_PARAM && r < LARGE_PARAM) {
    const z = t / (alpha + T + t);
    const tail = Math.pow(1 - z, a - 1) * hyp2f1(a + bx - 1 - r - x, a - 1, a + bx - 1, z);
    givenAlive = ((a + bx - 1) / (a - 1)) * (1 - tail);
  } else {
    givenAlive = expectedGivenAliveByQuadrature(r + x, t / (alpha + T), a, bx);
  }
  return probabilityAlive(p, row) * givenAlive;
}

// Beyond these the series needs ~max(a, r)·z/(1−z) terms and, for large r, cancels badly.
const LARGE_PARAM = 30;

/**
 * E_p[(1 − (1 + p·s)^{−k}) / p] for p ~ Beta(a, b): an alive customer's expected purchases over t
 * when λ | history ~ Gamma(k = r+x, α+T) and s = t/(α+T), the quantity the closed form writes as
 * (a+b+x−1)/(a−1)·(1 − tail). Tanh-sinh quadrature, which tolerates the Beta density's endpoint
 * singularities, over [0, 1] or, for a concentrated Beta, over mean ± 12 sd; weights come from the
 * unnormalised density, so the normalising constant cancels.
 */
export function expectedGivenAliveByQuadrature(k: number, s: number, a: number, b: number): number {
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
  const lo = Math.max(0, mean - 12 * sd);
  const hi = Math.min(1, mean + 12 * sd);
  const h = 1 / 32;
  const terms: Array<{ logW: number; g: number }> = [];
  let maxLogW = -Infinity;
  for (let t = -5.5; t <= 5.5 + 1e-12; t += h) {
    const u = (Math.PI / 2) * Math.sinh(t);
    // (1 ± tanh u)/2 without cancellation, and their logs without underflow.
    const logLeft = -softplus(-2 * u);
    const logRight = -softplus(2 * u);
    const width = hi - lo;
    const q = lo + width * Math.exp(logLeft);
    if (!(q > 0 && q < 1)) continue;
    const logQ = lo === 0 ? Math.log(width) + logLeft : Math.log(q);
    const log1mQ = hi === 1 ? Math.log(width) + logRight : Math.log1p(-q);
    const logJacobian = Math.log(width) + Math.log(Math.PI / 2) + Math.log(Math.cosh(t)) + logLeft + logRight + Math.log(4) - Math.log(2);
    const logW = logJacobian + (a - 1) * logQ + (b - 1) * log1mQ;
    if (!Number.isFinite(logW)) continue;
    terms.push({ logW, g: -Math.expm1(-k * Math.log1p(q * s)) / q });
    maxLogW = Math.max(maxLogW, logW);
  }
  let num = 0;
  let den = 0;
  for (const { logW, g } of terms) {
    const w = Math.exp(logW - maxLogW);
    num += w * g;
    den += w;
  }
  return num / den;
}

/** log(1 + e^v) without overflow. */
function softplus(v: number): number {
  return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
}

/** Expected repeat purchases in (0, t] for a customer just acquired (FHL 2005 eq. 9). */
export function expectedPurchases(p: BgNbdParams, t: number): number {
  return conditionalExpectedPurchases(p, { frequency: 0, recency: 0, T: 0 }, t);
}

/** P(alive at T | x, t_x, T) (FHL 2005 eq. 11); for the BG/NBD 1 without repeat purchases. */
export function probabilityAlive(p: BgNbdParams, row: RfmRow): number {
  const { frequency: x, recency: tx, T } = row;
  const { bx, canDropAtZero } = survival(p, x);
  if (x === 0 && !canDropAtZero) return 1;
  const { r, alpha, a } = p;
  return 1 / (1 + Math.exp(Math.log(a / (bx - 1)) + (r + x) * Math.log((alpha + T) / (alpha + tx))));
}
