/**
 * Admission and intake, in one place for every way events arrive (collection, the call-tracking
 * webhook): bytes in flight are capped before a body is read, a store that falls behind gets
 * clients to back off, and a 2xx means every accepted row is durably spooled.
 *
 *   admitBody (before reading)  →  ingest: backlog check → pipeline → durable append
 */
import type { Config } from '../config/config.ts';
import type { Loader } from './loader.ts';
import type { MessageType } from './message.ts';
import { processMessages, type Rejection } from './pipeline.ts';
import type { Spool } from './spool.ts';

/** What ingestion needs of the running server. */
export interface IngestContext {
  config: Pick<Config, 'maxBacklogBytes' | 'maxMessageBytes' | 'maxBatchBytes' | 'maxInflightBytes'>;
  spool: Spool;
  loader: Loader;
}

/** A request refused as a whole, with how long the client should wait before retrying. */
export class IngestRefused extends Error {
  constructor(
    readonly status: 429 | 503,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export interface IngestOptions {
  /** The endpoint's implied type (/v1/track …); 'batch' when every message says its own. */
  endpointType?: MessageType | 'batch';
  /** The batch's sentAt, for clock-skew correction. */
  sentAt?: string;
  receivedAt?: Date;
}

export interface IngestResult {
  accepted: number;
  rejected: Rejection[];
}

/** The store is behind: refuse rather than grow the spool without bound. */
export function checkBacklog(ctx: IngestContext): void {
  if (ctx.spool.backlogBytes <= ctx.config.maxBacklogBytes) return;
  if (ctx.loader.lastError !== undefined) throw new IngestRefused(503, 'the store is unavailable; retry later', 30);
  throw new IngestRefused(429, 'ingestion is behind; retry later', 5);
}

/**
 * Takes in one request's messages for a project. Resolves once the accepted rows are durable;
 * bad messages are rejected one by one (their neighbours are kept). Throws IngestRefused when
 * nothing of the request may be kept.
 */
export async function ingest(
  ctx: IngestContext,
  project: { id: string; settings?: { domains?: readonly string[] } },
  messages: unknown[],
  options: IngestOptions = {},
): Promise<IngestResult> {
  checkBacklog(ctx);
  const outcome = processMessages(
    project.id,
    messages,
    options.endpointType ?? 'batch',
    options.sentAt,
    options.receivedAt ?? new Date(),
    ctx.config.maxMessageBytes,
    // The project comes from the in-memory directory, so its own domains cost no lookup per request.
    project.settings?.domains?.length ? project.settings.domains : undefined,
  );
  try {
    await ctx.spool.append(outcome.rows.map((r) => JSON.stringify(r)));
  } catch {
    // A full or failing disk: the spool cut the torn tail off, so nothing of this request is kept.
    throw new IngestRefused(503, 'events could not be written durably; nothing from this request was accepted', 10);
  }
  return { accepted: outcome.rows.length, rejected: outcome.rejected };
}

/** Bytes of request bodies being read or processed, per spool (one per server). */
class InFlight {
  bytes = 0;
}
const inFlight = new WeakMap<Spool, InFlight>();

/**
 * Reserves room for a body before it is read: its declared length (a compressed body counts as
 * the largest batch it may inflate to). Returns a release function, or undefined when the cap
 * is reached, and the caller answers 429 without reading. One request is always let through
 * when nothing else is in flight, so a single large batch never waits for ever.
 */
export function admitBody(
  ctx: IngestContext,
  headers: { 'content-length'?: string; 'content-encoding'?: string },
): (() => void) | undefined {
  let state = inFlight.get(ctx.spool);
  if (!state) inFlight.set(ctx.spool, (state = new InFlight()));
  const declared = Number(headers['content-length']);
  const encoded = headers['content-encoding'] !== undefined && headers['content-encoding'] !== 'identity';
  const bytes = encoded || !Number.isFinite(declared) ? ctx.config.maxBatchBytes : Math.min(declared, ctx.config.maxBatchBytes);
  if (state.bytes > 0 && state.bytes + bytes > ctx.config.maxInflightBytes) return undefined;
  state.bytes += bytes;
  let released = false;
  const s = state;
  return () => {
    if (released) return;
    released = true;
    s.bytes -= bytes;
  };
}

/** Bytes currently reserved by admitted bodies (for /health). */
export function bytesInFlight(spool: Spool): number {
  return inFlight.get(spool)?.bytes ?? 0;
}
