// Entry points behind `waymark stats ab` and `waymark stats srm`. Each returns the
// object the CLI prints with --json.
//
// waymark stats ab --input FILE --json  → AbReport (shape documented in stats/ab-input.ts):
//   { metric_type, method, relative, alpha, cuped,
//     variations: [{ name, n, mean, stddev, adjusted_mean? }],
//     results: [{ name, expected, ci: [lo, hi], uplift: { mean, stddev },
//                 p_value? | chance_to_win?, risk?: [control, treatment], ... }] }
// waymark stats srm --users 1000,1200 --weights 0.5,0.5 --json  → { "p_value": number }
import { checkSrm } from '../experiments/stats/srm.ts';

export { runAbFromFile, runAb, type AbReport } from '../experiments/stats/ab-input.ts';

export function runSrm(users: number[], weights: number[]): { p_value: number } {
  if (users.length < 2) throw new Error('SRM needs at least two variations');
  if (users.some((u) => !Number.isFinite(u) || u < 0)) throw new Error('users must be non-negative numbers');
  if (weights.some((w) => !Number.isFinite(w) || w < 0)) throw new Error('weights must be non-negative numbers');
  return checkSrm(users, weights);
}
