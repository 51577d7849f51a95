/**
 * Users' own SQL (`waymark sql`, POST /api/v1/sql): one read-only SELECT over one project's
 * `events`, `persons` and `ad_spend`, and nothing else.
 *
 * The engine's own parser reads the query (regular expressions cannot: a '--' inside a literal,
 * a comma join or a fake CTE name fooled the old checker), the syntax tree is checked against
 * allowlists (node kinds, functions, relation names), every public name is bound to a CTE holding
 * the project's rows, and the result runs on the store's guarded users' connection with its own
 * time, memory and row limits. See src/sql/duckdb-check.ts and src/sql/clickhouse-check.ts.
 */
import type { Query } from '../store/dialect/dialect.ts';
import { DEFAULT_SQL_LIMITS, type QueryLimits, type Row, type Store, type UntrustedQueryLimits } from '../store/store.ts';
import { scopeClickHouseSql } from './clickhouse-check.ts';
import { scopeDuckDbSql } from './duckdb-check.ts';
import { SqlBusy, SqlRejected, engineMessage } from './errors.ts';

export { SqlBusy, SqlRejected } from './errors.ts';

/** The route's largest row limit; also the engine's result-row cap on the users' connection. */
export const MAX_SQL_ROWS = 1_000_000;
const MAX_SQL_TEXT = 100_000;

export interface UserSqlOptions {
  /** Rows returned at most (default 10,000). */
  limit?: number;
  limits?: Partial<QueryLimits>;
  /** Users' queries this process runs at once; one more gets a 429. */
  maxConcurrent?: number;
}

let running = 0;

function guardedLimits(limits: Partial<QueryLimits> | undefined): UntrustedQueryLimits {
  return { ...DEFAULT_SQL_LIMITS, ...limits, names: DEFAULT_SQL_LIMITS.names, maxResultRows: MAX_SQL_ROWS };
}

/** The user's query, checked, with each public relation bound to one project's rows. */
export async function scopeUserSql(
  store: Store,
  projectId: string,
  sql: string,
  limit = 10000,
  limits?: Partial<QueryLimits>,
): Promise<Query> {
  const text = sql.trim().replace(/;\s*$/, '');
  if (!text) throw new SqlRejected('empty query');
  if (text.length > MAX_SQL_TEXT) throw new SqlRejected(`the query is longer than ${MAX_SQL_TEXT} characters`);
  const rows = Math.min(MAX_SQL_ROWS, Math.max(1, Math.floor(limit)));
  try {
    return store.dialect.name === 'duckdb'
      ? await scopeDuckDbSql(store, projectId, text, rows)
      : await scopeClickHouseSql(store, projectId, text, rows, guardedLimits(limits));
  } catch (error) {
    if (error instanceof SqlRejected || (error as { statusCode?: number }).statusCode) throw error;
    throw new SqlRejected(engineMessage(error));
  }
}

export async function runUserSql(store: Store, projectId: string, sql: string, options: UserSqlOptions | number = {}): Promise<Row[]> {
  const o = typeof options === 'number' ? { limit: options } : options;
  const maxConcurrent = o.maxConcurrent ?? 2;
  if (running >= maxConcurrent)
    throw new SqlBusy(`${maxConcurrent} SQL queries are already running: try again when one has finished (WAYMARK_SQL_MAX_CONCURRENT)`);
  running++;
  try {
    const limits = guardedLimits(o.limits);
    const query = await scopeUserSql(store, projectId, sql, o.limit, limits);
    try {
      return await store.queryUntrusted(query, limits);
    } catch (error) {
      // Limit errors are 4xx already; any other engine error is the query's fault, told in the engine's words.
      if ((error as { statusCode?: number }).statusCode) throw error;
      throw new SqlRejected(engineMessage(error));
    }
  } finally {
    running--;
  }
}
