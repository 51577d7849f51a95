/**
 * Time decay: touch k of a converting path gets weight 2^(−age_k / halfLife), normalised over
 * the path, where age_k (PathAggregate.ageDays[k]) is the touch's age in days before the
 * conversion. Default half-life 7 days. Converting paths without ageDays are an error, since
 * guessing ages would silently turn this into another model.
 */
import { splitModel } from './common.ts';
import type { AttributionResult, ModelOptions, PathAggregate } from './types.ts';

export function timeDecay(paths: PathAggregate[], options: ModelOptions = {}): AttributionResult {
  const halfLife = options.halfLifeDays ?? 7;
  if (!(halfLife > 0) || !Number.isFinite(halfLife)) {
    throw new Error(`time_decay: halfLifeDays must be a positive number, got ${halfLife}`);
  }
  return splitModel(
    'time_decay',
    paths,
    (p, i) => {
      const ages = p.ageDays;
      if (!ages || ages.length !== p.path.length) {
        throw new Error(
          `time_decay needs ageDays (one age per touch) on every converting path; path aggregate ${i} ` +
            `(${p.path.join(' > ')}) has ${ages ? `${ages.length} ages for ${p.path.length} touches` : 'none'}`,
        );
      }
      const raw = ages.map((a, k) => {
        if (!Number.isFinite(a) || a < 0) {
          throw new Error(`time_decay: path aggregate ${i} has an invalid age ${a} at position ${k}`);
        }
        return Math.pow(2, -a / halfLife);
      });
      const sum = raw.reduce((s, w) => s + w, 0);
      return raw.map((w) => w / sum);
    },
    [`half-life ${halfLife} days`],
  );
}
