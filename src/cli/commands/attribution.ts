import type { Command } from 'commander';
import { attributeFromPathsFile, toCliJson } from '../attribution-paths.ts';
import { type AttributionReport, type ModelComparisonReport } from '../../attribution/attribution-report.ts';
import { GRANULARITIES, type Granularity } from '../../attribution/journeys.ts';
import type { ModelOptions } from '../../attribution/models/types.ts';
import { addScopeOptions, runScopedAnalysis, type ScopeOptions } from '../options.ts';
import { CliError, globalOptions, list, print } from '../target.ts';
import { fmtInt, fmtMoney, fmtNum, fmtPct } from '../../format/numbers.ts';
import { renderTable } from '../../format/table.ts';

export interface AttributionCommandOptions extends ScopeOptions {
  paths?: string;
  model: string;
  order: string;
  halfLife: string;
  collapse?: boolean;
  bootstrap?: boolean;
  compare?: boolean;
  by: string;
  lookback: string;
  event: string;
}

function renderChannels(r: ReturnType<typeof toCliJson>): string {
  return [
    `model: ${r.model}`,
    ...r.channels.map(
      (c) =>
        `${c.channel.padEnd(24)} ${c.conversions.toFixed(2).padStart(12)} ${c.value.toFixed(2).padStart(14)} ${(c.share * 100).toFixed(1).padStart(6)}%`,
    ),
  ].join('\n');
}

function renderReport(r: AttributionReport): string {
  return [
    `Model: ${r.model.replace(/_/g, ' ')}, by ${r.granularity.replace('_', ' / ')}, lookback ${fmtInt(r.lookbackDays)} days, ${r.from.slice(0, 10)} → ${r.to.slice(0, 10)}`,
    `${fmtInt(r.journeys.conversions)} conversions (${fmtInt(r.journeys.firstOrders)} first orders), ${fmtInt(r.journeys.nulls)} journeys without a conversion, ${fmtInt(r.journeys.paths)} distinct paths`,
    '',
    renderTable(
      [
        { header: 'touchpoint' },
        { header: 'conversions', align: 'right' },
        { header: 'value', align: 'right' },
        { header: 'share', align: 'right' },
        { header: 'new customers', align: 'right' },
      ],
      r.touchpoints.map((t) => [t.touchpoint, fmtNum(t.conversions, 1), fmtMoney(t.value), fmtPct(t.share), fmtNum(t.newCustomers, 1)]),
    ),
  ].join('\n');
}

const MODEL_LABEL: Record<string, string> = {
  first_touch: 'first',
  last_touch: 'last',
  last_non_direct: 'last non-direct',
  linear: 'linear',
  time_decay: 'time decay',
  position_based: 'position',
  markov: 'Markov',
  shapley: 'Shapley',
};

function renderComparison(r: ModelComparisonReport): string {
  const models = r.results.map((x) => x.model);
  const title = `Share of conversions by model, by ${r.granularity.replace('_', ' / ')}, ${r.from.slice(0, 10)} → ${r.to.slice(0, 10)}; largest disagreement first`;
  const table = renderTable(
    [{ header: 'touchpoint' }, ...models.map((m) => ({ header: MODEL_LABEL[m] ?? m, align: 'right' as const }))],
    r.disagreements.map((d) => [d.channel, ...models.map((m) => fmtPct(d.shares[m] ?? 0))]),
  );
  return [title, '', table, ...r.skipped.map((s) => `skipped ${s.model}: ${s.reason}`)].join('\n');
}

export function granularityOf(by: string): Granularity {
  if (!(GRANULARITIES as readonly string[]).includes(by)) throw new CliError(`--by must be one of ${GRANULARITIES.join(', ')}`);
  return by as Granularity;
}

export function addJourneyOptions(command: Command): Command {
  return addScopeOptions(
    command
      .option('--by <granularity>', `touchpoint granularity: ${GRANULARITIES.join(', ')}`, 'channel')
      .option('--lookback <days>', 'days of touches before a conversion that count', '30')
      .option('--event <name>', 'the conversion event', 'Order Completed'),
  );
}

export function registerAttributionCommands(program: Command): void {
  const command = program
    .command('attribution')
    .description("multi-touch attribution of the project's conversions, or of a paths file (ChannelAttribution format)")
    .option('--paths <file>', 'path;total_conversions;total_conversion_value;total_null file instead of the stored journeys')
    .option('--model <name>', 'first_touch, last_touch, last_non_direct, linear, time_decay, position_based, markov, shapley', 'markov')
    .option('--compare', 'every model side by side, with where they disagree most')
    .option('--order <k>', 'Markov chain order 1–4', '1')
    .option('--half-life <days>', 'time-decay half-life in days', '7')
    .option('--collapse', 'Markov: collapse repeated consecutive channels')
    .option('--bootstrap', 'data-driven models: add 95% bootstrap intervals');
  addJourneyOptions(command).action(async (o: AttributionCommandOptions, cmd: Command) => {
    const opts = globalOptions(cmd);
    const options: ModelOptions = {
      order: Number(o.order),
      halfLifeDays: Number(o.halfLife),
      collapse: Boolean(o.collapse),
      bootstrap: Boolean(o.bootstrap),
    };
    if (o.paths) {
      print(opts, toCliJson(attributeFromPathsFile(o.paths, o.model, options)), renderChannels);
      return;
    }
    const journey = { granularity: granularityOf(o.by), lookbackDays: Number(o.lookback), conversionEvent: o.event, options };
    if (o.compare) {
      await runScopedAnalysis(opts, o, '/api/v1/attribution/compare', (scope) => ({ ...scope, ...journey }), renderComparison);
      return;
    }
    await runScopedAnalysis(opts, o, '/api/v1/attribution', (scope) => ({ ...scope, ...journey, model: o.model }), renderReport);
  });
  // The same comparison as `attribution --compare`, under the registered analysis's own command name.
  addJourneyOptions(
    command
      .command('compare')
      .description('every model side by side, with where they disagree most')
      .option('--models <list>', 'models to compare (default: all)'),
  ).action(async (o: AttributionCommandOptions & { models?: string }, cmd: Command) => {
    const journey = { granularity: granularityOf(o.by), lookbackDays: Number(o.lookback), conversionEvent: o.event };
    await runScopedAnalysis(
      globalOptions(cmd),
      o,
      '/api/v1/attribution/compare',
      (scope) => ({ ...scope, ...journey, models: list(o.models) }),
      renderComparison,
    );
  });
}
