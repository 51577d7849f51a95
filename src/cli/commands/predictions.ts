import { runScopedAnalysis } from '../options.ts';
import type { Command } from 'commander';
import { type CustomerPrediction, type PredictionResult } from '../../predictions/predict-customers.ts';
import { globalOptions, list } from '../target.ts';
import { fmtChange, fmtInt, fmtMoney, fmtNum, fmtPct } from '../../format/numbers.ts';
import { renderTable } from '../../format/table.ts';

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

function customerTable(customers: CustomerPrediction[]): string {
  return renderTable(
    [
      { header: 'customer' },
      { header: 'orders', align: 'right' },
      { header: 'days since last', align: 'right' },
      { header: 'avg repeat order', align: 'right' },
      { header: 'expected orders', align: 'right' },
      { header: 'still active', align: 'right' },
      { header: 'predicted CLV', align: 'right' },
    ],
    customers.map((c) => [
      c.personId,
      // frequency counts repeat purchase days: the first purchase day makes one more.
      fmtInt(c.frequency + 1),
      fmtInt(c.ageDays - c.recencyDays),
      c.frequency > 0 ? fmtMoney(c.monetaryValue) : '–',
      fmtNum(c.expectedPurchases, 1),
      fmtPct(c.pAlive, 0),
      fmtMoney(c.clv),
    ]),
  );
}

function render(r: PredictionResult): string {
  const lines = [
    `Predicted customer lifetime value over the next ${fmtInt(r.horizonDays)} days (discounted ${fmtPct(r.monthlyDiscountRate, 1)} a month)`,
    `Purchases ${r.dataStart} – ${r.calibrationEnd}${r.dataEnd !== r.calibrationEnd ? `, checked against ${r.dataEnd}` : ''}: ${fmtInt(r.customers)} buyers, ${fmtInt(r.repeatCustomers)} bought again${r.sampleFraction < 1 ? ` (a ${fmtPct(r.sampleFraction)} sample of ${fmtInt(r.totalBuyers)})` : ''}`,
    '',
    `Expected orders: ${fmtNum(r.totals.expectedPurchases, 0)}   predicted value: ${fmtMoney(r.totals.clv)}   customers still active: ${fmtNum(r.totals.expectedAlive, 0)}`,
    `Predicted CLV per buyer: average ${fmtMoney(r.distributions.clv.mean)}, median ${fmtMoney(r.distributions.clv.median)}, top 10% from ${fmtMoney(r.distributions.clv.p90)}, highest ${fmtMoney(r.distributions.clv.max)}`,
    `Values are net of refunds: repeat spend ${fmtMoney(r.repeatSpend.net)} (gross ${fmtMoney(r.repeatSpend.gross)}, ${fmtMoney(r.repeatSpend.refunded)} refunded)`,
  ];
  if (r.holdout) {
    const h = r.holdout;
    lines.push(
      '',
      `Check on the ${fmtInt(h.days)} days after ${r.calibrationEnd}: ${fmtNum(h.predicted, 0)} repeat orders predicted, ${fmtInt(h.actual)} happened${h.ratio === null ? '' : ` (${fmtChange(h.ratio - 1)})`}`,
      '',
      renderTable(
        [
          { header: 'repeat orders before', align: 'right' },
          { header: 'buyers', align: 'right' },
          { header: 'actual per buyer', align: 'right' },
          { header: 'predicted per buyer', align: 'right' },
        ],
        h.byFrequency.map((f) => [f.frequency, fmtInt(f.customers), fmtNum(f.actual), fmtNum(f.predicted)]),
      ),
    );
  }
  lines.push('', 'Top customers by predicted CLV', '', customerTable(r.topByClv));
  lines.push('', 'Most likely to have stopped buying (repeat buyers)', '', customerTable(r.topChurnRisk));
  const g = r.gammaGamma;
  lines.push(
    '',
    `Models: ${r.bgNbd.variant === 'mbg' ? 'MBG/NBD' : 'BG/NBD'} for repeat orders and "still active"${r.bgNbd.converged ? '' : ' (fit did not converge: read with care)'}, ${g ? 'Gamma-Gamma for order value' : 'the average repeat order for order value (too few repeat buyers for Gamma-Gamma)'}; --json has the parameters.`,
  );
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
