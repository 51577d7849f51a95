import type { FastifyInstance } from 'fastify';
import { experimentReport } from '../../experiments/experiment-report.ts';
import {
  experimentInputSchema,
  getExperiment,
  listExperiments,
  removeExperiment,
  saveExperiment,
  type Experiment,
} from '../../experiments/experiments.ts';
import { discoverExperiments } from '../../experiments/exposures.ts';
import { HttpError, requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';

type WithId = { Params: { id: string } };

export function registerExperimentRoutes(app: FastifyInstance, ctx: AppContext): void {
  const found = async (projectId: string, id: string): Promise<Experiment> => {
    const experiment = await getExperiment(ctx.store, projectId, id);
    if (!experiment) throw new HttpError(404, `no experiment "${id}"`);
    return experiment;
  };

  app.get('/api/v1/experiments', doc('Experiments'), async (request) => {
    const project = await requireProject(request, ctx);
    return { experiments: await listExperiments(ctx.store, project.id) };
  });

  /** Creates or replaces the experiment with the body's id. */
  app.post('/api/v1/experiments', doc('Configure an experiment', experimentInputSchema), async (request, reply) => {
    const project = await requireProject(request, ctx);
    const experiment = await saveExperiment(ctx.store, project.id, experimentInputSchema.parse(request.body));
    return reply.code(201).send(experiment);
  });

  app.get('/api/v1/experiments/discovered', doc('Experiment ids seen in events'), async (request) => {
    const project = await requireProject(request, ctx);
    const configured = new Set((await listExperiments(ctx.store, project.id)).map((e) => e.id));
    const discovered = await discoverExperiments(ctx.store, project.id);
    return { experiments: discovered.map((e) => ({ ...e, configured: configured.has(e.experimentId) })) };
  });

  app.get<WithId>('/api/v1/experiments/:id', doc('One experiment'), async (request) => {
    const project = await requireProject(request, ctx);
    return found(project.id, request.params.id);
  });

  app.delete<WithId>('/api/v1/experiments/:id', doc('Delete an experiment'), async (request) => {
    const project = await requireProject(request, ctx);
    if (!(await removeExperiment(ctx.store, project.id, request.params.id)))
      throw new HttpError(404, `no experiment "${request.params.id}"`);
    return { deleted: request.params.id };
  });

  app.get<WithId>('/api/v1/experiments/:id/report', doc('A/B test report'), async (request) => {
    const project = await requireProject(request, ctx);
    return experimentReport(ctx.store, project.id, await found(project.id, request.params.id));
  });
}
