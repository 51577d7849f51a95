import type { Command } from 'commander';
import { type DropOffDriversResult } from '../../analysis/drop-off-drivers.ts';
import { BREAKDOWN_COLUMNS, type FunnelBreakdown, type FunnelResult } from '../../analysis/funnel.ts';
import { DEFAULT_FUNNEL_WINDOW_SECONDS } from '../../scope/defaults.ts';
import { addScopeOptions, runScopedAnalysis, type ScopeOptions } from '../options.ts';
import { CliError, globalOptions, list, parseDuration } from '../target.ts';

interface FunnelCommandOptions extends ScopeOptions {
  steps?: string;
  window: string;
  order: string;
  exclude?: string;
  by?: string;
  limit: string;
  trend?: string;
  session?: boolean;
  step?: string;
  properties?: string;
  minPersons: string;
}

/** --by channel | device_type | … | first_touch_channel | persona:A,B | property:NAME (or any other name: a property). */
function parseBreakdown(by: string | undefined): FunnelBreakdown | undefined {
  if (!by) return undefined;
  if ((BREAKDOWN_COLUMNS as readonly string[]).includes(by)) return { kind: 'column', column: by as (typeof BREAKDOWN_COLUMNS)[number] };
  if (by === 'first_touch_channel') return { kind: 'first_touch_channel' };
  if (by.startsWith('persona:')) return { kind: 'persona', personas: list(by.slice('persona:'.length)) ?? [] };
  return { kind: 'property', property: by.startsWith('property:') ? by.slice('property:'.length) : by };
}

function funnelFields(o: FunnelCommandOptions): Record<string, unknown> {
  const steps = list(o.steps);
  if (!steps || steps.length < 2)
    throw new CliError('--steps needs at least two comma-separated event names, e.g. "Product Viewed,Checkout Started,Order Completed"');
  return {
    steps,
    windowSeconds: parseDuration(o.window),
    order: o.order,
    exclusions: (list(o.exclude) ?? []).map((event) => ({ event })),
    aggregateBy: o.session ? 'session' : 'person',
    breakdown: parseBreakdown(o.by),
    breakdownLimit: Number(o.limit),
    trend: o.trend,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const dur = (s: number | null) =>
  s === null
    ? '–'
    : s < 120
      ? `${s.toFixed(0)} s`
      : s < 7200
        ? `${(s / 60).toFixed(1)} min`
        : s < 172800
          ? `${(s / 3600).toFixed(1)} h`
          : `${(s / 86400).toFixed(1)} d`;

function renderFunnel(r: FunnelResult): string {
  const unit = r.aggregate_by === 'session' ? 'sessions' : 'persons';
  const lines = [
    `${r.order} funnel, ${unit}, window ${dur(r.window_seconds)} (${r.from.slice(0, 10)} – ${r.to.slice(0, 10)}): ${pct(r.conversion_rate)} convert`,
    '',
  ];
  lines.push(
    `${'step'.padEnd(28)} ${unit.padStart(9)} ${'overall'.padStart(8)} ${'from prev'.padStart(9)} ${'dropped'.padStart(8)} ${'median'.padStart(9)} ${'p90'.padStart(9)}`,
  );
  for (const s of r.steps) {
    lines.push(
      `${s.name.slice(0, 28).padEnd(28)} ${String(s.count).padStart(9)} ${pct(s.conversion_rate).padStart(8)} ${pct(s.conversion_rate_from_previous).padStart(9)} ${String(s.dropped).padStart(8)} ${dur(s.median_seconds_to_convert).padStart(9)} ${dur(s.p90_seconds_to_convert).padStart(9)}`,
    );
  }
  if (r.breakdown) {
    lines.push('', 'breakdown:');
    for (const b of r.breakdown)
      lines.push(
        `  ${b.value.slice(0, 30).padEnd(30)} ${b.steps.map((s) => String(s.count).padStart(8)).join('')}  ${pct(b.conversion_rate).padStart(7)}`,
      );
  }
  if (r.trend) {
    lines.push('', 'trend (by attempt start):');
    for (const t of r.trend)
      lines.push(
        `  ${t.period}  ${String(t.started).padStart(8)} → ${String(t.converted).padStart(8)}  ${pct(t.conversion_rate).padStart(7)}`,
      );
  }
  return lines.join('\n');
}

function renderDrivers(r: DropOffDriversResult): string {
  const lines = [`${r.from_step} → ${r.to_step}: ${r.converted} converted, ${r.dropped} dropped`, ''];
  lines.push(`${'factor'.padEnd(46)} ${'conv'.padStart(6)} ${'drop'.padStart(6)} ${'odds ratio (95% CI)'.padStart(26)} ${'p'.padStart(9)}`);
  for (const f of r.factors) {
    const ci = `${f.odds_ratio.toFixed(2)} (${f.ci_low.toFixed(2)}–${f.ci_high.toFixed(2)})`;
    lines.push(
      `${f.label.slice(0, 46).padEnd(46)} ${String(f.converted_with).padStart(6)} ${String(f.dropped_with).padStart(6)} ${ci.padStart(26)} ${f.p_value.toExponential(2).padStart(9)}`,
    );
  }
  lines.push('', r.note);
  return lines.join('\n');
}

function addFunnelOptions(command: Command): Command {
  return addScopeOptions(
    command
      .option('--steps <events>', 'comma-separated step events, in order')
      .option(
        '--window <duration>',
        'conversion window from the first step (e.g. 30m, 12h, 7d); an event exactly at the edge counts',
        `${DEFAULT_FUNNEL_WINDOW_SECONDS / 86400}d`,
      )
      .option('--order <order>', 'ordered (anything in between), strict (the next event must be the next step) or any', 'ordered')
      .option('--exclude <events>', 'comma-separated exclusion events: one between the first and last step disqualifies that attempt')
      .option('--session', 'count sessions instead of persons'),
    {
      from: 'attempts starting from (default: the first event)',
      to: 'attempts starting before, exclusive (default: just after the last event)',
    },
  );
}

async function runDrivers(o: FunnelCommandOptions, command: Command): Promise<void> {
  const opts = globalOptions(command);
  if (!o.step) throw new CliError('--step K is required: the step whose conversion from step K−1 is explained (2 = second step)');
  await runScopedAnalysis(
    opts,
    o,
    '/api/v1/funnels/drivers',
    (scope) => ({
      ...scope,
      funnel: funnelFields(o),
      step: Number(o.step),
      properties: list(o.properties) ?? [],
      minPersons: Number(o.minPersons),
    }),
    renderDrivers,
  );
}

export function registerFunnelCommands(program: Command): void {
  const funnel = addFunnelOptions(
    program
      .command('funnel')
      .description(
        'conversion funnel: persons (or sessions) reaching each step in order within a window; `funnel drivers` explains a drop-off',
      )
      .option('--by <breakdown>', `breakdown: ${BREAKDOWN_COLUMNS.join(', ')}, first_touch_channel, persona:NAME,NAME or a property name`)
      .option('--limit <n>', 'breakdown values shown before the rest is grouped as Other', '10')
      .option('--trend <interval>', 'whole-funnel conversion per day, week or month of attempt start')
      .option('--drivers', 'instead of the funnel, rank what converters and drop-offs at --step differ in (same as `funnel drivers`)')
      .option('--step <k>', 'with --drivers: the step whose conversion from step k−1 is explained')
      .option('--properties <names>', 'with --drivers: extra event properties to test (comma-separated)')
      .option('--min-persons <n>', 'with --drivers: leave out factors seen in fewer units', '5'),
  ).action(async (o: FunnelCommandOptions & { drivers?: boolean }, command: Command) => {
    if (o.drivers) return runDrivers(o, command);
    await runScopedAnalysis(globalOptions(command), o, '/api/v1/funnels', (scope) => ({ ...scope, ...funnelFields(o) }), renderFunnel);
  });

  addFunnelOptions(
    funnel
      .command('drivers')
      .description(
        'drop-off drivers: events, channels, properties and survey answers over- or under-represented among those who converted to --step versus those who dropped (correlation, not causation)',
      )
      .option('--step <k>', 'the step whose conversion from step k−1 is explained (2 = the second step)')
      .option('--properties <names>', 'extra event properties to test (comma-separated)')
      .option('--min-persons <n>', 'leave out factors seen in fewer units', '5'),
    // The parent command knows the same options and parses them wherever they appear.
  ).action((_o: FunnelCommandOptions, command: Command) => runDrivers(command.optsWithGlobals() as FunnelCommandOptions, command));
}
