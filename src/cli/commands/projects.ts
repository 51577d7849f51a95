import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createProject, listProjects } from '../../projects/projects.ts';
import { StoreUnavailableError } from '../../store/store.ts';
import { DEFAULT_IDENTITY_KEYS, IDENTITY_KEY_KINDS, type IdentityKey } from '../../projects/identity-keys.ts';
import { setIdentityKeys } from '../../projects/identity-stitching.ts';
import { CliError, configFrom, globalOptions, list, print, runOn, withStore, type GlobalOptions } from '../target.ts';

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
  projects
    .command('identity-keys [keys]')
    .description(
      'show or set the identify traits that stitch a person across sources: a comma-separated list of trait[:kind], kind one of ' +
        `${IDENTITY_KEY_KINDS.join(', ')} (default: the trait's own name when it is a kind, else id), e.g. "email,phone,customer_id:id"; ` +
        'new keys also link the identifies already stored',
    )
    .action(async (keys: string | undefined, _o, command: Command) => {
      const opts = globalOptions(command);
      const render = (r: { identityKeys: IdentityKey[]; linksAdded?: number }) =>
        r.identityKeys.map((k) => `${k.trait}:${k.kind}`).join(', ') + (r.linksAdded !== undefined ? `\n${r.linksAdded} links added` : '');
      if (keys === undefined) {
        const shown = await runOn(opts, 'GET', '/api/v1/project', undefined, async (_store, project) => ({ settings: project.settings }));
        print(opts, { identityKeys: [...(shown.settings.identityKeys ?? DEFAULT_IDENTITY_KEYS)] }, render);
        return;
      }
      const identityKeys = parseIdentityKeys(keys);
      const result = await runOn(opts, 'PATCH', '/api/v1/project/settings', { identityKeys }, (store, project) =>
        setIdentityKeys(store, project.id, identityKeys),
      );
      print(opts, 'linksAdded' in result ? result : { identityKeys: (result as { identityKeys: IdentityKey[] }).identityKeys }, render);
    });
}

/** "email,phone,customer_id:id" → identity keys; a trait named like a kind takes that kind, any other is an id. */
export function parseIdentityKeys(text: string): IdentityKey[] {
  return (list(text) ?? []).map((item) => {
    const [trait, kind] = item.split(':');
    const k = kind ?? ((IDENTITY_KEY_KINDS as readonly string[]).includes(trait!) ? trait : 'id');
    if (!(IDENTITY_KEY_KINDS as readonly string[]).includes(k!))
      throw new CliError(`identity key "${item}": kind must be one of ${IDENTITY_KEY_KINDS.join(', ')}`);
    return { trait: trait!, kind: k as IdentityKey['kind'] };
  });
}
