/**
 * Saving a drill-down list as a cohort: the audience document (kind AUDIENCE_KIND) with the
 * fields activation reads (no webhooks yet, creation times). Its id is a slug of its name,
 * unique in the project.
 */
import { listDocuments, putDocument } from '../store/documents.ts';
import type { Store } from '../store/store.ts';
import { AUDIENCE_KIND, audienceInputSchema, type Audience, type AudienceInput } from './definition.ts';

export interface SavedCohort extends Audience {
  webhooks: never[];
  createdAt: string;
  updatedAt: string;
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'audience'
  );
}

export async function saveAudience(store: Store, projectId: string, input: AudienceInput): Promise<SavedCohort> {
  const body = audienceInputSchema.parse(input);
  const taken = new Set((await listDocuments(store, AUDIENCE_KIND, projectId)).map((d) => d.id));
  const base = slug(body.name);
  let id = base;
  for (let k = 2; taken.has(id); k++) id = `${base}-${k}`;
  const now = new Date().toISOString();
  const stored = { ...body, webhooks: [] as never[], createdAt: now, updatedAt: now };
  await putDocument(store, AUDIENCE_KIND, projectId, id, stored);
  return { ...stored, id, projectId };
}
