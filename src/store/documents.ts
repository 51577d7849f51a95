import { QueryBuilder } from './dialect/dialect.ts';
import { DOCUMENTS } from './schema.ts';
import type { Store } from './store.ts';

/**
 * Versioned JSON documents for small mutable records. A write appends a new version; reads take
 * the newest version per (kind, project, id) and drop deleted ones.
 */
export interface StoredDocument<T> {
  id: string;
  projectId: string;
  body: T;
}

let lastVersion = 0;
/** Strictly increasing within a process, so two writes in one millisecond still order. */
function nextVersion(): number {
  lastVersion = Math.max(lastVersion + 1, Date.now() * 1000);
  return lastVersion;
}

export async function putDocument<T>(store: Store, kind: string, projectId: string, id: string, body: T): Promise<void> {
  await store.insert('documents', DOCUMENTS.columns, [
    { kind, project_id: projectId, id, body: JSON.stringify(body), version: nextVersion(), deleted: 0 },
  ]);
}

export async function deleteDocument(store: Store, kind: string, projectId: string, id: string): Promise<void> {
  await store.insert('documents', DOCUMENTS.columns, [{ kind, project_id: projectId, id, body: '{}', version: nextVersion(), deleted: 1 }]);
}

export async function listDocuments<T>(store: Store, kind: string, projectId?: string, id?: string): Promise<StoredDocument<T>[]> {
  const q = new QueryBuilder(store.dialect);
  const d = store.dialect;
  const filters = [`kind = ${q.str(kind)}`];
  if (projectId !== undefined) filters.push(`project_id = ${q.str(projectId)}`);
  if (id !== undefined) filters.push(`id = ${q.str(id)}`);
  const rows = await store.query<{ id: string; project_id: string; latest_body: string; latest_deleted: number }>(
    q.build(`SELECT id, project_id, ${d.argMax('body', 'version')} AS latest_body, ${d.argMax('deleted', 'version')} AS latest_deleted
FROM documents WHERE ${filters.join(' AND ')} GROUP BY id, project_id ORDER BY id`),
  );
  return rows
    .filter((r) => Number(r.latest_deleted) === 0)
    .map((r) => ({ id: r.id, projectId: r.project_id, body: JSON.parse(r.latest_body) as T }));
}

export async function getDocument<T>(store: Store, kind: string, projectId: string, id: string): Promise<T | undefined> {
  return (await listDocuments<T>(store, kind, projectId, id))[0]?.body;
}
