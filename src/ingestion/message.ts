/** The shapes a message takes on its way from the request body into the store. */
import type { ColumnType } from '../store/dialect/dialect.ts';
import type { EVENT_COLUMN_TUPLE } from '../store/schema.ts';

export const MESSAGE_TYPES = ['track', 'page', 'screen', 'identify', 'group', 'alias'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** A Segment-spec message as clients send it (analytics.js, analytics-node, RudderStack). */
export interface SegmentMessage {
  type: MessageType;
  messageId?: string;
  anonymousId?: string | number;
  userId?: string | number;
  event?: string;
  name?: string;
  category?: string;
  previousId?: string | number;
  groupId?: string | number;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  context?: Record<string, unknown>;
  timestamp?: string;
  originalTimestamp?: string;
  sentAt?: string;
  receivedAt?: string;
  [key: string]: unknown;
}

/** The JavaScript value a column of each type holds in a spooled row. */
type ColumnValue<T extends ColumnType> = T extends 'NullableFloat64' ? number | null : T extends 'Int64' | 'Float64' ? number : string;

/** One row of events_raw (without session_id, which the load step computes in the database), derived from EVENT_COLUMNS. */
export type EventRow = { [C in (typeof EVENT_COLUMN_TUPLE)[number] as C['name']]: ColumnValue<C['type']> };

/** A step's explicit result: the value to pass on, or a rejection naming the field. */
export type StepResult<T> = { ok: true; value: T } | { ok: false; status: number; field: string; message: string };

export function reject(field: string, message: string, status = 400): { ok: false; status: number; field: string; message: string } {
  return { ok: false, status, field, message };
}
