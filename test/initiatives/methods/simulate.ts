// Seeded generators of daily series with known structure for the lift-method tests.
import { addDays } from '../../../src/initiatives/methods/stats.ts';
import { mulberry32, normalSampler } from '../../../src/stats/random.ts';
import type { DailyPoint } from '../../../src/initiatives/methods/types.ts';

export function gen(seed: number) {
  const rng = mulberry32(seed);
  const normal = normalSampler(rng);
  return { rng, normal };
}

/** AR(1) noise path with innovation sd `sd` and stationary start. */
export function ar1(n: number, rho: number, sd: number, normal: () => number): number[] {
  const out: number[] = [];
  let e = (normal() * sd) / Math.sqrt(1 - rho * rho);
  for (let i = 0; i < n; i++) {
    if (i > 0) e = rho * e + normal() * sd;
    out.push(e);
  }
  return out;
}

export function toPoints(start: string, values: number[]): DailyPoint[] {
  return values.map((value, i) => ({ date: addDays(start, i), value }));
}
