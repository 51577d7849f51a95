/**
 * Users' SQL on DuckDB, read by DuckDB's own parser: `json_serialize_sql` gives the statement's
 * syntax tree, which is checked, has its table references bound to the project's scoped
 * relations, and is turned back into SQL by `json_deserialize_sql`. What runs is exactly what was
 * checked: the text the user sent never reaches the engine as a query.
 */
import { QueryBuilder, type Query } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { PUBLIC_RELATIONS } from '../store/schema.ts';
import { isAllowedFunction } from './functions.ts';
import { SqlRejected } from './errors.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const SCOPED_PREFIX = 'wm_scoped_';
/** Relations a FROM may hold: tables by name, subqueries, joins, VALUES lists, and nothing (SELECT 1). */
const TABLE_REFS = new Set(['BASE_TABLE', 'SUBQUERY', 'JOIN', 'EMPTY', 'EXPRESSION_LIST']);
const QUERY_NODES = new Set(['SELECT_NODE', 'SET_OPERATION_NODE']);
const MODIFIERS = new Set(['ORDER_MODIFIER', 'LIMIT_MODIFIER', 'DISTINCT_MODIFIER', 'LIMIT_PERCENT_MODIFIER']);
const EXPRESSIONS = new Set([
  'CONSTANT',
  'COLUMN_REF',
  'FUNCTION',
  'WINDOW',
  'AGGREGATE',
  'CAST',
  'CASE',
  'COMPARISON',
  'CONJUNCTION',
  'OPERATOR',
  'STAR',
  'SUBQUERY',
  'BETWEEN',
  'LAMBDA',
  'LAMBDA_REF',
  'COLLATE',
  'POSITIONAL_REFERENCE',
]);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: Json | undefined): string => (typeof v === 'string' ? v : '');

/** Names the engine would resolve without a CTE (tables, views, system views), lower-cased. */
async function catalogNames(store: Store): Promise<Set<string>> {
  const rows = await store.query<{ name: string }>(
    'SELECT lower(table_name) AS name FROM duckdb_tables() UNION SELECT lower(view_name) AS name FROM duckdb_views()',
  );
  return new Set(rows.map((r) => r.name));
}

interface Found {
  cteNames: Set<string>;
  tables: Obj[];
}

function reject(message: string): never {
  throw new SqlRejected(message);
}

/** Walks the whole tree: every object is either a known, allowed kind or the query is refused. */
function walk(v: Json, key: string, found: Found): void {
  if (Array.isArray(v)) {
    for (const x of v) walk(x, key, found);
    return;
  }
  if (!isObj(v)) return;
  const cls = str(v.class);
  const type = str(v.type);
  if (cls) {
    if (cls === 'PARAMETER') reject('query parameters are not supported here: write the value into the query');
    if (!EXPRESSIONS.has(cls)) reject(`${cls.toLowerCase()} expressions are not allowed in read-only SQL`);
    if ('function_name' in v) {
      const name = str(v.function_name);
      if (!['', 'main'].includes(str(v.schema)) || str(v.catalog) !== '')
        reject(`the function ${str(v.schema)}.${name}() is not allowed in read-only SQL`);
      if (!isAllowedFunction(name)) reject(`the function ${name}() is not allowed in read-only SQL`);
    }
  } else if (key === 'from_table' || ((key === 'left' || key === 'right') && type && !QUERY_NODES.has(type))) {
    if (type === 'TABLE_FUNCTION') {
      const fn = isObj(v.function) ? str(v.function.function_name) : '';
      reject(`table functions${fn ? ` such as ${fn}()` : ''} are not allowed: queries read ${PUBLIC_RELATIONS.join(', ')}`);
    }
    if (!TABLE_REFS.has(type)) reject(`${type.toLowerCase().replace(/_/g, ' ')} is not allowed in read-only SQL`);
    if (type === 'BASE_TABLE') found.tables.push(v);
  } else if (type.endsWith('_NODE')) {
    if (!QUERY_NODES.has(type))
      reject(
        type === 'RECURSIVE_CTE_NODE'
          ? 'recursive CTEs are not allowed in read-only SQL'
          : `${type.toLowerCase()} is not allowed in read-only SQL`,
      );
  } else if (type.endsWith('_MODIFIER')) {
    if (!MODIFIERS.has(type)) reject(`${type.toLowerCase()} is not allowed in read-only SQL`);
  } else if (type === 'TABLE_FUNCTION' || type === 'PIVOT' || type === 'SHOW_REF' || type === 'BASE_TABLE') {
    // A relation outside a FROM position this walk knows: refuse rather than guess.
    reject('this query shape is not supported in read-only SQL');
  }
  if (key === 'cte_map' && Array.isArray(v.map)) {
    for (const entry of v.map) if (isObj(entry)) found.cteNames.add(str(entry.key));
  }
  if (v.at_clause !== undefined && v.at_clause !== null) reject('AT (time travel) is not allowed in read-only SQL');
  for (const [k, child] of Object.entries(v)) walk(child, k, found);
}

function stripLocations(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripLocations);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, child] of Object.entries(v)) if (k !== 'query_location') out[k] = stripLocations(child);
  return out;
}

async function serialize(store: Store, sql: string): Promise<Obj> {
  const q = new QueryBuilder(store.dialect);
  const rows = await store.query<{ ast: string }>(q.build(`SELECT json_serialize_sql(${q.str(sql)}) AS ast`));
  const ast = JSON.parse(rows[0]!.ast) as Obj;
  if (ast.error) {
    const message = str(ast.error_message);
    if (/Only SELECT statements/i.test(message))
      reject('only SELECT queries are allowed (one statement, no INSERT, DROP, SET, COPY, PRAGMA …)');
    reject(message.replace(/\n+LINE \d+:[\s\S]*$/, '') || 'the query could not be parsed');
  }
  return ast;
}

/** The project-scoped, checked query for DuckDB. */
export async function scopeDuckDbSql(store: Store, projectId: string, sql: string, rowLimit: number): Promise<Query> {
  const ast = await serialize(store, sql);
  const statements = Array.isArray(ast.statements) ? ast.statements : [];
  if (statements.length !== 1) reject('one SELECT statement at a time');
  const found: Found = { cteNames: new Set(), tables: [] };
  walk(statements, 'statements', found);

  const catalog = await catalogNames(store);
  const ctes = new Set<string>();
  for (const name of found.cteNames) {
    const n = name.toLowerCase();
    if (!IDENTIFIER.test(name)) reject(`the CTE name "${name}" must be a plain identifier`);
    if ((PUBLIC_RELATIONS as readonly string[]).includes(n)) reject(`a CTE may not be named ${n}: it is one of the relations queries read`);
    if (catalog.has(n) || n.startsWith(SCOPED_PREFIX)) reject(`the CTE name "${name}" is reserved: choose another`);
    ctes.add(n);
  }
  for (const t of found.tables) {
    const name = str(t.table_name);
    const n = name.toLowerCase();
    if (str(t.schema_name) !== '' || str(t.catalog_name) !== '')
      reject(
        `unknown relation "${[t.catalog_name, t.schema_name, name].filter(Boolean).join('.')}": queries read ${PUBLIC_RELATIONS.join(', ')}`,
      );
    if ((PUBLIC_RELATIONS as readonly string[]).includes(n)) {
      // Bound to the project's rows. If the engine could not see the scoped CTE here, the name
      // would not resolve at all: nothing falls back to the unscoped relation.
      t.table_name = `${SCOPED_PREFIX}${n}`;
      if (!str(t.alias)) t.alias = name;
    } else if (!ctes.has(n)) {
      reject(`unknown relation "${name}": queries read ${PUBLIC_RELATIONS.join(', ')} and their own CTEs`);
    }
  }

  const q = new QueryBuilder(store.dialect);
  // Source positions are dropped: they are 64-bit integers JSON.parse cannot keep exactly.
  const checked = stripLocations(ast) as Obj;
  const rows = await store.query<{ sql: string }>(
    q.build(`SELECT json_deserialize_sql(CAST(${q.str(JSON.stringify(checked))} AS JSON)) AS sql`),
  );
  const body = rows[0]!.sql;
  // The SQL text made from the tree must parse back to the same tree, or it is not what was checked.
  const again = await serialize(store, body);
  if (JSON.stringify(stripLocations(again)) !== JSON.stringify(checked)) reject('this query shape is not supported in read-only SQL');

  const out = new QueryBuilder(store.dialect);
  const p = out.str(projectId);
  const scoped = PUBLIC_RELATIONS.map((r) => `${SCOPED_PREFIX}${r} AS (SELECT * FROM ${r}_unscoped WHERE project_id = ${p})`).join(', ');
  return out.build(`WITH ${scoped}\nSELECT * FROM (\n${body}\n) AS user_query LIMIT ${rowLimit}`);
}
