/**
 * The SQL of an audience's members: one column `person_id`, distinct. Drill-down lists and saved
 * audiences both go through here, so a list always has exactly as many people as its number.
 */
import { analysisById } from '../registry/analyses.ts';
import { analysisBodySchema } from '../registry/run.ts';
import {
  optionalRangeScopeSchema,
  resolveScopeWithDefaults,
  resolveScope,
  segmentPersonsSql,
  ScopeError,
  type AnalysisScope,
} from '../scope/scope.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { ZodError, type ZodType } from 'zod';
import type { AudienceSource } from './definition.ts';

/** A model-driven audience source (propensity decile, uplift segment …), registered by its module. */
export type ModelAudienceSource = (store: Store, q: QueryBuilder, projectId: string, params: Record<string, unknown>) => Promise<string>;
const modelSources = new Map<string, ModelAudienceSource>();
const modelParams = new Map<string, ZodType>();
/** `params`, when given, is checked when an audience is saved, so a wrong parameter is refused then rather than at its first evaluation. */
export function registerModelAudienceSource(model: string, source: ModelAudienceSource, params?: ZodType): void {
  modelSources.set(model, source);
  if (params) modelParams.set(model, params);
}

/**
 * Refuses, when an audience is saved, a source that could never be evaluated: an unknown model, its
 * parameters (errors name `source.params.…`), a persona that does not exist, an unknown analysis.
 */
export async function validateAudienceSource(store: Store, projectId: string, source: AudienceSource): Promise<void> {
  if (source.kind === 'model') {
    if (!modelSources.has(source.model))
      throw new ScopeError(`source.model: no audience model "${source.model}" (known: ${[...modelSources.keys()].sort().join(', ')})`);
    const checked = modelParams.get(source.model)?.safeParse(source.params);
    if (checked && !checked.success) throw new ZodError(checked.error.issues.map((i) => ({ ...i, path: ['source', 'params', ...i.path] })));
  } else if (source.kind === 'persona') {
    await resolveScope(store, projectId, { from: new Date(0), to: new Date(8640000000000000), persona: source.persona });
  } else if (source.kind === 'analysis') {
    const analysis = analysisById(source.analysis);
    if (!analysis?.people) throw new ScopeError(`source.analysis: "${source.analysis}" is not an analysis with a drill-down`);
  }
}

/** SQL selecting `person_id` of the audience's members, built on `q` (its parameters travel with it). */
export async function audienceMembersSql(store: Store, q: QueryBuilder, projectId: string, source: AudienceSource): Promise<string> {
  switch (source.kind) {
    case 'analysis': {
      const analysis = analysisById(source.analysis);
      if (!analysis) throw new ScopeError(`analysis: no analysis "${source.analysis}"`);
      if (!analysis.people) throw new ScopeError(`analysis: "${source.analysis}" has no drill-down`);
      const input = analysisBodySchema(analysis).parse(source.input ?? {}) as ReturnType<typeof optionalRangeScopeSchema.parse>;
      const scope: AnalysisScope = await resolveScopeWithDefaults(store, projectId, input, analysis.defaultPeriod ?? 'recent');
      const selection = analysis.people.selection.parse(source.selection);
      return `SELECT DISTINCT person_id FROM (${await analysis.people.sql(q, scope, input as never, selection as never, { store })}) AS members`;
    }
    case 'segment':
      return `SELECT DISTINCT person_id FROM persons WHERE project_id = ${q.str(projectId)} AND (${segmentPersonsSql(q, projectId, source.segment)})`;
    case 'persona': {
      const scope = await resolveScope(store, projectId, { from: new Date(0), to: new Date(8640000000000000), persona: source.persona });
      // Everyone seen (anonymous visitors too), as the persona's size counts them (journeys/personas.ts personaSize).
      return `SELECT DISTINCT person_id FROM events WHERE project_id = ${q.str(projectId)} AND is_bot = 0 AND (${segmentPersonsSql(q, projectId, scope.segment!)})`;
    }
    case 'model': {
      const model = modelSources.get(source.model);
      if (!model) throw new ScopeError(`model: no audience model "${source.model}"`);
      return model(store, q, projectId, source.params);
    }
  }
}
