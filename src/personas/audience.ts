/**
 * The "discovered-persona" audience source: { model, cluster } from a discovery result; persons
 * are assigned to the nearest centroid in SQL at each evaluation, on their current behaviour.
 */
import { z } from 'zod';
import { registerModelAudienceSource } from '../audiences/members.ts';
import { projectDataRange } from '../scope/scope.ts';
import { discoveredPersonaMembersSql, type PersonaModel } from './discover.ts';

const paramsSchema = z.object({
  model: z.object({
    cutoff: z.string(),
    channels: z.array(z.string()),
    categories: z.array(z.string()),
    features: z.array(z.string()),
    means: z.array(z.number()),
    sds: z.array(z.number()),
    centroids: z.array(z.array(z.number())).min(2),
  }),
  cluster: z.number().int().min(0),
});

registerModelAudienceSource(
  'discovered-persona',
  async (store, q, projectId, params) => {
    const p = paramsSchema.parse(params);
    // Behaviour as of the end of the data, as when the model was fitted (recency is measured from there).
    const range = await projectDataRange(store, projectId, { excludeBots: true });
    return discoveredPersonaMembersSql(q, projectId, p.model as PersonaModel, p.cluster, range?.to ?? new Date());
  },
  paramsSchema,
);
