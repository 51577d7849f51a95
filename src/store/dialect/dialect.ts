/**
 * The one place where DuckDB and ClickHouse SQL differ. Every query in Waymark is written
 * once against this interface; each store supplies its dialect. Keep hooks small and
 * portable SQL outside them (both engines accept nullif, coalesce, CASE, window functions,
 * date_diff, lower, concat).
 */
export type ParamType = 'String' | 'Float64' | 'Int64' | 'DateTime' | 'Array(String)';
export type ColumnType = 'String' | 'Float64' | 'Int64' | 'DateTime' | 'NullableFloat64' | 'JSON';
export type TimeUnit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
}

export interface TableSpec {
  name: string;
  columns: ColumnSpec[];
  /** Sorting key for ClickHouse MergeTree; DuckDB ignores it. */
  orderBy: string[];
  /** ClickHouse engine family: plain MergeTree, or ReplacingMergeTree(version) for documents. */
  engine?: { kind: 'MergeTree' } | { kind: 'ReplacingMergeTree'; version: string };
  partitionBy?: string;
  /** Sharding expression of the Distributed table on a ClickHouse cluster. */
  shardBy?: string;
}

export interface Dialect {
  readonly name: 'duckdb' | 'clickhouse';
  /** A bound parameter placeholder, typed so that both engines parse it identically. */
  placeholder(name: string, type: ParamType): string;
  createTable(spec: TableSpec): string;
  /** CREATE OR REPLACE VIEW, with cluster clauses where needed. */
  createView(name: string, selectSql: string): string;
  truncate(table: string): string;
  /** Start of the unit containing ts (weeks start on Monday in both engines). */
  dateTrunc(unit: TimeUnit, ts: string): string;
  /** Whole seconds from a to b, may be fractional (milliseconds kept). */
  secondsBetween(a: string, b: string): string;
  addSeconds(ts: string, seconds: string): string;
  /** Milliseconds since the epoch as an integer. */
  epochMillis(ts: string): string;
  /** Format a timestamp as 'YYYY-MM-DD'. */
  formatDate(ts: string): string;
  /** Read a string field at a dotted path of a JSON string column ('' when missing). */
  jsonString(column: string, path: string[]): string;
  /** Read a scalar field (string, number or boolean) as text, e.g. an id sent as 0 or "0" ('' when missing). */
  jsonScalar(column: string, path: string[]): string;
  /** Read a numeric field at a dotted path of a JSON string column (NULL when missing). */
  jsonNumber(column: string, path: string[]): string;
  /**
   * One row per top-level key of a JSON object column: `from` replaces `FROM relation AS alias`,
   * `key` and `value` (the value as raw JSON text) are the expressions to select.
   */
  jsonEntries(relation: string, alias: string, column: string): { from: string; key: string; value: string };
  /** Aggregate (key, raw JSON value) pairs into one JSON object string. */
  jsonObjectAgg(key: string, rawValue: string): string;
  /** value of `expr` on the row where `by` is smallest / largest. */
  argMin(expr: string, by: string): string;
  argMax(expr: string, by: string): string;
  /** count of rows where cond holds, as an aggregate. */
  countIf(cond: string): string;
  countDistinct(expr: string): string;
  countDistinctIf(expr: string, cond: string): string;
  sumIf(expr: string, cond: string): string;
  minIf(expr: string, cond: string): string;
  quantile(expr: string, p: number): string;
  /** Aggregate values into an array ordered by `orderBy`. */
  arrayAgg(expr: string, orderBy: string): string;
  arrayLength(arr: string): string;
  /** Join an array of strings with a separator. */
  arrayJoinStrings(arr: string, sep: string): string;
  /** Is `value` an element of the array parameter/expression `arr`. */
  inArray(value: string, arr: string): string;
  /** How many elements `v` of `arr` satisfy `cond` (an expression in `v`; may name columns of the row). */
  arrayCount(arr: string, v: string, cond: string): string;
  /** Elements `from`..`to` of `arr` (1-based, inclusive); empty when to < from. */
  arraySlice(arr: string, from: string, to: string): string;
  /** `expr` (an expression in `v`) of every element `v` of `arr`. */
  arrayMap(arr: string, v: string, expr: string): string;
  /** Value of expr `offset` rows before (lag) / after (lead) in the window; NULL past the edge. */
  lagOver(expr: string, window: string, offset?: number): string;
  leadOver(expr: string, window: string, offset?: number): string;
  /** Last non-NULL value of expr over the window spec (a full OVER (...) clause body). */
  lastNonNullOver(expr: string, window: string): string;
  regexpMatches(expr: string, pattern: string): string;
  regexpReplace(expr: string, pattern: string, replacement: string): string;
  /** A deterministic pseudo-random number in [0, 1) from an integer expression (synthetic data, sampling). */
  hash01(expr: string): string;
  /** A 64-bit hash of a value (UInt64), for equality tests and cheap sort keys; differs between engines. */
  hash64(expr: string): string;
  /** Lower-case hex SHA-256 of a string, the same on every engine (identity keys hash like src/calls). */
  sha256Hex(expr: string): string;
  toFloat(expr: string): string;
  toStr(expr: string): string;
  /** SQL literal of a timestamp parameter value as the engine expects it bound. */
  timestampValue(date: Date): string;
  /** Reading an NDJSON file with the given columns as a table expression. */
  readNdjson(path: string, columns: ColumnSpec[]): string;
  /** Rows of a single-column numeric series 0..n-1, as a table expression with column `n`. */
  range(n: string): string;
}

/** A query with its typed, named parameters: values never go into the SQL text. */
export interface Query {
  sql: string;
  params: Record<string, { value: unknown; type: ParamType }>;
}

/**
 * Collects typed parameters while a query is assembled:
 *   const q = new QueryBuilder(dialect); const where = `project_id = ${q.param(id, 'String')}`;
 */
export class QueryBuilder {
  private readonly params: Query['params'] = {};
  private count = 0;
  constructor(readonly d: Dialect) {}

  param(value: unknown, type: ParamType): string {
    const name = `p${this.count++}`;
    const bound = type === 'DateTime' && value instanceof Date ? this.d.timestampValue(value) : value;
    this.params[name] = { value: bound, type };
    return this.d.placeholder(name, type);
  }

  str(value: string): string {
    return this.param(value, 'String');
  }

  time(value: Date | string): string {
    return this.param(value instanceof Date ? value : new Date(value), 'DateTime');
  }

  num(value: number): string {
    return this.param(value, Number.isInteger(value) ? 'Int64' : 'Float64');
  }

  list(values: string[]): string {
    return this.param(values, 'Array(String)');
  }

  build(sql: string): Query {
    return { sql, params: { ...this.params } };
  }
}

/** Quote an identifier the same way in both engines. Only for names from our own code. */
export function ident(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid identifier: ${name}`);
  return name;
}

/** Formats a Date as 'YYYY-MM-DD HH:MM:SS.sss' (UTC), which both engines parse as a timestamp. */
export function sqlTimestamp(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}
