import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { createAudience } from '../../src/audiences/audiences.ts';
import { syncAudience } from '../../src/audiences/sync.ts';
import { createPersona, personaSize } from '../../src/journeys/personas.ts';
import { discoverInputSchema, discoverPersonas, type DiscoverResult } from '../../src/personas/discover.ts';
import { adjustedRandIndex } from '../../src/personas/kmeans.ts';
import { mulberry32 } from '../../src/stats/random.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';

const DAY = 86_400_000;
const START = Date.parse('2026-03-01T00:00:00Z');
const MOBILE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

interface Kind {
  label: string;
  ua: string;
  query: string;
  referrer: string;
  category: string;
  visits: [number, number];
  buy: number;
  survey?: { name: string; score: [number, number]; comment: string };
}

const KINDS: Kind[] = [
  {
    label: 'deal mobile browsers',
    ua: MOBILE,
    query: '?utm_source=facebook&utm_medium=paid_social',
    referrer: '',
    category: 'Sale',
    visits: [2, 5],
    buy: 0.03,
  },
  {
    label: 'loyal desktop buyers',
    ua: DESKTOP,
    query: '',
    referrer: '',
    category: 'Kitchen',
    visits: [5, 9],
    buy: 0.6,
    survey: { name: 'NPS', score: [8, 10], comment: 'Always reliable' },
  },
  {
    label: 'unhappy searchers',
    ua: DESKTOP,
    query: '',
    referrer: 'https://www.google.com/',
    category: 'Garden',
    visits: [2, 4],
    buy: 0.75,
    survey: { name: 'CSAT', score: [1, 2], comment: 'Delivery was late' },
  },
  {
    label: 'email gift shoppers',
    ua: MOBILE,
    query: '?utm_source=newsletter&utm_medium=email',
    referrer: '',
    category: 'Gifts',
    visits: [3, 6],
    buy: 0.5,
    survey: { name: 'NPS', score: [9, 10], comment: 'Lovely gifts' },
  },
];

/**
 * 600 persons in four behavioural personas; the label of each person is the truth. Within a persona
 * behaviour is consistent (every member of a surveyed persona answers; buyers' personas nearly all
 * buy), so the planted structure is four groups, not buyer/non-buyer halves of each.
 */
function simulate(seed = 11) {
  const rng = mulberry32(seed);
  const labels = new Map<string, string>();
  const messages: object[] = [];
  let m = 0;
  for (let i = 0; i < 600; i++) {
    const kind = KINDS[i % 4]!;
    const id = `q${String(i).padStart(4, '0')}`;
    labels.set(id, kind.label);
    const visits = kind.visits[0] + Math.floor(rng() * (kind.visits[1] - kind.visits[0] + 1));
    for (let v = 0; v < visits; v++) {
      const t = START + rng() * 80 * DAY;
      const ts = (s: number) => new Date(t + s * 1000).toISOString();
      const ctx = { userAgent: kind.ua };
      messages.push({
        type: 'page',
        userId: id,
        messageId: `n${m++}`,
        timestamp: ts(0),
        context: { ...ctx, page: { url: `https://shop.example/${kind.query}`, referrer: kind.referrer } },
      });
      const category = rng() < 0.8 ? kind.category : KINDS[Math.floor(rng() * 4)]!.category;
      messages.push({
        type: 'track',
        event: 'Product Viewed',
        userId: id,
        messageId: `n${m++}`,
        timestamp: ts(10),
        properties: { category },
        context: ctx,
      });
      if (rng() < kind.buy) {
        messages.push({ type: 'track', event: 'Product Added', userId: id, messageId: `n${m++}`, timestamp: ts(20), context: ctx });
        messages.push({ type: 'track', event: 'Checkout Started', userId: id, messageId: `n${m++}`, timestamp: ts(30), context: ctx });
        messages.push({
          type: 'track',
          event: 'Order Completed',
          userId: id,
          messageId: `n${m++}`,
          timestamp: ts(40),
          properties: { revenue: 30 + Math.round(rng() * 60) },
          context: ctx,
        });
      }
    }
    if (kind.survey) {
      const [lo, hi] = kind.survey.score;
      messages.push({
        type: 'track',
        event: 'Survey Responded',
        userId: id,
        messageId: `n${m++}`,
        timestamp: new Date(START + 85 * DAY).toISOString(),
        properties: { survey: kind.survey.name, score: lo + Math.floor(rng() * (hi - lo + 1)), comment: kind.survey.comment },
      });
    }
  }
  return { labels, messages };
}

const sim = simulate();

describeEachStore('persona discovery', (ctx) => {
  let result: DiscoverResult;
  before(async () => {
    await ingest(ctx.store, 'shop', sim.messages);
    result = await discoverPersonas(ctx.store, 'shop', discoverInputSchema.parse({ includeAssignments: true }));
  });

  it('finds the four planted personas by silhouette and matches their labels (adjusted Rand index)', () => {
    assert.equal(result.k, 4, JSON.stringify(result.silhouetteByK));
    const truth = result.assignments!.map((a) => sim.labels.get(a.personId)!);
    const ari = adjustedRandIndex(
      truth,
      result.assignments!.map((a) => a.cluster),
    );
    console.log(
      `personas: k=${result.k}, silhouette ${result.silhouetteByK.map((s) => `${s.k}:${s.silhouette.toFixed(3)}`).join(' ')}, BIC prefers ${result.bicK} (${result.silhouetteByK.map((s) => `${s.k}:${s.bic.toFixed(0)}`).join(' ')}), ARI ${ari.toFixed(3)}; ${result.personas.map((p) => `${p.name} (${p.size})`).join('; ')}`,
    );
    assert.ok(ari >= 0.8, `ARI ${ari}`);
    assert.equal(result.silhouetteK, 4);
    assert.ok(result.silhouetteByK.every((s) => Number.isFinite(s.bic)));
    assert.equal(
      result.personas.reduce((s, p) => s + p.size, 0),
      600,
    );
  });

  it('describes each persona by what sets it apart, with a profile card', () => {
    const byTruth = (label: string) => {
      const ids = new Set([...sim.labels].filter(([, l]) => l === label).map(([id]) => id));
      const counts = new Map<number, number>();
      for (const a of result.assignments!) if (ids.has(a.personId)) counts.set(a.cluster, (counts.get(a.cluster) ?? 0) + 1);
      const cluster = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
      return result.personas.find((p) => p.cluster === cluster)!;
    };
    const loyal = byTruth('loyal desktop buyers');
    assert.match(loyal.name, /Kitchen/);
    assert.match(loyal.name, /repeat buyers|buyers/);
    assert.ok(loyal.value.ordersPerPerson > 2);
    assert.ok(loyal.nps.score! > 0);
    assert.equal(loyal.themes[0]!.comment, 'Always reliable');
    const deal = byTruth('deal mobile browsers');
    assert.match(deal.name, /browsers/);
    assert.match(deal.name, /Sale/);
    assert.equal(deal.topChannels[0]!.channel, 'Paid Social');
    assert.ok(deal.mobileShare > 0.9);
    const unhappy = byTruth('unhappy searchers');
    assert.equal(unhappy.topChannels[0]!.channel, 'Organic Search');
    assert.equal(unhappy.themes[0]!.comment, 'Delivery was late');
    assert.ok(unhappy.stageConversion.ordered > 0.5 && unhappy.stageConversion.viewedProduct === 1);
    const names = result.personas.map((p) => p.name);
    assert.equal(new Set(names).size, names.length, 'names tell personas apart');
  });

  it('saves a discovered persona as an editable rule persona and as a model audience', async () => {
    const deal = result.personas.find((p) => /Sale/.test(p.name))!;
    const saved = await createPersona(ctx.store, 'shop', { name: deal.name, segment: deal.suggestedSegment });
    const size = await personaSize(ctx.store, 'shop', saved);
    assert.ok(Math.abs(size.persons - deal.size) / deal.size < 0.25, `rule persona ${size.persons} vs cluster ${deal.size}`);
    const audience = await createAudience(ctx.store, 'shop', {
      name: 'Deal seekers',
      source: { kind: 'model', model: 'discovered-persona', params: { model: result.model, cluster: deal.cluster } },
    });
    const synced = await syncAudience(ctx.store, audience);
    assert.equal(synced.size, deal.size, 'assignment in SQL reproduces the clustering');
  });
});
