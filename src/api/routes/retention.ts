import type { FastifyInstance } from 'fastify';
import { computeRetention, retentionInputSchema } from '../../analysis/retention.ts';
import { optionalRangeScopeSchema, resolveScopeWithDefaultRange } from '../../scope/scope.ts';
import { requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';

const body = optionalRangeScopeSchema.extend(retentionInputSchema.shape);

export function registerRetentionRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/api/v1/retention', doc('Cohort retention', body), async (request) => {
    const project = await requireProject(request, ctx);
    const input = body.parse(request.body);
    const scope = await resolveScopeWithDefaultRange(ctx.store, project.id, input);
    return computeRetention(ctx.store, scope, input);
  });
}
