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
  /** Runs a read query. */
  query<T extends Row = Row>(query: Query | string): Promise<T[]>;
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
