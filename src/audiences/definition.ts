/**
 * The audience object, shared by the dashboard's drill-down ("the people behind this number")
 * and activation (saved audiences, exports, webhooks). An audience is a named, saved definition
 * of a set of persons; its members are always computed in the database, by the same scope and
 * filter code as the number it came from.
 *
 * Sources:
 * - `analysis`: the persons behind one number of a registered analysis (drill-down): the
 *   analysis id, its request body (scope included) and the analysis's own `selection`;
 * - `segment`: an inline rule segment (the scope module's segment language);
 * - `persona`: a saved persona, by id or name;
 * - `model`: a model-driven list (propensity decile, uplift segment, discovered persona …)
 *   whose `kind`s are registered by the predictions module (see `members.ts`).
 */
import { z } from 'zod';
import { segmentSchema } from '../scope/scope.ts';

export const audienceSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('analysis'),
    /** A registry id, e.g. "funnel". */
    analysis: z.string().min(1),
    /** The analysis's request body, scope fields included (as sent to its route). */
    input: z.record(z.string(), z.unknown()).default({}),
    /** Which number: the analysis's own selection schema (e.g. { step: 2, outcome: "dropped" }). */
    selection: z.unknown(),
  }),
  z.object({ kind: z.literal('segment'), segment: segmentSchema }),
  z.object({ kind: z.literal('persona'), persona: z.string().min(1) }),
  z.object({
    kind: z.literal('model'),
    /** e.g. "propensity", "uplift", "discovered-persona"; resolved by a registered model source. */
    model: z.string().min(1),
    params: z.record(z.string(), z.unknown()).default({}),
  }),
]);
export type AudienceSource = z.infer<typeof audienceSourceSchema>;

export const audienceInputSchema = z.object({
  name: z.string().min(1).max(120),
  description: z.string().max(2000).optional(),
  source: audienceSourceSchema,
  /** How often membership is re-evaluated (activation); absent: on demand only. */
  refreshMinutes: z
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .optional(),
});
export type AudienceInput = z.input<typeof audienceInputSchema>;
export type AudienceBody = z.output<typeof audienceInputSchema>;

export interface Audience extends AudienceBody {
  id: string;
  projectId: string;
}

/** Document kind under which audiences are stored (src/store/documents.ts). */
export const AUDIENCE_KIND = 'audience';
