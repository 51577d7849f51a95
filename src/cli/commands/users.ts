/**
 * `waymark users reset-password EMAIL`: a new dashboard password for someone who can reach the data
 * folder, which is the proof of ownership (the same as reading the admin token). Works on the data
 * folder directly, or through the running server that holds it, with the folder's admin token.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { resetPasswordAndSignOut, type PasswordReset } from '../../auth/reset.ts';
import { UserError } from '../../auth/users.ts';
import { StoreUnavailableError } from '../../store/store.ts';
import { CliError, configFrom, globalOptions, print, withStore, type GlobalOptions } from '../target.ts';

async function viaRunningServer(opts: GlobalOptions, body: { email: string; password?: string }): Promise<PasswordReset> {
  const config = configFrom(opts);
  const tokenFile = join(config.dataDir, 'admin-token');
  if (!existsSync(tokenFile)) throw new CliError(`the data folder is in use and has no admin token (${tokenFile})`);
  const server = opts.server ?? `http://127.0.0.1:${config.port}`;
  const response = await fetch(new URL('/api/v1/admin/users/reset-password', server), {
    method: 'POST',
    headers: { authorization: `Bearer ${readFileSync(tokenFile, 'utf8').trim()}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as PasswordReset & { error?: string };
  if (!response.ok) throw new CliError(`server answered ${response.status}: ${json.error}`);
  return json;
}

async function reset(opts: GlobalOptions, email: string, password?: string): Promise<PasswordReset> {
  if (opts.server) return viaRunningServer(opts, { email, password });
  try {
    return await withStore(opts, (store) => resetPasswordAndSignOut(store, email, password));
  } catch (error) {
    if (error instanceof UserError) throw new CliError(error.message);
    // A running server holds the data file: ask it, with the folder's admin token.
    if (error instanceof StoreUnavailableError) return viaRunningServer(opts, { email, password });
    throw error;
  }
}

export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('dashboard accounts');
  users
    .command('reset-password <email>')
    .description("give a dashboard user a new password (printed once) and sign out the user's sessions")
    .option('--password <password>', 'the new password (default: generated)')
    .action(async (email: string, o: { password?: string }, command: Command) => {
      const opts = globalOptions(command);
      const result = await reset(opts, email, o.password);
      print(opts, result, (r) =>
        [
          `New password for ${r.user.email} (${r.user.role})`,
          `  password: ${r.password}  (shown once; keep it)`,
          `  sessions signed out: ${r.sessionsEnded}`,
        ].join('\n'),
      );
    });
}
