/**
 * Typed configuration, validated once at start-up. Sources, strongest first: command-line
 * options, WAYMARK_* environment variables, defaults. A bad value stops start-up with its name.
 */
import { z } from 'zod';
import { DEFAULT_QUERY_LIMITS, DEFAULT_SQL_LIMITS } from '../store/store.ts';

const schema = z.object({
  dataDir: z.string().min(1),
  store: z.string(),
  host: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  maxMessageBytes: z.coerce.number().int().positive(),
  maxBatchBytes: z.coerce.number().int().positive(),
  /** Spooled bytes not yet in the store above which new batches get 429 (or 503 when the store is down). */
  maxBacklogBytes: z.coerce.number().int().positive(),
  /** Request-body bytes collection holds at once (read, parsed or being spooled); beyond it new requests get 429 before their body is read. */
  maxInflightBytes: z.coerce.number().int().positive(),
  /** How long a group commit waits to collect requests before one fsync. */
  groupCommitMs: z.coerce.number().min(0).max(1000),
  /** How often spooled events are loaded into the store. */
  loadIntervalMs: z.coerce.number().int().positive(),
  sessionTimeoutMinutes: z.coerce.number().positive(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (login rate limits use it). */
  trustProxy: z.preprocess((v) => v === true || v === 'true' || v === '1', z.boolean()),
  /** Every analysis query: time and memory limits (a runaway ends with a 422 naming the limit). */
  queryTimeoutMs: z.coerce.number().int().positive(),
  queryMaxMemoryBytes: z.coerce
    .number()
    .int()
    .min(64 * 1024 * 1024),
  /** Users' SQL (`POST /api/v1/sql`, `waymark sql`): its own, smaller limits, and how many may run at once (429 beyond). */
  sqlTimeoutMs: z.coerce.number().int().positive(),
  sqlMaxMemoryBytes: z.coerce
    .number()
    .int()
    .min(64 * 1024 * 1024),
  sqlMaxConcurrent: z.coerce.number().int().positive(),
});

export type Config = z.infer<typeof schema>;

const ENV: Record<keyof Config, string> = {
  dataDir: 'WAYMARK_DATA',
  store: 'WAYMARK_STORE',
  host: 'WAYMARK_HOST',
  port: 'WAYMARK_PORT',
  maxMessageBytes: 'WAYMARK_MAX_MESSAGE_BYTES',
  maxBatchBytes: 'WAYMARK_MAX_BATCH_BYTES',
  maxBacklogBytes: 'WAYMARK_MAX_BACKLOG_BYTES',
  maxInflightBytes: 'WAYMARK_MAX_INFLIGHT_BYTES',
  groupCommitMs: 'WAYMARK_GROUP_COMMIT_MS',
  loadIntervalMs: 'WAYMARK_LOAD_INTERVAL_MS',
  sessionTimeoutMinutes: 'WAYMARK_SESSION_TIMEOUT_MINUTES',
  logLevel: 'WAYMARK_LOG_LEVEL',
  trustProxy: 'WAYMARK_TRUST_PROXY',
  queryTimeoutMs: 'WAYMARK_QUERY_TIMEOUT_MS',
  queryMaxMemoryBytes: 'WAYMARK_QUERY_MAX_MEMORY_BYTES',
  sqlTimeoutMs: 'WAYMARK_SQL_TIMEOUT_MS',
  sqlMaxMemoryBytes: 'WAYMARK_SQL_MAX_MEMORY_BYTES',
  sqlMaxConcurrent: 'WAYMARK_SQL_MAX_CONCURRENT',
};

export const DEFAULTS: Config = {
  dataDir: './waymark-data',
  store: 'duckdb',
  host: '127.0.0.1',
  port: 8787,
  maxMessageBytes: 32 * 1024,
  maxBatchBytes: 4 * 1024 * 1024,
  maxBacklogBytes: 512 * 1024 * 1024,
  maxInflightBytes: 64 * 1024 * 1024,
  groupCommitMs: 2,
  loadIntervalMs: 1000,
  sessionTimeoutMinutes: 30,
  logLevel: 'warn',
  trustProxy: false,
  queryTimeoutMs: DEFAULT_QUERY_LIMITS.timeoutMs,
  queryMaxMemoryBytes: DEFAULT_QUERY_LIMITS.maxMemoryBytes,
  sqlTimeoutMs: DEFAULT_SQL_LIMITS.timeoutMs,
  sqlMaxMemoryBytes: DEFAULT_SQL_LIMITS.maxMemoryBytes,
  sqlMaxConcurrent: 2,
};

export class ConfigError extends Error {}

export function loadConfig(overrides: Partial<Record<keyof Config, unknown>> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = { ...DEFAULTS };
  for (const [key, name] of Object.entries(ENV)) {
    if (env[name] !== undefined && env[name] !== '') raw[key] = env[name];
  }
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) raw[key] = value;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]) as keyof Config;
    throw new ConfigError(`invalid configuration ${key} (${ENV[key] ?? key}): ${issue.message}`);
  }
  return parsed.data;
}
