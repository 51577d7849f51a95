/**
 * Shareable read-only links to a saved view: the view's path and URL state, a random token
 * (stored only as its SHA-256), an expiry and revocation. A request carrying a valid token (the
 * `x-waymark-share` header or `?share=`) reads only what its one view needs (share-scope.ts):
 * every other endpoint, and anything that changes data, gets 403.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { listDocuments, putDocument, getDocument } from '../store/documents.ts';
import type { Store } from '../store/store.ts';
import type { Actor } from './comments.ts';
import { VIEW_SCOPES, viewOfSharePath } from './share-scope.ts';

export const SHARE_KIND = 'share-link';

export const shareInputSchema = z.object({
  /** The dashboard path of the view, e.g. "/journeys/default". */
  path: z
    .string()
    .regex(/^\/[^\s?#]*$/, 'a path starting with /')
    .refine((p) => viewOfSharePath(p) !== undefined, `a shareable view: /${Object.keys(VIEW_SCOPES).join(', /')}`),
  /** The view's URL state (query parameters), e.g. { from: "2026-01-01", channel: "Email" }. */
  state: z.record(z.string(), z.string()).default({}),
  label: z.string().max(200).default(''),
  expiresInHours: z
    .number()
    .positive()
    .max(24 * 365)
    .default(24 * 7),
});

export interface ShareLink {
  id: string;
  path: string;
  state: Record<string, string>;
  label: string;
  createdBy: Actor;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

interface StoredShare extends Omit<ShareLink, 'id'> {
  tokenHash: string;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export function shareUrl(share: Pick<ShareLink, 'path' | 'state'>, token: string): string {
  const params = new URLSearchParams({ ...share.state, share: token });
  return `${share.path}?${params.toString()}`;
}

/** Creates a link; the token is returned only here. */
export async function createShare(
  store: Store,
  projectId: string,
  actor: Actor,
  input: unknown,
  now = new Date(),
): Promise<ShareLink & { token: string; url: string }> {
  const body = shareInputSchema.parse(input);
  const token = `wms_${randomBytes(24).toString('base64url')}`;
  const share: ShareLink = {
    id: randomUUID(),
    path: body.path,
    state: body.state,
    label: body.label,
    createdBy: actor,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + body.expiresInHours * 3_600_000).toISOString(),
    revokedAt: null,
  };
  const { id, ...rest } = share;
  await putDocument<StoredShare>(store, SHARE_KIND, projectId, id, { ...rest, tokenHash: hash(token) });
  return { ...share, token, url: shareUrl(share, token) };
}

export async function listShares(store: Store, projectId: string): Promise<ShareLink[]> {
  return (await listDocuments<StoredShare>(store, SHARE_KIND, projectId))
    .map(({ id, body: { tokenHash: _t, ...rest } }) => ({ ...rest, id }))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export async function revokeShare(store: Store, projectId: string, id: string): Promise<ShareLink | undefined> {
  const doc = await getDocument<StoredShare>(store, SHARE_KIND, projectId, id);
  if (!doc) return undefined;
  const updated = { ...doc, revokedAt: doc.revokedAt ?? new Date().toISOString() };
  await putDocument(store, SHARE_KIND, projectId, id, updated);
  const { tokenHash: _t, ...rest } = updated;
  return { ...rest, id };
}

export type ShareResolution = { ok: true; projectId: string; share: ShareLink } | { ok: false; reason: 'unknown' | 'expired' | 'revoked' };

export async function resolveShare(store: Store, token: string, now = new Date()): Promise<ShareResolution> {
  const wanted = hash(token);
  const found = (await listDocuments<StoredShare>(store, SHARE_KIND)).find((d) => d.body.tokenHash === wanted);
  if (!found) return { ok: false, reason: 'unknown' };
  if (found.body.revokedAt) return { ok: false, reason: 'revoked' };
  if (Date.parse(found.body.expiresAt) <= now.getTime()) return { ok: false, reason: 'expired' };
  const { tokenHash: _t, ...rest } = found.body;
  return { ok: true, projectId: found.projectId, share: { ...rest, id: found.id } };
}
