import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createProject, listProjects, updateProjectSettings } from '../../projects/projects.ts';
import { bytesInFlight } from '../../ingestion/ingest.ts';
import { identityKeysSchema } from '../../projects/identity-keys.ts';
import { identityKeysChanged } from '../../projects/identity-stitching.ts';
import { requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { requireAdmin } from '../admin.ts';
import { doc } from '../openapi.ts';

const settingsBody = z.object({
  reportingCurrency: z.string().length(3).optional(),
  currencyRates: z.record(z.string(), z.number().positive()).optional(),
  margin: z.number().min(0).max(1).optional(),
  domains: z.array(z.string().trim().min(1).max(253)).max(100).optional(),
  identityKeys: identityKeysSchema.optional(),
});

export function registerSystemRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Healthy means events flow: the store answers and the loader is not stuck. Dead letters are
  // reported, not unhealthy: the loader set them aside and went on.
  app.get('/health', async (_request, reply) => {
    const storeOk = await ctx.store.ping();
    const loader = ctx.loader.status();
    const ok = storeOk && loader.state !== 'failing';
    return reply
      .code(ok ? 200 : 503)
      .send({ ok, store: ctx.store.kind, storeOk, backlogBytes: loader.backlogBytes, inflightBytes: bytesInFlight(ctx.spool), loader });
  });

  /** Loads spooled events into the store now (tests and imports want read-your-writes). */
  app.post('/api/v1/flush', doc('Load spooled events now'), async (request) => {
    await requireProject(request, ctx);
    return ctx.loader.loadNow();
  });

  app.get('/api/v1/project', doc('The project of the key', settingsBody), async (request) => {
    const p = await requireProject(request, ctx);
    return { id: p.id, name: p.name, writeKey: p.writeKey, settings: p.settings };
  });

  app.patch(
    '/api/v1/project/settings',
    doc('Project settings (currency, rates, margin, own domains, identity keys)', settingsBody),
    async (request) => {
      const p = await requireProject(request, ctx);
      const body = settingsBody.parse(request.body);
      const next = await updateProjectSettings(ctx.store, p.id, body);
      // New identity keys stitch the identifies already stored too, not only the ones to come.
      if (body.identityKeys) await identityKeysChanged(ctx.store, p.id, body.identityKeys);
      await ctx.projects.reload();
      return next.settings;
    },
  );

  // Administration of projects: a token kept in the data folder (the CLI reads it).
  app.post('/api/v1/admin/projects', doc('Create a project (admin token)'), async (request) => {
    requireAdmin(request, ctx);
    const { name } = z.object({ name: z.string().min(1) }).parse(request.body);
    const { project, secretKey } = await createProject(ctx.store, name);
    await ctx.projects.reload();
    return { id: project.id, name: project.name, writeKey: project.writeKey, secretKey };
  });

  app.get('/api/v1/admin/projects', doc('Projects (admin token)'), async (request) => {
    requireAdmin(request, ctx);
    return {
      projects: (await listProjects(ctx.store)).map((p) => ({ id: p.id, name: p.name, writeKey: p.writeKey, createdAt: p.createdAt })),
    };
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: `no route ${request.method} ${request.url}` });
  });
}
