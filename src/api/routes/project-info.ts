/**
 * What the dashboard needs to draw its filters: the data range and the channels of the project,
 * from an endpoint rather than SQL sent by the browser. Event names are GET /api/v1/vocabulary/events.
 */
import type { FastifyInstance } from 'fastify';
import { projectInfo } from '../../projects/project-info.ts';
import { requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';

export function registerProjectInfoRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/api/v1/project/info',
    doc('Data range (first and last day with events), event count and channels of the project'),
    async (request) => {
      const project = await requireProject(request, ctx);
      return projectInfo(ctx.store, project.id);
    },
  );
}
