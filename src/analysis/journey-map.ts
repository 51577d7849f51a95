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
 * - Revenue influenced: all Order Completed revenue in scope of the persons reached, net of their
 *   Order Refunded amounts (src/scope/money.ts), not attributed. Stage revenue likewise.
 * - Identified persons: those whose events carry a user id (or whose device was linked to one).
 *   The rest are anonymous devices; a customer who used several devices without signing in on
 *   them counts once per device, so each stage states how many of its persons are anonymous.
 * - Designed vs actual: `skippedInto` = persons who entered a stage without having entered the
 *   stage before it first; `wentBack` = persons who, after entering a later stage, did something
 *   that defines this stage (and not the stage they were in). Catch-all stages (any event, any
 *   channel) are not checked for going back.
 * - Feedback: Survey Responded, attached to the stage the respondent was in when responding by
 *   surveyStagesSql (src/journeys/stage-sql.ts), the same function the feedback report uses.
 *   Score normalised to 0–1: NPS score/10, CSAT (and other 1–5 surveys) (score−1)/4.
 *   NPS = %promoters(9–10) − %detractors(0–6). A cell shows the feedback the persons reached gave
 *   in that stage. Sentiment and pain points come from src/voc (library sentiment, discovered themes).
 * - Leaks: every person who left the journey (entered a stage and no later one) is counted once,
 *   at the touchpoint of their last event in that stage. value = lost × downstream conversion of
 *   the stage × average order value net of refunds, where downstream conversion = the share of
 *   persons who entered the stage that placed an order after entering it. Each lost person is worth at most
 *   one average order, so the leaks sum to at most persons × AOV (`revenuePossible`).
 */
import { z } from 'zod';
import type { Journey } from '../journeys/definition.ts';
import { resolveJourney } from '../journeys/journeys.ts';
import {
  minNullable,
  ruleConditionSql,
  stageAtSql,
  stageEntriesSql,
  surveyStagesSql,
  touchChannelSql,
  touchpointLabel,
} from '../journeys/stage-sql.ts';
import { loadResponses, normalisedScore, type SurveyResponse } from '../voc/responses.ts';
import { analyseVoice, type VoiceReport } from '../voc/voice.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { type AnalysisScope, ORDER_EVENT, ScopeError, SURVEY_EVENT, scopeInputSchema, scopedEvents } from '../scope/scope.ts';
import { defineAnalysis } from '../registry/define.ts';
import { grossRevenueSql, netRevenueSql } from '../scope/money.ts';
import { JourneyNotFoundError } from '../journeys/journeys.ts';

export const journeyMapInputSchema = scopeInputSchema.extend({ journeyId: z.string().min(1).optional() });
const journeyMapFields = z.object({ journeyId: z.string().min(1).optional() });

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
  /** Persons whose events carry a user id; the rest of `entered` are anonymous devices. */
  identified: number;
  anonymous: number;
  /** Entered without having entered the previous stage first (designed order skipped). */
  skippedInto: number;
  /** After entering a later stage, did something that defines this one again. */
  wentBack: number;
  /** Mean normalised feedback in the stage (0–1), null without responses. */
  emotionScore: number | null;
  feedback: FeedbackSummary;
  /** Themes (discovered from comments) said negatively in the stage, most negative mentions first, with example comments. */
  painPoints: ThemeMention[];
  /** Themes said positively in the stage, with example comments. */
  delights: ThemeMention[];
}

export interface ThemeMention {
  theme: string;
  /** An example comment (the most frequent one of the theme in the stage). */
  comment: string;
  /** Responses in the stage that mention the theme with this sign (negative for a pain point, positive for a delight). */
  mentions: number;
  sentiment: number;
  examples: string[];
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
  channel: string;
  interaction: string;
  /** Persons whose last event before leaving the journey was this touchpoint (each person once). */
  lost: number;
  avgOrderValue: number;
  /** Share of the persons who entered the stage that ordered after entering it. */
  downstreamConversion: number;
  /** downstreamConversion × avgOrderValue */
  valuePerPerson: number;
  value: number;
}

export interface JourneyMap {
  journey: { id: string; name: string; stages: Array<{ id: string; name: string }> };
  from: string;
  to: string;
  persons: number;
  orders: number;
  /** Order revenue net of refunds (Order Completed − Order Refunded) of the persons in scope. */
  revenue: number;
  /** Order revenue before refunds, and the refunded amount (grossRevenue − revenue). */
  grossRevenue: number;
  refunds: number;
  /** Net revenue / orders: what an order is worth once refunds are paid back (the leaks' value per order). */
  avgOrderValue: number;
  /** Gross revenue / orders, beside it. */
  grossAvgOrderValue: number;
  stages: JourneyMapStage[];
  grid: JourneyMapCell[];
  flows: JourneyMapFlow[];
  leaks: JourneyMapLeak[];
  /** Sum of every leak's value (not only the listed ones); never above revenuePossible. */
  leakTotal: number;
  /** persons × avgOrderValue: the revenue if every person had placed one average order. */
  revenuePossible: number;
  /** How a leak's value is computed, for display. */
  formula: string;
  /** Persons whose events carry a user id, and anonymous devices (see JourneyMapStage). */
  identified: number;
  anonymous: number;
  anonymousNote: string;
  /** Themes discovered from the comments in scope (src/voc). */
  voice: VoiceReport;
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
    extraAggregates: [`${netRevenueSql(d)} AS person_revenue`, `${d.countIf(`event = '${ORDER_EVENT}'`)} AS person_orders`],
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

/** Per-response survey columns over surveyStagesSql rows: normalised score and NPS/CSAT parts. */
function feedbackColumns(q: QueryBuilder, alias: string): string {
  const d = q.d;
  const score = d.jsonNumber(`${alias}properties`, ['score']);
  const survey = d.jsonString(`${alias}properties`, ['survey']);
  return [
    `CASE WHEN ${score} IS NOT NULL THEN (CASE WHEN ${survey} = 'NPS' THEN ${score} / 10.0 ELSE (${score} - 1) / 4.0 END) END AS fb_norm`,
    `CASE WHEN ${survey} = 'NPS' AND ${score} IS NOT NULL THEN ${score} END AS nps_score`,
    `CASE WHEN ${survey} = 'CSAT' AND ${score} IS NOT NULL THEN ${score} END AS csat_score`,
  ].join(', ');
}

/** Sums over feedback columns, named fb_*. */
const FEEDBACK_SUMS: Array<[string, (d: import('../store/dialect/dialect.ts').Dialect) => string]> = [
  ['fb_n', (d) => d.countIf('fb_norm IS NOT NULL')],
  ['fb_sum', () => 'coalesce(sum(fb_norm), 0)'],
  ['nps_n', (d) => d.countIf('nps_score IS NOT NULL')],
  ['nps_pro', (d) => d.countIf('nps_score >= 9')],
  ['nps_det', (d) => d.countIf('nps_score <= 6')],
  ['csat_n', (d) => d.countIf('csat_score IS NOT NULL')],
  ['csat_sum', () => 'coalesce(sum(csat_score), 0)'],
];

function feedbackOf(
  r: Record<string, unknown>,
  sentiment: { comments: number; score: number | null } = { comments: 0, score: null },
): FeedbackSummary {
  const g = (k: string) => num(r[k]);
  return {
    responses: g('fb_n'),
    score: ratio(g('fb_sum'), g('fb_n')),
    nps: {
      responses: g('nps_n'),
      promoters: g('nps_pro'),
      detractors: g('nps_det'),
      score: g('nps_n') > 0 ? (100 * (g('nps_pro') - g('nps_det'))) / g('nps_n') : null,
    },
    csat: { responses: g('csat_n'), mean: ratio(g('csat_sum'), g('csat_n')) },
    sentiment,
  };
}

/** The same summary from response rows (the stage level, where the rows are at hand). */
export function summariseResponses(rows: SurveyResponse[], sentimentOf: (r: SurveyResponse) => number | null): FeedbackSummary {
  const acc: Record<string, number> = { fb_n: 0, fb_sum: 0, nps_n: 0, nps_pro: 0, nps_det: 0, csat_n: 0, csat_sum: 0 };
  let sentN = 0;
  let sentSum = 0;
  for (const r of rows) {
    const norm = normalisedScore(r.survey, r.score);
    if (norm !== null) {
      acc.fb_n!++;
      acc.fb_sum! += norm;
    }
    if (r.survey === 'NPS' && r.score !== null) {
      acc.nps_n!++;
      if (r.score >= 9) acc.nps_pro!++;
      if (r.score <= 6) acc.nps_det!++;
    }
    if (r.survey === 'CSAT' && r.score !== null) {
      acc.csat_n!++;
      acc.csat_sum! += r.score;
    }
    const s = sentimentOf(r);
    if (s !== null) {
      sentN++;
      sentSum += s;
    }
  }
  return feedbackOf(acc, { comments: sentN, score: ratio(sentSum, sentN) });
}

export const LEAK_FORMULA =
  'value = persons lost at the touchpoint × downstream conversion of the stage (share of its entrants who ordered after entering) × average order value net of refunds; each person is lost once, at the last touchpoint before leaving';

export async function computeJourneyMap(store: Store, scope: AnalysisScope, options: JourneyMapOptions = {}): Promise<JourneyMap> {
  const journey = options.journey ?? (await resolveJourney(store, scope.projectId, options.journeyId));
  const stageIds = journey.stages.map((s) => s.id);

  // ---- per stage, flows and totals: one row from the per-person entries
  const stagesRow = await stageTotalsRow(store, scope, journey);

  // ---- going back: events that define an earlier stage, made while a later stage was held
  const wentBack = await wentBackRow(store, scope, journey);

  // ---- survey responses with their stage (shared with the feedback report), and the voice of the customer
  const responses = await loadResponses(store, scope, journey);
  const { report: voice, sentimentOf } = await analyseVoice(store, scope, responses, { stageIds });

  // ---- the stage × touchpoint grid: touches joined with the entry times
  const grid = await gridRows(store, scope, journey);

  // ---- leaks: each lost person once, at the touchpoint of their last event in their final stage
  const leaks = await leakRows(store, scope, journey);

  const persons = num(stagesRow.persons);
  const orders = num(stagesRow.orders);
  const revenue = num(stagesRow.revenue);
  const grossRevenue = num(stagesRow.gross_revenue);
  // Net of refunds: a lost person is worth what an order is worth once refunds are paid back.
  const avgOrderValue = orders > 0 ? revenue / orders : 0;
  const entered = stageIds.map((_, s) => num(stagesRow[`entered_${s}`]));
  const identified = num(stagesRow.identified);

  const stages = stagesOf(journey, stagesRow, wentBack, responses, (r) => sentimentOf.get(r.messageId) ?? null, voice);
  const flows = flowsOf(stageIds, stagesRow);
  const cells = grid.map((r) => cellOf(r, stageIds, entered));

  const downstream = stageIds.map((_, s) => (entered[s]! > 0 ? num(stagesRow[`ordered_after_${s}`]) / entered[s]! : 0));
  const allLeaks = leaks.map((r) => leakOf(r, stageIds, downstream, avgOrderValue));
  const topLeaks = mostValuableLeaks(allLeaks, stageIds, options.leakLimit ?? 20);
  const anonymous = persons - identified;

  return {
    journey: { id: journey.id, name: journey.name, stages: journey.stages.map((s) => ({ id: s.id, name: s.name })) },
    from: scope.from.toISOString(),
    to: scope.to.toISOString(),
    persons,
    orders,
    revenue,
    grossRevenue,
    refunds: grossRevenue - revenue,
    avgOrderValue,
    grossAvgOrderValue: orders > 0 ? grossRevenue / orders : 0,
    stages,
    grid: cells,
    flows,
    leaks: topLeaks,
    leakTotal: allLeaks.reduce((a, l) => a + l.value, 0),
    revenuePossible: persons * avgOrderValue,
    formula: LEAK_FORMULA,
    identified,
    anonymous,
    anonymousNote: `${anonymous} of ${persons} persons are anonymous devices that never identified; a customer who used several such devices is counted once per device, so stage counts can exceed the number of customers by up to that many.`,
    voice,
  };
}

/** Each stage's counts, conversion, feedback, and the themes said about it (pain points and delights). */
function stagesOf(
  journey: Journey,
  stagesRow: Record<string, unknown>,
  wentBackRow: Record<string, unknown>,
  responses: SurveyResponse[],
  sentimentOf: (r: SurveyResponse) => number | null,
  voice: VoiceReport,
): JourneyMapStage[] {
  const S = journey.stages.length;
  return journey.stages.map((st, s): JourneyMapStage => {
    const entered = num(stagesRow[`entered_${s}`]);
    const last = s + 1 >= S;
    const converted = last ? 0 : num(stagesRow[`converted_${s}`]);
    const fb = summariseResponses(
      responses.filter((r) => r.stageNo === s),
      sentimentOf,
    );
    const identifiedS = num(stagesRow[`identified_${s}`]);
    return {
      id: st.id,
      name: st.name,
      entered,
      converted,
      conversionRate: last ? null : ratio(converted, entered),
      medianTimeToNextSeconds: last ? null : numOrNull(stagesRow[`median_next_${s}`]),
      dropOff: last ? 0 : entered - converted,
      lost: last ? 0 : num(stagesRow[`lost_${s}`]),
      revenue: num(stagesRow[`revenue_${s}`]),
      identified: identifiedS,
      anonymous: entered - identifiedS,
      skippedInto: s > 0 ? num(stagesRow[`skipped_into_${s}`]) : 0,
      wentBack: num(wentBackRow[`back_${s}`]),
      emotionScore: fb.score,
      feedback: fb,
      painPoints: stageThemeMentions(voice, st.id, 'negative'),
      delights: stageThemeMentions(voice, st.id, 'positive'),
    };
  });
}

/** The five themes said most often with this sign in the stage, each with its example comments. */
function stageThemeMentions(voice: VoiceReport, stageId: string, sign: 'negative' | 'positive'): ThemeMention[] {
  const stageThemes = voice.themes
    .map((t) => ({ t, st: t.stages.find((x) => x.stage === stageId) }))
    .filter((x): x is { t: (typeof voice.themes)[number]; st: NonNullable<typeof x.st> } => x.st !== undefined && x.st.mentions > 0);
  return stageThemes
    .filter((x) => x.st[sign] > 0)
    .sort((a, b) => b.st[sign] - a.st[sign] || a.t.theme.localeCompare(b.t.theme))
    .slice(0, 5)
    .map((x) => {
      const examples = sign === 'negative' ? x.st.negativeExamples : x.st.positiveExamples;
      return { theme: x.t.theme, comment: examples[0] ?? '', mentions: x.st[sign], sentiment: x.st.sentiment, examples };
    });
}

/** Flows between the stages persons actually held: from the start, stage to later stage, and to the exit. */
function flowsOf(stageIds: string[], stagesRow: Record<string, unknown>): JourneyMapFlow[] {
  const S = stageIds.length;
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
  return flows;
}

/** One grid cell: a stage × touchpoint's reach, conversion, time in stage, revenue and feedback. */
function cellOf(r: Record<string, unknown>, stageIds: string[], entered: number[]): JourneyMapCell {
  const s = num(r.stage_no);
  const last = s + 1 >= stageIds.length;
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
}

/** One leak valued at its stage's downstream conversion × the average order value. */
function leakOf(r: Record<string, unknown>, stageIds: string[], downstream: number[], avgOrderValue: number): JourneyMapLeak {
  const s = num(r.lost_stage);
  const lost = num(r.lost);
  const conv = downstream[s]!;
  return {
    stage: stageIds[s]!,
    touchpoint: touchpointLabel(String(r.tp_channel), String(r.tp_event)),
    channel: String(r.tp_channel),
    interaction: String(r.tp_event),
    lost,
    avgOrderValue,
    downstreamConversion: conv,
    valuePerPerson: conv * avgOrderValue,
    value: lost * conv * avgOrderValue,
  };
}

/** The most valuable leaks first (then most persons lost, earlier stage, touchpoint name), at most `limit`. */
function mostValuableLeaks(allLeaks: JourneyMapLeak[], stageIds: string[], limit: number): JourneyMapLeak[] {
  return [...allLeaks]
    .sort(
      (a, b) =>
        b.value - a.value ||
        b.lost - a.lost ||
        stageIds.indexOf(a.stage) - stageIds.indexOf(b.stage) ||
        a.touchpoint.localeCompare(b.touchpoint),
    )
    .slice(0, limit);
}

/**
 * One row of per-stage counts, flows and totals from the per-person entries: entered, identified,
 * revenue, lost, ordered after entering, skipped into, converted, median time to next, and the
 * flows between the stages actually held.
 */
async function stageTotalsRow(store: Store, scope: AnalysisScope, journey: Journey): Promise<Record<string, unknown>> {
  const S = journey.stages.length;
  const stageIds = journey.stages.map((s) => s.id);
  const d = store.dialect;
  // Its own builder: parts() would register the parameters of entries this query does not use.
  const q = new QueryBuilder(d);
  const ev = scopedEvents(q, scope);
  const { exitOf } = parts(store, scope, journey);
  // Downstream conversion needs the first order after each stage's entry: the orders joined to the entries.
  const ent = stageEntriesSql(q, journey, ev, {
    extraAggregates: [
      `${netRevenueSql(d)} AS person_revenue`,
      `${grossRevenueSql(d)} AS person_gross`,
      `${d.countIf(`event = '${ORDER_EVENT}'`)} AS person_orders`,
      `max(CASE WHEN user_id <> '' OR person_id <> anonymous_id THEN 1 ELSE 0 END) AS person_identified`,
      `max(CASE WHEN event = '${ORDER_EVENT}' THEN timestamp END) AS last_order_at`,
    ],
  });
  // Per person, once: the stages actually held (entered and not overtaken), then the first and the next one held.
  const held = (s: number) =>
    `CASE WHEN p.entry_${s} IS NOT NULL AND (${exitOf(s, 'p')} IS NULL OR p.entry_${s} <= ${exitOf(s, 'p')}) THEN 1 ELSE 0 END`;
  const nextHeld = (s: number) => {
    const whens: string[] = [];
    for (let k = s + 1; k < S; k++) whens.push(`WHEN h_${k} = 1 THEN ${k}`);
    return whens.length > 0 ? `CASE ${whens.join(' ')} ELSE -1 END` : '-1';
  };
  const withHeld = `SELECT p.*, ${stageIds.map((_, s) => `${held(s)} AS h_${s}`).join(', ')} FROM (${ent}) AS p`;
  const perPerson = `SELECT hp.*, CASE ${stageIds.map((_, s) => `WHEN h_${s} = 1 THEN ${s}`).join(' ')} ELSE -1 END AS first_held, ${stageIds.map((_, s) => `${nextHeld(s)} AS nh_${s}`).join(', ')}
FROM (${withHeld}) AS hp`;
  const cols: string[] = [
    'count(*) AS persons',
    `coalesce(sum(n.person_revenue), 0) AS revenue`,
    `coalesce(sum(n.person_gross), 0) AS gross_revenue`,
    `coalesce(sum(n.person_orders), 0) AS orders`,
    `${d.countIf('n.person_identified = 1')} AS identified`,
  ];
  for (let s = 0; s < S; s++) {
    const entered = `n.entry_${s} IS NOT NULL`;
    cols.push(`${d.countIf(entered)} AS entered_${s}`);
    cols.push(`${d.countIf(`${entered} AND n.person_identified = 1`)} AS identified_${s}`);
    cols.push(`${d.sumIf('n.person_revenue', entered)} AS revenue_${s}`);
    cols.push(`${d.countIf(`${entered} AND ${exitOf(s, 'n')} IS NULL`)} AS lost_${s}`);
    // An order after entering: the person's last order came after the entry (strictly, so the order that is the entry does not count).
    cols.push(`${d.countIf(`${entered} AND n.last_order_at > n.entry_${s}`)} AS ordered_after_${s}`);
    if (s > 0)
      cols.push(`${d.countIf(`${entered} AND (n.entry_${s - 1} IS NULL OR n.entry_${s - 1} > n.entry_${s})`)} AS skipped_into_${s}`);
    if (s + 1 < S) {
      cols.push(`${d.countIf(`${entered} AND n.entry_${s + 1} IS NOT NULL`)} AS converted_${s}`);
      cols.push(
        `${d.quantile(`CASE WHEN ${entered} AND n.entry_${s + 1} >= n.entry_${s} THEN ${d.secondsBetween(`n.entry_${s}`, `n.entry_${s + 1}`)} END`, 0.5)} AS median_next_${s}`,
      );
    }
    cols.push(`${d.countIf(`first_held = ${s}`)} AS flow_start_${s}`);
    for (let k = s + 1; k < S; k++) cols.push(`${d.countIf(`h_${s} = 1 AND nh_${s} = ${k}`)} AS flow_${s}_${k}`);
    cols.push(`${d.countIf(`h_${s} = 1 AND nh_${s} = -1`)} AS flow_${s}_exit`);
  }
  const rows = await store.query(q.build(`SELECT ${cols.join(', ')} FROM (${perPerson}) AS n`));
  return rows[0] ?? {};
}

/** Going back: per stage, persons who did something that defines it while a later stage was held. */
async function wentBackRow(store: Store, scope: AnalysisScope, journey: Journey): Promise<Record<string, unknown>> {
  const S = journey.stages.length;
  const stageIds = journey.stages.map((s) => s.id);
  const checkable = journey.stages.map((st, s) => s + 1 < S && !st.rules.some((r) => r.anyEvent || r.anyChannel));
  if (!checkable.some(Boolean)) return {} as Record<string, unknown>;
  const { q, ev, ent } = parts(store, scope, journey);
  const stageRule = (s: number) =>
    journey.stages[s]!.rules.map((r) => `(${ruleConditionSql(q, { ...r, minOccurrence: 1, after: undefined }, 'e.')})`).join(' OR ');
  const heldNow = stageAtSql(S, 'n', 'e.timestamp');
  const perPerson = `SELECT e.person_id AS person_id, ${journey.stages
    .map((_, s) =>
      checkable[s]
        ? `max(CASE WHEN cur > ${s} AND (${stageRule(s)}) AND NOT (CASE ${journey.stages.map((_, k) => `WHEN cur = ${k} THEN (${stageRule(k)})`).join(' ')} ELSE false END) THEN 1 ELSE 0 END) AS back_${s}`
        : `0 AS back_${s}`,
    )
    .join(', ')}
FROM (SELECT e.*, ${heldNow} AS cur FROM ${ev} AS e JOIN (${ent}) AS n ON n.person_id = e.person_id) AS e GROUP BY e.person_id`;
  const rows = await store.query(
    q.build(`SELECT ${stageIds.map((_, s) => `coalesce(sum(back_${s}), 0) AS back_${s}`).join(', ')} FROM (${perPerson}) AS b`),
  );
  return rows[0] ?? {};
}

/** The stage × touchpoint grid: touches joined with the entry times, with the feedback of the persons reached. */
async function gridRows(store: Store, scope: AnalysisScope, journey: Journey): Promise<Array<Record<string, unknown>>> {
  const stageIds = journey.stages.map((s) => s.id);
  const d = store.dialect;
  const { q, ev, ent, stageOf, exitOf } = parts(store, scope, journey);
  const cfg = journey.touchpoints;
  const conv = `CASE ${stageIds
    .slice(0, -1)
    .map((_, s) => `WHEN stage_no = ${s} AND entry_${s + 1} IS NOT NULL THEN 1`)
    .join(' ')} ELSE 0 END`;
  const stay = `CASE ${stageIds
    .slice(0, -1)
    .map((_, s) => `WHEN stage_no = ${s} THEN ${d.secondsBetween(`entry_${s}`, exitOf(s, 'st'))}`)
    .join(' ')} END`;
  const excluded = cfg.excludeEvents.length > 0 ? ` AND NOT ${d.inArray('e.event', q.list(cfg.excludeEvents))}` : '';
  const entryCols = stageIds.map((_, s) => `n.entry_${s} AS entry_${s}`).join(', ');
  const staged = `SELECT e.person_id AS person_id, e.event AS tp_event, ${touchChannelSql(q, cfg, 'e.')} AS tp_channel, ${stageOf('n')} AS stage_no,
  ${entryCols}, n.person_revenue AS p_revenue, n.person_orders AS p_orders
FROM ${ev} AS e JOIN (${ent}) AS n ON n.person_id = e.person_id WHERE 1 = 1${excluded}`;
  const touches = `SELECT person_id, tp_event, tp_channel, stage_no, ${conv} AS conv, ${stay} AS stay, p_revenue, p_orders FROM (${staged}) AS st WHERE stage_no >= 0`;
  const perPerson = `SELECT stage_no, tp_channel, tp_event, person_id, max(conv) AS p_conv, max(stay) AS p_stay, max(p_revenue) AS pp_revenue, max(p_orders) AS pp_orders
FROM (${touches}) AS t GROUP BY stage_no, tp_channel, tp_event, person_id`;
  // The feedback a person gave anywhere in the stage (stage by the shared surveyStagesSql),
  // spread to each touchpoint they reached in it.
  const surveys = `SELECT sv.person_id AS fb_person, sv.stage_no AS fb_stage, ${feedbackColumns(q, 'sv.')} FROM (${surveyStagesSql(q, journey, scope)}) AS sv`;
  const feedback = `SELECT fb_stage, fb_person, ${FEEDBACK_SUMS.map(([name, f]) => `${f(d)} AS ${name}`).join(', ')} FROM (${surveys}) AS sv WHERE fb_stage >= 0 GROUP BY fb_stage, fb_person`;
  const spread = `SELECT pp.stage_no AS stage_no, pp.tp_channel AS tp_channel, pp.tp_event AS tp_event, pp.p_conv AS p_conv, pp.p_stay AS p_stay, pp.pp_revenue AS pp_revenue, pp.pp_orders AS pp_orders,
  ${FEEDBACK_SUMS.map(([name]) => `coalesce(f.${name}, 0) AS s_${name}`).join(', ')}
FROM (${perPerson}) AS pp LEFT JOIN (${feedback}) AS f ON f.fb_stage = pp.stage_no AND f.fb_person = pp.person_id`;
  return store.query(
    q.build(`SELECT stage_no, tp_channel, tp_event, count(*) AS reached, sum(p_conv) AS converted, ${d.quantile('p_stay', 0.5)} AS median_stay,
  coalesce(sum(pp_revenue), 0) AS revenue, coalesce(sum(pp_orders), 0) AS orders, ${FEEDBACK_SUMS.map(([name]) => `sum(s_${name}) AS ${name}`).join(', ')}
FROM (${spread}) AS sp GROUP BY stage_no, tp_channel, tp_event ORDER BY stage_no, reached DESC, tp_channel, tp_event`),
  );
}

/** Leaks: each lost person once, at the touchpoint of their last event in their final stage. */
async function leakRows(store: Store, scope: AnalysisScope, journey: Journey): Promise<Array<Record<string, unknown>>> {
  const stageIds = journey.stages.map((s) => s.id);
  const d = store.dialect;
  const { q, ev, ent, stageOf, exitOf } = parts(store, scope, journey);
  const cfg = journey.touchpoints;
  const excluded = cfg.excludeEvents.length > 0 ? ` AND NOT ${d.inArray('e.event', q.list(cfg.excludeEvents))}` : '';
  const lostStage = `CASE ${stageIds
    .slice(0, -1)
    .map((_, s) => `WHEN n.entry_${s} IS NOT NULL AND ${exitOf(s, 'n')} IS NULL THEN ${s}`)
    .join(' ')} ELSE -1 END`;
  const touches = `SELECT e.person_id AS person_id, e.timestamp AS ts, e.message_id AS mid, ${touchChannelSql(q, cfg, 'e.')} AS tp_channel, e.event AS tp_event, ${stageOf('n')} AS stage_no, ${lostStage} AS lost_stage
FROM ${ev} AS e JOIN (${ent}) AS n ON n.person_id = e.person_id WHERE 1 = 1${excluded}`;
  const last = `SELECT person_id, lost_stage, ${d.argMax('tp_channel', 'ts')} AS tp_channel, ${d.argMax('tp_event', 'ts')} AS tp_event
FROM (${touches}) AS t WHERE lost_stage >= 0 AND stage_no = lost_stage GROUP BY person_id, lost_stage`;
  return store.query(
    q.build(`SELECT lost_stage, tp_channel, tp_event, count(*) AS lost FROM (${last}) AS l GROUP BY lost_stage, tp_channel, tp_event`),
  );
}

/**
 * Which persons of the map: a stage's entered / converted / dropped, or one cell's (stage ×
 * touchpoint channel × interaction) reached / converted / dropped; a leak is its cell's dropped.
 */
export const journeySelectionSchema = z.object({
  stage: z.string().min(1),
  channel: z.string().optional(),
  interaction: z.string().optional(),
  /** lost: left the journey at this stage with this touchpoint as their last (a leak's persons). */
  outcome: z.enum(['entered', 'reached', 'converted', 'dropped', 'lost']).default('entered'),
});
export type JourneySelection = z.infer<typeof journeySelectionSchema>;

/** The persons behind a stage or cell count: the same entries, stage-of-touch and touch channel SQL as the map. */
export async function journeyPeopleSql(
  store: Store,
  q: QueryBuilder,
  scope: AnalysisScope,
  journeyId: string | undefined,
  selection: JourneySelection,
): Promise<string> {
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
  let exit = 'NULL';
  for (let k = s + 1; k < S; k++) exit = k === s + 1 ? `n.entry_${k}` : minNullable(exit, `n.entry_${k}`);
  const outcome = {
    entered: '1 = 1',
    reached: '1 = 1',
    converted: last ? '1 = 0' : `${next} IS NOT NULL`,
    dropped: last ? '1 = 0' : `${next} IS NULL`,
    lost: last ? '1 = 0' : `${exit} IS NULL`,
  }[selection.outcome];
  if (selection.channel === undefined && selection.interaction === undefined) {
    return `SELECT n.person_id AS person_id FROM (${ent}) AS n WHERE n.entry_${s} IS NOT NULL AND ${outcome}`;
  }
  const cfg = journey.touchpoints;
  const stageOf = `CASE ${journey.stages
    .map((_, k) => S - 1 - k)
    .map((k) => `WHEN n.entry_${k} <= e.timestamp THEN ${k}`)
    .join(' ')} ELSE -1 END`;
  const excluded = cfg.excludeEvents.length > 0 ? ` AND NOT ${q.d.inArray('e.event', q.list(cfg.excludeEvents))}` : '';
  // Before the touch conditions: a parameter made and left unused breaks the statement.
  if (selection.outcome === 'lost') {
    // The leak's persons: their last touch in the stage they left from is this touchpoint, as the map counts it.
    const lastTouch = `SELECT e.person_id AS person_id, ${q.d.argMax(touchChannelSql(q, cfg, 'e.'), 'e.timestamp')} AS last_channel, ${q.d.argMax('e.event', 'e.timestamp')} AS last_event
FROM ${ev} AS e JOIN (${ent}) AS n ON n.person_id = e.person_id
WHERE ${stageOf} = ${q.num(s)}${excluded} AND n.entry_${s} IS NOT NULL AND ${outcome} GROUP BY e.person_id`;
    const match = [
      ...(selection.channel !== undefined ? [`last_channel = ${q.str(selection.channel)}`] : []),
      ...(selection.interaction !== undefined ? [`last_event = ${q.str(selection.interaction)}`] : []),
    ];
    return `SELECT person_id FROM (${lastTouch}) AS lt WHERE ${match.join(' AND ')}`;
  }
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
