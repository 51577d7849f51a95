/**
 * parse → validate → correct time → enrich → row. Each message gets an explicit outcome; a bad
 * message is rejected with its index and field while the rest of its batch goes on.
 */
import type { EventRow, MessageType } from './message.ts';
import { correctTimestamp } from './steps/timestamps.ts';
import { toEventRow } from './steps/to-event-row.ts';
import { validateMessage } from './steps/validate.ts';

export interface Rejection {
  index: number;
  field: string;
  message: string;
  status: number;
}

export interface BatchOutcome {
  rows: EventRow[];
  rejected: Rejection[];
}

/** The messages of a request body: a batch's `batch` array, or the body itself for single calls. */
export function messagesOf(body: Record<string, unknown>, endpointType: MessageType | 'batch'): { messages: unknown[]; sentAt?: string } | { error: string } {
  const sentAt = typeof body.sentAt === 'string' ? body.sentAt : undefined;
  if (endpointType === 'batch') {
    if (!Array.isArray(body.batch)) return { error: 'batch must be an array of messages' };
    return { messages: body.batch, sentAt };
  }
  return { messages: [body], sentAt };
}

export function processMessages(
  projectId: string,
  messages: unknown[],
  endpointType: MessageType | 'batch',
  batchSentAt: string | undefined,
  receivedAt: Date,
  maxMessageBytes: number,
): BatchOutcome {
  const rows: EventRow[] = [];
  const rejected: Rejection[] = [];
  const defaultType = endpointType === 'batch' ? undefined : endpointType;
  messages.forEach((raw, index) => {
    const valid = validateMessage(raw, defaultType, maxMessageBytes);
    if (!valid.ok) {
      rejected.push({ index, field: valid.field, message: valid.message, status: valid.status });
      return;
    }
    const timestamp = correctTimestamp(valid.value, batchSentAt, receivedAt);
    const row = toEventRow(projectId, valid.value, timestamp, receivedAt);
    // Properties and context hold nearly all of a message's bytes; their serialised size is the message's size.
    const size = row.properties.length + row.context.length + row.url.length;
    if (size > maxMessageBytes) {
      rejected.push({ index, field: 'message', message: `message is about ${size} bytes, over the ${maxMessageBytes}-byte limit`, status: 413 });
      return;
    }
    rows.push(row);
  });
  return { rows, rejected };
}
