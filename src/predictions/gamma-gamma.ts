/**
 * Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV: Using
 * Iso-Value Curves for Customer Base Analysis"; Fader & Hardie 2013 note). Each transaction's
 * value is Gamma(p, ν) with ν ~ Gamma(q, γ) across customers; it is fitted on repeat customers'
 * (x = repeat purchases, m_x = mean value of those repeat purchases), assuming spend does not
 * depend on purchase frequency. Customer lifetime value combines it with the BG/NBD.
 */
import { logGamma } from '../stats/distributions.ts';
import { conditionalExpectedPurchases, type BgNbdParams, type RfmRow } from './bg-nbd.ts';
import { minimize, standardErrors } from '../stats/optimize.ts';

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface SpendRow {
  frequency: number;
  monetaryValue: number;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  /** Standard errors of log p, log q, log γ. */
  logParamStandardErrors: [number, number, number];
  customers: number;
  converged: boolean;
}

/** Log-likelihood of one repeat customer's mean spend m_x over x transactions. */
export function gammaGammaLogLikelihood(params: GammaGammaParams, row: SpendRow): number {
  const { p, q, gamma } = params;
  const { frequency: x, monetaryValue: m } = row;
  return (
    logGamma(p * x + q) -
    logGamma(p * x) -
    logGamma(q) +
    q * Math.log(gamma) +
    (p * x - 1) * Math.log(m) +
    p * x * Math.log(x) -
    (p * x + q) * Math.log(gamma + m * x)
  );
}

const toParams = (v: number[]): GammaGammaParams => ({ p: Math.exp(v[0]!), q: Math.exp(v[1]!), gamma: Math.exp(v[2]!) });

/** Maximum-likelihood fit on customers with at least one repeat purchase and a positive mean value. */
export function fitGammaGamma(rows: readonly SpendRow[]): GammaGammaFit {
  const data = rows.filter((r) => r.frequency > 0 && r.monetaryValue > 0);
  if (data.length === 0) throw new Error('Gamma-Gamma needs at least one repeat customer with a positive spend');
  const meanSpend = data.reduce((s, r) => s + r.monetaryValue, 0) / data.length;
  const nll = (v: number[]) => {
    if (v.some((x) => Math.abs(x) > 30)) return Infinity;
    const params = toParams(v);
    let sum = 0;
    for (const row of data) sum += gammaGammaLogLikelihood(params, row);
    return -sum;
  };
  // Start with E(spend) = γp/(q−1) at the sample mean.
  const result = minimize(nll, [0, Math.log(2), Math.log(meanSpend)]);
  const se = standardErrors(nll, result.x);
  return {
    params: toParams(result.x),
    logLikelihood: -result.value,
    logParamStandardErrors: [se[0]!, se[1]!, se[2]!],
    customers: data.length,
    converged: result.converged,
  };
}

/**
 * E(M | p, q, γ, m_x, x): a weighted average of the population mean γp/(q−1) and the customer's own
 * mean, the weight growing with x (Fader & Hardie 2013, eq. 5). Customers without repeat purchases
 * get the population mean. Requires q > 1.
 */
export function conditionalExpectedAverageProfit(params: GammaGammaParams, frequency: number, monetaryValue: number): number {
  const { p, q, gamma } = params;
  const m = frequency > 0 ? monetaryValue : 0;
  return (p * (gamma + frequency * m)) / (p * frequency + q - 1);
}

export interface ClvOptions {
  /** Length of the horizon in the model's time unit (days for Waymark's summaries). */
  horizon: number;
  /** Discount rate per month. */
  monthlyDiscountRate: number;
  /** Model time units in a month: 30 for days, 4.345 for weeks (the lifetimes package's factors). */
  unitsPerMonth: number;
}

/**
 * Discounted customer lifetime value, the lifetimes package's `customer_lifetime_value` convention:
 * the horizon is cut into months of `unitsPerMonth` units; month k's expected purchases
 * E[Y(k·u)] − E[Y((k−1)·u)] are valued at the expected average profit and discounted by
 * (1 + d)^k. A last partial month (horizon not a whole number of months) is discounted by
 * (1 + d)^(horizon/u).
 */
export function customerLifetimeValue(bg: BgNbdParams, expectedProfit: number, row: RfmRow, options: ClvOptions): number {
  return expectedProfit * discountedExpectedPurchases(bg, row, options);
}

/** Σ over months of the expected purchases in the month, each discounted: CLV per unit of profit. */
export function discountedExpectedPurchases(bg: BgNbdParams, row: RfmRow, options: ClvOptions): number {
  const { horizon, monthlyDiscountRate: d, unitsPerMonth: u } = options;
  let total = 0;
  let previous = 0;
  for (let k = 1; (k - 1) * u < horizon - 1e-9; k++) {
    const end = Math.min(k * u, horizon);
    const cumulative = conditionalExpectedPurchases(bg, row, end);
    total += (cumulative - previous) / Math.pow(1 + d, end / u);
    previous = cumulative;
  }
  return total;
}
