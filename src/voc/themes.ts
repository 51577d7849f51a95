/**
 * Themes discovered from comment text, with no list of themes written in advance:
 *
 * 1. Phrase extraction: each comment's content lemmas (wink-nlp POS tags and lemmas) and the
 *    two-word phrases inside its noun/verb runs are its candidate terms. Opinion words (adjectives
 *    and adverbs that carry sentiment on their own: "great", "late") are left out: they say how
 *    people feel, not what about.
 * 2. Terms said in at least `minSupport` responses are kept (at most `maxTerms`, most said first).
 * 3. Clustering: average-linkage agglomerative clustering of the terms on their normalised
 *    pointwise mutual information across comments (NPMI, −1…1: 1 = always said together,
 *    0 = independent); clusters merge while their average NPMI is at least `threshold`.
 * 4. A comment carries every theme one of whose core terms it contains (a comment can carry
 *    several); core terms are those whose mean NPMI with the rest of their cluster is at least
 *    the threshold. A cluster whose comments lie mostly (≥ `redundancy`) inside one larger
 *    cluster is a fragment of it and is folded in; a one-term cluster whose comments mostly carry
 *    other themes is a word said across themes ("order", "overall"), not a theme, and is dropped.
 * 5. A theme's label is its most said two-word phrase, else its two most said terms.
 *
 * Counts are weighted by how many responses carry each distinct comment.
 */
import type { AnalysedText } from './nlp.ts';

export interface ThemeDoc {
  text: string;
  /** Responses carrying this exact comment. */
  n: number;
  analysed: AnalysedText;
}

export interface DiscoveredTheme {
  label: string;
  /** The theme's terms, most said first. */
  terms: string[];
  /** Indexes of the docs (distinct comments) that carry the theme. */
  docs: number[];
  /** Responses that carry the theme. */
  mentions: number;
}

export interface ThemeOptions {
  minSupport?: number;
  maxTerms?: number;
  threshold?: number;
  redundancy?: number;
  maxThemes?: number;
}

export function docTerms(a: AnalysedText): Set<string> {
  const terms = new Set<string>();
  for (const l of a.lemmas) if (!a.opinion.has(l)) terms.add(l);
  for (const chunk of a.chunks) {
    for (let i = 0; i + 1 < chunk.length; i++) {
      const x = chunk[i]!;
      const y = chunk[i + 1]!;
      if (!a.opinion.has(x) && !a.opinion.has(y) && x !== y) terms.add(`${x} ${y}`);
    }
  }
  return terms;
}

export function discoverThemes(docs: ThemeDoc[], options: ThemeOptions = {}): DiscoveredTheme[] {
  const total = docs.reduce((a, d) => a + d.n, 0);
  if (total === 0) return [];
  const minSupport = options.minSupport ?? Math.max(3, Math.ceil(total * 0.005));
  const threshold = options.threshold ?? 0.3;
  const redundancy = options.redundancy ?? 0.6;

  const docTermSets = docs.map((d) => docTerms(d.analysed));
  const { terms, weight } = frequentTerms(docs, docTermSets, minSupport, options.maxTerms ?? 250);
  if (terms.length === 0) return [];
  const npmi = termNpmi(docs, docTermSets, terms, weight, total);
  const clusters = averageLinkage(terms.length, npmi, threshold);

  const mentionsOf = (ds: number[]) => ds.reduce((a, i) => a + docs[i]!.n, 0);
  let themes = clusters.map((members) => clusterComments(members, terms, weight, npmi, threshold, docTermSets));
  themes = foldFragments(themes, docs, mentionsOf, redundancy);
  themes = dropFillers(themes, mentionsOf, redundancy);

  return themes
    .map((t) => {
      const mentions = t.docs.reduce((a, i) => a + docs[i]!.n, 0);
      const phrase = t.terms.find((x) => x.includes(' '));
      const label = phrase ?? t.terms.slice(0, 2).join(' / ');
      return { label, terms: t.terms, docs: t.docs, mentions };
    })
    .filter((t) => t.mentions >= minSupport)
    .sort((a, b) => b.mentions - a.mentions || a.label.localeCompare(b.label))
    .slice(0, options.maxThemes ?? 25);
}

/** Terms said in at least `minSupport` responses, most said first (at most `maxTerms`), with their response weights. */
function frequentTerms(
  docs: ThemeDoc[],
  docTermSets: Array<Set<string>>,
  minSupport: number,
  maxTerms: number,
): { terms: string[]; weight: Map<string, number> } {
  const weight = new Map<string, number>();
  docTermSets.forEach((ts, i) => ts.forEach((t) => weight.set(t, (weight.get(t) ?? 0) + docs[i]!.n)));
  const terms = [...weight.entries()]
    .filter(([, w]) => w >= minSupport)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, maxTerms)
    .map(([t]) => t);
  return { terms, weight };
}

/** Normalised PMI of two kept terms (by index) from their co-occurrence in comments, weighted by responses. */
function termNpmi(
  docs: ThemeDoc[],
  docTermSets: Array<Set<string>>,
  terms: string[],
  weight: Map<string, number>,
  total: number,
): (a: number, b: number) => number {
  const K = terms.length;
  const index = new Map(terms.map((t, i) => [t, i]));
  const co = new Float64Array(K * K);
  docTermSets.forEach((ts, i) => {
    const ids = [...ts].map((t) => index.get(t)).filter((x): x is number => x !== undefined);
    for (const a of ids) for (const b of ids) if (a !== b) co[a * K + b]! += docs[i]!.n;
  });
  const p = terms.map((t) => weight.get(t)! / total);
  return (a: number, b: number): number => {
    const c = co[a * K + b]!;
    if (c === 0) return -1;
    const pab = c / total;
    if (pab >= 1) return 1;
    return Math.log(pab / (p[a]! * p[b]!)) / -Math.log(pab);
  };
}

/** Average linkage: sum of pairwise NPMI between clusters, merged while the mean stays at least the threshold. */
function averageLinkage(K: number, npmi: (a: number, b: number) => number, threshold: number): number[][] {
  const ids = Array.from({ length: K }, (_, i) => i);
  let clusters: number[][] = ids.map((i) => [i]);
  let sums: number[][] = ids.map((a) => ids.map((b) => (a === b ? 0 : npmi(a, b))));
  for (;;) {
    let best = -Infinity;
    let bi = -1;
    let bj = -1;
    for (let i = 0; i < clusters.length; i++)
      for (let j = i + 1; j < clusters.length; j++) {
        const mean = sums[i]![j]! / (clusters[i]!.length * clusters[j]!.length);
        if (mean > best) {
          best = mean;
          bi = i;
          bj = j;
        }
      }
    if (bi < 0 || best < threshold) break;
    const merged = [...clusters[bi]!, ...clusters[bj]!];
    const row = clusters.map((_, k) => sums[bi]![k]! + sums[bj]![k]!);
    const keep = clusters.map((_, k) => k !== bi && k !== bj);
    clusters = [...clusters.filter((_, k) => keep[k]), merged];
    const kept = sums.filter((_, k) => keep[k]).map((r, _i) => [...r.filter((_, k) => keep[k])]);
    const newRow = row.filter((_, k) => keep[k]);
    sums = kept.map((r, i) => [...r, newRow[i]!]);
    sums.push([...newRow, 0]);
  }
  return clusters;
}

interface ThemeDraft {
  terms: string[];
  docs: number[];
}

/**
 * A cluster's terms (most said first) and the comments it carries. Only its core terms (mean NPMI
 * with the rest of it at least the threshold) assign comments to it: a term that joined through
 * one phrase ("store" via "store staff") but is said as often elsewhere ("parking at the store")
 * would otherwise pull those comments in.
 */
function clusterComments(
  members: number[],
  terms: string[],
  weight: Map<string, number>,
  npmi: (a: number, b: number) => number,
  threshold: number,
  docTermSets: Array<Set<string>>,
): ThemeDraft {
  const ts = members.map((m) => terms[m]!).sort((a, b) => weight.get(b)! - weight.get(a)! || a.localeCompare(b));
  const core = members.filter(
    (m) => members.length === 1 || members.reduce((a, o) => a + (o === m ? 0 : npmi(m, o)), 0) / (members.length - 1) >= threshold,
  );
  const set = new Set((core.length > 0 ? core : members).map((m) => terms[m]!));
  const ds: number[] = [];
  docTermSets.forEach((dt, i) => {
    for (const t of dt) if (set.has(t)) return void ds.push(i);
  });
  return { terms: ts, docs: ds };
}

/**
 * Fragments: a cluster whose comments lie mostly (≥ redundancy) inside ONE larger cluster is a
 * part of it ("full / leave" inside "parking lot"): folded in, its terms added.
 */
function foldFragments(themes: ThemeDraft[], docs: ThemeDoc[], mentionsOf: (ds: number[]) => number, redundancy: number): ThemeDraft[] {
  for (let changed = true; changed;) {
    changed = false;
    const order = themes.map((t, k) => ({ k, w: mentionsOf(t.docs) })).sort((a, b) => a.w - b.w);
    for (const { k, w } of order) {
      const t = themes[k]!;
      const own = new Set(t.docs);
      let best = -1;
      let bestShare = 0;
      themes.forEach((o, j) => {
        if (j === k || mentionsOf(o.docs) < w) return;
        const inside = o.docs.reduce((a, i) => a + (own.has(i) ? docs[i]!.n : 0), 0);
        if (inside / w > bestShare) {
          bestShare = inside / w;
          best = j;
        }
      });
      if (best >= 0 && bestShare >= redundancy) {
        const into = themes[best]!;
        themes[best] = { terms: [...into.terms, ...t.terms], docs: [...new Set([...into.docs, ...t.docs])].sort((a, b) => a - b) };
        themes = themes.filter((_, j) => j !== k);
        changed = true;
        break;
      }
    }
  }
  return themes;
}

/**
 * Fillers: a one-term cluster said across themes ("order", "overall"): most of its comments carry
 * other themes, none of which holds most of them. Not a theme of its own.
 */
function dropFillers(themes: ThemeDraft[], mentionsOf: (ds: number[]) => number, redundancy: number): ThemeDraft[] {
  for (let changed = true; changed;) {
    changed = false;
    const carriers = new Map<number, number>();
    for (const t of themes) for (const i of t.docs) carriers.set(i, (carriers.get(i) ?? 0) + 1);
    const k = themes.findIndex(
      (t) => t.terms.length === 1 && mentionsOf(t.docs.filter((i) => carriers.get(i)! > 1)) >= redundancy * mentionsOf(t.docs),
    );
    if (k >= 0) {
      themes = themes.filter((_, j) => j !== k);
      changed = true;
    }
  }
  return themes;
}
