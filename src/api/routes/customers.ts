import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CustomerNotFoundError, getCustomerTimeline, searchCustomers } from '../../analysis/customer-timeline.ts';
import { ScopeError } from '../../scope/scope.ts';
import { JourneyNotFoundError } from '../../journeys/journeys.ts';
import { HttpError, requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';

const searchQuery = z.object({
  q: z.string().trim().min(1, 'q: give an id prefix, email or name'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const timelineQuery = z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(500), journeyId: z.string().min(1).optional() });

export function registerCustomerRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/v1/customers', doc('Search persons', undefined, searchQuery), async (request) => {
    const project = await requireProject(request, ctx);
    const input = searchQuery.parse(request.query);
    return { customers: await searchCustomers(ctx.store, project.id, input.q, input.limit) };
  });

  app.get('/api/v1/customers/:id/timeline', doc("One person's cross-channel timeline", undefined, timelineQuery), async (request) => {
    const project = await requireProject(request, ctx);
    const input = timelineQuery.parse(request.query);
    try {
      return await getCustomerTimeline(ctx.store, project.id, (request.params as { id: string }).id, input);
    } catch (error) {
      if (error instanceof CustomerNotFoundError) throw new HttpError(404, error.message);
      if (error instanceof JourneyNotFoundError) throw new ScopeError(`journeyId: ${error.message}`);
      throw error;
    }
  });
}
