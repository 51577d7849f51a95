/** Tables for the propensity, uplift and anomaly commands (their inputs are the registered analyses'). */
import type { Command } from 'commander';
import { anomaliesAnalysis, type KpiAnomalies } from '../../anomalies/anomalies.ts';
import { propensityAnalysis, type PropensityResult } from '../../predictions/propensity.ts';
import { upliftAnalysis, type UpliftResult } from '../../uplift/uplift.ts';
import { runRegisteredAnalysis } from '../analysis-command.ts';
import { CliError, globalOptions, list } from '../target.ts';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (text: string | undefined, flag: string) => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new CliError(`--${flag}: a number, not "${text}"`);
  return n;
};

function renderPropensity(r: PropensityResult): string {
  const lines = [`Propensity of "${r.event}" (data ${r.dataStart?.slice(0, 10)} – ${r.dataEnd?.slice(0, 10)})`];
  for (const m of r.models) {
    lines.push('', `${m.target} in the next ${m.days} days: ${m.status}${m.reason ? ` — ${m.reason}` : ''}`);
    lines.push(
      `  minimum: ${m.minimum.positives} positives and ${m.minimum.negatives} negatives per window (GA4 asks ${m.minimum.ga4}; ${m.minimum.meetsGa4 ? 'met' : 'not met'})`,
    );
    if (!m.holdout || !m.scored) continue;
    const h = m.holdout;
    lines.push(
      `  training at ${m.cutoffs.training.slice(0, 10)}: ${m.training.positives}/${m.training.persons}; holdout at ${m.cutoffs.holdout.slice(0, 10)}: ${h.positives}/${h.persons} (base rate ${pct(h.baseRate)}), AUC ${h.auc?.toFixed(3)}`,
    );
    lines.push(
      '  calibration (bin: predicted → observed): ' +
        h.calibration.map((b) => `${b.bin}: ${pct(b.meanPredicted)}→${pct(b.observedRate)}`).join(', '),
    );
    lines.push('  lift by decile: ' + h.lift.map((d) => `${d.decile}: ${d.lift.toFixed(2)}×`).join(', '));
    lines.push(
      `  scored ${m.scored.persons} persons at ${m.cutoffs.scored.slice(0, 10)}: mean ${pct(m.scored.meanProbability)}, expected ${m.scored.expectedPositives.toFixed(1)}`,
    );
    lines.push(
      '  strongest features: ' +
        m.coefficients
          .slice(0, 5)
          .map((c) => `${c.label} (×${c.oddsRatioPerSd.toFixed(2)}/sd)`)
          .join('; '),
    );
    if (m.top.length)
      lines.push(
        '  top: ' +
          m.top
            .slice(0, 10)
            .map((t) => `${t.personId} ${pct(t.probability)}`)
            .join(', '),
      );
  }
  return lines.join('\n');
}

function renderUplift(r: UpliftResult): string {
  const lines = [
    `Uplift of ${r.experiment} on "${r.event}" within ${r.windowDays} days (control ${r.control}; holdout ${r.holdout.persons})`,
  ];
  lines.push('  arms: ' + r.arms.map((a) => `${a.variation}: ${a.conversions}/${a.persons} (${pct(a.rate)})`).join(', '));
  for (const t of r.treatments) {
    lines.push('', `treatment ${t.variation}: ATE ${pct(t.ate.estimate)} ± ${pct(t.ate.standardError)}; chosen learner ${t.chosen}`);
    lines.push(
      t.targeting === 'model'
        ? `  targeting by the model: its holdout Qini beats shuffled scores (p = ${t.heterogeneity.qiniPValue.toFixed(3)})`
        : `  no targeting gain beyond chance (p = ${t.heterogeneity.qiniPValue.toFixed(3)}): segments and next best action use the average effect`,
    );
    for (const l of t.learners) lines.push(`  ${l.learner.padEnd(3)} Qini ${l.qini.toFixed(4)}  AUUC ${l.auuc.toFixed(4)}`);
    lines.push(
      '  segments: ' +
        Object.entries(t.segments)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
    );
    if (t.top.length)
      lines.push(
        '  highest expected gain: ' +
          t.top
            .slice(0, 10)
            .map((p) => `${p.personId} ${pct(p.uplift)}`)
            .join(', '),
      );
  }
  lines.push(
    '',
    'next best action: ' +
      r.nextBestAction.actions.map((a) => `${a.action} (${a.status}${a.cost === null ? '' : `, cost ${a.cost}`})`).join(', '),
  );
  lines.push(
    '  persons by best action: ' +
      Object.entries(r.nextBestAction.counts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
  );
  return lines.join('\n');
}

function renderAnomalies(r: { from: string; to: string; kpis: KpiAnomalies[] }): string {
  const lines = [`KPI anomalies, model fitted on ${r.from.slice(0, 10)} – ${r.to.slice(0, 10)}`];
  for (const k of r.kpis) {
    const c = k.components;
    lines.push(
      '',
      `${k.kpi}: ${k.anomalies.length} anomal${k.anomalies.length === 1 ? 'y' : 'ies'} (weekly ${c.weekly ? 'yes' : 'no'}, yearly ${c.yearly ? 'yes' : 'no'}, holidays ${c.holidays.length}, level shifts ${c.levelShifts.join(', ') || 'none'})`,
    );
    for (const a of k.anomalies) {
      const cause = a.rootCauses[0]
        ? `; mostly ${a.rootCauses[0].dimension} ${a.rootCauses[0].value} (${pct(a.rootCauses[0].shareOfChange)} of the change)`
        : '';
      lines.push(
        `  ${a.date}: ${a.value.toFixed(2)} vs expected ${a.expected.toFixed(2)} [${a.lower.toFixed(2)}, ${a.upper.toFixed(2)}] (${a.relativeSize === null ? '' : `${a.relativeSize >= 0 ? '+' : ''}${pct(a.relativeSize)}, `}p ${a.probability.toFixed(4)})${cause}`,
      );
    }
  }
  return lines.join('\n');
}

export function registerPredictActCommands(program: Command): void {
  const predict = program.commands.find((c) => c.name() === 'predict') ?? program.command('predict').description('predictions');
  predict
    .command('propensity')
    .description(propensityAnalysis.summary)
    .option('--event <name>', 'the purchase event', 'Order Completed')
    .option('--days <list>', 'horizons in days', '7,30')
    .option('--targets <list>', 'purchase, churn or both', 'purchase,churn')
    .option('--as-of <date>', 'score as of this time (default: the end of the data)')
    .option('--top <n>', 'persons listed with the highest probability', '20')
    .action(async (o: { event: string; days: string; targets: string; asOf?: string; top: string }, cmd: Command) => {
      const body = {
        event: o.event,
        days: list(o.days)!.map((d) => num(d, 'days')),
        targets: list(o.targets),
        asOf: o.asOf,
        top: num(o.top, 'top'),
      };
      await runRegisteredAnalysis(globalOptions(cmd), propensityAnalysis, body, renderPropensity);
    });

  program
    .command('uplift')
    .description(upliftAnalysis.summary)
    .requiredOption('--experiment <id>', 'the experiment id')
    .option('--event <name>', "outcome event (default: the experiment's first metric)")
    .option('--window-days <n>', 'days after the first exposure that count')
    .option('--control <id>', 'control variation id')
    .option('--value <amount>', 'value of one conversion, for next best action', '1')
    .option('--costs <json>', 'cost per person of each action, e.g. \'{"1": 0.5}\'')
    .option('--actions <list>', 'actions to consider (untested ones are flagged)')
    .action(
      async (
        o: { experiment: string; event?: string; windowDays?: string; control?: string; value: string; costs?: string; actions?: string },
        cmd: Command,
      ) => {
        let costs: unknown;
        if (o.costs) {
          try {
            costs = JSON.parse(o.costs);
          } catch {
            throw new CliError('--costs: JSON, e.g. \'{"1": 0.5}\'');
          }
        }
        const body = {
          experiment: o.experiment,
          event: o.event,
          windowDays: num(o.windowDays, 'window-days'),
          control: o.control,
          valuePerConversion: num(o.value, 'value'),
          costs,
          actions: list(o.actions),
        };
        await runRegisteredAnalysis(globalOptions(cmd), upliftAnalysis, body, renderUplift);
      },
    );

  program
    .command('anomalies')
    .description(anomaliesAnalysis.summary)
    .option('--kpi <kpi>', 'orders, revenue, visitors, sessions or "From event>To event" (default: the four metrics)')
    .option('--recent-days <n>', 'anomalies reported in the last N days', '30')
    .option('--z <n>', 'band half-width in robust standard deviations', '3')
    .action(async (o: { kpi?: string; recentDays: string; z: string }, cmd: Command) => {
      await runRegisteredAnalysis(
        globalOptions(cmd),
        anomaliesAnalysis,
        { kpi: o.kpi, recentDays: num(o.recentDays, 'recent-days'), z: num(o.z, 'z') },
        renderAnomalies,
      );
    });
}
