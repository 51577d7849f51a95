/**
 * The Waymark HTTP server: collection endpoints, the read API, and the dashboard's files.
 * Routes are thin: validate, authorise, call one function, return.
 */
import { gunzip, inflate } from 'node:zlib';
import { promisify } from 'node:util';
import cors from '@fastify/cors';
import Fastify, { type FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { WaymarkError } from '../errors.ts';
import type { Config } from '../config/config.ts';
import { Loader } from '../ingestion/loader.ts';
import { Spool } from '../ingestion/spool.ts';
import { ProjectDirectory } from '../projects/projects.ts';
import { openStore } from '../store/open-store.ts';
import { StoreUnavailableError, type Store } from '../store/store.ts';
import { HttpError } from './auth.ts';
import type { AppContext } from './context.ts';
import { registerRoutes } from './routes/index.ts';
import { collectRoutes } from './openapi.ts';
import { join } from 'node:path';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

async function decodeBody(raw: Buffer, encoding: string | undefined, limit: number): Promise<unknown> {
  let data = raw;
  if (encoding === 'gzip') data = await gunzipAsync(raw, { maxOutputLength: limit }).catch(badEncoding);
  else if (encoding === 'deflate') data = await inflateAsync(raw, { maxOutputLength: limit }).catch(badEncoding);
  if (data.length === 0) return {};
  try {
    return JSON.parse(data.toString('utf8'));
  } catch (error) {
    throw new HttpError(400, `invalid JSON: ${(error as Error).message}`);
  }
}

function badEncoding(error: NodeJS.ErrnoException): never {
  if (error.code === 'ERR_BUFFER_TOO_LARGE') throw new HttpError(413, 'decompressed body is over the batch size limit');
  throw new HttpError(400, `body could not be decompressed: ${error.message}`);
}

export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    logger: ctx.config.logLevel === 'silent' ? false : { level: ctx.config.logLevel },
    bodyLimit: ctx.config.maxBatchBytes,
    trustProxy: ctx.config.trustProxy,
  });
  // Trackers post from any site, without cookies. The read API is same-origin only (the dashboard)
  // or called with a secret key from servers, so it gets no CORS grant: a cookie never rides a
  // cross-site request that could read data.
  await app.register(cors, {
    delegator: (request, callback) => {
      const path = (request.url ?? '').split('?')[0] ?? '';
      const collection = path.startsWith('/v1/') || path.startsWith('/beacon/') || path === '/sourceConfig' || path === '/sourceConfig/';
      callback(null, collection ? { origin: true, credentials: false, methods: ['GET', 'POST', 'OPTIONS'] } : { origin: false });
    },
  });

  // analytics.js sends text/plain to avoid CORS preflights; bodies may be gzip- or deflate-encoded.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream'],
    { parseAs: 'buffer' },
    (request, body, done) => {
      decodeBody(body as Buffer, request.headers['content-encoding'] as string | undefined, ctx.config.maxBatchBytes).then(
        (v) => done(null, v),
        (e) => done(e as Error),
      );
    },
  );
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    decodeBody(body as Buffer, request.headers['content-encoding'] as string | undefined, ctx.config.maxBatchBytes).then(
      (v) => done(null, v),
      (e) => done(e as Error),
    );
  });

  app.setErrorHandler((error, request, reply) => {
    // Every typed error maps to its status here, and nowhere else.
    if (error instanceof WaymarkError) {
      if (error.retryAfterSeconds !== undefined) reply.header('Retry-After', String(error.retryAfterSeconds));
      return reply.code(error.statusCode).send({ error: error.message, ...error.details });
    }
    if (error instanceof ZodError) {
      const issue = error.issues[0]!;
      return reply
        .code(400)
        .send({ error: `${issue.path.join('.') || 'body'}: ${issue.message}`, field: issue.path.join('.'), issues: error.issues });
    }
    if (error instanceof StoreUnavailableError) return reply.code(503).header('Retry-After', '10').send({ error: error.message });
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 413 || (error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({ error: `request body is over the ${ctx.config.maxBatchBytes}-byte limit` });
    }
    if (status && status >= 400 && status < 500) return reply.code(status).send({ error: (error as Error).message });
    request.log.error({ err: error }, 'request failed');
    // Engine errors on a valid request are ours; keep their text, which names the problem.
    return reply.code(500).send({ error: (error as Error).message });
  });

  const openApiDocument = collectRoutes(app);
  registerRoutes(app, ctx);
  app.get('/api/v1/openapi.json', async () => openApiDocument());
  return app;
}

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
  close(): Promise<void>;
}

/** Opens the store, recovers the spool, starts the loader, and listens. */
export async function startServer(config: Config, options: { store?: Store } = {}): Promise<RunningServer> {
  const store = options.store ?? (await openStore(config.store, config.dataDir));
  const spool = new Spool(join(config.dataDir, 'spool'), config.groupCommitMs);
  const loader = new Loader(store, spool, config.sessionTimeoutMinutes);
  // Whatever a previous run acknowledged but did not load goes in first. A failure here (the store
  // or its disk) never stops start-up: it shows in /health and the loader retries every tick.
  await loader.loadNow().catch(() => undefined);
  const projects = new ProjectDirectory(store);
  await projects.reload();
  const ctx: AppContext = { config, store, spool, loader, projects, projectResolvers: [] };
  const app = await buildApp(ctx);
  await app.listen({ host: config.host, port: config.port });
  loader.start(config.loadIntervalMs);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  return {
    app,
    ctx,
    url,
    async close() {
      loader.stop();
      await app.close();
      await loader.flush();
      if (!options.store) await store.close();
    },
  };
}
