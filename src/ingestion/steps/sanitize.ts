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

function clean(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return wellFormed(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_NESTING_DEPTH) throw new TooDeep();
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const c = clean(value[i], depth + 1);
      if (c !== value[i]) (copy ??= value.slice())[i] = c;
    }
    return copy ?? value;
  }
  let changed = false;
  const entries: [string, unknown][] = [];
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    const c = clean(v, depth + 1);
    const k = wellFormed(key);
    if (c !== v || k !== key) changed = true;
    entries.push([k, c]);
  }
  // fromEntries defines own properties, so a "__proto__" key stays data and never sets a prototype.
  return changed ? Object.fromEntries(entries) : value;
}

export function sanitizeMessage(raw: Record<string, unknown>): StepResult<Record<string, unknown>> {
  let changed = false;
  const entries: [string, unknown][] = [];
  for (const key of Object.keys(raw)) {
    try {
      const v = raw[key];
      const c = clean(v, 1);
      const k = wellFormed(key);
      if (c !== v || k !== key) changed = true;
      entries.push([k, c]);
    } catch (error) {
      if (error instanceof TooDeep) return reject(key, `${key} is nested deeper than ${MAX_NESTING_DEPTH} levels`);
      throw error;
    }
  }
  return { ok: true, value: changed ? Object.fromEntries(entries) : raw };
}
