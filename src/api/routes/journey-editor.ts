/**
 * What the journey and persona editor needs: the project's event names and property keys with
 * counts, the templates, and live counts of a draft rule or journey. Ranges default to all data.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseJourney } from '../../journeys/definition.ts';
import { JOURNEY_TEMPLATES } from '../../journeys/templates.ts';
import { eventNames, previewJourney, previewRule, propertyKeys, type VocabularyScope } from '../../journeys/vocabulary.ts';
import { requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';

const rangeQuery = z.object({ from: z.coerce.date().optional(), to: z.coerce.date().optional() });
const propertiesQuery = rangeQuery.extend({ event: z.string().min(1).optional() });
const previewBody = z.object({
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  /** A whole draft journey: persons entering each stage. */
  journey: z.unknown().optional(),
  /** One draft rule: persons and events it matches. */
  rule: z.unknown().optional(),
});

export function registerJourneyEditorRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/v1/journeys/templates', doc('Journey templates (B2C retail with stores, e-commerce, subscription)'), async (request) => {
    await requireProject(request, ctx);
    return { templates: JOURNEY_TEMPLATES };
  });

  app.get(
    '/api/v1/vocabulary/events',
    doc('Event names of the project with events, persons and last seen', undefined, rangeQuery),
    async (request) => {
      const project = await requireProject(request, ctx);
      const q = rangeQuery.parse(request.query);
      return { events: await eventNames(ctx.store, { projectId: project.id, ...q }) };
    },
  );

  app.get(
    '/api/v1/vocabulary/properties',
    doc('Property keys (of one event, or all) with counts and top values', undefined, propertiesQuery),
    async (request) => {
      const project = await requireProject(request, ctx);
      const q = propertiesQuery.parse(request.query);
      return propertyKeys(ctx.store, { projectId: project.id, from: q.from, to: q.to }, q.event);
    },
  );

  app.post(
    '/api/v1/journeys/preview',
    doc('Live counts of a draft journey (persons per stage) or of one stage rule', previewBody),
    async (request) => {
      const project = await requireProject(request, ctx);
      const body = previewBody.parse(request.body ?? {});
      const scope: VocabularyScope = { projectId: project.id, from: body.from, to: body.to };
      return {
        ...(body.journey !== undefined ? { journey: await previewJourney(ctx.store, scope, parseJourney(body.journey)) } : {}),
        ...(body.rule !== undefined ? { rule: await previewRule(ctx.store, scope, body.rule) } : {}),
      };
    },
  );
}
