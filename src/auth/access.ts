/**
 * What a signed-in dashboard user may do, and which project a cookie request reads.
 * The project comes from the `x-waymark-project` header or the `?project=` query parameter (id
 * or name); without either, the oldest project.
 */
import type { FastifyRequest } from 'fastify';
import { HttpError } from '../api/auth.ts';
import type { AppContext } from '../api/context.ts';
import { listProjects, type Project } from '../projects/projects.ts';
import { ANALYSES } from '../registry/analyses.ts';
import { sessionToken, sessionUser } from './sessions.ts';
import type { User } from './users.ts';

/**
 * POST routes that only read: analyses take their query as a JSON body. Every other POST, and
 * every PATCH, PUT and DELETE, counts as a change, so a new write route is refused to viewers
 * unless it is added here on purpose.
 */
const READ_POSTS = [
  /^\/api\/v1\/(sql|flush)\/?$/,
  // Drill-down lists and their CSV read only; saving a cohort (/people/cohort) is a write.
  /^\/api\/v1\/people(\/export)?\/?$/,
  /^\/api\/v1\/auth\/(login|logout)\/?$/,
];
/** Registered analyses declared `access: 'read'` (the registry is the allowlist for analyses). */
const READ_ANALYSIS_PATHS = new Set(ANALYSES.filter((a) => a.access === 'read').map((a) => a.path));

export function isWriteRequest(method: string, url: string): boolean {
  const path = url.split('?')[0]!;
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false;
  if (method === 'POST') return !(READ_ANALYSIS_PATHS.has(path.replace(/\/$/, '')) || READ_POSTS.some((r) => r.test(path)));
  return true;
}

/** The signed-in user of a request (from the session cookie), or undefined. */
export async function requestUser(request: FastifyRequest, ctx: AppContext): Promise<User | undefined> {
  const token = sessionToken(request);
  return token ? sessionUser(ctx.store, token) : undefined;
}

export async function requireUser(request: FastifyRequest, ctx: AppContext): Promise<User> {
  const user = await requestUser(request, ctx);
  if (!user) throw new HttpError(401, 'sign in first');
  return user;
}

export function requireRole(user: User, roles: User['role'][], what: string): void {
  if (!roles.includes(user.role)) throw new HttpError(403, `a ${user.role} cannot ${what}`);
}

export function chosenProjectKey(request: FastifyRequest): string | undefined {
  const header = request.headers['x-waymark-project'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const fromQuery = (request.query as { project?: unknown } | undefined)?.project;
  return fromHeader || (typeof fromQuery === 'string' && fromQuery ? fromQuery : undefined);
}

/** The resolver registered with requireProject: a session cookie opens any project, read-only for viewers. */
export async function resolveSessionProject(request: FastifyRequest, ctx: AppContext): Promise<Project | undefined> {
  const user = await requestUser(request, ctx);
  if (!user) return undefined;
  if (user.role === 'viewer' && isWriteRequest(request.method, request.url))
    throw new HttpError(403, 'a viewer cannot change data or settings');
  const projects = await listProjects(ctx.store);
  const key = chosenProjectKey(request);
  if (!key) {
    const oldest = [...projects].sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
    if (!oldest) throw new HttpError(404, 'no project yet: create one in Settings');
    return oldest;
  }
  const found = projects.find((p) => p.id === key) ?? projects.find((p) => p.name === key);
  if (!found) throw new HttpError(404, `no project "${key}"`);
  return found;
}
