/**
 * Initiative money is net of refunds: the money KPIs subtract refunds on the day they are paid
 * back, and ROI values a conversion at the treated orders' value less what was refunded on them.
 * Hand-computed on the checkout rollout of fixtures.ts with two partial refunds added.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { initiativeReport } from '../../src/initiatives/initiative-report.ts';
import { initiativeSeries } from '../../src/initiatives/initiative-series.ts';
import { createInitiative } from '../../src/initiatives/initiatives.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';
import { ROLLOUT_INITIATIVE, rolloutMessages } from './fixtures.ts';

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

const refund = (user: string, at: string, revenue: number) => ({
  type: 'track',
  event: 'Order Refunded',
  messageId: `${user}-r`,
  userId: user,
  timestamp: at,
  properties: { order_id: `o-${user}`, revenue },
});

describeEachStore('initiative money net of refunds', (ctx) => {
  it('values incremental orders at the net treated order value, with the gross value beside', async () => {
    // North's post-period orders (03-07..03-09: 3 + 4 + 3 = 10 of 100 each); two get 50 back, one of
    // them after the post-period: order values 8 × 100 and 2 × 50.
    await ingest(ctx.store, 'ini-ref', [
      ...rolloutMessages(),
      refund('North-6-0', '2026-03-08T09:00:00.000Z', 50),
      refund('North-8-1', '2026-03-20T09:00:00.000Z', 50),
      // A refund in the control region changes nothing of the treated value.
      refund('South-7-0', '2026-03-09T09:00:00.000Z', 100),
    ]);
    const initiative = await createInitiative(ctx.store, 'ini-ref', { ...ROLLOUT_INITIATIVE, postEnd: '2026-03-09' });
    const r = await initiativeReport(ctx.store, 'ini-ref', initiative, { grossMargin: 0.4 });
    // Mean 90; sample variance (8 × 10² + 2 × 40²) / 9 = 4000 / 9; SE = √(4000 / 9 / 10).
    assert.equal(r.averageOrderValue!.orders, 10);
    close(r.averageOrderValue!.value, 90, 'net order value');
    close(r.averageOrderValue!.gross, 100, 'gross order value');
    close(r.averageOrderValue!.se, Math.sqrt(4000 / 9 / 10), 'SE');
    // The lift is unchanged (0.25 × 4 checkouts × 3 days = 3 orders): 3 × 90 = 270, margin 108 against a cost of 100.
    close(r.incrementalConversions!.estimate, 3, 'incremental orders');
    close(r.incrementalRevenue!.estimate, 270, 'incremental revenue');
    close(r.incrementalGrossMargin!.estimate, 108, 'incremental margin');
    close(r.roi!.estimate, 0.08, 'ROI');
    // Margin 36 a day: 36, 72, 108 ≥ 100 on the third post day.
    assert.equal(r.paybackDate, '2026-03-09');
  });

  it('subtracts refunds from revenue per visitor and AOV on the day they are paid back', async () => {
    const t = (day: string, min: number) => `${day}T09:${String(min).padStart(2, '0')}:00.000Z`;
    const d1 = '2026-04-01';
    const d2 = '2026-04-02';
    await ingest(ctx.store, 'ini-ref-kpis', [
      { type: 'page', messageId: 'a1', userId: 'A', timestamp: t(d1, 0) },
      {
        type: 'track',
        event: 'Order Completed',
        messageId: 'a2',
        userId: 'A',
        timestamp: t(d1, 1),
        properties: { order_id: 'x', revenue: 50 },
      },
      { type: 'page', messageId: 'b1', userId: 'B', timestamp: t(d1, 3) },
      {
        type: 'track',
        event: 'Order Completed',
        messageId: 'b2',
        userId: 'B',
        timestamp: t(d1, 4),
        properties: { order_id: 'y', revenue: 30 },
      },
      { type: 'page', messageId: 'a3', userId: 'A', timestamp: t(d2, 0) },
      {
        type: 'track',
        event: 'Order Completed',
        messageId: 'a4',
        userId: 'A',
        timestamp: t(d2, 1),
        properties: { order_id: 'z', revenue: 70 },
      },
      // Day 2: 20 of day 1's order x comes back (the refund's total when it has no revenue).
      {
        type: 'track',
        event: 'Order Refunded',
        messageId: 'a5',
        userId: 'A',
        timestamp: t(d2, 2),
        properties: { order_id: 'x', total: 20 },
      },
    ]);
    const series = async (kpi: 'revenue_per_visitor' | 'aov') =>
      (
        await initiativeSeries(ctx.store, {
          projectId: 'ini-ref-kpis',
          kpi,
          from: new Date(`${d1}T00:00:00Z`),
          to: new Date('2026-04-03T00:00:00Z'),
          grouping: { mode: 'single' },
        })
      ).map((r) => [r.date, r.numerator, r.denominator]);
    assert.deepEqual(await series('revenue_per_visitor'), [
      [d1, 80, 2],
      [d2, 50, 1],
    ]);
    assert.deepEqual(await series('aov'), [
      [d1, 80, 2],
      [d2, 50, 1],
    ]);
  });
});
