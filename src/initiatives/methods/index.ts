// Causal lift of an initiative (a journey change shipped on a date): one entry point
// over the three estimators, plus placebo checks and ROI.
export { estimateLift, type EstimateLiftInput, type EstimateLiftResult } from './estimate-lift.ts';
export type * from './types.ts';
export { differenceInDifferences, type DidInput, type DidResult, type DidCellMeans } from './difference-in-differences.ts';
export { counterfactualForecast, type ForecastInput, type ForecastResult, type Covariate } from './counterfactual-forecast.ts';
export {
  syntheticControl,
  simplexLeastSquares,
  type SyntheticControlInput,
  type SyntheticControlResult,
  type DonorWeight,
  type PlaceboRun,
} from './synthetic-control.ts';
export { placeboTest, type PlaceboInput, type PlaceboResult } from './placebo.ts';
export { initiativeRoi, type RoiInput, type RoiResult, type InitiativeCost, type ChartPoint } from './initiative-roi.ts';
