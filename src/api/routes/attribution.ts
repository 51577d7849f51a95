/**
 * Attribution and ROI on the project's stored journeys and spend:
 * POST /api/v1/attribution, /api/v1/attribution/compare, /api/v1/roi, /api/v1/roi/marginal.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { resolveScope, scopeInputSchema } from '../../scope/scope.ts';
import { compareAttributionModels, computeAttribution } from '../../attribution/attribution-report.ts';
import { GRANULARITIES } from '../../attribution/journeys.ts';
import { computeMarginal } from '../../attribution/marginal.ts';
import { MODEL_NAMES } from '../../attribution/models/index.ts';
import { computeRoi } from '../../attribution/roi-report.ts';
import { getProject, type Project } from '../../projects/projects.ts';
import { requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';

const modelName = z.enum(MODEL_NAMES as [string, ...string[]]);

const modelOptions = z
  .object({
    directLabel: z.string().optional(),
    halfLifeDays: z.number().positive().optional(),
    firstWeight: z.number().min(0).max(1).optional(),
    lastWeight: z.number().min(0).max(1).optional(),
    order: z.number().int().min(1).max(4).optional(),
    collapse: z.boolean().optional(),
    shapleyVariant: z.enum(['simplified', 'conversion_rate']).optional(),
    bootstrap: z.union([z.boolean(), z.object({ samples: z.number().int().min(2).max(10000).optional(), seed: z.number().int().optional(), level: z.number().gt(0).lt(1).optional() })]).optional(),
  })
  .optional();

const journeyFields = {
  granularity: z.enum(GRANULARITIES).optional(),
  lookbackDays: z.number().positive().max(3650).optional(),
  conversionEvent: z.string().min(1).optional(),
  options: modelOptions,
};

export const attributionBody = scopeInputSchema.extend({ model: modelName.default('markov'), ...journeyFields });
export const compareBody = scopeInputSchema.extend({ models: z.array(modelName).min(1).optional(), ...journeyFields });
export const roiBody = scopeInputSchema.extend({
  model: modelName.optional(),
  models: z.array(modelName).min(1).optional(),
  /** Overrides the project's margin setting. */
  margin: z.number().min(0).max(1).optional(),
  ...journeyFields,
});
export const marginalBody = scopeInputSchema.extend({
  model: modelName.default('markov'),
  margin: z.number().min(0).max(1).optional(),
  lookbackDays: journeyFields.lookbackDays,
  conversionEvent: journeyFields.conversionEvent,
  options: modelOptions,
});

/** The margin as stored now: the key cache may hold settings from before a change. */
async function currentMargin(ctx: AppContext, project: Project): Promise<number> {
  return ((await getProject(ctx.store, project.id)) ?? project).settings.margin;
}

export function registerAttributionRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/api/v1/attribution', doc('Attribution of conversions to touchpoints under one model', attributionBody), async (request) => {
    const project = await requireProject(request, ctx);
    const input = attributionBody.parse(request.body);
    return computeAttribution(ctx.store, await resolveScope(ctx.store, project.id, input), input);
  });

  app.post('/api/v1/attribution/compare', doc('Every attribution model side by side, with where they disagree', compareBody), async (request) => {
    const project = await requireProject(request, ctx);
    const input = compareBody.parse(request.body);
    return compareAttributionModels(ctx.store, await resolveScope(ctx.store, project.id, input), input);
  });

  app.post('/api/v1/roi', doc('Spend, attributed revenue, ROAS, ROI, CPA and CAC per touchpoint', roiBody), async (request) => {
    const project = await requireProject(request, ctx);
    const input = roiBody.parse(request.body);
    const models = input.models ?? [input.model ?? 'markov'];
    return computeRoi(ctx.store, await resolveScope(ctx.store, project.id, input), { ...input, models, margin: input.margin ?? (await currentMargin(ctx, project)) });
  });

  app.post('/api/v1/roi/marginal', doc('Diminishing-returns curves and marginal return per channel', marginalBody), async (request) => {
    const project = await requireProject(request, ctx);
    const input = marginalBody.parse(request.body);
    return computeMarginal(ctx.store, await resolveScope(ctx.store, project.id, input), { ...input, margin: input.margin ?? (await currentMargin(ctx, project)) });
  });
}
