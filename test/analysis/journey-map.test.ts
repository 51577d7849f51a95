import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { computeJourneyMap, type JourneyMap } from '../../src/analysis/journey-map.ts';
import { parseJourney } from '../../src/journeys/definition.ts';
import { ingest, minutesAfter } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';
import { journeyMessages, ORIGIN } from './journey-map-fixture.ts';

const scope = (projectId: string) => ({ projectId, from: new Date('2026-01-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') });

describeEachStore('journey map', (ctx) => {
  let map: JourneyMap;
  before(async () => {
    await ingest(ctx.store, 'jm', journeyMessages());
    map = await computeJourneyMap(ctx.store, scope('jm'));
  });

  it('counts persons entering each default stage, their conversion, median time to next and drop-off', () => {
    assert.equal(map.persons, 5);
    assert.equal(map.orders, 4);
    assert.equal(map.revenue, 290);
    assert.equal(map.avgOrderValue, 72.5);
    const rows = map.stages.map((s) => [
      s.id,
      s.entered,
      s.converted,
      s.conversionRate,
      s.medianTimeToNextSeconds,
      s.dropOff,
      s.lost,
      s.revenue,
    ]);
    // Eve's server-side order is her first interaction: aware and buying at once, so she skips consideration.
    assert.deepEqual(rows, [
      ['awareness', 5, 3, 0.6, 600, 2, 1, 290],
      ['consideration', 3, 2, 2 / 3, 4050, 1, 1, 210],
      ['purchase', 3, 1, 1 / 3, 171000, 2, 2, 290],
      ['experience', 1, 1, 1, 259200, 0, 0, 160],
      ['loyalty', 1, 0, null, null, 0, 0, 160],
    ]);
    assert.deepEqual(
      map.stages.map((s) => [s.id, s.identified, s.anonymous, s.skippedInto]),
      [
        ['awareness', 4, 1, 0],
        ['consideration', 3, 0, 0],
        ['purchase', 3, 0, 1],
        ['experience', 1, 0, 0],
        ['loyalty', 1, 0, 0],
      ],
    );
    assert.equal(map.anonymous, 1);
  });

  it('assigns each touch to the stage the person was in and keeps pre-identify touches with the person', () => {
    const cells = map.grid.map((c) => [
      c.stage,
      c.touchpoint,
      c.reached,
      c.converted,
      c.medianTimeInStageSeconds,
      c.dropOff,
      c.revenueInfluenced,
    ]);
    assert.deepEqual(cells, [
      ['awareness', 'Email · Email Link Clicked', 1, 1, 1200, 0, 0],
      ['awareness', 'Paid Search · Page Viewed', 1, 1, 600, 0, 160],
      ['awareness', 'Paid Social · Page Viewed', 1, 1, 300, 0, 50],
      ['awareness', 'Web · Page Viewed', 1, 0, null, 1, 0],
      ['consideration', 'Web · Product Viewed', 3, 2, 4050, 1, 210],
      ['consideration', 'Web · Checkout Started', 1, 0, null, 1, 0],
      ['purchase', 'Web · Order Completed', 3, 1, 171000, 2, 290],
      ['purchase', 'Web · Survey Responded', 1, 0, null, 1, 80],
      ['experience', 'Web · Order Delivered', 1, 1, 259200, 0, 160],
      ['experience', 'Web · Survey Responded', 1, 1, 259200, 0, 160],
      ['loyalty', 'Web · Order Completed', 1, 0, null, 0, 160],
    ]);
    const pv = map.grid.find((c) => c.touchpoint === 'Web · Product Viewed')!;
    assert.equal(pv.shareOfStage, 1);
    assert.equal(map.grid.find((c) => c.touchpoint === 'Web · Checkout Started')!.shareOfStage, 1 / 3);
  });

  it('attaches each survey to the stage its respondent was in, normalises scores and scores comment sentiment', () => {
    // Eve's CSAT 2 comes right after her order: purchase. Ann's NPS 10 comes after delivery: experience.
    const purchase = map.stages[2]!;
    assert.equal(purchase.emotionScore, 0.25);
    assert.deepEqual(
      { ...purchase.feedback, sentiment: undefined },
      {
        responses: 1,
        score: 0.25,
        nps: { responses: 0, promoters: 0, detractors: 0, score: null },
        csat: { responses: 1, mean: 2 },
        sentiment: undefined,
      },
    );
    assert.equal(purchase.feedback.sentiment.comments, 1);
    assert.ok(purchase.feedback.sentiment.score! < 0, 'checkout kept failing reads negative');
    const exp = map.stages[3]!;
    assert.deepEqual(
      { ...exp.feedback, sentiment: undefined },
      {
        responses: 1,
        score: 1,
        nps: { responses: 1, promoters: 1, detractors: 0, score: 100 },
        csat: { responses: 0, mean: null },
        sentiment: undefined,
      },
    );
    assert.ok(exp.feedback.sentiment.score! > 0, 'fast delivery, great quality reads positive');
    assert.equal(map.stages[4]!.feedback.responses, 0);
    // Two comments are below a theme's minimum support: no pain points are invented from single comments.
    assert.deepEqual(
      map.stages.map((s) => s.painPoints.length + s.delights.length),
      [0, 0, 0, 0, 0],
    );
    // The promoter's survey is spread to every experience touchpoint she reached.
    assert.equal(map.grid.find((c) => c.stage === 'experience' && c.interaction === 'Order Delivered')!.feedback.score, 1);
    assert.equal(map.grid.find((c) => c.stage === 'loyalty' && c.interaction === 'Order Completed')!.feedback.responses, 0);
  });

  it('counts stage-to-stage flows including a skip from start straight to purchase and exits', () => {
    const flows = map.flows.map((f) => `${f.from}>${f.to}:${f.persons}:${f.skipped}`).sort();
    assert.deepEqual(flows, [
      'awareness>consideration:3:0',
      'awareness>exit:1:0',
      'awareness>purchase:1:1',
      'consideration>exit:1:0',
      'consideration>purchase:2:0',
      'experience>loyalty:1:0',
      'loyalty>exit:1:0',
      'purchase>exit:2:0',
      'purchase>experience:1:0',
      'start>awareness:5:0',
    ]);
  });

  it('values each lost person once, at their last touchpoint, by the downstream conversion of their stage × AOV', () => {
    // Lost: dan (awareness, page view), bob (consideration, checkout started), cat (purchase, her
    // order), eve (purchase, her survey). Downstream conversion = entrants who ordered after entering:
    // awareness 2/5 (ann, cat), consideration 2/3 (ann, cat), purchase 1/3 (ann's repeat).
    assert.deepEqual(
      map.leaks.map((l) => [l.stage, l.touchpoint, l.lost, l.avgOrderValue, l.downstreamConversion, l.value]),
      [
        ['consideration', 'Web · Checkout Started', 1, 72.5, 2 / 3, (2 / 3) * 72.5],
        ['awareness', 'Web · Page Viewed', 1, 72.5, 2 / 5, (2 / 5) * 72.5],
        ['purchase', 'Web · Order Completed', 1, 72.5, 1 / 3, (1 / 3) * 72.5],
        ['purchase', 'Web · Survey Responded', 1, 72.5, 1 / 3, (1 / 3) * 72.5],
      ],
    );
    assert.equal(
      map.leaks.reduce((a, l) => a + l.lost, 0),
      map.stages.reduce((a, s) => a + s.lost, 0),
    );
    assert.ok(map.leakTotal <= map.revenuePossible);
    assert.equal(map.revenuePossible, 5 * 72.5);
  });

  it('applies path regex, property filters, nth occurrence after a stage, and the time range', async () => {
    const journey = parseJourney({
      name: 'Custom',
      stages: [
        { id: 'landed', name: 'Landed', rules: [{ pathRegex: '^/$' }] },
        {
          id: 'big-order',
          name: 'Big order',
          rules: [{ events: ['Order Completed'], properties: [{ key: 'revenue', op: 'gte', value: 80 }] }],
        },
        { id: 'second', name: 'Second order after landing', rules: [{ events: ['Order Completed'], after: 'landed', minOccurrence: 2 }] },
      ],
    });
    const m = await computeJourneyMap(ctx.store, scope('jm'), { journey });
    // Landed: ann, cat, dan (bob's first page is a product page). Big orders: ann (100), eve (80).
    assert.deepEqual(
      m.stages.map((s) => [s.id, s.entered, s.converted]),
      [
        ['landed', 3, 1],
        ['big-order', 2, 1],
        ['second', 1, 0],
      ],
    );
    const early = await computeJourneyMap(ctx.store, { ...scope('jm'), to: new Date(minutesAfter(ORIGIN, 60)) }, { journey });
    assert.deepEqual(
      early.stages.map((s) => s.entered),
      [3, 2, 0],
    );
  });
});
