/**
 * What the dashboard needs to draw its filters: the data range, the channels and the event names
 * of the project, from endpoints rather than SQL sent by the browser.
 */
import type { FastifyInstance } from 'fastify';
import { projectInfo, eventNames } from '../../projects/project-info.ts';
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
  app.get('/api/v1/events/names', doc('Event names of the project (track calls), busiest first'), async (request) => {
    const project = await requireProject(request, ctx);
    return { events: await eventNames(ctx.store, project.id) };
  });
}
