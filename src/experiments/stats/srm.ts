// Sample ratio mismatch: Pearson chi-square of observed users against the configured
// traffic weights (gbstats `check_srm`). A tiny p-value means assignment is broken.
import { chiSquareSf } from '../../stats/distributions.ts';

export interface SrmResult {
  p_value: number;
}

export function checkSrm(users: number[], weights: number[]): SrmResult {
  if (users.length !== weights.length) throw new Error('users and weights must have the same length');
  const totalObserved = users.reduce((s, u) => s + u, 0);
  if (!totalObserved) return { p_value: 1 };
  const totalWeight = weights.reduce((s, w) => s + w, 0);
  let x = 0;
  users.forEach((o, i) => {
    // Variations with no traffic weight are skipped, as gbstats does.
    if (weights[i] <= 0) return;
    const e = (weights[i] / totalWeight) * totalObserved;
    x += (o - e) ** 2 / e;
  });
  return { p_value: chiSquareSf(x, users.length - 1) };
}
