import type { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { runUserSql } from '../../sql/read-only-sql.ts';
import { callServer, globalOptions, print, resolveProject, withStore } from '../target.ts';

function table(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '(no rows)';
  const cols = Object.keys(rows[0]!);
  const cell = (v: unknown) => (v === null ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const widths = cols.map((c) => Math.min(40, Math.max(c.length, ...rows.map((r) => cell(r[c]).length))));
  const line = (vals: string[]) => vals.map((v, i) => v.slice(0, 40).padEnd(widths[i]!)).join('  ');
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n');
}

export function registerSqlCommand(program: Command): void {
  program
    .command('sql <query>')
    .description("run a read-only SQL query over the project's events, persons and ad_spend")
    .option('--limit <n>', 'row limit', '10000')
    .action(async (query: string, o: { limit: string }, command: Command) => {
      const opts = globalOptions(command);
      const rows = opts.server
        ? (await callServer<{ rows: Record<string, unknown>[] }>(opts, 'POST', '/api/v1/sql', { sql: query, limit: Number(o.limit) })).rows
        : await withStore(opts, async (store) => {
            const config = loadConfig();
            const limits = { timeoutMs: config.sqlTimeoutMs, maxMemoryBytes: config.sqlMaxMemoryBytes };
            return runUserSql(store, (await resolveProject(store, opts.project)).id, query, { limit: Number(o.limit), limits });
          });
      print(opts, rows, table);
    });
}
