/**
 * Personas: saved segments (document kind "persona", body { name, description?, segment }) that
 * any analysis can scope by name or id through resolveScope.
 */
import { z } from 'zod';
import { segmentPersonsSql, segmentSchema, upgradeSegment } from '../scope/scope.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import { deleteDocument, listDocuments, putDocument } from '../store/documents.ts';
import type { Store } from '../store/store.ts';
import { NotFoundError } from '../errors.ts';

export const PERSONA_KIND = 'persona';

export const personaInputSchema = z.object({
  name: z.string().min(1).max(120),
  description: z.string().max(2000).optional(),
  segment: segmentSchema,
});
export type PersonaInput = z.input<typeof personaInputSchema>;
export type PersonaBody = z.infer<typeof personaInputSchema>;
export interface Persona extends PersonaBody {
  id: string;
}

export class PersonaNotFoundError extends NotFoundError {}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'persona'
  );
}

export async function listPersonas(store: Store, projectId: string): Promise<Persona[]> {
  const docs = await listDocuments<PersonaBody>(store, PERSONA_KIND, projectId);
  return docs.map((doc) => ({ id: doc.id, ...doc.body, segment: upgradeSegment(doc.body.segment) }));
}

export async function getPersona(store: Store, projectId: string, id: string): Promise<Persona> {
  const doc = (await listDocuments<PersonaBody>(store, PERSONA_KIND, projectId, id))[0];
  if (!doc) throw new PersonaNotFoundError(`no persona "${id}"`);
  return { id: doc.id, ...doc.body, segment: upgradeSegment(doc.body.segment) };
}

/** Saves a new persona; its id is a slug of the name, made unique within the project. */
export async function createPersona(store: Store, projectId: string, input: unknown): Promise<Persona> {
  const body = personaInputSchema.parse(input);
  const taken = new Set((await listPersonas(store, projectId)).map((p) => p.id));
  const base = slug(body.name);
  let id = base;
  for (let k = 2; taken.has(id); k++) id = `${base}-${k}`;
  await putDocument(store, PERSONA_KIND, projectId, id, body);
  return { id, ...body };
}

export async function updatePersona(store: Store, projectId: string, id: string, input: unknown): Promise<Persona> {
  const body = personaInputSchema.parse(input);
  await getPersona(store, projectId, id);
  await putDocument(store, PERSONA_KIND, projectId, id, body);
  return { id, ...body };
}

export async function deletePersona(store: Store, projectId: string, id: string): Promise<void> {
  await getPersona(store, projectId, id);
  await deleteDocument(store, PERSONA_KIND, projectId, id);
}

/** Persons (non-bot, with at least one event) who match the persona's segment over all history. */
export async function personaSize(
  store: Store,
  projectId: string,
  persona: PersonaBody,
): Promise<{ persons: number; share: number; total: number }> {
  const q = new QueryBuilder(store.dialect);
  const d = store.dialect;
  const match = segmentPersonsSql(q, projectId, persona.segment);
  const rows = await store.query<{ matched: number; total: number }>(
    q.build(`SELECT ${d.countDistinctIf('person_id', `(${match})`)} AS matched, ${d.countDistinct('person_id')} AS total
FROM events WHERE project_id = ${q.str(projectId)} AND is_bot = 0`),
  );
  const persons = Number(rows[0]?.matched ?? 0);
  const total = Number(rows[0]?.total ?? 0);
  return { persons, total, share: total > 0 ? persons / total : 0 };
}

/** Starting points for a new project; created only on request, never forced. */
export const SUGGESTED_PERSONAS: PersonaBody[] = [
  {
    name: 'Bargain hunters',
    description: 'First reached through paid search or an affiliate.',
    segment: { match: 'all', rules: [{ kind: 'first_channel', channels: ['Paid Search', 'Affiliates'] }] },
  },
  {
    name: 'Loyal',
    description: 'Two or more completed orders.',
    segment: { match: 'all', rules: [{ kind: 'order_count', op: 'gte', value: 2 }] },
  },
  {
    name: 'Detractors',
    description: 'Average NPS answer of 6 or less.',
    segment: { match: 'all', rules: [{ kind: 'survey_score', survey: 'NPS', op: 'lte', value: 6 }] },
  },
];

/** Creates the suggested personas the project does not have yet (by name); returns all personas. */
export async function createSuggestedPersonas(store: Store, projectId: string): Promise<Persona[]> {
  const names = new Set((await listPersonas(store, projectId)).map((p) => p.name));
  for (const p of SUGGESTED_PERSONAS) if (!names.has(p.name)) await createPersona(store, projectId, p);
  return listPersonas(store, projectId);
}
