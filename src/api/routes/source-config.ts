/**
 * RudderStack's browser SDK (v3) fetches `GET {configUrl}/sourceConfig/?writeKey=…` before it
 * sends anything, and stays silent unless the answer is a source config object: `source.id`,
 * `source.config` (an object) and `source.destinations` (an array), with `enabled` not false.
 * Waymark is both control plane and data plane, so the config names no device-mode destinations.
 * CORS for this path is granted with the collection endpoints (src/api/server.ts).
 */
import type { FastifyInstance } from 'fastify';
import { HttpError, writeKeyOf } from '../auth.ts';
import type { AppContext } from '../context.ts';

export function registerSourceConfigRoutes(app: FastifyInstance, ctx: AppContext): void {
  // The SDK appends a slash (`/sourceConfig/`); the route without it is served by the collection routes.
  app.get('/sourceConfig/', async (request, reply) => {
    const writeKey = writeKeyOf(request, undefined);
    const project = writeKey ? await ctx.projects.byWrite(writeKey) : undefined;
    if (!project) throw new HttpError(401, 'unknown write key');
    reply.header('Cache-Control', 'no-store');
    return {
      isHosted: false,
      source: {
        id: project.id,
        name: project.name,
        writeKey: project.writeKey,
        enabled: true,
        workspaceId: project.id,
        // No error or metrics reporting to RudderStack's own services.
        config: { statsCollection: { errors: { enabled: false }, metrics: { enabled: false } } },
        destinations: [],
      },
    };
  });
}
