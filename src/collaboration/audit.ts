/**
 * The audit log: who changed what. Every successful change made through the API (any request
 * that access.ts counts as a write: POST outside the read allowlist, PUT, PATCH, DELETE) is
 * recorded by one response hook, so journeys, personas, settings, keys, audiences, users and
 * everything added later are covered without a line in each route. Stored as documents
 * (kind "audit").
 */
import { randomUUID } from 'node:crypto';
import { listDocuments, putDocument } from '../store/documents.ts';
import type { Store } from '../store/store.ts';
import type { Actor } from './comments.ts';

export const AUDIT_KIND = 'audit';

export interface AuditEntry {
  id: string;
  at: string;
  actor: Pick<Actor, 'kind' | 'id' | 'name'>;
  action: 'create' | 'update' | 'delete' | 'run';
  /** What was changed: journeys, personas, settings, keys, audiences, users … */
  resource: string;
  resourceId: string | null;
  method: string;
  path: string;
  status: number;
}

/** Resource names of API paths (the first segment after /api/v1/, with a few renamed). */
export function resourceOf(path: string): { resource: string; resourceId: string | null } {
  const parts = path.split('?')[0]!.split('/').filter(Boolean).slice(2); // drop "api", "v1"
  if (parts[0] === 'project' && parts[1] === 'settings') return { resource: 'settings', resourceId: null };
  if (parts[0] === 'projects' && parts[2] === 'secret-key') return { resource: 'keys', resourceId: parts[1] ?? null };
  if (parts[0] === 'calls' && parts[1] === 'settings') return { resource: 'settings', resourceId: 'calls' };
  if (parts[0] === 'auth' && parts[1] === 'users') return { resource: 'users', resourceId: parts[2] ?? null };
  return {
    resource: parts[0] ?? 'unknown',
    resourceId: parts[1] && !['suggested', 'preview', 'check', 'subscriptions'].includes(parts[1]) ? decodeURIComponent(parts[1]) : null,
  };
}

export function actionOf(method: string, path: string): AuditEntry['action'] {
  if (method === 'DELETE') return 'delete';
  if (method === 'PUT' || method === 'PATCH') return 'update';
  return /\/(sync|check)\/?$/.test(path.split('?')[0]!) ? 'run' : 'create';
}

export async function recordAudit(store: Store, projectId: string, entry: Omit<AuditEntry, 'id' | 'at'>): Promise<void> {
  const id = randomUUID();
  await putDocument(store, AUDIT_KIND, projectId, id, { ...entry, at: new Date().toISOString() });
}

export async function listAudit(
  store: Store,
  projectId: string,
  filter: { resource?: string; limit?: number } = {},
): Promise<AuditEntry[]> {
  return (await listDocuments<Omit<AuditEntry, 'id'>>(store, AUDIT_KIND, projectId))
    .map((d) => ({ ...d.body, id: d.id }))
    .filter((e) => (filter.resource ? e.resource === filter.resource : true))
    .sort((a, b) => b.at.localeCompare(a.at) || a.id.localeCompare(b.id))
    .slice(0, filter.limit ?? 500);
}
