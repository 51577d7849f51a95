/**
 * Makes a parsed message safe to serialise and load, before any other step reads it:
 * - a lone UTF-16 surrogate (valid in a JS string, invalid in UTF-8 and in every store's JSON
 *   reader) is replaced with U+FFFD, in values and in keys, at any depth;
 * - nesting deeper than MAX_NESTING_DEPTH is rejected, naming the top-level field, so no later
 *   step (JSON.stringify, the store's JSON functions) can overflow a stack.
 * A message that needs no repair is returned as is: the walk allocates nothing for it.
 */
import { reject, type StepResult } from '../message.ts';

/** Objects and arrays inside a message, counting the message itself as level 1. */
export const MAX_NESTING_DEPTH = 32;

type WellFormedString = string & { isWellFormed(): boolean; toWellFormed(): string };

/** Node 20 has String.prototype.isWellFormed/toWellFormed (ES2024); the project's lib is ES2022. */
export function wellFormed(s: string): string {
  return (s as WellFormedString).isWellFormed() ? s : (s as WellFormedString).toWellFormed();
}

class TooDeep extends Error {}

/**
 * Whether a value needs no repair: every string and key well formed. Throws TooDeep past the
 * nesting limit. Allocates nothing, so the common case (a clean message) costs one walk.
 */
function isClean(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return (value as WellFormedString).isWellFormed();
  if (typeof value !== 'object' || value === null) return true;
  if (depth >= MAX_NESTING_DEPTH) throw new TooDeep();
  if (Array.isArray(value)) {
    let ok = true;
    for (let i = 0; i < value.length; i++) if (!isClean(value[i], depth + 1)) ok = false;
    return ok;
  }
  let ok = true;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (!(key as WellFormedString).isWellFormed() || !isClean((value as Record<string, unknown>)[key], depth + 1)) ok = false;
  }
  return ok;
}

/** A repaired copy of a value that isClean rejected (depth already checked). */
function repair(value: unknown): unknown {
  if (typeof value === 'string') return wellFormed(value);
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(repair);
  const entries: [string, unknown][] = [];
  for (const key of Object.keys(value)) entries.push([wellFormed(key), repair((value as Record<string, unknown>)[key])]);
  // fromEntries defines own properties, so a "__proto__" key stays data and never sets a prototype.
  return Object.fromEntries(entries);
}

export function sanitizeMessage(raw: Record<string, unknown>): StepResult<Record<string, unknown>> {
  let clean = true;
  for (const key of Object.keys(raw)) {
    try {
      if (!(key as WellFormedString).isWellFormed() || !isClean(raw[key], 1)) clean = false;
    } catch (error) {
      // Named by the top-level field, checked in key order: the first too-deep field is reported.
      if (error instanceof TooDeep) return reject(key, `${key} is nested deeper than ${MAX_NESTING_DEPTH} levels`);
      throw error;
    }
  }
  return { ok: true, value: clean ? raw : (repair(raw) as Record<string, unknown>) };
}
