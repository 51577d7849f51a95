/**
 * The "experiment-variation" audience source: the persons an experiment report counts in one
 * variation, { experiment, variation }, over the experiment's configured days (all exposures for
 * an experiment seen in the data but not configured). Registered from audiences/model-sources.ts.
 */
import { z } from 'zod';
import { registerModelAudienceSource } from '../audiences/members.ts';
import { exposureWindow } from './experiment-report.ts';
import { getExperiment } from './experiments.ts';
import { variationPersonsSql } from './exposures.ts';

const paramsSchema = z.object({ experiment: z.string().min(1), variation: z.string() });

registerModelAudienceSource('experiment-variation', async (store, q, projectId, params) => {
  const p = paramsSchema.parse(params);
  const experiment = (await getExperiment(store, projectId, p.experiment)) ?? { id: p.experiment };
  return variationPersonsSql(q, exposureWindow(projectId, experiment), p.variation);
});
