// A/B analysis of one metric from a JSON file of per-variation summary statistics.
// The first variation is the control; every other variation is compared against it.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { bayesianTestFromEffect, type GaussianPrior } from './bayesian.ts';
import { benjaminiHochberg, holmBonferroni } from '../../stats/multiple-testing.ts';
import { adjustedCi } from './corrections.ts';
import { cupedEffect } from './cuped.ts';
import { tTestFromEffect } from './frequentist.ts';
import { armStats, effectFromArms } from './moments.ts';
import { DEFAULT_SEQUENTIAL_TUNING_PARAMETER, sequentialTestFromEffect } from './sequential.ts';
import type { EffectEstimate, MetricType } from './types.ts';

const variationSchema = z.object({
  name: z.string().min(1),
  n: z.number().int().nonnegative(),
  sum: z.number(),
  sum_squares: z.number().optional(),
  // CUPED covariate (the metric measured before exposure); all three or none.
  pre_sum: z.number().optional(),
  pre_sum_squares: z.number().optional(),
  sum_product: z.number().optional(),
});

export const abInputSchema = z
  .object({
    metric_type: z.enum(['binomial', 'mean']),
    method: z.enum(['frequentist', 'bayesian', 'sequential']),
    relative: z.boolean().default(true),
    alpha: z.number().gt(0).lt(1).default(0.05),
    variations: z.array(variationSchema).min(2),
    prior: z
      .object({ mean: z.number().default(0), variance: z.number().positive().default(1), proper: z.boolean().default(true) })
      .optional(),
    prior_type: z.enum(['relative', 'absolute']).default('relative'),
    inverse: z.boolean().default(false),
    sequential_tuning_parameter: z.number().positive().default(DEFAULT_SEQUENTIAL_TUNING_PARAMETER),
    correction: z.enum(['none', 'holm-bonferroni', 'benjamini-hochberg']).default('none'),
  })
  .superRefine((v, ctx) => {
    v.variations.forEach((x, i) => {
      if (v.metric_type === 'mean' && x.sum_squares === undefined) {
        ctx.addIssue({ code: 'custom', path: ['variations', i, 'sum_squares'], message: 'required for mean metrics' });
      }
    });
    const withPre = v.variations.filter((x) => x.pre_sum !== undefined || x.pre_sum_squares !== undefined || x.sum_product !== undefined);
    const complete = (x: (typeof v.variations)[number]) =>
      x.pre_sum !== undefined && x.sum_product !== undefined && (v.metric_type === 'binomial' || x.pre_sum_squares !== undefined);
    if (withPre.length > 0 && !(withPre.length === v.variations.length && v.variations.every(complete))) {
      ctx.addIssue({
        code: 'custom',
        path: ['variations'],
        message: 'CUPED needs pre_sum, pre_sum_squares and sum_product on every variation',
      });
    }
  });

export type AbInput = z.input<typeof abInputSchema>;

/**
 * `waymark stats ab --input FILE --json` prints an AbReport:
 * {
 *   "metric_type": "binomial" | "mean", "method": "frequentist" | "bayesian" | "sequential",
 *   "relative": boolean, "alpha": number, "cuped": boolean,
 *   "variations": [{ "name", "n", "mean", "stddev", "adjusted_mean"? }],   // control first
 *   "results": [{                                // one per treatment, in input order
 *     "name", "expected", "ci": [lo, hi], "uplift": { "mean", "stddev" },
 *     "p_value"?, "p_value_adjusted"?, "ci_adjusted"?,   // frequentist / sequential
 *     "chance_to_win"?, "risk"?: [control, treatment], "risk_type"?,   // bayesian
 *     "theta"?, "error"?
 *   }]
 * }
 * Unbounded adjusted CI ends are printed as null (JSON has no Infinity).
 */
export interface AbVariationReport {
  name: string;
  n: number;
  mean: number;
  stddev: number;
  adjusted_mean?: number;
}

export interface AbResult {
  name: string;
  expected: number;
  ci: [number, number];
  uplift: { mean: number; stddev: number };
  p_value?: number;
  p_value_adjusted?: number;
  ci_adjusted?: [number | null, number | null];
  chance_to_win?: number;
  risk?: [number, number];
  risk_type?: 'relative' | 'absolute';
  theta?: number;
  error?: string;
}

export interface AbReport {
  metric_type: MetricType;
  method: 'frequentist' | 'bayesian' | 'sequential';
  relative: boolean;
  alpha: number;
  cuped: boolean;
  variations: AbVariationReport[];
  results: AbResult[];
}

export function runAb(raw: unknown): AbReport {
  const input = abInputSchema.parse(raw);
  const type = input.metric_type;
  const summaries = input.variations.map((v) => ({
    n: v.n,
    sum: v.sum,
    sumSquares: type === 'binomial' ? v.sum : (v.sum_squares as number),
    preSum: v.pre_sum ?? 0,
    preSumSquares: type === 'binomial' ? (v.pre_sum ?? 0) : (v.pre_sum_squares ?? 0),
    sumProduct: v.sum_product ?? 0,
  }));
  const cuped = input.variations[0].pre_sum !== undefined;
  const control = summaries[0];
  const prior: GaussianPrior | undefined = input.prior
    ? { mean: input.prior.mean, variance: input.prior.variance, proper: input.prior.proper }
    : undefined;

  const effects: (EffectEstimate & { theta?: number })[] = summaries
    .slice(1)
    .map((t) =>
      cuped ? cupedEffect(control, t, type, input.relative) : effectFromArms(armStats(control, type), armStats(t, type), input.relative),
    );

  const results: AbResult[] = effects.map((effect, i) => {
    const name = input.variations[i + 1].name;
    const theta = cuped ? effect.theta : undefined;
    if (input.method === 'bayesian') {
      const r = bayesianTestFromEffect(effect, { alpha: input.alpha, prior, priorType: input.prior_type, inverse: input.inverse });
      return { name, ...r, theta };
    }
    const r =
      input.method === 'sequential'
        ? sequentialTestFromEffect(effect, input.alpha, input.sequential_tuning_parameter)
        : tTestFromEffect(effect, input.alpha);
    return { name, ...r, theta };
  });

  if (input.method !== 'bayesian' && input.correction !== 'none') {
    const ps = results.map((r) => r.p_value as number);
    const adj = input.correction === 'holm-bonferroni' ? holmBonferroni(ps) : benjaminiHochberg(ps);
    results.forEach((r, i) => {
      r.p_value_adjusted = adj[i];
      const ci = adjustedCi(adj[i], r.expected, input.alpha, r.ci);
      r.ci_adjusted = [Number.isFinite(ci[0]) ? ci[0] : null, Number.isFinite(ci[1]) ? ci[1] : null];
    });
  }
  for (const r of results) {
    if (r.error === undefined) delete r.error;
    if (r.theta === undefined) delete r.theta;
  }

  const theta0 = cuped ? (effects[0].theta ?? 0) : 0;
  const variations: AbVariationReport[] = input.variations.map((v, i) => {
    const arm = armStats(summaries[i], type);
    const report: AbVariationReport = { name: v.name, n: v.n, mean: arm.mean, stddev: Math.sqrt(Math.max(arm.variance, 0)) };
    // With several treatments θ differs per comparison; the first comparison's θ is shown.
    if (cuped) report.adjusted_mean = arm.mean - theta0 * (summaries[i].n > 0 ? summaries[i].preSum / summaries[i].n : 0);
    return report;
  });

  return {
    metric_type: type,
    method: input.method,
    relative: input.relative,
    alpha: input.alpha,
    cuped,
    variations,
    results,
  };
}

export function runAbFromFile(path: string): AbReport {
  return runAb(JSON.parse(readFileSync(path, 'utf8')));
}
