/**
 * Customer lifetime value and churn predictions for a scope: BG/NBD for future purchases and
 * P(alive), Gamma-Gamma for the value per purchase, both fitted on the calibration period, with
 * a holdout check (predicted vs actual repeat purchase days after the calibration end) when the
 * calibration ends before the data does. Time unit: days; CLV months are 30 days (lifetimes'
 * `freq='D'` factor) and discounted monthly.
 */
import { z } from 'zod';
import { ScopeError, type AnalysisScope } from '../scope/scope.ts';
import type { Store } from '../store/store.ts';
import { compressRows, conditionalExpectedPurchases, fitBgNbd, probabilityAlive, type RfmRow } from './bg-nbd.ts';
import { conditionalExpectedAverageProfit, discountedExpectedPurchases, fitGammaGamma } from './gamma-gamma.ts';
import { DAY_MS, summarizeCustomers, type BuyerSummary } from './customer-summary.ts';
import { defineAnalysis } from '../registry/define.ts';

export const predictionInputSchema = z.object({
  horizonDays: z.number().int().min(1).max(3650).default(365),
  /** Monthly discount rate (0.01 ≈ 12.7% a year). */
  discountRate: z.number().min(0).max(1).default(0.01),
  /** Last day of the calibration period (inclusive); default the last day with data. */
  calibrationEnd: z.coerce.date().optional(),
  /** Length of the top lists. */
  top: z.number().int().min(1).max(1000).default(20),
  maxCustomers: z.number().int().min(100).max(10_000_000).optional(),
  /**
   * 'bg': BG/NBD (one-time buyers stay alive); 'mbg': MBG/NBD (they may drop out after the first
   * purchase); 'auto' (default): both are fitted and the one with the higher likelihood is used
   * (same number of parameters, so this is also the AIC choice).
   */
  model: z.enum(['auto', 'bg', 'mbg']).default('auto'),
});
export type PredictionInput = z.input<typeof predictionInputSchema>;

export interface CustomerPrediction {
  personId: string;
  frequency: number;
  recencyDays: number;
  ageDays: number;
  monetaryValue: number;
  expectedPurchases: number;
  pAlive: number;
  churnRisk: number;
  expectedAverageValue: number;
  clv: number;
}

export interface Distribution {
  mean: number;
  p10: number;
  p25: number;
  median: number;
  p75: number;
  p90: number;
  max: number;
}

export interface HoldoutBucket {
  /** Calibration repeat purchases: '0' … '6', '7+'. */
  frequency: string;
  customers: number;
  /** Mean repeat purchase days per customer in the holdout. */
  actual: number;
  predicted: number;
}

export interface PredictionResult {
  from: string;
  to: string;
  dataStart: string | null;
  dataEnd: string | null;
  calibrationEnd: string | null;
  timeUnit: 'day';
  horizonDays: number;
  monthlyDiscountRate: number;
  customers: number;
  repeatCustomers: number;
  totalBuyers: number;
  sampleFraction: number;
  /** The repeat spend the spend model is fitted on, net of refunds, with the gross spend and the refunded difference beside it. */
  repeatSpend: { net: number; gross: number; refunded: number };
  /** The purchase model: variant 'bg' (BG/NBD) or 'mbg' (MBG/NBD); time unit days. */
  bgNbd: { variant: 'bg' | 'mbg'; r: number; alpha: number; a: number; b: number; logLikelihood: number; converged: boolean };
  /** Log-likelihood of each variant fitted (both with model 'auto'). */
  modelComparison: Array<{ variant: 'bg' | 'mbg'; logLikelihood: number }>;
  /** null when fewer than 10 repeat customers have a positive spend or q ≤ 1: every customer then gets the mean repeat value. */
  gammaGamma: { p: number; q: number; gamma: number; logLikelihood: number; converged: boolean; customers: number } | null;
  totals: { expectedPurchases: number; clv: number; expectedAlive: number };
  distributions: { clv: Distribution; pAlive: Distribution; expectedPurchases: Distribution };
  topByClv: CustomerPrediction[];
  topChurnRisk: CustomerPrediction[];
  holdout: null | {
    days: number;
    customers: number;
    actual: number;
    predicted: number;
    /** predicted / actual. */
    ratio: number | null;
    byFrequency: HoldoutBucket[];
  };
  note: string;
}

function distribution(values: number[]): Distribution {
  const s = Float64Array.from(values).sort();
  const at = (p: number) => {
    if (s.length === 0) return 0;
    const i = p * (s.length - 1);
    const lo = Math.floor(i);
    return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (i - lo);
  };
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : 0;
  return { mean, p10: at(0.1), p25: at(0.25), median: at(0.5), p75: at(0.75), p90: at(0.9), max: s.length ? s[s.length - 1]! : 0 };
}

const rfm = (b: BuyerSummary): RfmRow => ({ frequency: b.frequency, recency: b.recencyDays, T: b.ageDays });
const key = (r: RfmRow) => `${r.frequency}|${r.recency}|${r.T}`;

/** The purchase model (BG/NBD or MBG/NBD by likelihood) and the spend model fitted on buyer summaries. */
export function fitCustomerModels(buyers: BuyerSummary[], options: z.output<typeof predictionInputSchema>) {
  const histories = buyers.map(rfm);
  const candidates =
    options.model === 'auto' ? [fitBgNbd(histories, 'bg'), fitBgNbd(histories, 'mbg')] : [fitBgNbd(histories, options.model)];
  const bg = candidates.reduce((best, fit) => (fit.logLikelihood > best.logLikelihood ? fit : best));
  const spendRows = buyers.filter((b) => b.frequency > 0 && b.monetaryValue > 0);
  let gg: PredictionResult['gammaGamma'] = null;
  if (spendRows.length >= 10) {
    const fit = fitGammaGamma(spendRows);
    if (fit.params.q > 1) gg = { ...fit.params, logLikelihood: fit.logLikelihood, converged: fit.converged, customers: fit.customers };
  }
  const meanRepeatValue = spendRows.length ? spendRows.reduce((s, b) => s + b.monetaryValue, 0) / spendRows.length : 0;
  const expectedValue = (b: BuyerSummary) => (gg ? conditionalExpectedAverageProfit(gg, b.frequency, b.monetaryValue) : meanRepeatValue);
  const clvOptions = { horizon: options.horizonDays, monthlyDiscountRate: options.discountRate, unitsPerMonth: 30 };
  /** One buyer's CLV: expected value per purchase × discounted expected purchases over the horizon. */
  const clvOf = (b: BuyerSummary) => expectedValue(b) * discountedExpectedPurchases(bg.params, rfm(b), clvOptions);
  return { candidates, bg, gg, expectedValue, clvOptions, clvOf };
}

export async function predictCustomers(store: Store, scope: AnalysisScope, input: PredictionInput = {}): Promise<PredictionResult> {
  const options = predictionInputSchema.parse(input);
  const summaries = await summarizeCustomers(store, scope, { calibrationEnd: options.calibrationEnd, maxCustomers: options.maxCustomers });
  if (options.calibrationEnd && summaries.dataStart && options.calibrationEnd.getTime() < Date.parse(summaries.dataStart)) {
    throw new ScopeError('calibrationEnd: must not be before the first day with data');
  }
  if (options.calibrationEnd && summaries.dataEnd && options.calibrationEnd.getTime() >= Date.parse(summaries.dataEnd) + DAY_MS) {
    throw new ScopeError(`calibrationEnd: must not be after the last day with data (${summaries.dataEnd})`);
  }
  const buyers = summaries.buyers;
  const repeatCustomers = buyers.filter((b) => b.frequency > 0).length;
  if (repeatCustomers === 0)
    throw new ScopeError('not enough data: the models need buyers with at least one repeat purchase in the calibration period');

  const { candidates, bg, gg, expectedValue, clvOptions } = fitCustomerModels(buyers, options);

  const predictions = buyerPredictions(buyers, bg, expectedValue, clvOptions, options.horizonDays);
  const { topByClv, topChurnRisk } = topLists(predictions, options.top);
  const holdoutDays =
    summaries.dataEnd && summaries.calibrationEnd
      ? Math.round((Date.parse(summaries.dataEnd) - Date.parse(summaries.calibrationEnd)) / DAY_MS)
      : 0;
  const holdout = holdoutDays > 0 ? holdoutCheck(buyers, bg, holdoutDays) : null;
  return {
    from: scope.from.toISOString(),
    to: scope.to.toISOString(),
    dataStart: summaries.dataStart,
    dataEnd: summaries.dataEnd,
    calibrationEnd: summaries.calibrationEnd,
    timeUnit: 'day',
    horizonDays: options.horizonDays,
    monthlyDiscountRate: options.discountRate,
    customers: buyers.length,
    repeatCustomers,
    totalBuyers: summaries.totalBuyers,
    sampleFraction: summaries.sampleFraction,
    repeatSpend: {
      net: summaries.repeatValue.net,
      gross: summaries.repeatValue.gross,
      refunded: summaries.repeatValue.gross - summaries.repeatValue.net,
    },
    bgNbd: {
      variant: bg.params.variant ?? 'bg',
      r: bg.params.r,
      alpha: bg.params.alpha,
      a: bg.params.a,
      b: bg.params.b,
      logLikelihood: bg.logLikelihood,
      converged: bg.converged,
    },
    modelComparison: candidates.map((c) => ({ variant: c.params.variant ?? 'bg', logLikelihood: c.logLikelihood })),
    gammaGamma: gg,
    totals: {
      expectedPurchases: predictions.reduce((s, p) => s + p.expectedPurchases, 0),
      clv: predictions.reduce((s, p) => s + p.clv, 0),
      expectedAlive: predictions.reduce((s, p) => s + p.pAlive, 0),
    },
    distributions: {
      clv: distribution(predictions.map((p) => p.clv)),
      pAlive: distribution(predictions.map((p) => p.pAlive)),
      expectedPurchases: distribution(predictions.map((p) => p.expectedPurchases)),
    },
    topByClv,
    topChurnRisk,
    holdout,
    note:
      `Purchase model: ${bg.params.variant === 'mbg' ? 'MBG/NBD' : 'BG/NBD'}. ` +
      'A purchase is a day with an order; frequency counts repeat purchase days in the calibration period. ' +
      'CLV = expected value per purchase (Gamma-Gamma) × expected purchases per 30-day month, discounted monthly (lifetimes convention). ' +
      'Churn risk = 1 − P(alive); the churn list shows repeat buyers only.',
  };
}

/** Each buyer's expected purchases, P(alive) and CLV; the models are evaluated once per distinct (x, t_x, T) history. */
function buyerPredictions(
  buyers: BuyerSummary[],
  bg: ReturnType<typeof fitCustomerModels>['bg'],
  expectedValue: (b: BuyerSummary) => number,
  clvOptions: ReturnType<typeof fitCustomerModels>['clvOptions'],
  horizonDays: number,
): CustomerPrediction[] {
  // Predictions depend on (x, t_x, T) only: compute them once per distinct history.
  const byHistory = new Map<string, { purchases: number; discounted: number; alive: number }>();
  for (const row of compressRows(buyers.map(rfm))) {
    byHistory.set(key(row), {
      purchases: conditionalExpectedPurchases(bg.params, row, horizonDays),
      discounted: discountedExpectedPurchases(bg.params, row, clvOptions),
      alive: probabilityAlive(bg.params, row),
    });
  }
  return buyers.map((b): CustomerPrediction => {
    const h = byHistory.get(key(rfm(b)))!;
    const value = expectedValue(b);
    return {
      personId: b.personId,
      frequency: b.frequency,
      recencyDays: b.recencyDays,
      ageDays: b.ageDays,
      monetaryValue: b.monetaryValue,
      expectedPurchases: h.purchases,
      pAlive: h.alive,
      churnRisk: 1 - h.alive,
      expectedAverageValue: value,
      clv: value * h.discounted,
    };
  });
}

/** The highest CLVs, and the likeliest churners among repeat buyers (those who spent most first among equals). */
function topLists(predictions: CustomerPrediction[], top: number): { topByClv: CustomerPrediction[]; topChurnRisk: CustomerPrediction[] } {
  const topByClv = [...predictions].sort((a, b) => b.clv - a.clv || a.personId.localeCompare(b.personId)).slice(0, top);
  // Among equally likely churners, the ones who spent most so far matter first.
  const spent = (p: CustomerPrediction) => p.frequency * p.monetaryValue;
  const topChurnRisk = predictions
    // One-time buyers are certain to be alive under the BG/NBD and carry little history either way.
    .filter((p) => p.frequency > 0)
    .sort((a, b) => b.churnRisk - a.churnRisk || spent(b) - spent(a) || a.personId.localeCompare(b.personId))
    .slice(0, top);

  return { topByClv, topChurnRisk };
}

/** Predicted against actual repeat purchases in the days after the calibration end, overall and by calibration frequency. */
function holdoutCheck(
  buyers: BuyerSummary[],
  bg: ReturnType<typeof fitCustomerModels>['bg'],
  holdoutDays: number,
): NonNullable<PredictionResult['holdout']> {
  const buckets = new Map<string, { customers: number; actual: number; predicted: number }>();
  const predictedByHistory = new Map<string, number>();
  let actual = 0;
  let predicted = 0;
  for (const b of buyers) {
    const row = rfm(b);
    let e = predictedByHistory.get(key(row));
    if (e === undefined) predictedByHistory.set(key(row), (e = conditionalExpectedPurchases(bg.params, row, holdoutDays)));
    actual += b.holdoutFrequency;
    predicted += e;
    const label = b.frequency >= 7 ? '7+' : String(b.frequency);
    const g = buckets.get(label) ?? { customers: 0, actual: 0, predicted: 0 };
    g.customers++;
    g.actual += b.holdoutFrequency;
    g.predicted += e;
    buckets.set(label, g);
  }
  const labels = ['0', '1', '2', '3', '4', '5', '6', '7+'];
  return {
    days: holdoutDays,
    customers: buyers.length,
    actual,
    predicted,
    ratio: actual > 0 ? predicted / actual : null,
    byFrequency: labels
      .filter((l) => buckets.has(l))
      .map((l) => {
        const g = buckets.get(l)!;
        return { frequency: l, customers: g.customers, actual: g.actual / g.customers, predicted: g.predicted / g.customers };
      }),
  };
}

export const clvAnalysis = defineAnalysis({
  id: 'predict-clv',
  command: 'predict clv',
  path: '/api/v1/predictions/clv',
  summary: 'Customer lifetime value and churn risk (BG/NBD + Gamma-Gamma) with a holdout check',
  access: 'read',
  input: predictionInputSchema,
  defaultPeriod: 'all',
  run: ({ store, scope }, input) => predictCustomers(store, scope, input),
});
