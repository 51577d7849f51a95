// Multiple-testing adjustments of p-values: Holm–Bonferroni (family-wise error) and
// Benjamini–Hochberg (false discovery rate). Adjusted p-values are returned in input order.

export function holmBonferroni(pValues: number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    // Step-down: the running maximum keeps adjusted p-values monotone in rank.
    running = Math.max(running, Math.min(p * (m - rank), 1));
    out[i] = running;
  });
  return out;
}

export function benjaminiHochberg(pValues: number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => y.p - x.p);
  const out = new Array<number>(m);
  let running = 1;
  order.forEach(({ p, i }, k) => {
    // Step-up from the largest p-value: rank of this one is m − k.
    running = Math.min(running, Math.min((p * m) / (m - k), 1));
    out[i] = running;
  });
  return out;
}
