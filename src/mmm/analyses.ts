/**
 * The MMM analyses as registry definitions: the model (`mmm`), the budget planner (`budget`),
 * the ROI reconciliation (`roi reconcile`), and storing a control series (`mmm controls`).
 */
import { z } from 'zod';
import { MODEL_NAMES } from '../attribution/models/index.ts';
import { defineAnalysis } from '../registry/define.ts';
import type { AnalysisScope } from '../scope/scope.ts';
import type { Project } from '../projects/projects.ts';
import type { Store } from '../store/store.ts';
import { BudgetError, planBudget, type BudgetPlan } from './budget.ts';
import { controlSeriesSchema, saveControlSeries } from './data.ts';
import { computeMmm, fittedModel, MmmInputError, mmmFitFields, mmmInputSchema } from './mmm.ts';
import { fitQuality } from './report.ts';
import { reconcileRoi } from './reconcile.ts';

export const budgetInputSchema = z.object({
  ...mmmFitFields,
  /** Budget over the period. */
  total: z.number().positive().optional(),
  /** Or: the incremental KPI to reach at least cost. */
  target: z.number().positive().optional(),
  days: z.number().int().min(1).max(366).default(30),
  /** Per-channel bounds on the period's spend (default 50%..150% of the current plan, within the spend the data covered). */
  bounds: z.record(z.string(), z.object({ min: z.number().min(0).optional(), max: z.number().min(0).optional() })).optional(),
});

export interface BudgetReport extends Omit<BudgetPlan, 'expected'> {
  kpi: string;
  interval: number;
  expected: BudgetPlan['expected'];
  fit: { r2: number; mape: number; wape: number; converged: boolean };
  timings: { queryMs: number; fitMs: number; optimizeMs: number; cached: boolean };
}

export async function computeBudget(
  store: Store,
  project: Project,
  scope: AnalysisScope,
  input: z.output<typeof budgetInputSchema>,
): Promise<BudgetReport> {
  if (input.total === undefined && input.target === undefined) throw new MmmInputError('total: give a total budget (or a target)');
  const m = await fittedModel(store, project, scope, input);
  const t0 = performance.now();
  let plan: BudgetPlan;
  try {
    plan = planBudget(m.fit, {
      total: input.total,
      target: input.total === undefined ? input.target : undefined,
      days: input.days,
      bounds: input.bounds,
      interval: input.interval,
    });
  } catch (error) {
    if (error instanceof BudgetError) throw new MmmInputError(error.message);
    throw error;
  }
  const optimizeMs = performance.now() - t0;
  return {
    kpi: input.kpi,
    interval: input.interval,
    ...plan,
    notes: [...plan.notes, ...m.notes],
    fit: { ...fitQuality(m.fit), converged: m.fit.diagnostics.converged },
    timings: { queryMs: m.queryMs, fitMs: m.fitMs, optimizeMs, cached: m.cached },
  };
}

export const mmmAnalysis = defineAnalysis({
  id: 'mmm',
  path: '/api/v1/mmm',
  summary:
    'Bayesian marketing-mix model: per-channel contribution, ROI and marginal ROI with credible intervals, response curves, calibrated by measured lifts',
  access: 'read',
  input: mmmInputSchema,
  defaultPeriod: 'all',
  run: ({ store, project, scope }, input) => computeMmm(store, project, scope, input),
});

export const budgetAnalysis = defineAnalysis({
  id: 'budget',
  path: '/api/v1/budget',
  summary:
    'Budget planner on the marketing-mix model: the allocation that maximises expected incremental KPI (or reaches a target at least cost), against the current plan',
  access: 'read',
  input: budgetInputSchema,
  defaultPeriod: 'all',
  run: ({ store, project, scope }, input) => computeBudget(store, project, scope, input),
});

export const reconcileInputSchema = z.object({ ...mmmFitFields, model: z.enum(MODEL_NAMES as [string, ...string[]]).default('markov') });

export const roiReconcileAnalysis = defineAnalysis({
  id: 'roi-reconcile',
  command: 'roi reconcile',
  path: '/api/v1/roi/reconcile',
  summary: 'Per channel: attribution credit, MMM ROI with its interval and measured lifts side by side, with disagreements marked',
  access: 'read',
  input: reconcileInputSchema,
  defaultPeriod: 'all',
  run: ({ store, project, scope }, input) => reconcileRoi(store, project, scope, input),
});

export const mmmControlsAnalysis = defineAnalysis({
  id: 'mmm-controls',
  command: 'mmm controls',
  path: '/api/v1/mmm/controls',
  summary: 'Store a control series for the marketing-mix model (price index, promotions, competitor or macro data)',
  access: 'write',
  input: controlSeriesSchema,
  scoped: false,
  run: async ({ store, project }, input) => {
    await saveControlSeries(store, project.id, input);
    return { name: input.name, days: input.values.length };
  },
});
