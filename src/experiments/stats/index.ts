// Public surface of the A/B statistics: pure functions over per-variation summaries.
export * from './types.ts';
export { armStats, effectEstimate, effectFromArms, welchDof } from './moments.ts';
export { twoSidedTTest, tTestFromEffect, type FrequentistInput, type FrequentistResult } from './frequentist.ts';
export {
  DEFAULT_SEQUENTIAL_TUNING_PARAMETER,
  sequentialTwoSidedTTest,
  sequentialTestFromEffect,
  sequentialRho,
  sequentialHalfwidth,
  type SequentialInput,
} from './sequential.ts';
export {
  effectBayesianABTest,
  bayesianTestFromEffect,
  gaussianRisk,
  FLAT_PRIOR,
  type BayesianInput,
  type BayesianOptions,
  type BayesianResult,
  type GaussianPrior,
} from './bayesian.ts';
export { checkSrm, type SrmResult } from './srm.ts';
export { cupedEffect, cupedArm, pooledTheta, type CupedSummary, type CupedArm, type CupedEffect } from './cuped.ts';
export { holmBonferroni, benjaminiHochberg } from '../../stats/multiple-testing.ts';
export { adjustedCi } from './corrections.ts';
export { runAb, runAbFromFile, abInputSchema, type AbInput, type AbReport, type AbResult } from './ab-input.ts';
