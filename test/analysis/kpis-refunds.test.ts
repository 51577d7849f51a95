/**
 * Revenue KPIs are net of refunds (Segment's Order Refunded, dated by the refund) with gross
 * revenue and refunds beside them; on the demo they match the generated orders and refunds.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { join } from 'node:path';
import { computeKpis, type KpiReport } from '../../src/analysis/kpis.ts';
import { generateDemo } from '../../src/demo/generator.ts';
import { importMessages } from '../../src/import/segment-messages.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore, tempDir } from '../support/stores.ts';

let n = 0;
const track = (u: string, ts: string, event: string, properties: object) => ({
  type: 'track',
  messageId: `r${n++}`,
  userId: u,
  timestamp: ts,
  event,
  properties,
});

describeEachStore('revenue net of refunds', (ctx) => {
  let report: KpiReport;
  before(async () => {
    await ingest(ctx.store, 'refunds', [
      track('a', '2026-04-02T10:00:00Z', 'Order Completed', { order_id: 'o1', revenue: 100 }),
      track('b', '2026-04-03T10:00:00Z', 'Order Completed', { order_id: 'o2', revenue: 60 }),
      // Refunded in the period: counts against it.
      track('b', '2026-04-05T10:00:00Z', 'Order Refunded', { order_id: 'o2', revenue: 60 }),
      // An order of the previous period refunded in this one (total only): counts when refunded.
      track('c', '2026-03-20T10:00:00Z', 'Order Completed', { order_id: 'o3', revenue: 40 }),
      track('c', '2026-04-06T10:00:00Z', 'Order Refunded', { order_id: 'o3', total: 40 }),
    ]);
    report = await computeKpis(ctx.store, {
      projectId: 'refunds',
      from: new Date('2026-04-01T00:00:00Z'),
      to: new Date('2026-05-01T00:00:00Z'),
    });
  });

  it('reports net revenue with gross revenue and refunds beside it', () => {
    const o = report.overall;
    assert.deepEqual([o.grossRevenue.value, o.refunds.value, o.refundedOrders.value, o.revenue.value], [160, 100, 2, 60]);
    assert.deepEqual([o.grossRevenue.previous, o.refunds.previous, o.revenue.previous], [40, 0, 40]);
    // Average order value is net too ((160 − 100) / 2 orders), its gross beside it (160 / 2).
    assert.deepEqual([o.averageOrderValue.value, o.grossAverageOrderValue.value], [30, 80]);
  });
});

describeEachStore('net revenue on the demo against its generated orders and refunds', (ctx) => {
  it("equals gross order revenue minus refunded amounts, with the ground truth's order and refund counts", async () => {
    const demo = generateDemo({ seed: 9, customers: 700, days: 90, endDate: '2026-10-31' });
    let refunded = 0;
    for (const m of demo.messages())
      if (m.type === 'track' && m.event === 'Order Refunded') refunded += Number((m.properties as { revenue?: number }).revenue ?? 0);
    await importMessages(ctx.store, 'demo', demo.messages(), { workDir: join(tempDir(), 'work') });
    const truth = demo.groundTruth();
    const r = await computeKpis(ctx.store, { projectId: 'demo', from: new Date('2026-01-01'), to: new Date('2026-11-01') });
    const o = r.overall;
    assert.equal(o.orders.value, truth.totals.orders);
    assert.equal(o.refundedOrders.value, truth.totals.refunds);
    assert.ok(Math.abs(o.grossRevenue.value! - truth.totals.revenue) < 0.01, `${o.grossRevenue.value} vs ${truth.totals.revenue}`);
    assert.ok(Math.abs(o.refunds.value! - refunded) < 0.01, `${o.refunds.value} vs ${refunded}`);
    assert.ok(Math.abs(o.revenue.value! - (truth.totals.revenue - refunded)) < 0.01);
    console.log(
      `demo: gross ${o.grossRevenue.value!.toFixed(2)} (truth ${truth.totals.revenue}), refunds ${o.refundedOrders.value} worth ${o.refunds.value!.toFixed(2)} (truth ${truth.totals.refunds}, ${refunded.toFixed(2)}), net ${o.revenue.value!.toFixed(2)}`,
    );
  });
});
