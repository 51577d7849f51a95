/**
 * Segment-spec collection: /v1/{batch,track,identify,page,screen,group,alias}, analytics.js's
 * short aliases (/v1/b, /v1/t …), RudderStack's /beacon/v1/batch, and the settings documents
 * analytics.js and RudderStack's SDK load at start-up.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MessageType } from '../../ingestion/message.ts';
import { messagesOf, processMessages } from '../../ingestion/pipeline.ts';
import { HttpError, writeKeyOf } from '../auth.ts';
import type { AppContext } from '../context.ts';

const ENDPOINTS: Record<string, MessageType | 'batch'> = {
  batch: 'batch',
  b: 'batch',
  import: 'batch',
  track: 'track',
  t: 'track',
  identify: 'identify',
  i: 'identify',
  page: 'page',
  p: 'page',
  screen: 'screen',
  s: 'screen',
  group: 'group',
  g: 'group',
  alias: 'alias',
  a: 'alias',
};

export function registerCollectRoutes(app: FastifyInstance, ctx: AppContext): void {
  const handle = (endpointType: MessageType | 'batch') => async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'body must be a JSON object');
    const writeKey = writeKeyOf(request, body);
    if (!writeKey) throw new HttpError(401, 'missing write key: send it as the Basic auth username or as writeKey in the body');
    const project = await ctx.projects.byWrite(writeKey);
    if (!project) throw new HttpError(401, 'unknown write key');

    if (ctx.spool.backlogBytes > ctx.config.maxBacklogBytes) {
      // The store is behind: tell clients to back off rather than grow the spool without bound.
      const storeDown = ctx.loader.lastError !== undefined;
      reply.header('Retry-After', storeDown ? '30' : '5');
      throw new HttpError(storeDown ? 503 : 429, storeDown ? 'the store is unavailable; retry later' : 'ingestion is behind; retry later');
    }

    const extracted = messagesOf(body as Record<string, unknown>, endpointType);
    if ('error' in extracted) throw new HttpError(400, extracted.error, { field: 'batch' });
    const receivedAt = new Date();
    const outcome = processMessages(project.id, extracted.messages, endpointType, extracted.sentAt, receivedAt, ctx.config.maxMessageBytes);
    try {
      await ctx.spool.append(outcome.rows.map((r) => JSON.stringify(r)));
    } catch (error) {
      request.log.error({ err: error }, 'spool write failed');
      reply.header('Retry-After', '10');
      throw new HttpError(503, 'events could not be written durably; nothing from this request was accepted');
    }
    if (outcome.rejected.length > 0) {
      const first = outcome.rejected[0]!;
      return reply.code(first.status).send({
        success: false,
        accepted: outcome.rows.length,
        error: `message ${first.index}: ${first.field}: ${first.message}`,
        rejected: outcome.rejected,
      });
    }
    return { success: true, accepted: outcome.rows.length };
  };

  for (const [name, type] of Object.entries(ENDPOINTS)) app.post(`/v1/${name}`, handle(type));
  app.post('/beacon/v1/batch', handle('batch'));

  app.get<{ Params: { writeKey: string } }>('/v1/projects/:writeKey/settings', async (request) => {
    const project = await ctx.projects.byWrite(request.params.writeKey);
    if (!project) throw new HttpError(404, 'unknown write key');
    const host = request.headers.host ?? `${ctx.config.host}:${ctx.config.port}`;
    return {
      integrations: { 'Segment.io': { apiKey: project.writeKey, apiHost: `${host}/v1`, protocol: request.protocol, unbundledIntegrations: [], addBundledMetadata: true } },
      plan: { track: { __default: { enabled: true, integrations: {} } }, identify: { __default: { enabled: true } }, group: { __default: { enabled: true } } },
      edgeFunction: {},
      analyticsNextEnabled: true,
      middlewareSettings: {},
      enabledMiddleware: {},
      metrics: { sampleRate: 0 },
      legacyVideoPluginsEnabled: false,
      remotePlugins: [],
    };
  });

  // RudderStack's JavaScript SDK asks its control plane for the source configuration.
  app.get('/sourceConfig', async (request) => {
    const writeKey = writeKeyOf(request, undefined);
    const project = writeKey ? await ctx.projects.byWrite(writeKey) : undefined;
    if (!project) throw new HttpError(401, 'unknown write key');
    return { isHosted: false, source: { id: project.id, name: project.name, writeKey: project.writeKey, enabled: true, config: {}, workspaceId: project.id, destinations: [] } };
  });
}
