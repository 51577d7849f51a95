/**
 * Users' own SQL (`waymark sql`, POST /api/v1/sql): read-only, and only over one project's rows.
 * The query may name only the public relations (events, persons, ad_spend) and its own CTEs;
 * each public relation is replaced by a CTE holding that project's rows alone.
 */
import { QueryBuilder, type Query } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { PUBLIC_RELATIONS } from '../store/schema.ts';

export class SqlRejected extends Error {}

const FORBIDDEN_WORDS =
  /\b(insert|update|delete|drop|create|alter|attach|detach|copy|pragma|install|load|set|system|export|import|call|truncate|grant|revoke|optimize|rename|kill|use|checkpoint|vacuum|recursive)\b/i;
// Table functions and catalog access would read outside the project.
const FORBIDDEN_FUNCTIONS =
  /\b(read_\w+|file|url|s3\w*|hdfs|remote\w*|cluster\w*|mysql|postgres\w*|postgresql|sqlite\w*|glob|sniff_csv|query_table|query|getenv|input|dictionary|dict\w*|executable|jdbc|odbc|mongodb|redis|iceberg\w*|delta\w*|hudi|azure\w*|gcs|merge|numbers_mt|generate_series|duckdb_\w+|pragma_\w+)\s*\(/i;

function stripLiterals(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^'\\]|\\.|'')*'/g, "''")
    .replace(/"(?:[^"]|"")*"/g, (m) => (/^"[A-Za-z_][A-Za-z0-9_]*"$/.test(m) ? m.slice(1, -1) : '""'));
}

export function checkReadOnlySql(sql: string): { body: string; ctes: string[] } {
  const trimmed = sql.trim().replace(/;\s*$/, '');
  if (!trimmed) throw new SqlRejected('empty query');
  const bare = stripLiterals(trimmed);
  if (bare.includes(';')) throw new SqlRejected('one statement at a time');
  if (!/^\s*(select|with)\b/i.test(bare)) throw new SqlRejected('only SELECT (or WITH … SELECT) queries are allowed');
  const word = bare.match(FORBIDDEN_WORDS);
  if (word) throw new SqlRejected(`"${word[0]}" is not allowed in read-only SQL`);
  const fn = bare.match(FORBIDDEN_FUNCTIONS);
  if (fn) throw new SqlRejected(`the function ${fn[1]}() is not allowed in read-only SQL`);
  const ctes = [...bare.matchAll(/(?:\bwith|,)\s*([A-Za-z_][A-Za-z0-9_]*)\s+as\s*\(/gi)].map((m) => m[1]!.toLowerCase());
  const allowed = new Set<string>([...PUBLIC_RELATIONS, ...ctes]);
  for (const m of bare.matchAll(/\b(?:from|join)\s+([A-Za-z_][A-Za-z0-9_.]*)/gi)) {
    const name = m[1]!.toLowerCase();
    if (!allowed.has(name)) throw new SqlRejected(`unknown relation "${m[1]}": queries may read ${PUBLIC_RELATIONS.join(', ')}`);
  }
  return { body: trimmed, ctes };
}

/** The user's query with each public relation narrowed to one project. */
export function scopeUserSql(store: Store, projectId: string, sql: string, limit = 10000): Query {
  const { body } = checkReadOnlySql(sql);
  const q = new QueryBuilder(store.dialect);
  const p = q.str(projectId);
  const scoped = PUBLIC_RELATIONS.map((r) => `${r} AS (SELECT * FROM ${r}_unscoped WHERE project_id = ${p})`).join(', ');
  const merged = /^\s*with\b/i.test(body) ? `WITH ${scoped}, ${body.replace(/^\s*with\b/i, '')}` : `WITH ${scoped} ${body}`;
  return q.build(`SELECT * FROM (${merged}) AS user_query LIMIT ${Math.max(1, Math.floor(limit))}`);
}

export async function runUserSql(store: Store, projectId: string, sql: string, limit?: number): Promise<Record<string, unknown>[]> {
  return store.query(scopeUserSql(store, projectId, sql, limit));
}
