/**
 * Dashboard sessions: a random token in an HTTP-only cookie; the store keeps only its SHA-256
 * (document kind "web_session"), so a copy of the data folder does not hold live sessions.
 */
import { createHash, randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { deleteDocument, getDocument, listDocuments, putDocument } from '../store/documents.ts';
import type { Store } from '../store/store.ts';
import { getUser, type User } from './users.ts';

export const SESSION_COOKIE = 'waymark_session';
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;
const KIND = 'web_session';

interface SessionDoc {
  userId: string;
  expiresAt: string;
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Recently checked sessions, so a dashboard page's dozen requests do not each read the store. */
const cache = new Map<string, { user: User; until: number }>();
const CACHE_MS = 5000;

export async function createSession(store: Store, userId: string, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await putDocument<SessionDoc>(store, KIND, '', tokenHash(token), { userId, expiresAt: expiresAt.toISOString() });
  return { token, expiresAt };
}

export async function sessionUser(store: Store, token: string, now = new Date()): Promise<User | undefined> {
  const h = tokenHash(token);
  const hit = cache.get(h);
  if (hit && hit.until > now.getTime()) return hit.user;
  const doc = await getDocument<SessionDoc>(store, KIND, '', h);
  if (!doc || new Date(doc.expiresAt).getTime() <= now.getTime()) return undefined;
  const user = await getUser(store, doc.userId);
  if (user) cache.set(h, { user, until: now.getTime() + CACHE_MS });
  return user;
}

export async function endSession(store: Store, token: string): Promise<void> {
  const h = tokenHash(token);
  cache.delete(h);
  await deleteDocument(store, KIND, '', h);
}

/** Signs a user out everywhere (after a password reset): their sessions stop working at once. */
export async function endUserSessions(store: Store, userId: string): Promise<number> {
  const mine = (await listDocuments<SessionDoc>(store, KIND, '')).filter((d) => d.body.userId === userId);
  for (const d of mine) await deleteDocument(store, KIND, '', d.id);
  for (const [h, hit] of cache) if (hit.user.id === userId) cache.delete(h);
  return mine.length;
}

/** Cookie parsing and Set-Cookie for every route (@fastify/cookie), registered once per server. */
export function registerCookies(app: FastifyInstance): void {
  app.register(fastifyCookie);
}

/** The session token a request carries, if any. */
export function sessionToken(request: FastifyRequest): string | undefined {
  return request.cookies?.[SESSION_COOKIE] || undefined;
}

/** Sets (or, with an empty token and age 0, clears) the HTTP-only, SameSite=Lax session cookie. */
export function setSessionCookie(reply: FastifyReply, token: string, maxAgeSeconds: number, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', maxAge: maxAgeSeconds, secure });
}
