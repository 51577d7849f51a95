// Rounding for comparisons with published vectors (seeded generators live in src/stats/random.ts).

/** Rounds like numpy.round(x, decimals) for the non-tie values used in the vectors. */
export function round(x: number, decimals = 5): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}
