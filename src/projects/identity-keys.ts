/**
 * Identity keys: which traits of an identify stitch a person across sources, per project.
 *
 * A key names a trait and how its value becomes the id other sources use for the same person:
 * - `phone`: "phone:" + SHA-256 hex of "+" and the number's digits (how src/calls names a caller);
 * - `email`: "email:" + SHA-256 hex of the address trimmed and lower-cased;
 * - `phone_sha256` / `email_sha256`: an already hashed form, taken as it is (lower-cased);
 * - `id`: "<trait>:" + the value, for a customer id, loyalty number or CRM id: an order or chat
 *   sent with `anonymousId: "customer_id:C-77"` joins the person who identified with that id.
 * When an identify carries a key, identity_links links the key's id to the user id. Links resolve
 * at query time (the `events` view's person_map), so stitching is retroactive in time: a call made
 * before the identify joins the person too. Changing a project's keys links its past identifies by
 * the new keys at once (`setIdentityKeys`); a key taken out stops linking new identifies, and the
 * links it made stay (they were true when made).
 */
import { z } from 'zod';
import type { Dialect } from '../store/dialect/dialect.ts';

export const IDENTITY_KEY_KINDS = ['phone', 'email', 'phone_sha256', 'email_sha256', 'id'] as const;

export const identityKeySchema = z.object({
  /** The identify trait that carries the key (letters, digits and _ only: it is written into SQL as a JSON path). */
  trait: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a trait name of letters, digits and _')
    .describe('identify trait, e.g. email, phone, customer_id'),
  kind: z.enum(IDENTITY_KEY_KINDS),
});
export type IdentityKey = z.infer<typeof identityKeySchema>;
export const identityKeysSchema = z.array(identityKeySchema).max(20);

/** What every project stitches by unless its settings say otherwise. */
export const DEFAULT_IDENTITY_KEYS: readonly IdentityKey[] = [
  { trait: 'phone', kind: 'phone' },
  { trait: 'phone_sha256', kind: 'phone_sha256' },
  { trait: 'email', kind: 'email' },
  { trait: 'email_sha256', kind: 'email_sha256' },
];

/** Keys per project for the identity merge; projects not listed use DEFAULT_IDENTITY_KEYS. */
export interface IdentityKeyConfig {
  byProject?: ReadonlyMap<string, readonly IdentityKey[]>;
}

/** The id one key gives from a row's `properties` (an identify's traits), '' when the row has none. */
export function identityKeyIdSql(d: Dialect, key: IdentityKey, alias = ''): string {
  const trait = (k: string) => d.jsonScalar(`${alias}properties`, [k]);
  const v = trait(key.trait);
  switch (key.kind) {
    case 'phone': {
      const digits = d.regexpReplace(v, "'[^0-9]'", "''");
      return `CASE WHEN ${digits} <> '' THEN concat('phone:', ${d.sha256Hex(`concat('+', ${digits})`)}) ELSE '' END`;
    }
    case 'email':
      return `CASE WHEN trim(${v}) <> '' THEN concat('email:', ${d.sha256Hex(`lower(trim(${v}))`)}) ELSE '' END`;
    case 'phone_sha256':
      return `CASE WHEN ${v} <> '' THEN concat('phone:', lower(trim(${v}))) ELSE '' END`;
    case 'email_sha256':
      return `CASE WHEN ${v} <> '' THEN concat('email:', lower(trim(${v}))) ELSE '' END`;
    case 'id':
      // The trait name is checked by identityKeySchema (letters, digits, _), so it is safe as a literal.
      return `CASE WHEN trim(${v}) <> '' THEN concat('${key.trait}:', trim(${v})) ELSE '' END`;
  }
}

/** The same key lists compare equal regardless of order. */
export function sameIdentityKeys(a: readonly IdentityKey[], b: readonly IdentityKey[]): boolean {
  const norm = (ks: readonly IdentityKey[]) => [...new Set(ks.map((k) => `${k.kind}:${k.trait}`))].sort().join('|');
  return norm(a) === norm(b);
}
