import type { Command } from 'commander';
import { KPI_SERIES_METRICS, computeKpiSeries, type KpiSeries, type KpiSeriesMetric } from '../../analysis/kpi-series.ts';
import { KPI_NAMES, computeKpis, type KpiReport, type KpiSet } from '../../analysis/kpis.ts';
import { resolveScope } from '../../analysis/scope.ts';
import { CliError, globalOptions, list, runAnalysis } from '../target.ts';
import { dataRange } from './journeys.ts';

interface KpiCommandOptions {
  from?: string;
  to?: string;
  byChannel?: boolean;
  channels?: string;
  persona?: string;
  series?: string;
  interval: string;
  by?: string;
}

const RATES = new Set(['conversionRate', 'sessionConversionRate', 'repeatPurchaseRate', 'retentionRate', 'interactionRate', 'bounceRate', 'csat']);

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
    const lines = [`${r.period.from.slice(0, 10)} – ${r.period.to.slice(0, 10)} (previous: ${r.previousPeriod.from.slice(0, 10)} – ${r.previousPeriod.to.slice(0, 10)})`, head, ...renderSet(r.overall)];
    if (byChannel) for (const c of r.byChannel) lines.push('', c.channel, ...renderSet(c.kpis));
    return lines.join('\n');
  };
}

function renderSeries(s: KpiSeries): string {
  const rows = (points: KpiSeries['points']) => points.map((p) => `  ${p.date}  ${p.value.toFixed(4).padStart(14)}${p.weight === undefined ? '' : `  (n=${p.weight})`}`);
  const lines = [`${s.metric} by ${s.interval}`, ...rows(s.points)];
  for (const u of s.units ?? []) lines.push('', u.unit, ...rows(u.points));
  return lines.join('\n');
}

export function registerKpiCommands(program: Command): void {
  program
    .command('kpis')
    .description('overview KPIs against the previous period of equal length (or one KPI as a series with --series)')
    .option('--from <date>', 'range start (default: the first event)')
    .option('--to <date>', 'range end, exclusive (default: just after the last event)')
    .option('--by-channel', 'also show every channel')
    .option('--channels <list>', 'only persons reached through these channels (comma-separated)')
    .option('--persona <name>', 'only persons of this saved persona')
    .option('--series <metric>', `a series of one KPI: ${KPI_SERIES_METRICS.join(', ')}`)
    .option('--interval <unit>', 'series buckets: day, week (Monday) or month', 'day')
    .option('--by <unit>', 'series per channel or region')
    .action(async (o: KpiCommandOptions, command: Command) => {
      const opts = globalOptions(command);
      const range = async (store?: Parameters<typeof dataRange>[1], projectId?: string) => (o.from && o.to ? { from: o.from, to: o.to } : { ...(await dataRange(opts, store, projectId)), ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}) });
      const scopeBody = (r: { from: string; to: string }) => ({ from: r.from, to: r.to, channels: list(o.channels), persona: o.persona });
      const serverRange = opts.server ? await range() : { from: '', to: '' };
      if (o.series) {
        if (!(KPI_SERIES_METRICS as readonly string[]).includes(o.series)) throw new CliError(`--series: one of ${KPI_SERIES_METRICS.join(', ')}`);
        if (!['day', 'week', 'month'].includes(o.interval)) throw new CliError('--interval: day, week or month');
        if (o.by && o.by !== 'channel' && o.by !== 'region') throw new CliError('--by: channel or region');
        const options = { metric: o.series as KpiSeriesMetric, interval: o.interval as 'day' | 'week' | 'month', by: o.by as 'channel' | 'region' | undefined };
        await runAnalysis(
          opts,
          '/api/v1/kpis/series',
          { ...scopeBody(serverRange), ...options },
          async (store, project) => computeKpiSeries(store, await resolveScope(store, project.id, toScopeInput(scopeBody(await range(store, project.id)))), options),
          renderSeries,
        );
        return;
      }
      await runAnalysis(
        opts,
        '/api/v1/kpis',
        scopeBody(serverRange),
        async (store, project) => computeKpis(store, await resolveScope(store, project.id, toScopeInput(scopeBody(await range(store, project.id))))),
        renderReport(Boolean(o.byChannel)),
      );
    });
}

export function toScopeInput(b: { from: string; to: string; channels?: string[]; persona?: string }) {
  const from = new Date(b.from);
  const to = new Date(b.to);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new CliError('--from/--to: dates like 2026-03-01');
  return { from, to, channels: b.channels, persona: b.persona };
}
