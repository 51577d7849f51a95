/**
 * Initiatives: journey changes with a ship date, a cost and a target KPI, stored as documents
 * (kind "initiative"). The report (initiative-report.ts) estimates their causal lift and ROI.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { segmentSchema } from '../scope/scope.ts';
import { deleteDocument, getDocument, listDocuments, putDocument } from '../store/documents.ts';
import type { Store } from '../store/store.ts';

const KIND = 'initiative';
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** Named KPIs, or a funnel step given as two event names. */
export const kpiSchema = z.union([
  z.enum(['checkout_conversion', 'conversion_rate', 'revenue_per_visitor', 'aov', 'repeat_rate', 'csat']),
  z.object({
    kind: z.literal('step'),
    from: z.string().min(1),
    to: z.string().min(1),
    /** The second event must follow the first within this many hours (same person), default 24. */
    windowHours: z.number().positive().default(24),
  }),
]);
export type KpiSpec = z.infer<typeof kpiSchema>;

/** A group of units by a person attribute: region and channel are shorthands. */
const unitDimension = {
  by: z.enum(['region', 'channel', 'trait']),
  /** The trait name when by = trait (region is the trait "region"). */
  trait: z.string().min(1).optional(),
};

/**
 * Who the change did not reach. Region/trait: the person's latest value of that trait; channel:
 * the person's first-touch channel; segment/persona: the matching persons are the control.
 */
export const controlSchema = z.discriminatedUnion('by', [
  z.object({
    ...unitDimension,
    by: z.enum(['region', 'channel', 'trait']),
    values: z.array(z.string().min(1)).min(1),
    treated: z.array(z.string().min(1)).optional(),
  }),
  z.object({ by: z.literal('segment'), segment: segmentSchema }),
  z.object({ by: z.literal('persona'), persona: z.string().min(1) }),
]);
export type ControlSpec = z.infer<typeof controlSchema>;

/** The units the change reached, when no control is named: every other value is an untreated unit. */
export const treatedSchema = z.object({ ...unitDimension, values: z.array(z.string().min(1)).min(1) });
export type TreatedSpec = z.infer<typeof treatedSchema>;

/**
 * A staggered rollout: the change reached groups of units (regions, first-touch channels or values
 * of a trait) in waves, each on its own date. Units in no wave are never treated; `never` narrows
 * them to the listed values (default: every other value).
 */
export const rolloutSchema = z.object({
  ...unitDimension,
  waves: z
    .array(z.object({ shippedAt: isoDay, values: z.array(z.string().min(1)).min(1) }))
    .min(1)
    .describe('each wave: the first day it was live and the units it reached'),
  never: z.array(z.string().min(1)).optional(),
  /** Days of each wave's window before its ship date (stacked DiD), default 28. */
  preDays: z.number().int().min(2).optional(),
});
export type RolloutSpec = z.infer<typeof rolloutSchema>;

export const initiativeInputSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().default(''),
    /** Journey stage or touchpoint the change affects (free text, e.g. "purchase", "checkout page"). */
    stage: z.string().default(''),
    touchpoint: z.string().default(''),
    /** First day the change was live (start of the rollout). */
    shippedAt: isoDay,
    /** Last day of a gradual rollout: days from shippedAt to rolloutEnd are left out of the analysis. */
    rolloutEnd: isoDay.optional(),
    /** Analysis window: pre-period start (default 180 days before ship, within the data) and post-period end (default: last day of data). */
    preStart: isoDay.optional(),
    postEnd: isoDay.optional(),
    cost: z.object({ oneOff: z.number().min(0).default(0), perMonth: z.number().min(0).default(0) }).default({ oneOff: 0, perMonth: 0 }),
    kpi: kpiSchema,
    control: controlSchema.optional(),
    treated: treatedSchema.optional(),
    /** Waves of a staggered rollout (then shippedAt is the first wave's date). */
    rollout: rolloutSchema.optional(),
    method: z.enum(['auto', 'did', 'forecast', 'synthetic_control', 'staggered']).default('auto'),
  })
  .superRefine((v, ctx) => {
    if (v.rolloutEnd && v.rolloutEnd < v.shippedAt)
      ctx.addIssue({ code: 'custom', path: ['rolloutEnd'], message: 'must not be before shippedAt' });
    if (v.postEnd && v.postEnd < (v.rolloutEnd ?? v.shippedAt))
      ctx.addIssue({ code: 'custom', path: ['postEnd'], message: 'must not be before the post-period starts' });
    if (v.preStart && v.preStart >= v.shippedAt) ctx.addIssue({ code: 'custom', path: ['preStart'], message: 'must be before shippedAt' });
    for (const [key, spec] of [
      ['control', v.control],
      ['treated', v.treated],
    ] as const) {
      if (spec && 'values' in spec && spec.by === 'trait' && !spec.trait)
        ctx.addIssue({ code: 'custom', path: [key, 'trait'], message: 'required when by = trait' });
    }
    if (v.control && v.treated)
      ctx.addIssue({ code: 'custom', path: ['treated'], message: 'give either control (with optional control.treated) or treated' });
    if (v.rollout) {
      const r = v.rollout;
      if (v.control || v.treated)
        ctx.addIssue({
          code: 'custom',
          path: ['rollout'],
          message: 'a staggered rollout names its units itself: give no control or treated',
        });
      if (r.by === 'trait' && !r.trait) ctx.addIssue({ code: 'custom', path: ['rollout', 'trait'], message: 'required when by = trait' });
      const first = [...r.waves.map((w) => w.shippedAt)].sort()[0]!;
      if (first !== v.shippedAt) ctx.addIssue({ code: 'custom', path: ['shippedAt'], message: `must be the first wave's date (${first})` });
      const seen = new Set<string>();
      r.waves.forEach((w, i) => {
        for (const value of w.values) {
          if (seen.has(value))
            ctx.addIssue({ code: 'custom', path: ['rollout', 'waves', i, 'values'], message: `"${value}" is in two waves` });
          seen.add(value);
        }
      });
      for (const value of r.never ?? [])
        if (seen.has(value)) ctx.addIssue({ code: 'custom', path: ['rollout', 'never'], message: `"${value}" is also in a wave` });
      if (v.rolloutEnd)
        ctx.addIssue({ code: 'custom', path: ['rolloutEnd'], message: 'a staggered rollout gives each wave its own date instead' });
    }
    if (v.method === 'staggered' && !v.rollout)
      ctx.addIssue({ code: 'custom', path: ['rollout'], message: 'required when method = staggered' });
  });

export type InitiativeInput = z.input<typeof initiativeInputSchema>;
export type InitiativeFields = z.output<typeof initiativeInputSchema>;

export interface Initiative extends InitiativeFields {
  id: string;
  createdAt: string;
  updatedAt: string;
}

export async function createInitiative(
  store: Store,
  projectId: string,
  input: InitiativeInput,
  id: string = randomUUID(),
): Promise<Initiative> {
  const fields = initiativeInputSchema.parse(input);
  const now = new Date().toISOString();
  const initiative: Initiative = { ...fields, id, createdAt: now, updatedAt: now };
  await putDocument(store, KIND, projectId, id, initiative);
  return initiative;
}

export async function listInitiatives(store: Store, projectId: string): Promise<Initiative[]> {
  const docs = await listDocuments<Initiative>(store, KIND, projectId);
  return docs.map((d) => d.body).sort((a, b) => a.shippedAt.localeCompare(b.shippedAt) || a.name.localeCompare(b.name));
}

export async function getInitiative(store: Store, projectId: string, id: string): Promise<Initiative | undefined> {
  return getDocument<Initiative>(store, KIND, projectId, id);
}

/** Replaces the fields of an existing initiative; undefined when there is none. */
export async function updateInitiative(
  store: Store,
  projectId: string,
  id: string,
  input: InitiativeInput,
): Promise<Initiative | undefined> {
  const existing = await getInitiative(store, projectId, id);
  if (!existing) return undefined;
  const fields = initiativeInputSchema.parse(input);
  const initiative: Initiative = { ...fields, id, createdAt: existing.createdAt, updatedAt: new Date().toISOString() };
  await putDocument(store, KIND, projectId, id, initiative);
  return initiative;
}

export async function removeInitiative(store: Store, projectId: string, id: string): Promise<boolean> {
  if (!(await getInitiative(store, projectId, id))) return false;
  await deleteDocument(store, KIND, projectId, id);
  return true;
}

/** A time-chart marker: the dashboard draws initiatives' ship dates on time charts. */
export interface Annotation {
  date: string;
  endDate?: string;
  kind: 'initiative';
  id: string;
  label: string;
  description: string;
}

export async function initiativeAnnotations(store: Store, projectId: string): Promise<Annotation[]> {
  return (await listInitiatives(store, projectId)).map((i) => {
    // A rollout in waves spans its first to its last wave.
    const lastWave = i.rollout
      ? i.rollout.waves
          .map((w) => w.shippedAt)
          .sort()
          .at(-1)
      : undefined;
    const endDate = i.rolloutEnd ?? (lastWave && lastWave !== i.shippedAt ? lastWave : undefined);
    return {
      date: i.shippedAt,
      ...(endDate ? { endDate } : {}),
      kind: 'initiative' as const,
      id: i.id,
      label: i.name,
      description: i.description,
    };
  });
}
