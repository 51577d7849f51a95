/**
 * The voice of the customer: themes discovered from survey comments (themes.ts), sentiment
 * (sentiment.ts), and what each theme is linked to.
 *
 * Per theme:
 * - mentions: responses whose comment carries the theme; share of commented responses.
 * - sentiment: mean sentiment of those comments (−1…1); negative share.
 * - trend: mentions and share per equal slice of the range (up to 6), and the change between the
 *   first and second half as a difference of shares with a 95% interval (rising / falling when
 *   the interval excludes 0).
 * - stages and touchpoints where it is said (stage = the respondent's journey stage when
 *   responding, the shared definition), with example comments per stage.
 * - link to drop-off: persons who mentioned the theme vs respondents who did not; outcome = placed
 *   an order after their first response in the range; difference of rates with a 95% Wald interval.
 * - revenueAtRisk: (others' rate − mentioners' rate, when positive) × mentioners × average order
 *   value, with the interval carried through.
 */
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { type AnalysisScope, ORDER_EVENT, SURVEY_EVENT, scopedEvents } from '../scope/scope.ts';
import { analyse, type AnalysedText } from './nlp.ts';
import { normalisedScore, type SurveyResponse } from './responses.ts';
import { learnSentiment, verdict } from './sentiment.ts';
import { discoverThemes, type ThemeOptions } from './themes.ts';

export interface RateComparison {
  outcome: string;
  mentioners: { persons: number; rate: number | null };
  others: { persons: number; rate: number | null };
  /** mentioners' rate − others' rate, with a 95% interval. */
  difference: number | null;
  interval: [number, number] | null;
}

export interface VoiceTheme {
  theme: string;
  terms: string[];
  mentions: number;
  share: number;
  sentiment: number;
  negativeShare: number;
  averageScore: number | null;
  trend: {
    slices: Array<{ from: string; mentions: number; comments: number; share: number | null }>;
    change: number | null;
    interval: [number, number] | null;
    direction: 'rising' | 'falling' | 'flat' | 'unknown';
  };
  /** Per stage: mentions, mean sentiment, and the negative and positive mentions with their most said comments. */
  stages: Array<{
    stage: string;
    mentions: number;
    sentiment: number;
    examples: string[];
    negative: number;
    positive: number;
    negativeExamples: string[];
    positiveExamples: string[];
  }>;
  touchpoints: Array<{ touchpoint: string; mentions: number; sentiment: number }>;
  dropOff: RateComparison;
  revenueAtRisk: number;
  revenueAtRiskInterval: [number, number] | null;
  examples: string[];
}

export interface VoiceReport {
  method: string;
  comments: number;
  distinctComments: number;
  sentiment: { comments: number; mean: number | null; positive: number; negative: number; neutral: number };
  themes: VoiceTheme[];
  /** Comments carrying no theme. */
  unthemed: number;
}

export interface VoiceOptions extends ThemeOptions {
  stageIds: string[];
  examples?: number;
}

const Z = 1.959963984540054;

function diffInterval(x1: number, n1: number, x2: number, n2: number): { diff: number | null; interval: [number, number] | null } {
  if (n1 === 0 || n2 === 0) return { diff: null, interval: null };
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  return { diff: p1 - p2, interval: [p1 - p2 - Z * se, p1 - p2 + Z * se] };
}

/** Per respondent: first response time in range and whether an order followed it; the range's AOV. */
async function respondentOutcomes(store: Store, scope: AnalysisScope): Promise<{ ordered: Map<string, boolean>; aov: number }> {
  const d = store.dialect;
  const q = new QueryBuilder(d);
  const ev = scopedEvents(q, scope);
  const perPerson = `SELECT person_id, ${d.minIf('timestamp', `event = '${SURVEY_EVENT}'`)} AS first_response, max(CASE WHEN event = '${ORDER_EVENT}' THEN timestamp END) AS last_order
FROM ${ev} AS e GROUP BY person_id`;
  const rows = await store.query(
    q.build(
      `SELECT person_id, CASE WHEN last_order > first_response THEN 1 ELSE 0 END AS ordered FROM (${perPerson}) AS p WHERE first_response IS NOT NULL`,
    ),
  );
  const q2 = new QueryBuilder(d);
  const [tot] = await store.query(
    q2.build(
      `SELECT count(*) AS orders, coalesce(sum(revenue), 0) AS revenue FROM ${scopedEvents(q2, scope, { extraWhere: [`event = '${ORDER_EVENT}'`] })} AS o`,
    ),
  );
  const orders = Number(tot?.orders ?? 0);
  return {
    ordered: new Map(rows.map((r) => [String(r.person_id), Number(r.ordered) === 1])),
    aov: orders > 0 ? Number(tot!.revenue) / orders : 0,
  };
}

export async function analyseVoice(
  store: Store,
  scope: AnalysisScope,
  responses: SurveyResponse[],
  options: VoiceOptions,
): Promise<{ report: VoiceReport; sentimentOf: Map<string, number> }> {
  const commented = responses.filter((r) => r.comment !== '');
  const { docs, docIndex, sentimentOf } = commentSentiment(commented);

  const discovered = discoverThemes(docs, options);
  const { ordered, aov } = discovered.length > 0 ? await respondentOutcomes(store, scope) : { ordered: new Map<string, boolean>(), aov: 0 };
  const ctx: ThemeContext = {
    commented,
    sentimentOf,
    docOf: (r) => docIndex.get(r.comment.toLowerCase())!,
    slices: rangeSlices(scope, commented),
    respondents: new Set(responses.map((r) => r.personId)),
    ordered,
    aov,
    examplesN: options.examples ?? 3,
    stageName: (s: number) => (s >= 0 ? (options.stageIds[s] ?? String(s)) : 'before journey'),
  };

  const themedDocs = new Set<number>();
  const themes = discovered.map((t) => {
    t.docs.forEach((i) => themedDocs.add(i));
    return voiceTheme(t, ctx);
  });

  const allSent = commented.map((r) => sentimentOf.get(r.messageId)!);
  return {
    report: {
      method:
        'themes: wink-nlp lemmas and two-word phrases, clustered by co-occurrence (NPMI, average linkage); sentiment: wink-nlp lexicon score plus domain words learned from the scores of the same responses',
      comments: commented.length,
      distinctComments: docs.length,
      sentiment: {
        comments: allSent.length,
        mean: allSent.length > 0 ? allSent.reduce((a, x) => a + x, 0) / allSent.length : null,
        positive: allSent.filter((x) => x > 0).length,
        negative: allSent.filter((x) => x < 0).length,
        neutral: allSent.filter((x) => x === 0).length,
      },
      themes,
      unthemed: docs.reduce((a, d, i) => a + (themedDocs.has(i) ? 0 : d.n), 0),
    },
    sentimentOf,
  };
}

interface CommentDoc {
  text: string;
  n: number;
  analysed: AnalysedText;
  scores: Array<number | null>;
}

/**
 * Distinct comments (case-insensitive), analysed once each, and each response's sentiment from
 * the lexicon plus the domain words learned from the scores of the same responses.
 */
function commentSentiment(commented: SurveyResponse[]): {
  docs: CommentDoc[];
  docIndex: Map<string, number>;
  sentimentOf: Map<string, number>;
} {
  const byKey = new Map<string, CommentDoc>();
  for (const r of commented) {
    const key = r.comment.toLowerCase();
    let e = byKey.get(key);
    if (!e) byKey.set(key, (e = { text: r.comment, n: 0, analysed: analyse(r.comment), scores: [] }));
    e.n++;
    e.scores.push(verdict(r.survey, r.score));
  }
  const docs = [...byKey.values()];
  const docIndex = new Map([...byKey.keys()].map((k, i) => [k, i]));
  const model = learnSentiment(
    docs.flatMap((d) => d.scores.map((s) => ({ text: d.text, score: s, n: 1 }))),
    new Map(docs.map((d) => [d.text, d.analysed])),
  );
  const docSentiment = docs.map((d) => model.score(d.text, d.analysed));
  const sentimentOf = new Map<string, number>();
  for (const r of commented) sentimentOf.set(r.messageId, docSentiment[docIndex.get(r.comment.toLowerCase())!]!);
  return { docs, docIndex, sentimentOf };
}

interface RangeSlices {
  from: number;
  span: number;
  count: number;
  of: (ts: string) => number;
  /** Comments in each slice, the denominator of a theme's share there. */
  comments: number[];
}

/** Equal slices of the range (at most 6, at least a week each) for the themes' trend. */
function rangeSlices(scope: AnalysisScope, commented: SurveyResponse[]): RangeSlices {
  const from = scope.from.getTime();
  const span = scope.to.getTime() - from;
  const count = Math.max(1, Math.min(6, Math.floor(span / (7 * 86_400_000)) || 1));
  const of = (ts: string) => Math.min(count - 1, Math.max(0, Math.floor(((Date.parse(ts) - from) / span) * count)));
  const comments = new Array<number>(count).fill(0);
  for (const r of commented) comments[of(r.timestamp)]!++;
  return { from, span, count, of, comments };
}

/** What every theme is measured against. */
interface ThemeContext {
  commented: SurveyResponse[];
  sentimentOf: Map<string, number>;
  docOf: (r: SurveyResponse) => number;
  slices: RangeSlices;
  respondents: Set<string>;
  ordered: Map<string, boolean>;
  aov: number;
  examplesN: number;
  stageName: (stageNo: number) => string;
}

/** One discovered theme: its mentions, sentiment, scores, trend, stages, touchpoints, and its link to drop-off. */
function voiceTheme(t: ReturnType<typeof discoverThemes>[number], ctx: ThemeContext): VoiceTheme {
  const { commented, sentimentOf } = ctx;
  const docSet = new Set(t.docs);
  const rows = commented.filter((r) => docSet.has(ctx.docOf(r)));
  const sent = rows.map((r) => sentimentOf.get(r.messageId)!);
  const scores = rows.map((r) => normalisedScore(r.survey, r.score)).filter((x): x is number => x !== null);
  const mean = (xs: SurveyResponse[]) => xs.reduce((a, r) => a + sentimentOf.get(r.messageId)!, 0) / xs.length;
  const topTexts = (xs: SurveyResponse[]) => mostFrequentTexts(xs, ctx.examplesN);
  const { nm, xm, no, xo, cmp } = mentionersOrdered(rows, ctx);
  const gap = cmp.diff === null ? 0 : Math.max(0, -cmp.diff);
  return {
    theme: t.label,
    terms: t.terms.slice(0, 10),
    mentions: rows.length,
    share: commented.length > 0 ? rows.length / commented.length : 0,
    sentiment: sent.length > 0 ? sent.reduce((a, x) => a + x, 0) / sent.length : 0,
    negativeShare: sent.length > 0 ? sent.filter((x) => x < 0).length / sent.length : 0,
    averageScore: scores.length > 0 ? scores.reduce((a, x) => a + x, 0) / scores.length : null,
    trend: themeTrend(rows, ctx.slices),
    stages: groupResponses(rows, (r) => ctx.stageName(r.stageNo)).map(([stage, xs]) => {
      const neg = xs.filter((r) => sentimentOf.get(r.messageId)! < 0);
      const pos = xs.filter((r) => sentimentOf.get(r.messageId)! > 0);
      return {
        stage,
        mentions: xs.length,
        sentiment: mean(xs),
        examples: topTexts(xs),
        negative: neg.length,
        positive: pos.length,
        negativeExamples: topTexts(neg),
        positiveExamples: topTexts(pos),
      };
    }),
    touchpoints: groupResponses(rows, (r) => r.touchpoint).map(([touchpoint, xs]) => ({
      touchpoint,
      mentions: xs.length,
      sentiment: mean(xs),
    })),
    dropOff: {
      outcome: 'ordered after their first response in the range',
      mentioners: { persons: nm, rate: nm > 0 ? xm / nm : null },
      others: { persons: no, rate: no > 0 ? xo / no : null },
      difference: cmp.diff,
      interval: cmp.interval,
    },
    revenueAtRisk: gap * nm * ctx.aov,
    revenueAtRiskInterval: cmp.interval
      ? [Math.max(0, -cmp.interval[1]) * nm * ctx.aov, Math.max(0, -cmp.interval[0]) * nm * ctx.aov]
      : null,
    examples: topTexts(rows),
  };
}

/** Responses grouped by a key, the largest group first (then by key). */
function groupResponses<K extends string>(rows: SurveyResponse[], key: (r: SurveyResponse) => K): Array<[K, SurveyResponse[]]> {
  const m = new Map<K, SurveyResponse[]>();
  for (const r of rows) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
  return [...m.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
}

/** The most frequent comments; the same comment in another case is the same comment, shown as first written. */
function mostFrequentTexts(xs: SurveyResponse[], limit: number): string[] {
  const c = new Map<string, { text: string; n: number }>();
  for (const r of xs) {
    const k = r.comment.toLowerCase();
    const e = c.get(k) ?? { text: r.comment, n: 0 };
    e.n++;
    c.set(k, e);
  }
  return [...c.values()]
    .sort((a, b) => b.n - a.n || a.text.localeCompare(b.text))
    .slice(0, limit)
    .map((e) => e.text);
}

/** The theme's share of comments per slice, and the change from the first half of the range to the second. */
function themeTrend(rows: SurveyResponse[], slices: RangeSlices): VoiceTheme['trend'] {
  const { count: sliceCount, comments: commentsPerSlice, from, span } = slices;
  const perSlice = new Array<number>(sliceCount).fill(0);
  for (const r of rows) perSlice[slices.of(r.timestamp)]!++;
  const half = Math.floor(sliceCount / 2);
  const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);
  const trendDiff =
    sliceCount >= 2
      ? diffInterval(
          sum(perSlice.slice(half)),
          sum(commentsPerSlice.slice(half)),
          sum(perSlice.slice(0, half)),
          sum(commentsPerSlice.slice(0, half)),
        )
      : { diff: null, interval: null };
  return {
    slices: perSlice.map((m, k) => ({
      from: new Date(from + (span * k) / sliceCount).toISOString(),
      mentions: m,
      comments: commentsPerSlice[k]!,
      share: commentsPerSlice[k]! > 0 ? m / commentsPerSlice[k]! : null,
    })),
    change: trendDiff.diff,
    interval: trendDiff.interval,
    direction:
      trendDiff.interval === null ? 'unknown' : trendDiff.interval[0] > 0 ? 'rising' : trendDiff.interval[1] < 0 ? 'falling' : 'flat',
  };
}

/** Respondents who mentioned the theme against the other respondents: how many of each ordered afterwards. */
function mentionersOrdered(
  rows: SurveyResponse[],
  ctx: ThemeContext,
): { nm: number; xm: number; no: number; xo: number; cmp: ReturnType<typeof diffInterval> } {
  const mentioners = new Set(rows.map((r) => r.personId));
  let xm = 0;
  let xo = 0;
  let no = 0;
  for (const p of ctx.respondents) {
    const o = ctx.ordered.get(p) === true;
    if (mentioners.has(p)) xm += o ? 1 : 0;
    else {
      no++;
      xo += o ? 1 : 0;
    }
  }
  const nm = mentioners.size;
  return { nm, xm, no, xo, cmp: diffInterval(xm, nm, xo, no) };
}
