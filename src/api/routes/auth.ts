/** Dashboard sign-in, sessions, team members and the projects a signed-in user can open. */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireRole, requireUser, resolveSessionProject } from '../../auth/access.ts';
import { crossSiteRefusal, refuseCrossSite } from '../../auth/origin.ts';
import { LoginRateLimiter } from '../../auth/rate-limit.ts';
import { createSession, endSession, registerCookies, SESSION_TTL_MS, sessionToken, setSessionCookie } from '../../auth/sessions.ts';
import { authenticate, createUser, listUsers, publicUser, ROLES, UserError } from '../../auth/users.ts';
import { createProject, getProject, hashSecret, listProjects } from '../../projects/projects.ts';
import { putDocument } from '../../store/documents.ts';
import { registerAdminUserRoutes } from '../admin.ts';
import { HttpError } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { doc } from '../openapi.ts';

const loginBody = z.object({ email: z.string().min(1), password: z.string().min(1) });
const userBody = z.object({
  email: z.string().min(3),
  password: z.string().min(8),
  name: z.string().optional(),
  role: z.enum(ROLES).default('viewer'),
});

export function registerAuthRoutes(app: FastifyInstance, ctx: AppContext): void {
  ctx.projectResolvers.push(resolveSessionProject);
  const limiter = new LoginRateLimiter();
  registerCookies(app);
  registerAdminUserRoutes(app, ctx);
  // preParsing: after the cookie plugin's onRequest has read the cookies, before any body is read.
  app.addHook('preParsing', async (request, reply) => {
    const refusal = crossSiteRefusal(request, sessionToken(request) !== undefined);
    if (refusal) return refuseCrossSite(reply, refusal);
  });

  app.post('/api/v1/auth/login', doc('Sign in (sets the session cookie)', loginBody), async (request, reply) => {
    const { email, password } = loginBody.parse(request.body);
    const wait = await limiter.attempt(request.ip);
    if (wait > 0)
      return reply
        .code(429)
        .header('Retry-After', String(wait))
        .send({ error: `too many failed sign-ins; try again in ${wait} s` });
    const user = await authenticate(ctx.store, email, password);
    if (!user) throw new HttpError(401, 'wrong email or password');
    await limiter.succeed(request.ip);
    const { token } = await createSession(ctx.store, user.id);
    setSessionCookie(reply, token, SESSION_TTL_MS / 1000, request.protocol === 'https');
    return { user: publicUser(user) };
  });

  app.post('/api/v1/auth/logout', doc('Sign out'), async (request, reply) => {
    const token = sessionToken(request);
    if (token) await endSession(ctx.store, token);
    setSessionCookie(reply, '', 0, request.protocol === 'https');
    return { ok: true };
  });

  app.get('/api/v1/auth/me', doc('The signed-in user'), async (request) => {
    return { user: publicUser(await requireUser(request, ctx)) };
  });

  app.get('/api/v1/auth/users', doc('Team members', userBody), async (request) => {
    requireRole(await requireUser(request, ctx), ['owner'], 'see the team');
    return { users: (await listUsers(ctx.store)).map(publicUser) };
  });

  app.post('/api/v1/auth/users', doc('Add a team member', userBody), async (request, reply) => {
    requireRole(await requireUser(request, ctx), ['owner'], 'add team members');
    const input = userBody.parse(request.body);
    try {
      const user = await createUser(ctx.store, input);
      return reply.code(201).send({ user: publicUser(user) });
    } catch (error) {
      if (error instanceof UserError) throw new HttpError(400, error.message);
      throw error;
    }
  });

  app.get('/api/v1/projects', doc('Projects'), async (request) => {
    await requireUser(request, ctx);
    const projects = (await listProjects(ctx.store)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    return {
      projects: projects.map((p) => ({ id: p.id, name: p.name, writeKey: p.writeKey, createdAt: p.createdAt, settings: p.settings })),
    };
  });

  app.post('/api/v1/projects', doc('Create a project'), async (request, reply) => {
    requireRole(await requireUser(request, ctx), ['owner', 'member'], 'create projects');
    const { name } = z.object({ name: z.string().trim().min(1) }).parse(request.body);
    const { project, secretKey } = await createProject(ctx.store, name);
    await ctx.projects.reload();
    return reply.code(201).send({ id: project.id, name: project.name, writeKey: project.writeKey, secretKey });
  });

  // The secret key is stored hashed, so the dashboard can only show a new one (once).
  app.post('/api/v1/projects/:id/secret-key', doc('Replace a project secret key'), async (request) => {
    requireRole(await requireUser(request, ctx), ['owner', 'member'], 'rotate keys');
    const { id } = request.params as { id: string };
    const project = await getProject(ctx.store, id);
    if (!project) throw new HttpError(404, `no project ${id}`);
    const secretKey = `sk_${randomBytes(24).toString('base64url')}`;
    await putDocument(ctx.store, 'project', '', id, { ...project, secretKeyHash: hashSecret(secretKey) });
    await ctx.projects.reload();
    return { id, secretKey };
  });
}
