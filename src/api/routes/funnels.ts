import type { FastifyInstance } from 'fastify';
import { computeDropOffDrivers, dropOffInputSchema } from '../../analysis/drop-off-drivers.ts';
import { computeFunnel, funnelInputSchema } from '../../analysis/funnel.ts';
import { resolveScope, scopeInputSchema } from '../../analysis/scope.ts';
import { requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';

export const funnelBodySchema = scopeInputSchema.extend(funnelInputSchema.shape);
export const driversBodySchema = scopeInputSchema.extend(dropOffInputSchema.shape);

export function registerFunnelRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/api/v1/funnels', async (request) => {
    const project = await requireProject(request, ctx);
    const body = funnelBodySchema.parse(request.body);
    return computeFunnel(ctx.store, await resolveScope(ctx.store, project.id, body), body);
  });

  app.post('/api/v1/funnels/drivers', async (request) => {
    const project = await requireProject(request, ctx);
    const body = driversBodySchema.parse(request.body);
    return computeDropOffDrivers(ctx.store, await resolveScope(ctx.store, project.id, body), body);
  });
}
