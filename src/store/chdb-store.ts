import { mkdirSync } from 'node:fs';
import { Session } from 'chdb';
import type { ColumnSpec, Query } from './dialect/dialect.ts';
import { clickhouseDialect } from './dialect/clickhouse.ts';
import {
  CLICKHOUSE_SESSION_SETTINGS,
  clickhouseLimitError,
  limitSettings,
  paramValues,
  splitStatements,
  untrustedSettings,
} from './clickhouse-store.ts';
import { DEFAULT_QUERY_LIMITS, plainValue, type QueryLimits, type Row, type Store, type UntrustedQueryLimits } from './store.ts';

function toQuery(q: Query | string): Query {
  return typeof q === 'string' ? { sql: q, params: {} } : q;
}

function settingLiteral(v: string | number): string {
  return typeof v === 'string' ? `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : String(v);
}

function literal(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * A read's typed parameters as typed ClickHouse literals, in place of their `{name:Type}`
 * placeholders. Values are still never built into SQL by a query's author: the QueryBuilder
 * collects them typed, and only this function writes them, quoted and escaped (backslash and
 * quote: ClickHouse's whole escape set for string literals) or as checked numbers.
 */
export function inlineParams(q: Query): string {
  if (Object.keys(q.params).length === 0) return q.sql;
  return q.sql.replace(/\{(\w+):(String|Float64|Int64|Array\(String\))\}/g, (whole, name: string, type: string) => {
    const p = q.params[name];
    if (!p) throw new Error(`query parameter ${name} is not bound`);
    const v = p.value;
    switch (type) {
      case 'String':
        return literal(String(v));
      case 'Int64': {
        const n = typeof v === 'bigint' ? v : BigInt(Number.isInteger(Number(v)) ? Number(v) : NaN);
        return `toInt64(${n.toString()})`;
      }
      case 'Float64': {
        const n = Number(v);
        if (!Number.isFinite(n)) throw new Error(`query parameter ${name} is not a finite number`);
        return `toFloat64(${String(n)})`;
      }
      default:
        return `CAST([${(v as unknown[]).map((x) => literal(String(x))).join(', ')}] AS Array(String))`;
    }
  });
}

/**
 * Connections of one kind (readers, users' SQL) to the shared data folder. A chdb connection runs
 * one query at a time, and each carries its own settings and current database, so queries that
 * must not wait for each other take different connections.
 */
class SessionPool {
  private readonly idle: Session[] = [];
  private readonly all: Session[] = [];
  private readonly waiters: Array<(s: Session) => void> = [];
  constructor(
    private readonly create: () => Promise<Session>,
    private readonly max: number,
  ) {}

  async use<T>(fn: (s: Session) => Promise<T>): Promise<T> {
    const session = await this.acquire();
    try {
      return await fn(session);
    } finally {
      const next = this.waiters.shift();
      if (next) next(session);
      else this.idle.push(session);
    }
  }

  private async acquire(): Promise<Session> {
    const s = this.idle.pop();
    if (s) return s;
    if (this.all.length < this.max) {
      const created = await this.create();
      this.all.push(created);
      return created;
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    for (const s of this.all) s.close();
    this.all.length = 0;
    this.idle.length = 0;
  }
}

/**
 * The ClickHouse engine in-process (chdb), on a local folder. libchdb binds one data folder per
 * process; `database` lets several independent stores share it (tests use one per suite).
 *
 * chdb runs each async query on a libuv worker thread, so the event loop never waits for the
 * engine. What used to stall the whole server behind one slow query was the store itself: every
 * query went through one connection in turn. Now writes keep one connection (in order), reads
 * share a small pool, users' SQL has its own read-only connections with their limits set once,
 * and the health check has a connection nobody else uses.
 */
export class ChdbStore implements Store {
  readonly kind = 'chdb' as const;
  readonly dialect = clickhouseDialect();
  private static holder: Session | undefined;
  private static holderPath: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly readers: SessionPool;
  private readonly pinger: SessionPool;
  /** Users' connections, one pool per set of limits (they are fixed when a connection opens: readonly=1 forbids changing them). */
  private readonly users = new Map<string, SessionPool>();

  private constructor(
    private readonly path: string,
    private readonly writer: Session,
    private readonly database: string,
    private readonly limits: QueryLimits,
  ) {
    this.readers = new SessionPool(() => ChdbStore.connect(path, database, limitSettings(limits)), 4);
    this.pinger = new SessionPool(() => ChdbStore.connect(path, database, {}), 1);
  }

  static async open(path: string, database = 'waymark', limits: QueryLimits = DEFAULT_QUERY_LIMITS): Promise<ChdbStore> {
    if (!ChdbStore.holder) {
      mkdirSync(path, { recursive: true });
      ChdbStore.holder = new Session(path);
      ChdbStore.holderPath = path;
    } else if (ChdbStore.holderPath !== path) {
      throw new Error(`this process already uses the chdb folder ${ChdbStore.holderPath}; one folder per process`);
    }
    await ChdbStore.holder.queryAsync(`CREATE DATABASE IF NOT EXISTS ${database}`);
    return new ChdbStore(path, await ChdbStore.connect(path, database, {}), database, limits);
  }

  /** A new connection to the folder, in `database`, with the shared settings and `extra` (in order). */
  private static async connect(path: string, database: string, extra: Record<string, string | number>): Promise<Session> {
    const session = new Session(path);
    await session.queryAsync(`USE ${database}`);
    for (const [k, v] of Object.entries({ ...CLICKHOUSE_SESSION_SETTINGS, ...extra })) {
      await session.queryAsync(`SET ${k} = ${settingLiteral(v)}`);
    }
    return session;
  }

  /** Writes are serialised on one connection: the loader's steps depend on each other's order. */
  private run<T>(fn: (s: Session) => Promise<T>): Promise<T> {
    const next = this.queue.then(() => fn(this.writer));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Reads go without bound parameters: chdb's binding runs every parameterised query of the
   * process one at a time (libchdb's parameter state is not per connection), so one slow
   * analysis would hold up every other project's. See inlineParams.
   */
  private static async select(session: Session, q: Query): Promise<string> {
    return (await session.queryAsync(inlineParams(q), { format: 'JSONEachRow' })).text();
  }

  private static rows<T>(text: string): T[] {
    if (!text) return [];
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => plainValue(JSON.parse(line)) as T);
  }

  async query<T extends Row = Row>(query: Query | string): Promise<T[]> {
    const q = toQuery(query);
    try {
      return ChdbStore.rows<T>(await this.readers.use((s) => ChdbStore.select(s, q)));
    } catch (error) {
      throw clickhouseLimitError(error, this.limits) ?? error;
    }
  }

  async queryUntrusted(query: Query, limits: UntrustedQueryLimits): Promise<Row[]> {
    const key = `${limits.timeoutMs}:${limits.maxMemoryBytes}:${limits.maxResultRows}`;
    let pool = this.users.get(key);
    if (!pool) {
      pool = new SessionPool(() => ChdbStore.connect(this.path, this.database, untrustedSettings(limits)), 4);
      this.users.set(key, pool);
    }
    try {
      return ChdbStore.rows(await pool.use((s) => ChdbStore.select(s, query)));
    } catch (error) {
      throw clickhouseLimitError(error, limits) ?? error;
    }
  }

  /** Runs one statement and returns the engine's text output in `format` (used by the HTTP test bridge). */
  async raw(sql: string, params: Record<string, unknown>, format = 'JSONEachRow'): Promise<string> {
    return this.run(async (s) => (await s.queryBindAsync(sql, params, { format })).text());
  }

  async exec(query: Query | string): Promise<void> {
    const q = toQuery(query);
    await this.run(async (s) => {
      for (const sql of splitStatements(q.sql)) await s.queryBindAsync(sql, paramValues(q));
    });
  }

  async insert(table: string, columns: ColumnSpec[], rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    const payload = rows.map((r) => JSON.stringify(Object.fromEntries(columns.map((c) => [c.name, r[c.name] ?? null])))).join('\n');
    await this.run((s) =>
      s.insert({
        table: `${this.database}.${table}`,
        values: payload,
        format: 'JSONEachRow',
        columns: columns.map((c) => c.name),
      } as never),
    );
  }

  async loadNdjson(table: string, columns: ColumnSpec[], path: string): Promise<void> {
    const names = columns.map((c) => c.name).join(', ');
    await this.exec(`INSERT INTO ${table} (${names}) SELECT ${names} FROM ${this.dialect.readNdjson(path, columns)}`);
  }

  /** On a connection of its own, without parameters: a running query or load never delays it. */
  async ping(): Promise<boolean> {
    try {
      await this.pinger.use((s) => s.queryAsync('SELECT 1'));
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.queue;
    // chdb defers a connection's teardown until its running query ends; the holder keeps the folder.
    for (const pool of [this.readers, this.pinger, ...this.users.values()]) pool.close();
    this.writer.close();
  }

  /** The folder this process's chdb engine is bound to, if any (another database in it can be opened). */
  static get folder(): string | undefined {
    return ChdbStore.holderPath;
  }

  /** Ends the process-wide session (only at process exit: libchdb cannot reopen another folder). */
  static shutdown(): void {
    ChdbStore.holder?.close();
    ChdbStore.holder = undefined;
  }
}
