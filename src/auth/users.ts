/**
 * Dashboard users. One account list per server (documents of kind "web_user", not tied to a
 * project): a signed-in user may read every project. Roles: the owner manages the team; a member
 * may change settings; a viewer may only read.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { listDocuments, putDocument } from '../store/documents.ts';
import type { Store } from '../store/store.ts';
import { hashPassword, verifyPassword } from './password.ts';

export const ROLES = ['owner', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: string;
}

/** What the API shows of a user: never the hash. */
export type PublicUser = Omit<User, 'passwordHash'>;

const KIND = 'web_user';

export class UserError extends Error {}

export function publicUser(u: User): PublicUser {
  const { passwordHash: _hidden, ...rest } = u;
  return rest;
}

function normalEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function listUsers(store: Store): Promise<User[]> {
  return (await listDocuments<User>(store, KIND, '')).map((d) => d.body).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export async function findUserByEmail(store: Store, email: string): Promise<User | undefined> {
  const e = normalEmail(email);
  return (await listUsers(store)).find((u) => u.email === e);
}

export async function getUser(store: Store, id: string): Promise<User | undefined> {
  return (await listDocuments<User>(store, KIND, '', id))[0]?.body;
}

export async function createUser(store: Store, input: { email: string; password: string; name?: string; role: Role }): Promise<User> {
  const email = normalEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new UserError(`email: "${input.email}" is not an email address`);
  if (input.password.length < 8) throw new UserError('password: use at least 8 characters');
  if (await findUserByEmail(store, email)) throw new UserError(`email: a user with ${email} already exists`);
  const user: User = {
    id: randomUUID(),
    email,
    name: input.name?.trim() || email.split('@')[0]!,
    role: input.role,
    passwordHash: await hashPassword(input.password),
    createdAt: new Date().toISOString(),
  };
  await putDocument(store, KIND, '', user.id, user);
  return user;
}

/** The user with this email and password, or undefined. Both failures take a hash's time. */
export async function authenticate(store: Store, email: string, password: string): Promise<User | undefined> {
  const user = await findUserByEmail(store, email);
  // Verify against a dummy hash when the email is unknown, so timing does not reveal accounts.
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash), password);
  return ok && user ? user : undefined;
}

let dummyHash: Promise<string> | undefined;

/**
 * Gives the user with this email a new password (the one given, or a generated one, returned to be
 * shown once). Whoever can reach the data folder may do this: it is how an owner who lost the
 * printed password gets back in. The caller ends the user's sessions.
 */
export async function resetPassword(store: Store, email: string, password?: string): Promise<{ user: User; password: string }> {
  const user = await findUserByEmail(store, email);
  if (!user) throw new UserError(`email: no user with ${normalEmail(email)}`);
  const next = password ?? randomBytes(12).toString('base64url');
  if (next.length < 8) throw new UserError('password: use at least 8 characters');
  const updated: User = { ...user, passwordHash: await hashPassword(next) };
  await putDocument(store, KIND, '', user.id, updated);
  return { user: updated, password: next };
}

/**
 * The first start creates the owner: from WAYMARK_ADMIN_EMAIL / WAYMARK_ADMIN_PASSWORD when set,
 * otherwise with a generated password. Returns the lines to print once, or [] when users exist.
 */
export async function ensureOwner(store: Store, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  if ((await listUsers(store)).length > 0) return [];
  const email = env.WAYMARK_ADMIN_EMAIL || 'owner@waymark.local';
  const given = env.WAYMARK_ADMIN_PASSWORD;
  const password = given || randomBytes(12).toString('base64url');
  await createUser(store, { email, password, name: 'Owner', role: 'owner' });
  return given
    ? [`Created dashboard owner ${email} (password from WAYMARK_ADMIN_PASSWORD)`]
    : [`Created dashboard owner`, `  email:    ${email}`, `  password: ${password}  (shown once; keep it)`];
}
