/**
 * Customer feedback ('Survey Responded' events) by journey stage and by touchpoint, with comment
 * themes, sentiment and frequent phrases.
 *
 * - stage: properties.stage, else 'unassigned'.
 * - touchpoint: properties.touchpoint, else the name of the person's latest track event before the
 *   response (surveys, page/screen views and identify left out; 30 days of history before the
 *   range are looked at), e.g. 'Order Completed', 'Chat Ended', 'Order Delivered'; else '(none)'.
 * - NPS: % promoters (9–10) − % detractors (0–6), −100…100; CSAT: share of scores 4–5 (of 5).
 * - themes: a small retail lexicon (delivery, price, checkout, support, quality, returns, website)
 *   matched as case-insensitive regular expressions in SQL; a comment can carry several themes.
 *   Theme counts and average scores are exact; sentiment and examples come from the most frequent
 *   distinct comments (up to `maxComments`).
 * - sentiment of a comment: (positive − negative hits) / (positive + negative hits) in −1…1, 0 when
 *   no lexicon word occurs; a word within two words after a negator (not, never, no, …n't) counts
 *   with the opposite sign, and a few negative phrases ('never got back', 'took too long') count as
 *   one negative hit. A theme's sentiment is the response-weighted mean over its comments.
 * - phrases: word n-grams (2–3 words, not starting or ending with a stop word) and keywords (single
 *   non-stop words), counted once per response over the distinct comments.
 */
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { SURVEY_EVENT, scopedEvents, type AnalysisScope } from '../scope/scope.ts';
import { defineAnalysis } from '../registry/define.ts';
import { z } from 'zod';

export const FEEDBACK_THEMES: ReadonlyArray<{ theme: string; pattern: string }> = [
  { theme: 'delivery', pattern: String.raw`\b(deliver\w*|shipping|shipped|ship|arriv\w*|late|courier|carrier|parcel|package|tracking|dispatch\w*)\b` },
  { theme: 'price', pattern: String.raw`\b(price\w*|pricing|cost\w*|expensive|cheap\w*|value|discount\w*|promo\w*|coupon\w*|deal\w*|overpriced)\b` },
  { theme: 'checkout', pattern: String.raw`\b(checkout|check out|payment\w*|pay|paid|paying|card|cart|basket)\b` },
  { theme: 'support', pattern: String.raw`\b(support|customer service|help\w*|agent\w*|chat\w*|call\w*|respon\w*|got back|staff)\b` },
  { theme: 'quality', pattern: String.raw`\b(quality|damaged|broken|defect\w*|faulty|durable|material\w*|as described|fit\w*|size\w*)\b` },
  { theme: 'returns', pattern: String.raw`\b(return\w*|refund\w*|exchang\w*)\b` },
  { theme: 'website', pattern: String.raw`\b(website|site|app|page\w*|search\w*|navigat\w*|find|login|log in|crash\w*|slow to load|loading)\b` },
];

export interface FeedbackOptions {
  /** Example comments per theme (default 3). */
  examples?: number;
  /** Phrases and keywords returned (default 15 each). */
  phrases?: number;
  /** Distinct comments read for sentiment, examples and phrases (default 5000, most frequent first). */
  maxComments?: number;
}

export interface ScoreSummary {
  responses: number;
  nps: { responses: number; promoters: number; passives: number; detractors: number; score: number; average: number } | null;
  csat: { responses: number; satisfied: number; score: number; average: number } | null;
  /** Scored responses per (survey, score). */
  distribution: Array<{ survey: string; score: number; count: number }>;
}

export interface FeedbackTheme {
  theme: string;
  /** Responses whose comment matches the theme. */
  mentions: number;
  averageNps: number | null;
  averageCsat: number | null;
  sentiment: number | null;
  examples: string[];
}

export interface FeedbackReport {
  total: ScoreSummary;
  /** Responses with a non-empty comment. */
  comments: number;
  byStage: Array<{ stage: string } & ScoreSummary>;
  byTouchpoint: Array<{ touchpoint: string } & ScoreSummary>;
  themes: FeedbackTheme[];
  phrases: Array<{ phrase: string; count: number }>;
  keywords: Array<{ phrase: string; count: number }>;
}

const LOOKBACK_MS = 30 * 86_400_000;

export async function computeFeedback(store: Store, scope: AnalysisScope, options: FeedbackOptions = {}): Promise<FeedbackReport> {
  const examples = options.examples ?? 3;
  const topPhrases = options.phrases ?? 15;
  const maxComments = options.maxComments ?? 5000;
  const d = store.dialect;

  // Responses with stage, touchpoint, survey, score and comment, as a CTE named `resp`.
  const responses = (q: QueryBuilder) => {
    const events = scopedEvents(q, { ...scope, from: new Date(scope.from.getTime() - LOOKBACK_MS) });
    const touch = `CASE WHEN type = 'track' AND event <> '${SURVEY_EVENT}' THEN event ELSE NULL END`;
    return `WITH t AS (
  SELECT event, timestamp, properties,
    ${d.lastNonNullOver(touch, 'PARTITION BY person_id ORDER BY timestamp, message_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING')} AS prev_event
  FROM ${events} AS e
),
resp AS (
  SELECT coalesce(nullif(${d.jsonString('properties', ['stage'])}, ''), 'unassigned') AS stage,
    coalesce(nullif(${d.jsonString('properties', ['touchpoint'])}, ''), prev_event, '(none)') AS touchpoint,
    ${d.jsonString('properties', ['survey'])} AS survey,
    ${d.jsonNumber('properties', ['score'])} AS score,
    trim(${d.jsonString('properties', ['comment'])}) AS comment
  FROM t WHERE event = '${SURVEY_EVENT}' AND timestamp >= ${q.time(scope.from)}
)`;
  };
  const themeFlags = (q: QueryBuilder) =>
    FEEDBACK_THEMES.map((t, i) => `CASE WHEN ${d.regexpMatches('lower(comment)', q.str(t.pattern))} THEN 1 ELSE 0 END AS m${i}`).join(', ');

  const qa = new QueryBuilder(d);
  const groupsSql = `${responses(qa)}
SELECT stage, touchpoint, survey, score AS score_value, count(*) AS n, ${d.countIf(`comment <> ''`)} AS with_comment
FROM resp GROUP BY stage, touchpoint, survey, score${d.querySuffix}`;

  const qb = new QueryBuilder(d);
  const commentsSql = `${responses(qb)}
SELECT min(comment) AS text, lower(comment) AS comment_key, count(*) AS n,
  ${d.countIf(`survey = 'NPS' AND score IS NOT NULL`)} AS nps_n, ${d.countIf(`survey = 'CSAT' AND score IS NOT NULL`)} AS csat_n,
  ${FEEDBACK_THEMES.map((_, i) => `max(m${i}) AS theme${i}`).join(', ')}
FROM (SELECT comment, survey, score, ${themeFlags(qb)} FROM resp WHERE comment <> '') AS c
GROUP BY lower(comment) ORDER BY n DESC, comment_key LIMIT ${qb.num(maxComments)}${d.querySuffix}`;

  const qc = new QueryBuilder(d);
  const themeSql = `${responses(qc)}
SELECT ${FEEDBACK_THEMES.map(
    (_, i) => `${d.countIf(`m${i} = 1`)} AS n${i},
  ${d.countIf(`m${i} = 1 AND survey = 'NPS' AND score IS NOT NULL`)} AS nps_n${i}, ${d.sumIf('score', `m${i} = 1 AND survey = 'NPS' AND score IS NOT NULL`)} AS nps_sum${i},
  ${d.countIf(`m${i} = 1 AND survey = 'CSAT' AND score IS NOT NULL`)} AS csat_n${i}, ${d.sumIf('score', `m${i} = 1 AND survey = 'CSAT' AND score IS NOT NULL`)} AS csat_sum${i}`,
  ).join(',\n  ')}
FROM (SELECT survey, score, ${themeFlags(qc)} FROM resp WHERE comment <> '') AS c${d.querySuffix}`;

  const groups = (await store.query(qa.build(groupsSql))).map((r) => ({
    stage: String(r.stage),
    touchpoint: String(r.touchpoint),
    survey: String(r.survey ?? ''),
    score: r.score_value === null || r.score_value === undefined ? null : Number(r.score_value),
    n: Number(r.n),
    withComment: Number(r.with_comment),
  }));
  const comments = (await store.query(qb.build(commentsSql))).map((r) => ({
    text: String(r.text),
    n: Number(r.n),
    themes: FEEDBACK_THEMES.map((_, i) => Number(r[`theme${i}`]) === 1),
  }));
  const [totals = {}] = await store.query(qc.build(themeSql));

  const sentimentOf = new Map(comments.map((c) => [c.text, commentSentiment(c.text)]));
  const themes: FeedbackTheme[] = FEEDBACK_THEMES.map((t, i) => {
    const num = (k: string) => Number((totals as Record<string, unknown>)[`${k}${i}`] ?? 0);
    const matching = comments.filter((c) => c.themes[i]);
    const weight = matching.reduce((a, c) => a + c.n, 0);
    return {
      theme: t.theme,
      mentions: num('n'),
      averageNps: num('nps_n') > 0 ? num('nps_sum') / num('nps_n') : null,
      averageCsat: num('csat_n') > 0 ? num('csat_sum') / num('csat_n') : null,
      sentiment: weight > 0 ? matching.reduce((a, c) => a + c.n * sentimentOf.get(c.text)!, 0) / weight : null,
      examples: matching.slice(0, examples).map((c) => c.text),
    };
  }).sort((a, b) => b.mentions - a.mentions || a.theme.localeCompare(b.theme));

  const grams = countNgrams(comments);
  const byKey = <K extends 'stage' | 'touchpoint'>(key: K) => {
    const keys = [...new Set(groups.map((g) => g[key]))];
    return keys
      .map((k) => ({ [key]: k, ...summarize(groups.filter((g) => g[key] === k)) }) as { [P in K]: string } & ScoreSummary)
      .sort((a, b) => b.responses - a.responses || a[key].localeCompare(b[key]));
  };
  return {
    total: summarize(groups),
    comments: groups.reduce((a, g) => a + g.withComment, 0),
    byStage: byKey('stage'),
    byTouchpoint: byKey('touchpoint'),
    themes,
    phrases: grams.filter((g) => g.words > 1).slice(0, topPhrases).map(({ phrase, count }) => ({ phrase, count })),
    keywords: grams.filter((g) => g.words === 1).slice(0, topPhrases).map(({ phrase, count }) => ({ phrase, count })),
  };
}

/** NPS, CSAT and the score distribution of a set of (survey, score, count) groups. */
export function summarize(groups: Array<{ survey: string; score: number | null; n: number }>): ScoreSummary {
  const dist = new Map<string, { survey: string; score: number; count: number }>();
  for (const g of groups) {
    if (g.score === null) continue;
    const k = `${g.survey}\u0000${g.score}`;
    const e = dist.get(k) ?? { survey: g.survey, score: g.score, count: 0 };
    e.count += g.n;
    dist.set(k, e);
  }
  const distribution = [...dist.values()].sort((a, b) => a.survey.localeCompare(b.survey) || a.score - b.score);
  const of = (survey: string) => distribution.filter((x) => x.survey === survey);
  const sum = (xs: typeof distribution, f: (x: (typeof distribution)[number]) => boolean = () => true) => xs.filter(f).reduce((a, x) => a + x.count, 0);
  const nps = of('NPS');
  const csat = of('CSAT');
  const npsN = sum(nps);
  const csatN = sum(csat);
  const promoters = sum(nps, (x) => x.score >= 9);
  const detractors = sum(nps, (x) => x.score <= 6);
  const satisfied = sum(csat, (x) => x.score >= 4);
  const mean = (xs: typeof distribution, n: number) => xs.reduce((a, x) => a + x.score * x.count, 0) / n;
  return {
    responses: groups.reduce((a, g) => a + g.n, 0),
    nps: npsN > 0 ? { responses: npsN, promoters, passives: npsN - promoters - detractors, detractors, score: (100 * (promoters - detractors)) / npsN, average: mean(nps, npsN) } : null,
    csat: csatN > 0 ? { responses: csatN, satisfied, score: satisfied / csatN, average: mean(csat, csatN) } : null,
    distribution,
  };
}

// ------------------------------------------------------------------------------ text

const POSITIVE = new Set(
  'good great excellent easy easily fast quick quickly love loved lovely helpful friendly perfect amazing happy recommend smooth nice best awesome satisfied pleased ok okay fantastic wonderful beautiful reliable simple convenient'.split(' '),
);
const NEGATIVE = new Set(
  'bad terrible awful poor late slow broken damaged failing failed fail fails wrong rude difficult confusing expensive worst disappointed disappointing missing lost delayed problem problems issue issues crash crashed error errors hate unhelpful long horrible useless annoying frustrating overpriced'.split(' '),
);
const NEGATORS = new Set(['not', 'no', 'never', 'without', 'hardly', 'nothing', 'nobody']);
const NEGATIVE_PHRASES = ['never got back', 'took too long', 'too long', 'not as described', 'could not find', "couldn't find"];
const STOP = new Set(
  "a an the and or but so to of in on at for with was were is are be been it its it's this that i my me we our you your they them he she his her as by from again also very really just too than then there here what which who will would could should can did do does had has have not no just about into over after before".split(' '),
);

function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
}

/** Lexicon sentiment of one comment in −1…1 (see the module comment). */
export function commentSentiment(text: string): number {
  let lower = ` ${words(text).join(' ')} `;
  let negative = 0;
  for (const p of NEGATIVE_PHRASES) {
    while (lower.includes(` ${p} `)) {
      negative++;
      lower = lower.replace(` ${p} `, ' ');
    }
  }
  let positive = 0;
  const ws = lower.trim().split(' ').filter(Boolean);
  ws.forEach((w, i) => {
    const value = POSITIVE.has(w) ? 1 : NEGATIVE.has(w) ? -1 : 0;
    if (value === 0) return;
    const negated = [ws[i - 1], ws[i - 2]].some((x) => x !== undefined && (NEGATORS.has(x) || x.endsWith("n't")));
    if ((value > 0) !== negated) positive++;
    else negative++;
  });
  return positive + negative === 0 ? 0 : (positive - negative) / (positive + negative);
}

/** n-grams (1–3 words) of the distinct comments, each counted once per response. */
export function countNgrams(comments: Array<{ text: string; n: number }>): Array<{ phrase: string; count: number; words: number }> {
  const counts = new Map<string, number>();
  for (const c of comments) {
    const ws = words(c.text);
    const seen = new Set<string>();
    for (let size = 1; size <= 3; size++) {
      for (let i = 0; i + size <= ws.length; i++) {
        const gram = ws.slice(i, i + size);
        if (STOP.has(gram[0]!) || STOP.has(gram[size - 1]!)) continue;
        seen.add(gram.join(' '));
      }
    }
    for (const g of seen) counts.set(g, (counts.get(g) ?? 0) + c.n);
  }
  return [...counts.entries()]
    .map(([phrase, count]) => ({ phrase, count, words: phrase.split(' ').length }))
    .filter((g) => g.words === 1 || g.count >= 2)
    .sort((a, b) => b.count - a.count || b.words - a.words || a.phrase.localeCompare(b.phrase));
}

export const feedbackAnalysis = defineAnalysis({
  id: 'feedback',
  path: '/api/v1/feedback',
  summary: 'Feedback by stage and touchpoint, themes and sentiment',
  access: 'read',
  input: z.object({
    examples: z.number().int().min(0).max(50).optional(),
    phrases: z.number().int().min(0).max(200).optional(),
  }),
  run: ({ store, scope }, input) => computeFeedback(store, scope, input),
});
