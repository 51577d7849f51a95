import type { Command } from 'commander';
import { attributeFromPathsFile, toCliJson } from '../../attribution/cli-paths.ts';
import { CliError, globalOptions, print } from '../target.ts';

export interface AttributionCommandOptions {
  paths?: string;
  model: string;
  order: string;
  halfLife: string;
  collapse?: boolean;
  bootstrap?: boolean;
}

function renderChannels(r: ReturnType<typeof toCliJson>): string {
  return [`model: ${r.model}`, ...r.channels.map((c) => `${c.channel.padEnd(24)} ${c.conversions.toFixed(2).padStart(12)} ${c.value.toFixed(2).padStart(14)} ${(c.share * 100).toFixed(1).padStart(6)}%`)].join('\n');
}

export function registerAttributionCommands(program: Command): void {
  program
    .command('attribution')
    .description('multi-touch attribution from a paths file (ChannelAttribution format)')
    .option('--paths <file>', 'path;total_conversions;total_conversion_value;total_null file')
    .option('--model <name>', 'first_touch, last_touch, last_non_direct, linear, time_decay, position_based, markov, shapley', 'markov')
    .option('--order <k>', 'Markov chain order 1–4', '1')
    .option('--half-life <days>', 'time-decay half-life in days', '7')
    .option('--collapse', 'Markov: collapse repeated consecutive channels')
    .option('--bootstrap', 'data-driven models: add 95% bootstrap intervals')
    .action(async (o: AttributionCommandOptions, command: Command) => {
      const opts = globalOptions(command);
      if (!o.paths) throw new CliError('--paths FILE is required');
      const result = attributeFromPathsFile(o.paths, o.model, {
        order: Number(o.order),
        halfLifeDays: Number(o.halfLife),
        collapse: Boolean(o.collapse),
        bootstrap: Boolean(o.bootstrap),
      });
      print(opts, toCliJson(result), renderChannels);
    });
}
