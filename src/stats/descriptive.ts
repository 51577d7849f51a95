/** Sums, means and sample quantiles shared by the models. */

export function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

export function mean(xs: readonly number[]): number {
  return sum(xs) / xs.length;
}

/** Linear-interpolated quantile (type 7, R's default) of a sorted sample; NaN when empty. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Type-7 quantile of an unsorted sample (sorts a copy). */
export function quantile(xs: readonly number[], p: number): number {
  return quantileSorted(
    [...xs].sort((a, b) => a - b),
    p,
  );
}
