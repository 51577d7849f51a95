import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { CustomerNotFoundError, getCustomerTimeline, searchCustomers } from '../../src/analysis/customer-timeline.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';
import { journeyMessages } from './journey-map-fixture.ts';

describeEachStore('customer timeline', (ctx) => {
  before(async () => {
    await ingest(ctx.store, 'tl', journeyMessages());
  });

  it('finds one person by anonymous id, user id or email and lists all their events in time order with stage markers', async () => {
    for (const id of ['anon-cat', 'u-cat', 'CAT@example.com']) {
      const t = await getCustomerTimeline(ctx.store, 'tl', id);
      assert.equal(t.personId, 'u-cat');
      assert.deepEqual(t.userIds, ['u-cat']);
      assert.deepEqual(t.anonymousIds, ['anon-cat']);
      assert.equal(t.traits.email, 'cat@example.com');
      assert.deepEqual(
        t.events.map((e) => [e.event, e.touchpoint, e.stage, e.stage_entered ?? null, e.revenue]),
        [
          ['Page Viewed', 'Paid Social · Page Viewed', 'awareness', 'awareness', null],
          ['Product Viewed', 'Web · Product Viewed', 'consideration', 'consideration', null],
          ['Identify', 'Web · Identify', 'consideration', null, null],
          ['Order Completed', 'Web · Order Completed', 'purchase', 'purchase', 50],
        ],
      );
      assert.deepEqual(t.totals, {
        events: 4,
        orders: 1,
        revenue: 50,
        firstSeen: '2026-03-02T10:00:00.000Z',
        lastSeen: '2026-03-02T12:00:00.000Z',
      });
      assert.deepEqual(
        t.stages.map((s) => s.enteredAt),
        ['2026-03-02T10:00:00.000Z', '2026-03-02T10:05:00.000Z', '2026-03-02T12:00:00.000Z', null, null],
      );
      // Pre-identify events keep the device's session; the order is a session of the user id.
      assert.deepEqual(new Set(t.events.map((e) => e.sessionId)).size, 3);
    }
  });

  it('marks the nth-occurrence loyalty entry on the repeat order, and keeps the latest events under a limit', async () => {
    const t = await getCustomerTimeline(ctx.store, 'tl', 'u-ann');
    assert.deepEqual(
      t.events.map((e) => e.stage_entered ?? '-'),
      ['awareness', 'consideration', 'purchase', 'experience', '-', 'loyalty'],
    );
    const short = await getCustomerTimeline(ctx.store, 'tl', 'u-ann', { limit: 2 });
    assert.equal(short.truncated, true);
    assert.deepEqual(
      short.events.map((e) => e.event),
      ['Survey Responded', 'Order Completed'],
    );
    assert.equal(short.totals.events, 6);
  });

  it('answers an unknown id with CustomerNotFoundError', async () => {
    await assert.rejects(getCustomerTimeline(ctx.store, 'tl', 'nobody'), CustomerNotFoundError);
  });

  it('searches by id prefix and by email or name, latest seen first, with counts and revenue', async () => {
    const byPrefix = await searchCustomers(ctx.store, 'tl', 'u-');
    assert.deepEqual(
      byPrefix.map((c) => [c.personId, c.events, c.orders, c.revenue]),
      [
        ['u-ann', 6, 2, 160],
        ['u-cat', 4, 1, 50],
        ['u-bob', 3, 0, 0],
        ['u-eve', 2, 1, 80],
      ],
    );
    const byName = await searchCustomers(ctx.store, 'tl', 'jones');
    assert.deepEqual(
      byName.map((c) => [c.personId, c.email, c.name]),
      [['u-cat', 'cat@example.com', 'Cat Jones']],
    );
    assert.deepEqual(await searchCustomers(ctx.store, 'tl', 'anon-d'), [
      {
        personId: 'anon-dan',
        email: '',
        name: '',
        events: 1,
        orders: 0,
        revenue: 0,
        firstSeen: '2026-03-02T10:00:00.000Z',
        lastSeen: '2026-03-02T10:00:00.000Z',
      },
    ]);
  });
});
