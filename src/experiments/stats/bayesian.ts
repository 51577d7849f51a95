// Bayesian effect test (gbstats `EffectBayesianABTest`): a normal likelihood for the
// effect estimate combined with a normal prior on the effect, conjugate update.
import { normalCdf, normalPdf, normalQuantile, normalSf } from '../../stats/distributions.ts';
import { effectEstimate } from './moments.ts';
import { BASELINE_VARIATION_ZERO, type EffectEstimate, type MetricType, type Uplift, type VariationSummary } from './types.ts';

export interface GaussianPrior {
  mean: number;
  variance: number;
  /** false = improper flat prior (gbstats default), which ignores mean and variance. */
  proper: boolean;
}

export const FLAT_PRIOR: GaussianPrior = { mean: 0, variance: 1, proper: false };

export interface BayesianOptions {
  alpha?: number;
  prior?: GaussianPrior;
  /** Scale the prior is stated on; gbstats default is relative. */
  priorType?: 'relative' | 'absolute';
  /** For metrics where lower is better: flips chance to win and the two risks. */
  inverse?: boolean;
}

export interface BayesianResult {
  expected: number;
  ci: [number, number];
  chance_to_win: number;
  /** [risk of choosing control, risk of choosing treatment]: expected loss in effect units. */
  risk: [number, number];
  risk_type: 'relative' | 'absolute';
  uplift: Uplift;
  error?: string;
}

export interface BayesianInput extends BayesianOptions {
  control: VariationSummary;
  treatment: VariationSummary;
  metricType: MetricType;
  relative?: boolean;
}

function defaultBayesianResult(relative: boolean, error?: string): BayesianResult {
  return {
    expected: 0,
    ci: [0, 0],
    chance_to_win: 0.5,
    risk: [0, 0],
    risk_type: relative ? 'relative' : 'absolute',
    uplift: { mean: 0, stddev: 0 },
    error,
  };
}

/**
 * Expected loss under N(mu, sigma²): choosing control forgoes E[max(X, 0)],
 * choosing treatment forgoes E[max(−X, 0)] (closed-form truncated-normal means).
 */
export function gaussianRisk(mu: number, sigma: number): [number, number] {
  const z = mu / sigma;
  const density = sigma * normalPdf(z);
  const riskControl = mu * normalCdf(z) + density;
  const riskTreatment = density - mu * normalSf(z);
  return [riskControl, riskTreatment];
}

export function bayesianTestFromEffect(effect: EffectEstimate, options: BayesianOptions = {}): BayesianResult {
  const relative = effect.relative;
  if (effect.error) return defaultBayesianResult(relative, effect.error);
  const alpha = options.alpha ?? 0.05;
  const priorType = options.priorType ?? 'relative';
  let prior = options.prior ?? FLAT_PRIOR;
  // A prior stated on one scale is carried to the other through the control mean.
  // (gbstats' Python only rescales relative→absolute; the reverse is applied here too.)
  const base = effect.baselineMean;
  if (prior.proper && relative !== (priorType === 'relative')) {
    if (base === 0) return defaultBayesianResult(relative, BASELINE_VARIATION_ZERO);
    prior = relative
      ? { ...prior, mean: prior.mean / Math.abs(base), variance: prior.variance / base ** 2 }
      : { ...prior, mean: prior.mean * Math.abs(base), variance: prior.variance * base ** 2 };
  }
  const dataPrecision = 1 / effect.variance;
  const priorPrecision = prior.proper ? 1 / prior.variance : 0;
  const postPrecision = dataPrecision + priorPrecision;
  const mu = prior.proper ? (effect.pointEstimate * dataPrecision + prior.mean * priorPrecision) / postPrecision : effect.pointEstimate;
  const sigma = Math.sqrt(1 / postPrecision);

  const ctw = normalSf(0, mu, sigma);
  const risk = gaussianRisk(mu, sigma);
  return {
    expected: mu,
    ci: [normalQuantile(alpha / 2, mu, sigma), normalQuantile(1 - alpha / 2, mu, sigma)],
    chance_to_win: options.inverse ? 1 - ctw : ctw,
    risk: options.inverse ? [risk[1], risk[0]] : risk,
    risk_type: relative ? 'relative' : 'absolute',
    uplift: { mean: mu, stddev: sigma },
  };
}

export function effectBayesianABTest(input: BayesianInput): BayesianResult {
  const effect = effectEstimate(input.control, input.treatment, input.metricType, input.relative ?? true);
  return bayesianTestFromEffect(effect, input);
}
