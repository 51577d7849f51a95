// One entry point over the three lift estimators (the placebo check calls it too, so it lives
// apart from the folder's index).
import { counterfactualForecast, type ForecastInput, type ForecastResult } from './counterfactual-forecast.ts';
import { differenceInDifferences, type DidInput, type DidResult } from './difference-in-differences.ts';
import { syntheticControl, type SyntheticControlInput, type SyntheticControlResult } from './synthetic-control.ts';

export type EstimateLiftInput =
  ({ method: 'did' } & DidInput) | ({ method: 'forecast' } & ForecastInput) | ({ method: 'synthetic_control' } & SyntheticControlInput);

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
