/**
 * Linear: each touch occurrence gets an equal share 1/length of the path's conversions and
 * value; a channel that appears twice gets two shares (the ChannelAttribution convention).
 */
import { splitModel } from './common.ts';
import type { AttributionResult, ModelOptions, PathAggregate } from './types.ts';

export function linear(paths: PathAggregate[], _options: ModelOptions = {}): AttributionResult {
  return splitModel('linear', paths, (p) => p.path.map(() => 1 / p.path.length));
}
