/**
 * The scope options of analysis commands (--from, --to, --channels, --persona) and the
 * project's data range that a missing --from or --to defaults to.
 */
import type { Command } from 'commander';
import { projectDataRange, resolveScope, type AnalysisScope } from '../scope/scope.ts';
import type { Store } from '../store/store.ts';
import { ANALYSES } from '../registry/analyses.ts';
import { callServer, CliError, list, runRegisteredAnalysis, type GlobalOptions } from './target.ts';

export interface ScopeOptions {
  from?: string;
  to?: string;
  channels?: string;
  persona?: string;
}

/** The scope fields of a request body, with both bounds filled in. */
export interface ScopeFields {
  from: string;
  to: string;
  channels?: string[];
  persona?: string;
}

export function addScopeOptions(command: Command, describe: { from?: string; to?: string } = {}): Command {
  return command
    .option('--from <date>', describe.from ?? 'range start (default: the first event)')
    .option('--to <date>', describe.to ?? 'range end, exclusive (default: just after the last event)')
    .option('--channels <list>', 'only persons reached through these channels (comma-separated)')
    .option('--persona <name>', 'only persons of this saved persona');
}

/** The project's whole data range [first event, last event + 1 ms), from the store or through --server. */
export async function dataRange(opts: GlobalOptions, store?: Store, projectId?: string): Promise<{ from: string; to: string }> {
  let range: { from: Date; to: Date } | null;
  if (store && projectId) {
    range = await projectDataRange(store, projectId);
  } else {
    // The server's read-only SQL sees only the key's project.
    const { rows } = await callServer<{ rows: Array<{ first_ts: string | null; last_ts: string | null }> }>(opts, 'POST', '/api/v1/sql', {
      sql: 'SELECT min(timestamp) AS first_ts, max(timestamp) AS last_ts FROM events',
    });
    const row = rows[0];
    range = row?.first_ts && row.last_ts ? { from: new Date(row.first_ts), to: new Date(Date.parse(row.last_ts) + 1) } : null;
  }
  if (!range) throw new CliError('the project has no events yet: give --from and --to');
  return { from: range.from.toISOString(), to: range.to.toISOString() };
}

/** Request scope fields from the options; a bound not given is the project's data range. */
export async function scopeFields(opts: GlobalOptions, o: ScopeOptions, store?: Store, projectId?: string): Promise<ScopeFields> {
  const range = o.from && o.to ? { from: o.from, to: o.to } : await dataRange(opts, store, projectId);
  return { from: o.from ?? range.from, to: o.to ?? range.to, channels: list(o.channels), persona: o.persona };
}

/** The AnalysisScope of scope fields; dates are checked here so that a typo is a usage error. */
export async function resolveFields(store: Store, projectId: string, fields: ScopeFields): Promise<AnalysisScope> {
  const from = new Date(fields.from);
  const to = new Date(fields.to);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new CliError('--from/--to: dates like 2026-03-01');
  return resolveScope(store, projectId, { from, to, channels: fields.channels, persona: fields.persona });
}

/**
 * Runs the registered analysis behind `route` with the command's scope options and the fields
 * `body` adds: on the data folder, or through the server with --server. A bound not given follows
 * the registry's one default rule on both paths.
 */
export async function runScopedAnalysis<B extends object, T>(
  opts: GlobalOptions,
  o: ScopeOptions,
  route: string,
  body: (fields: ReturnType<typeof optionalScopeFields>) => B,
  render?: (result: T) => string,
): Promise<void> {
  const analysis = ANALYSES.find((a) => a.path === route);
  if (!analysis) throw new Error(`no registered analysis at ${route}`);
  await runRegisteredAnalysis(opts, analysis, body(optionalScopeFields(o)) as Record<string, unknown>, render);
}

/** Scope fields for the request body; a missing bound is left to the registry's default rule. */
export function optionalScopeFields(o: ScopeOptions): { from?: string; to?: string; channels?: string[]; persona?: string } {
  return { from: o.from, to: o.to, channels: list(o.channels), persona: o.persona };
}
