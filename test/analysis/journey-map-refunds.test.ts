/**
 * The journey map values persons and leaks net of refunds (Order Refunded), with gross beside:
 * the hand-built persons of journey-map-fixture.ts plus two refunds, every figure computed by hand.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { join } from 'node:path';
import { computeJourneyMap, type JourneyMap } from '../../src/analysis/journey-map.ts';
import { generateDemo } from '../../src/demo/generator.ts';
import { importMessages } from '../../src/import/segment-messages.ts';
import { ingest, minutesAfter } from '../support/ingest.ts';
import { describeEachStore, tempDir } from '../support/stores.ts';
import { journeyMessages, ORIGIN } from './journey-map-fixture.ts';

const DAY = 24 * 60;
const refund = (userId: string, id: string, m: number, orderId: string, revenue: number) => ({
  type: 'track',
  messageId: id,
  userId,
  timestamp: minutesAfter(ORIGIN, m),
  event: 'Order Refunded',
  properties: { order_id: orderId, revenue },
});

describeEachStore('journey map net of refunds', (ctx) => {
  let map: JourneyMap;
  before(async () => {
    // Ann's repeat order (60) is refunded in full; Cat gets 20 of her 50 back, her last event before leaving.
    await ingest(ctx.store, 'jmr', [
      ...journeyMessages(),
      refund('u-ann', 'rf-ann', 6 * DAY, 'o2', 60),
      refund('u-cat', 'rf-cat', 3 * DAY, 'o4', 20),
    ]);
    map = await computeJourneyMap(ctx.store, {
      projectId: 'jmr',
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2027-01-01T00:00:00Z'),
    });
  });

  it('reports revenue net of refunds with gross revenue, refunds and both order values beside it', () => {
    // Orders 100 + 60 + 50 + 80 = 290 gross; refunds 60 + 20 = 80; net 210 over 4 orders.
    assert.deepEqual(
      [map.orders, map.grossRevenue, map.refunds, map.revenue, map.avgOrderValue, map.grossAvgOrderValue],
      [4, 290, 80, 210, 52.5, 72.5],
    );
  });

  it('counts each stage and cell revenue net of its persons’ refunds', () => {
    // awareness: all five (ann 100, cat 30, eve 80); consideration: ann, bob, cat; purchase: ann, cat, eve; then ann alone.
    assert.deepEqual(
      map.stages.map((s) => [s.id, s.entered, s.revenue]),
      [
        ['awareness', 5, 210],
        ['consideration', 3, 130],
        ['purchase', 3, 210],
        ['experience', 1, 100],
        ['loyalty', 1, 100],
      ],
    );
    const orderCell = map.grid.find((c) => c.stage === 'purchase' && c.interaction === 'Order Completed');
    assert.deepEqual([orderCell?.reached, orderCell?.revenueInfluenced], [3, 210]);
  });

  it('values leaks by the net order value, so the sum stays within the net revenue possible', () => {
    // Cat's refund is now her last touch before leaving at purchase. Value = lost × downstream conversion × 52.5.
    assert.deepEqual(
      map.leaks.map((l) => [l.stage, l.touchpoint, l.lost, l.avgOrderValue, l.downstreamConversion, l.value]),
      [
        ['consideration', 'Web · Checkout Started', 1, 52.5, 2 / 3, (2 / 3) * 52.5],
        ['awareness', 'Web · Page Viewed', 1, 52.5, 2 / 5, (2 / 5) * 52.5],
        ['purchase', 'Web · Order Refunded', 1, 52.5, 1 / 3, (1 / 3) * 52.5],
        ['purchase', 'Web · Survey Responded', 1, 52.5, 1 / 3, (1 / 3) * 52.5],
      ],
    );
    assert.ok(Math.abs(map.leakTotal - 91) < 1e-9, String(map.leakTotal));
    assert.equal(map.revenuePossible, 5 * 52.5);
    assert.match(map.formula, /net of refunds/);
  });
});

describeEachStore('journey map money on the demo against its generated orders and refunds', (ctx) => {
  it('counts every generated order, gross revenue and refund, and values leaks within the net revenue possible', async () => {
    const demo = generateDemo({ seed: 9, customers: 700, days: 90, endDate: '2026-10-31' });
    let refunded = 0;
    for (const m of demo.messages())
      if (m.type === 'track' && m.event === 'Order Refunded') refunded += Number((m.properties as { revenue?: number }).revenue ?? 0);
    await importMessages(ctx.store, 'demo', demo.messages(), { workDir: join(tempDir(), 'work') });
    const truth = demo.groundTruth();
    const map = await computeJourneyMap(ctx.store, { projectId: 'demo', from: new Date('2026-01-01'), to: new Date('2026-11-01') });
    assert.equal(map.orders, truth.totals.orders);
    assert.ok(Math.abs(map.grossRevenue - truth.totals.revenue) < 0.01, `${map.grossRevenue} vs ${truth.totals.revenue}`);
    assert.ok(Math.abs(map.refunds - refunded) < 0.01, `${map.refunds} vs ${refunded}`);
    assert.ok(Math.abs(map.revenue - (truth.totals.revenue - refunded)) < 0.01);
    assert.ok(map.leakTotal <= map.revenuePossible);
    console.log(
      `demo journey map: orders ${map.orders} (truth ${truth.totals.orders}), gross ${map.grossRevenue.toFixed(2)} (truth ${truth.totals.revenue}), refunds ${map.refunds.toFixed(2)} (truth ${refunded.toFixed(2)}), net ${map.revenue.toFixed(2)}; order value ${map.avgOrderValue.toFixed(2)} net, ${map.grossAvgOrderValue.toFixed(2)} gross; leaks ${map.leakTotal.toFixed(2)} of ${map.revenuePossible.toFixed(2)} possible`,
    );
  });
});
