/**
 * Conversion funnels, computed in the database over the rows of step (and exclusion) events only.
 *
 * Semantics (PostHog's "ordered" funnel where the two agree):
 * - Unit: a person (identity resolved at query time, so anonymous steps before identify and steps
 *   after it are one person) or, with aggregateBy 'session', a session.
 * - Attempt: every event matching step 1 whose time lies in [from, to). The conversion window
 *   runs from that event: a later step counts when its time ≤ start + window (the edge is
 *   inclusive). Steps may fall after `to` as long as they are inside the window, so attempts that
 *   start late in the range are not cut short.
 * - Order 'ordered': steps in order with anything in between. From an attempt, step k+1 is the
 *   first matching event after the event used for step k (greedy; the earliest chain reaches at
 *   least as far as any other). Events at the same millisecond are ordered by step index, so
 *   simultaneous events of consecutive steps still count in order.
 * - Order 'strict' (PostHog's strict): the person's very next event after step k must be step k+1.
 *   Every track/page/screen event counts as "an event"; identify/alias/group calls do not, since
 *   they record who someone is, not something they did.
 * - Order 'any': an attempt starts at any step event in range; the steps reached are the distinct
 *   steps with an event in [start, start + window]; step k's time is the k-th of those times.
 * - Exclusion {event, fromStep a, toStep b}: an attempt is disqualified when an exclusion event
 *   occurs after its step-a event and before its step-b event, or, when it did not reach step b,
 *   before the window ends. A unit whose every attempt is disqualified is left out entirely.
 *   With order 'any', exclusions must span the whole funnel (as in PostHog's unordered funnels).
 * - Each unit counts once, at the furthest step reached by any qualifying attempt; among attempts
 *   reaching equally far, the earliest. Its times between steps come from that attempt, and the
 *   breakdown value and trend period are those of that attempt's first-step event.
 *
 * Implementation: a backward cascade of window functions. For a step-k row, c{k}_{j} is the time
 * step j is reached by the greedy chain starting at that row; it is the value c{k+1}_{j} of the
 * first following step-(k+1) row, and because chains starting later never finish earlier, that is
 * `min(c{k+1}_{j}) OVER (following rows)` (strict: the `lead` of the next row). n−1 window passes
 * over the step events, then one GROUP BY per unit.
 */
import { z } from 'zod';
import { ident, QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { type AnalysisScope, ScopeError, scopedEvents, segmentPersonsSql, type Segment } from '../scope/scope.ts';
import { defineAnalysis } from '../registry/define.ts';
import { propertyFilterSchema, propertyFilterSql, type PropertyFilter } from '../scope/filters.ts';
import { DEFAULT_FUNNEL_WINDOW_SECONDS } from '../scope/defaults.ts';

/** Step and exclusion filters speak the shared property-filter language (scope/filters.ts). */
export const stepFilterSchema = propertyFilterSchema;
export type StepFilter = PropertyFilter;

export const funnelStepSchema = z.object({
  event: z.string().min(1),
  /** Display name (defaults to the event name). */
  name: z.string().optional(),
  filters: z.array(stepFilterSchema).default([]),
});
export type FunnelStep = z.infer<typeof funnelStepSchema>;

export const exclusionSchema = z.object({
  event: z.string().min(1),
  filters: z.array(stepFilterSchema).default([]),
  /** 1-based steps between which the exclusion disqualifies (default: the whole funnel). */
  fromStep: z.number().int().min(1).optional(),
  toStep: z.number().int().min(2).optional(),
});
export type FunnelExclusion = z.infer<typeof exclusionSchema>;

export const BREAKDOWN_COLUMNS = ['channel', 'device_type', 'browser', 'os', 'source', 'campaign'] as const;

export const breakdownSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('column'), column: z.enum(BREAKDOWN_COLUMNS) }),
  z.object({ kind: z.literal('property'), property: z.string().min(1) }),
  z.object({ kind: z.literal('first_touch_channel') }),
  z.object({ kind: z.literal('persona'), personas: z.array(z.string().min(1)).min(1) }),
]);
export type FunnelBreakdown = z.infer<typeof breakdownSchema>;

export const MAX_WINDOW_SECONDS = 366 * 86400;

export const funnelInputSchema = z.object({
  steps: z
    .array(
      z.union([
        z
          .string()
          .min(1)
          .transform((event): FunnelStep => ({ event, filters: [] })),
        funnelStepSchema,
      ]),
    )
    .min(2, 'a funnel needs at least 2 steps')
    .max(20),
  windowSeconds: z
    .number()
    .positive('the conversion window must be positive')
    .max(MAX_WINDOW_SECONDS, 'the conversion window is at most 366 days')
    .default(DEFAULT_FUNNEL_WINDOW_SECONDS),
  order: z.enum(['ordered', 'strict', 'any']).default('ordered'),
  exclusions: z.array(exclusionSchema).default([]),
  aggregateBy: z.enum(['person', 'session']).default('person'),
  breakdown: breakdownSchema.optional(),
  /** Breakdown values beyond the top N (by units entering the funnel) are grouped as "Other". */
  breakdownLimit: z.number().int().min(1).max(100).default(10),
  trend: z.enum(['day', 'week', 'month']).optional(),
});
export type FunnelInput = z.input<typeof funnelInputSchema>;
export type FunnelSpec = z.output<typeof funnelInputSchema>;

export interface FunnelStepResult {
  name: string;
  event: string;
  count: number;
  /** count / count at step 1. */
  conversion_rate: number;
  conversion_rate_from_previous: number;
  /** Units that reached the previous step but not this one (0 at step 1). */
  dropped: number;
  /** Seconds from the previous step, over units that reached this step (null at step 1 or when none did). */
  average_seconds_to_convert: number | null;
  median_seconds_to_convert: number | null;
  p90_seconds_to_convert: number | null;
}

export interface TimeToConvertBucket {
  /** Seconds from step 1 to the last step; the last bucket includes its upper edge (the window). */
  from_seconds: number;
  to_seconds: number;
  count: number;
}

export interface FunnelBreakdownRow {
  value: string;
  steps: FunnelStepResult[];
  conversion_rate: number;
}

export interface FunnelTrendPoint {
  /** Start of the day/week/month of the attempt start, 'YYYY-MM-DD'. */
  period: string;
  started: number;
  converted: number;
  conversion_rate: number;
}

export interface FunnelResult {
  aggregate_by: 'person' | 'session';
  order: 'ordered' | 'strict' | 'any';
  window_seconds: number;
  from: string;
  to: string;
  steps: FunnelStepResult[];
  /** Whole-funnel conversion: last step / first step. */
  conversion_rate: number;
  time_to_convert: TimeToConvertBucket[];
  breakdown?: FunnelBreakdownRow[];
  trend?: FunnelTrendPoint[];
}

function eventCondition(q: QueryBuilder, event: string, filters: StepFilter[]): string {
  return [`event = ${q.str(event)}`, ...filters.map((f) => propertyFilterSql(q, f))].map((c) => `(${c})`).join(' AND ');
}

interface ResolvedExclusion {
  event: string;
  filters: StepFilter[];
  from: number;
  to: number;
}

function resolveExclusions(spec: FunnelSpec): ResolvedExclusion[] {
  const n = spec.steps.length;
  return spec.exclusions.map((x) => {
    const from = x.fromStep ?? 1;
    const to = x.toStep ?? n;
    if (from >= to || to > n) throw new ScopeError(`exclusions: "${x.event}" must lie between two steps (1 ≤ fromStep < toStep ≤ ${n})`);
    if (spec.order === 'any' && (from !== 1 || to !== n))
      throw new ScopeError('exclusions: with order "any" an exclusion must span the whole funnel');
    return { event: x.event, filters: x.filters, from, to };
  });
}

/** Seconds → bucket edges that read well whatever the window (1 min … 90 days), capped at the window. */
const HISTOGRAM_EDGES = [
  0,
  60,
  300,
  900,
  1800,
  3600,
  3 * 3600,
  6 * 3600,
  12 * 3600,
  86400,
  2 * 86400,
  3 * 86400,
  7 * 86400,
  14 * 86400,
  30 * 86400,
  60 * 86400,
  90 * 86400,
  180 * 86400,
];

export function histogramEdges(windowSeconds: number): number[] {
  const edges = HISTOGRAM_EDGES.filter((e) => e < windowSeconds);
  edges.push(windowSeconds);
  return edges;
}

export interface UnitsSqlOptions {
  /** SQL expression over the event row giving the breakdown value ('' when none). */
  breakdownExpr?: string;
  /** A join adding columns the breakdown expression reads (e.g. first-touch channel). */
  breakdownJoin?: string;
  /** Extra conditions on the events in scope (e.g. a persona's persons). */
  extraWhere?: string[];
}

/** What the attempt builders share: the step and exclusion conditions and the row sources. */
interface UnitsContext {
  q: QueryBuilder;
  d: QueryBuilder['d'];
  scope: AnalysisScope;
  spec: FunnelSpec;
  n: number;
  exclusions: ResolvedExclusion[];
  windowMs: string;
  stepConds: string[];
  exclConds: string[];
  order: string;
  following: string;
  flag: (c: string) => string;
  anyOf: (conds: string[]) => string;
  baseOf: (rowFilter: string, withBreakdown?: boolean) => string;
  allRows: () => string;
  nextExclusion: (i: number) => string;
  inWindow: (t: string) => string;
}

function unitsContext(q: QueryBuilder, scope: AnalysisScope, spec: FunnelSpec, options: UnitsSqlOptions): UnitsContext {
  const d = q.d;
  const n = spec.steps.length;
  const exclusions = resolveExclusions(spec);
  const windowMs = q.num(Math.round(spec.windowSeconds * 1000));
  const stepConds = spec.steps.map((s) => eventCondition(q, s.event, s.filters));
  const exclConds = exclusions.map((x) => eventCondition(q, x.event, x.filters));
  const unit = spec.aggregateBy === 'session' ? 'e.session_id' : 'e.person_id';
  const until = new Date(scope.to.getTime() + Math.round(spec.windowSeconds * 1000));
  const flag = (c: string) => `CASE WHEN ${c} THEN 1 ELSE 0 END`;
  const ordCase = `CASE ${stepConds.map((c, i) => `WHEN ${c} THEN ${i + 1}`).join(' ')} ${exclConds.map((c) => `WHEN ${c} THEN ${n + 1}`).join(' ')} ELSE ${n + 2} END`;
  const anyOf = (conds: string[]) => conds.map((c) => `(${c})`).join(' OR ');
  // The events matching `rowFilter` with their step and exclusion flags. Rows that can never be a
  // step-1 event need no breakdown value (nor its join).
  const baseOf = (rowFilter: string, withBreakdown = true) => {
    const events = scopedEvents(q, scope, {
      ignoreTimeRange: true,
      extraWhere: [`timestamp >= ${q.time(scope.from)}`, `timestamp < ${q.time(until)}`, `(${rowFilter})`, ...(options.extraWhere ?? [])],
    });
    return `SELECT ${unit} AS unit_id, e.person_id AS pid, e.timestamp AS ts, ${d.epochMillis('e.timestamp')} AS tms, e.message_id AS mid,
  ${withBreakdown ? (options.breakdownExpr ?? "''") : "''"} AS bd, ${ordCase} AS ord,
  ${stepConds.map((c, i) => `${flag(c)} AS s${i + 1}`).join(', ')}${exclConds.map((c, i) => `, ${flag(c)} AS x${i + 1}`).join('')}
FROM ${events} AS e ${withBreakdown ? (options.breakdownJoin ?? '') : ''}`;
  };
  const allRows = () => baseOf(spec.order === 'strict' ? `type IN ('track', 'page', 'screen')` : anyOf([...stepConds, ...exclConds]));

  const order = 'PARTITION BY unit_id ORDER BY tms, ord, mid';
  const following = `${order} ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING`;
  const nextExclusion = (i: number) => `min(CASE WHEN x${i + 1} = 1 THEN tms END) OVER (${following})`;
  const inWindow = (t: string) => `${t} <= tms + ${windowMs}`;
  return {
    q,
    d,
    scope,
    spec,
    n,
    exclusions,
    windowMs,
    stepConds,
    exclConds,
    order,
    following,
    flag,
    anyOf,
    baseOf,
    allRows,
    nextExclusion,
    inWindow,
  };
}

/** Attempts of an any-order funnel: from each step event, the k-th earliest distinct step within the window. */
function anyOrderAttempts(c: UnitsContext): string {
  const { q, scope, spec, exclusions, order, allRows, nextExclusion, inWindow } = c;
  const current = `${order} ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING`;
  const nexts = spec.steps.map((_, j) => `min(CASE WHEN s${j + 1} = 1 THEN tms END) OVER (${current}) AS nx${j + 1}`);
  const excl = exclusions.map((_, i) => `${nextExclusion(i)} AS xa${i + 1}`);
  const scanned = `SELECT *, ${[...nexts, ...excl].join(', ')} FROM (${allRows()}) AS b`;
  const v = spec.steps.map((_, j) => `CASE WHEN ${inWindow(`nx${j + 1}`)} THEN nx${j + 1} END AS v${j + 1}`);
  const starts = `SELECT *, ${v.join(', ')} FROM (${scanned}) AS sc
WHERE (${spec.steps.map((_, j) => `s${j + 1}`).join(' + ')}) > 0 AND ts >= ${q.time(scope.from)} AND ts < ${q.time(scope.to)}`;
  const js = spec.steps.map((_, j) => j + 1);
  // The k-th smallest in-window time: the value v_j with fewer than k values below it and at least k at or below it.
  const kth = (k: number) =>
    `coalesce(${js
      .map((j) => {
        const below = js.map((i) => `CASE WHEN v${i} < v${j} THEN 1 ELSE 0 END`).join(' + ');
        const atOrBelow = js.map((i) => `CASE WHEN v${i} <= v${j} THEN 1 ELSE 0 END`).join(' + ');
        return `CASE WHEN v${j} IS NOT NULL AND (${below}) < ${k} AND (${atOrBelow}) >= ${k} THEN v${j} END`;
      })
      .join(', ')})`;
  const reached = js.map((j) => `CASE WHEN v${j} IS NOT NULL THEN 1 ELSE 0 END`).join(' + ');
  const ranked = `SELECT unit_id, pid, ts, tms, bd, ${reached} AS reached, ${js.map((k) => `${kth(k)} AS c${k}`).join(', ')}${exclusions.map((_, i) => `, xa${i + 1}`).join('')} FROM (${starts}) AS st`;
  return ranked;
}

/** Attempts of an ordered or strict funnel: a backward cascade over the step levels. */
function orderedAttempts(c: UnitsContext): string {
  const {
    q,
    d,
    scope,
    spec,
    n,
    exclusions,
    stepConds,
    exclConds,
    order,
    following,
    flag,
    anyOf,
    baseOf,
    allRows,
    nextExclusion,
    inWindow,
  } = c;
  // Backward cascade: level k adds c{k}_{j} for j ≥ k (and carried exclusion times) to every row.
  const carry = (col: string) => (spec.order === 'strict' ? d.leadOver(col, order) : `min(${col}) OVER (${following})`);
  const levelCols = (k: number) => {
    const cols = [`CASE WHEN s${k} = 1 THEN tms END AS c${k}_${k}`];
    for (let j = k + 1; j <= n; j++) cols.push(`CASE WHEN s${k} = 1 THEN ${carry(`c${k + 1}_${j}`)} END AS c${k}_${j}`);
    exclusions.forEach((x, i) => {
      if (x.from === k) cols.push(`CASE WHEN s${k} = 1 THEN ${nextExclusion(i)} END AS x${i + 1}_${k}`);
      else if (x.from > k) cols.push(`CASE WHEN s${k} = 1 THEN ${carry(`x${i + 1}_${k + 1}`)} END AS x${i + 1}_${k}`);
    });
    return cols;
  };
  let sql: string;
  if (spec.order === 'strict') {
    // "The very next event" needs every event in each pass.
    sql = `SELECT *, CASE WHEN s${n} = 1 THEN tms END AS c${n}_${n} FROM (${allRows()}) AS b`;
    for (let k = n - 1; k >= 1; k--) sql = `SELECT *, ${levelCols(k).join(', ')} FROM (${sql}) AS l${k}`;
  } else {
    // Level k reads only the step-k rows, the step-(k+1) rows carrying the chains level k+1 found,
    // and the exclusions starting at step k; dropping the other rows leaves every "first following"
    // unchanged, so the later levels run on the rarer later-step rows and only level 1 sees step 1.
    const baseCols = [
      'unit_id',
      'pid',
      'ts',
      'tms',
      'mid',
      'bd',
      'ord',
      ...spec.steps.map((_, i) => `s${i + 1}`),
      ...exclusions.map((_, i) => `x${i + 1}`),
    ];
    const names = (cols: string[]) => cols.map((c) => c.split(' AS ').pop()!);
    // Rows of other events never start an attempt, so they need no breakdown value.
    const mayStart = (events: string[]) => events.includes(spec.steps[0]!.event);
    sql = `SELECT ${baseCols.join(', ')}, tms AS c${n}_${n} FROM (${baseOf(stepConds[n - 1]!, mayStart([spec.steps[n - 1]!.event]))}) AS b${n}`;
    let carried = [`c${n}_${n}`];
    for (let k = n - 1; k >= 1; k--) {
      const starting = exclusions.flatMap((x, i) => (x.from === k ? [i] : []));
      const own = baseOf(
        `(${anyOf([stepConds[k - 1]!, ...starting.map((i) => exclConds[i]!)])}) AND ${flag(stepConds[k]!)} = 0`,
        mayStart([spec.steps[k - 1]!.event, ...starting.map((i) => exclusions[i]!.event)]),
      );
      const input = `SELECT ${[...baseCols, ...carried].join(', ')} FROM (${sql}) AS u${k} WHERE s${k + 1} = 1
UNION ALL SELECT ${[...baseCols, ...carried.map((c) => `CASE WHEN 1 = 0 THEN tms END AS ${c}`)].join(', ')} FROM (${own}) AS o${k}`;
      const cols = levelCols(k);
      sql = `SELECT ${[...baseCols, ...cols].join(', ')} FROM (${input}) AS l${k}`;
      carried = names(cols);
    }
  }
  const reachedCase = `CASE ${Array.from({ length: n - 1 }, (_, i) => n - i)
    .map((j) => `WHEN ${inWindow(`c1_${j}`)} THEN ${j}`)
    .join(' ')} ELSE 1 END`;
  const steps = Array.from({ length: n }, (_, i) => `c1_${i + 1} AS c${i + 1}`);
  return `SELECT unit_id, pid, ts, tms, bd, ${reachedCase} AS reached, ${steps.join(', ')}${exclusions.map((_, i) => `, x${i + 1}_1 AS xa${i + 1}`).join('')}
FROM (${sql}) AS l WHERE s1 = 1 AND ts >= ${q.time(scope.from)} AND ts < ${q.time(scope.to)}`;
}

/**
 * SQL selecting one row per unit that entered the funnel: unit_id, u_pid (person), u_reached
 * (furthest step), u_t1…u_tn (epoch ms of each step in the counted attempt, NULL when not
 * reached), u_start (timestamp of the attempt's first step) and u_bd (breakdown value).
 */
export function funnelUnitsSql(q: QueryBuilder, scope: AnalysisScope, spec: FunnelSpec, options: UnitsSqlOptions = {}): string {
  const c = unitsContext(q, scope, spec, options);
  const { d, n, exclusions, windowMs } = c;
  const attempts = spec.order === 'any' ? anyOrderAttempts(c) : orderedAttempts(c);
  const disqualified = exclusions.map(
    (x, i) =>
      `(reached >= ${x.to} AND xa${i + 1} < c${x.to}) OR (reached >= ${x.from} AND reached < ${x.to} AND xa${i + 1} <= tms + ${windowMs})`,
  );
  const qualifying = disqualified.length ? `WHERE NOT (${disqualified.map((c) => `coalesce(${c}, false)`).join(' OR ')})` : '';
  // Furthest step first, then the earliest attempt: one integer key for argMax.
  const keyed = `SELECT *, reached * 10000000000000 - tms AS akey FROM (${attempts}) AS a ${qualifying}`;
  const times = Array.from({ length: n }, (_, i) => `${d.argMax(`c${i + 1}`, 'akey')} AS u_t${i + 1}`);
  return `SELECT unit_id, ${d.argMax('pid', 'akey')} AS u_pid, max(reached) AS u_reached, ${times.join(', ')}, ${d.argMax('ts', 'akey')} AS u_start, ${d.argMax('bd', 'akey')} AS u_bd
FROM (${keyed}) AS k GROUP BY unit_id`;
}

/** Per-step aggregates over a units subquery; `groupBy` adds a leading group column `grp`. */
function stepStatsSql(q: QueryBuilder, spec: FunnelSpec, units: string, groupExpr?: string): string {
  const d = q.d;
  const n = spec.steps.length;
  const cols: string[] = [];
  for (let k = 1; k <= n; k++) {
    cols.push(`${d.countIf(`u_reached >= ${k}`)} AS n${k}`);
    if (k > 1) {
      const secs = `CASE WHEN u_reached >= ${k} THEN (u_t${k} - u_t${k - 1}) / 1000.0 END`;
      cols.push(`avg(${secs}) AS avg${k}`, `${d.quantile(secs, 0.5)} AS med${k}`, `${d.quantile(secs, 0.9)} AS p90_${k}`);
    }
  }
  const edges = histogramEdges(spec.windowSeconds);
  const total = `(u_t${n} - u_t1) / 1000.0`;
  for (let b = 0; b < edges.length - 1; b++) {
    const upper = b === edges.length - 2 ? `${total} <= ${q.num(edges[b + 1]!)}` : `${total} < ${q.num(edges[b + 1]!)}`;
    cols.push(`${d.countIf(`u_reached = ${n} AND ${total} >= ${q.num(edges[b]!)} AND ${upper}`)} AS h${b}`);
  }
  if (!groupExpr) return `SELECT ${cols.join(', ')} FROM (${units}) AS u`;
  return `SELECT ${groupExpr} AS grp, ${cols.join(', ')} FROM (${units}) AS u GROUP BY grp`;
}

type StatsRow = Record<string, number | string | null>;

function toSteps(spec: FunnelSpec, row: StatsRow | undefined): FunnelStepResult[] {
  const num = (k: string) => (row && row[k] != null ? Number(row[k]) : null);
  const first = num('n1') ?? 0;
  return spec.steps.map((s, i) => {
    const k = i + 1;
    const count = num(`n${k}`) ?? 0;
    const prev = k === 1 ? count : (num(`n${k - 1}`) ?? 0);
    return {
      name: s.name ?? s.event,
      event: s.event,
      count,
      conversion_rate: first > 0 ? count / first : 0,
      conversion_rate_from_previous: prev > 0 ? count / prev : 0,
      dropped: prev - count,
      average_seconds_to_convert: k === 1 ? null : num(`avg${k}`),
      median_seconds_to_convert: k === 1 ? null : num(`med${k}`),
      p90_seconds_to_convert: k === 1 ? null : num(`p90_${k}`),
    };
  });
}

function histogram(spec: FunnelSpec, row: StatsRow | undefined): TimeToConvertBucket[] {
  const edges = histogramEdges(spec.windowSeconds);
  return edges.slice(0, -1).map((from, b) => ({ from_seconds: from, to_seconds: edges[b + 1]!, count: Number(row?.[`h${b}`] ?? 0) }));
}

function overallRate(steps: FunnelStepResult[]): number {
  return steps[0]!.count > 0 ? steps[steps.length - 1]!.count / steps[0]!.count : 0;
}

/** Edit distance, for suggesting the event a mistyped step name meant. */
function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** Names close to `name` among `known`: case-insensitive substrings first, then by edit distance. */
export function closeNames(name: string, known: string[], limit = 3): string[] {
  const lower = name.toLowerCase();
  return known
    .map((k) => ({
      k,
      score: k.toLowerCase().includes(lower) || lower.includes(k.toLowerCase()) ? -1 : levenshtein(lower, k.toLowerCase()),
    }))
    .filter((x) => x.score <= Math.max(3, Math.floor(name.length / 2)))
    .sort((a, b) => a.score - b.score || a.k.localeCompare(b.k))
    .slice(0, limit)
    .map((x) => x.k);
}

/** Throws a ScopeError naming the events the project has never received, with close names. */
export async function assertEventsExist(store: Store, projectId: string, events: string[]): Promise<void> {
  const wanted = [...new Set(events)];
  const q = new QueryBuilder(store.dialect);
  const found = await store.query<{ name: string }>(
    q.build(
      `SELECT event AS name FROM events_raw WHERE project_id = ${q.str(projectId)} AND ${store.dialect.inArray('event', q.list(wanted))} GROUP BY event`,
    ),
  );
  const have = new Set(found.map((r) => r.name));
  const missing = wanted.filter((e) => !have.has(e));
  if (missing.length === 0) return;
  const q2 = new QueryBuilder(store.dialect);
  const known = (
    await store.query<{ name: string }>(
      q2.build(`SELECT DISTINCT event AS name FROM events_raw WHERE project_id = ${q2.str(projectId)} AND event <> '' LIMIT 5000`),
    )
  ).map((r) => r.name);
  const parts = missing.map((m) => {
    const close = closeNames(m, known);
    return `"${m}"${close.length ? ` (did you mean ${close.map((c) => `"${c}"`).join(', ')}?)` : ''}`;
  });
  throw new ScopeError(`steps: no event named ${parts.join(', ')} in this project`);
}

function breakdownSql(q: QueryBuilder, scope: AnalysisScope, b: FunnelBreakdown): Pick<UnitsSqlOptions, 'breakdownExpr' | 'breakdownJoin'> {
  const d = q.d;
  if (b.kind === 'column') return { breakdownExpr: `e.${ident(b.column)}` };
  if (b.kind === 'property') return { breakdownExpr: d.jsonString('e.properties', b.property.split('.')) };
  if (b.kind === 'first_touch_channel') {
    const join = `LEFT JOIN (SELECT person_id AS ft_person, ${d.argMin('channel', 'timestamp')} AS first_channel FROM events
  WHERE project_id = ${q.str(scope.projectId)} AND channel <> '' GROUP BY person_id) AS ft ON ft.ft_person = e.person_id`;
    return { breakdownExpr: "coalesce(ft.first_channel, '')", breakdownJoin: join };
  }
  return {};
}

async function personaSegments(store: Store, projectId: string, names: string[]): Promise<Array<{ name: string; segment: Segment }>> {
  const { listDocuments } = await import('../store/documents.ts');
  const all = await listDocuments<{ name?: string; segment: Segment }>(store, 'persona', projectId);
  return names.map((name) => {
    const found = all.find((p) => p.id === name || p.body.name === name);
    if (!found) throw new ScopeError(`breakdown: no persona "${name}"`);
    return { name: found.body.name ?? name, segment: found.body.segment };
  });
}

/** Parses and checks a funnel request (steps exist in the project, exclusions in range). */
export async function prepareFunnel(store: Store, projectId: string, input: FunnelInput | FunnelSpec): Promise<FunnelSpec> {
  const spec = funnelInputSchema.parse(input);
  resolveExclusions(spec);
  await assertEventsExist(store, projectId, [...spec.steps.map((s) => s.event), ...spec.exclusions.map((x) => x.event)]);
  return spec;
}

export async function computeFunnel(store: Store, scope: AnalysisScope, input: FunnelInput): Promise<FunnelResult> {
  const spec = await prepareFunnel(store, scope.projectId, input);
  const d = store.dialect;

  const q = new QueryBuilder(d);
  const [overall] = await store.query<StatsRow>(q.build(stepStatsSql(q, spec, funnelUnitsSql(q, scope, spec))));
  const steps = toSteps(spec, overall);
  const result: FunnelResult = {
    aggregate_by: spec.aggregateBy,
    order: spec.order,
    window_seconds: spec.windowSeconds,
    from: scope.from.toISOString(),
    to: scope.to.toISOString(),
    steps,
    conversion_rate: overallRate(steps),
    time_to_convert: histogram(spec, overall),
  };

  if (spec.breakdown?.kind === 'persona') {
    result.breakdown = [];
    for (const persona of await personaSegments(store, scope.projectId, spec.breakdown.personas)) {
      const qp = new QueryBuilder(d);
      const units = funnelUnitsSql(qp, scope, spec, { extraWhere: [`(${segmentPersonsSql(qp, scope.projectId, persona.segment)})`] });
      const [row] = await store.query<StatsRow>(qp.build(stepStatsSql(qp, spec, units)));
      const s = toSteps(spec, row);
      result.breakdown.push({ value: persona.name, steps: s, conversion_rate: overallRate(s) });
    }
  } else if (spec.breakdown) {
    const qb = new QueryBuilder(d);
    const units = funnelUnitsSql(qb, scope, spec, breakdownSql(qb, scope, spec.breakdown));
    // Values ranked by units entering the funnel; beyond the top N they share one "Other" row.
    const counted = `SELECT *, count(*) OVER (PARTITION BY u_bd) AS bd_n FROM (${units}) AS uu`;
    const ranked = `SELECT *, dense_rank() OVER (ORDER BY bd_n DESC, u_bd) AS bd_rank FROM (${counted}) AS uc`;
    const group = `CASE WHEN bd_rank <= ${qb.num(spec.breakdownLimit)} THEN (CASE WHEN u_bd = '' THEN '(none)' ELSE u_bd END) ELSE 'Other' END`;
    const rows = await store.query<StatsRow>(qb.build(stepStatsSql(qb, spec, ranked, group)));
    result.breakdown = rows
      .map((row) => {
        const s = toSteps(spec, row);
        return { value: String(row.grp), steps: s, conversion_rate: overallRate(s) };
      })
      .sort(
        (a, b) =>
          (a.value === 'Other' ? 1 : 0) - (b.value === 'Other' ? 1 : 0) ||
          b.steps[0]!.count - a.steps[0]!.count ||
          a.value.localeCompare(b.value),
      );
  }

  if (spec.trend) {
    const qt = new QueryBuilder(d);
    const n = spec.steps.length;
    const units = funnelUnitsSql(qt, scope, spec);
    const rows = await store.query<{ period: string; started: number; converted: number }>(
      qt.build(`SELECT ${d.formatDate(d.dateTrunc(spec.trend, 'u_start'))} AS period, count(*) AS started, ${d.countIf(`u_reached = ${n}`)} AS converted
FROM (${units}) AS u GROUP BY period ORDER BY period`),
    );
    result.trend = rows.map((r) => ({
      period: r.period,
      started: Number(r.started),
      converted: Number(r.converted),
      conversion_rate: r.started > 0 ? r.converted / r.started : 0,
    }));
  }
  return result;
}

/**
 * Which persons of a funnel: those who reached step `step` (its count), or who reached the
 * step before it and not this one (its `dropped`). With aggregateBy 'session' the units are
 * sessions and the list holds their distinct persons.
 */
export const funnelSelectionSchema = z.object({
  step: z.number().int().min(1),
  outcome: z.enum(['reached', 'dropped']).default('reached'),
});
export type FunnelSelection = z.infer<typeof funnelSelectionSchema>;

/** The persons behind one step's count, from the same units query as the count. */
export function funnelPeopleSql(q: QueryBuilder, scope: AnalysisScope, spec: FunnelSpec, selection: FunnelSelection): string {
  const n = spec.steps.length;
  if (selection.step > n) throw new ScopeError(`selection.step: the funnel has ${n} steps`);
  if (selection.outcome === 'dropped' && selection.step < 2) throw new ScopeError('selection.step: nobody drops at step 1');
  // Only the parameter the condition uses: DuckDB refuses unbound extra parameters.
  const cond = selection.outcome === 'reached' ? `u_reached >= ${q.num(selection.step)}` : `u_reached = ${q.num(selection.step - 1)}`;
  return `SELECT DISTINCT u_pid AS person_id FROM (${funnelUnitsSql(q, scope, spec)}) AS u WHERE ${cond}`;
}

export const funnelAnalysis = defineAnalysis({
  id: 'funnel',
  path: '/api/v1/funnels',
  summary: 'Funnel conversion, drop-off and time to convert',
  access: 'read',
  input: funnelInputSchema,
  run: ({ store, scope }, input) => computeFunnel(store, scope, input),
  people: {
    selection: funnelSelectionSchema,
    sql: (q, scope, input, selection) => funnelPeopleSql(q, scope, input, selection),
  },
});
