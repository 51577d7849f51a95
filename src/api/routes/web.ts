/**
 * The dashboard: the built single-page app in web/dist, served at `/`. Hashed assets are cached
 * for a year; every other path that is not an API route gets index.html (client-side routing).
 */
import { existsSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';

export const WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Waymark</title>
<body style="font-family:system-ui;margin:3rem"><h1>The dashboard is not built yet</h1>
<p>Run <code>npm run build:web</code> (or start with <code>npm start</code>, which builds it), then reload.</p></body></html>`;

export function registerWebRoutes(app: FastifyInstance, _ctx: AppContext, root = WEB_DIST): void {
  const built = existsSync(join(root, 'index.html'));
  if (built) app.register(fastifyStatic, { root, serve: false });

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = decodeURIComponent(request.url.split('?')[0]!);
    if (path.startsWith('/api/')) return reply.code(404).send({ error: `no route ${request.method} ${request.url}` });
    if (!built) return reply.type('text/html').send(NOT_BUILT);
    const rel = normalize(path).replace(/^[/\\]+/, '');
    const file = join(root, rel);
    if (rel && file.startsWith(root) && !rel.split(sep).includes('..') && existsSync(file) && statSync(file).isFile()) {
      const immutable = rel.startsWith('assets' + sep) || rel.startsWith('assets/');
      reply.header('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      return reply.sendFile(rel, { cacheControl: false });
    }
    reply.header('Cache-Control', 'no-cache');
    return reply.sendFile('index.html', { cacheControl: false });
  };
  app.get('/', handler);
  app.get('/*', handler);
}
