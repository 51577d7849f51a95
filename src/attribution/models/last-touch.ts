/**
 * Last touch: all of a converting path's conversions and value go to its last touchpoint.
 */
import { splitModel } from './common.ts';
import type { AttributionResult, ModelOptions, PathAggregate } from './types.ts';

export function lastTouch(paths: PathAggregate[], _options: ModelOptions = {}): AttributionResult {
  return splitModel('last_touch', paths, (p) => p.path.map((_, k) => (k === p.path.length - 1 ? 1 : 0)));
}
