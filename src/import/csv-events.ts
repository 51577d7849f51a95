/**
 * CSV rows as Segment track messages, through a column mapping:
 *   --map "timestamp=Date,userId=Customer,event=Type,revenue=Amount"
 * Mapped fields become message fields; every other column goes into properties as it is named.
 * `kind: 'orders'` makes each row an `Order Completed` with order_id/revenue/currency properties.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

export type CsvKind = 'events' | 'orders';

const MESSAGE_FIELDS = new Set(['timestamp', 'userId', 'anonymousId', 'event', 'messageId', 'channel']);

export function parseMapping(text: string | undefined): Record<string, string> {
  const mapping: Record<string, string> = {};
  for (const pair of (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [field, column] = pair.split('=').map((s) => s.trim());
    if (!field || !column) throw new Error(`invalid mapping "${pair}": use field=Column`);
    mapping[field] = column;
  }
  return mapping;
}

export function csvRowToMessage(
  row: Record<string, string>,
  mapping: Record<string, string>,
  kind: CsvKind,
  defaultEvent: string | undefined,
  line: number,
): Record<string, unknown> {
  const get = (field: string) => {
    const column = mapping[field] ?? field;
    return row[column];
  };
  const used = new Set(Object.values(mapping));
  const properties: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(mapping)) {
    if (!MESSAGE_FIELDS.has(field) && row[column] !== undefined) properties[field] = numeric(row[column]!);
  }
  for (const [column, value] of Object.entries(row)) {
    if (!used.has(column) && !MESSAGE_FIELDS.has(column)) properties[column] = numeric(value);
  }
  const channel = get('channel');
  if (channel) properties.channel = channel;
  const orderId = properties.order_id ?? properties.orderId;
  return {
    type: 'track',
    event: kind === 'orders' ? 'Order Completed' : (get('event') ?? defaultEvent),
    userId: get('userId') || undefined,
    anonymousId: get('anonymousId') || undefined,
    timestamp: normaliseTime(get('timestamp')),
    // A deterministic id makes re-importing the same file a no-op.
    messageId:
      get('messageId') ||
      (orderId !== undefined && kind === 'orders'
        ? `order-${orderId}`
        : `csv-${line}-${get('userId') ?? get('anonymousId') ?? ''}-${get('timestamp') ?? ''}`),
    properties,
  };
}

function numeric(v: string): unknown {
  return v !== '' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
}

function normaliseTime(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  return Number.isNaN(t) ? v : new Date(t).toISOString();
}

export async function* readCsvMessages(
  path: string,
  mapping: Record<string, string>,
  kind: CsvKind,
  defaultEvent?: string,
): AsyncGenerator<unknown> {
  const parser = createReadStream(path).pipe(parse({ columns: true, skip_empty_lines: true, trim: true }));
  let line = 1;
  for await (const record of parser) {
    line++;
    yield csvRowToMessage(record as Record<string, string>, mapping, kind, defaultEvent, line);
  }
}
