// Fixed-horizon two-sided Welch t-test on the effect estimate (gbstats `TwoSidedTTest`).
import { studentTQuantile, studentTSf } from '../../stats/distributions.ts';
import { effectEstimate } from './moments.ts';
import type { EffectEstimate, MetricType, Uplift, VariationSummary } from './types.ts';

export interface FrequentistResult {
  expected: number;
  ci: [number, number];
  p_value: number;
  uplift: Uplift;
  error?: string;
}

export interface FrequentistInput {
  control: VariationSummary;
  treatment: VariationSummary;
  metricType: MetricType;
  /** Relative lift (default) or absolute difference. */
  relative?: boolean;
  alpha?: number;
}

/** gbstats returns an uninformative result instead of throwing when the effect is undefined. */
export function defaultFrequentistResult(error?: string): FrequentistResult {
  return { expected: 0, ci: [0, 0], p_value: 1, uplift: { mean: 0, stddev: 0 }, error };
}

export function tTestFromEffect(effect: EffectEstimate, alpha = 0.05): FrequentistResult {
  if (effect.error) return defaultFrequentistResult(effect.error);
  const { pointEstimate: pe, standardError: se, dof } = effect;
  const t = pe / se;
  const pValue = 2 * studentTSf(Math.abs(t), dof);
  const halfwidth = studentTQuantile(1 - alpha / 2, dof) * se;
  return {
    expected: pe,
    ci: [pe - halfwidth, pe + halfwidth],
    p_value: pValue,
    uplift: { mean: pe, stddev: se },
  };
}

export function twoSidedTTest(input: FrequentistInput): FrequentistResult {
  const effect = effectEstimate(input.control, input.treatment, input.metricType, input.relative ?? true);
  return tTestFromEffect(effect, input.alpha ?? 0.05);
}
