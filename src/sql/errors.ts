/** Why users' SQL was refused (400), or that too many run at once (429). */
export class SqlRejected extends Error {
  readonly statusCode = 400;
}

export class SqlBusy extends Error {
  readonly statusCode = 429;
}

/** Words of our own SQL around a user's query: an engine message naming one of them is not shown as is. */
const GENERATED = /_unscoped|wm_scoped_|project_id\s*=|user_query|json_(de)?serialize_sql|formatQuery|EXPLAIN/i;

/**
 * The engine's own message for a query it refused, without our generated SQL: DuckDB's
 * "LINE 1: …" excerpt, ClickHouse's "In scope …"/"While processing …" echo, stack and version.
 * If anything of ours is still in it, only its first sentence and error name are kept.
 */
export function engineMessage(error: unknown): string {
  let m = String((error as Error)?.message ?? error);
  const code = /\(([A-Z][A-Z_]+)\)\s*(?:\(version [^)]*\))?\s*\.?\s*$/.exec(m)?.[1];
  m = m.replace(/\n+LINE \d+:[\s\S]*$/, '');
  m = m.replace(/^Code: \d+\.\s*DB::Exception:\s*/, '').replace(/^Code: \d+\.\s*DB::Exception:\s*/, '');
  m = m.replace(/\s*\(version [^)]*\)/g, '');
  m = m.replace(
    /[:.]?\s*(?:In scope|in scope|While processing|While executing|In query|\(in query:)[\s\S]*?(?=\.?\s*\([A-Z][A-Z_]+\)\s*\.?\s*$|$)/g,
    '',
  );
  m = m.replace(/wm_scoped_(\w+)/g, '$1');
  m = m.trim();
  if (GENERATED.test(m)) {
    const first = m.split(/[.:\n]/)[0]!.trim();
    m = GENERATED.test(first) ? `the query failed${code ? ` (${code})` : ''}` : `${first}${code ? ` (${code})` : ''}`;
  }
  return m || `the query failed${code ? ` (${code})` : ''}`;
}
