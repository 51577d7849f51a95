/**
 * Retention: persons grouped into cohorts by the interval of their first cohort event in the
 * range, and how many of them did the return event in each later interval.
 *
 * Conventions:
 * - Intervals are UTC days, weeks starting Monday, or calendar months. `periods` = N gives
 *   values for periods 0 … N−1; period p of a cohort is the p-th interval after the cohort's.
 * - Period 0 counts cohort members who did the return event at any time in their cohort
 *   interval (so with return event = cohort event it is the whole cohort, 100%, as in PostHog).
 *   'recurring': did it in period p. 'unbounded': did it in period p or any later period
 *   (within the range), so values never increase — period 0 uses the same rule in both modes.
 * - A period that starts at or after the range end, or after the latest cohort/return event
 *   seen, is not observable yet: its value is null.
 * - metric 'revenue': values[p] is the return event's revenue in period p from cohort members
 *   (the mode does not apply); perPerson = values / size, cumulativePerPerson its running sum.
 * - average[p]: size-weighted over the cohorts where period p is observable (Σ values / Σ size),
 *   as a percentage for persons and as revenue per member for revenue.
 * - cohortBy 'first_touch_channel' / 'persona' splits each date cohort by the person's first
 *   channel (before the range end; '(none)' without one) or by saved persona (a person can
 *   belong to several), and `breakdowns` pools each key over all cohort dates, counting a
 *   period only for the cohorts where it is observable (`eligible`).
 * - Identity is resolved: events sent before identify belong to the person.
 *
 * In the database: one aggregation of the scoped cohort/return events by (person, interval),
 * each person's cohort interval by a window over that small result, then the matrix by
 * GROUP BY (cohort, period) — for unbounded, each person's last return period ≥ p.
 */
import { z } from 'zod';
import { listDocuments } from '../store/documents.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { type AnalysisScope, ORDER_EVENT, type Segment, ScopeError, scopedEvents, segmentPersonsSql } from '../scope/scope.ts';
import { defineAnalysis } from '../registry/define.ts';

export const retentionInputSchema = z.object({
  cohortEvent: z.string().min(1),
  /** Defaults to the cohort event for persons, and to Order Completed for revenue. */
  returnEvent: z.string().min(1).optional(),
  interval: z.enum(['day', 'week', 'month']).default('week'),
  periods: z.number().int().min(1).max(400).default(12),
  mode: z.enum(['recurring', 'unbounded']).default('recurring'),
  metric: z.enum(['persons', 'revenue']).default('persons'),
  cohortBy: z.enum(['event', 'first_touch_channel', 'persona']).default('event'),
});
export type RetentionInput = z.input<typeof retentionInputSchema>;
type RetentionOptions = z.output<typeof retentionInputSchema>;

export interface RetentionCohort {
  /** First day of the cohort interval, 'YYYY-MM-DD'. */
  start: string;
  /** Breakdown value (channel or persona name) when cohortBy is not 'event'. */
  key?: string;
  size: number;
  /** Persons (or revenue) per period; null where the period is not observable yet. */
  values: (number | null)[];
  /** 100 × values / size (persons metric). */
  percentages: (number | null)[];
  perPerson?: (number | null)[];
  cumulativePerPerson?: (number | null)[];
}

export interface RetentionBreakdown {
  key: string;
  size: number;
  values: (number | null)[];
  /** Members of the cohorts where the period is observable. */
  eligible: number[];
  percentages: (number | null)[];
}

export interface RetentionResult {
  interval: RetentionOptions['interval'];
  mode: RetentionOptions['mode'];
  metric: RetentionOptions['metric'];
  cohortEvent: string;
  returnEvent: string;
  cohorts: RetentionCohort[];
  average: (number | null)[];
  breakdowns?: RetentionBreakdown[];
}

function periodIndexSql(interval: RetentionOptions['interval'], from: string, to: string): string {
  if (interval === 'month') return `date_diff('month', ${from}, ${to})`;
  if (interval === 'week') return `floor(date_diff('day', ${from}, ${to}) / 7 + 0.5)`;
  return `date_diff('day', ${from}, ${to})`;
}

/** Start of period p of a cohort starting at `start` (UTC). */
function periodStart(start: Date, interval: RetentionOptions['interval'], p: number): Date {
  const d = new Date(start);
  if (interval === 'month') d.setUTCMonth(d.getUTCMonth() + p);
  else d.setUTCDate(d.getUTCDate() + p * (interval === 'week' ? 7 : 1));
  return d;
}

async function breakdownSql(store: Store, q: QueryBuilder, scope: AnalysisScope, o: RetentionOptions): Promise<string | null> {
  const d = q.d;
  if (o.cohortBy === 'first_touch_channel') {
    return `SELECT person_id AS kpid, ${d.argMin('channel', 'timestamp')} AS bkey FROM events
WHERE project_id = ${q.str(scope.projectId)} AND channel <> '' AND timestamp < ${q.time(scope.to)} GROUP BY person_id`;
  }
  if (o.cohortBy === 'persona') {
    const personas = await listDocuments<{ name?: string; segment: Segment }>(store, 'persona', scope.projectId);
    if (personas.length === 0) throw new ScopeError('cohortBy: the project has no saved personas');
    return personas
      .map(
        (p) =>
          `SELECT DISTINCT person_id AS kpid, ${q.str(p.body.name ?? p.id)} AS bkey FROM events WHERE project_id = ${q.str(scope.projectId)} AND (${segmentPersonsSql(q, scope.projectId, p.body.segment)})`,
      )
      .join('\nUNION ALL\n');
  }
  return null;
}

interface MatrixRow {
  [key: string]: unknown;
  cs: string;
  bkey: string;
  k: number;
  present: number;
  returned: number;
  revenue: number;
  last_data_ts: string;
}

/**
 * One row per (person, period index k ≥ 0 after their cohort interval) with activity: pid,
 * cohort_ts, k, did_r (did the return event), rev, data_end. The matrix and its drill-down
 * both read it.
 */
function indexedSql(q: QueryBuilder, scope: AnalysisScope, o: RetentionOptions, returnEvent: string): string {
  const d = q.d;
  const c = q.str(o.cohortEvent);
  const r = q.str(returnEvent);
  const cells = `SELECT person_id AS pid, ${d.dateTrunc(o.interval, 'timestamp')} AS period,
  max(CASE WHEN event = ${r} THEN 1 ELSE 0 END) AS did_r,
  ${d.sumIf('coalesce(revenue, 0)', `event = ${r}`)} AS rev,
  max(CASE WHEN event = ${c} THEN 1 ELSE 0 END) AS did_c,
  max(timestamp) AS last_seen
FROM ${scopedEvents(q, scope, { extraWhere: [`(event = ${c} OR event = ${r})`] })} AS e
GROUP BY person_id, period`;
  // The data's end comes from one scalar aggregate: a window over all cells (OVER ()) would hold every row in one partition.
  const dataEnd = `(SELECT max(timestamp) FROM ${scopedEvents(q, scope, { extraWhere: [`(event = ${c} OR event = ${r})`] })} AS de)`;
  const located = `SELECT pid, period, did_r, rev,
  min(CASE WHEN did_c = 1 THEN period END) OVER (PARTITION BY pid) AS cohort_start,
  ${dataEnd} AS data_end
FROM (${cells}) AS cl`;
  const indexed = `SELECT pid, cohort_start AS cohort_ts, ${periodIndexSql(o.interval, 'cohort_start', 'period')} AS k, did_r, rev, data_end
FROM (${located}) AS lo WHERE cohort_start IS NOT NULL AND period >= cohort_start`;
  return indexed;
}

function matrixSql(q: QueryBuilder, scope: AnalysisScope, o: RetentionOptions, returnEvent: string, keys: string | null): string {
  const d = q.d;
  const n = q.num(o.periods);
  const indexed = indexedSql(q, scope, o, returnEvent);
  const keyed = (from: string): string =>
    keys
      ? `SELECT x.*, kb.bkey AS bkey FROM (${from}) AS x INNER JOIN (${keys}) AS kb ON kb.kpid = x.pid`
      : `SELECT x.*, '' AS bkey FROM (${from}) AS x`;
  const firstTouch = o.cohortBy === 'first_touch_channel';
  // Persons without any channel still belong to their date cohort: keep them under '(none)'.
  const keyedLeft = (from: string): string =>
    firstTouch
      ? `SELECT x.*, coalesce(kb.bkey, '(none)') AS bkey FROM (${from}) AS x LEFT JOIN (${keys}) AS kb ON kb.kpid = x.pid`
      : keyed(from);

  if (o.mode === 'unbounded' && o.metric === 'persons') {
    const perPerson = `SELECT pid, cohort_ts, max(CASE WHEN did_r = 1 THEN k END) AS last_k, max(data_end) AS person_data_end FROM (${indexed}) AS ix GROUP BY pid, cohort_ts`;
    return `SELECT ${d.formatDate('cohort_ts')} AS cs, bkey, r.n AS k, count(*) AS present, ${d.countIf('last_k >= r.n')} AS returned, 0 AS revenue, max(person_data_end) AS last_data_ts
FROM (${keyedLeft(perPerson)}) AS pp CROSS JOIN ${d.range(n)} AS r
GROUP BY cs, bkey, r.n`;
  }
  return `SELECT ${d.formatDate('cohort_ts')} AS cs, bkey, k, count(*) AS present, ${d.countIf('did_r = 1')} AS returned, sum(rev) AS revenue, max(data_end) AS last_data_ts
FROM (${keyedLeft(`SELECT * FROM (${indexed}) AS ix0 WHERE k < ${n}`)}) AS ix
GROUP BY cs, bkey, k`;
}

/** The retention matrix of a scope: cohorts × periods, their size-weighted average, and breakdowns. */
export async function computeRetention(store: Store, scope: AnalysisScope, input: RetentionInput): Promise<RetentionResult> {
  const o = retentionInputSchema.parse(input);
  const returnEvent = o.returnEvent ?? (o.metric === 'revenue' ? ORDER_EVENT : o.cohortEvent);
  const q = new QueryBuilder(store.dialect);
  const keys = await breakdownSql(store, q, scope, o);
  const rows = await store.query<MatrixRow>(q.build(matrixSql(q, scope, o, returnEvent, keys)));

  const dataEnd = rows.reduce((m, r) => Math.max(m, Date.parse(r.last_data_ts)), -Infinity);
  const horizon = Math.min(scope.to.getTime(), dataEnd + 1);
  const byCohort = new Map<string, { start: string; key: string; size: number; returned: number[]; revenue: number[] }>();
  for (const r of rows) {
    const id = `${r.cs}\u0000${r.bkey}`;
    const cohort = byCohort.get(id) ?? { start: r.cs, key: r.bkey, size: 0, returned: [], revenue: [] };
    const k = Number(r.k);
    if (k === 0) cohort.size = r.present;
    cohort.returned[k] = r.returned;
    cohort.revenue[k] = Number(r.revenue);
    byCohort.set(id, cohort);
  }

  const ordered = [...byCohort.values()].sort((a, b) => (a.start === b.start ? (a.key < b.key ? -1 : 1) : a.start < b.start ? -1 : 1));
  const periods = Array.from({ length: o.periods }, (_, p) => p);
  const revenue = o.metric === 'revenue';
  const cohorts: RetentionCohort[] = ordered.map((c) => {
    const start = new Date(`${c.start}T00:00:00.000Z`);
    const observable = periods.map((p) => periodStart(start, o.interval, p).getTime() < horizon);
    const values = periods.map((p) => (observable[p] ? ((revenue ? c.revenue[p] : c.returned[p]) ?? 0) : null));
    const cohort: RetentionCohort = {
      start: c.start,
      ...(o.cohortBy === 'event' ? {} : { key: c.key }),
      size: c.size,
      values,
      percentages: values.map((v) => (v === null || revenue || c.size === 0 ? null : (100 * v) / c.size)),
    };
    if (revenue) {
      cohort.perPerson = values.map((v) => (v === null ? null : v / c.size));
      let running = 0;
      cohort.cumulativePerPerson = cohort.perPerson.map((v) => (v === null ? null : (running += v)));
    }
    return cohort;
  });

  const pooled = (members: RetentionCohort[]) => {
    const eligible = periods.map((p) => members.reduce((s, c) => s + (c.values[p] === null ? 0 : c.size), 0));
    const values = periods.map((p) => (eligible[p]! > 0 ? members.reduce((s, c) => s + (c.values[p] ?? 0), 0) : null));
    return { eligible, values };
  };
  const all = pooled(cohorts);
  const average = periods.map((p) => (all.values[p] === null ? null : (revenue ? 1 : 100) * (all.values[p]! / all.eligible[p]!)));

  const result: RetentionResult = {
    interval: o.interval,
    mode: o.mode,
    metric: o.metric,
    cohortEvent: o.cohortEvent,
    returnEvent,
    cohorts,
    average,
  };
  if (o.cohortBy !== 'event') {
    const keysSeen = [...new Set(cohorts.map((c) => c.key!))].sort();
    result.breakdowns = keysSeen.map((key) => {
      const members = cohorts.filter((c) => c.key === key);
      const { eligible, values } = pooled(members);
      return {
        key,
        size: members.reduce((s, c) => s + c.size, 0),
        values,
        eligible,
        percentages: values.map((v, p) => (v === null || revenue ? null : (100 * v) / eligible[p]!)),
      };
    });
  }
  return result;
}

/**
 * Which persons of the matrix: a cohort's members (no period), or those counted in one cell
 * (period p: did the return event in p; 'unbounded': in p or later). `key` picks a breakdown row.
 */
export const retentionSelectionSchema = z.object({
  cohort: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'cohort: a YYYY-MM-DD cohort start'),
  period: z.number().int().min(0).optional(),
  key: z.string().optional(),
});
export type RetentionSelection = z.infer<typeof retentionSelectionSchema>;

export async function retentionPeopleSql(
  store: Store,
  q: QueryBuilder,
  scope: AnalysisScope,
  input: RetentionOptions,
  selection: RetentionSelection,
): Promise<string> {
  const d = q.d;
  const o = retentionInputSchema.parse(input);
  const returnEvent = o.returnEvent ?? (o.metric === 'revenue' ? ORDER_EVENT : o.cohortEvent);
  const indexed = indexedSql(q, scope, o, returnEvent);
  const keys = await breakdownSql(store, q, scope, o);
  const inCohort = `${d.formatDate('cohort_ts')} = ${q.str(selection.cohort)}`;
  let rows = `SELECT pid, k, did_r FROM (${indexed}) AS ix WHERE ${inCohort}`;
  if (selection.key !== undefined && keys) {
    const member = `SELECT kpid FROM (${keys}) AS kb WHERE kb.bkey = ${q.str(selection.key)}`;
    rows =
      o.cohortBy === 'first_touch_channel' && selection.key === '(none)'
        ? `${rows} AND pid NOT IN (SELECT kpid FROM (${keys}) AS kn)`
        : `${rows} AND pid IN (${member})`;
  }
  if (selection.period === undefined) return `SELECT DISTINCT pid AS person_id FROM (${rows}) AS r`;
  const p = q.num(selection.period);
  if (o.mode === 'unbounded' && o.metric === 'persons') {
    return `SELECT pid AS person_id FROM (${rows}) AS r GROUP BY pid HAVING max(CASE WHEN did_r = 1 THEN k END) >= ${p}`;
  }
  return `SELECT DISTINCT pid AS person_id FROM (${rows}) AS r WHERE k = ${p} AND did_r = 1`;
}

export const retentionAnalysis = defineAnalysis({
  id: 'retention',
  path: '/api/v1/retention',
  summary: 'Cohort retention',
  access: 'read',
  input: retentionInputSchema,
  defaultPeriod: 'all',
  run: ({ store, scope }, input) => computeRetention(store, scope, input),
  people: {
    selection: retentionSelectionSchema,
    sql: async (q, scope, input, selection, { store }) => retentionPeopleSql(store, q, scope, input, selection),
  },
});
