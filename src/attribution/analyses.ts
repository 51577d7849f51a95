/**
 * The attribution analyses as registry definitions: one model, all models compared, ROI per
 * touchpoint, and marginal returns. Their shared request fields live here.
 */
import { z } from 'zod';
import { getProject, type Project } from '../projects/projects.ts';
import { defineAnalysis } from '../registry/define.ts';
import type { Store } from '../store/store.ts';
import { compareAttributionModels, computeAttribution } from './attribution-report.ts';
import { GRANULARITIES, touchedConvertersSql } from './journeys.ts';
import { computeMarginal } from './marginal.ts';
import { MODEL_NAMES } from './models/index.ts';
import { computeRoi } from './roi-report.ts';

const modelName = z.enum(MODEL_NAMES as [string, ...string[]]);

/**
 * Drill-down of a touchpoint row (attribution, model comparison, ROI): the converters it touched
 * within the lookback window, whatever share of credit a model gives it.
 */
const touchpointPeople = {
  selection: z.object({ touchpoint: z.string().min(1) }),
  sql: (
    q: Parameters<typeof touchedConvertersSql>[0],
    scope: Parameters<typeof touchedConvertersSql>[1],
    input: { granularity?: (typeof GRANULARITIES)[number]; lookbackDays?: number; conversionEvent?: string },
    selection: { touchpoint: string },
  ) =>
    touchedConvertersSql(
      q,
      scope,
      { granularity: input.granularity, lookbackDays: input.lookbackDays, conversionEvent: input.conversionEvent },
      selection.touchpoint,
    ),
};

const modelOptions = z
  .object({
    directLabel: z.string().optional(),
    halfLifeDays: z.number().positive().optional(),
    firstWeight: z.number().min(0).max(1).optional(),
    lastWeight: z.number().min(0).max(1).optional(),
    order: z.number().int().min(1).max(4).optional(),
    collapse: z.boolean().optional(),
    shapleyVariant: z.enum(['simplified', 'conversion_rate']).optional(),
    bootstrap: z
      .union([
        z.boolean(),
        z.object({
          samples: z.number().int().min(2).max(10000).optional(),
          seed: z.number().int().optional(),
          level: z.number().gt(0).lt(1).optional(),
        }),
      ])
      .optional(),
  })
  .optional();

const journeyFields = {
  granularity: z.enum(GRANULARITIES).optional(),
  lookbackDays: z.number().positive().max(3650).optional(),
  conversionEvent: z.string().min(1).optional(),
  options: modelOptions,
};

export const attributionInput = z.object({ model: modelName.default('markov'), ...journeyFields });
export const compareInput = z.object({ models: z.array(modelName).min(1).optional(), ...journeyFields });
export const roiInput = z.object({
  model: modelName.optional(),
  models: z.array(modelName).min(1).optional(),
  /** Overrides the project's margin setting. */
  margin: z.number().min(0).max(1).optional(),
  ...journeyFields,
});
export const marginalInput = z.object({
  model: modelName.default('markov'),
  margin: z.number().min(0).max(1).optional(),
  lookbackDays: journeyFields.lookbackDays,
  conversionEvent: journeyFields.conversionEvent,
  options: modelOptions,
});

/** The margin as stored now: a key cache may hold settings from before a change. */
async function currentMargin(store: Store, project: Project): Promise<number> {
  return ((await getProject(store, project.id)) ?? project).settings.margin;
}

export const attributionAnalysis = defineAnalysis({
  id: 'attribution',
  path: '/api/v1/attribution',
  summary: 'Attribution of conversions to touchpoints under one model (touches, not incrementality: see the MMM)',
  access: 'read',
  input: attributionInput,
  run: ({ store, scope }, input) => computeAttribution(store, scope, input),
  people: touchpointPeople,
});

export const attributionCompareAnalysis = defineAnalysis({
  id: 'attribution-compare',
  command: 'attribution compare',
  path: '/api/v1/attribution/compare',
  summary: 'Every attribution model side by side, with where they disagree',
  access: 'read',
  input: compareInput,
  run: ({ store, scope }, input) => compareAttributionModels(store, scope, input),
  people: touchpointPeople,
});

export const roiAnalysis = defineAnalysis({
  id: 'roi',
  path: '/api/v1/roi',
  summary: 'Spend, attributed revenue, ROAS, ROI, CPA and CAC per touchpoint',
  access: 'read',
  input: roiInput,
  run: async ({ store, scope, project }, input) =>
    computeRoi(store, scope, {
      ...input,
      models: input.models ?? [input.model ?? 'markov'],
      margin: input.margin ?? (await currentMargin(store, project)),
    }),
  people: touchpointPeople,
});

export const marginalAnalysis = defineAnalysis({
  id: 'roi-marginal',
  command: 'roi marginal',
  path: '/api/v1/roi/marginal',
  summary: 'Diminishing-returns curves and marginal return per channel',
  access: 'read',
  input: marginalInput,
  run: async ({ store, scope, project }, input) =>
    computeMarginal(store, scope, { ...input, margin: input.margin ?? (await currentMargin(store, project)) }),
});
