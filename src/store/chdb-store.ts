import { mkdirSync } from 'node:fs';
import { Session } from 'chdb';
import type { ColumnSpec, Query } from './dialect/dialect.ts';
import { clickhouseDialect } from './dialect/clickhouse.ts';
import { CLICKHOUSE_SESSION_SETTINGS, paramValues, splitStatements } from './clickhouse-store.ts';
import { plainValue, type Row, type Store } from './store.ts';

function toQuery(q: Query | string): Query {
  return typeof q === 'string' ? { sql: q, params: {} } : q;
}

/**
 * The ClickHouse engine in-process (chdb), on a local folder. libchdb binds one data folder per
 * process; `database` lets several independent stores share it (tests use one per suite).
 */
export class ChdbStore implements Store {
  readonly kind = 'chdb' as const;
  readonly dialect = clickhouseDialect();
  private static session: Session | undefined;
  private static sessionPath: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly session: Session,
    private readonly database: string,
  ) {}

  static async open(path: string, database = 'waymark'): Promise<ChdbStore> {
    if (!ChdbStore.session) {
      mkdirSync(path, { recursive: true });
      ChdbStore.session = new Session(path);
      ChdbStore.sessionPath = path;
      for (const [k, v] of Object.entries(CLICKHOUSE_SESSION_SETTINGS)) {
        await ChdbStore.session.queryAsync(`SET ${k} = ${typeof v === 'string' ? `'${v}'` : v}`);
      }
    } else if (ChdbStore.sessionPath !== path) {
      throw new Error(`this process already uses the chdb folder ${ChdbStore.sessionPath}; one folder per process`);
    }
    await ChdbStore.session.queryAsync(`CREATE DATABASE IF NOT EXISTS ${database}`);
    return new ChdbStore(ChdbStore.session, database);
  }

  /** Queries are serialised: the session's current database is shared state. */
  private run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      await this.session.queryAsync(`USE ${this.database}`);
      return fn();
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async query<T extends Row = Row>(query: Query | string): Promise<T[]> {
    const q = toQuery(query);
    return this.run(async () => {
      const result = await this.session.queryBindAsync(q.sql, paramValues(q), { format: 'JSONEachRow' });
      const text = result.text();
      if (!text) return [];
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => plainValue(JSON.parse(line)) as T);
    });
  }

  /** Runs one statement and returns the engine's text output in `format` (used by the HTTP test bridge). */
  async raw(sql: string, params: Record<string, unknown>, format = 'JSONEachRow'): Promise<string> {
    return this.run(async () => (await this.session.queryBindAsync(sql, params, { format })).text());
  }

  async exec(query: Query | string): Promise<void> {
    const q = toQuery(query);
    await this.run(async () => {
      for (const sql of splitStatements(q.sql)) await this.session.queryBindAsync(sql, paramValues(q));
    });
  }

  async insert(table: string, columns: ColumnSpec[], rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    const payload = rows.map((r) => JSON.stringify(Object.fromEntries(columns.map((c) => [c.name, r[c.name] ?? null])))).join('\n');
    await this.run(() => this.session.insert({ table: `${this.database}.${table}`, values: payload, format: 'JSONEachRow', columns: columns.map((c) => c.name) } as never));
  }

  async loadNdjson(table: string, columns: ColumnSpec[], path: string): Promise<void> {
    const names = columns.map((c) => c.name).join(', ');
    await this.exec(`INSERT INTO ${table} (${names}) SELECT ${names} FROM ${this.dialect.readNdjson(path, columns)}`);
  }

  async ping(): Promise<boolean> {
    try {
      await this.run(() => this.session.queryAsync('SELECT 1'));
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.queue;
  }

  /** Ends the process-wide session (only at process exit: libchdb cannot reopen another folder). */
  static shutdown(): void {
    ChdbStore.session?.close();
    ChdbStore.session = undefined;
  }
}
