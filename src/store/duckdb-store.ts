import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBConnection, DuckDBInstance, DuckDBTimestampValue, listValue, StatementType, type DuckDBValue } from '@duckdb/node-api';
import { type ColumnSpec, type Query } from './dialect/dialect.ts';
import { duckdbDialect } from './dialect/duckdb.ts';
import {
  DEFAULT_QUERY_LIMITS,
  limitError,
  plainValue,
  type QueryLimits,
  type Row,
  type Store,
  StoreUnavailableError,
  type UntrustedQueryLimits,
} from './store.ts';

function toQuery(q: Query | string): Query {
  return typeof q === 'string' ? { sql: q, params: {} } : q;
}

function bindValues(q: Query): Record<string, DuckDBValue> {
  const out: Record<string, DuckDBValue> = {};
  for (const [name, { value, type }] of Object.entries(q.params)) {
    out[name] = type === 'Array(String)' ? listValue((value as unknown[]).map(String)) : (value as DuckDBValue);
  }
  return out;
}

function toMillis(v: unknown): number {
  const ms = v instanceof Date ? v.getTime() : Date.parse(String(v).includes('T') ? String(v) : `${String(v).replace(' ', 'T')}Z`);
  if (Number.isNaN(ms)) throw new Error(`not a timestamp: ${String(v)}`);
  return ms;
}

/** Embedded DuckDB in one file of the data folder. One process holds the file at a time. */
export class DuckDbStore implements Store {
  readonly kind = 'duckdb' as const;
  readonly dialect = duckdbDialect;
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly limits: QueryLimits,
  ) {}

  /** Reads running on connections of their own: close() interrupts them and waits for them to end. */
  private readonly activeReads = new Map<DuckDBConnection, Promise<unknown>>();
  private closing = false;

  static async open(path: string, limits: QueryLimits = DEFAULT_QUERY_LIMITS): Promise<DuckDbStore> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    let instance: DuckDBInstance;
    try {
      // DuckDB has no per-query memory limit: its buffer manager caps the whole instance, so one
      // query can at most spill or fail instead of growing the process without bound.
      instance = await DuckDBInstance.create(path, { memory_limit: `${Math.max(64, Math.floor(limits.maxMemoryBytes / 1024 ** 2))}MiB` });
    } catch (error) {
      const message = String((error as Error).message ?? error);
      if (/lock/i.test(message)) {
        throw new StoreUnavailableError(
          `the data file ${path} is in use by another Waymark process (a running server holds it): stop it, or use --server URL --key SECRET`,
          { cause: error },
        );
      }
      throw error;
    }
    const connection = await instance.connect();
    return new DuckDbStore(instance, connection, limits);
  }

  /**
   * Reads run on a connection of their own, so concurrent requests (a dashboard page asks for
   * several series at once) run side by side instead of queueing behind one connection.
   */
  async query<T extends Row = Row>(query: Query | string): Promise<T[]> {
    return this.read<T>(toQuery(query), this.limits);
  }

  /**
   * Users' SQL gets a connection of its own, like every read, and its own time limit. DuckDB's
   * external access cannot be switched off per query (it is instance-wide and the loader reads
   * spool files through it), so src/sql's allowlist is what keeps file and URL readers out.
   */
  async queryUntrusted(query: Query, limits: UntrustedQueryLimits): Promise<Row[]> {
    const rows = await this.read(query, limits, true);
    if (rows.length > limits.maxResultRows) throw limitError('rows', limits);
    return rows;
  }

  /**
   * DuckDB has no statement timeout setting: the connection is interrupted when time is up.
   * `selectOnly`: the engine's own statement splitter and planner must see exactly one SELECT.
   */
  private async read<T extends Row>(q: Query, limits: QueryLimits, selectOnly = false): Promise<T[]> {
    if (this.closing) throw new StoreUnavailableError('the store is closing');
    const connection = await this.instance.connect();
    const work = this.readOn<T>(connection, q, limits, selectOnly);
    this.activeReads.set(connection, work);
    try {
      return await work;
    } finally {
      this.activeReads.delete(connection);
    }
  }

  private async readOn<T extends Row>(connection: DuckDBConnection, q: Query, limits: QueryLimits, selectOnly: boolean): Promise<T[]> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      connection.interrupt();
    }, limits.timeoutMs);
    try {
      let reader;
      if (selectOnly) {
        const statements = await connection.extractStatements(q.sql);
        if (statements.count !== 1) throw new Error('only one SELECT statement may run here');
        const prepared = await statements.prepare(0);
        if (prepared.statementType !== StatementType.SELECT) throw new Error('only a SELECT statement may run here');
        prepared.bind(bindValues(q));
        reader = await prepared.runAndReadAll();
      } else {
        reader = await connection.runAndReadAll(q.sql, bindValues(q));
      }
      return reader.getRowObjectsJS().map((r) => plainValue(r) as T);
    } catch (error) {
      if (timedOut) throw limitError('time', limits);
      if (/Out of Memory Error/i.test(String((error as Error).message))) throw limitError('memory', limits);
      throw error;
    } finally {
      clearTimeout(timer);
      connection.closeSync();
    }
  }

  async exec(query: Query | string): Promise<void> {
    const q = toQuery(query);
    await this.connection.run(q.sql, bindValues(q));
  }

  async insert(table: string, columns: ColumnSpec[], rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    const appender = await this.connection.createAppender(table);
    // One typed append function per column, chosen once: the row loop does no type dispatch.
    const writers = columns.map((c): ((v: unknown) => void) => {
      switch (c.type) {
        case 'DateTime':
          return (v) => appender.appendTimestamp(new DuckDBTimestampValue(BigInt(toMillis(v)) * 1000n));
        case 'Int64':
          return (v) => appender.appendBigInt(BigInt(Math.trunc(Number(v))));
        case 'Float64':
        case 'NullableFloat64':
          return (v) => appender.appendDouble(Number(v));
        default:
          return (v) => appender.appendVarchar(typeof v === 'string' ? v : JSON.stringify(v));
      }
    });
    const names = columns.map((c) => c.name);
    try {
      for (const row of rows) {
        for (let i = 0; i < names.length; i++) {
          const v = row[names[i]!];
          if (v === null || v === undefined) appender.appendNull();
          else writers[i]!(v);
        }
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  async loadNdjson(table: string, columns: ColumnSpec[], path: string): Promise<void> {
    const names = columns.map((c) => c.name).join(', ');
    await this.exec(`INSERT INTO ${table} (${names}) SELECT ${names} FROM ${this.dialect.readNdjson(path, columns)}`);
  }

  async ping(): Promise<boolean> {
    try {
      await this.connection.run('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A request whose client went away can still be reading (the server stops waiting for it, not
   * the query): closing the instance under a running query can crash the process, so the reads
   * still running are interrupted and awaited first.
   */
  async close(): Promise<void> {
    this.closing = true;
    for (const connection of this.activeReads.keys()) connection.interrupt();
    await Promise.allSettled([...this.activeReads.values()]);
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
