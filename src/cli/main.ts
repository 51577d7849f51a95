import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.ts';
import { registerCommands } from './commands/index.ts';
import { CliError } from './target.ts';

const program = new Command();
program
  .name('waymark')
  .description('Customer journey analytics and ROI, self-hosted')
  .option('--data <dir>', 'data folder (env WAYMARK_DATA, default ./waymark-data)')
  .option('--store <location>', 'duckdb (default), chdb:DIR, or clickhouse://user:pass@host:8123/db[?cluster=NAME] (env WAYMARK_STORE)')
  .option('--server <url>', 'work through a running Waymark server instead of the data folder')
  .option('--key <secret>', 'project secret key, with --server')
  .option('--project <name>', 'project name or id (default: the only project)')
  .option('--json', 'machine-readable output')
  .showHelpAfterError();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  const known = error instanceof CliError || error instanceof ConfigError || (error as Error).name === 'StoreUnavailableError';
  process.stderr.write(`waymark: ${(error as Error).message}\n`);
  if (!known && process.env.WAYMARK_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
}
