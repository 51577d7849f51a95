import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createProject, listProjects } from '../../projects/projects.ts';
import { StoreUnavailableError } from '../../store/store.ts';
import { CliError, configFrom, globalOptions, print, withStore, type GlobalOptions } from '../target.ts';

/** When a server holds the data file, project administration goes through it with the data folder's admin token. */
async function viaRunningServer<T>(opts: GlobalOptions, method: string, path: string, body?: unknown): Promise<T> {
  const config = configFrom(opts);
  const tokenFile = join(config.dataDir, 'admin-token');
  const server = opts.server ?? `http://127.0.0.1:${config.port}`;
  if (!existsSync(tokenFile)) throw new CliError(`the data folder is in use and has no admin token (${tokenFile})`);
  const response = await fetch(new URL(path, server), {
    method,
    headers: { authorization: `Bearer ${readFileSync(tokenFile, 'utf8').trim()}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new CliError(`server answered ${response.status}: ${json.error}`);
  return json;
}

async function localOrServer<T>(opts: GlobalOptions, local: () => Promise<T>, remote: () => Promise<T>): Promise<T> {
  if (opts.server) return remote();
  try {
    return await local();
  } catch (error) {
    if (error instanceof StoreUnavailableError) return remote();
    throw error;
  }
}

export function registerProjectCommands(program: Command): void {
  const projects = program.command('projects').description('create and list projects');
  projects
    .command('create <name>')
    .description('create a project; prints its id, write key and secret key (shown once)')
    .action(async (name: string, _o, command: Command) => {
      const opts = globalOptions(command);
      const result = await localOrServer(
        opts,
        () =>
          withStore(opts, async (store) => {
            const { project, secretKey } = await createProject(store, name);
            return { id: project.id, name: project.name, writeKey: project.writeKey, secretKey };
          }),
        () => viaRunningServer(opts, 'POST', '/api/v1/admin/projects', { name }),
      );
      print(
        opts,
        result,
        (r) => `Project ${r.name} (${r.id})\n  write key:  ${r.writeKey}\n  secret key: ${r.secretKey}  (shown once; keep it)`,
      );
    });
  projects
    .command('list')
    .description('list projects with their write keys')
    .action(async (_o, command: Command) => {
      const opts = globalOptions(command);
      const result = await localOrServer(
        opts,
        () =>
          withStore(opts, async (store) => ({
            projects: (await listProjects(store)).map((p) => ({ id: p.id, name: p.name, writeKey: p.writeKey, createdAt: p.createdAt })),
          })),
        () =>
          viaRunningServer<{ projects: { id: string; name: string; writeKey: string; createdAt: string }[] }>(
            opts,
            'GET',
            '/api/v1/admin/projects',
          ),
      );
      print(opts, result, (r) => r.projects.map((p) => `${p.name}\t${p.id}\t${p.writeKey}`).join('\n') || 'no projects');
    });
}
