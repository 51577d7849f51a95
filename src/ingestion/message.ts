/** The shapes a message takes on its way from the request body into the store. */

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

/** One row of events_raw (without session_id, which the load step computes in the database). */
export interface EventRow {
  project_id: string;
  message_id: string;
  type: string;
  event: string;
  anonymous_id: string;
  user_id: string;
  timestamp: string;
  received_at: string;
  channel: string;
  source: string;
  medium: string;
  campaign: string;
  term: string;
  content: string;
  click_id: string;
  referrer: string;
  url: string;
  path: string;
  revenue: number | null;
  currency: string;
  order_id: string;
  browser: string;
  os: string;
  device_type: string;
  is_bot: number;
  properties: string;
  context: string;
}

/** A step's explicit result: the value to pass on, or a rejection naming the field. */
export type StepResult<T> = { ok: true; value: T } | { ok: false; status: number; field: string; message: string };

export function reject(field: string, message: string, status = 400): { ok: false; status: number; field: string; message: string } {
  return { ok: false, status, field, message };
}
