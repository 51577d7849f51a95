/**
 * Position based (U-shaped): the first and last touches get 40% each (options firstWeight,
 * lastWeight) and the middle touches share the remaining 20% equally. A one-touch path gives
 * 100% to its touch; a two-touch path has no middle, so the middle share is split in
 * proportion to the end weights (50/50 with the defaults).
 */
import { splitModel } from './common.ts';
import type { AttributionResult, ModelOptions, PathAggregate } from './types.ts';

export function positionBased(paths: PathAggregate[], options: ModelOptions = {}): AttributionResult {
  const first = options.firstWeight ?? 0.4;
  const last = options.lastWeight ?? 0.4;
  if (first < 0 || last < 0 || first + last > 1 || first + last === 0) {
    throw new Error(`position_based: need firstWeight, lastWeight >= 0 with 0 < sum <= 1, got ${first}, ${last}`);
  }
  return splitModel('position_based', paths, (p) => {
    const n = p.path.length;
    if (n === 1) return [1];
    if (n === 2) return [first / (first + last), last / (first + last)];
    const middle = (1 - first - last) / (n - 2);
    return p.path.map((_, k) => (k === 0 ? first : k === n - 1 ? last : middle));
  });
}
