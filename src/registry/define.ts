/**
 * One definition per analysis. An analysis module exports `defineAnalysis({...})` and the list in
 * `registry/analyses.ts` names it once; from that one entry Waymark derives:
 * - the API route (POST `path`), with the project resolved once and the input parsed once;
 * - its OpenAPI operation (summary and body schema);
 * - the viewer allowlist (`access: 'read'` routes are open to viewers);
 * - the CLI command, for local and `--server` runs (options derived from the input schema unless
 *   a hand-written adapter in `src/cli/analysis-adapters/` gives nicer flags and a table);
 * - the dashboard's typed calls (web/src/api imports the input and output types).
 *
 * The input schema holds only the analysis's own fields: the scope fields (from, to, channels,
 * segment, persona) are added by the registry, optional everywhere, and a missing bound follows
 * one rule (`scope/defaults.ts`).
 */
import type { z } from 'zod';
import type { Project } from '../projects/projects.ts';
import type { AnalysisScope } from '../scope/scope.ts';
import type { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import type { DefaultPeriod } from '../scope/defaults.ts';

/** Who may run it: `read` analyses are open to viewers; `write` ones (they store something) are not. */
export type Access = 'read' | 'write';

export interface RunContext {
  store: Store;
  project: Project;
  /** The resolved scope: project, range (defaults applied), channel and person filters. */
  scope: AnalysisScope;
}

/**
 * The people behind one number of an analysis (drill-down): SQL selecting `person_id` (one
 * column, distinct persons) built with the same scope and filter code as the number itself.
 * `selection` says which number (a funnel step, a journey cell, a retention cell …), as the
 * analysis's own `selection` schema defines it.
 */
export type PeopleSql<I, S> = (
  q: QueryBuilder,
  scope: AnalysisScope,
  input: I,
  selection: S,
  ctx: { store: Store },
) => string | Promise<string>;

export interface AnalysisDefinition<Shape extends z.ZodRawShape = z.ZodRawShape, Output = unknown, Selection = unknown> {
  /** Stable id, used by the CLI command name (unless `command` is set), audiences and drill-down. */
  id: string;
  /** The POST route, e.g. `/api/v1/funnels`. */
  path: string;
  /** One line for the OpenAPI document and `--help`. */
  summary: string;
  access: Access;
  /** The analysis's own input fields (without scope fields), as a zod object. */
  input: z.ZodObject<Shape>;
  /** The period a request without from/to covers. */
  defaultPeriod?: DefaultPeriod;
  /** Analyses that do not read events in a range (e.g. models over all history) may skip the scope. */
  scoped?: boolean;
  /** CLI command name (words separated by spaces for subcommands, e.g. "funnel drivers"). Default: id. */
  command?: string;
  run(ctx: RunContext, input: z.output<z.ZodObject<Shape>>): Promise<Output>;
  /** Drill-down: the schema of a selection and the SQL of the persons behind it. */
  people?: {
    selection: z.ZodType<Selection>;
    /** May read stored definitions (a journey, personas) through `ctx.store` before building the SQL. */
    sql(
      q: QueryBuilder,
      scope: AnalysisScope,
      input: z.output<z.ZodObject<Shape>>,
      selection: Selection,
      ctx: { store: Store },
    ): string | Promise<string>;
  };
}

/** Any definition, with its types erased (the registry's list). */
export interface AnyAnalysis {
  id: string;
  path: string;
  summary: string;
  access: Access;
  input: z.ZodObject;
  defaultPeriod?: DefaultPeriod;
  scoped?: boolean;
  command?: string;
  // Method syntax: parameters are compared bivariantly, so every typed definition fits here.
  run(ctx: RunContext, input: never): Promise<unknown>;
  people?: {
    selection: z.ZodType;
    sql(q: QueryBuilder, scope: AnalysisScope, input: never, selection: never, ctx: { store: Store }): string | Promise<string>;
  };
}

/** Identity function that keeps the input/output types of one analysis definition. */
export function defineAnalysis<Shape extends z.ZodRawShape, Output, Selection = never>(
  definition: AnalysisDefinition<Shape, Output, Selection>,
): AnalysisDefinition<Shape, Output, Selection> {
  return definition;
}

export type AnalysisInput<A> = A extends AnalysisDefinition<infer S, unknown, unknown> ? z.input<z.ZodObject<S>> : never;
export type AnalysisOutput<A> = A extends AnalysisDefinition<z.ZodRawShape, infer O, unknown> ? O : never;
