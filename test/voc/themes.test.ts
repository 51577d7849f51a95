/**
 * Planted themes: a generator writes comments about six known themes with known signs
 * (test/voc/planted.ts); theme discovery recovers them and sentiment agrees with the planted sign.
 *
 * purity = share of (discovered theme, comment) assignments whose comment carries the theme's
 * majority planted theme; recall = share of (comment, planted theme) pairs that land in a
 * discovered theme whose majority is that planted theme.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyse } from '../../src/voc/nlp.ts';
import { learnSentiment, librarySentiment, verdict } from '../../src/voc/sentiment.ts';
import { discoverThemes, type DiscoveredTheme } from '../../src/voc/themes.ts';
import { PLANTED_THEMES, plantedComments, type PlantedComment } from './planted.ts';

describe('theme discovery and sentiment on planted comments', () => {
  let comments: PlantedComment[];
  let themes: DiscoveredTheme[];
  const majority = new Map<DiscoveredTheme, string>();
  before(() => {
    comments = plantedComments(900, 11);
    themes = discoverThemes(comments.map((c) => ({ text: c.text, n: 1, analysed: analyse(c.text) })));
    for (const t of themes) {
      const counts = new Map<string, number>();
      for (const i of t.docs) for (const p of comments[i]!.themes) counts.set(p, (counts.get(p) ?? 0) + 1);
      majority.set(t, [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0]);
    }
  });

  it('recovers every planted theme as the majority of some discovered theme', () => {
    assert.deepEqual([...new Set(majority.values())].sort(), PLANTED_THEMES.map((t) => t.id).sort());
  });

  it('discovers themes with purity and recall of at least 0.85', () => {
    let assigned = 0;
    let pure = 0;
    for (const t of themes)
      for (const i of t.docs) {
        assigned++;
        if (comments[i]!.themes.includes(majority.get(t)!)) pure++;
      }
    let pairs = 0;
    let found = 0;
    comments.forEach((c, i) => {
      for (const p of c.themes) {
        pairs++;
        if (themes.some((t) => majority.get(t) === p && t.docs.includes(i))) found++;
      }
    });
    const purity = pure / assigned;
    const recall = found / pairs;
    console.log(
      `planted themes: ${themes.length} discovered (${themes.map((t) => t.label).join(', ')}); purity ${purity.toFixed(3)}, recall ${recall.toFixed(3)}`,
    );
    assert.ok(purity >= 0.85, `purity ${purity}`);
    assert.ok(recall >= 0.85, `recall ${recall}`);
  });

  it('agrees with the planted sign on at least 85% of comments (library plus learned domain words)', () => {
    const model = learnSentiment(comments.map((c) => ({ text: c.text, score: verdict('NPS', c.score), n: 1 })));
    const agree = comments.filter((c) => Math.sign(model.score(c.text)) === c.sign).length / comments.length;
    const libraryAlone = comments.filter((c) => Math.sign(librarySentiment(c.text)) === c.sign).length / comments.length;
    console.log(`sentiment sign agreement ${agree.toFixed(3)} (library alone ${libraryAlone.toFixed(3)})`);
    assert.ok(agree >= 0.85, `agreement ${agree}`);
  });

  it('learns domain words the general lexicon scores 0 from the scores of the same responses', () => {
    assert.equal(librarySentiment('The parking lot was a nightmare'), 0);
    const model = learnSentiment(comments.map((c) => ({ text: c.text, score: verdict('NPS', c.score), n: 1 })));
    assert.ok(model.score('The parking lot was a nightmare') < 0);
    assert.ok(model.score('The delivery was three days late') < 0);
  });

  it('scores unscored comments with the library alone', () => {
    const model = learnSentiment([]);
    assert.equal(model.score('Customer service was super helpful'), librarySentiment('Customer service was super helpful'));
    assert.ok(model.score('Customer service was super helpful') > 0);
  });
});
