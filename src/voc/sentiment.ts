/**
 * Sentiment of a comment: wink-nlp's lexicon score (−1…1, with negation), corrected by what the
 * project's own scored responses say about domain words the general lexicon does not know
 * ("late", "nightmare", "took too long" score 0 there).
 *
 * The correction is learned, not written: each scored response gives a verdict (NPS promoter 9–10
 * = +1, passive 7–8 = 0, detractor 0–6 = −1; CSAT and other 1–5 scales 4–5 = +1, 3 = 0, 1–2 = −1).
 * For each content lemma seen in at least MIN_SUPPORT scored comments, its polarity is the sum of
 * the verdicts (sign flipped where the lemma is negated) over n + PRIOR, i.e. the mean shrunk
 * toward 0. A comment's domain score is the sum of its lemmas' polarities (sign flipped when the
 * lemma is negated); the sentiment is the library score plus the domain score, clipped to −1…1.
 * Without scored comments it is the library's score alone.
 */
import { analyse, type AnalysedText } from './nlp.ts';

const MIN_SUPPORT = 3;
const PRIOR = 5;

export interface ScoredText {
  text: string;
  /** The response's verdict when it has a score: +1 promoter / satisfied, 0 passive / neutral, −1 detractor / dissatisfied (see verdict()). */
  score: number | null;
  /** How many responses carry this exact comment. */
  n: number;
}

export interface SentimentModel {
  /** Learned domain polarity per lemma. */
  domain: Map<string, number>;
  score(text: string, analysed?: AnalysedText): number;
}

export function librarySentiment(text: string): number {
  return analyse(text).sentiment;
}

export function learnSentiment(texts: ScoredText[], cache = new Map<string, AnalysedText>()): SentimentModel {
  const sum = new Map<string, number>();
  const count = new Map<string, number>();
  for (const t of texts) {
    if (t.score === null) continue;
    let a = cache.get(t.text);
    if (!a) cache.set(t.text, (a = analyse(t.text)));
    const y = t.score;
    for (const l of new Set(a.lemmas)) {
      // A negated lemma is learned with the opposite sign, the same way it is scored.
      sum.set(l, (sum.get(l) ?? 0) + (a.negated.has(l) ? -y : y) * t.n);
      count.set(l, (count.get(l) ?? 0) + t.n);
    }
  }
  const domain = new Map<string, number>();
  for (const [l, n] of count) if (n >= MIN_SUPPORT) domain.set(l, sum.get(l)! / (n + PRIOR));
  return {
    domain,
    score(text, analysed) {
      const a = analysed ?? cache.get(text) ?? analyse(text);
      const known = a.lemmas.filter((l) => domain.has(l));
      const dom = known.reduce((acc, l) => acc + (a.negated.has(l) ? -1 : 1) * domain.get(l)!, 0);
      return Math.max(-1, Math.min(1, a.sentiment + dom));
    },
  };
}

/** A response's verdict from its survey and score: +1, 0 or −1 (see the module comment); null without a score. */
export function verdict(survey: string, score: number | null): number | null {
  if (score === null) return null;
  if (survey === 'NPS') return score >= 9 ? 1 : score >= 7 ? 0 : -1;
  if (survey === 'CES') return score <= 2 ? 1 : score <= 4 ? 0 : -1;
  return score >= 4 ? 1 : score >= 3 ? 0 : -1;
}
