/**
 * Comments with @mentions on the things teams discuss: a journey-map cell, a report (any saved
 * view or analysis), an initiative or an experiment. Stored as documents (kind "comment");
 * each comment says who may see it (everyone in the workspace, members and owners, or owners),
 * and readers only get the comments their role may see.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { listUsers, type Role, type User } from '../auth/users.ts';
import { deleteDocument, getDocument, listDocuments, putDocument } from '../store/documents.ts';
import type { Store } from '../store/store.ts';

export const COMMENT_KIND = 'comment';

export const commentTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('journey-cell'), journey: z.string().min(1), stage: z.string().min(1), touchpoint: z.string().default('') }),
  z.object({ kind: z.literal('report'), report: z.string().min(1).describe('the view path or analysis id') }),
  z.object({ kind: z.literal('initiative'), initiative: z.string().min(1) }),
  z.object({ kind: z.literal('experiment'), experiment: z.string().min(1) }),
]);
export type CommentTarget = z.infer<typeof commentTargetSchema>;

export const commentInputSchema = z.object({
  target: commentTargetSchema,
  text: z.string().min(1).max(10_000),
  visibleTo: z.enum(['everyone', 'members', 'owners']).default('everyone'),
  /** Reply to another comment (a thread). */
  parentId: z.string().optional(),
});

/** Who wrote it: a dashboard user, or a script with the project's secret key. */
export interface Actor {
  kind: 'user' | 'key' | 'share';
  id: string;
  name: string;
  role: Role;
}

export interface Comment {
  id: string;
  target: CommentTarget;
  targetKey: string;
  text: string;
  visibleTo: 'everyone' | 'members' | 'owners';
  parentId?: string;
  author: Actor;
  mentions: Array<{ userId: string; email: string; name: string }>;
  createdAt: string;
  editedAt?: string;
}

/** One string per target, so a cell's comments are found by equality. */
export function targetKey(t: CommentTarget): string {
  switch (t.kind) {
    case 'journey-cell':
      return `journey-cell:${t.journey}:${t.stage}:${t.touchpoint}`;
    case 'report':
      return `report:${t.report}`;
    case 'initiative':
      return `initiative:${t.initiative}`;
    case 'experiment':
      return `experiment:${t.experiment}`;
  }
}

const RANK: Record<Role, number> = { viewer: 0, member: 1, owner: 2 };
const NEEDED: Record<Comment['visibleTo'], number> = { everyone: 0, members: 1, owners: 2 };
export const canSee = (role: Role, c: Pick<Comment, 'visibleTo'>) => RANK[role] >= NEEDED[c.visibleTo];

/** @mentions by email (@ana@example.com), by name without spaces (@Ana) or by the email's local part (@ana). */
export function resolveMentions(text: string, users: User[]): Comment['mentions'] {
  const found = new Map<string, Comment['mentions'][number]>();
  for (const m of text.matchAll(/(^|[^\w@])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)/g)) {
    const handle = m[2]!.replace(/[.]+$/, '').toLowerCase();
    const user = users.find(
      (u) =>
        u.email.toLowerCase() === handle ||
        u.email.toLowerCase().split('@')[0] === handle ||
        u.name.toLowerCase().replace(/\s+/g, '') === handle,
    );
    if (user) found.set(user.id, { userId: user.id, email: user.email, name: user.name });
  }
  return [...found.values()];
}

export class CommentError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export async function addComment(store: Store, projectId: string, author: Actor, input: unknown): Promise<Comment> {
  const body = commentInputSchema.parse(input);
  if (body.parentId && !(await getDocument(store, COMMENT_KIND, projectId, body.parentId)))
    throw new CommentError(400, `parentId: no comment "${body.parentId}"`);
  const comment: Comment = {
    id: randomUUID(),
    target: body.target,
    targetKey: targetKey(body.target),
    text: body.text,
    visibleTo: body.visibleTo,
    ...(body.parentId ? { parentId: body.parentId } : {}),
    author,
    mentions: resolveMentions(body.text, await listUsers(store)),
    createdAt: new Date().toISOString(),
  };
  const { id, ...stored } = comment;
  await putDocument(store, COMMENT_KIND, projectId, id, stored);
  return comment;
}

/** Comments a reader may see, oldest first; filtered by target, or by who is mentioned. */
export async function listComments(
  store: Store,
  projectId: string,
  reader: Actor,
  filter: { target?: CommentTarget; targetPrefix?: string; mentionsUserId?: string } = {},
): Promise<Comment[]> {
  const key = filter.target ? targetKey(filter.target) : undefined;
  return (await listDocuments<Omit<Comment, 'id'>>(store, COMMENT_KIND, projectId))
    .map((d) => ({ ...d.body, id: d.id }))
    .filter((c) => canSee(reader.role, c))
    .filter((c) => (key ? c.targetKey === key : true))
    .filter((c) => (filter.targetPrefix ? c.targetKey.startsWith(filter.targetPrefix) : true))
    .filter((c) => (filter.mentionsUserId ? c.mentions.some((m) => m.userId === filter.mentionsUserId) : true))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

export async function editComment(store: Store, projectId: string, editor: Actor, id: string, text: string): Promise<Comment> {
  const doc = await getDocument<Omit<Comment, 'id'>>(store, COMMENT_KIND, projectId, id);
  if (!doc) throw new CommentError(404, `no comment "${id}"`);
  if (doc.author.id !== editor.id && editor.role !== 'owner') throw new CommentError(403, 'only the author or an owner can edit a comment');
  const updated = { ...doc, text, mentions: resolveMentions(text, await listUsers(store)), editedAt: new Date().toISOString() };
  await putDocument(store, COMMENT_KIND, projectId, id, updated);
  return { ...updated, id };
}

export async function removeComment(store: Store, projectId: string, editor: Actor, id: string): Promise<void> {
  const doc = await getDocument<Omit<Comment, 'id'>>(store, COMMENT_KIND, projectId, id);
  if (!doc) throw new CommentError(404, `no comment "${id}"`);
  if (doc.author.id !== editor.id && editor.role !== 'owner')
    throw new CommentError(403, 'only the author or an owner can delete a comment');
  await deleteDocument(store, COMMENT_KIND, projectId, id);
}
