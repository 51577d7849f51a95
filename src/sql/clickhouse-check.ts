/**
 * Users' SQL on ClickHouse (chdb or a server), read by ClickHouse's own parser, in three steps on
 * the users' read-only connection:
 *  1. `formatQuery` parses the text (one statement only) and prints it back canonically, without
 *     comments: from here on only that canonical text is used.
 *  2. `EXPLAIN AST` of it is checked line by line: one SELECT (or UNION/INTERSECT/EXCEPT of
 *     SELECTs), known node kinds only, no SETTINGS, no table functions, allowlisted functions,
 *     table names that are the public relations or the query's own CTEs.
 *  3. `EXPLAIN QUERY TREE` of the final query (the public names bound to CTEs holding the
 *     project's rows) is checked after name resolution: the only tables it may read are the
 *     `*_unscoped` relations behind those CTEs. This catches whatever resolves to a table by
 *     other spellings (`x IN documents`, an identifier that falls through to the catalog).
 */
import type { Query } from '../store/dialect/dialect.ts';
import type { Store, UntrustedQueryLimits } from '../store/store.ts';
import { PUBLIC_RELATIONS } from '../store/schema.ts';
import { isAllowedFunction } from './functions.ts';
import { SqlRejected, engineMessage } from './errors.ts';

/** AST node kinds a read-only SELECT is made of; anything else (Set, QueryParameter, …) is refused. */
const NODE_KINDS = new Set([
  'SelectWithUnionQuery',
  'SelectIntersectExceptQuery',
  'SelectQuery',
  'ExpressionList',
  'WithElement',
  'Subquery',
  'Literal',
  'Identifier',
  'Function',
  'Asterisk',
  'QualifiedAsterisk',
  'ColumnsRegexpMatcher',
  'ColumnsListMatcher',
  'QualifiedColumnsRegexpMatcher',
  'QualifiedColumnsListMatcher',
  'ColumnsTransformerList',
  'ColumnsExceptTransformer',
  'ColumnsReplaceTransformer',
  'ColumnsReplaceTransformer::Replacement',
  'TablesInSelectQuery',
  'TablesInSelectQueryElement',
  'TableExpression',
  'TableIdentifier',
  'TableJoin',
  'ArrayJoin',
  'OrderByElement',
  'WindowListElement',
  'WindowDefinition',
  'SampleRatio',
  'Alias',
]);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function reject(message: string): never {
  throw new SqlRejected(message);
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * One column of text rows. The EXPLAINs run as subqueries, which ClickHouse refuses on a readonly=1
 * connection, so they go to the ordinary read connections (`explain`): an EXPLAIN of a SELECT
 * executes nothing, and in a subquery it cannot carry FORMAT or INTO OUTFILE.
 */
async function lines(store: Store, sql: string, limits: UntrustedQueryLimits | 'explain'): Promise<string[]> {
  try {
    const rows = limits === 'explain' ? await store.query({ sql, params: {} }) : await store.queryUntrusted({ sql, params: {} }, limits);
    return rows.map((r) => String(Object.values(r)[0] ?? ''));
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode) throw error;
    throw new SqlRejected(engineMessage(error));
  }
}

async function catalog(store: Store, limits: UntrustedQueryLimits): Promise<{ database: string; names: Set<string> }> {
  const rows = await store.queryUntrusted(
    { sql: 'SELECT currentDatabase() AS db, lower(name) AS name FROM system.tables WHERE database = currentDatabase()', params: {} },
    limits,
  );
  return { database: String(rows[0]?.db ?? ''), names: new Set(rows.map((r) => String(r.name))) };
}

function checkAst(ast: string[], catalogNames: Set<string>): void {
  if (ast[0]?.trim() !== 'SelectWithUnionQuery (children 1)') {
    if (/^\s*SelectWithUnionQuery/.test(ast[0] ?? '')) reject('FORMAT, INTO OUTFILE and SETTINGS are not allowed in read-only SQL');
    reject('only SELECT queries are allowed (one statement, no INSERT, DROP, SET, SYSTEM …)');
  }
  const parents: string[] = [];
  for (const line of ast) {
    const depth = line.length - line.trimStart().length;
    const [kind = '', ...rest] = line.trim().split(' ');
    parents.length = depth;
    const parent = parents[depth - 1];
    parents[depth] = kind;
    if (kind === 'Set') reject('SETTINGS are not allowed in read-only SQL');
    if (kind === 'QueryParameter') reject('query parameters are not supported here: write the value into the query');
    if (!NODE_KINDS.has(kind)) reject(`${kind} is not allowed in read-only SQL`);
    const name = rest[0] ?? '';
    if (kind === 'Function') {
      if (parent === 'TableExpression')
        reject(`table functions such as ${name}() are not allowed: queries read ${PUBLIC_RELATIONS.join(', ')}`);
      if (!isAllowedFunction(name)) reject(`the function ${name}() is not allowed in read-only SQL`);
    }
    if (kind === 'TableIdentifier') {
      const n = name.toLowerCase();
      // SELECT without FROM, and INTERSECT/EXCEPT arms, read the one-row system table.
      if (n === 'system.one') continue;
      const tail = rest.slice(1).join(' ');
      if (!IDENTIFIER.test(name) || (tail !== '' && !/^\(alias [A-Za-z_][A-Za-z0-9_]*\)$/.test(tail)))
        reject(`unknown relation "${rest.join(' ')}": queries read ${PUBLIC_RELATIONS.join(', ')}`);
      if (!(PUBLIC_RELATIONS as readonly string[]).includes(n) && catalogNames.has(n))
        reject(`unknown relation "${name}": queries read ${PUBLIC_RELATIONS.join(', ')} and their own CTEs`);
    }
  }
}

function checkQueryTree(tree: string[], database: string): void {
  const allowed = new Set([...PUBLIC_RELATIONS.map((r) => `${database}.${r}_unscoped`), 'system.one']);
  for (const line of tree) {
    const t = line.trim();
    if (t.startsWith('TABLE_FUNCTION')) reject('table functions are not allowed in read-only SQL');
    const m = /^TABLE id: \d+,.*\btable_name: (\S+?),?(?:\s|$)/.exec(t);
    // ("TABLE EXPRESSION" is a heading inside CROSS JOIN, not a table.)
    if (t.startsWith('TABLE id:') && (!m || !allowed.has(m[1]!)))
      reject(`unknown relation "${m?.[1]?.replace(`${database}.`, '') ?? '?'}": queries read ${PUBLIC_RELATIONS.join(', ')}`);
  }
}

/** The project-scoped, checked query for ClickHouse (no bound parameters: see ChdbStore.select). */
export async function scopeClickHouseSql(
  store: Store,
  projectId: string,
  sql: string,
  rowLimit: number,
  limits: UntrustedQueryLimits,
): Promise<Query> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(projectId)) reject('invalid project');
  const [formatted = ''] = await lines(store, `SELECT formatQuery(${quote(sql)})`, limits);
  if (/^(SETTINGS|FORMAT|INTO OUTFILE)\b/m.test(formatted)) reject('FORMAT, INTO OUTFILE and SETTINGS are not allowed in read-only SQL');
  // EXPLAIN as a subquery: output options after it would be refused, never applied to the EXPLAIN.
  const ast = await lines(store, `SELECT explain FROM (EXPLAIN AST ${formatted})`, 'explain');
  const { database, names } = await catalog(store, limits);
  checkAst(ast, names);
  const scoped = PUBLIC_RELATIONS.map((r) => `${r} AS (SELECT * FROM ${r}_unscoped WHERE project_id = '${projectId}')`).join(', ');
  const final = `WITH ${scoped}\nSELECT * FROM (\n${formatted}\n) AS user_query LIMIT ${rowLimit}`;
  checkQueryTree(await lines(store, `SELECT explain FROM (EXPLAIN QUERY TREE ${final})`, 'explain'), database);
  return { sql: final, params: {} };
}
