// Multiple-testing corrections across treatments/metrics, as GrowthBook applies them to result
// tables. The p-value adjustments themselves (Holm–Bonferroni, Benjamini–Hochberg) are generic
// and live in src/stats/multiple-testing.ts; the interval widening below is GrowthBook's.
import { normalQuantile } from '../../stats/distributions.ts';

/**
 * GrowthBook widens a CI to match its adjusted p-value: it infers the standard error
 * that would give the adjusted p-value for the observed lift, and rebuilds the normal
 * interval. Never narrower than the original; unbounded when the adjusted p-value is 1.
 */
export function adjustedCi(adjustedPValue: number, lift: number, alpha: number, ci: [number, number]): [number, number] {
  if (adjustedPValue > 0.999999) return [-Infinity, Infinity];
  if (!lift) return ci;
  const z = normalQuantile(1 - alpha / 2);
  const sd = Math.abs(lift / normalQuantile(1 - adjustedPValue / 2));
  const adj: [number, number] = [lift - z * sd, lift + z * sd];
  return adj[0] < ci[0] && adj[1] > ci[1] ? adj : ci;
}
