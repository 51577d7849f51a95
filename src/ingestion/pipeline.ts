/**
 * sanitize → validate → correct time → enrich → row → size. Each message gets an explicit
 * outcome; a bad message is rejected with its index and field while the rest of its batch goes on.
 * A row that leaves this pipeline is one both stores can load (see steps/sanitize.ts and
 * steps/timestamps.ts), so no client input can stop the loader.
 */
import { EVENT_COLUMNS } from '../store/schema.ts';
import { type EventRow, type MessageType, reject, type StepResult } from './message.ts';
import { sanitizeMessage } from './steps/sanitize.ts';
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
export function messagesOf(
  body: Record<string, unknown>,
  endpointType: MessageType | 'batch',
): { messages: unknown[]; sentAt?: string } | { error: string } {
  const sentAt = typeof body.sentAt === 'string' ? body.sentAt : undefined;
  if (endpointType === 'batch') {
    if (!Array.isArray(body.batch)) return { error: 'batch must be an array of messages' };
    return { messages: body.batch, sentAt };
  }
  return { messages: [body], sentAt };
}

const STRING_COLUMNS = EVENT_COLUMNS.filter((c) => c.type === 'String' || c.type === 'JSON').map((c) => c.name as keyof EventRow);

/** Characters a row stores in its text columns: every field that lands in a column counts. */
export function storedSize(row: EventRow): number {
  let size = 0;
  for (const c of STRING_COLUMNS) size += (row[c] as string).length;
  return size;
}

/** One message through every step. */
export function processMessage(
  projectId: string,
  raw: unknown,
  defaultType: MessageType | undefined,
  batchSentAt: string | undefined,
  receivedAt: Date,
  maxMessageBytes: number,
  ownDomains?: readonly string[],
): StepResult<EventRow> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return reject('message', 'message must be a JSON object');
  const clean = sanitizeMessage(raw as Record<string, unknown>);
  if (!clean.ok) return clean;
  const valid = validateMessage(clean.value, defaultType);
  if (!valid.ok) return valid;
  const timestamp = correctTimestamp(valid.value, batchSentAt, receivedAt);
  if (!timestamp.ok) return timestamp;
  const row = toEventRow(projectId, valid.value, timestamp.value, receivedAt, ownDomains);
  const size = storedSize(row);
  if (size > maxMessageBytes) return reject('message', `message is about ${size} bytes, over the ${maxMessageBytes}-byte limit`, 413);
  return { ok: true, value: row };
}

export function processMessages(
  projectId: string,
  messages: unknown[],
  endpointType: MessageType | 'batch',
  batchSentAt: string | undefined,
  receivedAt: Date,
  maxMessageBytes: number,
  /** The project's own domains (settings.domains): referrers on them continue the session's source. */
  ownDomains?: readonly string[],
): BatchOutcome {
  const rows: EventRow[] = [];
  const rejected: Rejection[] = [];
  const defaultType = endpointType === 'batch' ? undefined : endpointType;
  messages.forEach((raw, index) => {
    let result: StepResult<EventRow>;
    try {
      result = processMessage(projectId, raw, defaultType, batchSentAt, receivedAt, maxMessageBytes, ownDomains);
    } catch (error) {
      // Whatever a message does to a step, it costs that message only, never its neighbours.
      result = reject('message', `message could not be processed: ${(error as Error).message}`);
    }
    if (result.ok) rows.push(result.value);
    else rejected.push({ index, field: result.field, message: result.message, status: result.status });
  });
  return { rows, rejected };
}
