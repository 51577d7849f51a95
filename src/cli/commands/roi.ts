import type { Command } from 'commander';
import { type MarginalReport } from '../../attribution/marginal.ts';
import type { ModelOptions } from '../../attribution/models/types.ts';
import { type RoiReport } from '../../attribution/roi-report.ts';
import { fmtInt, fmtMoney, fmtNum, fmtPct } from '../../format/numbers.ts';
import { renderTable } from '../../format/table.ts';
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

const pct = (x: number | null) => fmtPct(x, 0);
/** ROAS (revenue per unit of spend) reads as a multiple. */
const times = (x: number | null) => (x === null ? '–' : `${fmtNum(x, 2)}×`);

function renderRoi(r: RoiReport): string {
  const lines: string[] = [`ROI by ${r.granularity}, margin ${pct(r.margin)}, ${r.from.slice(0, 10)} → ${r.to.slice(0, 10)}`, ...r.notes];
  for (const t of r.tables) {
    lines.push(
      '',
      `model: ${t.model}`,
      renderTable(
        [
          { header: r.granularity.replace('_', ' / ') },
          ...['spend', 'conversions', 'revenue', 'ROAS', 'ROI', 'CPA', 'CAC', 'new'].map((header) => ({ header, align: 'right' as const })),
        ],
        [...t.rows, t.totals].map((x) => [
          x.touchpoint,
          fmtMoney(x.spend),
          fmtNum(x.conversions, 1),
          fmtMoney(x.revenue),
          times(x.roas),
          pct(x.roi),
          fmtMoney(x.cpa),
          fmtMoney(x.cac),
          fmtNum(x.newCustomers, 1),
        ]),
      ),
    );
  }
  return lines.join('\n');
}

function renderMarginal(r: MarginalReport): string {
  return [
    `marginal return of the next dollar (model ${r.model}, margin ${pct(r.margin)})`,
    renderTable(
      [
        { header: 'channel' },
        ...['days', 'spend', 'revenue', 'next $', 'next $ ROI'].map((header) => ({ header, align: 'right' as const })),
        { header: 'note' },
      ],
      r.channels.map((c) => [
        c.channel,
        fmtInt(c.days),
        fmtMoney(c.spend),
        fmtMoney(c.attributedRevenue),
        fmtMoney(c.marginalReturn),
        pct(c.marginalRoi),
        c.note ?? '',
      ]),
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
