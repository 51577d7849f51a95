/**
 * Customer feedback ('Survey Responded' events) by journey stage and by touchpoint, with themes
 * discovered from the comments, sentiment, and what each theme is linked to (src/voc).
 *
 * - stage: the journey stage the respondent was in when responding (surveyStagesSql, the same
 *   function the journey map uses, so the two always agree); 'before journey' when none yet.
 * - touchpoint: properties.touchpoint, else the name of the person's latest track event before the
 *   response (src/voc/responses.ts), else '(none)'.
 * - NPS: % promoters (9–10) − % detractors (0–6), −100…100, with a 95% interval (normal
 *   approximation of the promoter/detractor multinomial); CSAT: share of scores 4–5 (of 5) with a
 *   95% Wilson interval; CES (1–7, lower is easier): mean with a 95% normal interval.
 * - themes: discovered from the text (src/voc/themes.ts), each with volume, sentiment, trend,
 *   stages, touchpoints, link to drop-off and revenue at risk (src/voc/voice.ts).
 * - phrases: word n-grams (2–3 words, not starting or ending with a stop word) and keywords (single
 *   non-stop words), counted once per response over the distinct comments.
 * - overTime / overTimeByTouchpoint: the same scores per equal slice of the range (up to 6) and
 *   stage or touchpoint.
 */
import type { Store } from '../store/store.ts';
import { type AnalysisScope, ScopeError } from '../scope/scope.ts';
import { defineAnalysis } from '../registry/define.ts';
import { z } from 'zod';
import type { Journey } from '../journeys/definition.ts';
import { JourneyNotFoundError, resolveJourney } from '../journeys/journeys.ts';
import { loadResponses, type SurveyResponse } from '../voc/responses.ts';
import { analyseVoice, type VoiceReport, type VoiceTheme } from '../voc/voice.ts';

export interface FeedbackOptions {
  journeyId?: string;
  /** A journey given directly (tests) instead of a stored one. */
  journey?: Journey;
  /** Example comments per theme (default 3). */
  examples?: number;
  /** Phrases and keywords returned (default 15 each). */
  phrases?: number;
  /** Distinct comments read for sentiment, examples and phrases (default 5000, most frequent first). */
  maxComments?: number;
}

export interface ScoreSummary {
  responses: number;
  nps: {
    responses: number;
    promoters: number;
    passives: number;
    detractors: number;
    score: number;
    average: number;
    interval: [number, number];
  } | null;
  csat: { responses: number; satisfied: number; score: number; average: number; interval: [number, number] } | null;
  /** Customer effort score (1–7, lower is easier). */
  ces: { responses: number; average: number; interval: [number, number] } | null;
  /** Scored responses per (survey, score). */
  distribution: Array<{ survey: string; score: number; count: number }>;
}

export type FeedbackTheme = VoiceTheme;

export interface FeedbackReport {
  total: ScoreSummary;
  /** Responses with a non-empty comment. */
  comments: number;
  byStage: Array<{ stage: string } & ScoreSummary>;
  byTouchpoint: Array<{ touchpoint: string } & ScoreSummary>;
  themes: FeedbackTheme[];
  phrases: Array<{ phrase: string; count: number }>;
  keywords: Array<{ phrase: string; count: number }>;
  journey: { id: string; name: string; stages: string[] };
  /** Sentiment overall, the theme method and comments carrying no theme. */
  voice: Omit<VoiceReport, 'themes'>;
  overTime: Array<{ from: string; stage: string } & ScoreSummary>;
  /** The same per slice and touchpoint. */
  overTimeByTouchpoint: Array<{ from: string; touchpoint: string } & ScoreSummary>;
}

export async function computeFeedback(store: Store, scope: AnalysisScope, options: FeedbackOptions = {}): Promise<FeedbackReport> {
  const examples = options.examples ?? 3;
  const topPhrases = options.phrases ?? 15;
  const maxComments = options.maxComments ?? 5000;
  const journey = options.journey ?? (await resolveJourney(store, scope.projectId, options.journeyId));
  const stageIds = journey.stages.map((s) => s.id);
  const responses = await loadResponses(store, scope, journey);
  const { report: voice } = await analyseVoice(store, scope, responses, { stageIds, examples });
  const stageOf = (r: SurveyResponse) => (r.stageNo >= 0 ? stageIds[r.stageNo]! : 'before journey');

  const toGroups = (rows: SurveyResponse[]) => rows.map((r) => ({ survey: r.survey, score: r.score, n: 1 }));
  const byKey = <K extends 'stage' | 'touchpoint'>(key: K, keyOf: (r: SurveyResponse) => string) => {
    const m = new Map<string, SurveyResponse[]>();
    for (const r of responses) m.set(keyOf(r), [...(m.get(keyOf(r)) ?? []), r]);
    return [...m.entries()]
      .map(([k, rows]) => ({ [key]: k, ...summarize(toGroups(rows)) }) as { [P in K]: string } & ScoreSummary)
      .sort((a, b) => b.responses - a.responses || a[key].localeCompare(b[key]));
  };

  // Distinct comments, most frequent first, for phrases.
  const counts = new Map<string, { text: string; n: number }>();
  for (const r of responses) {
    if (r.comment === '') continue;
    const k = r.comment.toLowerCase();
    const e = counts.get(k) ?? { text: r.comment, n: 0 };
    e.n++;
    counts.set(k, e);
  }
  const comments = [...counts.values()].sort((a, b) => b.n - a.n || a.text.localeCompare(b.text)).slice(0, maxComments);
  const grams = countNgrams(comments);

  const from = scope.from.getTime();
  const span = scope.to.getTime() - from;
  const slices = Math.max(1, Math.min(6, Math.floor(span / (7 * 86_400_000)) || 1));
  const overTime: FeedbackReport['overTime'] = [];
  const overTimeByTouchpoint: FeedbackReport['overTimeByTouchpoint'] = [];
  const touchpoints = [...new Set(responses.map((r) => r.touchpoint))].sort();
  for (let k = 0; k < slices; k++) {
    const inSlice = responses.filter((r) => Math.min(slices - 1, Math.floor(((Date.parse(r.timestamp) - from) / span) * slices)) === k);
    const sliceFrom = new Date(from + (span * k) / slices).toISOString();
    for (const stage of [...stageIds, 'before journey']) {
      const rows = inSlice.filter((r) => stageOf(r) === stage);
      if (rows.length > 0) overTime.push({ from: sliceFrom, stage, ...summarize(toGroups(rows)) });
    }
    for (const touchpoint of touchpoints) {
      const rows = inSlice.filter((r) => r.touchpoint === touchpoint);
      if (rows.length > 0) overTimeByTouchpoint.push({ from: sliceFrom, touchpoint, ...summarize(toGroups(rows)) });
    }
  }

  const { themes, ...voiceRest } = voice;
  return {
    total: summarize(toGroups(responses)),
    comments: voice.comments,
    byStage: byKey('stage', stageOf),
    byTouchpoint: byKey('touchpoint', (r) => r.touchpoint),
    themes,
    phrases: grams
      .filter((g) => g.words > 1)
      .slice(0, topPhrases)
      .map(({ phrase, count }) => ({ phrase, count })),
    keywords: grams
      .filter((g) => g.words === 1)
      .slice(0, topPhrases)
      .map(({ phrase, count }) => ({ phrase, count })),
    journey: { id: journey.id, name: journey.name, stages: stageIds },
    voice: voiceRest,
    overTime,
    overTimeByTouchpoint,
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
  const sum = (xs: typeof distribution, f: (x: (typeof distribution)[number]) => boolean = () => true) =>
    xs.filter(f).reduce((a, x) => a + x.count, 0);
  const nps = of('NPS');
  const csat = of('CSAT');
  const npsN = sum(nps);
  const csatN = sum(csat);
  const promoters = sum(nps, (x) => x.score >= 9);
  const detractors = sum(nps, (x) => x.score <= 6);
  const satisfied = sum(csat, (x) => x.score >= 4);
  const mean = (xs: typeof distribution, n: number) => xs.reduce((a, x) => a + x.score * x.count, 0) / n;
  const ces = of('CES');
  const cesN = sum(ces);
  const z = 1.959963984540054;
  const npsInterval = (): [number, number] => {
    const pp = promoters / npsN;
    const pd = detractors / npsN;
    const se = Math.sqrt(Math.max(0, pp + pd - (pp - pd) ** 2) / npsN) * 100;
    const v = 100 * (pp - pd);
    return [Math.max(-100, v - z * se), Math.min(100, v + z * se)];
  };
  const wilson = (x: number, n: number): [number, number] => {
    const p = x / n;
    const c = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
    const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
    return [c - h, c + h];
  };
  const meanInterval = (xs: typeof distribution, n: number): [number, number] => {
    const m = mean(xs, n);
    const v = n > 1 ? xs.reduce((a, x) => a + x.count * (x.score - m) ** 2, 0) / (n - 1) : 0;
    const h = z * Math.sqrt(v / n);
    return [m - h, m + h];
  };
  return {
    responses: groups.reduce((a, g) => a + g.n, 0),
    nps:
      npsN > 0
        ? {
            responses: npsN,
            promoters,
            passives: npsN - promoters - detractors,
            detractors,
            score: (100 * (promoters - detractors)) / npsN,
            average: mean(nps, npsN),
            interval: npsInterval(),
          }
        : null,
    csat:
      csatN > 0
        ? { responses: csatN, satisfied, score: satisfied / csatN, average: mean(csat, csatN), interval: wilson(satisfied, csatN) }
        : null,
    ces: cesN > 0 ? { responses: cesN, average: mean(ces, cesN), interval: meanInterval(ces, cesN) } : null,
    distribution,
  };
}

// ------------------------------------------------------------------------------ text

const STOP = new Set(
  "a an the and or but so to of in on at for with was were is are be been it its it's this that i my me we our you your they them he she his her as by from again also very really just too than then there here what which who will would could should can did do does had has have not no just about into over after before".split(
    ' ',
  ),
);

function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
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
  summary:
    'Feedback by journey stage and touchpoint (NPS, CSAT, CES with intervals), discovered themes, sentiment, drop-off link and revenue at risk',
  access: 'read',
  input: z.object({
    journeyId: z.string().min(1).optional(),
    examples: z.number().int().min(0).max(50).optional(),
    phrases: z.number().int().min(0).max(200).optional(),
  }),
  run: async ({ store, scope }, input) => {
    try {
      return await computeFeedback(store, scope, input);
    } catch (error) {
      if (error instanceof JourneyNotFoundError) throw new ScopeError(`journeyId: ${error.message}`);
      throw error;
    }
  },
});
