import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  AudienceNotFoundError,
  createAudience,
  deleteAudience,
  getAudience,
  listAudiences,
  publicAudience,
  savedAudienceInputSchema,
  updateAudience,
} from '../../audiences/audiences.ts';
import { audienceCsv, audienceHistory, audienceIdentifyCalls, audienceMembersPage } from '../../audiences/export.ts';
import { audienceSize, startAudienceScheduler, syncAudience, syncState } from '../../audiences/sync.ts';
import { deliveryLog } from '../../audiences/webhooks.ts';
import { HttpError, requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';

type IdParams = { id: string };
const membersQuery = z.object({ after: z.string().optional(), limit: z.coerce.number().int().min(1).max(10_000).default(1000) });
const historyQuery = z.object({
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  offset: z.coerce.number().int().min(0).default(0),
  person: z.string().optional(),
});
const exportQuery = z.object({
  format: z.enum(['csv', 'segment']).default('csv'),
  includeLeft: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});

export function registerAudienceRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Audiences with a refresh interval are re-evaluated in the background while the server runs.
  const stop = startAudienceScheduler(ctx.store, 60_000, (error) => app.log.error({ err: error }, 'audience refresh failed'));
  app.addHook('onClose', async () => stop());

  const load: LoadAudience = async (request, projectId) => {
    try {
      return await getAudience(ctx.store, projectId, (request.params as IdParams).id);
    } catch (error) {
      if (error instanceof AudienceNotFoundError) throw new HttpError(404, error.message);
      throw error;
    }
  };
  registerAudienceCrud(app, ctx, load);
  registerAudienceActivation(app, ctx, load);
}

/** An audience of the project by the request's `:id`, or 404. */
type LoadAudience = (request: { params: unknown }, projectId: string) => Promise<Awaited<ReturnType<typeof getAudience>>>;

/** Saved audiences: list, create, read (with size and last re-evaluation), update and delete. */
function registerAudienceCrud(app: FastifyInstance, ctx: AppContext, load: LoadAudience): void {
  app.get('/api/v1/audiences', doc('Saved audiences'), async (request) => {
    const project = await requireProject(request, ctx);
    return { audiences: (await listAudiences(ctx.store, project.id)).map(publicAudience) };
  });

  app.post(
    '/api/v1/audiences',
    doc('Save an audience (webhook secrets are shown in full only in this answer)', savedAudienceInputSchema),
    async (request, reply) => {
      const project = await requireProject(request, ctx);
      reply.code(201);
      return createAudience(ctx.store, project.id, request.body);
    },
  );

  app.get('/api/v1/audiences/:id', doc('One audience, its size and last re-evaluation'), async (request) => {
    const project = await requireProject(request, ctx);
    const audience = await load(request, project.id);
    return {
      ...publicAudience(audience),
      size: await audienceSize(ctx.store, project.id, audience.id),
      lastSync: (await syncState(ctx.store, project.id, audience.id)) ?? null,
    };
  });

  app.put('/api/v1/audiences/:id', doc('Update an audience', savedAudienceInputSchema), async (request) => {
    const project = await requireProject(request, ctx);
    await load(request, project.id);
    return updateAudience(ctx.store, project.id, (request.params as IdParams).id, request.body);
  });

  app.delete('/api/v1/audiences/:id', doc('Delete an audience'), async (request, reply) => {
    const project = await requireProject(request, ctx);
    await load(request, project.id);
    await deleteAudience(ctx.store, project.id, (request.params as IdParams).id);
    return reply.code(204).send();
  });
}

/** Activation: re-evaluate now, paged members, membership history, CSV / identify export and the webhook delivery log. */
function registerAudienceActivation(app: FastifyInstance, ctx: AppContext, load: LoadAudience): void {
  app.post(
    '/api/v1/audiences/:id/sync',
    doc('Re-evaluate an audience now: record joins and leaves and send them to its webhooks'),
    async (request) => {
      const project = await requireProject(request, ctx);
      return syncAudience(ctx.store, await load(request, project.id));
    },
  );

  app.get(
    '/api/v1/audiences/:id/members',
    doc('Current members, paged by person id (pass `next` as `after`)', undefined, membersQuery),
    async (request) => {
      const project = await requireProject(request, ctx);
      const query = membersQuery.parse(request.query);
      return audienceMembersPage(ctx.store, await load(request, project.id), query);
    },
  );

  app.get(
    '/api/v1/audiences/:id/history',
    doc('Membership history: who joined and left at each re-evaluation', undefined, historyQuery),
    async (request) => {
      const project = await requireProject(request, ctx);
      const query = historyQuery.parse(request.query);
      return audienceHistory(ctx.store, await load(request, project.id), {
        limit: query.limit,
        offset: query.offset,
        personId: query.person,
      });
    },
  );

  app.get(
    '/api/v1/audiences/:id/export',
    doc('Export members as CSV or as Segment identify calls (NDJSON) with the audience trait', undefined, exportQuery),
    async (request, reply) => {
      const project = await requireProject(request, ctx);
      const query = exportQuery.parse(request.query);
      const audience = await load(request, project.id);
      if (query.format === 'csv') {
        reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${audience.id}.csv"`);
        return reply.send(Readable.from(audienceCsv(ctx.store, audience)));
      }
      async function* lines() {
        for await (const call of audienceIdentifyCalls(ctx.store, audience, { includeLeft: query.includeLeft }))
          yield JSON.stringify(call) + '\n';
      }
      reply.header('content-type', 'application/x-ndjson; charset=utf-8');
      return reply.send(Readable.from(lines()));
    },
  );

  app.get(
    '/api/v1/audiences/:id/deliveries',
    doc(
      'Webhook delivery log of an audience (dead=true: the dead-letter log)',
      undefined,
      z.object({ dead: z.enum(['true', 'false']).optional() }),
    ),
    async (request) => {
      const project = await requireProject(request, ctx);
      const audience = await load(request, project.id);
      const dead = (request.query as { dead?: string }).dead === 'true';
      return { deliveries: await deliveryLog(ctx.store, project.id, { source: `audience:${audience.id}`, deadOnly: dead }) };
    },
  );
}
