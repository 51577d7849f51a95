import type { FastifyInstance } from 'fastify';
import { optionalRangeScopeSchema, resolveScopeWithDefaultRange } from '../../scope/scope.ts';
import { predictCustomers, predictionInputSchema } from '../../predictions/predict-customers.ts';
import { requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';

/** Scope (from/to default to the project's data range) plus the prediction options. */
export const clvBodySchema = optionalRangeScopeSchema.extend(predictionInputSchema.shape);

export function registerPredictionRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/api/v1/predictions/clv', doc('Customer lifetime value and churn risk (BG/NBD + Gamma-Gamma) with a holdout check', clvBodySchema), async (request) => {
    const project = await requireProject(request, ctx);
    const body = clvBodySchema.parse(request.body);
    return predictCustomers(ctx.store, await resolveScopeWithDefaultRange(ctx.store, project.id, body), body);
  });
}
