/**
 * Lift measurements become ROI priors on the channels they measured (inverse-variance combined
 * when several measure one channel); the fit reports how much each prior weighs.
 *
 * Sources:
 * - experiments with a channel holdout: the treatment arm was reachable by the channel, the
 *   control arm held out. Incremental KPI = (mean_treatment − mean_control) × treated persons,
 *   from the experiment's own per-variation sums of a revenue metric; its standard error from
 *   the same moments. Spend = the channel's spend over the experiment's days.
 * - initiatives (geo or region lifts): incremental revenue from the initiative report over the
 *   recorded cost (the spend the lift bought). Initiatives whose `touchpoint` names a channel
 *   with spend are used automatically.
 * - lift tests entered by hand: an ROI with a standard error or an interval.
 *
 * A lift test measures ROI at the test's spend level and period; using it as a prior on the
 * whole range's ROI assumes the channel's ROI did not change much between the two.
 */
import { z } from 'zod';
import { experimentReport } from '../experiments/experiment-report.ts';
import { getExperiment } from '../experiments/experiments.ts';
import { initiativeReport } from '../initiatives/initiative-report.ts';
import { getInitiative, listInitiatives } from '../initiatives/initiatives.ts';
import { normalQuantile } from '../stats/distributions.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import type { LiftPrior } from './fit.ts';

export const liftInputSchema = z.object({
  channel: z.string().min(1),
  /** Measured ROI (incremental KPI per unit of spend). */
  roi: z.number(),
  se: z.number().positive().optional(),
  lo: z.number().optional(),
  hi: z.number().optional(),
  /** Level of lo..hi, default 0.9. */
  level: z.number().gt(0).lt(1).optional(),
  label: z.string().optional(),
});

export const calibrationInputSchema = {
  /** Lift tests entered by hand. */
  lifts: z.array(liftInputSchema).optional(),
  /** Experiments that held a channel out: their revenue metric's lift becomes that channel's prior. */
  experiments: z.array(z.object({ experiment: z.string().min(1), channel: z.string().min(1), metric: z.string().optional() })).optional(),
  /** Initiatives that measured a channel's lift (geo/region tests); initiatives whose touchpoint names a channel are used anyway. */
  initiatives: z.array(z.object({ initiative: z.string().min(1), channel: z.string().min(1) })).optional(),
};

export type CalibrationInput = {
  lifts?: z.infer<typeof liftInputSchema>[];
  experiments?: Array<{ experiment: string; channel: string; metric?: string }>;
  initiatives?: Array<{ initiative: string; channel: string }>;
};

export class CalibrationError extends Error {}

/** A hand-entered lift as a prior: the se, or the interval's half-width over its z. */
export function manualLift(l: z.infer<typeof liftInputSchema>): LiftPrior {
  let se = l.se;
  if (se === undefined && l.lo !== undefined && l.hi !== undefined) se = (l.hi - l.lo) / (2 * normalQuantile(0.5 + (l.level ?? 0.9) / 2));
  if (!(se !== undefined && se > 0)) throw new CalibrationError(`lifts: the lift on ${l.channel} needs se or lo and hi`);
  return { channel: l.channel, roi: l.roi, se, source: 'manual', label: l.label ?? 'lift test' };
}

async function channelSpend(store: Store, projectId: string, channel: string, from: Date, to: Date): Promise<number> {
  const q = new QueryBuilder(store.dialect);
  const [row] = await store.query<{ s: number | null }>(
    q.build(
      `SELECT sum(cost_reporting) AS s FROM ad_spend WHERE project_id = ${q.str(projectId)} AND lower(channel) = lower(${q.str(channel)}) AND date >= ${q.time(from)} AND date < ${q.time(to)}`,
    ),
  );
  return Number(row?.s ?? 0);
}

export async function collectLifts(
  store: Store,
  projectId: string,
  input: CalibrationInput,
  spendChannels: string[],
  grossMargin: number,
): Promise<{ lifts: LiftPrior[]; notes: string[] }> {
  const lifts: LiftPrior[] = [];
  const notes: string[] = [];
  for (const l of input.lifts ?? []) lifts.push(manualLift(l));

  for (const e of input.experiments ?? []) {
    const experiment = await getExperiment(store, projectId, e.experiment);
    if (!experiment) throw new CalibrationError(`experiments: no experiment "${e.experiment}"`);
    const report = await experimentReport(store, projectId, experiment);
    const metric = report.metrics.find((m) => (e.metric ? m.name === e.metric : m.kind === 'revenue'));
    if (!metric) {
      notes.push(`experiment ${e.experiment}: no revenue metric to calibrate ${e.channel} with`);
      continue;
    }
    const [control, treatment] = metric.input.variations;
    if (!control || !treatment || control.n < 2 || treatment.n < 2) {
      notes.push(`experiment ${e.experiment}: too few exposures to calibrate ${e.channel}`);
      continue;
    }
    const moments = (v: { n: number; sum: number; sum_squares?: number }) => {
      const mean = v.sum / v.n;
      const variance = Math.max(0, ((v.sum_squares ?? v.sum) - v.n * mean * mean) / (v.n - 1));
      return { mean, variance };
    };
    const c = moments(control);
    const t = moments(treatment);
    const incremental = (t.mean - c.mean) * treatment.n;
    const se = treatment.n * Math.sqrt(t.variance / treatment.n + c.variance / control.n);
    const from = experiment.start ? new Date(`${experiment.start}T00:00:00Z`) : new Date(0);
    const to = experiment.end ? new Date(Date.parse(`${experiment.end}T00:00:00Z`) + 86_400_000) : new Date(8.64e15);
    const spend = await channelSpend(store, projectId, e.channel, from, to);
    if (!(spend > 0)) {
      notes.push(`experiment ${e.experiment}: no ${e.channel} spend in its days`);
      continue;
    }
    lifts.push({
      channel: e.channel,
      roi: incremental / spend,
      se: se / spend,
      source: 'experiment',
      label: `experiment ${experiment.name || experiment.id}`,
    });
  }

  const initiativeLinks = [...(input.initiatives ?? [])];
  const named = new Set(initiativeLinks.map((i) => i.initiative));
  const channelByKey = new Map(spendChannels.map((c) => [c.toLowerCase(), c]));
  for (const i of await listInitiatives(store, projectId)) {
    const ch = channelByKey.get(i.touchpoint.trim().toLowerCase());
    if (ch && !named.has(i.id)) initiativeLinks.push({ initiative: i.id, channel: ch });
  }
  for (const link of initiativeLinks) {
    const initiative = await getInitiative(store, projectId, link.initiative);
    if (!initiative) throw new CalibrationError(`initiatives: no initiative "${link.initiative}"`);
    try {
      const report = await initiativeReport(store, projectId, initiative, { grossMargin, level: 0.9 });
      const inc = report.incrementalRevenue;
      const cost = report.cost?.total ?? 0;
      if (!inc || !(cost > 0)) {
        notes.push(`initiative ${initiative.name}: no incremental revenue or cost to calibrate ${link.channel} with`);
        continue;
      }
      const se = (inc.high - inc.low) / (2 * normalQuantile(0.95)) / cost;
      if (!(se > 0)) continue;
      lifts.push({ channel: link.channel, roi: inc.estimate / cost, se, source: 'initiative', label: `initiative ${initiative.name}` });
    } catch (error) {
      notes.push(`initiative ${initiative.name}: ${(error as Error).message}`);
    }
  }
  return { lifts, notes };
}
