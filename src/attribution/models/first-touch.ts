/**
 * First touch: all of a converting path's conversions and value go to its first touchpoint.
 */
import { splitModel } from './common.ts';
import type { AttributionResult, ModelOptions, PathAggregate } from './types.ts';

export function firstTouch(paths: PathAggregate[], _options: ModelOptions = {}): AttributionResult {
  return splitModel('first_touch', paths, (p) => p.path.map((_, k) => (k === 0 ? 1 : 0)));
}
