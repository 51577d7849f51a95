/**
 * What every analysis is scoped by: one project, a time range, and optional filters on channel
 * and on persons (a saved persona or an inline segment). Analyses read `scopedEvents(...)`
 * instead of the raw `events` view, so filters behave the same everywhere.
 */
import { z } from 'zod';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { defaultRange, type DefaultPeriod } from './defaults.ts';
import { BadRequestError } from '../errors.ts';
import { checkFilterValue, propertyFilterFields, propertyFilterSql } from './filters.ts';

/**
 * A condition on a person's traits in the shared property-filter language (scope/filters.ts):
 * `{ kind: 'trait', property: 'plan', op: 'eq', value: 'pro' }`. Segments saved before the
 * languages were merged name the trait `trait` (ops eq, neq, contains); they load as `property`.
 */
const traitRuleSchema = propertyFilterFields
  .extend({ kind: z.literal('trait'), property: z.string().min(1).optional(), trait: z.string().min(1).optional() })
  .superRefine((r, ctx) => {
    if (r.property === undefined && r.trait === undefined)
      ctx.addIssue({ code: 'custom', path: ['property'], message: 'a trait rule names its trait in property' });
    checkFilterValue(r, ctx);
  })
  .transform(({ trait, ...r }) => ({ ...r, property: r.property ?? trait! }));

/** One rule of a segment: a condition on a person's traits or behaviour. */
export const segmentRuleSchema = z.discriminatedUnion('kind', [
  traitRuleSchema,
  z.object({ kind: z.literal('first_channel'), channels: z.array(z.string()).min(1) }),
  z.object({ kind: z.literal('did_event'), event: z.string().min(1), minCount: z.number().int().min(1).default(1) }),
  z.object({ kind: z.literal('order_count'), op: z.enum(['gte', 'lte', 'eq']), value: z.number() }),
  z.object({ kind: z.literal('revenue'), op: z.enum(['gte', 'lte']), value: z.number() }),
  z.object({ kind: z.literal('survey_score'), survey: z.string().optional(), op: z.enum(['gte', 'lte']), value: z.number() }),
]);
export type SegmentRule = z.infer<typeof segmentRuleSchema>;

export const segmentSchema = z.object({
  match: z.enum(['all', 'any']).default('all'),
  rules: z.array(segmentRuleSchema).min(1),
});
export type Segment = z.infer<typeof segmentSchema>;

type TraitRule = Extract<SegmentRule, { kind: 'trait' }>;

/**
 * A trait rule as the filter language reads it, also when it comes from a stored persona,
 * audience or initiative written in the old shape (`trait` instead of `property`) and never parsed.
 */
function upgradeTraitRule(rule: TraitRule): TraitRule {
  if (!('trait' in rule)) return rule;
  const { trait, ...current } = rule as TraitRule & { trait?: string };
  return { ...current, property: current.property ?? trait! };
}

/** A segment with its trait rules in the current shape (for stored segments read without parsing). */
export function upgradeSegment(segment: Segment): Segment {
  if (!Array.isArray(segment?.rules)) return segment;
  return { ...segment, rules: segment.rules.map((r) => (r.kind === 'trait' ? upgradeTraitRule(r) : r)) };
}

export interface AnalysisScope {
  projectId: string;
  from: Date;
  to: Date;
  channels?: string[];
  segment?: Segment;
  /** Leave bot traffic out (default true). */
  excludeBots?: boolean;
}

export { ORDER_EVENT, SURVEY_EVENT } from './vocabulary.ts';
import { ORDER_EVENT, SURVEY_EVENT } from './vocabulary.ts';

/** SQL that selects the person_ids matching a segment, over all the project's history. */
export function segmentPersonsSql(q: QueryBuilder, projectId: string, segment: Segment): string {
  const d = q.d;
  const p = q.str(projectId);
  const conditions = segment.rules.map((rule): string => {
    switch (rule.kind) {
      case 'trait': {
        const cond = propertyFilterSql(q, upgradeTraitRule(rule), { json: 'traits', columns: false });
        return `person_id IN (SELECT person_id FROM persons WHERE project_id = ${p} AND ${cond})`;
      }
      case 'first_channel':
        return `person_id IN (SELECT person_id FROM (SELECT person_id, ${d.argMin('channel', 'timestamp')} AS first_channel FROM events WHERE project_id = ${p} AND channel <> '' GROUP BY person_id) AS fc WHERE ${d.inArray('first_channel', q.list(rule.channels))})`;
      case 'did_event':
        return `person_id IN (SELECT person_id FROM events WHERE project_id = ${p} AND event = ${q.str(rule.event)} GROUP BY person_id HAVING count(*) >= ${q.num(rule.minCount)})`;
      case 'order_count': {
        const op = { gte: '>=', lte: '<=', eq: '=' }[rule.op];
        return `person_id IN (SELECT person_id FROM events WHERE project_id = ${p} GROUP BY person_id HAVING ${d.countIf(`event = '${ORDER_EVENT}'`)} ${op} ${q.num(rule.value)})`;
      }
      case 'revenue': {
        const op = rule.op === 'gte' ? '>=' : '<=';
        return `person_id IN (SELECT person_id FROM events WHERE project_id = ${p} GROUP BY person_id HAVING ${d.sumIf('coalesce(revenue, 0)', `event = '${ORDER_EVENT}'`)} ${op} ${q.num(rule.value)})`;
      }
      case 'survey_score': {
        const op = rule.op === 'gte' ? '>=' : '<=';
        const survey = rule.survey ? ` AND ${d.jsonString('properties', ['survey'])} = ${q.str(rule.survey)}` : '';
        return `person_id IN (SELECT person_id FROM events WHERE project_id = ${p} AND event = '${SURVEY_EVENT}'${survey} GROUP BY person_id HAVING avg(${d.jsonNumber('properties', ['score'])}) ${op} ${q.num(rule.value)})`;
      }
    }
  });
  return conditions.map((c) => `(${c})`).join(segment.match === 'all' ? ' AND ' : ' OR ');
}

/**
 * A subquery of the project's events in scope (time range inclusive of `from`, exclusive of `to`).
 * `extraWhere` adds analysis-specific conditions. Use as `FROM ${scopedEvents(q, scope)} AS e`.
 */
export function scopedEvents(
  q: QueryBuilder,
  scope: AnalysisScope,
  options: { ignoreTimeRange?: boolean; extraWhere?: string[] } = {},
): string {
  const where = [`project_id = ${q.str(scope.projectId)}`];
  if (!options.ignoreTimeRange) where.push(`timestamp >= ${q.time(scope.from)}`, `timestamp < ${q.time(scope.to)}`);
  if (scope.excludeBots !== false) where.push('is_bot = 0');
  // A channel filter keeps the persons reached through those channels, with all their events,
  // so conversions (which carry no channel of their own) stay in the picture.
  if (scope.channels && scope.channels.length > 0) {
    where.push(
      `person_id IN (SELECT person_id FROM events WHERE project_id = ${q.str(scope.projectId)} AND ${q.d.inArray('channel', q.list(scope.channels))})`,
    );
  }
  if (scope.segment) where.push(`(${segmentPersonsSql(q, scope.projectId, scope.segment)})`);
  where.push(...(options.extraWhere ?? []));
  return `(SELECT * FROM events WHERE ${where.join(' AND ')})`;
}

/** The shared request fields of every analysis endpoint and command. */
export const scopeInputSchema = z.object({
  from: z.coerce.date(),
  to: z.coerce.date(),
  channels: z.array(z.string()).optional(),
  segment: segmentSchema.optional(),
  persona: z.string().optional(),
});

export type ScopeInput = z.infer<typeof scopeInputSchema>;

/**
 * Turns request fields into an AnalysisScope: a saved persona (document kind "persona" with a
 * `segment` body) is looked up by id or name; an inline segment is used as given.
 */
export async function resolveScope(store: Store, projectId: string, input: ScopeInput): Promise<AnalysisScope> {
  if (input.to.getTime() <= input.from.getTime()) throw new ScopeError('to: the date range must end after it starts');
  let segment = input.segment;
  if (input.persona) {
    const { listDocuments } = await import('../store/documents.ts');
    const personas = await listDocuments<{ name?: string; segment: Segment }>(store, 'persona', projectId);
    const found = personas.find((p) => p.id === input.persona || p.body.name === input.persona);
    if (!found) throw new ScopeError(`persona: no persona "${input.persona}"`);
    segment = found.body.segment;
  }
  return { projectId, from: input.from, to: input.to, channels: input.channels, segment };
}

/**
 * The project's data range, the default period of commands and requests without from/to: the
 * first event to one millisecond past the last (`to` is exclusive). Null without events.
 */
export async function projectDataRange(
  store: Store,
  projectId: string,
  options: { excludeBots?: boolean } = {},
): Promise<{ from: Date; to: Date } | null> {
  const q = new QueryBuilder(store.dialect);
  const bots = options.excludeBots ? ' AND is_bot = 0' : '';
  const [row] = await store.query<{ first_ts: string | null; last_ts: string | null; n: number }>(
    q.build(
      `SELECT min(timestamp) AS first_ts, max(timestamp) AS last_ts, count(*) AS n FROM events WHERE project_id = ${q.str(projectId)}${bots}`,
    ),
  );
  if (!row || !Number(row.n) || !row.first_ts || !row.last_ts) return null;
  return { from: new Date(row.first_ts), to: new Date(Date.parse(row.last_ts) + 1) };
}

/** Scope fields with from/to optional: a missing bound defaults to the project's data range. */
export const optionalRangeScopeSchema = scopeInputSchema.extend({ from: z.coerce.date().optional(), to: z.coerce.date().optional() });

/**
 * The one default rule: a missing bound comes from the analysis's default period over the
 * project's data (`scope/defaults.ts`).
 */
export async function resolveScopeWithDefaults(
  store: Store,
  projectId: string,
  input: z.output<typeof optionalRangeScopeSchema>,
  period: DefaultPeriod,
): Promise<AnalysisScope> {
  let { from, to } = input;
  if (!from || !to) {
    // A project without events gets a range that is valid and empty.
    const data = (await projectDataRange(store, projectId)) ?? { from: new Date(0), to: new Date() };
    const range = defaultRange(period, to && !from ? { from: data.from, to } : data);
    from ??= range.from;
    to ??= range.to;
  }
  return resolveScope(store, projectId, { ...input, from, to });
}

export async function resolveScopeWithDefaultRange(
  store: Store,
  projectId: string,
  input: z.output<typeof optionalRangeScopeSchema>,
): Promise<AnalysisScope> {
  let { from, to } = input;
  if (!from || !to) {
    // A project without events gets a range that is valid and empty.
    const range = (await projectDataRange(store, projectId)) ?? { from: new Date(0), to: new Date() };
    from ??= range.from;
    to ??= range.to;
  }
  return resolveScope(store, projectId, { ...input, from, to });
}

/** A request that names something that does not exist or is inconsistent (answered with 400). */
export class ScopeError extends BadRequestError {}
