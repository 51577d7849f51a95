/**
 * The English language model shared by sentiment and theme discovery: wink-nlp with
 * wink-eng-lite-web-model, which ships inside its npm package (nothing is downloaded at run time).
 * Loaded once, on first use.
 */
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

type Nlp = ReturnType<typeof winkNLP>;
let instance: Nlp | undefined;

export function nlp(): Nlp {
  instance ??= winkNLP(model);
  return instance;
}

export interface AnalysedText {
  /** wink-nlp's sentiment of the whole text, −1…1 (lexicon with negation handling). */
  sentiment: number;
  /** Lower-case lemmas of the content words (nouns, verbs, adjectives, adverbs, proper nouns), in order. */
  lemmas: string[];
  /** Content-word lemmas grouped in runs (noun phrases and the like), for phrase extraction. */
  chunks: string[][];
  /** Lemmas that sit under a negation ("never got back": got, back). */
  negated: Set<string>;
  /** Adjectives and adverbs that carry sentiment on their own ("great", "late"): opinions, not topics. */
  opinion: Set<string>;
}

const wordPolarity = new Map<string, number>();
/** wink-nlp's sentiment of a single word, cached. */
export function wordSentiment(word: string): number {
  let v = wordPolarity.get(word);
  if (v === undefined) {
    v = Number(nlp().readDoc(word).out(nlp().its.sentiment));
    wordPolarity.set(word, v);
  }
  return v;
}

const CONTENT = new Set(['NOUN', 'PROPN', 'VERB', 'ADJ', 'ADV']);
// Lemmas too common in feedback to say what it is about.
const LIGHT = new Set([
  'be',
  'have',
  'do',
  'get',
  'go',
  'make',
  'take',
  'keep',
  'again',
  'so',
  'very',
  'really',
  'just',
  'too',
  'also',
  'still',
  'even',
  'there',
  'then',
  'not',
  'never',
  'all',
  'it',
  'thing',
  'bit',
  'way',
  'time',
  'much',
  'well',
]);

export function analyse(text: string): AnalysedText {
  const n = nlp();
  const its = n.its;
  const doc = n.readDoc(text);
  const tokens = doc.tokens();
  const pos = tokens.out(its.pos) as string[];
  // The lemma add-on ships with the model; its type in wink-nlp's declarations is narrower than the runtime.
  const lemma = (tokens.out(its.lemma as never) as unknown as string[]).map((l) => l.toLowerCase());
  const neg = tokens.out(its.negationFlag) as unknown as boolean[];
  const lemmas: string[] = [];
  const chunks: string[][] = [];
  const negated = new Set<string>();
  const opinion = new Set<string>();
  let run: string[] = [];
  for (let i = 0; i < lemma.length; i++) {
    const l = lemma[i]!;
    const keep = CONTENT.has(pos[i]!) && /^[a-z][a-z'-]*$/.test(l) && l.length > 1 && !LIGHT.has(l);
    if (keep) {
      lemmas.push(l);
      run.push(l);
      if (neg[i]) negated.add(l);
      if ((pos[i] === 'ADJ' || pos[i] === 'ADV') && wordSentiment(l) !== 0) opinion.add(l);
    } else if (run.length > 0) {
      chunks.push(run);
      run = [];
    }
  }
  if (run.length > 0) chunks.push(run);
  return { sentiment: Number(doc.out(its.sentiment)), lemmas, chunks, negated, opinion };
}
