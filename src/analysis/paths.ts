/**
 * Paths (Amplitude Journeys, Mixpanel Flows, PostHog paths): the most common sequences of steps
 * after an anchor event, before it, or between two anchors, as Sankey nodes and links.
 *
 * Conventions:
 * - Each person contributes at most one path, from their FIRST occurrence of the anchor in the
 *   range (Amplitude's convention). Without an anchor, the path starts at their first step.
 * - unit 'session' (default) stops the path where the anchor's session ends; 'person' follows
 *   the person's whole history within the range. Identity is resolved, so events sent before
 *   identify are part of the person's path.
 * - Depths: forward and between paths number steps 0 (anchor) … N; backward paths −N … 0 with
 *   the anchor at 0. Links always go from depth d to d+1, in time order, so the graph is acyclic.
 * - dropOff: persons whose path goes no further away from the anchor at that node (forward: no
 *   next step; backward: no earlier step).
 * - Steps are track, page and screen calls; identify/group/alias are not steps.
 *
 * - Steps at the same millisecond are ordered by message id.
 *
 * In the database: one window pass over the scoped events (partitioned by person, ordered by
 * time and message id) numbers the anchors and reads the next/previous N labels (and session
 * hashes) with lead/lag; the one row per person that holds the first anchor gives its path.
 * Whole paths are counted first — far fewer rows than persons — and only those counts are
 * unpivoted against a small number series into (depth, label, next label) counts, so the one
 * sort of the window is the only work proportional to the events. Only aggregates reach JS.
 */
import { z } from 'zod';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { cleanLabelSql, cleaningRuleSchema, noiseConditionSql, validateCleaningRules } from './path-cleaning.ts';
import { type AnalysisScope, ScopeError, scopedEvents } from '../scope/scope.ts';
import { defineAnalysis } from '../registry/define.ts';

export const OTHER_LABEL = 'Other';

export const pathsInputSchema = z.object({
  /** Anchor of forward paths, and the first anchor of paths between two events. */
  start: z.string().min(1).optional(),
  /** With `start`: paths from start to end. Alone: paths leading to end (backward). */
  end: z.string().min(1).optional(),
  /** 'backward' reads the N steps before the anchor (`end`, else `start`). */
  direction: z.enum(['forward', 'backward']).default('forward'),
  /** Steps after/before the anchor, or the most steps from start to end. */
  steps: z.number().int().min(1).max(20).default(5),
  stepType: z.enum(['event', 'page', 'event_and_page']).default('event_and_page'),
  /** Label steps as `channel · label` when the event carries a channel. */
  includeChannel: z.boolean().default(false),
  unit: z.enum(['session', 'person']).default('session'),
  collapseRepeats: z.boolean().default(false),
  /** Keep generic page/screen views ("Page Viewed") as steps; by default they are left out (path-cleaning.ts). */
  showNoise: z.boolean().default(false),
  cleaning: z.array(cleaningRuleSchema).max(50).default([]),
  /** Keep only paths whose first / last step has this label. */
  startsWith: z.string().min(1).optional(),
  endsWith: z.string().min(1).optional(),
  /** Keep the N busiest labels per depth; group the rest as "Other". */
  maxNodesPerStep: z.number().int().min(1).max(200).optional(),
  topPaths: z.number().int().min(0).max(100).default(10),
});
export type PathsInput = z.input<typeof pathsInputSchema>;
type PathsOptions = z.output<typeof pathsInputSchema>;

export interface PathNode {
  id: string;
  depth: number;
  label: string;
  persons: number;
  share: number;
  dropOff: number;
}

export interface PathLink {
  source: string;
  target: string;
  persons: number;
  share: number;
}

export interface TopPath {
  steps: string[];
  persons: number;
  share: number;
}

export interface PathsResult {
  mode: 'forward' | 'backward' | 'between';
  anchor: string | null;
  end: string | null;
  /** Persons with a path (after the startsWith/endsWith filters). */
  persons: number;
  nodes: PathNode[];
  links: PathLink[];
  topPaths: TopPath[];
}

type Mode = PathsResult['mode'];

function modeOf(o: PathsOptions): Mode {
  if (o.direction === 'backward') return 'backward';
  if (o.start && o.end) return 'between';
  if (o.end) return 'backward';
  return 'forward';
}

/** Label of a step before channel prefixing: event name, or the page path for page views. */
function baseLabelSql(stepType: PathsOptions['stepType']): string {
  if (stepType === 'event') return 'event';
  if (stepType === 'page') return `CASE WHEN path <> '' THEN path ELSE url END`;
  return `CASE WHEN type = 'page' AND path <> '' THEN path ELSE event END`;
}

/**
 * One row per person with a path: pid and c0 … cN, slot i holding the i-th step in time order
 * (NULL past the path's end), after the startsWith/endsWith filters. Counts and drill-down both
 * read it.
 */
function personPathsSql(q: QueryBuilder, scope: AnalysisScope, o: PathsOptions, mode: Mode): string {
  const d = q.d;
  const n = o.steps;
  const types = o.stepType === 'page' ? `type = 'page'` : `type IN ('track', 'page', 'screen')`;
  const base = cleanLabelSql(q, baseLabelSql(o.stepType), o.cleaning);
  const label = o.includeChannel ? `CASE WHEN ch <> '' THEN concat(ch, ' · ', base) ELSE base END` : 'base';
  const w = 'PARTITION BY pid ORDER BY ts, mid';

  const anchorLabel = mode === 'backward' ? (o.end ?? o.start) : o.start;
  // Without channel prefixes the label is the base label, so one comparison decides a match.
  const matches = (value: string, col = 'lbl'): string => {
    const p = q.str(value);
    return o.includeChannel ? `CASE WHEN base = ${p} OR lbl = ${p} THEN 1 ELSE 0 END` : `CASE WHEN ${col} = ${p} THEN 1 ELSE 0 END`;
  };
  const anchorFlag = anchorLabel ? matches(anchorLabel) : '1';
  const session = o.unit === 'session';
  // The end anchor of 'between' paths is read off the looked-ahead labels, unless channel
  // prefixes hide the base label: then its flag is looked ahead too.
  const endFlags = mode === 'between' && o.includeChannel;

  const noise = o.showNoise ? null : noiseConditionSql(q, base, [o.start, o.end]);
  const labeled = `SELECT person_id AS pid, session_id AS sid, timestamp AS ts, message_id AS mid, channel AS ch, ${base} AS base
FROM ${scopedEvents(q, scope)} AS e WHERE ${types}${noise ? ` AND NOT (${noise})` : ''}`;
  let steps = `SELECT pid, sid, ts, mid, base, ${label} AS lbl FROM (${labeled}) AS l`;
  if (o.collapseRepeats) {
    // A repeat is a step with the same label as the step just before it (same person).
    steps = `SELECT pid, sid, ts, mid, base, lbl FROM (SELECT *, ${d.lagOver('lbl', w)} AS prev_lbl FROM (${steps}) AS s0) AS s1
WHERE prev_lbl IS NULL OR prev_lbl <> lbl`;
  }
  // Sessions are only compared for equality: a 64-bit hash is cheaper to look ahead than the text id.
  steps = `SELECT pid, ${session ? `${d.hash64('sid')} AS sk, ` : ''}ts, mid, lbl, ${anchorFlag} AS is_anchor${endFlags ? `, ${matches(o.end!)} AS is_end` : ''} FROM (${steps}) AS s2`;

  // One window pass: the anchor's running number and the N labels (and sessions) after/before it.
  const shift = mode === 'backward' ? d.lagOver.bind(d) : d.leadOver.bind(d);
  const ks = Array.from({ length: n }, (_, i) => i + 1);
  const lookahead = (k: number): string =>
    [
      `${shift('lbl', w, k)} AS l${k}`,
      ...(session ? [`${shift('sk', w, k)} AS s${k}`] : []),
      ...(endFlags ? [`${shift('is_end', w, k)} AS e${k}`] : []),
    ].join(', ');
  const walked = `SELECT pid, ${session ? 'sk, ' : ''}lbl, is_anchor,
  sum(is_anchor) OVER (${w} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS anchor_no,
  ${ks.map(lookahead).join(',\n  ')}
FROM (${steps}) AS s3`;

  // Step k belongs to the path when every step up to k is in the anchor's session (unit 'session').
  const inUnit = (k: number): string =>
    [`l${k} IS NOT NULL`, ...(session ? ks.filter((j) => j <= k).map((j) => `s${j} = sk`) : [])].join(' AND ');
  const stepCols = ks.map((k) => `CASE WHEN ${inUnit(k)} THEN l${k} END AS t${k}`);
  let anchored = `SELECT pid, lbl AS t0, ${stepCols.join(', ')} FROM (${walked}) AS wk WHERE is_anchor = 1 AND anchor_no = 1`;
  if (mode === 'between') {
    // The path ends at its first end anchor within the step limit; paths without one are dropped.
    const isEnd = (k: number): string => (endFlags ? `e${k} = 1 AND t${k} IS NOT NULL` : `${matches(o.end!, `t${k}`)} = 1`);
    const endCols = endFlags ? `, ${ks.map((k) => `CASE WHEN ${inUnit(k)} THEN e${k} END AS e${k}`).join(', ')}` : '';
    anchored = `SELECT pid, lbl AS t0, ${stepCols.join(', ')}${endCols} FROM (${walked}) AS wk WHERE is_anchor = 1 AND anchor_no = 1`;
    const endPos = `CASE ${ks.map((k) => `WHEN ${isEnd(k)} THEN ${k}`).join(' ')} END`;
    anchored = `SELECT pid, t0, ${ks.map((k) => `t${k}`).join(', ')}, ${endPos} AS end_pos FROM (${anchored}) AS a0`;
    anchored = `SELECT pid, t0, ${ks.map((k) => `CASE WHEN ${k} <= end_pos THEN t${k} END AS u${k}`).join(', ')} FROM (${anchored}) AS a1 WHERE end_pos IS NOT NULL`;
    anchored = `SELECT pid, t0, ${ks.map((k) => `u${k} AS t${k}`).join(', ')} FROM (${anchored}) AS a2`;
  }

  // Slot i holds the i-th step in time order: forward t0…tN; backward tN…t0 reversed.
  const slotCol = (i: number): string => (mode === 'backward' ? `t${n - i}` : `t${i}`);
  const slots = Array.from({ length: n + 1 }, (_, i) => i);
  const filters: string[] = [];
  if (o.startsWith) filters.push(`coalesce(${slots.map(slotCol).join(', ')}) = ${q.str(o.startsWith)}`);
  if (o.endsWith) filters.push(`coalesce(${[...slots].reverse().map(slotCol).join(', ')}) = ${q.str(o.endsWith)}`);
  return `SELECT pid, ${slots.map((i) => `${slotCol(i)} AS c${i}`).join(', ')} FROM (${anchored}) AS a3${filters.length ? ` WHERE ${filters.join(' AND ')}` : ''}`;
}

function pathsSql(q: QueryBuilder, scope: AnalysisScope, o: PathsOptions, mode: Mode): { sql: string; slots: number } {
  const d = q.d;
  const n = o.steps;
  const slots = Array.from({ length: n + 1 }, (_, i) => i);
  const cols = slots.map((i) => `c${i}`);
  // Whole paths first: far fewer rows than persons, and every node and link count is a sum over them.
  const paths = `SELECT ${cols.join(', ')}, count(*) AS path_persons FROM (${personPathsSql(q, scope, o, mode)}) AS pc GROUP BY ${cols.join(', ')}`;

  const pathSlot = n + 1;
  const caseOf = (offset: number): string =>
    `CASE r.n ${slots
      .filter((i) => i + offset <= n)
      .map((i) => `WHEN ${i} THEN c${i + offset}`)
      .join(' ')} END`;
  const pcols = slots.map((i) => `p${i}`);
  const unpivot = `SELECT r.n AS slot, ${caseOf(0)} AS label, ${caseOf(1)} AS next_label,
  ${slots.map((i) => `CASE WHEN r.n = ${pathSlot} THEN c${i} END AS p${i}`).join(', ')}, path_persons
FROM (${paths}) AS pa CROSS JOIN ${d.range(String(n + 2))} AS r`;
  const grouped = `SELECT slot, label, next_label, ${pcols.join(', ')}, sum(path_persons) AS persons
FROM (${unpivot}) AS u WHERE label IS NOT NULL OR slot = ${pathSlot}
GROUP BY slot, label, next_label, ${pcols.join(', ')}`;
  const ranked = `SELECT *, row_number() OVER (PARTITION BY slot ORDER BY persons DESC, ${pcols.map((p) => `coalesce(${p}, '')`).join(', ')}) AS path_rank FROM (${grouped}) AS g`;
  const sql = `SELECT slot, label, next_label, ${pcols.join(', ')}, persons FROM (${ranked}) AS rk
WHERE slot < ${pathSlot} OR path_rank <= ${q.num(o.topPaths)}`;
  return { sql, slots: n + 1 };
}

type AggregateRow = {
  slot: number;
  label: string | null;
  next_label: string | null;
  persons: number;
} & Record<string, unknown>;

/** Paths in a scope: Sankey nodes/links, drop-off per node, and the most common whole paths. */
export async function computePaths(store: Store, scope: AnalysisScope, input: PathsInput): Promise<PathsResult> {
  const o = pathsInputSchema.parse(input);
  validateCleaningRules(o.cleaning);
  const mode = modeOf(o);
  if (mode === 'between' && !o.start) throw new ScopeError('start: paths between two events need a start event');
  const q = new QueryBuilder(store.dialect);
  const { sql, slots } = pathsSql(q, scope, o, mode);
  const rows = await store.query<AggregateRow>(q.build(sql));

  const depthOf = (slot: number): number => (mode === 'backward' ? slot - (slots - 1) : slot);
  const anchorSlot = mode === 'backward' ? slots - 1 : 0;
  const stepRows = rows.filter((r) => r.slot < slots);
  const total = stepRows.filter((r) => r.slot === anchorSlot).reduce((s, r) => s + r.persons, 0);
  const share = (x: number): number => (total > 0 ? x / total : 0);

  // Persons per (slot, label) before grouping, to pick the busiest labels of each depth.
  const raw = new Map<number, Map<string, number>>();
  for (const r of stepRows) {
    const m = raw.get(r.slot) ?? new Map<string, number>();
    m.set(r.label!, (m.get(r.label!) ?? 0) + r.persons);
    raw.set(r.slot, m);
  }
  const kept = new Map<number, Set<string>>();
  for (const [slot, m] of raw) {
    const ordered = [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([l]) => l);
    kept.set(slot, new Set(o.maxNodesPerStep && ordered.length > o.maxNodesPerStep ? ordered.slice(0, o.maxNodesPerStep) : ordered));
  }
  const group = (slot: number, label: string): string => (kept.get(slot)?.has(label) ? label : OTHER_LABEL);
  const id = (slot: number, label: string): string => `${depthOf(slot)}:${label}`;

  const nodePersons = new Map<string, { slot: number; label: string; persons: number }>();
  const linkPersons = new Map<string, { source: string; target: string; persons: number }>();
  const outgoing = new Map<string, number>();
  const incoming = new Map<string, number>();
  for (const r of stepRows) {
    const label = group(r.slot, r.label!);
    const source = id(r.slot, label);
    const node = nodePersons.get(source) ?? { slot: r.slot, label, persons: 0 };
    node.persons += r.persons;
    nodePersons.set(source, node);
    if (r.next_label === null) continue;
    const target = id(r.slot + 1, group(r.slot + 1, r.next_label));
    const key = `${source}\u0000${target}`;
    const link = linkPersons.get(key) ?? { source, target, persons: 0 };
    link.persons += r.persons;
    linkPersons.set(key, link);
    outgoing.set(source, (outgoing.get(source) ?? 0) + r.persons);
    incoming.set(target, (incoming.get(target) ?? 0) + r.persons);
  }

  const nodes: PathNode[] = [...nodePersons.entries()]
    .map(([nodeId, n]) => ({
      id: nodeId,
      depth: depthOf(n.slot),
      label: n.label,
      persons: n.persons,
      share: share(n.persons),
      dropOff: n.persons - ((mode === 'backward' ? incoming : outgoing).get(nodeId) ?? 0),
    }))
    .sort((a, b) => a.depth - b.depth || b.persons - a.persons || (a.label < b.label ? -1 : 1));
  const links: PathLink[] = [...linkPersons.values()]
    .map((l) => ({ ...l, share: share(l.persons) }))
    .sort(
      (a, b) =>
        Number(a.source.split(':')[0]) - Number(b.source.split(':')[0]) ||
        b.persons - a.persons ||
        (a.source + a.target < b.source + b.target ? -1 : 1),
    );
  const topPaths: TopPath[] = rows
    .filter((r) => r.slot === slots)
    .map((r) => {
      const steps = Array.from({ length: slots }, (_, i) => (r[`p${i}`] as string | null) ?? null).filter((s): s is string => s !== null);
      return { steps, persons: r.persons, share: share(r.persons) };
    })
    .sort((a, b) => b.persons - a.persons || (a.steps.join('\u0000') < b.steps.join('\u0000') ? -1 : 1));

  return {
    mode,
    anchor: (mode === 'backward' ? (o.end ?? o.start) : o.start) ?? null,
    end: mode === 'between' ? o.end! : null,
    persons: total,
    nodes,
    links,
    topPaths,
  };
}

/** Which persons of a Sankey: those at one node (depth and label as in `nodes`; not the grouped "Other"). */
export const pathsSelectionSchema = z.object({ depth: z.number().int().min(-20).max(20), label: z.string() });
export type PathsSelection = z.infer<typeof pathsSelectionSchema>;

export function pathsPeopleSql(q: QueryBuilder, scope: AnalysisScope, input: PathsOptions, selection: PathsSelection): string {
  const o = pathsInputSchema.parse(input);
  validateCleaningRules(o.cleaning);
  const mode = modeOf(o);
  if (mode === 'between' && !o.start) throw new ScopeError('start: paths between two events need a start event');
  const slot = mode === 'backward' ? selection.depth + o.steps : selection.depth;
  if (slot < 0 || slot > o.steps) throw new ScopeError(`selection.depth: outside the ${mode} path's depths`);
  return `SELECT DISTINCT pid AS person_id FROM (${personPathsSql(q, scope, o, mode)}) AS pp WHERE c${slot} = ${q.str(selection.label)}`;
}

export const pathsAnalysis = defineAnalysis({
  id: 'paths',
  path: '/api/v1/paths',
  summary: 'Paths from, to or between events (Sankey nodes and links)',
  access: 'read',
  input: pathsInputSchema,
  run: ({ store, scope }, input) => computePaths(store, scope, input),
  people: {
    selection: pathsSelectionSchema,
    sql: (q, scope, input, selection) => pathsPeopleSql(q, scope, input, selection),
  },
});
