/**
 * Event time from the client's clocks, corrected the Segment way:
 *   timestamp = receivedAt − (sentAt − timestamp)
 * so a device whose clock is off by hours still lands at the right moment.
 *
 * Every time a client sends, and the corrected time, must fall in [EARLIEST_TIME, LATEST_TIME):
 * both stores' DateTime columns load that range, and a time outside it (a negative year, a skew
 * that works out to year 0) would fail the whole spool segment's load.
 */
import { reject, type StepResult } from '../message.ts';

export const EARLIEST_TIME = Date.UTC(1970, 0, 1);
export const LATEST_TIME = Date.UTC(2200, 0, 1);

export function inStorableRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST_TIME && ms < LATEST_TIME;
}

/** Parses a client time field; undefined when absent. */
export function parseClientTime(value: unknown, field: string): StepResult<number | undefined> {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (typeof value !== 'string') return reject(field, `${field} must be an ISO 8601 date-time`);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return reject(field, `${field} must be an ISO 8601 date-time`);
  if (!inStorableRange(ms)) return reject(field, `${field} must be between 1970-01-01 and 2200-01-01`);
  return { ok: true, value: ms };
}

export function correctTimestamp(
  message: { timestamp?: string; originalTimestamp?: string; sentAt?: string },
  batchSentAt: string | undefined,
  receivedAt: Date,
): StepResult<Date> {
  const clientField = message.originalTimestamp !== undefined && message.originalTimestamp !== null ? 'originalTimestamp' : 'timestamp';
  const client = parseClientTime(message[clientField], clientField);
  if (!client.ok) return client;
  const own = message.sentAt !== undefined && message.sentAt !== null;
  const sentAtField = own ? 'sentAt' : 'batch sentAt';
  let sent = parseClientTime(own ? message.sentAt : batchSentAt, sentAtField);
  // A batch's sentAt belongs to every message in it: an unusable one means no skew correction,
  // not the loss of the whole batch. A message's own bad sentAt costs that message only.
  if (!sent.ok && !own) sent = { ok: true, value: undefined };
  if (!sent.ok) return sent;
  const now = receivedAt.getTime();
  let t: number;
  if (client.value !== undefined && sent.value !== undefined) t = now - (sent.value - client.value);
  else t = client.value ?? now;
  // A spoofed or broken client clock must not create future events: clamp to receivedAt.
  if (t > now) t = now;
  if (!inStorableRange(t)) return reject(sentAtField, `${sentAtField} puts the event before 1970-01-01 after clock-skew correction`);
  return { ok: true, value: new Date(t) };
}
