import type { Command } from 'commander';
import { adminToken } from '../../api/admin.ts';
import { startServer } from '../../api/server.ts';
import { loadDemo, type DemoCommandOptions } from '../../import/load-demo.ts';
import { createProject, listProjects } from '../../projects/projects.ts';
import { ensureOwner } from '../../auth/users.ts';
import { openStore } from '../../store/open-store.ts';
import { configFrom, globalOptions, type GlobalOptions } from '../target.ts';

interface StartOptions {
  port?: string;
  host?: string;
}

async function serve(opts: GlobalOptions, o: StartOptions, banner: string[]): Promise<void> {
  const config = configFrom(opts, { port: o.port, host: o.host, logLevel: process.env.WAYMARK_LOG_LEVEL ?? 'warn' });
  adminToken(config.dataDir);
  const store = await openStore(config.store, config.dataDir);
  if ((await listProjects(store)).length === 0) {
    const { project, secretKey } = await createProject(store, 'Default');
    banner.push(`Created project "${project.name}"`, `  write key:  ${project.writeKey}`, `  secret key: ${secretKey}  (shown once; keep it)`);
  }
  banner.push(...(await ensureOwner(store)));
  const server = await startServer(config, { store });
  process.stdout.write([`Waymark is running on ${server.url} (store: ${store.kind}, data: ${config.dataDir})`, ...banner, ''].join('\n'));
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
    .option('--customers <n>', 'customers to simulate', '20000')
    .option('--days <n>', 'days of history', '182')
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
