/**
 * Identity keys stitch sources deterministically and retroactively: a CallRail call from a number
 * a web user identified with joins that person's journey and attribution, whether the call came
 * before or after the identify; an email key joins an order sent with the hashed email.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, it } from 'node:test';
import { buildJourneyPaths } from '../../src/attribution/journeys.ts';
import { callToMessage } from '../../src/calls/callrail.ts';
import { QueryBuilder } from '../../src/store/dialect/dialect.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';

describeEachStore('identity keys', (ctx) => {
  const personOf = async (messageId: string) => {
    const q = new QueryBuilder(ctx.store.dialect);
    const [r] = await ctx.store.query(
      q.build(`SELECT person_id FROM events WHERE project_id = 'ids' AND message_id = ${q.str(messageId)}`),
    );
    return r?.person_id;
  };

  before(async () => {
    const earlyCall = callToMessage({
      resource_id: 'CAL1',
      customer_phone_number: '+1 (404) 555-0100',
      start_time: '2026-04-01T09:00:00Z',
      duration: 120,
      utm_source: 'google',
      utm_medium: 'cpc',
      utm_campaign: 'brand',
    });
    const lateCall = callToMessage({
      resource_id: 'CAL2',
      customer_phone_number: '+1 404.555.0100',
      start_time: '2026-04-05T09:00:00Z',
      duration: 60,
    });
    const strangerCall = callToMessage({
      resource_id: 'CAL3',
      customer_phone_number: '+1 212 555 0199',
      start_time: '2026-04-02T09:00:00Z',
      duration: 30,
    });
    const emailHash = createHash('sha256').update('cat@example.com').digest('hex');
    await ingest(ctx.store, 'ids', [
      { ...earlyCall, messageId: 'call-early' },
      {
        type: 'page',
        messageId: 'web-1',
        anonymousId: 'dev-ann',
        timestamp: '2026-04-02T10:00:00Z',
        context: { page: { url: 'https://shop.example/' } },
      },
      {
        type: 'identify',
        messageId: 'id-ann',
        anonymousId: 'dev-ann',
        userId: 'u-ann',
        timestamp: '2026-04-02T10:05:00Z',
        traits: { email: 'Ann@Example.com', phone: '+1 404-555-0100' },
      },
      {
        type: 'track',
        event: 'Order Completed',
        messageId: 'order-ann',
        userId: 'u-ann',
        timestamp: '2026-04-03T10:00:00Z',
        properties: { order_id: 'o1', revenue: 80 },
      },
      { ...lateCall, messageId: 'call-late' },
      { ...strangerCall, messageId: 'call-stranger' },
      {
        type: 'identify',
        messageId: 'id-cat',
        userId: 'u-cat',
        timestamp: '2026-04-01T08:00:00Z',
        traits: { email_sha256: emailHash.toUpperCase() },
      },
      {
        type: 'track',
        event: 'Order Completed',
        messageId: 'order-cat',
        anonymousId: `email:${createHash('sha256').update('cat@example.com').digest('hex')}`,
        timestamp: '2026-04-04T10:00:00Z',
        properties: { order_id: 'o2', revenue: 20 },
      },
    ]);
  });

  it('joins calls from the identified number to the person, before and after the identify', async () => {
    assert.equal(await personOf('call-early'), 'u-ann');
    assert.equal(await personOf('call-late'), 'u-ann');
    assert.match(String(await personOf('call-stranger')), /^phone:[0-9a-f]{64}$/);
  });

  it('joins an order sent under a hashed email to the person who identified with it', async () => {
    assert.equal(await personOf('order-cat'), 'u-cat');
  });

  it("credits the call in the person's attribution journey", async () => {
    const paths = await buildJourneyPaths(ctx.store, { projectId: 'ids', from: new Date('2026-03-01'), to: new Date('2026-05-01') });
    // Ann's order: the paid-search call, then her direct visit.
    const converting = paths.filter((p) => p.conversions > 0 && p.value === 80);
    assert.equal(converting.length, 1, JSON.stringify(paths));
    assert.ok(
      converting[0]!.path.some((t) => /Paid Search|Phone/.test(t)),
      JSON.stringify(converting[0]!.path),
    );
  });
});
