/**
 * One property-filter language for funnel steps and exclusions, journey stage rules, segments and
 * audiences. A filter names an event column (`channel`, `revenue` …) or a property (`plan`,
 * `properties.plan`, nested with dots), an operator, and a value; it compiles to one SQL condition
 * through the dialect layer, the same on every store.
 */
import { z } from 'zod';
import type { QueryBuilder } from '../store/dialect/dialect.ts';
import { BadRequestError } from '../errors.ts';

export const FILTER_OPS = ['eq', 'neq', 'contains', 'in', 'gt', 'gte', 'lt', 'lte', 'exists'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

/** A filter's fields, for schemas that embed a filter in a larger object (a segment's trait rule). */
export const propertyFilterFields = z.object({
  property: z.string().min(1),
  op: z.enum(FILTER_OPS),
  value: z.union([z.string(), z.number(), z.array(z.string()).min(1)]).optional(),
});
const filterObject = propertyFilterFields;

/** The value an operator needs: none for exists, a list for in, a number for comparisons. */
export function checkFilterValue(f: { op: FilterOp; value?: unknown }, ctx: z.RefinementCtx): void {
  if (f.op === 'exists') return;
  if (f.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: `${f.op} needs a value` });
  else if (f.op === 'in' && !Array.isArray(f.value))
    ctx.addIssue({ code: 'custom', path: ['value'], message: 'in needs a list of values' });
  else if (['gt', 'gte', 'lt', 'lte'].includes(f.op) && !Number.isFinite(Number(f.value)))
    ctx.addIssue({ code: 'custom', path: ['value'], message: `${f.op} needs a number` });
}

/**
 * A property filter. Journey stage rules saved before the languages were merged name a property
 * of the event with `key` (always read from `properties`, never a column): such a filter loads as
 * `property: 'properties.<key>'`, which reads the same field.
 */
export const propertyFilterSchema = z.preprocess(
  (raw) =>
    raw && typeof raw === 'object' && 'key' in raw && !('property' in raw)
      ? { ...(raw as object), property: `properties.${String((raw as { key: unknown }).key)}` }
      : raw,
  filterObject.superRefine(checkFilterValue),
);
export type PropertyFilter = z.output<typeof filterObject>;

/** Typed event columns a filter may name directly; anything else is read from `properties`. */
const STRING_COLUMNS = new Set([
  'event',
  'channel',
  'source',
  'medium',
  'campaign',
  'term',
  'content',
  'click_id',
  'referrer',
  'url',
  'path',
  'currency',
  'order_id',
  'browser',
  'os',
  'device_type',
  'type',
  'user_id',
  'anonymous_id',
]);
const NUMBER_COLUMNS = new Set(['revenue']);
const COMPARE = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/**
 * The SQL condition of one filter over an events row. `alias` prefixes column names ('e.' or '');
 * `json` is the JSON column properties are read from (default `properties`; `traits` for persons).
 */
export function propertyFilterSql(
  q: QueryBuilder,
  f: PropertyFilter,
  options: { alias?: string; json?: string; columns?: boolean } = {},
): string {
  const d = q.d;
  const alias = options.alias ?? '';
  const json = `${alias}${options.json ?? 'properties'}`;
  const explicit = f.property.startsWith('properties.') || f.property.startsWith('traits.');
  const name = explicit ? f.property.slice(f.property.indexOf('.') + 1) : f.property;
  const path = name.split('.');
  const columns = options.columns !== false && !explicit;
  const isString = columns && STRING_COLUMNS.has(name);
  const isNumber = columns && NUMBER_COLUMNS.has(name);
  if (f.op in COMPARE) {
    if (isString) throw new BadRequestError(`filter on "${f.property}": ${f.op} needs a numeric property`);
    const value = Number(f.value);
    if (!Number.isFinite(value)) throw new BadRequestError(`filter on "${f.property}": ${f.op} needs a number`);
    const expr = isNumber ? `${alias}${name}` : d.jsonNumber(json, path);
    return `coalesce(${expr} ${COMPARE[f.op as keyof typeof COMPARE]} ${q.num(value)}, false)`;
  }
  const expr = isString ? `${alias}${name}` : isNumber ? d.toStr(`${alias}${name}`) : d.jsonString(json, path);
  switch (f.op) {
    case 'eq':
      return `${expr} = ${q.str(String(f.value))}`;
    case 'neq':
      return `${expr} <> ${q.str(String(f.value))}`;
    case 'contains':
      return `position(${q.str(String(f.value))} IN ${expr}) > 0`;
    case 'in':
      return d.inArray(expr, q.list((Array.isArray(f.value) ? f.value : [String(f.value)]).map(String)));
    case 'exists':
      return `coalesce(${expr}, '') <> ''`;
    default:
      throw new BadRequestError(`filter on "${f.property}": unknown operator ${f.op}`);
  }
}

/** All filters at once (AND), or TRUE for none. */
export function propertyFiltersSql(
  q: QueryBuilder,
  filters: readonly PropertyFilter[],
  options?: Parameters<typeof propertyFilterSql>[2],
): string {
  return filters.length ? filters.map((f) => `(${propertyFilterSql(q, f, options)})`).join(' AND ') : '1 = 1';
}
