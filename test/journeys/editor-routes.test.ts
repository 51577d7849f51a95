/**
 * The journey editor's endpoints on a real server, both stores: event names and property keys with
 * counts, the templates, and live counts of a draft journey and of one rule.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { ingest } from '../support/ingest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { describeEachStore } from '../support/stores.ts';

let n = 0;
const track = (u: string, ts: string, event: string, properties: object = {}) => ({
  type: 'track',
  messageId: `v${n++}`,
  userId: u,
  timestamp: ts,
  event,
  properties,
});

describeEachStore('journey editor endpoints', (ctx) => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer(ctx.kind, ctx.store);
    await ingest(t.store, t.project.id, [
      track('a', '2026-04-01T10:00:00Z', 'Product Viewed', { product_id: 'p1', category: 'tents' }),
      track('a', '2026-04-01T10:05:00Z', 'Product Viewed', { product_id: 'p2', category: 'boots' }),
      track('a', '2026-04-01T10:10:00Z', 'Order Completed', { order_id: 'o1', revenue: 50 }),
      track('b', '2026-04-02T10:00:00Z', 'Product Viewed', { product_id: 'p1', category: 'tents' }),
      track('c', '2026-04-03T10:00:00Z', 'Email Opened', { campaign: 'spring' }),
    ]);
  });
  after(async () => {
    await t.close();
  });

  it('lists event names with events, persons and last seen, most frequent first', async () => {
    const r = await t.api('GET', '/api/v1/vocabulary/events');
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.events.map((e: { event: string; events: number; persons: number }) => [e.event, e.events, e.persons]),
      [
        ['Product Viewed', 3, 2],
        ['Email Opened', 1, 1],
        ['Order Completed', 1, 1],
      ],
    );
  });

  it('lists the property keys of an event with exact counts and top values', async () => {
    const r = await t.api('GET', '/api/v1/vocabulary/properties?event=Product%20Viewed');
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.keys.map((k: { key: string; events: number }) => [k.key, k.events]),
      [
        ['category', 3],
        ['product_id', 3],
      ],
    );
    assert.deepEqual(r.body.keys[0].topValues, [
      { value: 'tents', events: 2 },
      { value: 'boots', events: 1 },
    ]);
  });

  it('serves the three templates', async () => {
    const r = await t.api('GET', '/api/v1/journeys/templates');
    assert.deepEqual(
      r.body.templates.map((j: { id: string }) => j.id),
      ['default-b2c', 'ecommerce', 'subscription'],
    );
  });

  it('previews a draft journey per stage and one rule, as the map would count them', async () => {
    const journey = {
      name: 'Draft',
      stages: [
        { id: 'seen', name: 'Seen', rules: [{ anyEvent: true }] },
        {
          id: 'tents',
          name: 'Tents',
          rules: [{ events: ['Product Viewed'], properties: [{ key: 'category', op: 'eq', value: 'tents' }] }],
        },
        { id: 'buyer', name: 'Buyer', rules: [{ events: ['Order Completed'] }] },
      ],
    };
    const r = await t.api('POST', '/api/v1/journeys/preview', { journey, rule: { events: ['Product Viewed'] } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.journey, {
      persons: 3,
      stages: [
        { id: 'seen', entered: 3 },
        { id: 'tents', entered: 2 },
        { id: 'buyer', entered: 1 },
      ],
    });
    assert.deepEqual(r.body.rule, { persons: 2, events: 3 });
    const bad = await t.api('POST', '/api/v1/journeys/preview', { rule: {} });
    assert.equal(bad.status, 400);
  });
});
