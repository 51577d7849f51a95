import type { FastifyInstance } from 'fastify';
import {
  checkSubscriptions,
  createSubscription,
  deleteSubscription,
  listAlerts,
  listSubscriptions,
  startAnomalyScheduler,
  subscriptionInputSchema,
} from '../../anomalies/anomalies.ts';
import { deliveryLog } from '../../audiences/webhooks.ts';
import { HttpError, requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';

/** Subscriptions and alerts; detection itself is the registered analysis POST /api/v1/anomalies. */
export function registerAnomalyRoutes(app: FastifyInstance, ctx: AppContext): void {
  const stop = startAnomalyScheduler(ctx.store, 3_600_000, (error) => app.log.error({ err: error }, 'anomaly check failed'));
  app.addHook('onClose', async () => stop());

  app.get('/api/v1/anomalies/subscriptions', doc('KPI and stage-leak subscriptions'), async (request) => {
    const project = await requireProject(request, ctx);
    return {
      subscriptions: (await listSubscriptions(ctx.store, project.id)).map(({ projectId: _p, ...s }) => ({
        ...s,
        webhooks: s.webhooks.map((w) => ({ url: w.url, secret: `${w.secret.slice(0, 9)}…` })),
      })),
    };
  });

  app.post(
    '/api/v1/anomalies/subscriptions',
    doc('Subscribe to a KPI or a stage leak (webhook secrets shown in full only here)', subscriptionInputSchema),
    async (request, reply) => {
      const project = await requireProject(request, ctx);
      reply.code(201);
      return createSubscription(ctx.store, project.id, request.body);
    },
  );

  app.delete('/api/v1/anomalies/subscriptions/:id', doc('Delete a subscription'), async (request, reply) => {
    const project = await requireProject(request, ctx);
    if (!(await deleteSubscription(ctx.store, project.id, (request.params as { id: string }).id)))
      throw new HttpError(404, 'no such subscription');
    return reply.code(204).send();
  });

  app.post('/api/v1/anomalies/check', doc('Check the subscriptions now: record new alerts and send them to webhooks'), async (request) => {
    const project = await requireProject(request, ctx);
    return checkSubscriptions(ctx.store, project.id);
  });

  app.get('/api/v1/anomalies/alerts', doc('Alerts raised by subscriptions, newest first'), async (request) => {
    const project = await requireProject(request, ctx);
    return {
      alerts: await listAlerts(ctx.store, project.id),
      deadLetters: (await deliveryLog(ctx.store, project.id, { deadOnly: true })).filter((d) => d.source.startsWith('anomaly:')),
    };
  });
}
