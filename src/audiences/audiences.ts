/**
 * Saved audiences (document kind "audience"): the shared audience object of `definition.ts` plus
 * what activation needs — webhooks that hear about joins and leaves, and the trait name used when
 * the audience is exported as Segment `identify` calls.
 */
import { z } from 'zod';
import { deleteDocument, listDocuments, putDocument } from '../store/documents.ts';
import type { Store } from '../store/store.ts';
import { AUDIENCE_KIND, audienceInputSchema, type Audience } from './definition.ts';
import { validateAudienceSource } from './members.ts';
import './model-sources.ts';
import { newWebhookSecret } from './webhooks.ts';

export const audienceWebhookSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  /** The HMAC key; generated when absent (shown once, in the create or update answer). */
  secret: z.string().min(16).max(200).optional(),
  events: z
    .array(z.enum(['joined', 'left']))
    .min(1)
    .default(['joined', 'left']),
});

export const savedAudienceInputSchema = audienceInputSchema.extend({
  webhooks: z.array(audienceWebhookSchema).max(10).default([]),
  /** Trait set to true (member) or false (left) in Segment identify exports; default audience_<id>. */
  trait: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'letters, digits and _')
    .optional(),
});
export type SavedAudienceInput = z.input<typeof savedAudienceInputSchema>;

export interface AudienceWebhook {
  url: string;
  secret: string;
  events: Array<'joined' | 'left'>;
  /** Changes made before the webhook was added are not sent to it. */
  addedAt: string;
}

export interface SavedAudience extends Audience {
  webhooks: AudienceWebhook[];
  trait?: string;
  createdAt: string;
  updatedAt: string;
}

type StoredBody = Omit<SavedAudience, 'id' | 'projectId'>;

export class AudienceNotFoundError extends Error {}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'audience'
  );
}

export function audienceTrait(a: Pick<SavedAudience, 'id' | 'trait'>): string {
  return a.trait ?? `audience_${a.id.replace(/[^A-Za-z0-9]+/g, '_')}`;
}

/** The audience without webhook secrets, for lists and reads. */
export function publicAudience(a: SavedAudience): SavedAudience {
  return { ...a, webhooks: a.webhooks.map((w) => ({ ...w, secret: `${w.secret.slice(0, 9)}…` })) };
}

export async function listAudiences(store: Store, projectId?: string): Promise<SavedAudience[]> {
  const docs = await listDocuments<StoredBody>(store, AUDIENCE_KIND, projectId);
  return docs.map((d) => ({ ...d.body, id: d.id, projectId: d.projectId }));
}

export async function getAudience(store: Store, projectId: string, id: string): Promise<SavedAudience> {
  const found = (await listDocuments<StoredBody>(store, AUDIENCE_KIND, projectId, id))[0];
  if (!found) throw new AudienceNotFoundError(`no audience "${id}"`);
  return { ...found.body, id: found.id, projectId };
}

function webhooksOf(
  input: z.output<typeof savedAudienceInputSchema>['webhooks'],
  previous: AudienceWebhook[],
  now: string,
): AudienceWebhook[] {
  return input.map((w) => {
    const old = previous.find((p) => p.url === w.url);
    return { url: w.url, events: w.events, secret: w.secret ?? old?.secret ?? newWebhookSecret(), addedAt: old?.addedAt ?? now };
  });
}

/** Saves a new audience; its id is a slug of its name, unique in the project. Secrets are returned in full here only. */
export async function createAudience(store: Store, projectId: string, input: unknown): Promise<SavedAudience> {
  const body = savedAudienceInputSchema.parse(input);
  await validateAudienceSource(store, projectId, body.source);
  const taken = new Set((await listAudiences(store, projectId)).map((a) => a.id));
  const base = slug(body.name);
  let id = base;
  for (let k = 2; taken.has(id); k++) id = `${base}-${k}`;
  const now = new Date().toISOString();
  const stored: StoredBody = { ...body, webhooks: webhooksOf(body.webhooks, [], now), createdAt: now, updatedAt: now };
  await putDocument(store, AUDIENCE_KIND, projectId, id, stored);
  return { ...stored, id, projectId };
}

export async function updateAudience(store: Store, projectId: string, id: string, input: unknown): Promise<SavedAudience> {
  const old = await getAudience(store, projectId, id);
  const body = savedAudienceInputSchema.parse(input);
  await validateAudienceSource(store, projectId, body.source);
  const now = new Date().toISOString();
  const stored: StoredBody = { ...body, webhooks: webhooksOf(body.webhooks, old.webhooks, now), createdAt: old.createdAt, updatedAt: now };
  await putDocument(store, AUDIENCE_KIND, projectId, id, stored);
  return { ...stored, id, projectId };
}

export async function deleteAudience(store: Store, projectId: string, id: string): Promise<void> {
  await getAudience(store, projectId, id);
  await deleteDocument(store, AUDIENCE_KIND, projectId, id);
}
