/**
 * Last non-direct touch: credit goes to the last touchpoint whose label is not the direct
 * label (exact, case-sensitive match; option `directLabel`, default "Direct"). A path made
 * only of direct touches credits the direct label, so no conversion is dropped.
 */
import { splitModel } from './common.ts';
import type { AttributionResult, ModelOptions, PathAggregate } from './types.ts';

export function lastNonDirect(paths: PathAggregate[], options: ModelOptions = {}): AttributionResult {
  const direct = options.directLabel ?? 'Direct';
  return splitModel('last_non_direct', paths, (p) => {
    let target = p.path.length - 1;
    for (let k = p.path.length - 1; k >= 0; k--) {
      if (p.path[k] !== direct) {
        target = k;
        break;
      }
    }
    return p.path.map((_, k) => (k === target ? 1 : 0));
  });
}
