import type { FastifyInstance } from 'fastify';
import {
  initiativeAnnotations,
  initiativeInputSchema,
  createInitiative,
  getInitiative,
  listInitiatives,
  removeInitiative,
  updateInitiative,
  type Initiative,
} from '../../initiatives/initiatives.ts';
import { initiativeReport } from '../../initiatives/initiative-report.ts';
import { HttpError, requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';

type WithId = { Params: { id: string } };

export function registerInitiativeRoutes(app: FastifyInstance, ctx: AppContext): void {
  const found = async (projectId: string, id: string): Promise<Initiative> => {
    const initiative = await getInitiative(ctx.store, projectId, id);
    if (!initiative) throw new HttpError(404, `no initiative "${id}"`);
    return initiative;
  };

  app.get('/api/v1/initiatives', doc('Initiatives (journey changes)', initiativeInputSchema), async (request) => {
    const project = await requireProject(request, ctx);
    return { initiatives: await listInitiatives(ctx.store, project.id) };
  });

  app.post('/api/v1/initiatives', doc('Record an initiative', initiativeInputSchema), async (request, reply) => {
    const project = await requireProject(request, ctx);
    const initiative = await createInitiative(ctx.store, project.id, initiativeInputSchema.parse(request.body));
    return reply.code(201).send(initiative);
  });

  app.get<WithId>('/api/v1/initiatives/:id', doc('One initiative', initiativeInputSchema), async (request) => {
    const project = await requireProject(request, ctx);
    return found(project.id, request.params.id);
  });

  app.put<WithId>('/api/v1/initiatives/:id', doc('Update an initiative', initiativeInputSchema), async (request) => {
    const project = await requireProject(request, ctx);
    const updated = await updateInitiative(ctx.store, project.id, request.params.id, initiativeInputSchema.parse(request.body));
    if (!updated) throw new HttpError(404, `no initiative "${request.params.id}"`);
    return updated;
  });

  app.delete<WithId>('/api/v1/initiatives/:id', doc('Delete an initiative'), async (request) => {
    const project = await requireProject(request, ctx);
    if (!(await removeInitiative(ctx.store, project.id, request.params.id)))
      throw new HttpError(404, `no initiative "${request.params.id}"`);
    return { deleted: request.params.id };
  });

  app.get<WithId>('/api/v1/initiatives/:id/report', doc('Causal lift, incremental revenue and ROI of an initiative'), async (request) => {
    const project = await requireProject(request, ctx);
    const initiative = await found(project.id, request.params.id);
    return initiativeReport(ctx.store, project.id, initiative, { grossMargin: project.settings.margin });
  });

  // Ship dates of initiatives, for markers on the dashboard's time charts.
  app.get('/api/v1/annotations', doc('Annotations for time charts'), async (request) => {
    const project = await requireProject(request, ctx);
    return { annotations: await initiativeAnnotations(ctx.store, project.id) };
  });
}
