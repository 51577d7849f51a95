import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { importSpendRows, validateSpendRow } from '../../import/spend.ts';
import { requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';

const body = z.object({ importId: z.string().min(1).default('api'), rows: z.array(z.record(z.string(), z.unknown())).max(1_000_000) });

export function registerSpendRoutes(app: FastifyInstance, ctx: AppContext): void {
  /** Ad spend rows; re-sending the same importId replaces that import. */
  app.post('/api/v1/spend', doc('Import ad spend rows', body), async (request) => {
    const project = await requireProject(request, ctx);
    const input = body.parse(request.body);
    const rows = input.rows.map((r, i) => validateSpendRow(r, i + 1));
    return importSpendRows(ctx.store, project.id, project.settings, rows, input.importId);
  });
}
