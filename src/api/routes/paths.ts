import type { FastifyInstance } from 'fastify';
import { computePaths, pathsInputSchema } from '../../analysis/paths.ts';
import { optionalRangeScopeSchema, resolveScopeWithDefaultRange } from '../../scope/scope.ts';
import { requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';

const body = optionalRangeScopeSchema.extend(pathsInputSchema.shape);

export function registerPathsRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/api/v1/paths', doc('Paths from, to or between events (Sankey nodes and links)', body), async (request) => {
    const project = await requireProject(request, ctx);
    const input = body.parse(request.body);
    const scope = await resolveScopeWithDefaultRange(ctx.store, project.id, input);
    return computePaths(ctx.store, scope, input);
  });
}
