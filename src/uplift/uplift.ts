/**
 * Uplift and next best action from an experiment's exposures and outcomes. For each treatment arm
 * against the control: T-, X- and DR-learners fitted on a training split, compared by Qini and
 * AUUC on a holdout split (by a hash of the person id), the best refitted on everyone and used
 * to rank persons by expected incremental conversions and to split them into persuadables, sure
 * things, lost causes and sleeping dogs.
 *
 * Whether the ranking means anything is tested, not assumed: the chosen learner's holdout Qini is
 * compared with the Qini of the same scores shuffled (a permutation test). When the covariates
 * known before exposure do not tell who responds (p ≥ `alpha`), the per-person scores are noise
 * around the average effect, so the segments and the next best action use the average treatment
 * effect for everyone instead of the model (`targeting: 'average'`), and the result says so.
 *
 * Next best action: per person, the tested treatment with the highest expected incremental value
 * (uplift × value per conversion − cost), or no action when none is positive. Actions named in
 * the request that the experiment never tested are listed as untested and never recommended.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { getExperiment } from '../experiments/experiments.ts';
import { defineAnalysis } from '../registry/define.ts';
import { ORDER_EVENT, ScopeError } from '../scope/scope.ts';
import type { Store } from '../store/store.ts';
import { predictLogistic } from '../predictions/logistic.ts';
import { upliftRows, type UpliftRow } from './data.ts';
import { mulberry32 } from '../stats/random.ts';
import { fitUplift, qini, qiniPermutationPValue, type Learner, type QiniResult, type UpliftModel } from './learners.ts';

export const upliftInputSchema = z.object({
  experiment: z.string().min(1).describe('the experiment id (experiment_id of Experiment Viewed)'),
  event: z.string().min(1).optional().describe("outcome event (default: the experiment's first metric, else Order Completed)"),
  windowDays: z
    .number()
    .positive()
    .max(365)
    .optional()
    .describe("days after the first exposure that count (default: the metric's, else 14)"),
  control: z.string().optional().describe("control variation id (default: the experiment's first, else the smallest id)"),
  holdoutFraction: z.number().min(0.1).max(0.5).default(0.3),
  valuePerConversion: z.number().min(0).default(1).describe('value of one conversion, for next best action'),
  costs: z.record(z.string(), z.number().min(0)).default({}).describe('cost per person of each action (variation id → cost)'),
  actions: z.array(z.string()).default([]).describe('actions to consider; ones the experiment did not test are flagged untested'),
  segmentThreshold: z.number().min(0).max(1).default(0.05).describe('|uplift| below this is "no effect"'),
  alpha: z
    .number()
    .min(0.001)
    .max(0.5)
    .default(0.05)
    .describe('targeting by the model only when its holdout Qini beats shuffled scores at this level (else the average effect)'),
  top: z.number().int().min(0).max(1000).default(20),
});
export type UpliftInput = z.output<typeof upliftInputSchema>;

export type UpliftSegment = 'persuadables' | 'sure-things' | 'lost-causes' | 'sleeping-dogs';

export interface TreatmentUplift {
  variation: string;
  ate: { estimate: number; standardError: number };
  learners: Array<{ learner: Learner } & QiniResult>;
  chosen: Learner;
  /** Permutation test of the chosen learner's holdout Qini against the same scores shuffled. */
  heterogeneity: { qiniPValue: number; detected: boolean };
  /** 'model': persons are ranked by the learner; 'average': no detectable heterogeneity, everyone gets the ATE. */
  targeting: 'model' | 'average';
  segments: Record<UpliftSegment, number>;
  top: Array<{ personId: string; uplift: number; baseline: number }>;
}

export interface UpliftResult {
  experiment: string;
  event: string;
  windowDays: number;
  control: string;
  arms: Array<{ variation: string; persons: number; conversions: number; rate: number }>;
  covariates: string[];
  holdout: { persons: number; fraction: number };
  treatments: TreatmentUplift[];
  nextBestAction: {
    actions: Array<{ action: string; status: 'tested' | 'untested'; cost: number | null }>;
    counts: Record<string, number>;
    top: Array<{ personId: string; action: string; expectedValue: number }>;
  };
}

export const inHoldout = (personId: string, fraction: number) =>
  createHash('sha256').update(personId).digest().readUInt32BE(0) / 2 ** 32 < fraction;

function arm(rows: UpliftRow[]) {
  return { x: rows.map((r) => r.x), y: rows.map((r) => r.y) };
}

export function segmentOf(uplift: number, baseline: number, threshold: number): UpliftSegment {
  if (uplift >= threshold) return 'persuadables';
  if (uplift <= -threshold) return 'sleeping-dogs';
  return baseline >= 0.5 ? 'sure-things' : 'lost-causes';
}

interface Fitted {
  result: UpliftResult;
  models: Map<string, UpliftModel>;
  rows: UpliftRow[];
}

export async function fitExperimentUplift(store: Store, projectId: string, input: UpliftInput): Promise<Fitted> {
  const saved = await getExperiment(store, projectId, input.experiment);
  const metric = saved?.metrics[0];
  const event = input.event ?? metric?.event ?? ORDER_EVENT;
  const windowDays = input.windowDays ?? metric?.windowDays ?? 14;
  const data = await upliftRows(store, projectId, input.experiment, { event, windowDays });
  if (data.rows.length === 0) throw new ScopeError(`experiment: no exposures of "${input.experiment}"`);
  const variations = [...new Set(data.rows.map((r) => r.variation))].sort();
  const control = input.control ?? saved?.variations[0]?.id ?? variations[0]!;
  if (!variations.includes(control))
    throw new ScopeError(`control: variation "${control}" has no exposures (seen: ${variations.join(', ')})`);
  const arms = armSummaries(data.rows, variations);

  const holdout = data.rows.filter((r) => inHoldout(r.personId, input.holdoutFraction));
  const training = data.rows.filter((r) => !inHoldout(r.personId, input.holdoutFraction));
  const controlAll = data.rows.filter((r) => r.variation === control);
  const models = new Map<string, UpliftModel>();
  const treatments: TreatmentUplift[] = [];
  for (const v of variations.filter((x) => x !== control)) {
    const { treatment, model } = treatmentUplift(
      v,
      control,
      arms,
      { rows: data.rows, covariates: data.covariates, training, holdout, controlAll },
      input,
    );
    models.set(v, model);
    treatments.push(treatment);
  }

  const { actions, counts, best } = nextBestAction(data.rows, models, variations, control, input);
  return {
    models,
    rows: data.rows,
    result: {
      experiment: input.experiment,
      event,
      windowDays,
      control,
      arms,
      covariates: data.covariates,
      holdout: { persons: holdout.length, fraction: input.holdoutFraction },
      treatments,
      nextBestAction: {
        actions,
        counts,
        top: best.sort((a, b) => b.expectedValue - a.expectedValue || a.personId.localeCompare(b.personId)).slice(0, input.top),
      },
    },
  };
}

/** Persons, conversions and conversion rate per variation; refused (422) below 50 persons or 5 conversions in an arm. */
function armSummaries(rows: UpliftRow[], variations: string[]): UpliftResult['arms'] {
  const arms = variations.map((v) => {
    const rs = rows.filter((r) => r.variation === v);
    const conversions = rs.reduce((s, r) => s + r.y, 0);
    return { variation: v, persons: rs.length, conversions, rate: rs.length ? conversions / rs.length : 0 };
  });
  for (const a of arms)
    if (a.persons < 50 || a.conversions < 5)
      throw Object.assign(
        new Error(
          `uplift needs at least 50 persons and 5 conversions per arm; variation "${a.variation}" has ${a.persons} and ${a.conversions}`,
        ),
        { statusCode: 422 },
      );

  return arms;
}

/** The rows a treatment's learners are fitted and checked on. */
interface UpliftData {
  rows: UpliftRow[];
  covariates: UpliftResult['covariates'];
  training: UpliftRow[];
  holdout: UpliftRow[];
  controlAll: UpliftRow[];
}

/**
 * One treatment against control: its average effect, the three learners' Qini on the holdout,
 * the best one's heterogeneity test, and the model refitted on all rows (the average effect for
 * everyone when no heterogeneity is detected), with its segments and top persons.
 */
function treatmentUplift(
  v: string,
  control: string,
  arms: UpliftResult['arms'],
  data: UpliftData,
  input: UpliftInput,
): { treatment: TreatmentUplift; model: UpliftModel } {
  const { training, holdout, controlAll } = data;
  const c = arms.find((a) => a.variation === control)!;
  const t = arms.find((a) => a.variation === v)!;
  const ate = {
    estimate: t.rate - c.rate,
    standardError: Math.sqrt((t.rate * (1 - t.rate)) / t.persons + (c.rate * (1 - c.rate)) / c.persons),
  };
  const hold = holdout.filter((r) => r.variation === v || r.variation === control);
  const learners: TreatmentUplift['learners'] = [];
  for (const learner of ['t', 'x', 'dr'] as const) {
    const m = fitUplift(
      learner,
      arm(training.filter((r) => r.variation === control)),
      arm(training.filter((r) => r.variation === v)),
      data.covariates,
    );
    learners.push({
      learner,
      ...qini(
        hold.map((r) => m.predict(r.x)),
        hold.map((r) => r.variation === v),
        hold.map((r) => r.y),
      ),
    });
  }
  const chosen = learners.reduce((a, b) => (b.qini > a.qini ? b : a)).learner;
  const chosenOnTraining = fitUplift(
    chosen,
    arm(training.filter((r) => r.variation === control)),
    arm(training.filter((r) => r.variation === v)),
    data.covariates,
  );
  const qiniPValue = qiniPermutationPValue(
    hold.map((r) => chosenOnTraining.predict(r.x)),
    hold.map((r) => r.variation === v),
    hold.map((r) => r.y),
    mulberry32(7),
  );
  const detected = qiniPValue < input.alpha;
  const fitted = fitUplift(chosen, arm(controlAll), arm(data.rows.filter((r) => r.variation === v)), data.covariates);
  // Without detectable heterogeneity every person's best estimate is the average effect.
  const model: UpliftModel = detected ? fitted : { ...fitted, predict: () => ate.estimate };
  const segments: Record<UpliftSegment, number> = { persuadables: 0, 'sure-things': 0, 'lost-causes': 0, 'sleeping-dogs': 0 };
  const scored = data.rows.map((r) => ({ personId: r.personId, uplift: model.predict(r.x), baseline: predictLogistic(model.mu0, r.x) }));
  for (const s of scored) segments[segmentOf(s.uplift, s.baseline, input.segmentThreshold)]++;
  const treatment: TreatmentUplift = {
    variation: v,
    ate,
    learners,
    chosen,
    heterogeneity: { qiniPValue, detected },
    targeting: detected ? 'model' : 'average',
    segments,
    top: scored.sort((a, b) => b.uplift - a.uplift || a.personId.localeCompare(b.personId)).slice(0, input.top),
  };
  return { treatment, model };
}

/** Next best action: per person, the tested action with the highest expected value net of its cost, or none. */
function nextBestAction(
  rows: UpliftRow[],
  models: Map<string, UpliftModel>,
  variations: string[],
  control: string,
  input: UpliftInput,
): { actions: UpliftResult['nextBestAction']['actions']; counts: Record<string, number>; best: UpliftResult['nextBestAction']['top'] } {
  const tested = new Set(variations.filter((v) => v !== control));
  const named = input.actions.length ? input.actions : [...tested];
  const actions = [...new Set([...named, ...tested])].map((a) => ({
    action: a,
    status: tested.has(a) ? ('tested' as const) : ('untested' as const),
    cost: tested.has(a) ? (input.costs[a] ?? 0) : (input.costs[a] ?? null),
  }));
  const candidates = actions.filter((a) => a.status === 'tested' && (input.actions.length === 0 || input.actions.includes(a.action)));
  const counts: Record<string, number> = { 'no action': 0 };
  const best = rows.map((r) => {
    let action = 'no action';
    let value = 0;
    for (const a of candidates) {
      const v = models.get(a.action)!.predict(r.x) * input.valuePerConversion - (a.cost ?? 0);
      if (v > value) {
        value = v;
        action = a.action;
      }
    }
    counts[action] = (counts[action] ?? 0) + 1;
    return { personId: r.personId, action, expectedValue: value };
  });
  return { actions, counts, best };
}

export const upliftAnalysis = defineAnalysis({
  id: 'uplift',
  path: '/api/v1/uplift',
  summary:
    'Uplift from an experiment (T-, X- and doubly robust learners, Qini and AUUC on a holdout), persons ranked by incremental gain, and next best action among tested actions',
  access: 'read',
  input: upliftInputSchema,
  scoped: false,
  run: async ({ store, project }, input) => (await fitExperimentUplift(store, project.id, input)).result,
});
