// Summary statistics → arm moments → effect estimate (gbstats `EffectMoments`).
import {
  BASELINE_VARIATION_ZERO,
  NO_UNITS_IN_VARIATION,
  ZERO_NEGATIVE_VARIANCE,
  type ArmStats,
  type EffectEstimate,
  type MetricType,
  type VariationSummary,
} from './types.ts';

/**
 * gbstats `ProportionStatistic` uses the plug-in variance p(1−p); `SampleMeanStatistic`
 * uses the unbiased (n−1) sample variance. Matching both is what reproduces their digits.
 */
export function armStats(s: VariationSummary, metricType: MetricType): ArmStats {
  const mean = s.n > 0 ? s.sum / s.n : 0;
  let variance: number;
  if (metricType === 'binomial') variance = mean * (1 - mean);
  else variance = s.n <= 1 ? 0 : (s.sumSquares - (s.sum * s.sum) / s.n) / (s.n - 1);
  return { n: s.n, mean, variance, unadjustedMean: mean };
}

export function welchDof(a: ArmStats, b: ArmStats): number {
  if (a.n <= 1 || b.n <= 1 || a.variance <= 0 || b.variance <= 0) return 1;
  const num = (b.variance / b.n + a.variance / a.n) ** 2;
  const den = b.variance ** 2 / (b.n ** 2 * (b.n - 1)) + a.variance ** 2 / (a.n ** 2 * (a.n - 1));
  return num / den;
}

/**
 * Relative variance is the delta method for mean_b / mean_a with independent arms:
 * Var_b/(n_b μ_a²) + Var_a μ_b²/(n_a μ_a⁴) (gbstats `variance_of_ratios` with zero covariance).
 */
export function effectFromArms(a: ArmStats, b: ArmStats, relative: boolean, varianceOverride?: number): EffectEstimate {
  const base = {
    pointEstimate: 0,
    variance: 0,
    standardError: 0,
    dof: 1,
    n: a.n + b.n,
    baselineMean: a.unadjustedMean,
    relative,
  };
  if (a.n === 0 || b.n === 0) return { ...base, error: NO_UNITS_IN_VARIATION };
  if (relative && (a.mean === 0 || a.unadjustedMean === 0)) return { ...base, error: BASELINE_VARIATION_ZERO };
  let variance: number;
  if (varianceOverride !== undefined) variance = varianceOverride;
  else if (relative) {
    const ma = a.unadjustedMean;
    const mb = b.unadjustedMean;
    variance = b.variance / b.n / ma ** 2 + ((a.variance / a.n) * mb ** 2) / ma ** 4;
  } else variance = b.variance / b.n + a.variance / a.n;
  if (a.variance <= 0 || b.variance <= 0 || !(variance > 0)) {
    return { ...base, error: ZERO_NEGATIVE_VARIANCE };
  }
  const diff = b.mean - a.mean;
  return {
    ...base,
    pointEstimate: relative ? diff / a.unadjustedMean : diff,
    variance,
    standardError: Math.sqrt(variance),
    dof: welchDof(a, b),
  };
}

/** Effect of `treatment` against `control` straight from summary statistics. */
export function effectEstimate(
  control: VariationSummary,
  treatment: VariationSummary,
  metricType: MetricType,
  relative = true,
): EffectEstimate {
  return effectFromArms(armStats(control, metricType), armStats(treatment, metricType), relative);
}
