// Always-valid two-sided test (gbstats `SequentialTwoSidedTTest`): the normal-mixture
// confidence sequence of Howard et al. / Waudby-Smith et al. (arXiv 2103.06476, eq. 9 and 155).
// Its intervals stay valid however often the experiment is looked at.
import { effectEstimate } from './moments.ts';
import { defaultFrequentistResult, type FrequentistResult } from './frequentist.ts';
import type { EffectEstimate, MetricType, VariationSummary } from './types.ts';

export const DEFAULT_SEQUENTIAL_TUNING_PARAMETER = 5000;

export interface SequentialInput {
  control: VariationSummary;
  treatment: VariationSummary;
  metricType: MetricType;
  relative?: boolean;
  alpha?: number;
  /** Total sample size at which the interval is tightest (gbstats default 5000). */
  sequentialTuningParameter?: number;
}

/** Mixture variance ρ² chosen so the boundary is tightest at n = tuning parameter. */
export function sequentialRho(alpha: number, tuningParameter: number): number {
  return Math.sqrt((-2 * Math.log(alpha) + Math.log(-2 * Math.log(alpha) + 1)) / tuningParameter);
}

/** Half-width for per-observation variance s2 at total sample size n. */
export function sequentialHalfwidth(s2: number, n: number, alpha: number, rho: number): number {
  const nr2p1 = n * rho * rho + 1;
  return Math.sqrt(s2) * Math.sqrt((2 * nr2p1 * Math.log(Math.sqrt(nr2p1) / alpha)) / (n * rho) ** 2);
}

export function sequentialTestFromEffect(
  effect: EffectEstimate,
  alpha = 0.05,
  tuningParameter = DEFAULT_SEQUENTIAL_TUNING_PARAMETER,
): FrequentistResult {
  if (effect.error) return defaultFrequentistResult(effect.error);
  const { pointEstimate: pe, standardError: se, n } = effect;
  const rho = sequentialRho(alpha, tuningParameter);
  // The estimator variance se² is per-observation variance / n; the boundary is written in the latter.
  const halfwidth = sequentialHalfwidth(se * se * n, n, alpha, rho);
  // Always-valid p-value = 1 / e-value of the mixture martingale.
  const st2 = (pe * pe * n) / (se * se);
  const nr2p1 = n * rho * rho + 1;
  const evalue = Math.exp((rho * rho * st2) / (2 * nr2p1)) / Math.sqrt(nr2p1);
  return {
    expected: pe,
    ci: [pe - halfwidth, pe + halfwidth],
    p_value: Math.min(1 / evalue, 1),
    uplift: { mean: pe, stddev: se },
  };
}

export function sequentialTwoSidedTTest(input: SequentialInput): FrequentistResult {
  const effect = effectEstimate(input.control, input.treatment, input.metricType, input.relative ?? true);
  return sequentialTestFromEffect(effect, input.alpha ?? 0.05, input.sequentialTuningParameter);
}
