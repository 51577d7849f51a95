import type { FastifyInstance } from 'fastify';
import { DEFAULT_JOURNEY } from '../../journeys/definition.ts';
import { availableJourneys, deleteJourney, JourneyNotFoundError, resolveJourney, saveJourney } from '../../journeys/journeys.ts';
import { HttpError, requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';

export function registerJourneyRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/v1/journeys', doc('Journeys'), async (request) => {
    const project = await requireProject(request, ctx);
    const journeys = await availableJourneys(ctx.store, project.id);
    return { default: journeys[0]!.id, journeys, template: DEFAULT_JOURNEY };
  });

  app.get('/api/v1/journeys/:id', doc('One journey'), async (request) => {
    const project = await requireProject(request, ctx);
    const { id } = request.params as { id: string };
    try {
      return await resolveJourney(ctx.store, project.id, id);
    } catch (error) {
      if (error instanceof JourneyNotFoundError) throw new HttpError(404, error.message);
      throw error;
    }
  });

  app.post('/api/v1/journeys', doc('Define a journey'), async (request, reply) => {
    const project = await requireProject(request, ctx);
    reply.code(201);
    return saveJourney(ctx.store, project.id, request.body);
  });

  app.put('/api/v1/journeys/:id', doc('Update a journey'), async (request) => {
    const project = await requireProject(request, ctx);
    const { id } = request.params as { id: string };
    return saveJourney(ctx.store, project.id, { ...(request.body as object), id });
  });

  app.delete('/api/v1/journeys/:id', doc('Delete a journey'), async (request, reply) => {
    const project = await requireProject(request, ctx);
    const { id } = request.params as { id: string };
    if (!(await deleteJourney(ctx.store, project.id, id))) throw new HttpError(404, `no journey "${id}"`);
    return reply.code(204).send();
  });
}
