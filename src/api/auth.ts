import type { FastifyReply, FastifyRequest } from 'fastify';
import { WaymarkError } from '../errors.ts';
import type { Project } from '../projects/projects.ts';
import type { AppContext } from './context.ts';

/** A status chosen at the route (most code throws a typed error from src/errors.ts instead). */
export class HttpError extends WaymarkError {
  constructor(statusCode: number, message: string, details?: Record<string, unknown>) {
    super(statusCode, message, details);
  }
}

/** An extra way to authenticate a request (the dashboard's session cookie), kept in the app context. */
export type ProjectResolver = (request: FastifyRequest, ctx: AppContext) => Promise<Project | undefined>;

/**
 * The project a read request may see: a project secret key as Bearer token (scripts, CLI), or a
 * signed-in dashboard session. 401 without credentials, 403 for a key of another project.
 */
export async function requireProject(request: FastifyRequest, ctx: AppContext, projectId?: string): Promise<Project> {
  const header = request.headers.authorization ?? '';
  let project: Project | undefined;
  if (header.startsWith('Bearer ')) {
    project = await ctx.projects.bySecret(header.slice(7).trim());
    if (!project) throw new HttpError(401, 'unknown secret key');
  } else {
    for (const r of ctx.projectResolvers) {
      project = await r(request, ctx);
      if (project) break;
    }
  }
  if (!project) throw new HttpError(401, 'authentication required: send a project secret key as "Authorization: Bearer <key>"');
  if (projectId && projectId !== project.id) throw new HttpError(403, 'this key belongs to another project');
  return project;
}

/** Write key from Basic auth (username) or the body's writeKey, as Segment and RudderStack clients send it. */
export function writeKeyOf(request: FastifyRequest, body: unknown): string | undefined {
  const header = request.headers.authorization ?? '';
  if (header.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const user = decoded.split(':')[0];
    if (user) return user;
  }
  if (body && typeof body === 'object' && typeof (body as { writeKey?: unknown }).writeKey === 'string')
    return (body as { writeKey: string }).writeKey;
  const q = request.query as { writeKey?: string };
  return q?.writeKey;
}

export function sendError(reply: FastifyReply, error: HttpError): FastifyReply {
  return reply.code(error.statusCode).send({ error: error.message, ...error.details });
}
