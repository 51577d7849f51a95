/**
 * Segment-spec collection: /v1/{batch,track,identify,page,screen,group,alias}, analytics.js's
 * short aliases (/v1/b, /v1/t …), RudderStack's /beacon/v1/batch, and the settings documents
 * analytics.js and RudderStack's SDK load at start-up.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MessageType } from '../../ingestion/message.ts';
import { admitBody, ingest, IngestRefused } from '../../ingestion/ingest.ts';
import { messagesOf } from '../../ingestion/pipeline.ts';
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

/**
 * Runs before the body is read: reserve its bytes or answer 429 at once, so a burst of large
 * batches cannot hold more than maxInflightBytes in memory. The reservation ends with the response.
 */
export function admissionHook(ctx: AppContext) {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const release = admitBody(ctx, request.headers as { 'content-length'?: string; 'content-encoding'?: string });
    if (!release) {
      reply.header('Retry-After', '1').code(429).send({ success: false, error: 'too many bytes in flight; retry shortly' });
      return;
    }
    reply.raw.once('close', release);
    done();
  };
}

/** An IngestRefused as the HTTP answer clients know to retry. */
export function refusal(error: unknown, reply: FastifyReply): HttpError {
  if (error instanceof IngestRefused) {
    reply.header('Retry-After', String(error.retryAfterSeconds));
    return new HttpError(error.status, error.message);
  }
  throw error;
}

export function registerCollectRoutes(app: FastifyInstance, ctx: AppContext): void {
  const handle = (endpointType: MessageType | 'batch') => async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'body must be a JSON object');
    const writeKey = writeKeyOf(request, body);
    if (!writeKey) throw new HttpError(401, 'missing write key: send it as the Basic auth username or as writeKey in the body');
    const project = await ctx.projects.byWrite(writeKey);
    if (!project) throw new HttpError(401, 'unknown write key');
    const extracted = messagesOf(body as Record<string, unknown>, endpointType);
    if ('error' in extracted) throw new HttpError(400, extracted.error, { field: 'batch' });
    let outcome;
    try {
      outcome = await ingest(ctx, project, extracted.messages, { endpointType, sentAt: extracted.sentAt });
    } catch (error) {
      throw refusal(error, reply);
    }
    if (outcome.rejected.length > 0) {
      const first = outcome.rejected[0]!;
      return reply.code(first.status).send({
        success: false,
        accepted: outcome.accepted,
        error: `message ${first.index}: ${first.field}: ${first.message}`,
        rejected: outcome.rejected,
      });
    }
    return { success: true, accepted: outcome.accepted };
  };

  const onRequest = admissionHook(ctx);
  for (const [name, type] of Object.entries(ENDPOINTS)) app.post(`/v1/${name}`, { onRequest }, handle(type));
  app.post('/beacon/v1/batch', { onRequest }, handle('batch'));

  app.get<{ Params: { writeKey: string } }>('/v1/projects/:writeKey/settings', async (request) => {
    const project = await ctx.projects.byWrite(request.params.writeKey);
    if (!project) throw new HttpError(404, 'unknown write key');
    const host = request.headers.host ?? `${ctx.config.host}:${ctx.config.port}`;
    return {
      integrations: {
        'Segment.io': {
          apiKey: project.writeKey,
          apiHost: `${host}/v1`,
          protocol: request.protocol,
          unbundledIntegrations: [],
          addBundledMetadata: true,
        },
      },
      plan: {
        track: { __default: { enabled: true, integrations: {} } },
        identify: { __default: { enabled: true } },
        group: { __default: { enabled: true } },
      },
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
    return {
      isHosted: false,
      source: {
        id: project.id,
        name: project.name,
        writeKey: project.writeKey,
        enabled: true,
        config: {},
        workspaceId: project.id,
        destinations: [],
      },
    };
  });
}
