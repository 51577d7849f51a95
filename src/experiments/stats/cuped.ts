// CUPED / regression adjustment with a pre-exposure covariate, as gbstats
// `RegressionAdjustedStatistic`: y_adj = y − θ·x with one θ pooled over the two arms
// being compared, and a relative-effect variance that keeps the unadjusted control
// mean in the denominator.
import { effectFromArms } from './moments.ts';
import type { ArmStats, EffectEstimate, MetricType, VariationSummary } from './types.ts';

export interface CupedSummary extends VariationSummary {
  /** Σ x over units, x = the pre-exposure value of the metric. */
  preSum: number;
  preSumSquares: number;
  /** Σ x·y. */
  sumProduct: number;
}

interface Moments {
  mean: number;
  variance: number;
}

function moments(n: number, sum: number, sumSquares: number, metricType: MetricType): Moments {
  const mean = n > 0 ? sum / n : 0;
  if (metricType === 'binomial') return { mean, variance: mean * (1 - mean) };
  return { mean, variance: n <= 1 ? 0 : (sumSquares - (sum * sum) / n) / (n - 1) };
}

/** gbstats `compute_covariance`: plug-in for proportions, (n−1) for sample means. */
function covariance(n: number, sumY: number, sumX: number, sumXY: number, metricType: MetricType): number {
  if (n <= 1) return 0;
  if (metricType === 'binomial') return sumXY / n - (sumY * sumX) / (n * n);
  return (sumXY - (sumY * sumX) / n) / (n - 1);
}

/** θ = Cov(y, x) / Var(x) on the two arms pooled; 0 when either pooled variance vanishes. */
export function pooledTheta(control: CupedSummary, treatment: CupedSummary, metricType: MetricType): number {
  const n = control.n + treatment.n;
  const post = moments(n, control.sum + treatment.sum, control.sumSquares + treatment.sumSquares, metricType);
  const pre = moments(n, control.preSum + treatment.preSum, control.preSumSquares + treatment.preSumSquares, metricType);
  if (pre.variance === 0 || post.variance === 0) return 0;
  const cov = covariance(
    n,
    control.sum + treatment.sum,
    control.preSum + treatment.preSum,
    control.sumProduct + treatment.sumProduct,
    metricType,
  );
  return cov / pre.variance;
}

export interface CupedArm extends ArmStats {
  /** Unadjusted per-observation variance of y. */
  unadjustedVariance: number;
  preMean: number;
  preVariance: number;
  /** Cov(y, x). */
  covariance: number;
}

/** Adjusted mean μ_y − θ μ_x and variance Var(y) + θ² Var(x) − 2θ Cov(y, x). */
export function cupedArm(s: CupedSummary, theta: number, metricType: MetricType): CupedArm {
  const post = moments(s.n, s.sum, s.sumSquares, metricType);
  const pre = moments(s.n, s.preSum, s.preSumSquares, metricType);
  const cov = covariance(s.n, s.sum, s.preSum, s.sumProduct, metricType);
  const variance = s.n <= 1 ? 0 : post.variance + theta * theta * pre.variance - 2 * theta * cov;
  return {
    n: s.n,
    mean: post.mean - theta * pre.mean,
    variance,
    unadjustedMean: post.mean,
    unadjustedVariance: post.variance,
    preMean: pre.mean,
    preVariance: pre.variance,
    covariance: cov,
  };
}

/** gbstats `frequentist_variance_relative_cuped`: delta method for (ȳ_b − θx̄_b − ȳ_a + θx̄_a)/ȳ_a. */
function relativeCupedVariance(a: CupedArm, b: CupedArm, theta: number): number {
  const denTrt = b.n * a.unadjustedMean ** 2;
  const denCtrl = a.n * a.unadjustedMean ** 2;
  if (denTrt === 0 || denCtrl === 0) return 0;
  const vTrt = b.variance / denTrt;
  const c = -b.unadjustedMean;
  const numA = (a.unadjustedVariance * c * c) / a.unadjustedMean ** 2;
  const numB = (2 * theta * a.covariance * c) / a.unadjustedMean;
  const numC = theta * theta * a.preVariance;
  return vTrt + (numA + numB + numC) / denCtrl;
}

export interface CupedEffect extends EffectEstimate {
  theta: number;
  control: CupedArm;
  treatment: CupedArm;
}

/**
 * Regression-adjusted effect of treatment vs control, ready for any of the tests
 * (`tTestFromEffect`, `sequentialTestFromEffect`, `bayesianTestFromEffect`).
 * Pass `theta` to fix it; otherwise it is pooled over the pair as gbstats does.
 */
export function cupedEffect(
  control: CupedSummary,
  treatment: CupedSummary,
  metricType: MetricType,
  relative = true,
  theta?: number,
): CupedEffect {
  const th = theta ?? pooledTheta(control, treatment, metricType);
  const a = cupedArm(control, th, metricType);
  const b = cupedArm(treatment, th, metricType);
  // θ = 0 is plain analysis (gbstats reverts to the unadjusted statistic).
  const override = relative && th !== 0 ? relativeCupedVariance(a, b, th) : undefined;
  return { ...effectFromArms(a, b, relative, override), theta: th, control: a, treatment: b };
}
