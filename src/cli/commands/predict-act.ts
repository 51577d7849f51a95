/** Tables for the propensity, uplift and anomaly commands (their inputs are the registered analyses'). */
import type { Command } from 'commander';
import { anomaliesAnalysis, type KpiAnomalies } from '../../anomalies/anomalies.ts';
import { propensityAnalysis, type PropensityResult } from '../../predictions/propensity.ts';
import { upliftAnalysis, type UpliftResult } from '../../uplift/uplift.ts';
import { runRegisteredAnalysis } from '../analysis-command.ts';
import { fmtChange, fmtInt, fmtMoney, fmtNum, fmtPct, fmtPoints } from '../../format/numbers.ts';
import { renderTable } from '../../format/table.ts';
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
      '  holdout by decile of the score (1 = the most likely tenth; calibration: predicted against observed):',
      renderTable(
        [
          { header: 'Decile', align: 'right' },
          { header: 'Persons', align: 'right' },
          { header: 'Predicted', align: 'right' },
          { header: 'Observed', align: 'right' },
          { header: 'Lift', align: 'right' },
          { header: 'Share of all positives (cumulative)', align: 'right' },
        ],
        h.lift.map((d) => {
          // Calibration bins run from the lowest scores up; deciles from the highest down.
          const bin = h.calibration[h.calibration.length - d.decile];
          return [
            String(d.decile),
            fmtInt(d.persons),
            bin ? fmtPct(bin.meanPredicted) : '–',
            bin ? fmtPct(bin.observedRate) : '–',
            `${d.lift.toFixed(2)}×`,
            fmtPct(d.cumulativeCapture, 0),
          ];
        }),
      )
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
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

const SEGMENT_LABEL: Record<string, string> = {
  persuadables: 'persuadables (buy only if treated)',
  'sure-things': 'sure things (buy anyway)',
  'lost-causes': 'lost causes (buy in neither arm)',
  'sleeping-dogs': 'sleeping dogs (put off by it)',
};
const LEARNER_LABEL: Record<string, string> = { t: 'T-learner', x: 'X-learner', dr: 'doubly robust' };

function renderUplift(r: UpliftResult): string {
  const exposed = r.arms.reduce((s, a) => s + a.persons, 0);
  const lines = [
    `Uplift of ${r.experiment} on "${r.event}" within ${r.windowDays} days (control ${r.control}; ${fmtInt(exposed)} exposed, holdout ${fmtInt(r.holdout.persons)})`,
    renderTable(
      [
        { header: 'Variation' },
        { header: 'Persons', align: 'right' },
        { header: 'Conversions', align: 'right' },
        { header: 'Conversion rate', align: 'right' },
      ],
      r.arms.map((a) => [
        a.variation + (a.variation === r.control ? ' (control)' : ''),
        fmtInt(a.persons),
        fmtInt(a.conversions),
        fmtPct(a.rate),
      ]),
    ),
  ];
  for (const t of r.treatments) {
    lines.push(
      '',
      `treatment ${t.variation}: average effect ${fmtPoints(t.ate.estimate, 2)} (95% ± ${fmtPoints(1.96 * t.ate.standardError, 2).slice(1)}); chosen learner ${LEARNER_LABEL[t.chosen]}`,
      t.targeting === 'model'
        ? `  targeting by the model: its holdout Qini beats shuffled scores (p = ${t.heterogeneity.qiniPValue.toFixed(3)})`
        : `  no targeting gain beyond chance (p = ${t.heterogeneity.qiniPValue.toFixed(3)}): segments and next best action use the average effect`,
      renderTable(
        [{ header: 'Learner' }, { header: 'Qini (extra conversions per person)', align: 'right' }, { header: 'AUUC', align: 'right' }],
        t.learners.map((l) => [LEARNER_LABEL[l.learner]! + (l.learner === t.chosen ? ' *' : ''), fmtNum(l.qini, 4), fmtPoints(l.auuc, 2)]),
      ),
      '',
      renderTable(
        [{ header: 'Segment' }, { header: 'Persons', align: 'right' }, { header: 'Share', align: 'right' }],
        Object.entries(t.segments).map(([k, v]) => [SEGMENT_LABEL[k] ?? k, fmtInt(v), fmtPct(v / (exposed || 1), 0)]),
      ),
    );
    if (t.top.length)
      lines.push(
        '',
        `highest expected gain from ${t.variation}:`,
        renderTable(
          [{ header: 'Person' }, { header: 'Uplift', align: 'right' }, { header: 'Conversion without it', align: 'right' }],
          t.top.slice(0, 10).map((p) => [p.personId, fmtPoints(p.uplift, 1), fmtPct(p.baseline)]),
        ),
      );
  }
  lines.push(
    '',
    'next best action (only tested actions are recommended):',
    renderTable(
      [
        { header: 'Action' },
        { header: 'Tested' },
        { header: 'Cost per person', align: 'right' },
        { header: 'Persons it is best for', align: 'right' },
      ],
      [
        ...r.nextBestAction.actions.map((a) => [
          a.action,
          a.status === 'tested' ? 'yes' : 'no (never recommended)',
          a.cost === null ? '–' : fmtMoney(a.cost),
          fmtInt(r.nextBestAction.counts[a.action] ?? 0),
        ]),
        ['no action', '', '–', fmtInt(r.nextBestAction.counts['no action'] ?? 0)],
      ],
    ),
  );
  return lines.join('\n');
}

function renderAnomalies(r: { from: string; to: string; kpis: KpiAnomalies[] }): string {
  const lines = [`KPI anomalies, model fitted on ${r.from.slice(0, 10)} – ${r.to.slice(0, 10)}`];
  for (const k of r.kpis) {
    const c = k.components;
    lines.push(
      '',
      `${k.kpi}: ${k.anomalies.length} anomal${k.anomalies.length === 1 ? 'y' : 'ies'} in the last ${k.bands.length} days (weekly ${c.weekly ? 'yes' : 'no'}, yearly ${c.yearly ? 'yes' : 'no'}, holidays ${c.holidays.length}, level shifts ${c.levelShifts.join(', ') || 'none'})`,
    );
    if (k.anomalies.length === 0) continue;
    // Revenue in money, conversions between steps as rates, counts whole.
    const fmt =
      k.kpi === 'revenue' ? (v: number) => fmtMoney(v) : k.kpi.includes('>') ? (v: number) => fmtPct(v) : (v: number) => fmtNum(v, 0);
    lines.push(
      renderTable(
        [
          { header: 'Day' },
          { header: 'Actual', align: 'right' },
          { header: 'Expected', align: 'right' },
          { header: 'Band', align: 'right' },
          { header: 'Change', align: 'right' },
          { header: 'Probability', align: 'right' },
          { header: 'Explained most by' },
        ],
        k.anomalies.map((a) => [
          a.date,
          fmt(a.value),
          fmt(a.expected),
          `${fmt(a.lower)}–${fmt(a.upper)}`,
          a.relativeSize === null ? '–' : fmtChange(a.relativeSize),
          fmtPct(a.probability, 2),
          a.rootCauses[0] ? `${a.rootCauses[0].dimension} ${a.rootCauses[0].value} (${fmtPct(a.rootCauses[0].shareOfChange, 0)})` : '',
        ]),
      ),
    );
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
    .option('--holdout-fraction <fraction>', 'share of persons kept out of fitting to compare the learners', '0.3')
    .option('--segment-threshold <uplift>', 'uplift below which a person is "no effect" (0.05 = 5 percentage points)', '0.05')
    .option('--alpha <p>', 'target by the model only when its holdout Qini beats shuffled scores at this level', '0.05')
    .option('--top <n>', 'persons listed with the highest expected gain', '20')
    .action(
      async (
        o: {
          experiment: string;
          event?: string;
          windowDays?: string;
          control?: string;
          value: string;
          costs?: string;
          actions?: string;
          holdoutFraction: string;
          segmentThreshold: string;
          alpha: string;
          top: string;
        },
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
          holdoutFraction: num(o.holdoutFraction, 'holdout-fraction'),
          segmentThreshold: num(o.segmentThreshold, 'segment-threshold'),
          alpha: num(o.alpha, 'alpha'),
          top: num(o.top, 'top'),
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
    .option('--history-days <n>', 'days of history the seasonal model is fitted on', '730')
    .option('--root-causes <n>', 'anomalies explained by channel, device, region and persona (most recent first)', '5')
    .action(async (o: { kpi?: string; recentDays: string; z: string; historyDays: string; rootCauses: string }, cmd: Command) => {
      await runRegisteredAnalysis(
        globalOptions(cmd),
        anomaliesAnalysis,
        {
          kpi: o.kpi,
          recentDays: num(o.recentDays, 'recent-days'),
          z: num(o.z, 'z'),
          historyDays: num(o.historyDays, 'history-days'),
          rootCauses: num(o.rootCauses, 'root-causes'),
        },
        renderAnomalies,
      );
    });
}
