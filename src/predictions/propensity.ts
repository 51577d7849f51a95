/**
 * Propensity: the probability that each known person makes a purchase, or churns (is not seen
 * again), in the next N days (default 7 and 30), GA4-style, with a time-split holdout the user
 * can judge.
 *
 * Two cutoffs are used (end = the end of the data):
 * - training: features at end − 2N, label = what happened in the N days after;
 * - holdout: features at end − N, label = the last N days. The model fitted on the training rows
 *   is scored on the holdout rows: AUC, a calibration table and lift by decile.
 * The model is then refitted on the holdout rows (the freshest complete labels) and every person
 * is scored at the end of the data in SQL (`linearScoreSql`): the per-person probabilities never
 * leave the database except as deciles, the top list and audience members.
 *
 * Minimum data: GA4 asks for 1,000 positive and 1,000 negative examples in a recent window before
 * it shows predictive metrics. Waymark models smaller projects too but refuses, with the counts,
 * below 100 positives and 100 negatives in each of the training and holdout windows — about five
 * per coefficient; below that the holdout AUC and the decile rates are mostly noise.
 */
import { z } from 'zod';
import { defineAnalysis } from '../registry/define.ts';
import { ORDER_EVENT, projectDataRange } from '../scope/scope.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { auc, calibrationTable, fitLogistic, liftByDecile, predictLogistic, type CalibrationBin, type LiftRow } from './logistic.ts';
import {
  DAY_MS,
  featureSpecs,
  linearScoreSql,
  outcomeSql,
  personFeaturesSql,
  topChannels,
  type LinearModel,
} from './propensity-features.ts';

export const MIN_POSITIVES = 100;
export const MIN_NEGATIVES = 100;
export const GA4_MIN_EXAMPLES = 1000;

export type PropensityTarget = 'purchase' | 'churn';

export const propensityInputSchema = z.object({
  event: z.string().min(1).default(ORDER_EVENT).describe('the purchase event'),
  days: z.array(z.number().int().min(1).max(180)).min(1).max(4).default([7, 30]).describe('horizons in days, e.g. 7,30'),
  targets: z
    .array(z.enum(['purchase', 'churn']))
    .min(1)
    .default(['purchase', 'churn'])
    .describe('purchase, churn or both'),
  asOf: z.coerce.date().optional().describe('score as of this time (default: the end of the data)'),
  top: z.number().int().min(0).max(1000).default(20).describe('persons listed with the highest probability'),
  maxPersons: z.number().int().min(1000).max(2_000_000).default(200_000).describe('training rows beyond this are a hash sample'),
});
export type PropensityInput = z.output<typeof propensityInputSchema>;

export interface PropensityModelResult {
  target: PropensityTarget;
  days: number;
  status: 'ok' | 'refused';
  /** Why the model was refused (too little data), with the counts. */
  reason?: string;
  minimum: { positives: number; negatives: number; ga4: number; meetsGa4: boolean };
  cutoffs: { training: string; holdout: string; scored: string };
  training: { persons: number; positives: number };
  holdout: {
    persons: number;
    positives: number;
    baseRate: number;
    auc: number | null;
    calibration: CalibrationBin[];
    lift: LiftRow[];
  } | null;
  coefficients: Array<{ feature: string; label: string; weight: number; oddsRatioPerSd: number }>;
  scored: { persons: number; meanProbability: number; expectedPositives: number; decileThresholds: number[] } | null;
  top: Array<{ personId: string; probability: number }>;
  model?: LinearModel;
}

export interface PropensityResult {
  event: string;
  dataStart: string | null;
  dataEnd: string | null;
  models: PropensityModelResult[];
}

export class InsufficientDataError extends Error {
  readonly statusCode = 422;
}

interface Rows {
  x: number[][];
  y: number[];
}

/** Feature rows and labels of one cutoff: churn rows are persons active in the N days before it. */
async function labelledRows(
  store: Store,
  projectId: string,
  event: string,
  channels: string[],
  cutoff: Date,
  days: number,
  target: PropensityTarget,
  sample: number,
): Promise<Rows> {
  const q = new QueryBuilder(store.dialect);
  const specs = featureSpecs(channels);
  const features = personFeaturesSql(q, { projectId, cutoff, event, channels, sample });
  const outcome = outcomeSql(q, projectId, event, cutoff, new Date(cutoff.getTime() + days * DAY_MS));
  const population = target === 'churn' ? `WHERE f.recency_days <= ${q.num(days)}` : '';
  const rows = await store.query<Record<string, number>>(
    q.build(`SELECT ${specs.map((s) => `f.${s.name} AS ${s.name}`).join(', ')}, coalesce(o.bought, 0) AS bought, coalesce(o.active, 0) AS active
FROM (${features}) AS f LEFT JOIN (${outcome}) AS o ON o.person_id = f.person_id ${population} ORDER BY f.person_id`),
  );
  return {
    x: rows.map((r) => specs.map((s) => Number(r[s.name] ?? 0))),
    y: rows.map((r) => (target === 'purchase' ? (Number(r.bought) > 0 ? 1 : 0) : Number(r.active) > 0 ? 0 : 1)),
  };
}

async function personsBefore(store: Store, projectId: string, cutoff: Date): Promise<number> {
  const q = new QueryBuilder(store.dialect);
  const [row] = await store.query<{ n: number }>(
    q.build(
      `SELECT count(DISTINCT person_id) AS n FROM events WHERE project_id = ${q.str(projectId)} AND timestamp < ${q.time(cutoff)} AND is_bot = 0`,
    ),
  );
  return Number(row?.n ?? 0);
}

const count = (y: number[]) => y.reduce((s, v) => s + v, 0);

/** SQL selecting person_id and p (the probability) for every person in the model's population at `at`. */
export function scoredPersonsSql(
  q: QueryBuilder,
  projectId: string,
  event: string,
  channels: string[],
  model: LinearModel,
  target: PropensityTarget,
  days: number,
  at: Date,
): string {
  const features = personFeaturesSql(q, { projectId, cutoff: at, event, channels });
  const population = target === 'churn' ? ` WHERE f.recency_days <= ${q.num(days)}` : '';
  return `SELECT f.person_id AS person_id, ${linearScoreSql(q, model, 'f')} AS p FROM (${features}) AS f${population}`;
}

/** Fits and evaluates one model (target × horizon); refuses below the minimum data. */
export async function fitPropensity(
  store: Store,
  projectId: string,
  /** `minExamples` lowers the refusal threshold for offline checks only; requests always use the default. */
  options: { event: string; days: number; target: PropensityTarget; asOf?: Date; top?: number; maxPersons?: number; minExamples?: number },
): Promise<PropensityModelResult & { channels: string[]; scoredAt: Date }> {
  const { event, days, target } = options;
  const range = await projectDataRange(store, projectId, { excludeBots: true });
  const end = options.asOf ?? range?.to ?? new Date();
  const holdoutCutoff = new Date(end.getTime() - days * DAY_MS);
  const trainCutoff = new Date(end.getTime() - 2 * days * DAY_MS);
  const minPos = options.minExamples ?? MIN_POSITIVES;
  const minNeg = options.minExamples ?? MIN_NEGATIVES;
  const minimum = { positives: minPos, negatives: minNeg, ga4: GA4_MIN_EXAMPLES, meetsGa4: false };
  const base = {
    target,
    days,
    minimum,
    cutoffs: { training: trainCutoff.toISOString(), holdout: holdoutCutoff.toISOString(), scored: end.toISOString() },
    coefficients: [],
    holdout: null,
    scored: null,
    top: [],
    channels: [] as string[],
    scoredAt: end,
  };
  const refuse = (reason: string, training = { persons: 0, positives: 0 }) => ({ ...base, status: 'refused' as const, reason, training });
  if (!range || trainCutoff.getTime() - range.from.getTime() < days * DAY_MS) {
    return refuse(
      `needs at least ${3 * days} days of data (N days of history before the training cutoff, then two N-day windows); the data covers ${range ? Math.floor((end.getTime() - range.from.getTime()) / DAY_MS) : 0} days`,
    );
  }
  const channels = await topChannels(store, projectId, trainCutoff);
  const specs = featureSpecs(channels);
  const known = await personsBefore(store, projectId, holdoutCutoff);
  const sample = Math.min(1, (options.maxPersons ?? 200_000) / Math.max(known, 1));
  const train = await labelledRows(store, projectId, event, channels, trainCutoff, days, target, sample);
  const hold = await labelledRows(store, projectId, event, channels, holdoutCutoff, days, target, sample);
  const trainPos = count(train.y);
  const holdPos = count(hold.y);
  const training = { persons: train.y.length, positives: trainPos };
  const short = dataShortfalls(train, hold, minPos, minNeg, target);
  minimum.meetsGa4 =
    Math.min(trainPos, holdPos) >= GA4_MIN_EXAMPLES && Math.min(train.y.length - trainPos, hold.y.length - holdPos) >= GA4_MIN_EXAMPLES;
  if (short.length) return refuse(`not enough data for a ${days}-day ${target} model: ${short.join('; ')}`, training);

  const fitted = fitLogistic(
    train.x,
    train.y,
    specs.map((s) => s.name),
  );
  const holdout = holdoutEvaluation(fitted, hold);
  // Refit on the freshest complete labels, then score everyone at the end of the data, in SQL.
  const model = fitLogistic(
    hold.x,
    hold.y,
    specs.map((s) => s.name),
  );
  const { summary, top } = await scoreAtEnd(store, projectId, { event, channels, model, target, days, end }, options.top ?? 20);
  return {
    ...base,
    status: 'ok',
    training,
    holdout,
    coefficients: specs
      .map((s, j) => ({ feature: s.name, label: s.label, weight: model.weights[j]!, oddsRatioPerSd: Math.exp(model.weights[j]!) }))
      .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)),
    scored: {
      persons: Number(summary?.n ?? 0),
      meanProbability: Number(summary?.mean_p ?? 0),
      expectedPositives: Number(summary?.sum_p ?? 0),
      decileThresholds: Array.from({ length: 9 }, (_, k) => Number(summary?.[`q${k + 1}`] ?? 0)),
    },
    top: top.map((r) => ({ personId: r.person_id, probability: Number(r.p) })),
    model,
    channels,
  };
}

type LabelledRows = Awaited<ReturnType<typeof labelledRows>>;

/** Why the training or holdout window is too small: too few positives or negatives in either. */
function dataShortfalls(train: LabelledRows, hold: LabelledRows, minPos: number, minNeg: number, target: PropensityTarget): string[] {
  const trainPos = count(train.y);
  const holdPos = count(hold.y);
  const short: string[] = [];
  for (const [name, rows, pos] of [
    ['training', train, trainPos],
    ['holdout', hold, holdPos],
  ] as const) {
    if (pos < minPos)
      short.push(`${name} window has ${pos} ${target === 'purchase' ? 'purchasers' : 'churned persons'} (minimum ${minPos})`);
    if (rows.y.length - pos < minNeg) short.push(`${name} window has ${rows.y.length - pos} negatives (minimum ${minNeg})`);
  }
  return short;
}

/** The model fitted on the training window, checked on the holdout window: AUC, calibration and lift by decile. */
function holdoutEvaluation(fitted: ReturnType<typeof fitLogistic>, hold: LabelledRows): NonNullable<PropensityModelResult['holdout']> {
  const holdPos = count(hold.y);
  const p = hold.x.map((row) => predictLogistic(fitted, row));
  return {
    persons: hold.y.length,
    positives: holdPos,
    baseRate: holdPos / hold.y.length,
    auc: auc(p, hold.y),
    calibration: calibrationTable(p, hold.y),
    lift: liftByDecile(p, hold.y),
  };
}

/** Everyone scored in SQL at the end of the data: the count, mean, expected positives and decile thresholds, and the top persons. */
async function scoreAtEnd(
  store: Store,
  projectId: string,
  m: { event: string; channels: string[]; model: ReturnType<typeof fitLogistic>; target: PropensityTarget; days: number; end: Date },
  topN: number,
): Promise<{ summary: Record<string, number> | undefined; top: Array<{ person_id: string; p: number }> }> {
  const { event, channels, model, target, days, end } = m;
  const q = new QueryBuilder(store.dialect);
  const scoredSql = scoredPersonsSql(q, projectId, event, channels, model, target, days, end);
  const probs = Array.from({ length: 9 }, (_, k) => `${store.dialect.quantile('s.p', (k + 1) / 10)} AS q${k + 1}`);
  const [summary] = await store.query<Record<string, number>>(
    q.build(`SELECT count(*) AS n, avg(s.p) AS mean_p, sum(s.p) AS sum_p, ${probs.join(', ')} FROM (${scoredSql}) AS s`),
  );
  const tq = new QueryBuilder(store.dialect);
  const top =
    topN > 0
      ? await store.query<{ person_id: string; p: number }>(
          tq.build(
            `SELECT person_id, p FROM (${scoredPersonsSql(tq, projectId, event, channels, model, target, days, end)}) AS s ORDER BY p DESC, person_id LIMIT ${tq.num(topN)}`,
          ),
        )
      : [];
  return { summary, top };
}

export async function computePropensity(store: Store, projectId: string, input: PropensityInput): Promise<PropensityResult> {
  const range = await projectDataRange(store, projectId, { excludeBots: true });
  const models: PropensityModelResult[] = [];
  for (const target of input.targets) {
    for (const days of input.days) {
      const {
        channels: _c,
        scoredAt: _s,
        model: _m,
        ...result
      } = await fitPropensity(store, projectId, {
        event: input.event,
        days,
        target,
        asOf: input.asOf,
        top: input.top,
        maxPersons: input.maxPersons,
      });
      models.push(result);
    }
  }
  if (models.every((m) => m.status === 'refused')) throw new InsufficientDataError(models.map((m) => m.reason).join('. '));
  return { event: input.event, dataStart: range?.from.toISOString() ?? null, dataEnd: range?.to.toISOString() ?? null, models };
}

export const propensityAnalysis = defineAnalysis({
  id: 'propensity',
  command: 'predict propensity',
  path: '/api/v1/predictions/propensity',
  summary:
    'Probability of a purchase and of churn in the next N days for every known person, with a time-split holdout (AUC, calibration, lift by decile)',
  access: 'read',
  input: propensityInputSchema,
  scoped: false,
  run: ({ store, project }, input) => computePropensity(store, project.id, input),
});
