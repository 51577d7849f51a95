// Multiple-testing corrections across treatments/metrics, as GrowthBook applies them
// to result tables: Holm–Bonferroni (family-wise error) and Benjamini–Hochberg (FDR).
// Adjusted p-values are returned in input order.
import { normalQuantile } from '../../stats/distributions.ts';

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

/**
 * GrowthBook widens a CI to match its adjusted p-value: it infers the standard error
 * that would give the adjusted p-value for the observed lift, and rebuilds the normal
 * interval. Never narrower than the original; unbounded when the adjusted p-value is 1.
 */
export function adjustedCi(
  adjustedPValue: number,
  lift: number,
  alpha: number,
  ci: [number, number],
): [number, number] {
  if (adjustedPValue > 0.999999) return [-Infinity, Infinity];
  if (!lift) return ci;
  const z = normalQuantile(1 - alpha / 2);
  const sd = Math.abs(lift / normalQuantile(1 - adjustedPValue / 2));
  const adj: [number, number] = [lift - z * sd, lift + z * sd];
  return adj[0] < ci[0] && adj[1] > ci[1] ? adj : ci;
}
