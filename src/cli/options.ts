/**
 * The scope options of analysis commands (--from, --to, --channels, --persona) and the
 * project's data range that a missing --from or --to defaults to.
 */
import type { Command } from 'commander';
import { projectDataRange, resolveScope, resolveScopeWithDefaultRange, type AnalysisScope, type ScopeInput } from '../scope/scope.ts';
import type { Project } from '../projects/projects.ts';
import type { Store } from '../store/store.ts';
import { callServer, CliError, list, runAnalysis, type GlobalOptions } from './target.ts';

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
    const { rows } = await callServer<{ rows: Array<{ first_ts: string | null; last_ts: string | null }> }>(opts, 'POST', '/api/v1/sql', { sql: 'SELECT min(timestamp) AS first_ts, max(timestamp) AS last_ts FROM events' });
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
 * `runAnalysis` for a command with scope options: `body` builds the request from the scope
 * fields (range defaulted on the server's data or the local store's), `local` computes it.
 */
export async function runScopedAnalysis<B extends object, T>(
  opts: GlobalOptions,
  o: ScopeOptions,
  route: string,
  body: (fields: ScopeFields) => B,
  local: (store: Store, project: Project, body: B) => Promise<T>,
  render?: (result: T) => string,
): Promise<void> {
  const serverBody = opts.server ? body(await scopeFields(opts, o)) : {};
  await runAnalysis(opts, route, serverBody, async (store, project) => local(store, project, body(await scopeFields(opts, o, store, project.id))), render);
}

/** Scope fields for routes that default a missing bound to the data range themselves. */
export function optionalScopeFields(o: ScopeOptions): { from?: string; to?: string; channels?: string[]; persona?: string } {
  return { from: o.from, to: o.to, channels: list(o.channels), persona: o.persona };
}

/**
 * `runAnalysis` for a route whose body schema leaves from/to optional: locally the same schema
 * reads the body and a missing bound becomes the project's data range, as on the server.
 */
export async function runWithDefaultRange<I extends Omit<ScopeInput, 'from' | 'to'> & { from?: Date; to?: Date }, T>(
  opts: GlobalOptions,
  route: string,
  schema: { parse(body: unknown): I },
  body: Record<string, unknown>,
  compute: (store: Store, scope: AnalysisScope, input: I) => Promise<T>,
  render?: (result: T) => string,
): Promise<void> {
  await runAnalysis(
    opts,
    route,
    body,
    async (store, project) => {
      const input = schema.parse(body);
      return compute(store, await resolveScopeWithDefaultRange(store, project.id, input), input);
    },
    render,
  );
}
