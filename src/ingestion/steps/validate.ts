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

const TYPES: ReadonlySet<string> = new Set(MESSAGE_TYPES);
const TYPE_LIST = MESSAGE_TYPES.join(', ');

/**
 * Checks one message of a batch against the Segment spec. `defaultType` is the type implied by
 * the endpoint (/v1/track …); in a batch every message must say its own type.
 * Written without per-message arrays or maps: it runs once for every event collected.
 */
export function validateMessage(raw: unknown, defaultType: MessageType | undefined): StepResult<SegmentMessage> {
  if (!isObject(raw)) return reject('message', 'message must be a JSON object');
  const type = (raw.type ?? defaultType) as MessageType | undefined;
  if (typeof type !== 'string' || !TYPES.has(type)) return reject('type', `type must be one of ${TYPE_LIST}`);
  const messageId = idField(raw, 'messageId');
  if (!messageId.ok) return messageId;
  const anonymousId = idField(raw, 'anonymousId');
  if (!anonymousId.ok) return anonymousId;
  const userId = idField(raw, 'userId');
  if (!userId.ok) return userId;
  const previousId = idField(raw, 'previousId');
  if (!previousId.ok) return previousId;
  const groupId = idField(raw, 'groupId');
  if (!groupId.ok) return groupId;
  if (!anonymousId.value && !userId.value) return reject('anonymousId', 'either anonymousId or userId is required');
  if (type === 'track') {
    if (typeof raw.event !== 'string' || raw.event.trim() === '') return reject('event', 'track requires a non-empty event name');
    if (raw.event.length > 200) return reject('event', 'event name is longer than 200 characters');
  }
  if (type === 'alias' && !previousId.value) return reject('previousId', 'alias requires previousId');
  if (type === 'alias' && !userId.value) return reject('userId', 'alias requires userId');
  if (type === 'group' && !groupId.value) return reject('groupId', 'group requires groupId');
  const notObject = nonObjectField(raw, 'properties') ?? nonObjectField(raw, 'traits') ?? nonObjectField(raw, 'context');
  if (notObject) return reject(notObject, `${notObject} must be an object`);
  if (raw.name !== undefined && raw.name !== null && typeof raw.name !== 'string') return reject('name', 'name must be a string');
  // Times are parsed here only to name a bad field; correctTimestamp uses them.
  const timestamp = parseClientTime(raw.timestamp, 'timestamp');
  if (!timestamp.ok) return timestamp;
  const originalTimestamp = parseClientTime(raw.originalTimestamp, 'originalTimestamp');
  if (!originalTimestamp.ok) return originalTimestamp;
  const sentAt = parseClientTime(raw.sentAt, 'sentAt');
  if (!sentAt.ok) return sentAt;
  // The fields later steps read, in one fixed shape: spreading the client's object and adding the
  // ids it lacks made V8 rebuild the object's layout for every message (the slowest step by far).
  const value: SegmentMessage = {
    type,
    // A client that sends no messageId cannot be deduplicated on retry; give it one so it is stored once.
    messageId: messageId.value ?? randomUUID(),
    anonymousId: anonymousId.value,
    userId: userId.value,
    previousId: previousId.value,
    groupId: groupId.value,
    event: raw.event as string | undefined,
    name: raw.name as string | undefined,
    properties: raw.properties as Record<string, unknown> | undefined,
    traits: raw.traits as Record<string, unknown> | undefined,
    context: raw.context as Record<string, unknown> | undefined,
    timestamp: raw.timestamp as string | undefined,
    originalTimestamp: raw.originalTimestamp as string | undefined,
    sentAt: raw.sentAt as string | undefined,
  };
  return { ok: true, value };
}

function nonObjectField(raw: Record<string, unknown>, field: string): string | undefined {
  const v = raw[field];
  return v !== undefined && v !== null && !isObject(v) ? field : undefined;
}
