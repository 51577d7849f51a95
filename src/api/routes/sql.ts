import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { runUserSql } from '../../sql/read-only-sql.ts';
import { requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';

const body = z.object({ sql: z.string().min(1), limit: z.number().int().positive().max(1_000_000).optional() });

export function registerSqlRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/api/v1/sql', doc('Read-only SQL over one project', body), async (request) => {
    const project = await requireProject(request, ctx);
    const input = body.parse(request.body);
    const { sqlTimeoutMs: timeoutMs, sqlMaxMemoryBytes: maxMemoryBytes, sqlMaxConcurrent: maxConcurrent } = ctx.config;
    const rows = await runUserSql(ctx.store, project.id, input.sql, {
      limit: input.limit,
      limits: { timeoutMs, maxMemoryBytes },
      maxConcurrent,
    });
    return { rows };
  });
}
