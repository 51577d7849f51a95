import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { computeFeedback } from '../../analysis/feedback.ts';
import { resolveScope, scopeInputSchema } from '../../scope/scope.ts';
import { requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';

const body = scopeInputSchema.extend({
  examples: z.number().int().min(0).max(50).optional(),
  phrases: z.number().int().min(0).max(200).optional(),
});

export function registerFeedbackRoutes(app: FastifyInstance, ctx: AppContext): void {
  /** Survey feedback by journey stage and touchpoint, with comment themes. */
  app.post('/api/v1/feedback', doc('Feedback by stage and touchpoint, themes and sentiment', body), async (request) => {
    const project = await requireProject(request, ctx);
    const input = body.parse(request.body);
    const scope = await resolveScope(ctx.store, project.id, input);
    return computeFeedback(ctx.store, scope, { examples: input.examples, phrases: input.phrases });
  });
}
