/**
 * MMM timings: the aggregate query that feeds the model (daily KPI and spend from a DuckDB
 * store holding two years of simulated orders and spend), the fit (2 years daily, 6 channels,
 * 3 controls, default sampler settings) and the budget optimisation, with the fit's diagnostics.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importSpendRows, type SpendRow } from '../src/import/spend.ts';
import { loadEventFile } from '../src/ingestion/loader.ts';
import { processMessages } from '../src/ingestion/pipeline.ts';
import { planBudget } from '../src/mmm/budget.ts';
import { dailyAggregate } from '../src/mmm/data.ts';
import { DEFAULT_SAMPLER, fitMmm } from '../src/mmm/fit.ts';
import { simulateMmm } from '../src/mmm/simulate.ts';
import { DuckDbStore } from '../src/store/duckdb-store.ts';
import { migrate } from '../src/store/migrate.ts';
import type { Figure } from './support.ts';

const DAY = 86_400_000;

export async function benchMmm(quick: boolean): Promise<Figure[]> {
  const days = quick ? 365 : 730;
  const sim = simulateMmm({ seed: 1, days, channels: 6, controls: 3, zeroEffect: [5] });
  const { series } = sim;
  const dir = mkdtempSync(join(tmpdir(), 'waymark-bench-mmm-'));
  const store = await DuckDbStore.open(join(dir, 'bench.duckdb'));
  try {
    await migrate(store);
    const projectId = 'bench-mmm';
    const first = Date.parse(`${series.firstDay}T00:00:00Z`);
    // Orders of about 100 each carrying the day's revenue, through the real ingestion pipeline.
    const messages: object[] = [];
    series.y.forEach((v, t) => {
      const n = Math.max(1, Math.round(v / 100));
      for (let i = 0; i < n; i++) {
        messages.push({
          type: 'track',
          event: 'Order Completed',
          userId: `u${t}-${i}`,
          timestamp: new Date(first + t * DAY + (i * DAY) / (n + 1)).toISOString(),
          messageId: `o${t}-${i}`,
          properties: { revenue: Math.round((v / n) * 100) / 100 },
        });
      }
    });
    const { rows } = processMessages(projectId, messages, 'batch', undefined, new Date(first + (days + 1) * DAY), 64 * 1024);
    const file = join(dir, 'orders.ndjson');
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await loadEventFile(store, file);
    const spend: SpendRow[] = [];
    series.channels.forEach((c) =>
      c.spend.forEach((cost, i) =>
        spend.push({
          date: new Date(first + (i - series.warmup) * DAY).toISOString().slice(0, 10),
          channel: c.name,
          campaign: '',
          keyword: '',
          cost,
          currency: 'USD',
          impressions: 0,
          clicks: 0,
        }),
      ),
    );
    await importSpendRows(store, projectId, { reportingCurrency: 'USD', currencyRates: {}, margin: 0.5, domains: [] }, spend, 'bench');

    const scope = { projectId, from: new Date(first), to: new Date(first + days * DAY) };
    await dailyAggregate(store, scope, 'revenue'); // warm
    const q0 = performance.now();
    const agg = await dailyAggregate(store, scope, 'revenue', series.controls);
    const queryS = (performance.now() - q0) / 1000;

    const cpu0 = process.cpuUsage();
    const f0 = performance.now();
    const fit = await fitMmm(agg.series);
    const fitS = (performance.now() - f0) / 1000;
    const fitCpuS = process.cpuUsage(cpu0).user / 1e6;

    const b0 = performance.now();
    const total = fit.channels.reduce((s, c) => s + c.spendTotal, 0) * (30 / days);
    const plan = planBudget(fit, { total, days: 30, interval: 0.9 });
    const budgetS = (performance.now() - b0) / 1000;

    const d = fit.diagnostics;
    const s = DEFAULT_SAMPLER;
    return [
      { name: `mmm.aggregate_query_s (${days} days, ${messages.length} orders, 6 channels)`, value: queryS, unit: 's' },
      {
        name: `mmm.fit_wall_s (${days} days, 6 channels, 3 controls; NUTS ${s.chains}×(${s.warmup}+${s.draws}), dense metric, max depth ${s.maxTreeDepth}, chains on ${d.sampler.threads} threads)`,
        value: fitS,
        unit: 's',
        target: '< 60',
      },
      { name: 'mmm.fit_cpu_s (all threads)', value: fitCpuS, unit: 's' },
      { name: 'mmm.fit_gradient_evaluations', value: d.gradientEvaluations, unit: '' },
      { name: 'mmm.fit_mean_tree_depth', value: d.meanTreeDepth, unit: '' },
      { name: 'mmm.fit_max_rhat', value: d.maxRhat, unit: '', target: '< 1.05' },
      { name: 'mmm.fit_min_bulk_ess', value: d.minEss, unit: '', target: '>= 100' },
      { name: 'mmm.fit_divergences', value: d.divergences, unit: '' },
      { name: 'mmm.budget_optimise_s (30 days, with value of information)', value: budgetS, unit: 's', target: '< 5' },
      { name: 'mmm.budget_expected_gain', value: plan.expected.gain.mean, unit: 'KPI' },
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
