import type { Command } from 'commander';
import { type RetentionResult } from '../../analysis/retention.ts';
import { addScopeOptions, optionalScopeFields, runScopedAnalysis, type ScopeOptions } from '../options.ts';
import { CliError, globalOptions } from '../target.ts';


interface RetentionCommandOptions extends ScopeOptions {
  cohortEvent?: string;
  returnEvent?: string;
  interval: string;
  periods: string;
  mode: string;
  metric: string;
  cohortBy: string;
}

function render(r: RetentionResult): string {
  const cell = (v: number | null, p: number | null) =>
    (v === null ? '' : r.metric === 'revenue' ? v.toFixed(2) : `${v} (${(p ?? 0).toFixed(0)}%)`).padStart(14);
  const lines = [`${r.mode} retention of "${r.cohortEvent}" → "${r.returnEvent}" by ${r.interval} (${r.metric})`];
  for (const c of r.cohorts) lines.push(`${c.start}${c.key ? ` ${c.key}` : ''}  ${String(c.size).padStart(7)}  ${c.values.map((v, i) => cell(v, c.percentages[i] ?? null)).join('')}`);
  lines.push(`average${' '.repeat(12)}${r.average.map((a) => (a === null ? '' : r.metric === 'revenue' ? a.toFixed(2) : `${a.toFixed(1)}%`).padStart(14)).join('')}`);
  return lines.join('\n');
}

export function registerRetentionCommands(program: Command): void {
  addScopeOptions(
    program
      .command('retention')
      .description('cohort retention: who comes back to do the return event, per day, week or month')
      .option('--cohort-event <event>', 'cohorts by the first occurrence of this event in the range')
      .option('--return-event <event>', 'the event that counts as coming back (default: the cohort event; Order Completed for revenue)')
      .option('--interval <unit>', 'day, week (Monday) or month, in UTC', 'week')
      .option('--periods <n>', 'periods per cohort, from period 0', '12')
      .option('--mode <mode>', 'recurring (in that period) or unbounded (in that period or later)', 'recurring')
      .option('--metric <metric>', 'persons or revenue', 'persons')
      .option('--cohort-by <kind>', 'event, first_touch_channel or persona', 'event'),
  ).action(async (o: RetentionCommandOptions, command: Command) => {
    if (!o.cohortEvent) throw new CliError('--cohort-event EVENT is required');
    const body = {
      ...optionalScopeFields(o),
      cohortEvent: o.cohortEvent,
      returnEvent: o.returnEvent,
      interval: o.interval,
      periods: Number(o.periods),
      mode: o.mode,
      metric: o.metric,
      cohortBy: o.cohortBy,
    };
    await runScopedAnalysis(globalOptions(command), o, '/api/v1/retention', () => body, render);
  });
}
