import type { Command } from 'commander';
import { KPI_SERIES_METRICS, type KpiSeries, type KpiSeriesMetric } from '../../analysis/kpi-series.ts';
import { KPI_NAMES, type KpiReport, type KpiSet } from '../../analysis/kpis.ts';
import { addScopeOptions, runScopedAnalysis, type ScopeOptions } from '../options.ts';
import { CliError, globalOptions } from '../target.ts';

interface KpiCommandOptions extends ScopeOptions {
  byChannel?: boolean;
  series?: string;
  interval: string;
  by?: string;
}

const RATES = new Set([
  'conversionRate',
  'sessionConversionRate',
  'repeatPurchaseRate',
  'retentionRate',
  'interactionRate',
  'bounceRate',
  'csat',
]);

function fmt(name: string, v: number | null): string {
  if (v === null) return '–';
  if (RATES.has(name)) return `${(v * 100).toFixed(1)}%`;
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

function renderSet(set: KpiSet): string[] {
  return KPI_NAMES.map((name) => {
    const k = set[name];
    const rel = k.changeRelative === null ? '' : `${k.changeRelative >= 0 ? '+' : ''}${(k.changeRelative * 100).toFixed(1)}%`;
    return `  ${name.padEnd(26)} ${fmt(name, k.value).padStart(12)} ${fmt(name, k.previous).padStart(12)} ${rel.padStart(9)}`;
  });
}

function renderReport(byChannel: boolean) {
  return (r: KpiReport): string => {
    const head = `  ${'kpi'.padEnd(26)} ${'value'.padStart(12)} ${'previous'.padStart(12)} ${'change'.padStart(9)}`;
    const lines = [
      `${r.period.from.slice(0, 10)} – ${r.period.to.slice(0, 10)} (previous: ${r.previousPeriod.from.slice(0, 10)} – ${r.previousPeriod.to.slice(0, 10)})`,
      head,
      ...renderSet(r.overall),
    ];
    if (byChannel) for (const c of r.byChannel) lines.push('', c.channel, ...renderSet(c.kpis));
    return lines.join('\n');
  };
}

function renderSeries(s: KpiSeries): string {
  const rows = (points: KpiSeries['points']) =>
    points.map((p) => `  ${p.date}  ${p.value.toFixed(4).padStart(14)}${p.weight === undefined ? '' : `  (n=${p.weight})`}`);
  const lines = [`${s.metric} by ${s.interval}`, ...rows(s.points)];
  for (const u of s.units ?? []) lines.push('', u.unit, ...rows(u.points));
  return lines.join('\n');
}

export function registerKpiCommands(program: Command): void {
  addScopeOptions(
    program.command('kpis').description('overview KPIs against the previous period of equal length (or one KPI as a series with --series)'),
  )
    .option('--by-channel', 'also show every channel')
    .option('--series <metric>', `a series of one KPI: ${KPI_SERIES_METRICS.join(', ')}`)
    .option('--interval <unit>', 'series buckets: day, week (Monday) or month', 'day')
    .option('--by <unit>', 'series per channel or region')
    .action(async (o: KpiCommandOptions, command: Command) => {
      const opts = globalOptions(command);
      if (o.series) {
        if (!(KPI_SERIES_METRICS as readonly string[]).includes(o.series))
          throw new CliError(`--series: one of ${KPI_SERIES_METRICS.join(', ')}`);
        if (!['day', 'week', 'month'].includes(o.interval)) throw new CliError('--interval: day, week or month');
        if (o.by && o.by !== 'channel' && o.by !== 'region') throw new CliError('--by: channel or region');
        const options = {
          metric: o.series as KpiSeriesMetric,
          interval: o.interval as 'day' | 'week' | 'month',
          by: o.by as 'channel' | 'region' | undefined,
        };
        await runScopedAnalysis(opts, o, '/api/v1/kpis/series', (scope) => ({ ...scope, ...options }), renderSeries);
        return;
      }
      await runScopedAnalysis(opts, o, '/api/v1/kpis', (scope) => scope, renderReport(Boolean(o.byChannel)));
    });
}
