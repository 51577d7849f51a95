import { runScopedAnalysis } from '../options.ts';
import type { Command } from 'commander';
import { type CustomerPrediction, type PredictionResult } from '../../predictions/predict-customers.ts';
import { globalOptions, list } from '../target.ts';

interface ClvCommandOptions {
  horizon: string;
  discountRate: string;
  calibrationEnd?: string;
  top: string;
  from?: string;
  to?: string;
  channels?: string;
  persona?: string;
}

const money = (x: number) => x.toFixed(2);

function customerLine(c: CustomerPrediction): string {
  return `  ${c.personId.slice(0, 36).padEnd(36)} ${String(c.frequency).padStart(5)} ${String(c.recencyDays).padStart(6)} ${String(c.ageDays).padStart(5)} ${money(c.monetaryValue).padStart(9)} ${c.expectedPurchases.toFixed(2).padStart(7)} ${(c.pAlive * 100).toFixed(1).padStart(6)}% ${money(c.clv).padStart(10)}`;
}

function render(r: PredictionResult): string {
  const b = r.bgNbd;
  const g = r.gammaGamma;
  const lines = [
    `Customer lifetime value over ${r.horizonDays} days at ${(r.monthlyDiscountRate * 100).toFixed(2)}% a month; calibration ${r.dataStart} – ${r.calibrationEnd}, data to ${r.dataEnd}`,
    `${r.customers} buyers (${r.repeatCustomers} with repeat purchases)${r.sampleFraction < 1 ? `, a ${(r.sampleFraction * 100).toFixed(1)}% sample of ${r.totalBuyers}` : ''}`,
    `${b.variant === 'mbg' ? 'MBG/NBD' : 'BG/NBD'} (days): r=${b.r.toFixed(4)} α=${b.alpha.toFixed(3)} a=${b.a.toFixed(4)} b=${b.b.toFixed(4)} LL=${b.logLikelihood.toFixed(1)}${b.converged ? '' : ' (not converged)'}`,
    g
      ? `Gamma-Gamma: p=${g.p.toFixed(3)} q=${g.q.toFixed(3)} γ=${g.gamma.toFixed(3)} (${g.customers} repeat customers)`
      : 'Gamma-Gamma: not fitted (too few repeat customers or q ≤ 1); mean repeat value used',
    `Expected: ${r.totals.expectedPurchases.toFixed(1)} purchases, CLV ${money(r.totals.clv)} in total, ${r.totals.expectedAlive.toFixed(1)} customers alive`,
    `CLV per buyer: mean ${money(r.distributions.clv.mean)}, median ${money(r.distributions.clv.median)}, p90 ${money(r.distributions.clv.p90)}, max ${money(r.distributions.clv.max)}`,
  ];
  if (r.holdout) {
    const h = r.holdout;
    lines.push(
      '',
      `Holdout (${h.days} days after ${r.calibrationEnd}): predicted ${h.predicted.toFixed(1)} vs actual ${h.actual} repeat purchases${h.ratio === null ? '' : ` (${((h.ratio - 1) * 100).toFixed(1)}%)`}`,
    );
    lines.push(`  ${'calibration repeats'.padEnd(20)} ${'buyers'.padStart(7)} ${'actual'.padStart(8)} ${'predicted'.padStart(10)}`);
    for (const f of h.byFrequency)
      lines.push(
        `  ${f.frequency.padEnd(20)} ${String(f.customers).padStart(7)} ${f.actual.toFixed(3).padStart(8)} ${f.predicted.toFixed(3).padStart(10)}`,
      );
  }
  const header = `  ${'person'.padEnd(36)} ${'freq'.padStart(5)} ${'recency'.padStart(6)} ${'age'.padStart(5)} ${'avg value'.padStart(9)} ${'E[buys]'.padStart(7)} ${'alive'.padStart(7)} ${'CLV'.padStart(10)}`;
  lines.push('', 'Top customers by CLV:', header, ...r.topByClv.map(customerLine));
  lines.push('', 'Highest churn risk (repeat buyers):', header, ...r.topChurnRisk.map(customerLine));
  return lines.join('\n');
}

export function registerPredictionCommands(program: Command): void {
  const predict = program.command('predict').description('predictions from purchase histories');
  predict
    .command('clv')
    .description(
      'customer lifetime value and churn risk per buyer (BG/NBD + Gamma-Gamma), with a holdout check when --calibration-end is before the data ends',
    )
    .option('--horizon <days>', 'prediction horizon in days', '365')
    .option('--discount-rate <rate>', 'monthly discount rate (0.01 ≈ 12.7% a year)', '0.01')
    .option('--calibration-end <date>', 'last day of the calibration period (default: the last day with data)')
    .option('--top <n>', 'customers listed by CLV and by churn risk', '20')
    .option('--from <date>', 'range start (default: the first event)')
    .option('--to <date>', 'range end, exclusive (default: just after the last event)')
    .option('--channels <list>', 'only persons reached through these channels (comma-separated)')
    .option('--persona <name>', 'only persons of this saved persona')
    .action(async (o: ClvCommandOptions, command: Command) => {
      const body = {
        from: o.from,
        to: o.to,
        channels: list(o.channels),
        persona: o.persona,
        horizonDays: Number(o.horizon),
        discountRate: Number(o.discountRate),
        calibrationEnd: o.calibrationEnd,
        top: Number(o.top),
      };
      await runScopedAnalysis(globalOptions(command), o, '/api/v1/predictions/clv', () => body, render);
    });
}
