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
    const rows = map.stages.map((s) => [s.id, s.entered, s.converted, s.conversionRate, s.medianTimeToNextSeconds, s.dropOff, s.lost, s.revenue]);
    assert.deepEqual(rows, [
      ['awareness', 4, 3, 0.75, 600, 1, 1, 210],
      ['consideration', 3, 2, 2 / 3, 4050, 1, 1, 210],
      ['purchase', 3, 2, 2 / 3, 85800, 1, 1, 290],
      ['experience', 2, 1, 0.5, 86400, 1, 1, 240],
      ['loyalty', 1, 0, null, null, 0, 0, 160],
    ]);
  });

  it('assigns each touch to the stage the person was in and keeps pre-identify touches with the person', () => {
    const cells = map.grid.map((c) => [c.stage, c.touchpoint, c.reached, c.converted, c.medianTimeInStageSeconds, c.dropOff, c.revenueInfluenced]);
    assert.deepEqual(cells, [
      ['awareness', 'Email · Email Link Clicked', 1, 1, 1200, 0, 0],
      ['awareness', 'Paid Search · Page Viewed', 1, 1, 600, 0, 160],
      ['awareness', 'Paid Social · Page Viewed', 1, 1, 300, 0, 50],
      ['awareness', 'Web · Page Viewed', 1, 0, null, 1, 0],
      ['consideration', 'Web · Product Viewed', 3, 2, 4050, 1, 210],
      ['consideration', 'Web · Checkout Started', 1, 0, null, 1, 0],
      ['purchase', 'Web · Order Completed', 3, 2, 85800, 1, 290],
      ['experience', 'Web · Order Delivered', 1, 1, 86400, 0, 160],
      ['experience', 'Web · Survey Responded', 1, 0, null, 1, 80],
      ['loyalty', 'Web · Order Completed', 1, 0, null, 0, 160],
      ['loyalty', 'Web · Survey Responded', 1, 0, null, 0, 160],
    ]);
    const pv = map.grid.find((c) => c.touchpoint === 'Web · Product Viewed')!;
    assert.equal(pv.shareOfStage, 1);
    assert.equal(map.grid.find((c) => c.touchpoint === 'Web · Checkout Started')!.shareOfStage, 1 / 3);
  });

  it('normalises survey scores, splits NPS and CSAT and scores comment sentiment per stage and cell', () => {
    const exp = map.stages[3]!;
    assert.equal(exp.emotionScore, 0.25);
    assert.deepEqual(exp.feedback, { responses: 1, score: 0.25, nps: { responses: 0, promoters: 0, detractors: 0, score: null }, csat: { responses: 1, mean: 2 }, sentiment: { comments: 1, score: -1 } });
    assert.deepEqual(exp.painPoints, [{ comment: 'checkout kept failing', mentions: 1 }]);
    const loyal = map.stages[4]!;
    assert.deepEqual(loyal.feedback, { responses: 1, score: 1, nps: { responses: 1, promoters: 1, detractors: 0, score: 100 }, csat: { responses: 0, mean: null }, sentiment: { comments: 1, score: 1 } });
    // The promoter's survey is spread to every loyalty touchpoint she reached.
    assert.equal(map.grid.find((c) => c.stage === 'loyalty' && c.interaction === 'Order Completed')!.feedback.score, 1);
    assert.equal(map.grid.find((c) => c.stage === 'experience' && c.interaction === 'Order Delivered')!.feedback.responses, 0);
  });

  it('counts stage-to-stage flows including a skip from start straight to purchase and exits', () => {
    const flows = map.flows.map((f) => `${f.from}>${f.to}:${f.persons}:${f.skipped}`).sort();
    assert.deepEqual(flows, [
      'awareness>consideration:3:0',
      'awareness>exit:1:0',
      'consideration>exit:1:0',
      'consideration>purchase:2:0',
      'experience>exit:1:0',
      'experience>loyalty:1:0',
      'loyalty>exit:1:0',
      'purchase>exit:1:0',
      'purchase>experience:2:0',
      'start>awareness:4:0',
      'start>purchase:1:2',
    ]);
  });

  it('ranks leaks by lost persons × average order value of the persons reached', () => {
    assert.deepEqual(
      map.leaks.map((l) => [l.stage, l.touchpoint, l.lost, l.avgOrderValue, l.value]),
      [
        ['experience', 'Web · Survey Responded', 1, 80, 80],
        ['awareness', 'Web · Page Viewed', 1, 72.5, 72.5],
        ['consideration', 'Web · Checkout Started', 1, 72.5, 72.5],
        ['purchase', 'Web · Order Completed', 1, 72.5, 72.5],
        ['consideration', 'Web · Product Viewed', 1, 70, 70],
      ],
    );
  });

  it('applies path regex, property filters, nth occurrence after a stage, and the time range', async () => {
    const journey = parseJourney({
      name: 'Custom',
      stages: [
        { id: 'landed', name: 'Landed', rules: [{ pathRegex: '^/$' }] },
        { id: 'big-order', name: 'Big order', rules: [{ events: ['Order Completed'], properties: [{ key: 'revenue', op: 'gte', value: 80 }] }] },
        { id: 'second', name: 'Second order after landing', rules: [{ events: ['Order Completed'], after: 'landed', minOccurrence: 2 }] },
      ],
    });
    const m = await computeJourneyMap(ctx.store, scope('jm'), { journey });
    // Landed: ann, cat, dan (bob's first page is a product page). Big orders: ann (100), eve (80).
    assert.deepEqual(m.stages.map((s) => [s.id, s.entered, s.converted]), [['landed', 3, 1], ['big-order', 2, 1], ['second', 1, 0]]);
    const early = await computeJourneyMap(ctx.store, { ...scope('jm'), to: new Date(minutesAfter(ORIGIN, 60)) }, { journey });
    assert.deepEqual(early.stages.map((s) => s.entered), [3, 2, 0]);
  });
});
