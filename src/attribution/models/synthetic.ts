/**
 * Synthetic path aggregates for benchmarks and tests: reproducible from a seed.
 *
 * Channels have Zipf-like popularity; path lengths are 1–8 (geometric-like); journeys are
 * spread over paths with Zipf weights; each channel has a fixed effect on the log-odds of
 * converting, so data-driven models have real structure to find. Touch ages increase toward
 * the start of the path, so time decay can run too.
 */
import { multinomial, mulberry32, binomial, normal } from '../../stats/random.ts';
import type { PathAggregate } from './types.ts';

export function makeSyntheticPaths(distinctPaths: number, journeys: number, channels: number, seed: number): PathAggregate[] {
  if (!(distinctPaths >= 1 && journeys >= 0 && channels >= 1)) {
    throw new Error('makeSyntheticPaths: need distinctPaths >= 1, journeys >= 0, channels >= 1');
  }
  const rng = mulberry32(seed);
  const names = Array.from({ length: channels }, (_, i) => `ch${String(i + 1).padStart(2, '0')}`);
  const pop = names.map((_, i) => 1 / (i + 1));
  const popSum = pop.reduce((s, x) => s + x, 0);
  const effect = names.map(() => 0.6 * normal(rng));
  const pick = () => {
    let u = rng() * popSum;
    for (let i = 0; i < channels; i++) {
      u -= pop[i];
      if (u <= 0) return i;
    }
    return channels - 1;
  };
  // Capacity check: with few channels there may be fewer possible paths than requested.
  let capacity = 0;
  for (let len = 1, c = channels; len <= 8 && capacity < distinctPaths; len++, c *= channels) capacity += c;
  const target = Math.min(distinctPaths, capacity);
  const seen = new Set<string>();
  const seqs: number[][] = [];
  let attempts = 0;
  while (seqs.length < target && attempts < target * 200) {
    attempts++;
    let len = 1;
    while (len < 8 && rng() < 0.55) len++;
    const seq = Array.from({ length: len }, pick);
    const key = seq.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    seqs.push(seq);
  }
  const weights = seqs.map((_, i) => 1 / Math.pow(i + 1, 0.9));
  const counts = multinomial(journeys, weights, rng);
  return seqs.map((seq, i) => {
    const n = counts[i];
    const logit = -1.6 + seq.reduce((s, c) => s + effect[c], 0) / Math.sqrt(seq.length);
    const conversions = binomial(n, 1 / (1 + Math.exp(-logit)), rng);
    const value = Math.round(conversions * 40 * Math.exp(0.3 * normal(rng)) * 1000) / 1000;
    const ageDays: number[] = new Array(seq.length);
    let age = 0;
    for (let k = seq.length - 1; k >= 0; k--) {
      ageDays[k] = Math.round(age * 100) / 100;
      age += -Math.log(1 - rng()) * 3;
    }
    return { path: seq.map((c) => names[c]), conversions, value, nulls: n - conversions, ageDays };
  });
}
