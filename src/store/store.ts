import type { ColumnSpec, Dialect, Query } from './dialect/dialect.ts';

export type Row = Record<string, unknown>;

/**
 * What every backend offers. Values in result rows are plain JSON-able JS values:
 * numbers (64-bit integers converted), strings, null, arrays, and timestamps as ISO strings
 * ('2026-01-02T03:04:05.678Z') on every store.
 */
export interface Store {
  readonly kind: 'duckdb' | 'chdb' | 'clickhouse';
  readonly dialect: Dialect;
  /** Runs a read query under the store's default limits (a limit error is a QueryLimitError). */
  query<T extends Row = Row>(query: Query | string): Promise<T[]>;
  /**
   * Runs a users' query (already checked by src/sql) with the engine's own guards on top: its
   * limits, read-only settings where the engine has them, and never on the connection that writes.
   */
  queryUntrusted(query: Query, limits: UntrustedQueryLimits): Promise<Row[]>;
  /** Runs a statement that returns nothing (DDL, INSERT … SELECT). */
  exec(query: Query | string): Promise<void>;
  /** Appends rows to a table (small metadata writes and tests; bulk data goes through loadNdjson). */
  insert(table: string, columns: ColumnSpec[], rows: Row[]): Promise<void>;
  /** Bulk-loads a newline-delimited JSON file whose keys are the given columns into a table. */
  loadNdjson(table: string, columns: ColumnSpec[], path: string): Promise<void>;
  /** Checks the store answers (for readiness and 503 decisions). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Converts engine values into the JSON-able shapes promised by Store.query. */
export function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plainValue);
  if (value && typeof value === 'object') {
    const out: Row = {};
    for (const [k, v] of Object.entries(value)) out[k] = plainValue(v);
    return out;
  }
  return value;
}

export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * Bounds on one query. Every analysis runs under the store's defaults; users' SQL under its own
 * (smaller) ones. `names` say which setting to raise, so a limit error tells the operator.
 */
export interface QueryLimits {
  /** Wall-clock time: ClickHouse `max_execution_time`; DuckDB interrupts the connection. */
  timeoutMs: number;
  /** ClickHouse `max_memory_usage` per query; DuckDB has one `memory_limit` for the whole instance. */
  maxMemoryBytes: number;
  names?: { time: string; memory: string };
}

/** Users' SQL: the limits plus engine guards (ClickHouse readonly=1 and a result-row cap). */
export interface UntrustedQueryLimits extends QueryLimits {
  maxResultRows: number;
}

export const DEFAULT_QUERY_LIMITS: Required<QueryLimits> = {
  timeoutMs: 120_000,
  maxMemoryBytes: 4 * 1024 ** 3,
  names: { time: 'WAYMARK_QUERY_TIMEOUT_MS', memory: 'WAYMARK_QUERY_MAX_MEMORY_BYTES' },
};

export const DEFAULT_SQL_LIMITS: Required<QueryLimits> = {
  timeoutMs: 30_000,
  maxMemoryBytes: 1024 ** 3,
  names: { time: 'WAYMARK_SQL_TIMEOUT_MS', memory: 'WAYMARK_SQL_MAX_MEMORY_BYTES' },
};

/** A query stopped by one of its limits: the client's request was too big, not the server broken (4xx). */
export class QueryLimitError extends Error {
  readonly statusCode = 422;
  constructor(
    readonly limit: 'time' | 'memory' | 'rows',
    message: string,
  ) {
    super(message);
    this.name = 'QueryLimitError';
  }
}

function describeBytes(n: number): string {
  return n >= 1024 ** 3 ? `${+(n / 1024 ** 3).toFixed(2)} GiB` : `${+(n / 1024 ** 2).toFixed(1)} MiB`;
}

export function limitError(limit: 'time' | 'memory' | 'rows', limits: QueryLimits & { maxResultRows?: number }): QueryLimitError {
  const names = limits.names ?? DEFAULT_QUERY_LIMITS.names;
  if (limit === 'time')
    return new QueryLimitError('time', `the query ran past its time limit of ${limits.timeoutMs / 1000} s (${names.time})`);
  if (limit === 'memory')
    return new QueryLimitError(
      'memory',
      `the query ran past its memory limit of ${describeBytes(limits.maxMemoryBytes)} (${names.memory})`,
    );
  return new QueryLimitError('rows', `the query returned more than ${limits.maxResultRows} rows`);
}
