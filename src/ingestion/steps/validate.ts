import { randomUUID } from 'node:crypto';
import { MESSAGE_TYPES, type MessageType, reject, type SegmentMessage, type StepResult } from '../message.ts';
import { parseClientTime } from './timestamps.ts';

const ID_MAX = 512;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function idField(msg: Record<string, unknown>, field: string): StepResult<string | undefined> {
  const v = msg[field];
  if (v === undefined || v === null || v === '') return { ok: true, value: undefined };
  if (typeof v !== 'string' && typeof v !== 'number') return reject(field, `${field} must be a string`);
  const s = String(v);
  if (s.length > ID_MAX) return reject(field, `${field} is longer than ${ID_MAX} characters`);
  return { ok: true, value: s };
}

/**
 * Checks one message of a batch against the Segment spec. `defaultType` is the type implied by
 * the endpoint (/v1/track …); in a batch every message must say its own type.
 */
export function validateMessage(raw: unknown, defaultType: MessageType | undefined): StepResult<SegmentMessage> {
  if (!isObject(raw)) return reject('message', 'message must be a JSON object');
  const type = (raw.type ?? defaultType) as MessageType | undefined;
  if (typeof type !== 'string' || !MESSAGE_TYPES.includes(type)) {
    return reject('type', `type must be one of ${MESSAGE_TYPES.join(', ')}`);
  }
  const ids: Record<string, string | undefined> = {};
  for (const f of ['messageId', 'anonymousId', 'userId', 'previousId', 'groupId']) {
    const r = idField(raw, f);
    if (!r.ok) return r;
    ids[f] = r.value;
  }
  if (!ids.anonymousId && !ids.userId) return reject('anonymousId', 'either anonymousId or userId is required');
  if (type === 'track') {
    if (typeof raw.event !== 'string' || raw.event.trim() === '') return reject('event', 'track requires a non-empty event name');
    if (raw.event.length > 200) return reject('event', 'event name is longer than 200 characters');
  }
  if (type === 'alias' && !ids.previousId) return reject('previousId', 'alias requires previousId');
  if (type === 'alias' && !ids.userId) return reject('userId', 'alias requires userId');
  if (type === 'group' && !ids.groupId) return reject('groupId', 'group requires groupId');
  for (const f of ['properties', 'traits', 'context']) {
    if (raw[f] !== undefined && raw[f] !== null && !isObject(raw[f])) return reject(f, `${f} must be an object`);
  }
  if (raw.name !== undefined && raw.name !== null && typeof raw.name !== 'string') return reject('name', 'name must be a string');
  for (const f of ['timestamp', 'originalTimestamp', 'sentAt']) {
    const r = parseClientTime(raw[f], f);
    if (!r.ok) return r;
  }
  return {
    ok: true,
    value: {
      ...(raw as SegmentMessage),
      type,
      // A client that sends no messageId cannot be deduplicated on retry; give it one so it is stored once.
      messageId: ids.messageId ?? randomUUID(),
      anonymousId: ids.anonymousId,
      userId: ids.userId,
      previousId: ids.previousId,
      groupId: ids.groupId,
    },
  };
}
