import type { Command } from 'commander';
import { type RetentionResult } from '../../analysis/retention.ts';
import { addScopeOptions, optionalScopeFields, runScopedAnalysis, type ScopeOptions } from '../options.ts';
import { CliError, globalOptions } from '../target.ts';
import { fmtInt, fmtMoney, fmtPct } from '../../format/numbers.ts';
import { renderTable, TABLE_WIDTH, type TextColumn } from '../../format/table.ts';

interface RetentionCommandOptions extends ScopeOptions {
  cohortEvent?: string;
  returnEvent?: string;
  interval: string;
  periods: string;
  mode: string;
  metric: string;
  cohortBy: string;
}

/** The matrix as a table with headers, as many periods as fit in 100 columns, rates and money as on the dashboard. */
function render(r: RetentionResult): string {
  const revenue = r.metric === 'revenue';
  const keyed = r.cohorts.some((c) => c.key);
  const fixed = 10 + 2 + 7 + (keyed ? 2 + 14 : 0);
  const cellWidth = revenue ? 9 : 6;
  const periods = Math.max(1, Math.min(r.average.length, Math.floor((TABLE_WIDTH - fixed) / (cellWidth + 2))));
  const cell = (c: (typeof r.cohorts)[number], p: number) => {
    const v = c.values[p];
    if (v === null || v === undefined) return '';
    return revenue ? fmtMoney(c.perPerson?.[p] ?? null) : fmtPct(c.percentages[p] === null ? null : c.percentages[p]! / 100, 0);
  };
  const columns: TextColumn[] = [
    { header: 'cohort' },
    ...(keyed ? [{ header: r.cohorts.some((c) => c.key) ? 'group' : '' }] : []),
    { header: 'people', align: 'right' as const },
    ...Array.from({ length: periods }, (_, p) => ({ header: `${r.interval[0]}${p}`, align: 'right' as const })),
  ];
  const rows = r.cohorts.map((c) => [
    c.start,
    ...(keyed ? [c.key ?? ''] : []),
    fmtInt(c.size),
    ...Array.from({ length: periods }, (_, p) => cell(c, p)),
  ]);
  rows.push([
    'average',
    ...(keyed ? [''] : []),
    '',
    ...r.average.slice(0, periods).map((a) => (a === null ? '' : revenue ? fmtMoney(a) : fmtPct(a / 100, 0))),
  ]);
  const title = `${r.mode} retention of "${r.cohortEvent}" → "${r.returnEvent}" by ${r.interval}: ${revenue ? 'revenue per cohort member' : 'share of the cohort that came back'}`;
  const more =
    periods < r.average.length ? `\n(${r.average.length - periods} later periods left out to fit 100 columns; --json has them all)` : '';
  return `${title}\n\n${renderTable(columns, rows)}${more}`;
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
