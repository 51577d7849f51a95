/**
 * Journeys of a project, stored as documents of kind "journey". A project without any uses the
 * default B2C template; with some, the first (by id) is the default for analyses.
 */
import { deleteDocument, listDocuments, putDocument } from '../store/documents.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_JOURNEY, type Journey, parseJourney } from './definition.ts';
import { NotFoundError } from '../errors.ts';

export const JOURNEY_KIND = 'journey';

export class JourneyNotFoundError extends NotFoundError {}

export async function listJourneys(store: Store, projectId: string): Promise<Journey[]> {
  const docs = await listDocuments<unknown>(store, JOURNEY_KIND, projectId);
  return docs.map((doc) => ({ ...parseJourney(doc.body), id: doc.id }));
}

/** Stored journeys, or the default template when the project has none. */
export async function availableJourneys(store: Store, projectId: string): Promise<Journey[]> {
  const stored = await listJourneys(store, projectId);
  return stored.length > 0 ? stored : [DEFAULT_JOURNEY];
}

/** The journey an analysis uses: the one named (by id or name), or the project's default. */
export async function resolveJourney(store: Store, projectId: string, idOrName?: string): Promise<Journey> {
  const all = await availableJourneys(store, projectId);
  if (idOrName === undefined) return all[0]!;
  const found =
    all.find((j) => j.id === idOrName || j.name === idOrName) ?? (idOrName === DEFAULT_JOURNEY.id ? DEFAULT_JOURNEY : undefined);
  if (!found) throw new JourneyNotFoundError(`no journey "${idOrName}"`);
  return found;
}

/** Validates and saves a journey definition (replacing one with the same id). */
export async function saveJourney(store: Store, projectId: string, input: unknown): Promise<Journey> {
  const journey = parseJourney(input);
  await putDocument(store, JOURNEY_KIND, projectId, journey.id, journey);
  return journey;
}

export async function deleteJourney(store: Store, projectId: string, id: string): Promise<boolean> {
  const existing = await listDocuments(store, JOURNEY_KIND, projectId, id);
  if (existing.length === 0) return false;
  await deleteDocument(store, JOURNEY_KIND, projectId, id);
  return true;
}
