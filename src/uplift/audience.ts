/**
 * The "uplift" audience source: exposed persons of an experiment in one uplift segment of one
 * treatment, e.g. { experiment: "welcome-offer", variation: "1", segment: "persuadables" }.
 * The model is refitted at each evaluation.
 */
import { z } from 'zod';
import { registerModelAudienceSource } from '../audiences/members.ts';
import { predictLogistic } from '../predictions/logistic.ts';
import { fitExperimentUplift, segmentOf, upliftInputSchema } from './uplift.ts';

const paramsSchema = upliftInputSchema.extend({
  variation: z.string().optional(),
  segment: z.enum(['persuadables', 'sure-things', 'lost-causes', 'sleeping-dogs']).default('persuadables'),
});

registerModelAudienceSource(
  'uplift',
  async (store, q, projectId, params) => {
    const p = paramsSchema.parse(params);
    const fitted = await fitExperimentUplift(store, projectId, { ...p, top: 0 });
    const variation = p.variation ?? fitted.result.treatments[0]!.variation;
    const model = fitted.models.get(variation);
    if (!model) throw new Error(`variation: "${variation}" is not a treatment of "${p.experiment}"`);
    const ids = fitted.rows
      .filter((r) => segmentOf(model.predict(r.x), predictLogistic(model.mu0, r.x), p.segmentThreshold) === p.segment)
      .map((r) => r.personId);
    return `SELECT DISTINCT person_id FROM events WHERE project_id = ${q.str(projectId)} AND ${q.d.inArray('person_id', q.list(ids))}`;
  },
  paramsSchema,
);
