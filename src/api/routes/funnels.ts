import type { FastifyInstance } from 'fastify';
import { computeDropOffDrivers, dropOffInputSchema } from '../../analysis/drop-off-drivers.ts';
import { computeFunnel, funnelInputSchema } from '../../analysis/funnel.ts';
import { resolveScope, scopeInputSchema } from '../../scope/scope.ts';
import { requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';

export const funnelBodySchema = scopeInputSchema.extend(funnelInputSchema.shape);
export const driversBodySchema = scopeInputSchema.extend(dropOffInputSchema.shape);

export function registerFunnelRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/api/v1/funnels', doc('Funnel conversion, drop-off and time to convert', funnelBodySchema), async (request) => {
    const project = await requireProject(request, ctx);
    const body = funnelBodySchema.parse(request.body);
    return computeFunnel(ctx.store, await resolveScope(ctx.store, project.id, body), body);
  });

  app.post('/api/v1/funnels/drivers', doc('Drop-off drivers of a funnel step (correlation)', driversBodySchema), async (request) => {
    const project = await requireProject(request, ctx);
    const body = driversBodySchema.parse(request.body);
    return computeDropOffDrivers(ctx.store, await resolveScope(ctx.store, project.id, body), body);
  });
}
