import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { KPI_SERIES_METRICS, computeKpiSeries } from '../../analysis/kpi-series.ts';
import { computeKpis } from '../../analysis/kpis.ts';
import { resolveScope, scopeInputSchema } from '../../scope/scope.ts';
import { requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';

const seriesBody = scopeInputSchema.extend({
  metric: z.enum(KPI_SERIES_METRICS),
  interval: z.enum(['day', 'week', 'month']).default('day'),
  by: z.enum(['channel', 'region']).optional(),
});

export function registerKpiRoutes(app: FastifyInstance, ctx: AppContext): void {
  /** Overview KPIs for the range against the previous period of equal length, overall and per channel. */
  app.post('/api/v1/kpis', doc('KPIs with the previous period', scopeInputSchema), async (request) => {
    const project = await requireProject(request, ctx);
    const scope = await resolveScope(ctx.store, project.id, scopeInputSchema.parse(request.body));
    return computeKpis(ctx.store, scope);
  });

  /** One KPI per day, week or month, optionally per channel or region. */
  app.post('/api/v1/kpis/series', doc('A KPI as a time series', seriesBody), async (request) => {
    const project = await requireProject(request, ctx);
    const input = seriesBody.parse(request.body);
    const scope = await resolveScope(ctx.store, project.id, input);
    return computeKpiSeries(ctx.store, scope, { metric: input.metric, interval: input.interval, by: input.by });
  });
}
