import type { Command } from 'commander';
import { runAbFromFile } from '../../experiments/stats/ab-input.ts';
import { runSrm } from '../experiment-stats.ts';
import { CliError, globalOptions, list, print } from '../target.ts';

export function registerStatsCommands(program: Command): void {
  const stats = program.command('stats').description('experiment statistics on summary numbers, no data folder needed');
  stats
    .command('ab')
    .description('A/B test from per-variation n, sum and sum of squares (frequentist, Bayesian or sequential)')
    .requiredOption('--input <file>', 'JSON file: { metric_type, method, relative, variations: [{ name, n, sum, sum_squares }] }')
    .action(async (o: { input: string }, command: Command) => {
      print(globalOptions(command), runAbFromFile(o.input));
    });
  stats
    .command('srm')
    .description('sample ratio mismatch: chi-square test of users per variation against the planned weights')
    .requiredOption('--users <counts>', 'users per variation, e.g. 1000,1200')
    .requiredOption('--weights <weights>', 'planned weights, e.g. 0.5,0.5')
    .action(async (o: { users: string; weights: string }, command: Command) => {
      const users = (list(o.users) ?? []).map(Number);
      const weights = (list(o.weights) ?? []).map(Number);
      if (users.length !== weights.length || users.some((u) => !Number.isFinite(u)) || weights.some((w) => !Number.isFinite(w))) {
        throw new CliError('--users and --weights need the same number of numeric values');
      }
      print(globalOptions(command), runSrm(users, weights));
    });
}
