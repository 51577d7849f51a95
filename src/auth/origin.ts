/**
 * Cross-site request forgery guard for the dashboard. A browser attaches the session cookie to any
 * request to this server, even one a foreign page sends (a text/plain form POST needs no CORS
 * preflight), so every state-changing request that rides a cookie must come from a page of this
 * server: its `Origin` (or, without one, its `Referer`) must name this server's host. Requests
 * without a cookie (collection, secret-key scripts) are not at risk and pass. SameSite=Lax already
 * keeps the cookie off cross-site POSTs in current browsers; this check does not rely on it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Why the request is refused, or undefined when it may proceed. */
export function crossSiteRefusal(request: FastifyRequest, carriesSession: boolean): string | undefined {
  if (SAFE.has(request.method)) return undefined;
  const path = request.url.split('?')[0]!;
  // Sign-in sets a cookie, so it is guarded too (a forged sign-in would log the victim into the
  // attacker's account); other requests only when they carry the session cookie.
  if (!carriesSession && path !== '/api/v1/auth/login') return undefined;
  const host = request.host.toLowerCase();
  const origin = request.headers.origin;
  if (origin !== undefined) return hostOf(origin) === host ? undefined : `cross-origin request refused (Origin ${origin})`;
  const referer = request.headers.referer;
  if (referer !== undefined) return hostOf(referer) === host ? undefined : 'cross-origin request refused (Referer)';
  // Neither header: not a browser page (curl, scripts), which cannot be forged by a foreign site.
  if (request.headers['sec-fetch-site'] === 'cross-site') return 'cross-origin request refused (Sec-Fetch-Site)';
  return undefined;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host.toLowerCase(); // "null" (sandboxed frames, file:) throws and is refused
  } catch {
    return undefined;
  }
}

export function refuseCrossSite(reply: FastifyReply, reason: string): FastifyReply {
  return reply.code(403).send({ error: reason });
}
