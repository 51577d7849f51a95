import { createReadStream } from 'node:fs';
import { type ClickHouseClient, type ClickHouseSettings, createClient } from '@clickhouse/client';
import type { ColumnSpec, Query } from './dialect/dialect.ts';
import { clickhouseDialect } from './dialect/clickhouse.ts';
import {
  DEFAULT_QUERY_LIMITS,
  limitError,
  plainValue,
  type QueryLimitError,
  type QueryLimits,
  type Row,
  type Store,
  StoreUnavailableError,
  type UntrustedQueryLimits,
} from './store.ts';

/**
 * Settings every ClickHouse query runs with, so results match DuckDB's: NULLs from outer
 * joins (not type defaults), plain JSON numbers, ISO timestamps in UTC.
 */
export const CLICKHOUSE_SESSION_SETTINGS = {
  join_use_nulls: 1,
  output_format_json_quote_64bit_integers: 0,
  date_time_output_format: 'iso',
  session_timezone: 'UTC',
} as const;

/** Every read: the engine stops it at the time limit and at the memory limit (per query). */
export function limitSettings(limits: QueryLimits): Record<string, number> {
  return { max_execution_time: limits.timeoutMs / 1000, max_memory_usage: Math.floor(limits.maxMemoryBytes) };
}

/**
 * Users' SQL on top of the limits: readonly=1 refuses writes, DDL, SET and the file() table
 * function even if a statement ever got past src/sql, and the result has a row cap. readonly comes
 * last: once set, the connection can change no setting (the query's own SETTINGS included).
 */
export function untrustedSettings(limits: UntrustedQueryLimits): Record<string, number> {
  return { ...limitSettings(limits), max_result_rows: limits.maxResultRows, readonly: 1 };
}

/** The engine's limit errors as QueryLimitError (4xx, naming the limit); undefined for any other error. */
export function clickhouseLimitError(error: unknown, limits: QueryLimits & { maxResultRows?: number }): QueryLimitError | undefined {
  const message = String((error as Error)?.message ?? error);
  if (/TIMEOUT_EXCEEDED|\(TOO_SLOW\)/.test(message)) return limitError('time', limits);
  if (/MEMORY_LIMIT_EXCEEDED/.test(message)) return limitError('memory', limits);
  if (/TOO_MANY_ROWS_OR_BYTES/.test(message)) return limitError('rows', limits);
  return undefined;
}

function toQuery(q: Query | string): Query {
  return typeof q === 'string' ? { sql: q, params: {} } : q;
}

export function paramValues(q: Query): Record<string, unknown> {
  return Object.fromEntries(Object.entries(q.params).map(([k, v]) => [k, v.value]));
}

/** Statements rendered by the dialect may hold several (cluster DDL): run them one by one. */
export function splitStatements(sql: string): string[] {
  return sql
    .split(';\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A ClickHouse server or cluster over HTTP(S). */
export class ClickHouseHttpStore implements Store {
  readonly kind = 'clickhouse' as const;
  readonly dialect;
  private constructor(
    private readonly client: ClickHouseClient,
    cluster: string | undefined,
    private readonly limits: QueryLimits,
  ) {
    this.dialect = clickhouseDialect({ cluster });
  }

  /** url: clickhouse://user:pass@host:8123/db?cluster=name (https via clickhouses://). */
  static async open(url: string, limits: QueryLimits = DEFAULT_QUERY_LIMITS): Promise<ClickHouseHttpStore> {
    const u = new URL(url);
    const database = u.pathname.replace(/^\//, '') || 'waymark';
    const protocol = u.protocol === 'clickhouses:' ? 'https' : 'http';
    const base = {
      url: `${protocol}://${u.hostname}:${u.port || (protocol === 'https' ? 8443 : 8123)}`,
      username: decodeURIComponent(u.username || 'default'),
      password: decodeURIComponent(u.password || ''),
      clickhouse_settings: CLICKHOUSE_SESSION_SETTINGS,
    };
    const cluster = u.searchParams.get('cluster') ?? undefined;
    const admin = createClient(base);
    await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}${cluster ? ` ON CLUSTER ${cluster}` : ''}` });
    await admin.close();
    return new ClickHouseHttpStore(createClient({ ...base, database }), cluster, limits);
  }

  async query<T extends Row = Row>(query: Query | string): Promise<T[]> {
    return this.read<T>(toQuery(query), limitSettings(this.limits), this.limits);
  }

  async queryUntrusted(query: Query, limits: UntrustedQueryLimits): Promise<Row[]> {
    // Over HTTP the settings travel with the query, and readonly=1 would refuse the request's own
    // limit settings; readonly=2 still refuses every write and DDL (src/sql refuses SETTINGS).
    return this.read(query, { ...untrustedSettings(limits), readonly: 2 }, limits);
  }

  private async read<T>(q: Query, settings: Record<string, number>, limits: QueryLimits): Promise<T[]> {
    try {
      const rs = await this.client.query({
        query: q.sql,
        query_params: paramValues(q),
        format: 'JSONEachRow',
        clickhouse_settings: settings as ClickHouseSettings,
      });
      return ((await rs.json()) as Row[]).map((r) => plainValue(r) as T);
    } catch (error) {
      throw clickhouseLimitError(error, limits) ?? wrapConnectionError(error);
    }
  }

  async exec(query: Query | string): Promise<void> {
    const q = toQuery(query);
    try {
      for (const sql of splitStatements(q.sql)) await this.client.command({ query: sql, query_params: paramValues(q) });
    } catch (error) {
      throw wrapConnectionError(error);
    }
  }

  async insert(table: string, columns: ColumnSpec[], rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    await this.client.insert({ table, values: rows, format: 'JSONEachRow', columns: columns.map((c) => c.name) as [string, ...string[]] });
  }

  async loadNdjson(table: string, columns: ColumnSpec[], path: string): Promise<void> {
    // The file is on this machine, not the server's: stream its bytes as the body of an INSERT.
    const result = await this.client.exec({
      query: `INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')}) FORMAT JSONEachRow`,
      values: createReadStream(path),
    });
    result.stream.resume();
    await new Promise((resolve, reject) => {
      result.stream.once('end', resolve);
      result.stream.once('error', reject);
    });
  }

  async ping(): Promise<boolean> {
    return (await this.client.ping()).success;
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

function wrapConnectionError(error: unknown): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT') {
    return new StoreUnavailableError(`ClickHouse is unreachable (${code})`, { cause: error });
  }
  return error;
}
