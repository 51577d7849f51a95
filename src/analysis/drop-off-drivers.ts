/**
 * Drop-off drivers (PostHog's funnel correlation analysis): among the units that reached step k−1
 * of a funnel, which factors are over- or under-represented in those who went on to step k
 * versus those who dropped.
 *
 * Factors, each "present" when the unit has at least one matching event in its observation
 * period — from `lookbackDays` before the counted attempt's first step up to the moment it reached
 * step k−1, the step it then left or went on from. The period ends at the same point for
 * converters and drop-offs, so a driver is something known before the choice: what happens after
 * (the next step itself, an order's delivery, a survey about the purchase) is a consequence, not a
 * cause, and never enters.
 * Factors with exactly the same units (e.g. `channel = Email` and `source = newsletter` when only
 * the newsletter brings email traffic) are one driver: the simplest label is kept and the others
 * are listed in `same_as`. Sameness is tested in SQL by unit counts and an order-free sum of unit
 * hashes, so two factors merge only when they hold the same units.
 * - event touchpoints: event × channel of track/page/screen events (funnel step events and
 *   identify/alias/group calls are left out);
 * - channels: any event with that channel;
 * - property values: device_type, browser, source, campaign and requested JSON properties;
 * - survey answers: Survey Responded bands — NPS detractor 0–6 / passive 7–8 / promoter 9–10,
 *   CSAT 1–2 / 3 / 4–5.
 *
 * Statistics per factor from its 2×2 table (a converted with, b dropped with, c converted without,
 * d dropped without):
 * - odds ratio ad/bc; when a cell is 0 every cell gets +0.5 (Haldane–Anscombe) so it stays finite;
 * - 95% CI by Woolf's log method: exp(ln OR ± 1.96·√(1/a+1/b+1/c+1/d)) on the same cells;
 * - p-value: two-sided Fisher exact test (sum of the hypergeometric probabilities of all tables
 *   with the same margins no more likely than the observed one) when an expected count is below 5,
 *   else Pearson's chi-square with 1 degree of freedom, no continuity correction.
 * Ranked by p-value, then by |ln OR|. Counts come from SQL; only the statistics run here.
 */
import { z } from 'zod';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { funnelInputSchema, funnelUnitsSql, prepareFunnel } from './funnel.ts';
import { type AnalysisScope, ScopeError, scopedEvents, SURVEY_EVENT } from '../scope/scope.ts';
import { chiSquareSf, logFactorial } from '../stats/distributions.ts';
import { benjaminiHochberg } from '../stats/multiple-testing.ts';
import { defineAnalysis } from '../registry/define.ts';

export const dropOffInputSchema = z.object({
  funnel: funnelInputSchema,
  /** 1-based step whose conversion is explained (from step − 1); at least 2. */
  step: z.number().int().min(2),
  /** JSON event properties to test besides the built-in columns. */
  properties: z.array(z.string().min(1)).max(20).default([]),
  /** Factors present in fewer units than this are left out. */
  minPersons: z.number().int().min(1).default(5),
  limit: z.number().int().min(1).max(500).default(50),
  lookbackDays: z.number().min(0).max(365).default(30),
});
export type DropOffInput = z.input<typeof dropOffInputSchema>;

export type FactorKind = 'event' | 'channel' | 'property' | 'survey';

export interface DriverFactor extends TwoByTwo {
  kind: FactorKind;
  /** Event name, property name or survey name ('' for channels). */
  name: string;
  /** Channel of the touchpoint, property value, channel, or survey band. */
  value: string;
  label: string;
  converted_with: number;
  dropped_with: number;
  converted_without: number;
  dropped_without: number;
  conversion_rate_with: number;
  conversion_rate_without: number;
  direction: 'converted_more' | 'dropped_more' | 'neutral';
  /**
   * Benjamini–Hochberg adjusted p-value over every factor tested for this step (before the
   * limit): many factors are tested at once, so a raw p below 0.05 is expected by chance alone.
   */
  q_value: number;
  /** Labels of other factors present in exactly the same units, merged into this one. */
  same_as: string[];
}

export interface DropOffDriversResult {
  step: number;
  from_step: string;
  to_step: string;
  /** Units that reached step − 1 and then step / did not. */
  converted: number;
  dropped: number;
  factors: DriverFactor[];
  note: string;
}

export const CORRELATION_NOTE =
  'Correlation, not causation: these factors are more or less common among those who converted than among those who dropped; they may be consequences or proxies of intent rather than causes. Test a change before crediting it.';

// ---------------------------------------------------------------------------------------------
// Statistics of one 2×2 table.

/** Two-sided Fisher exact p-value of [[a, b], [c, d]]. */
export function fisherExactTwoSided(a: number, b: number, c: number, d: number): number {
  const r1 = a + b;
  const r2 = c + d;
  const c1 = a + c;
  const n = r1 + r2;
  const base = logFactorial(r1) + logFactorial(r2) + logFactorial(c1) + logFactorial(n - c1) - logFactorial(n);
  const logP = (x: number) => base - logFactorial(x) - logFactorial(r1 - x) - logFactorial(c1 - x) - logFactorial(r2 - c1 + x);
  const observed = logP(a);
  let p = 0;
  for (let x = Math.max(0, c1 - r2); x <= Math.min(r1, c1); x++) {
    const lp = logP(x);
    // Relative tolerance so tables exactly as likely as the observed one are not lost to rounding.
    if (lp <= observed + 1e-7) p += Math.exp(lp);
  }
  return Math.min(1, p);
}

/** Pearson chi-square (1 df, no continuity correction) of [[a, b], [c, d]] and its p-value. */
export function chiSquare2x2(a: number, b: number, c: number, d: number): { chi2: number; p: number } {
  const n = a + b + c + d;
  const den = (a + b) * (c + d) * (a + c) * (b + d);
  if (den === 0) return { chi2: 0, p: 1 };
  const chi2 = (n * (a * d - b * c) ** 2) / den;
  return { chi2, p: chiSquareSf(chi2, 1) };
}

export interface TwoByTwo {
  odds_ratio: number;
  ci_low: number;
  ci_high: number;
  p_value: number;
  test: 'fisher' | 'chi_square';
  /** Cells were corrected by +0.5 because one was zero. */
  haldane: boolean;
}

const Z95 = 1.959963984540054;

/** Odds ratio (Haldane-corrected when a cell is 0), Woolf 95% CI and two-sided p of [[a, b], [c, d]]. */
export function analyse2x2(a: number, b: number, c: number, d: number): TwoByTwo {
  const haldane = a === 0 || b === 0 || c === 0 || d === 0;
  const [A, B, C, D] = haldane ? [a + 0.5, b + 0.5, c + 0.5, d + 0.5] : [a, b, c, d];
  const logOr = Math.log((A * D) / (B * C));
  const se = Math.sqrt(1 / A + 1 / B + 1 / C + 1 / D);
  const n = a + b + c + d;
  const expected = [((a + b) * (a + c)) / n, ((a + b) * (b + d)) / n, ((c + d) * (a + c)) / n, ((c + d) * (b + d)) / n];
  const small = expected.some((e) => e < 5);
  const p_value = small ? fisherExactTwoSided(a, b, c, d) : chiSquare2x2(a, b, c, d).p;
  return {
    odds_ratio: Math.exp(logOr),
    ci_low: Math.exp(logOr - Z95 * se),
    ci_high: Math.exp(logOr + Z95 * se),
    p_value,
    test: small ? 'fisher' : 'chi_square',
    haldane,
  };
}

// ---------------------------------------------------------------------------------------------

// channel is its own factor kind; these are the other built-in columns.
const PROPERTY_COLUMNS = ['device_type', 'browser', 'source', 'campaign'] as const;

function label(kind: FactorKind, name: string, value: string): string {
  if (kind === 'event') return value === '(none)' ? name : `${name} via ${value}`;
  if (kind === 'channel') return `channel = ${value}`;
  if (kind === 'survey') return `${name} ${value}`;
  return `${name} = ${value}`;
}

export async function computeDropOffDrivers(store: Store, scope: AnalysisScope, input: DropOffInput): Promise<DropOffDriversResult> {
  const parsed = dropOffInputSchema.parse(input);
  const spec = await prepareFunnel(store, scope.projectId, parsed.funnel);
  const n = spec.steps.length;
  const k = parsed.step;
  if (k > n) throw new ScopeError(`step: the funnel has ${n} steps; choose 2…${n}`);
  const q = new QueryBuilder(store.dialect);
  const sql = dropOffFactorsSql(q, scope, spec, parsed, k);
  const rows = await store.query<{ fk: string; fname: string | null; fvalue: string | null; a: number; b: number; members: number }>(
    q.build(sql),
  );

  const total = rows.find((r) => r.fk === 'all');
  const converted = Number(total?.a ?? 0);
  const dropped = Number(total?.b ?? 0);
  const out = driverFactors(rows, converted, dropped, parsed.minPersons);
  return {
    step: k,
    from_step: spec.steps[k - 2]!.name ?? spec.steps[k - 2]!.event,
    to_step: spec.steps[k - 1]!.name ?? spec.steps[k - 1]!.event,
    converted,
    dropped,
    factors: out.slice(0, parsed.limit),
    note: CORRELATION_NOTE,
  };
}

/**
 * One statement: the cohort of units that reached step k−1 (converted or not), their events from the
 * lookback before step 1 up to step k−1, each crossed with the factor kinds (event, channel,
 * properties, survey band), counted once per unit: converted, dropped and a membership fingerprint.
 */
function dropOffFactorsSql(
  q: QueryBuilder,
  scope: AnalysisScope,
  spec: Awaited<ReturnType<typeof prepareFunnel>>,
  parsed: z.output<typeof dropOffInputSchema>,
  k: number,
): string {
  const d = q.d;
  const windowMs = Math.round(spec.windowSeconds * 1000);
  const lookbackMs = Math.round(parsed.lookbackDays * 86400_000);

  const units = funnelUnitsSql(q, scope, spec);
  const cohort = `SELECT unit_id, CASE WHEN u_reached >= ${k} THEN 1 ELSE 0 END AS conv, u_t1 - ${q.num(lookbackMs)} AS obs_from,
  u_t${k - 1} AS decision
FROM (${units}) AS u WHERE u_reached >= ${k - 1}`;
  const events = scopedEvents(q, scope, {
    ignoreTimeRange: true,
    extraWhere: [
      `timestamp >= ${q.time(new Date(scope.from.getTime() - lookbackMs))}`,
      `timestamp < ${q.time(new Date(scope.to.getTime() + windowMs))}`,
    ],
  });
  const joinKey = spec.aggregateBy === 'session' ? 'e.session_id' : 'e.person_id';
  const score = d.jsonNumber('e.properties', ['score']);
  const survey = d.jsonString('e.properties', ['survey']);
  const band = `CASE WHEN e.event = ${q.str(SURVEY_EVENT)} AND ${score} IS NOT NULL THEN
    CASE WHEN ${survey} = 'NPS' THEN (CASE WHEN ${score} <= 6 THEN 'detractor (0-6)' WHEN ${score} <= 8 THEN 'passive (7-8)' ELSE 'promoter (9-10)' END)
         WHEN ${survey} = 'CSAT' THEN (CASE WHEN ${score} <= 2 THEN '1-2' WHEN ${score} < 4 THEN '3' ELSE '4-5' END) END END`;
  const stepEvents = q.list([...new Set(spec.steps.map((s) => s.event))]);
  // Up to and including the instant of step k−1: the step's own event carries the channel and
  // device it happened on (a step event is never an event factor itself).
  const inObs = `e.event IS NOT NULL AND ${d.epochMillis('e.timestamp')} >= c.obs_from AND ${d.epochMillis('e.timestamp')} <= c.decision`;
  // Every cohort unit keeps a row (LEFT JOIN), so branch 0 counts the cohort itself.
  const obs = `SELECT c.unit_id AS unit_id, c.conv AS conv, CASE WHEN ${inObs} THEN 1 ELSE 0 END AS seen,
  e.event AS ev, CASE WHEN ${d.inArray('e.event', stepEvents)} OR e.type NOT IN ('track', 'page', 'screen') THEN 1 ELSE 0 END AS is_step, e.channel AS ch,
  ${PROPERTY_COLUMNS.map((col) => `e.${col} AS pc_${col}`).join(', ')},
  ${parsed.properties
    .map((p, i) => `${d.jsonString('e.properties', p.split('.'))} AS pp${i}`)
    .concat([`${survey} AS sv`, `${band} AS sband`])
    .join(', ')}
FROM (${cohort}) AS c LEFT JOIN ${events} AS e ON ${joinKey} = c.unit_id`;

  // One pass: each observed row is crossed with a small index of factor kinds.
  const branches: Array<{ kind: string; name: string; value: string; when: string }> = [
    { kind: "'all'", name: "''", value: "''", when: '1 = 1' },
    { kind: "'event'", name: 'ev', value: "CASE WHEN ch = '' THEN '(none)' ELSE ch END", when: 'seen = 1 AND is_step = 0' },
    { kind: "'channel'", name: "''", value: 'ch', when: "seen = 1 AND ch <> ''" },
    ...PROPERTY_COLUMNS.map((col) => ({ kind: "'property'", name: q.str(col), value: `pc_${col}`, when: `seen = 1 AND pc_${col} <> ''` })),
    ...parsed.properties.map((p, i) => ({ kind: "'property'", name: q.str(p), value: `pp${i}`, when: `seen = 1 AND pp${i} <> ''` })),
    { kind: "'survey'", name: 'sv', value: 'sband', when: 'seen = 1 AND sband IS NOT NULL' },
  ];
  const pick = (field: 'kind' | 'name' | 'value') => `CASE r.n ${branches.map((b, i) => `WHEN ${i} THEN ${b[field]}`).join(' ')} END`;
  const applies = `CASE r.n ${branches.map((b, i) => `WHEN ${i} THEN (CASE WHEN ${b.when} THEN 1 ELSE 0 END)`).join(' ')} END`;
  const factors = `SELECT o.unit_id AS f_unit, o.conv AS f_conv, ${pick('kind')} AS fk, ${pick('name')} AS fname, ${pick('value')} AS fvalue, ${applies} AS fon
FROM (${obs}) AS o CROSS JOIN ${d.range(q.num(branches.length))} AS r`;
  // One row per factor and unit first, so the unit-hash sum (the membership fingerprint) counts each unit once.
  const perUnit = `SELECT fk, fname, fvalue, f_unit, f_conv FROM (${factors}) AS f WHERE fon = 1 GROUP BY fk, fname, fvalue, f_unit, f_conv`;
  const sql = `SELECT fk, fname, fvalue, sum(CASE WHEN f_conv = 1 THEN 1 ELSE 0 END) AS a, sum(CASE WHEN f_conv = 0 THEN 1 ELSE 0 END) AS b,
  sum(${d.hash01('f_unit')}) AS members
FROM (${perUnit}) AS g GROUP BY fk, fname, fvalue`;
  return sql;
}

/**
 * Each factor's 2×2 table against the units without it, its test, and the Benjamini–Hochberg q-value;
 * factors with the same members are merged under the simplest one. Most significant first.
 */
function driverFactors(
  rows: Array<{ fk: string; fname: string | null; fvalue: string | null; a: number; b: number; members: number }>,
  converted: number,
  dropped: number,
  minPersons: number,
): DriverFactor[] {
  const out: DriverFactor[] = [];
  const byMembers = new Map<string, DriverFactor>();
  // The simplest of equal factors names the merged driver.
  const rank: Record<FactorKind, number> = { channel: 0, survey: 1, property: 2, event: 3 };
  const ordered = [...rows].sort(
    (x, y) =>
      (rank[x.fk as FactorKind] ?? 9) - (rank[y.fk as FactorKind] ?? 9) ||
      label(x.fk as FactorKind, x.fname ?? '', x.fvalue ?? '').localeCompare(label(y.fk as FactorKind, y.fname ?? '', y.fvalue ?? '')),
  );
  for (const r of ordered) {
    if (r.fk === 'all') continue;
    const a = Number(r.a);
    const b = Number(r.b);
    if (a + b < minPersons) continue;
    const c = converted - a;
    const dd = dropped - b;
    const stats = analyse2x2(a, b, c, dd);
    const kind = r.fk as FactorKind;
    const name = r.fname ?? '';
    const value = r.fvalue ?? '';
    const fingerprint = `${a}|${b}|${Number(r.members).toFixed(6)}`;
    const same = byMembers.get(fingerprint);
    if (same) {
      same.same_as.push(label(kind, name, value));
      continue;
    }
    const factor: DriverFactor = {
      kind,
      name,
      value,
      label: label(kind, name, value),
      converted_with: a,
      dropped_with: b,
      converted_without: c,
      dropped_without: dd,
      conversion_rate_with: a + b > 0 ? a / (a + b) : 0,
      conversion_rate_without: c + dd > 0 ? c / (c + dd) : 0,
      ...stats,
      direction: stats.odds_ratio > 1 ? 'converted_more' : stats.odds_ratio < 1 ? 'dropped_more' : 'neutral',
      q_value: 1,
      same_as: [],
    };
    byMembers.set(fingerprint, factor);
    out.push(factor);
  }
  const adjusted = benjaminiHochberg(out.map((f) => f.p_value));
  out.forEach((f, i) => (f.q_value = adjusted[i]!));
  out.sort(
    (x, y) =>
      x.p_value - y.p_value || Math.abs(Math.log(y.odds_ratio)) - Math.abs(Math.log(x.odds_ratio)) || x.label.localeCompare(y.label),
  );
  return out;
}

export const dropOffDriversAnalysis = defineAnalysis({
  id: 'funnel-drivers',
  command: 'funnel drivers',
  path: '/api/v1/funnels/drivers',
  summary: 'Drop-off drivers of a funnel step (correlation)',
  access: 'read',
  input: dropOffInputSchema,
  run: ({ store, scope }, input) => computeDropOffDrivers(store, scope, input),
});
