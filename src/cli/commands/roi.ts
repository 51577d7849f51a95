import type { Command } from 'commander';
import { type MarginalReport } from '../../attribution/marginal.ts';
import type { ModelOptions } from '../../attribution/models/types.ts';
import { type RoiReport } from '../../attribution/roi-report.ts';
import { runScopedAnalysis, type ScopeOptions } from '../options.ts';
import { globalOptions, list } from '../target.ts';
import { addJourneyOptions, granularityOf } from './attribution.ts';

interface RoiCommandOptions extends ScopeOptions {
  model: string;
  models?: string;
  margin?: string;
  marginal?: boolean;
  order: string;
  by: string;
  lookback: string;
  event: string;
}

const money = (x: number | null) => (x === null ? '—' : x.toFixed(2));
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(0)}%`);

function renderRoi(r: RoiReport): string {
  const lines: string[] = [`ROI by ${r.granularity}, margin ${pct(r.margin)}, ${r.from.slice(0, 10)} → ${r.to.slice(0, 10)}`, ...r.notes];
  for (const t of r.tables) {
    lines.push(
      '',
      `model: ${t.model}`,
      `${'touchpoint'.padEnd(26)} ${['spend', 'conv', 'revenue', 'ROAS', 'ROI', 'CPA', 'CAC', 'new'].map((h) => h.padStart(10)).join(' ')}`,
    );
    for (const x of [...t.rows, t.totals]) {
      lines.push(
        `${x.touchpoint.slice(0, 26).padEnd(26)} ${[money(x.spend), x.conversions.toFixed(1), money(x.revenue), money(x.roas), pct(x.roi), money(x.cpa), money(x.cac), x.newCustomers.toFixed(1)].map((v) => v.padStart(10)).join(' ')}`,
      );
    }
  }
  return lines.join('\n');
}

function renderMarginal(r: MarginalReport): string {
  return [
    `marginal return of the next dollar (model ${r.model}, margin ${pct(r.margin)})`,
    `${'channel'.padEnd(20)} ${['days', 'spend', 'revenue', 'next $', 'next $ ROI'].map((h) => h.padStart(11)).join(' ')}`,
    ...r.channels.map(
      (c) =>
        `${c.channel.slice(0, 20).padEnd(20)} ${[String(c.days), money(c.spend), money(c.attributedRevenue), money(c.marginalReturn), pct(c.marginalRoi)].map((v) => v.padStart(11)).join(' ')}${c.note ? `  (${c.note})` : ''}`,
    ),
  ].join('\n');
}

export function registerRoiCommands(program: Command): void {
  const command = program
    .command('roi')
    .description(
      'spend, attributed revenue, ROAS, ROI, CPA and CAC per touchpoint; --marginal for the return of the next dollar per channel',
    )
    .option('--model <name>', 'attribution model', 'markov')
    .option('--models <list>', 'several models, one table each')
    .option('--margin <fraction>', 'gross margin (default: the project setting)')
    .option('--marginal', 'daily spend vs attributed revenue, response curves and channels ranked by marginal return')
    .option('--order <k>', 'Markov chain order 1–4', '1');
  addJourneyOptions(command).action(async (o: RoiCommandOptions, cmd: Command) => {
    const opts = globalOptions(cmd);
    const options: ModelOptions = { order: Number(o.order) };
    const margin = o.margin === undefined ? undefined : Number(o.margin);
    const journey = { lookbackDays: Number(o.lookback), conversionEvent: o.event, options };
    if (o.marginal) {
      await runScopedAnalysis(
        opts,
        o,
        '/api/v1/roi/marginal',
        (scope) => ({ ...scope, ...journey, model: o.model, margin }),
        renderMarginal,
      );
      return;
    }
    const models = list(o.models) ?? [o.model];
    const granularity = granularityOf(o.by);
    await runScopedAnalysis(opts, o, '/api/v1/roi', (scope) => ({ ...scope, ...journey, granularity, models, margin }), renderRoi);
  });
}
