/**
 * Where a CLI command reads from: the data folder directly (embedded store), or a running
 * server (`--server URL --key SECRET`) — the server holds the embedded file's lock, so commands
 * fall back to it with a clear message when the file is busy.
 */
import type { Command } from 'commander';
import { ZodError } from 'zod';
import { loadConfig, type Config } from '../config/config.ts';
import { findProjectByName, listProjects, type Project } from '../projects/projects.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import type { AnyAnalysis } from '../registry/define.ts';
import { runAnalysisRequest } from '../registry/run.ts';

export interface GlobalOptions {
  data?: string;
  store?: string;
  server?: string;
  key?: string;
  json?: boolean;
  project?: string;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}

export function configFrom(opts: GlobalOptions, extra: Partial<Record<keyof Config, unknown>> = {}): Config {
  return loadConfig({ dataDir: opts.data, store: opts.store, ...extra });
}

export async function withStore<T>(opts: GlobalOptions, fn: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const config = configFrom(opts);
  const store = await openStore(config.store, config.dataDir);
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

/** The project a command works on: --project NAME|ID, or the only project there is. */
export async function resolveProject(store: Store, name: string | undefined): Promise<Project> {
  if (name) {
    const p = await findProjectByName(store, name);
    if (!p) throw new CliError(`no project named "${name}" (waymark projects list)`);
    return p;
  }
  const all = await listProjects(store);
  if (all.length === 1) return all[0]!;
  if (all.length === 0)
    throw new CliError('no project yet: create one with `waymark projects create NAME` or load the demo with `waymark demo`');
  throw new CliError(`several projects exist; choose one with --project (${all.map((p) => p.name).join(', ')})`);
}

export class CliError extends Error {}

/** Calls a running server's API with the project's secret key. */
export async function callServer<T>(opts: GlobalOptions, method: string, path: string, body?: unknown): Promise<T> {
  if (!opts.server) throw new CliError('--server URL is required for this call');
  if (!opts.key) throw new CliError('--key SECRET (the project secret key) is required with --server');
  const response = await fetch(new URL(path, opts.server), {
    method,
    headers: { authorization: `Bearer ${opts.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : {};
  if (!response.ok) throw new CliError(`server answered ${response.status}: ${parsed.error ?? text}`);
  return parsed as T;
}

/** One call: `method route body` on the server with --server, else `local` on the store and its project. */
export async function runOn<T>(
  opts: GlobalOptions,
  method: string,
  route: string,
  body: unknown,
  local: (store: Store, project: Project) => Promise<T>,
): Promise<T> {
  if (opts.server) return callServer<T>(opts, method, route, body);
  try {
    return await withStore(opts, async (store) => local(store, await resolveProject(store, opts.project)));
  } catch (error) {
    throw error instanceof ZodError ? inputError(error) : error;
  }
}

/**
 * A refused input named by its command-line flag (`days` → `--days`), with the position inside a
 * list or object when the field has one, instead of the validator's JSON.
 */
export function inputError(error: ZodError): CliError {
  const issue = error.issues[0]!;
  // An audience's source is given by its own flags (--params, --segment), not as one object.
  const path = issue.path[0] === 'source' && (issue.path[1] === 'params' || issue.path[1] === 'segment') ? issue.path.slice(1) : issue.path;
  const [first, ...rest] = path;
  const flag = first !== undefined ? `--${String(first).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : 'input';
  const where = rest.map((p) => (typeof p === 'number' ? `item ${p + 1}` : String(p))).join(', ');
  const message =
    issue.code === 'invalid_type' && issue.expected === 'date'
      ? 'expected a date such as 2026-10-01 or 2026-10-01T12:00:00Z'
      : issue.message;
  return new CliError(`${flag}${where ? ` (${where})` : ''}: ${message}`);
}

/**
 * Runs an analysis either against a server (POST `route` with `body`) or locally on the store,
 * with the same input, and prints the result as JSON or through `render`.
 */
export async function runAnalysis<T>(
  opts: GlobalOptions,
  route: string,
  body: Record<string, unknown>,
  local: (store: Store, project: Project) => Promise<T>,
  render?: (result: T) => string,
): Promise<void> {
  print(opts, await runOn(opts, 'POST', route, body, local), render);
}

export function print<T>(opts: GlobalOptions, result: T, render?: (result: T) => string): void {
  if (opts.json || !render) process.stdout.write(JSON.stringify(result, null, opts.json ? 2 : 2) + '\n');
  else process.stdout.write(render(result) + '\n');
}

/** Parses "7d", "12h", "30m", "3600s" or a number of seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([smhdw]?)$/.exec(text.trim());
  if (!m) throw new CliError(`invalid duration "${text}": use e.g. 30m, 12h, 7d`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as '' | 's' | 'm' | 'h' | 'd' | 'w'];
  return Number(m[1]) * unit;
}

export function list(text: string | undefined): string[] | undefined {
  return text
    ? text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
}

/** Runs a registered analysis on the data folder, or with --server through its route: same body, same answer; prints and returns it. */
export async function runRegisteredAnalysis<T>(
  opts: GlobalOptions,
  analysis: AnyAnalysis,
  body: Record<string, unknown>,
  render?: (result: T) => string,
): Promise<T> {
  const result = await runOn<T>(
    opts,
    'POST',
    analysis.path,
    body,
    async (store, project) => (await runAnalysisRequest(store, project, analysis, body)) as T,
  );
  print(opts, result, render);
  return result;
}
