// Causal lift of an initiative (a journey change shipped on a date): one entry point
// over the three estimators, plus placebo checks and ROI.
import { counterfactualForecast, type ForecastInput, type ForecastResult } from './counterfactual-forecast.ts';
import { differenceInDifferences, type DidInput, type DidResult } from './difference-in-differences.ts';
import { syntheticControl, type SyntheticControlInput, type SyntheticControlResult } from './synthetic-control.ts';

export type EstimateLiftInput =
  | ({ method: 'did' } & DidInput)
  | ({ method: 'forecast' } & ForecastInput)
  | ({ method: 'synthetic_control' } & SyntheticControlInput);

export type EstimateLiftResult = DidResult | ForecastResult | SyntheticControlResult;

export function estimateLift(input: { method: 'did' } & DidInput): DidResult;
export function estimateLift(input: { method: 'forecast' } & ForecastInput): ForecastResult;
export function estimateLift(input: { method: 'synthetic_control' } & SyntheticControlInput): SyntheticControlResult;
export function estimateLift(input: EstimateLiftInput): EstimateLiftResult;
export function estimateLift(input: EstimateLiftInput): EstimateLiftResult {
  switch (input.method) {
    case 'did':
      return differenceInDifferences(input);
    case 'forecast':
      return counterfactualForecast(input);
    case 'synthetic_control':
      return syntheticControl(input);
    default: {
      const never: never = input;
      throw new Error(`unknown lift method: ${(never as { method: string }).method}`);
    }
  }
}

export type * from './types.ts';
export { differenceInDifferences, type DidInput, type DidResult, type DidCellMeans } from './difference-in-differences.ts';
export { counterfactualForecast, type ForecastInput, type ForecastResult, type Covariate } from './counterfactual-forecast.ts';
export { syntheticControl, simplexLeastSquares, type SyntheticControlInput, type SyntheticControlResult, type DonorWeight, type PlaceboRun } from './synthetic-control.ts';
export { placeboTest, type PlaceboInput, type PlaceboResult } from './placebo.ts';
export { initiativeRoi, type RoiInput, type RoiResult, type InitiativeCost, type ChartPoint } from './initiative-roi.ts';
