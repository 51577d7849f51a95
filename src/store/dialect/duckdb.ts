import { type ColumnSpec, type ColumnType, type Dialect, type ParamType, type TableSpec, sqlTimestamp } from './dialect.ts';

const columnTypes: Record<ColumnType, string> = {
  String: "VARCHAR NOT NULL DEFAULT ''",
  Float64: 'DOUBLE NOT NULL DEFAULT 0',
  Int64: 'BIGINT NOT NULL DEFAULT 0',
  DateTime: 'TIMESTAMP NOT NULL',
  NullableFloat64: 'DOUBLE',
  JSON: "VARCHAR NOT NULL DEFAULT '{}'",
};

const paramCasts: Record<ParamType, string> = {
  String: 'VARCHAR',
  Float64: 'DOUBLE',
  Int64: 'BIGINT',
  DateTime: 'TIMESTAMP',
  'Array(String)': 'VARCHAR[]',
};

const readTypes: Record<ColumnType, string> = {
  String: 'VARCHAR',
  Float64: 'DOUBLE',
  Int64: 'BIGINT',
  DateTime: 'TIMESTAMP',
  NullableFloat64: 'DOUBLE',
  JSON: 'VARCHAR',
};

function jsonPath(path: string[]): string {
  return `'$.${path.map((p) => `"${p.replace(/["'\\]/g, '')}"`).join('.')}'`;
}

/** Splits a comma-separated list of SQL expressions at its top-level commas. */
function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(list.slice(start).trim());
  return parts;
}

/**
 * Sorting a list of (keys…, value) rows is several times faster than an ordered aggregate
 * (list(e ORDER BY …) buffers and sorts every group on its own); the ClickHouse dialect sorts
 * tuples the same way. A value that is itself a key is not repeated in the rows.
 */
function arrayAgg(e: string, orderBy: string): string {
  const keys = splitTopLevel(orderBy);
  const at = keys.indexOf(e.trim());
  if (keys.length === 1 && at === 0) return `list_sort(list(${e}))`;
  const fields = at >= 0 ? keys : [...keys, e];
  return `list_transform(list_sort(list((${fields.join(', ')}))), lambda r: r[${(at >= 0 ? at : keys.length) + 1}])`;
}

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  placeholder: (name, type) => `CAST($${name} AS ${paramCasts[type]})`,
  createTable: (spec: TableSpec) =>
    `CREATE TABLE IF NOT EXISTS ${spec.name} (${spec.columns.map((c) => `${c.name} ${columnTypes[c.type]}`).join(', ')})`,
  createView: (name, select) => `CREATE OR REPLACE VIEW ${name} AS ${select}`,
  truncate: (table) => `DELETE FROM ${table}`,
  dateTrunc: (unit, ts) => `date_trunc('${unit}', ${ts})`,
  secondsBetween: (a, b) => `(epoch_ms(${b}) - epoch_ms(${a})) / 1000.0`,
  addSeconds: (ts, s) => `(${ts} + to_milliseconds(CAST(round((${s}) * 1000) AS BIGINT)))`,
  epochMillis: (ts) => `epoch_ms(${ts})`,
  formatDate: (ts) => `strftime(${ts}, '%Y-%m-%d')`,
  jsonString: (col, path) => `coalesce(json_extract_string(${col}, ${jsonPath(path)}), '')`,
  jsonScalar: (col, path) => `coalesce(json_extract_string(${col}, ${jsonPath(path)}), '')`,
  jsonEntries: (relation, alias, column) => ({
    from: `${relation} AS ${alias}, json_each(${alias}.${column}) AS je`,
    key: 'je.key',
    value: 'je.value',
  }),
  jsonObjectAgg: (key, value) => `CAST(json_group_object(${key}, ${value}) AS VARCHAR)`,
  jsonNumber: (col, path) => `TRY_CAST(json_extract_string(${col}, ${jsonPath(path)}) AS DOUBLE)`,
  argMin: (e, by) => `arg_min(${e}, ${by})`,
  argMax: (e, by) => `arg_max(${e}, ${by})`,
  countIf: (c) => `count(*) FILTER (WHERE ${c})`,
  countDistinct: (e) => `count(DISTINCT ${e})`,
  countDistinctIf: (e, c) => `count(DISTINCT ${e}) FILTER (WHERE ${c})`,
  sumIf: (e, c) => `coalesce(sum(${e}) FILTER (WHERE ${c}), 0)`,
  minIf: (e, c) => `min(${e}) FILTER (WHERE ${c})`,
  quantile: (e, p) => `quantile_cont(${e}, ${p})`,
  arrayAgg,
  arrayLength: (a) => `len(${a})`,
  arrayJoinStrings: (a, sep) => `array_to_string(${a}, ${sep})`,
  inArray: (v, a) => `list_contains(${a}, ${v})`,
  arrayCount: (a, v, c) => `len(list_filter(${a}, lambda ${v}: ${c}))`,
  arraySlice: (a, from, to) => `list_slice(${a}, ${from}, ${to})`,
  arrayMap: (a, v, e) => `list_transform(${a}, lambda ${v}: ${e})`,
  lagOver: (e, w, o = 1) => `lag(${e}, ${o}) OVER (${w})`,
  leadOver: (e, w, o = 1) => `lead(${e}, ${o}) OVER (${w})`,
  lastNonNullOver: (e, w) => `last_value(${e} IGNORE NULLS) OVER (${w})`,
  regexpMatches: (e, p) => `regexp_matches(${e}, ${p})`,
  regexpReplace: (e, p, r) => `regexp_replace(${e}, ${p}, ${r}, 'g')`,
  hash01: (e) => `(CAST(hash(${e}) % 1000000007 AS DOUBLE) / 1000000007.0)`,
  hash64: (e) => `hash(${e})`,
  sha256Hex: (e) => `sha256(${e})`,
  toFloat: (e) => `CAST(${e} AS DOUBLE)`,
  toStr: (e) => `CAST(${e} AS VARCHAR)`,
  timestampValue: (date) => sqlTimestamp(date),
  readNdjson: (path: string, columns: ColumnSpec[]) =>
    `read_json('${path.replace(/'/g, "''")}', format = 'newline_delimited', columns = {${columns
      .map((c) => `${c.name}: '${readTypes[c.type]}'`)
      .join(', ')}})`,
  range: (n) => `(SELECT range AS n FROM range(${n}))`,
};
