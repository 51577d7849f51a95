import type { FastifyInstance } from 'fastify';
import {
  createPersona,
  createSuggestedPersonas,
  deletePersona,
  getPersona,
  listPersonas,
  PersonaNotFoundError,
  personaInputSchema,
  personaSize,
  updatePersona,
} from '../../journeys/personas.ts';
import { HttpError, requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';

async function notFoundAs404<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof PersonaNotFoundError) throw new HttpError(404, error.message);
    throw error;
  }
}

export function registerPersonaRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/v1/personas', doc('Personas'), async (request) => {
    const project = await requireProject(request, ctx);
    return { personas: await listPersonas(ctx.store, project.id) };
  });

  app.post('/api/v1/personas', doc('Create a persona'), async (request, reply) => {
    const project = await requireProject(request, ctx);
    reply.code(201);
    return createPersona(ctx.store, project.id, request.body);
  });

  /** Adds the suggested personas (bargain hunters, loyal, detractors) the project lacks. */
  app.post('/api/v1/personas/suggested', doc('Create the suggested personas'), async (request) => {
    const project = await requireProject(request, ctx);
    return { personas: await createSuggestedPersonas(ctx.store, project.id) };
  });

  /** Live size of a draft persona (the editor's preview): the same count as /size gives once it is saved. */
  app.post('/api/v1/personas/preview', doc('Persons a draft persona matches', personaInputSchema), async (request) => {
    const project = await requireProject(request, ctx);
    const draft = personaInputSchema.parse({ name: 'draft', ...(request.body as object) });
    return personaSize(ctx.store, project.id, draft);
  });

  app.get('/api/v1/personas/:id', doc('One persona'), async (request) => {
    const project = await requireProject(request, ctx);
    return notFoundAs404(() => getPersona(ctx.store, project.id, (request.params as { id: string }).id));
  });

  app.put('/api/v1/personas/:id', doc('Update a persona'), async (request) => {
    const project = await requireProject(request, ctx);
    return notFoundAs404(() => updatePersona(ctx.store, project.id, (request.params as { id: string }).id, request.body));
  });

  app.delete('/api/v1/personas/:id', doc('Delete a persona'), async (request, reply) => {
    const project = await requireProject(request, ctx);
    await notFoundAs404(() => deletePersona(ctx.store, project.id, (request.params as { id: string }).id));
    return reply.code(204).send();
  });

  app.get('/api/v1/personas/:id/size', doc('Persons in a persona'), async (request) => {
    const project = await requireProject(request, ctx);
    const persona = await notFoundAs404(() => getPersona(ctx.store, project.id, (request.params as { id: string }).id));
    return { id: persona.id, ...(await personaSize(ctx.store, project.id, persona)) };
  });
}
