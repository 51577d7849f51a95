/**
 * The "propensity" audience source (registered from src/audiences/model-sources.ts, outside the
 * analysis module, so the registry and the audience SQL do not import each other).
 */
import { z } from 'zod';
import { registerModelAudienceSource } from '../audiences/members.ts';
import { ORDER_EVENT } from '../scope/scope.ts';
import { fitPropensity, InsufficientDataError, scoredPersonsSql } from './propensity.ts';

/**
 * Audience source "propensity": persons in the given score deciles (1 = the highest tenth) or
 * above a probability, e.g. { target: "purchase", days: 30, deciles: [1, 2] }. The model is
 * refitted at each evaluation, so the audience follows the data.
 */
const propensitySourceSchema = z.object({
  event: z.string().default(ORDER_EVENT),
  target: z.enum(['purchase', 'churn']).default('purchase'),
  days: z.number().int().min(1).max(180).default(30),
  deciles: z.array(z.number().int().min(1).max(10)).min(1).optional(),
  minProbability: z.number().min(0).max(1).optional(),
});

registerModelAudienceSource(
  'propensity',
  async (store, q, projectId, params) => {
    const o = propensitySourceSchema.parse(params);
    const fit = await fitPropensity(store, projectId, { event: o.event, days: o.days, target: o.target, top: 0 });
    if (fit.status !== 'ok' || !fit.model || !fit.scored) throw new InsufficientDataError(fit.reason ?? 'propensity model unavailable');
    const t = fit.scored.decileThresholds; // ascending q10..q90
    const conditions: string[] = [];
    for (const decile of o.deciles ?? []) {
      const lo = decile === 10 ? null : t[9 - decile]!;
      const hi = decile === 1 ? null : t[10 - decile]!;
      conditions.push(
        `(${[lo === null ? '' : `s.p >= ${q.param(lo, 'Float64')}`, hi === null ? '' : `s.p < ${q.param(hi, 'Float64')}`].filter(Boolean).join(' AND ') || '1 = 1'})`,
      );
    }
    const where = [
      conditions.length ? `(${conditions.join(' OR ')})` : '',
      o.minProbability !== undefined ? `s.p >= ${q.param(o.minProbability, 'Float64')}` : '',
    ].filter(Boolean);
    return `SELECT DISTINCT person_id FROM (${scoredPersonsSql(q, projectId, o.event, fit.channels, fit.model, o.target, o.days, fit.scoredAt)}) AS s${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
  },
  propensitySourceSchema,
);
