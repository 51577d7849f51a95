import { type ColumnSpec, type ColumnType, type Dialect, type ParamType, type TableSpec, sqlTimestamp } from './dialect.ts';

const columnTypes: Record<ColumnType, string> = {
  String: 'String',
  Float64: 'Float64',
  Int64: 'Int64',
  DateTime: "DateTime64(3, 'UTC')",
  NullableFloat64: 'Nullable(Float64)',
  JSON: 'String',
};

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function placeholder(name: string, type: ParamType): string {
  // Timestamps are bound as text and parsed explicitly, so the server's time zone never matters.
  if (type === 'DateTime') return `toDateTime64({${name}:String}, 3, 'UTC')`;
  return `{${name}:${type}}`;
}

export interface ClickHouseDialectOptions {
  /** When set, DDL runs ON CLUSTER with replicated local tables behind Distributed tables. */
  cluster?: string;
}

export function clickhouseDialect(options: ClickHouseDialectOptions = {}): Dialect {
  const onCluster = options.cluster ? ` ON CLUSTER ${options.cluster}` : '';

  function engine(spec: TableSpec, replicated: boolean): string {
    const e = spec.engine ?? { kind: 'MergeTree' };
    const zk = `'/clickhouse/tables/{shard}/{database}/${spec.name}', '{replica}'`;
    const base =
      e.kind === 'ReplacingMergeTree'
        ? `${replicated ? 'ReplicatedReplacingMergeTree' : 'ReplacingMergeTree'}(${replicated ? `${zk}, ` : ''}${e.version})`
        : `${replicated ? `ReplicatedMergeTree(${zk})` : 'MergeTree()'}`;
    const partition = spec.partitionBy ? ` PARTITION BY ${spec.partitionBy}` : '';
    return `ENGINE = ${base}${partition} ORDER BY (${spec.orderBy.join(', ')})`;
  }

  return {
    name: 'clickhouse',
    placeholder,
    createTable(spec) {
      const cols = spec.columns.map((c) => `${c.name} ${columnTypes[c.type]}`).join(', ');
      if (!options.cluster) return `CREATE TABLE IF NOT EXISTS ${spec.name} (${cols}) ${engine(spec, false)}`;
      // On a cluster, data lives in replicated *_local tables; the Distributed table keeps the public name.
      return [
        `CREATE TABLE IF NOT EXISTS ${spec.name}_local${onCluster} (${cols}) ${engine({ ...spec, name: `${spec.name}_local` }, true)}`,
        `CREATE TABLE IF NOT EXISTS ${spec.name}${onCluster} AS ${spec.name}_local ENGINE = Distributed(${options.cluster}, currentDatabase(), ${spec.name}_local, ${spec.shardBy ? `cityHash64(${spec.shardBy})` : 'rand()'})`,
      ].join(';\n');
    },
    createView: (name, select) => `CREATE OR REPLACE VIEW ${name}${onCluster} AS ${select}`,
    truncate: (table) => (options.cluster ? `TRUNCATE TABLE ${table}_local${onCluster}` : `TRUNCATE TABLE ${table}`),
    dateTrunc: (unit, ts) =>
      unit === 'week' ? `toDateTime64(toMonday(${ts}), 3, 'UTC')` : `toDateTime64(date_trunc('${unit}', ${ts}), 3, 'UTC')`,
    secondsBetween: (a, b) => `(dateDiff('millisecond', ${a}, ${b}) / 1000.0)`,
    addSeconds: (ts, s) => `addMilliseconds(${ts}, toInt64(round((${s}) * 1000)))`,
    epochMillis: (ts) => `toUnixTimestamp64Milli(toDateTime64(${ts}, 3, 'UTC'))`,
    formatDate: (ts) => `formatDateTime(${ts}, '%Y-%m-%d')`,
    jsonString: (col, path) => `JSONExtractString(${col}, ${path.map(quote).join(', ')})`,
    jsonEntries: (relation, alias, column) => ({
      from: `${relation} AS ${alias} ARRAY JOIN JSONExtractKeysAndValuesRaw(${alias}.${column}) AS je`,
      key: 'je.1',
      value: 'je.2',
    }),
    jsonObjectAgg: (key, value) => `concat('{', arrayStringConcat(groupArray(concat(toJSONString(${key}), ':', ${value})), ','), '}')`,
    // JSONExtractString gives '' for a number; the raw text of a number is its digits.
    jsonScalar: (col, path) => {
      const at = path.map(quote).join(', ');
      return `if(JSONType(${col}, ${at}) = 'String', JSONExtractString(${col}, ${at}), JSONExtractRaw(${col}, ${at}))`;
    },
    jsonNumber: (col, path) => `JSONExtract(${col}, ${path.map(quote).join(', ')}, 'Nullable(Float64)')`,
    argMin: (e, by) => `argMin(${e}, ${by})`,
    argMax: (e, by) => `argMax(${e}, ${by})`,
    countIf: (c) => `countIf(${c})`,
    countDistinct: (e) => `uniqExact(${e})`,
    countDistinctIf: (e, c) => `uniqExactIf(${e}, ${c})`,
    sumIf: (e, c) => `sumIf(${e}, ${c})`,
    minIf: (e, c) => `minIfOrNull(${e}, ${c})`,
    // Inclusive linear interpolation: the same definition as DuckDB's quantile_cont.
    quantile: (e, p) => `quantileExactInclusive(${p})(${e})`,
    arrayAgg: (e, orderBy) => `arrayMap(x -> x.2, arraySort(x -> x.1, groupArray(tuple(tuple(${orderBy}), ${e}))))`,
    arrayLength: (a) => `length(${a})`,
    arrayJoinStrings: (a, sep) => `arrayStringConcat(${a}, ${sep})`,
    inArray: (v, a) => `has(${a}, ${v})`,
    arrayCount: (a, v, c) => `arrayCount(${v} -> ${c}, ${a})`,
    // A negative length means "up to that many from the end" in arraySlice: clamp to empty.
    arraySlice: (a, from, to) => `arraySlice(${a}, ${from}, greatest(toInt64(${to}) - toInt64(${from}) + 1, 0))`,
    arrayMap: (a, v, e) => `arrayMap(${v} -> ${e}, ${a})`,
    // ClickHouse's lag returns the type's default past the edge; a Nullable argument makes it NULL like DuckDB.
    lagOver: (e, w, o = 1) => `lagInFrame(toNullable(${e}), ${o}) OVER (${w} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`,
    leadOver: (e, w, o = 1) => `leadInFrame(toNullable(${e}), ${o}) OVER (${w} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`,
    // ClickHouse aggregate functions skip NULLs, so last_value already ignores them.
    lastNonNullOver: (e, w) => `last_value(${e}) OVER (${w})`,
    regexpMatches: (e, p) => `match(${e}, ${p})`,
    regexpReplace: (e, p, r) => `replaceRegexpAll(${e}, ${p}, ${r})`,
    hash01: (e) => `(toFloat64(cityHash64(${e}) % 1000000007) / 1000000007.0)`,
    hash64: (e) => `cityHash64(${e})`,
    sha256Hex: (e) => `lower(hex(SHA256(${e})))`,
    toFloat: (e) => `toFloat64(${e})`,
    toStr: (e) => `toString(${e})`,
    timestampValue: (date) => sqlTimestamp(date),
    readNdjson: (path: string, columns: ColumnSpec[]) =>
      `file(${quote(path)}, 'JSONEachRow', ${quote(columns.map((c) => `${c.name} ${columnTypes[c.type]}`).join(', '))})`,
    range: (n) => `(SELECT number AS n FROM numbers(${n}))`,
  };
}
