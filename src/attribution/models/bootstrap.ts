/**
 * Bootstrap percentile intervals for the data-driven models.
 *
 * A replicate resamples the N journeys with replacement: a multinomial draw of N over the
 * per-path counts of converting and of non-converting journeys (seeded PRNG). A resampled
 * path keeps its mean value per conversion. The model is rerun on each replicate and the
 * central `level` percentile interval of each channel's attributed conversions becomes the
 * row's low/high.
 */
import { quantileSorted } from '../../stats/descriptive.ts';
import { mulberry32, multinomial, type Rng } from '../../stats/random.ts';
import type { AttributionResult, BootstrapOptions, PathAggregate } from './types.ts';

export function resampleJourneys(paths: PathAggregate[], rng: Rng): PathAggregate[] {
  const weights = new Float64Array(paths.length * 2);
  let total = 0;
  paths.forEach((p, i) => {
    weights[2 * i] = p.conversions;
    weights[2 * i + 1] = p.nulls;
    total += p.conversions + p.nulls;
  });
  const counts = multinomial(Math.round(total), weights, rng);
  const out: PathAggregate[] = [];
  paths.forEach((p, i) => {
    const conversions = counts[2 * i];
    const nulls = counts[2 * i + 1];
    if (conversions === 0 && nulls === 0) return;
    const value = p.conversions > 0 ? (p.value * conversions) / p.conversions : 0;
    out.push(p.ageDays ? { path: p.path, conversions, value, nulls, ageDays: p.ageDays } : { path: p.path, conversions, value, nulls });
  });
  return out;
}

export function resolveBootstrap(b: boolean | BootstrapOptions | undefined): Required<BootstrapOptions> | null {
  if (!b) return null;
  const o = b === true ? {} : b;
  const samples = o.samples ?? 200;
  const level = o.level ?? 0.95;
  if (!Number.isInteger(samples) || samples < 2) throw new Error(`bootstrap: samples must be an integer >= 2, got ${samples}`);
  if (!(level > 0 && level < 1)) throw new Error(`bootstrap: level must be in (0, 1), got ${level}`);
  return { samples, level, seed: o.seed ?? 1 };
}

/** Adds low/high to each row of `point` from `samples` reruns of `run` on resampled journeys. */
export function withBootstrap(
  paths: PathAggregate[],
  point: AttributionResult,
  run: (paths: PathAggregate[]) => AttributionResult,
  options: BootstrapOptions,
): AttributionResult {
  const { samples, level, seed } = resolveBootstrap(options)!;
  const rng = mulberry32(seed);
  const draws = new Map<string, Float64Array>(point.channels.map((r) => [r.channel, new Float64Array(samples)]));
  for (let b = 0; b < samples; b++) {
    const rep = run(resampleJourneys(paths, rng));
    for (const row of rep.channels) {
      const d = draws.get(row.channel);
      if (d) d[b] = row.conversions; // channels absent from a replicate keep 0 credit
    }
  }
  const alpha = (1 - level) / 2;
  const channels = point.channels.map((row) => {
    const d = draws.get(row.channel)!.sort();
    return { ...row, low: quantileSorted(d, alpha), high: quantileSorted(d, 1 - alpha) };
  });
  return {
    ...point,
    channels,
    notes: [
      ...point.notes,
      `bootstrap: ${samples} journey resamples, seed ${seed}, ${Math.round(level * 100)}% percentile interval of conversions`,
    ],
  };
}
