import type { Command } from 'commander';
import { adminToken } from '../../api/admin.ts';
import { startServer, type RunningServer } from '../../api/server.ts';
import { loadDemo, type DemoCommandOptions } from '../../import/load-demo.ts';
import { createProject, listProjects } from '../../projects/projects.ts';
import { ensureOwner } from '../../auth/users.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';
import { configFrom, globalOptions, type GlobalOptions } from '../target.ts';

interface StartOptions {
  port?: string;
  host?: string;
}

/**
 * First start: the Default project and the dashboard owner, with the lines that show their secrets
 * once. Called only after the server listens, so a start that fails (port in use) creates nothing
 * that a later start would no longer show.
 */
async function firstStartCredentials(store: Store): Promise<string[]> {
  const lines: string[] = [];
  if ((await listProjects(store)).length === 0) {
    const { project, secretKey } = await createProject(store, 'Default');
    lines.push(
      `Created project "${project.name}"`,
      `  write key:  ${project.writeKey}`,
      `  secret key: ${secretKey}  (shown once; keep it)`,
    );
  }
  lines.push(...(await ensureOwner(store)));
  return lines;
}

async function serve(opts: GlobalOptions, o: StartOptions, banner: string[]): Promise<void> {
  const config = configFrom(opts, { port: o.port, host: o.host, logLevel: process.env.WAYMARK_LOG_LEVEL ?? 'warn' });
  adminToken(config.dataDir);
  const store = await openStore(config.store, config.dataDir);
  let server: RunningServer;
  try {
    server = await startServer(config, { store });
  } catch (error) {
    // Lines made before this point (the demo's credentials) would otherwise never be seen.
    if (banner.length > 0) process.stdout.write([...banner, ''].join('\n'));
    throw error;
  }
  const created = await firstStartCredentials(store);
  if (created.length > 0) await server.ctx.projects.reload();
  banner.push(...created);
  process.stdout.write([`Waymark is running on ${server.url} (store: ${store.kind}, data: ${config.dataDir})`, ...banner, ''].join('\n'));
  if (created.length === 0 && banner.length === 0)
    process.stdout.write('Lost the dashboard password? waymark users reset-password EMAIL\n');
  const stop = async () => {
    await server.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export function registerServerCommands(program: Command): void {
  program
    .command('start')
    .description('start the server (collection API, read API and dashboard)')
    .option('--port <port>', 'port (env WAYMARK_PORT, default 8787)')
    .option('--host <host>', 'interface to listen on (env WAYMARK_HOST, default 127.0.0.1)')
    .action(async (o: StartOptions, command: Command) => {
      await serve(globalOptions(command), o, []);
    });

  program
    .command('demo')
    .description('fill the data folder with a demo retailer (if it has none yet) and optionally serve it')
    .option('--seed <n>', 'random seed', '42')
    .option('--customers <n>', 'would-be customers to simulate', '26000')
    .option('--days <n>', 'days of history', '365')
    .option('--serve', 'start the server afterwards')
    .option('--port <port>', 'port, with --serve')
    .option('--host <host>', 'interface, with --serve')
    .action(async (o: DemoCommandOptions & StartOptions & { serve?: boolean }, command: Command) => {
      const opts = globalOptions(command);
      const config = configFrom(opts);
      const store = await openStore(config.store, config.dataDir);
      let banner: string[];
      try {
        banner = await loadDemo(store, config, o, !opts.json);
      } finally {
        await store.close();
      }
      if (o.serve) await serve(opts, o, banner);
      else process.stdout.write(banner.join('\n') + '\n');
    });
}
