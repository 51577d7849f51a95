/**
 * Experiments (A/B tests) as documents (kind "experiment"). The document id is the
 * `experiment_id` that `Experiment Viewed` events carry, so events and configuration meet by id.
 */
import { z } from 'zod';
import { ORDER_EVENT } from '../scope/scope.ts';
import { deleteDocument, getDocument, listDocuments, putDocument } from '../store/documents.ts';
import type { Store } from '../store/store.ts';

const KIND = 'experiment';
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const metricSchema = z
  .object({
    name: z.string().min(1),
    /** conversion: did the event within the window; revenue: Σ revenue of the event; count: number of events. */
    kind: z.enum(['conversion', 'revenue', 'count']),
    event: z.string().min(1).default(ORDER_EVENT),
    /** Days after the person's first exposure that count, default 14. */
    windowDays: z.number().positive().default(14),
    /** A metric that must not get worse; reported, not the goal. */
    guardrail: z.boolean().default(false),
    /** Lower is better (e.g. refunds). */
    inverse: z.boolean().default(false),
    /** CUPED: the same metric over this many days before the first exposure as covariate. */
    cupedPreDays: z.number().positive().optional(),
  })
  .strict();
export type MetricSpec = z.output<typeof metricSchema>;

export const experimentInputSchema = z
  .object({
    /** The experiment_id of the Experiment Viewed events. */
    id: z.string().min(1),
    name: z.string().default(''),
    description: z.string().default(''),
    /** The first variation is the control; ids as sent in variation_id. */
    variations: z.array(z.object({ id: z.string().min(1), name: z.string().default(''), weight: z.number().positive() })).min(2),
    metrics: z.array(metricSchema).min(1),
    method: z.enum(['frequentist', 'bayesian', 'sequential']).default('frequentist'),
    alpha: z.number().gt(0).lt(1).default(0.05),
    /** Correction of p-values across metrics (and treatments). */
    correction: z.enum(['none', 'holm-bonferroni', 'benjamini-hochberg']).default('holm-bonferroni'),
    /** Only exposures on these days count (inclusive), default all. */
    start: isoDay.optional(),
    end: isoDay.optional(),
  })
  .superRefine((v, ctx) => {
    const ids = v.variations.map((x) => x.id);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['variations'], message: 'variation ids must be unique' });
    const names = v.metrics.map((m) => m.name);
    if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', path: ['metrics'], message: 'metric names must be unique' });
    if (v.start && v.end && v.end < v.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'must not be before start' });
  });

export type ExperimentInput = z.input<typeof experimentInputSchema>;

export interface Experiment extends z.output<typeof experimentInputSchema> {
  createdAt: string;
  updatedAt: string;
}

export async function saveExperiment(store: Store, projectId: string, input: ExperimentInput): Promise<Experiment> {
  const fields = experimentInputSchema.parse(input);
  const existing = await getExperiment(store, projectId, fields.id);
  const now = new Date().toISOString();
  const experiment: Experiment = { ...fields, createdAt: existing?.createdAt ?? now, updatedAt: now };
  await putDocument(store, KIND, projectId, fields.id, experiment);
  return experiment;
}

export async function listExperiments(store: Store, projectId: string): Promise<Experiment[]> {
  return (await listDocuments<Experiment>(store, KIND, projectId)).map((d) => d.body);
}

export async function getExperiment(store: Store, projectId: string, id: string): Promise<Experiment | undefined> {
  return getDocument<Experiment>(store, KIND, projectId, id);
}

export async function removeExperiment(store: Store, projectId: string, id: string): Promise<boolean> {
  if (!(await getExperiment(store, projectId, id))) return false;
  await deleteDocument(store, KIND, projectId, id);
  return true;
}
