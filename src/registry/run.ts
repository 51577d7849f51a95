/**
 * Running a registered analysis: parse the body once (scope fields + the analysis's own), resolve
 * the scope with the one default rule, and call `run`. Used by the API routes and by the CLI's
 * local runs, so both give the same answer for the same body.
 */
import { z } from 'zod';
import type { Project } from '../projects/projects.ts';
import { optionalRangeScopeSchema, resolveScopeWithDefaults } from '../scope/scope.ts';
import type { Store } from '../store/store.ts';
import type { AnyAnalysis } from './define.ts';

const bodySchemas = new WeakMap<AnyAnalysis, z.ZodObject>();

/** The request body of an analysis: its own fields and the scope fields, from/to optional. */
export function analysisBodySchema(analysis: AnyAnalysis): z.ZodObject {
  let schema = bodySchemas.get(analysis);
  if (!schema) {
    schema = analysis.scoped === false ? analysis.input : optionalRangeScopeSchema.extend(analysis.input.shape);
    bodySchemas.set(analysis, schema);
  }
  return schema;
}

export async function runAnalysisRequest(store: Store, project: Project, analysis: AnyAnalysis, body: unknown): Promise<unknown> {
  const input = analysisBodySchema(analysis).parse(body ?? {}) as z.output<typeof optionalRangeScopeSchema>;
  const scope = await resolveScopeWithDefaults(store, project.id, input, analysis.defaultPeriod ?? 'recent');
  return analysis.run({ store, project, scope }, input as never);
}
