/**
 * Every registered analysis as a POST route: the project is resolved once (preHandler), the body
 * is parsed once against the analysis's input plus the shared scope fields, a missing bound
 * follows the one default rule, and `run` answers. Drill-down (`POST /api/v1/people`) lists the
 * persons behind a number of any analysis that defines `people`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ANALYSES } from '../../registry/analyses.ts';
import { analysisBodySchema, runAnalysisRequest } from '../../registry/run.ts';
import type { Project } from '../../projects/projects.ts';
import { requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';
import { AnalysisCache } from '../analysis-cache.ts';

declare module 'fastify' {
  interface FastifyRequest {
    project?: Project;
  }
}

/** The project of a request, resolved by the route's preHandler. */
export function projectOf(request: FastifyRequest): Project {
  if (!request.project) throw new Error('route has no project preHandler');
  return request.project;
}

export function registerAnalysisRoutes(app: FastifyInstance, ctx: AppContext): void {
  const resolveProject = async (request: FastifyRequest) => {
    request.project = await requireProject(request, ctx);
  };
  // Read analyses answer from the cache while the project's data is unchanged (analysis-cache.ts).
  const cache = new AnalysisCache(ctx.store);
  for (const analysis of ANALYSES) {
    app.post(analysis.path, { ...doc(analysis.summary, analysisBodySchema(analysis)), preHandler: resolveProject }, async (request) => {
      const project = projectOf(request);
      const run = () => runAnalysisRequest(ctx.store, project, analysis, request.body);
      return analysis.access === 'read' ? cache.get(project.id, analysis.id, request.body, run) : run();
    });
  }
}
