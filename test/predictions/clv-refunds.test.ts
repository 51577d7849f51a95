/**
 * The customer models' inputs are net of refunds: a repeat purchase day is worth its orders'
 * revenue less what was refunded on them (by order_id) by the end of the calibration day.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { summarizeCustomers } from '../../src/predictions/customer-summary.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';

let seq = 0;
const at = (day: string) => `${day}T12:00:00.000Z`;
const order = (user: string, day: string, orderId: string, revenue: number) => ({
  type: 'track',
  event: 'Order Completed',
  userId: user,
  messageId: `co${seq++}`,
  timestamp: at(day),
  properties: { order_id: orderId, revenue },
});
const refund = (user: string, day: string, orderId: string, revenue: number) => ({
  type: 'track',
  event: 'Order Refunded',
  userId: user,
  messageId: `cr${seq++}`,
  timestamp: at(day),
  properties: { order_id: orderId, revenue },
});

describeEachStore('customer summaries net of refunds', (ctx) => {
  it('values repeat purchases net of the refunds known at the calibration end', async () => {
    await ingest(ctx.store, 'clv-ref', [
      // A: first order 100; repeat 60 refunded in full (still a purchase, worth 0); repeat 40 with 10 back: (0 + 30) / 2.
      order('A', '2026-03-01', 'a1', 100),
      order('A', '2026-03-08', 'a2', 60),
      refund('A', '2026-03-12', 'a2', 60),
      order('A', '2026-03-15', 'a3', 40),
      refund('A', '2026-03-16', 'a3', 10),
      // B: a repeat of 80 refunded 30 only after the calibration end, so calibration sees 80.
      order('B', '2026-03-02', 'b1', 50),
      order('B', '2026-03-09', 'b2', 80),
      refund('B', '2026-03-25', 'b2', 30),
      // C: a refund of the first order changes no repeat value; two partial refunds of the repeat add up (25 − 5 − 5).
      order('C', '2026-03-03', 'c1', 70),
      refund('C', '2026-03-04', 'c1', 70),
      order('C', '2026-03-10', 'c2', 25),
      refund('C', '2026-03-11', 'c2', 5),
      refund('C', '2026-03-12', 'c2', 5),
    ]);
    const scope = { projectId: 'clv-ref', from: new Date('2026-01-01'), to: new Date('2026-06-01') };
    const s = await summarizeCustomers(ctx.store, scope, { calibrationEnd: new Date('2026-03-20') });
    assert.deepEqual(
      s.buyers.map((b) => [b.personId, b.frequency, b.monetaryValue]),
      [
        ['A', 2, 15],
        ['B', 1, 80],
        ['C', 1, 15],
      ],
    );
    // Repeat spend: A 60 + 40, B 80, C 25 gross; A 0 + 30, B 80, C 15 net.
    assert.deepEqual(s.repeatValue, { net: 125, gross: 205 });
    // Calibrated at the data's end, B's late refund is known.
    const all = await summarizeCustomers(ctx.store, scope);
    assert.equal(all.buyers.find((b) => b.personId === 'B')?.monetaryValue, 50);
  });
});
