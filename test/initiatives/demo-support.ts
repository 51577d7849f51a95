/** Loads a generated demo into a store and scores the initiative and experiment reports against its ground truth. */
import { join } from 'node:path';
import { generateDemo, type GroundTruth } from '../../src/demo/generator.ts';
import { experimentReport } from '../../src/experiments/experiment-report.ts';
import { experimentInputSchema } from '../../src/experiments/experiments.ts';
import { importMessages } from '../../src/import/segment-messages.ts';
import { initiativeReport, type InitiativeReport } from '../../src/initiatives/initiative-report.ts';
import { initiativeInputSchema } from '../../src/initiatives/initiatives.ts';
import { addDays } from '../../src/initiatives/methods/stats.ts';
import type { Store } from '../../src/store/store.ts';
import { tempDir } from '../support/stores.ts';

export async function loadDemo(
  store: Store,
  projectId: string,
  options: { seed: number; customers: number; days: number },
): Promise<GroundTruth> {
  const demo = generateDemo({ ...options, endDate: '2026-10-31' });
  await importMessages(store, projectId, demo.messages(), { workDir: join(tempDir(), 'work'), sessionTimeoutMinutes: 30 });
  return demo.groundTruth();
}

export interface DemoScore {
  initiative: InitiativeReport;
  trueLift: number;
  liftCovered: boolean;
  experiment: { estimate: number; ci: [number, number]; trueRelativeLift: number; covered: boolean; exposed: number[] };
}

/** The streamlined checkout as an initiative: wave-1 regions treated, wave-2 regions as control until wave 2 ships. */
export async function scoreDemo(
  store: Store,
  projectId: string,
  truth: GroundTruth,
  grossMargin = 0.4,
  method: 'auto' | 'did' | 'synthetic_control' = 'auto',
): Promise<DemoScore> {
  const j = truth.journey_change;
  const wave2 = j.rollout[1]!;
  const postEnd = [addDays(wave2.date, -1), truth.generator.end_date].sort()[0]!;
  const fields = initiativeInputSchema.parse({
    name: j.name,
    shippedAt: j.ship_date,
    postEnd,
    kpi: 'checkout_conversion',
    cost: { oneOff: j.cost.one_off, perMonth: j.cost.monthly },
    control: { by: 'region', values: wave2.regions },
    method,
  });
  const initiative = await initiativeReport(store, projectId, { ...fields, id: 'demo', createdAt: '', updatedAt: '' }, { grossMargin });
  const a = initiative.lift.absolute;
  const e = truth.experiment;
  const exp = experimentInputSchema.parse({
    id: e.experiment_id,
    variations: e.variations.map((v, i) => ({ id: String(v), weight: e.weights[i]! })),
    metrics: [{ name: 'order', kind: 'conversion', event: 'Order Completed', windowDays: e.window_days }],
  });
  const report = await experimentReport(store, projectId, { ...exp, createdAt: '', updatedAt: '' });
  const r = report.metrics[0]!.report.results[0]!;
  return {
    initiative,
    trueLift: j.absolute_lift,
    liftCovered: a.low <= j.absolute_lift && j.absolute_lift <= a.high,
    experiment: {
      estimate: r.expected,
      ci: r.ci,
      trueRelativeLift: e.true_relative_lift,
      covered: r.ci[0] <= e.true_relative_lift && e.true_relative_lift <= r.ci[1],
      exposed: report.exposures.variations.map((v) => v.persons),
    },
  };
}
