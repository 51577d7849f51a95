/**
 * Signed outgoing webhooks, shared by audiences (join/leave) and KPI anomaly alerts.
 *
 * - Signature: `X-Waymark-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`
 *   (the timestamp is signed so a captured request cannot be replayed later; see
 *   `verifyWebhookSignature`, which receivers can copy).
 * - `Idempotency-Key`: the same for every attempt of one delivery, so a receiver that saw an
 *   attempt whose answer was lost can drop the retry.
 * - Retries: network errors, 408, 429 and 5xx are retried with exponential backoff (base × 2^k,
 *   with jitter); other 4xx are final. After the last attempt the delivery is dead-lettered.
 * - Every attempt is logged in `webhook_deliveries`; the dead-letter log is its `dead` rows.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { WEBHOOK_DELIVERIES } from './tables.ts';

export const SIGNATURE_HEADER = 'x-waymark-signature';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

export interface WebhookTarget {
  url: string;
  secret: string;
}

export interface DeliveryOptions {
  /** Attempts in all, the first included (default 6: 1 + 5 retries). */
  maxAttempts?: number;
  /** First retry delay in ms (default 1000; doubles each retry). */
  baseDelayMs?: number;
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number;
}

export type DeliveryOutcome = 'delivered' | 'dead';

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

/** True when `header` is a valid signature of `body` made within `toleranceSeconds` of `now`. */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string,
  toleranceSeconds = 300,
  now = Date.now(),
): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isFinite(t) || !parts.v1 || Math.abs(now / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, body, t).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const retryable = (status: number) => status === 408 || status === 429 || status >= 500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function logAttempt(
  store: Store,
  row: {
    projectId: string;
    source: string;
    url: string;
    key: string;
    attempt: number;
    status: number;
    outcome: string;
    error: string;
    payload: string;
  },
): Promise<void> {
  await store.insert('webhook_deliveries', WEBHOOK_DELIVERIES.columns, [
    {
      project_id: row.projectId,
      source: row.source,
      url: row.url,
      idempotency_key: row.key,
      attempt: row.attempt,
      status: row.status,
      outcome: row.outcome,
      error: row.error.slice(0, 500),
      attempted_at: new Date().toISOString(),
      payload: row.payload,
    },
  ]);
}

/**
 * Delivers one payload to one target until it is accepted (2xx) or dead. The body is serialised
 * once, so every attempt carries the same bytes and idempotency key; the signature is renewed
 * per attempt (its timestamp must be recent).
 */
export async function deliverWebhook(
  store: Store,
  projectId: string,
  source: string,
  target: WebhookTarget,
  idempotencyKey: string,
  payload: unknown,
  options: DeliveryOptions = {},
): Promise<DeliveryOutcome> {
  const maxAttempts = options.maxAttempts ?? 6;
  const base = options.baseDelayMs ?? 1000;
  const body = JSON.stringify(payload);
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let status = 0;
    let error = '';
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Waymark-Webhooks/1',
          [SIGNATURE_HEADER]: signWebhook(target.secret, body, Math.floor(Date.now() / 1000)),
          [IDEMPOTENCY_HEADER]: idempotencyKey,
        },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) {
        await logAttempt(store, {
          projectId,
          source,
          url: target.url,
          key: idempotencyKey,
          attempt,
          status,
          outcome: 'delivered',
          error: '',
          payload: body,
        });
        return 'delivered';
      }
      error = `HTTP ${status}`;
    } catch (e) {
      error = (e as Error).message;
    }
    const last = attempt === maxAttempts || (status > 0 && !retryable(status));
    await logAttempt(store, {
      projectId,
      source,
      url: target.url,
      key: idempotencyKey,
      attempt,
      status,
      outcome: last ? 'dead' : 'failed',
      error,
      payload: body,
    });
    if (last) return 'dead';
    // Exponential backoff with ±20% jitter, so many receivers recovering at once are not hit together.
    await sleep(base * 2 ** (attempt - 1) * (0.8 + 0.4 * Math.random()));
  }
  return 'dead';
}

/** Keys that reached a final outcome (delivered or dead) for one source and URL. */
export async function finishedKeys(store: Store, projectId: string, source: string, url: string): Promise<Set<string>> {
  const q = new QueryBuilder(store.dialect);
  const rows = await store.query<{ idempotency_key: string }>(
    q.build(
      `SELECT DISTINCT idempotency_key FROM webhook_deliveries WHERE project_id = ${q.str(projectId)} AND source = ${q.str(source)} AND url = ${q.str(url)} AND outcome IN ('delivered', 'dead')`,
    ),
  );
  return new Set(rows.map((r) => r.idempotency_key));
}

export interface DeliveryLogEntry {
  source: string;
  url: string;
  idempotencyKey: string;
  attempt: number;
  status: number;
  outcome: 'delivered' | 'failed' | 'dead';
  error: string;
  at: string;
}

/** The delivery log of a project (newest first), optionally one source's or only the dead letters. */
export async function deliveryLog(
  store: Store,
  projectId: string,
  options: { source?: string; deadOnly?: boolean; limit?: number } = {},
): Promise<DeliveryLogEntry[]> {
  const q = new QueryBuilder(store.dialect);
  const where = [`project_id = ${q.str(projectId)}`];
  if (options.source) where.push(`source = ${q.str(options.source)}`);
  if (options.deadOnly) where.push(`outcome = 'dead'`);
  const rows = await store.query<{
    source: string;
    url: string;
    idempotency_key: string;
    attempt: number;
    status: number;
    outcome: DeliveryLogEntry['outcome'];
    error: string;
    attempted_at: string;
  }>(
    q.build(
      `SELECT source, url, idempotency_key, attempt, status, outcome, error, attempted_at FROM webhook_deliveries WHERE ${where.join(' AND ')} ORDER BY attempted_at DESC, attempt DESC LIMIT ${q.num(options.limit ?? 200)}`,
    ),
  );
  return rows.map((r) => ({
    source: r.source,
    url: r.url,
    idempotencyKey: r.idempotency_key,
    attempt: Number(r.attempt),
    status: Number(r.status),
    outcome: r.outcome,
    error: r.error,
    at: r.attempted_at,
  }));
}
