import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { computeFeedback, countNgrams } from '../../src/analysis/feedback.ts';
import type { AnalysisScope } from '../../src/scope/scope.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';

let n = 0;
const track = (u: string, ts: string, event: string, properties: object = {}) => ({
  type: 'track',
  messageId: `f${n++}`,
  userId: u,
  timestamp: ts,
  event,
  properties,
});
const survey = (u: string, ts: string, properties: object) => track(u, ts, 'Survey Responded', properties);

// Range [04-01, 04-03). Seven responses in range, one before it.
const WORLD = [
  track('u1', '2026-04-01T10:00:00Z', 'Order Completed', { order_id: 'o1', revenue: 10 }),
  survey('u1', '2026-04-01T10:01:00Z', { survey: 'CSAT', score: 5, stage: 'purchase', comment: 'Checkout was so easy' }),
  track('u2', '2026-04-01T11:00:00Z', 'Chat Ended', { channel: 'Customer Service', topic: 'returns' }),
  survey('u2', '2026-04-01T11:02:00Z', { survey: 'CSAT', score: 2, stage: 'experience', comment: 'Support never got back to me' }),
  // The touchpoint is found a week before the range.
  track('u3', '2026-03-25T08:00:00Z', 'Order Delivered', { order_id: 'o3' }),
  survey('u3', '2026-04-02T09:00:00Z', { survey: 'NPS', score: 9, stage: 'experience', comment: 'Fast delivery, great quality' }),
  // A page view between delivery and survey is not a touchpoint.
  track('u4', '2026-04-01T08:00:00Z', 'Order Delivered', { order_id: 'o4' }),
  {
    type: 'page',
    messageId: `f${n++}`,
    userId: 'u4',
    timestamp: '2026-04-01T12:00:00Z',
    context: { page: { url: 'https://shop.example.com/' } },
  },
  survey('u4', '2026-04-01T13:00:00Z', { survey: 'NPS', score: 3, stage: 'experience', comment: 'Delivery was late again, not good' }),
  // No stage; an explicit touchpoint; the same comment in other case.
  survey('u5', '2026-04-02T10:00:00Z', { survey: 'NPS', score: 7, touchpoint: 'Email', comment: 'delivery was late again, not good' }),
  survey('u6', '2026-04-02T11:00:00Z', { survey: 'NPS', score: 10, stage: 'loyalty' }),
  survey('u7', '2026-03-30T11:00:00Z', { survey: 'NPS', score: 0, stage: 'loyalty', comment: 'Terrible' }),
  survey('u8', '2026-04-02T12:00:00Z', {
    survey: 'CSAT',
    score: 4,
    stage: 'purchase',
    touchpoint: 'Order Completed',
    comment: 'Prices are too high but the returns were easy',
  }),
];

describeEachStore('feedback by stage', (ctx) => {
  const project = 'feedback-world';
  const scope: AnalysisScope = { projectId: project, from: new Date('2026-04-01T00:00:00Z'), to: new Date('2026-04-03T00:00:00Z') };
  before(async () => {
    await ingest(ctx.store, project, WORLD);
  });

  it('computes NPS, CSAT and the score distribution over the range', async () => {
    const r = await computeFeedback(ctx.store, scope);
    assert.equal(r.total.responses, 7);
    assert.equal(r.comments, 6);
    // NPS 9, 3, 7, 10: two promoters, one passive, one detractor.
    const { interval: npsInterval, ...nps } = r.total.nps!;
    assert.deepEqual(nps, { responses: 4, promoters: 2, passives: 1, detractors: 1, score: 25, average: 29 / 4 });
    // NPS interval: 25 ± 1.96 × 100 × sqrt((0.5 + 0.25 − 0.25²) / 4), clipped to −100…100.
    const h = 1.959963984540054 * 100 * Math.sqrt((0.5 + 0.25 - 0.0625) / 4);
    assert.ok(Math.abs(npsInterval[0] - (25 - h)) < 1e-9 && Math.abs(npsInterval[1] - Math.min(100, 25 + h)) < 1e-9);
    const { interval: csatInterval, ...csat } = r.total.csat!;
    assert.deepEqual(csat, { responses: 3, satisfied: 2, score: 2 / 3, average: 11 / 3 });
    assert.ok(
      csatInterval[0] < 2 / 3 && csatInterval[1] > 2 / 3 && csatInterval[0] > 0 && csatInterval[1] < 1,
      'Wilson interval inside 0…1',
    );
    assert.equal(r.total.ces, null);
    assert.deepEqual(r.total.distribution, [
      { survey: 'CSAT', score: 2, count: 1 },
      { survey: 'CSAT', score: 4, count: 1 },
      { survey: 'CSAT', score: 5, count: 1 },
      { survey: 'NPS', score: 3, count: 1 },
      { survey: 'NPS', score: 7, count: 1 },
      { survey: 'NPS', score: 9, count: 1 },
      { survey: 'NPS', score: 10, count: 1 },
    ]);
  });

  it("groups by the journey stage the respondent was in when responding (the journey map's own rule)", async () => {
    // In range: u1 ordered, then answered (purchase); u4 had a delivery, then answered (experience);
    // u3's delivery is before the range, so in range she, like u2, u5, u6 and u8, has only interacted (awareness).
    const r = await computeFeedback(ctx.store, scope);
    assert.deepEqual(
      r.byStage.map((s) => [s.stage, s.responses, s.nps?.score ?? null, s.csat?.score ?? null]),
      [
        ['awareness', 5, (100 * 2) / 3, 0.5],
        ['experience', 1, -100, null],
        ['purchase', 1, null, 1],
      ],
    );
    assert.deepEqual(r.journey.stages, ['awareness', 'consideration', 'purchase', 'experience', 'loyalty']);
    // One slice for a two-day range: over time equals the totals per stage and touchpoint.
    assert.deepEqual(r.overTime.map((s) => [s.stage, s.responses]).sort(), [
      ['awareness', 5],
      ['experience', 1],
      ['purchase', 1],
    ]);
    assert.equal(
      r.overTimeByTouchpoint.reduce((a, s) => a + s.responses, 0),
      7,
    );
  });

  it('groups by touchpoint: the property, else the latest preceding track event', async () => {
    const r = await computeFeedback(ctx.store, scope);
    assert.deepEqual(
      r.byTouchpoint.map((s) => [s.touchpoint, s.responses, s.nps?.score ?? null, s.csat?.score ?? null]),
      [
        ['Order Completed', 2, null, 1],
        ['Order Delivered', 2, 0, null],
        ['(none)', 1, 100, null],
        ['Chat Ended', 1, null, 0],
        ['Email', 1, 0, null],
      ],
    );
  });

  it('discovers the theme said in three comments and scores its sentiment with the library', async () => {
    const r = await computeFeedback(ctx.store, scope);
    assert.equal(r.themes.length, 1);
    const t = r.themes[0]!;
    assert.ok(t.terms.includes('delivery'), t.terms.join(','));
    // 'Fast delivery, great quality' (u3), 'Delivery was late again, not good' (u4, u5).
    assert.equal(t.mentions, 3);
    assert.deepEqual(t.examples, ['Delivery was late again, not good', 'Fast delivery, great quality']);
    assert.deepEqual(
      t.stages.map((s) => [s.stage, s.mentions]),
      [
        ['awareness', 2],
        ['experience', 1],
      ],
    );
    assert.equal(t.negativeShare, 2 / 3);
    assert.equal(r.voice.comments, 6);
  });

  it('finds repeated phrases and keywords', async () => {
    const r = await computeFeedback(ctx.store, scope);
    assert.deepEqual(r.phrases, [{ phrase: 'delivery was late', count: 2 }]);
    assert.deepEqual(r.keywords.slice(0, 4), [
      { phrase: 'delivery', count: 3 },
      { phrase: 'easy', count: 2 },
      { phrase: 'good', count: 2 },
      { phrase: 'late', count: 2 },
    ]);
  });
});

describe('phrases', () => {
  it('counts an n-gram once per response and drops stop-word edges', () => {
    const grams = countNgrams([
      { text: 'the checkout the checkout failed', n: 2 },
      { text: 'checkout failed', n: 1 },
    ]);
    assert.deepEqual(grams.slice(0, 3), [
      { phrase: 'checkout failed', count: 3, words: 2 },
      { phrase: 'checkout', count: 3, words: 1 },
      { phrase: 'failed', count: 3, words: 1 },
    ]);
    assert.equal(
      grams.find((g) => g.phrase === 'the checkout'),
      undefined,
    );
  });
});
