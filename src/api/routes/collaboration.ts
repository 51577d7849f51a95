import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isWriteRequest, requestUser } from '../../auth/access.ts';
import { addAnnotation, annotationInputSchema, listAnnotations, removeAnnotation } from '../../collaboration/annotations.ts';
import { actionOf, listAudit, recordAudit, resourceOf } from '../../collaboration/audit.ts';
import {
  addComment,
  commentInputSchema,
  commentTargetSchema,
  CommentError,
  editComment,
  listComments,
  removeComment,
  type Actor,
} from '../../collaboration/comments.ts';
import { shareAllows } from '../../collaboration/share-scope.ts';
import { createShare, listShares, resolveShare, revokeShare, shareInputSchema } from '../../collaboration/shares.ts';
import { getProject } from '../../projects/projects.ts';
import { HttpError, type ProjectResolver, requireProject } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';

function shareToken(request: FastifyRequest): string | undefined {
  const header = request.headers['x-waymark-share'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const fromQuery = (request.query as { share?: unknown } | undefined)?.share;
  return fromHeader || (typeof fromQuery === 'string' && fromQuery ? fromQuery : undefined);
}

/** Who is asking: a signed-in user, the project's secret key (full rights), or a share link (viewer rights). */
async function actorOf(request: FastifyRequest, ctx: AppContext): Promise<Actor> {
  const user = await requestUser(request, ctx);
  if (user) return { kind: 'user', id: user.id, name: user.name || user.email, role: user.role };
  if ((request.headers.authorization ?? '').startsWith('Bearer '))
    return { kind: 'key', id: 'secret-key', name: 'project secret key', role: 'owner' };
  return { kind: 'share', id: 'share-link', name: 'shared link', role: 'viewer' };
}

async function commentCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof CommentError) throw new HttpError(error.statusCode, error.message);
    throw error;
  }
}

const commentsQuery = z.object({
  kind: z.enum(['journey-cell', 'report', 'initiative', 'experiment']).optional(),
  journey: z.string().optional(),
  stage: z.string().optional(),
  touchpoint: z.string().optional(),
  report: z.string().optional(),
  initiative: z.string().optional(),
  experiment: z.string().optional(),
  mentions: z.literal('me').optional(),
});

export function registerCollaborationRoutes(app: FastifyInstance, ctx: AppContext): void {
  ctx.projectResolvers.push(shareLinkProject);
  registerAuditHook(app, ctx);
  registerCommentRoutes(app, ctx);
  registerAnnotationRoutes(app, ctx);
  registerShareRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
}

/** A valid share token reads, like a viewer, only what its one view needs (share-scope.ts); it can change nothing. */
const shareLinkProject: ProjectResolver = async (request, c) => {
  const token = shareToken(request);
  if (!token) return undefined;
  const resolved = await resolveShare(c.store, token);
  if (!resolved.ok)
    throw new HttpError(
      resolved.reason === 'unknown' ? 401 : 410,
      `this shared link is ${resolved.reason === 'unknown' ? 'not valid' : resolved.reason}`,
    );
  if (isWriteRequest(request.method, request.url)) throw new HttpError(403, 'a shared link is read-only');
  if (!shareAllows(resolved.share.path, request.method, request.url))
    throw new HttpError(
      403,
      `this shared link opens only ${resolved.share.path}; ${request.method} ${request.url.split('?')[0]} is outside it`,
    );
  return getProject(c.store, resolved.projectId);
};

/**
 * The audit log: every successful change made through the API, with who made it. Recorded before
 * the answer is sent (onSend, not onResponse), so a client that has its answer finds the entry.
 */
function registerAuditHook(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.url.startsWith('/api/') || !isWriteRequest(request.method, request.url) || reply.statusCode >= 400) return payload;
    try {
      const project = await requireProject(request, ctx);
      const actor = await actorOf(request, ctx);
      await recordAudit(ctx.store, project.id, {
        actor: { kind: actor.kind, id: actor.id, name: actor.name },
        action: actionOf(request.method, request.url),
        ...resourceOf(request.url),
        method: request.method,
        path: request.url.split('?')[0]!,
        status: reply.statusCode,
      });
    } catch (error) {
      request.log.warn({ err: error }, 'audit entry not recorded');
    }
    return payload;
  });
}

/** Comments on journey cells, reports, initiatives and experiments, with @mentions. */
function registerCommentRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/api/v1/comments',
    doc(
      'Comments the reader may see, by target (journey cell, report, initiative, experiment) or mentioning them',
      undefined,
      commentsQuery,
    ),
    async (request) => {
      const project = await requireProject(request, ctx);
      const actor = await actorOf(request, ctx);
      const q = commentsQuery.parse(request.query);
      const target = q.kind
        ? commentTargetSchema.parse({
            kind: q.kind,
            journey: q.journey,
            stage: q.stage,
            touchpoint: q.touchpoint,
            report: q.report,
            initiative: q.initiative,
            experiment: q.experiment,
          })
        : undefined;
      if (q.mentions === 'me' && actor.kind !== 'user') throw new HttpError(400, 'mentions=me needs a signed-in user');
      return {
        comments: await listComments(ctx.store, project.id, actor, { target, mentionsUserId: q.mentions === 'me' ? actor.id : undefined }),
      };
    },
  );

  app.post(
    '/api/v1/comments',
    doc('Comment on a journey cell, report, initiative or experiment; @mentions name teammates', commentInputSchema),
    async (request, reply) => {
      const project = await requireProject(request, ctx);
      reply.code(201);
      return commentCall(async () => addComment(ctx.store, project.id, await actorOf(request, ctx), request.body));
    },
  );

  app.put(
    '/api/v1/comments/:id',
    doc('Edit a comment (its author or an owner)', z.object({ text: z.string().min(1).max(10_000) })),
    async (request) => {
      const project = await requireProject(request, ctx);
      const { text } = z.object({ text: z.string().min(1).max(10_000) }).parse(request.body);
      return commentCall(async () =>
        editComment(ctx.store, project.id, await actorOf(request, ctx), (request.params as { id: string }).id, text),
      );
    },
  );

  app.delete('/api/v1/comments/:id', doc('Delete a comment (its author or an owner)'), async (request, reply) => {
    const project = await requireProject(request, ctx);
    await commentCall(async () => removeComment(ctx.store, project.id, await actorOf(request, ctx), (request.params as { id: string }).id));
    return reply.code(204).send();
  });
}

/** Time-chart annotations. */
function registerAnnotationRoutes(app: FastifyInstance, ctx: AppContext): void {
  const annotationsQuery = z.object({ from: z.string().optional(), to: z.string().optional(), chart: z.string().optional() });
  app.get(
    '/api/v1/chart-annotations',
    doc(
      'Time-chart annotations: notes and campaign launches, initiatives and anomaly alerts in one list (GET /api/v1/annotations keeps initiatives only)',
      undefined,
      annotationsQuery,
    ),
    async (request) => {
      const project = await requireProject(request, ctx);
      return { annotations: await listAnnotations(ctx.store, project.id, annotationsQuery.parse(request.query)) };
    },
  );

  app.post(
    '/api/v1/chart-annotations',
    doc('Annotate time charts (a campaign launch, a note)', annotationInputSchema),
    async (request, reply) => {
      const project = await requireProject(request, ctx);
      reply.code(201);
      return addAnnotation(ctx.store, project.id, await actorOf(request, ctx), request.body);
    },
  );

  app.delete('/api/v1/chart-annotations/:id', doc('Delete an annotation'), async (request, reply) => {
    const project = await requireProject(request, ctx);
    if (!(await removeAnnotation(ctx.store, project.id, (request.params as { id: string }).id)))
      throw new HttpError(404, 'no such annotation');
    return reply.code(204).send();
  });
}

/** Read-only share links to a saved view. */
function registerShareRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post(
    '/api/v1/shares',
    doc('A read-only link to a saved view (its URL state), with an expiry; the token is shown only here', shareInputSchema),
    async (request, reply) => {
      const project = await requireProject(request, ctx);
      reply.code(201);
      return createShare(ctx.store, project.id, await actorOf(request, ctx), request.body);
    },
  );

  app.get('/api/v1/shares', doc('Shared links of the project (without tokens)'), async (request) => {
    const project = await requireProject(request, ctx);
    return { shares: await listShares(ctx.store, project.id) };
  });

  app.delete('/api/v1/shares/:id', doc('Revoke a shared link'), async (request) => {
    const project = await requireProject(request, ctx);
    const revoked = await revokeShare(ctx.store, project.id, (request.params as { id: string }).id);
    if (!revoked) throw new HttpError(404, 'no such shared link');
    return revoked;
  });

  app.get(
    '/api/v1/shares/resolve',
    doc('The view behind a share token (no other credential needed)', undefined, z.object({ token: z.string() })),
    async (request) => {
      const token = z.object({ token: z.string().min(1) }).parse(request.query).token;
      const resolved = await resolveShare(ctx.store, token);
      if (!resolved.ok)
        throw new HttpError(
          resolved.reason === 'unknown' ? 404 : 410,
          `this shared link is ${resolved.reason === 'unknown' ? 'not valid' : resolved.reason}`,
        );
      const { createdBy: _c, ...view } = resolved.share;
      // The shared view draws money in the project's currency and names the project it shows.
      const project = await getProject(ctx.store, resolved.projectId);
      return { ...view, project: { name: project?.name ?? '', reportingCurrency: project?.settings.reportingCurrency ?? 'USD' } };
    },
  );
}

/** Who changed what, for owners and members. */
function registerAuditRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/api/v1/audit',
    doc(
      'Who changed what (owners and members)',
      undefined,
      z.object({ resource: z.string().optional(), limit: z.coerce.number().int().min(1).max(5000).optional() }),
    ),
    async (request) => {
      const project = await requireProject(request, ctx);
      const actor = await actorOf(request, ctx);
      if (actor.role === 'viewer') throw new HttpError(403, 'the audit log is for owners and members');
      const q = z
        .object({ resource: z.string().optional(), limit: z.coerce.number().int().min(1).max(5000).optional() })
        .parse(request.query);
      return { entries: await listAudit(ctx.store, project.id, q) };
    },
  );
}
