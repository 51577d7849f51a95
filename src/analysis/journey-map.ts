/**
 * The live journey map's numbers for one journey and scope.
 *
 * Definitions (all computed in the database):
 * - A person enters a stage at the first event matching its rules (src/journeys). At time t a
 *   person is *in* the furthest stage (by order) entered at or before t, so stage s lasts from its
 *   entry until the earliest entry of any later stage. A stage entered after a later one never
 *   holds (it was overtaken); it still counts as entered.
 * - Touchpoint = touch channel × event (see touchChannelSql). A touch belongs to the stage the
 *   person is in at its time; "reached" = distinct persons with such a touch.
 * - Conversion (stage and cell) = entered the next stage in the journey's order at any time;
 *   drop-off = the rest. "Lost" persons never entered any later stage. Flows follow the stages a
 *   person was actually in, so skips (awareness → purchase) and exits are visible.
 * - Time in stage: from entry to leaving (persons who left); time to next: entry of s to entry of
 *   s+1 when that came later.
 * - Revenue influenced: all Order Completed revenue in scope of the persons reached (not attributed).
 * - Feedback: Survey Responded given while in the stage. Score normalised to 0–1: NPS score/10,
 *   CSAT (and other 1–5 surveys) (score−1)/4. NPS = %promoters(9–10) − %detractors(0–6).
 *   A cell shows the feedback the persons reached gave in that stage.
 * - Sentiment of a comment: +1 when it matches the positive lexicon, −1 for the negative one
 *   (both: 0); a cheap word-list signal, not a language model.
 * - Leaks: cells ranked by drop-off × the average order value of the persons reached (the
 *   project's average when they placed no order).
 */
import { z } from 'zod';
import type { Journey } from '../journeys/definition.ts';
import { resolveJourney } from '../journeys/journeys.ts';
import { minNullable, stageEntriesSql, touchChannelSql, touchpointLabel } from '../journeys/stage-sql.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { type AnalysisScope, ORDER_EVENT, ScopeError, SURVEY_EVENT, scopeInputSchema, scopedEvents } from '../scope/scope.ts';
import { defineAnalysis } from '../registry/define.ts';
import { JourneyNotFoundError } from '../journeys/journeys.ts';

export const journeyMapInputSchema = scopeInputSchema.extend({ journeyId: z.string().min(1).optional() });
const journeyMapFields = z.object({ journeyId: z.string().min(1).optional() });

export const POSITIVE_WORDS = ['easy', 'great', 'love', 'loved', 'helpful', 'fast', 'quick', 'excellent', 'amazing', 'perfect', 'happy', 'recommend', 'friendly', 'smooth', 'best'];
export const NEGATIVE_WORDS = ['late', 'fail', 'failed', 'failing', 'damaged', 'broken', 'never', 'poor', 'bad', 'terrible', 'worst', 'slow', 'rude', 'wrong', 'missing', 'disappointed', 'too long', 'could not', 'cannot'];
const wordsPattern = (words: string[]) => `\\b(${words.join('|')})\\b`;

export interface FeedbackSummary {
  responses: number;
  /** Mean normalised score, 0–1. */
  score: number | null;
  nps: { responses: number; promoters: number; detractors: number; score: number | null };
  csat: { responses: number; mean: number | null };
  sentiment: { comments: number; score: number | null };
}

export interface JourneyMapCell {
  stage: string;
  touchpoint: string;
  channel: string;
  interaction: string;
  reached: number;
  shareOfStage: number;
  converted: number;
  conversionRate: number | null;
  medianTimeInStageSeconds: number | null;
  dropOff: number;
  revenueInfluenced: number;
  orders: number;
  feedback: FeedbackSummary;
}

export interface JourneyMapStage {
  id: string;
  name: string;
  entered: number;
  converted: number;
  conversionRate: number | null;
  medianTimeToNextSeconds: number | null;
  dropOff: number;
  lost: number;
  revenue: number;
  /** Mean normalised feedback in the stage (0–1), null without responses. */
  emotionScore: number | null;
  feedback: FeedbackSummary;
  painPoints: Array<{ comment: string; mentions: number }>;
}

export interface JourneyMapFlow {
  /** A stage id, or 'start'. */
  from: string;
  /** A stage id, or 'exit'. */
  to: string;
  persons: number;
  skipped: number;
}

export interface JourneyMapLeak {
  stage: string;
  touchpoint: string;
  lost: number;
  avgOrderValue: number;
  value: number;
}

export interface JourneyMap {
  journey: { id: string; name: string; stages: Array<{ id: string; name: string }> };
  from: string;
  to: string;
  persons: number;
  orders: number;
  revenue: number;
  avgOrderValue: number;
  stages: JourneyMapStage[];
  grid: JourneyMapCell[];
  flows: JourneyMapFlow[];
  leaks: JourneyMapLeak[];
}

export interface JourneyMapOptions {
  journeyId?: string;
  /** A journey given directly (tests, previews) instead of a stored one. */
  journey?: Journey;
  leakLimit?: number;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined || Number.isNaN(Number(v)) ? null : Number(v));
const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

interface Parts {
  q: QueryBuilder;
  ev: string;
  ent: string;
  stageOf: (alias: string) => string;
  exitOf: (s: number, alias: string) => string;
}

function parts(store: Store, scope: AnalysisScope, journey: Journey): Parts {
  const q = new QueryBuilder(store.dialect);
  const d = store.dialect;
  const ev = scopedEvents(q, scope);
  const ent = stageEntriesSql(q, journey, ev, {
    extraAggregates: [`${d.sumIf('coalesce(revenue, 0)', `event = '${ORDER_EVENT}'`)} AS person_revenue`, `${d.countIf(`event = '${ORDER_EVENT}'`)} AS person_orders`],
  });
  const S = journey.stages.length;
  const stageOf = (n: string) => {
    const whens = journey.stages.map((_, s) => S - 1 - s).map((s) => `WHEN ${n}.entry_${s} <= e.timestamp THEN ${s}`);
    return `CASE ${whens.join(' ')} ELSE -1 END`;
  };
  const exitOf = (s: number, n: string) => {
    let expr = 'NULL';
    for (let k = s + 1; k < S; k++) expr = k === s + 1 ? `${n}.entry_${k}` : minNullable(expr, `${n}.entry_${k}`);
    return expr;
  };
  return { q, ev, ent, stageOf, exitOf };
}

/** Per-event survey columns: normalised score, NPS/CSAT parts and comment sentiment. */
function feedbackColumns(q: QueryBuilder, alias: string): string {
  const d = q.d;
  const isSurvey = `${alias}event = '${SURVEY_EVENT}'`;
  const score = d.jsonNumber(`${alias}properties`, ['score']);
  const survey = d.jsonString(`${alias}properties`, ['survey']);
  const comment = `lower(${d.jsonString(`${alias}properties`, ['comment'])})`;
  const pos = `CASE WHEN ${d.regexpMatches(comment, q.str(wordsPattern(POSITIVE_WORDS)))} THEN 1 ELSE 0 END`;
  const neg = `CASE WHEN ${d.regexpMatches(comment, q.str(wordsPattern(NEGATIVE_WORDS)))} THEN 1 ELSE 0 END`;
  return [
    `CASE WHEN ${isSurvey} AND ${score} IS NOT NULL THEN (CASE WHEN ${survey} = 'NPS' THEN ${score} / 10.0 ELSE (${score} - 1) / 4.0 END) END AS fb_norm`,
    `CASE WHEN ${isSurvey} AND ${survey} = 'NPS' AND ${score} IS NOT NULL THEN ${score} END AS nps_score`,
    `CASE WHEN ${isSurvey} AND ${survey} = 'CSAT' AND ${score} IS NOT NULL THEN ${score} END AS csat_score`,
    `CASE WHEN ${isSurvey} AND ${d.jsonString(`${alias}properties`, ['comment'])} <> '' THEN ${pos} - ${neg} END AS sentiment`,
    `CASE WHEN ${isSurvey} THEN trim(${comment}) ELSE '' END AS comment_text`,
  ].join(', ');
}

/** Sums over feedback columns, named fb_*; `wrap` turns a column into the summed expression. */
const FEEDBACK_SUMS: Array<[string, (d: import('../store/dialect/dialect.ts').Dialect) => string]> = [
  ['fb_n', (d) => d.countIf('fb_norm IS NOT NULL')],
  ['fb_sum', () => 'coalesce(sum(fb_norm), 0)'],
  ['nps_n', (d) => d.countIf('nps_score IS NOT NULL')],
  ['nps_pro', (d) => d.countIf('nps_score >= 9')],
  ['nps_det', (d) => d.countIf('nps_score <= 6')],
  ['csat_n', (d) => d.countIf('csat_score IS NOT NULL')],
  ['csat_sum', () => 'coalesce(sum(csat_score), 0)'],
  ['sent_n', (d) => d.countIf('sentiment IS NOT NULL')],
  ['sent_sum', () => 'coalesce(sum(sentiment), 0)'],
];

function feedbackOf(r: Record<string, unknown>, prefix = ''): FeedbackSummary {
  const g = (k: string) => num(r[prefix + k]);
  return {
    responses: g('fb_n'),
    score: ratio(g('fb_sum'), g('fb_n')),
    nps: { responses: g('nps_n'), promoters: g('nps_pro'), detractors: g('nps_det'), score: g('nps_n') > 0 ? (100 * (g('nps_pro') - g('nps_det'))) / g('nps_n') : null },
    csat: { responses: g('csat_n'), mean: ratio(g('csat_sum'), g('csat_n')) },
    sentiment: { comments: g('sent_n'), score: ratio(g('sent_sum'), g('sent_n')) },
  };
}

export async function computeJourneyMap(store: Store, scope: AnalysisScope, options: JourneyMapOptions = {}): Promise<JourneyMap> {
  const journey = options.journey ?? (await resolveJourney(store, scope.projectId, options.journeyId));
  const S = journey.stages.length;
  const stageIds = journey.stages.map((s) => s.id);
  const d = store.dialect;

  // ---- per stage, flows and totals: one row from the per-person entries
  const stagesRow = await (async () => {
    const { q, ent, exitOf } = parts(store, scope, journey);
    // Per person, once: the stages actually held (entered and not overtaken), then the first and the next one held.
    const held = (s: number) => `CASE WHEN p.entry_${s} IS NOT NULL AND (${exitOf(s, 'p')} IS NULL OR p.entry_${s} <= ${exitOf(s, 'p')}) THEN 1 ELSE 0 END`;
    const nextHeld = (s: number) => {
      const whens: string[] = [];
      for (let k = s + 1; k < S; k++) whens.push(`WHEN h_${k} = 1 THEN ${k}`);
      return whens.length > 0 ? `CASE ${whens.join(' ')} ELSE -1 END` : '-1';
    };
    const withHeld = `SELECT p.*, ${stageIds.map((_, s) => `${held(s)} AS h_${s}`).join(', ')} FROM (${ent}) AS p`;
    const perPerson = `SELECT hp.*, CASE ${stageIds.map((_, s) => `WHEN h_${s} = 1 THEN ${s}`).join(' ')} ELSE -1 END AS first_held, ${stageIds.map((_, s) => `${nextHeld(s)} AS nh_${s}`).join(', ')}
FROM (${withHeld}) AS hp`;
    const cols: string[] = ['count(*) AS persons', `coalesce(sum(n.person_revenue), 0) AS revenue`, `coalesce(sum(n.person_orders), 0) AS orders`];
    for (let s = 0; s < S; s++) {
      const entered = `n.entry_${s} IS NOT NULL`;
      cols.push(`${d.countIf(entered)} AS entered_${s}`);
      cols.push(`${d.sumIf('n.person_revenue', entered)} AS revenue_${s}`);
      cols.push(`${d.countIf(`${entered} AND ${exitOf(s, 'n')} IS NULL`)} AS lost_${s}`);
      if (s + 1 < S) {
        cols.push(`${d.countIf(`${entered} AND n.entry_${s + 1} IS NOT NULL`)} AS converted_${s}`);
        cols.push(`${d.quantile(`CASE WHEN ${entered} AND n.entry_${s + 1} >= n.entry_${s} THEN ${d.secondsBetween(`n.entry_${s}`, `n.entry_${s + 1}`)} END`, 0.5)} AS median_next_${s}`);
      }
      cols.push(`${d.countIf(`first_held = ${s}`)} AS flow_start_${s}`);
      for (let k = s + 1; k < S; k++) cols.push(`${d.countIf(`h_${s} = 1 AND nh_${s} = ${k}`)} AS flow_${s}_${k}`);
      cols.push(`${d.countIf(`h_${s} = 1 AND nh_${s} = -1`)} AS flow_${s}_exit`);
    }
    const rows = await store.query(q.build(`SELECT ${cols.join(', ')} FROM (${perPerson}) AS n`));
    return rows[0] ?? {};
  })();

  // ---- survey feedback per stage, and the most mentioned negative comments, in one pass: surveys
  // grouped by stage and pain comment ('' for the rest), totals per stage by a window over the groups.
  const { stageFeedback, pains } = await (async () => {
    const { q, ev, ent, stageOf } = parts(store, scope, journey);
    const surveys = `SELECT ${stageOf('n')} AS stage_no, ${feedbackColumns(q, 'e.')}
FROM ${ev} AS e JOIN (${ent}) AS n ON n.person_id = e.person_id WHERE e.event = '${SURVEY_EVENT}'`;
    const painKey = `CASE WHEN comment_text <> '' AND (sentiment < 0 OR fb_norm <= 0.5) THEN comment_text ELSE '' END`;
    const groups = `SELECT stage_no, ${painKey} AS pain_comment, count(*) AS mentions, ${FEEDBACK_SUMS.map(([name, f]) => `${f(d)} AS ${name}`).join(', ')}
FROM (${surveys}) AS sv WHERE stage_no >= 0 GROUP BY stage_no, pain_comment`;
    const painRank = `row_number() OVER (PARTITION BY stage_no, CASE WHEN pain_comment = '' THEN 0 ELSE 1 END ORDER BY mentions DESC, pain_comment)`;
    const rows = await store.query(
      q.build(`SELECT * FROM (
  SELECT stage_no, pain_comment, mentions, ${painRank} AS pain_rank, ${FEEDBACK_SUMS.map(([name]) => `sum(${name}) OVER (PARTITION BY stage_no) AS stage_${name}`).join(', ')}
  FROM (${groups}) AS g
) AS ranked WHERE pain_comment = '' OR pain_rank <= 3 ORDER BY stage_no, pain_rank`),
    );
    const byStage = new Map<number, Record<string, unknown>>();
    for (const r of rows) byStage.set(num(r.stage_no), Object.fromEntries(FEEDBACK_SUMS.map(([name]) => [name, r[`stage_${name}`]])));
    const painRows = rows.filter((r) => r.pain_comment !== '').map((r) => ({ stage_no: num(r.stage_no), comment_text: String(r.pain_comment), mentions: num(r.mentions) }));
    return { stageFeedback: byStage, pains: painRows };
  })();

  // ---- the stage × touchpoint grid: touches joined with the entry times
  const grid = await (async () => {
    const { q, ev, ent, stageOf, exitOf } = parts(store, scope, journey);
    const cfg = journey.touchpoints;
    const conv = `CASE ${stageIds.slice(0, -1).map((_, s) => `WHEN stage_no = ${s} AND entry_${s + 1} IS NOT NULL THEN 1`).join(' ')} ELSE 0 END`;
    const stay = `CASE ${stageIds.slice(0, -1).map((_, s) => `WHEN stage_no = ${s} THEN ${d.secondsBetween(`entry_${s}`, exitOf(s, 'st'))}`).join(' ')} END`;
    const excluded = cfg.excludeEvents.length > 0 ? ` AND NOT ${d.inArray('e.event', q.list(cfg.excludeEvents))}` : '';
    const entryCols = stageIds.map((_, s) => `n.entry_${s} AS entry_${s}`).join(', ');
    const staged = `SELECT e.person_id AS person_id, e.event AS tp_event, ${touchChannelSql(q, cfg, 'e.')} AS tp_channel, ${stageOf('n')} AS stage_no,
  ${entryCols}, n.person_revenue AS p_revenue, n.person_orders AS p_orders
FROM ${ev} AS e JOIN (${ent}) AS n ON n.person_id = e.person_id WHERE 1 = 1${excluded}`;
    const touches = `SELECT person_id, tp_event, tp_channel, stage_no, ${conv} AS conv, ${stay} AS stay, p_revenue, p_orders FROM (${staged}) AS st WHERE stage_no >= 0`;
    const perPerson = `SELECT stage_no, tp_channel, tp_event, person_id, max(conv) AS p_conv, max(stay) AS p_stay, max(p_revenue) AS pp_revenue, max(p_orders) AS pp_orders
FROM (${touches}) AS t GROUP BY stage_no, tp_channel, tp_event, person_id`;
    // The feedback a person gave anywhere in the stage, spread to each touchpoint they reached in it:
    // surveys are rare, so their sums per stage and person are joined on rather than windowed over every touch.
    const evSurveys = scopedEvents(q, scope, { extraWhere: [`event = '${SURVEY_EVENT}'`] });
    const entSurveys = stageEntriesSql(q, journey, scopedEvents(q, scope));
    const surveys = `SELECT e.person_id AS fb_person, ${stageOf('n')} AS fb_stage, ${feedbackColumns(q, 'e.')}
FROM ${evSurveys} AS e JOIN (${entSurveys}) AS n ON n.person_id = e.person_id WHERE 1 = 1${excluded}`;
    const feedback = `SELECT fb_stage, fb_person, ${FEEDBACK_SUMS.map(([name, f]) => `${f(d)} AS ${name}`).join(', ')} FROM (${surveys}) AS sv WHERE fb_stage >= 0 GROUP BY fb_stage, fb_person`;
    const spread = `SELECT pp.stage_no AS stage_no, pp.tp_channel AS tp_channel, pp.tp_event AS tp_event, pp.p_conv AS p_conv, pp.p_stay AS p_stay, pp.pp_revenue AS pp_revenue, pp.pp_orders AS pp_orders,
  ${FEEDBACK_SUMS.map(([name]) => `coalesce(f.${name}, 0) AS s_${name}`).join(', ')}
FROM (${perPerson}) AS pp LEFT JOIN (${feedback}) AS f ON f.fb_stage = pp.stage_no AND f.fb_person = pp.person_id`;
    return store.query(
      q.build(`SELECT stage_no, tp_channel, tp_event, count(*) AS reached, sum(p_conv) AS converted, ${d.quantile('p_stay', 0.5)} AS median_stay,
  coalesce(sum(pp_revenue), 0) AS revenue, coalesce(sum(pp_orders), 0) AS orders, ${FEEDBACK_SUMS.map(([name]) => `sum(s_${name}) AS ${name}`).join(', ')}
FROM (${spread}) AS sp GROUP BY stage_no, tp_channel, tp_event ORDER BY stage_no, reached DESC, tp_channel, tp_event`),
    );
  })();

  const persons = num(stagesRow.persons);
  const orders = num(stagesRow.orders);
  const revenue = num(stagesRow.revenue);
  const avgOrderValue = orders > 0 ? revenue / orders : 0;
  const entered = stageIds.map((_, s) => num(stagesRow[`entered_${s}`]));

  const stages: JourneyMapStage[] = journey.stages.map((st, s) => {
    const last = s + 1 >= S;
    const converted = last ? 0 : num(stagesRow[`converted_${s}`]);
    const fb = feedbackOf(stageFeedback.get(s) ?? {});
    return {
      id: st.id,
      name: st.name,
      entered: entered[s]!,
      converted,
      conversionRate: last ? null : ratio(converted, entered[s]!),
      medianTimeToNextSeconds: last ? null : numOrNull(stagesRow[`median_next_${s}`]),
      dropOff: last ? 0 : entered[s]! - converted,
      lost: last ? 0 : num(stagesRow[`lost_${s}`]),
      revenue: num(stagesRow[`revenue_${s}`]),
      emotionScore: fb.score,
      feedback: fb,
      painPoints: pains.filter((p) => num(p.stage_no) === s).map((p) => ({ comment: p.comment_text, mentions: num(p.mentions) })),
    };
  });

  const flows: JourneyMapFlow[] = [];
  for (let s = 0; s < S; s++) {
    const start = num(stagesRow[`flow_start_${s}`]);
    if (start > 0) flows.push({ from: 'start', to: stageIds[s]!, persons: start, skipped: s });
    for (let k = s + 1; k < S; k++) {
      const n = num(stagesRow[`flow_${s}_${k}`]);
      if (n > 0) flows.push({ from: stageIds[s]!, to: stageIds[k]!, persons: n, skipped: k - s - 1 });
    }
    const exit = num(stagesRow[`flow_${s}_exit`]);
    if (exit > 0) flows.push({ from: stageIds[s]!, to: 'exit', persons: exit, skipped: 0 });
  }

  const cells: JourneyMapCell[] = grid.map((r) => {
    const s = num(r.stage_no);
    const last = s + 1 >= S;
    const reached = num(r.reached);
    const converted = num(r.converted);
    const channel = String(r.tp_channel);
    const interaction = String(r.tp_event);
    return {
      stage: stageIds[s]!,
      touchpoint: touchpointLabel(channel, interaction),
      channel,
      interaction,
      reached,
      shareOfStage: entered[s]! > 0 ? reached / entered[s]! : 0,
      converted,
      conversionRate: last ? null : ratio(converted, reached),
      medianTimeInStageSeconds: last ? null : numOrNull(r.median_stay),
      dropOff: last ? 0 : reached - converted,
      revenueInfluenced: num(r.revenue),
      orders: num(r.orders),
      feedback: feedbackOf(r),
    };
  });

  const leaks: JourneyMapLeak[] = cells
    .filter((c) => c.dropOff > 0)
    .map((c) => {
      const aov = c.orders > 0 ? c.revenueInfluenced / c.orders : avgOrderValue;
      return { stage: c.stage, touchpoint: c.touchpoint, lost: c.dropOff, avgOrderValue: aov, value: c.dropOff * aov };
    })
    .sort((a, b) => b.value - a.value || b.lost - a.lost || stageIds.indexOf(a.stage) - stageIds.indexOf(b.stage) || a.touchpoint.localeCompare(b.touchpoint))
    .slice(0, options.leakLimit ?? 20);

  return {
    journey: { id: journey.id, name: journey.name, stages: journey.stages.map((s) => ({ id: s.id, name: s.name })) },
    from: scope.from.toISOString(),
    to: scope.to.toISOString(),
    persons,
    orders,
    revenue,
    avgOrderValue,
    stages,
    grid: cells,
    flows,
    leaks,
  };
}

/**
 * Which persons of the map: a stage's entered / converted / dropped, or one cell's (stage ×
 * touchpoint channel × interaction) reached / converted / dropped; a leak is its cell's dropped.
 */
export const journeySelectionSchema = z.object({
  stage: z.string().min(1),
  channel: z.string().optional(),
  interaction: z.string().optional(),
  outcome: z.enum(['entered', 'reached', 'converted', 'dropped']).default('entered'),
});
export type JourneySelection = z.infer<typeof journeySelectionSchema>;

/** The persons behind a stage or cell count: the same entries, stage-of-touch and touch channel SQL as the map. */
export async function journeyPeopleSql(store: Store, q: QueryBuilder, scope: AnalysisScope, journeyId: string | undefined, selection: JourneySelection): Promise<string> {
  let journey: Journey;
  try {
    journey = await resolveJourney(store, scope.projectId, journeyId);
  } catch (error) {
    if (error instanceof JourneyNotFoundError) throw new ScopeError(`journeyId: ${error.message}`);
    throw error;
  }
  const S = journey.stages.length;
  const s = journey.stages.findIndex((x) => x.id === selection.stage);
  if (s < 0) throw new ScopeError(`selection.stage: no stage "${selection.stage}" in journey "${journey.id}"`);
  const last = s + 1 >= S;
  const ev = scopedEvents(q, scope);
  const ent = stageEntriesSql(q, journey, ev);
  const next = last ? 'NULL' : `n.entry_${s + 1}`;
  const outcome = { entered: '1 = 1', reached: '1 = 1', converted: last ? '1 = 0' : `${next} IS NOT NULL`, dropped: last ? '1 = 0' : `${next} IS NULL` }[selection.outcome];
  if (selection.channel === undefined && selection.interaction === undefined) {
    return `SELECT n.person_id AS person_id FROM (${ent}) AS n WHERE n.entry_${s} IS NOT NULL AND ${outcome}`;
  }
  const cfg = journey.touchpoints;
  const stageOf = `CASE ${journey.stages.map((_, k) => S - 1 - k).map((k) => `WHEN n.entry_${k} <= e.timestamp THEN ${k}`).join(' ')} ELSE -1 END`;
  const excluded = cfg.excludeEvents.length > 0 ? ` AND NOT ${q.d.inArray('e.event', q.list(cfg.excludeEvents))}` : '';
  const touch = [
    `${stageOf} = ${q.num(s)}`,
    ...(selection.channel !== undefined ? [`${touchChannelSql(q, cfg, 'e.')} = ${q.str(selection.channel)}`] : []),
    ...(selection.interaction !== undefined ? [`e.event = ${q.str(selection.interaction)}`] : []),
  ];
  return `SELECT DISTINCT n.person_id AS person_id FROM ${ev} AS e JOIN (${ent}) AS n ON n.person_id = e.person_id
WHERE ${touch.join(' AND ')}${excluded} AND ${outcome}`;
}

export const journeyMapAnalysis = defineAnalysis({
  id: 'journey-map',
  path: '/api/v1/journeys/map',
  summary: 'Journey map: stage × touchpoint grid, flows, leaks',
  access: 'read',
  input: journeyMapFields,
  run: async ({ store, scope }, input) => {
    try {
      return await computeJourneyMap(store, scope, { journeyId: input.journeyId });
    } catch (error) {
      if (error instanceof JourneyNotFoundError) throw new ScopeError(`journeyId: ${error.message}`);
      throw error;
    }
  },
  people: {
    selection: journeySelectionSchema,
    sql: (q, scope, input, selection, { store }) => journeyPeopleSql(store, q, scope, input.journeyId, selection),
  },
});
