// Shared shapes for the A/B statistics. Every test consumes per-variation summary
// statistics (never raw rows), mirroring GrowthBook's gbstats `Statistic` classes.

export type MetricType = 'binomial' | 'mean';

/** Per-variation sufficient statistics. For binomial metrics sum = sumSquares = conversions. */
export interface VariationSummary {
  n: number;
  sum: number;
  sumSquares: number;
}

/** One arm reduced to the moments the tests need. `variance` is per observation. */
export interface ArmStats {
  n: number;
  /** Mean used in the effect (CUPED-adjusted when regression adjustment is on). */
  mean: number;
  variance: number;
  /** Plain sample mean; the denominator of relative effects (gbstats `unadjusted_mean`). */
  unadjustedMean: number;
}

/** The estimated treatment-vs-control effect that every test turns into a result. */
export interface EffectEstimate {
  /** Relative lift mean_t/mean_c − 1, or absolute difference mean_t − mean_c. */
  pointEstimate: number;
  /** Variance of the estimator (squared standard error). */
  variance: number;
  standardError: number;
  /** Welch–Satterthwaite degrees of freedom. */
  dof: number;
  /** n_control + n_treatment. */
  n: number;
  /** Unadjusted control mean, used to rescale priors between relative and absolute scales. */
  baselineMean: number;
  relative: boolean;
  /** Set when the effect cannot be estimated (zero variance, zero baseline, empty arm). */
  error?: string;
}

export interface Uplift {
  mean: number;
  stddev: number;
}

export const ZERO_NEGATIVE_VARIANCE = 'ZERO_NEGATIVE_VARIANCE';
export const BASELINE_VARIATION_ZERO = 'BASELINE_VARIATION_ZERO';
export const NO_UNITS_IN_VARIATION = 'NO_UNITS_IN_VARIATION';
