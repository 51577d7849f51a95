/**
 * Drill-down: the persons behind a number of any analysis (or any audience source), as a
 * paginated list, as CSV, or saved as a cohort (an audience document activation picks up).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { audienceSourceSchema } from '../../audiences/definition.ts';
import { listPeople, peopleCsv } from '../../audiences/people.ts';
import { saveAudience } from '../../audiences/store.ts';
import { requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';

export const peopleBodySchema = z.object({
  source: audienceSourceSchema,
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(50),
});
export type PeopleBody = z.input<typeof peopleBodySchema>;

const exportBodySchema = z.object({ source: audienceSourceSchema });
const cohortBodySchema = z.object({
  name: z.string().min(1).max(120),
  description: z.string().max(2000).optional(),
  source: audienceSourceSchema,
});

export function registerPeopleRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post(
    '/api/v1/people',
    doc('The persons behind a number: a page with traits, stage, last seen and a timeline link', peopleBodySchema),
    async (request) => {
      const project = await requireProject(request, ctx);
      const body = peopleBodySchema.parse(request.body ?? {});
      return listPeople(ctx.store, project.id, body.source, { offset: body.offset, limit: body.limit });
    },
  );

  app.post('/api/v1/people/export', doc('The persons behind a number as CSV (up to 100,000)', exportBodySchema), async (request, reply) => {
    const project = await requireProject(request, ctx);
    const body = exportBodySchema.parse(request.body ?? {});
    const csv = await peopleCsv(ctx.store, project.id, body.source);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="people.csv"').send(csv);
  });

  app.post(
    '/api/v1/people/cohort',
    doc('Save the persons behind a number as a cohort (an audience)', cohortBodySchema),
    async (request) => {
      const project = await requireProject(request, ctx);
      const body = cohortBodySchema.parse(request.body ?? {});
      return saveAudience(ctx.store, project.id, body);
    },
  );
}
