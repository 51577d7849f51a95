/**
 * Engagement KPIs as GA4 defines them, on a hand-built set of sessions: a session is engaged when
 * it lasts more than 10 seconds, has 2 or more page views, or converts; bounce rate = 1 −
 * engaged share; time on page runs from a view to the next event of the session (a session's
 * last view has no end and is left out).
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { computeKpis } from '../../src/analysis/kpis.ts';
import { ingest, minutesAfter } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';

const T0 = '2026-04-10T09:00:00.000Z';
const sec = (s: number) => minutesAfter(T0, s / 60);
let n = 0;
const page = (a: string, s: number, path = '/') => ({
  type: 'page',
  messageId: `g${n++}`,
  anonymousId: a,
  timestamp: sec(s),
  context: { page: { url: `https://shop.example${path}`, path } },
});
const track = (a: string, s: number, event: string, properties: object = {}) => ({
  type: 'track',
  messageId: `g${n++}`,
  anonymousId: a,
  timestamp: sec(s),
  event,
  properties,
});

const SESSIONS = [
  // s1: one page view and nothing else: a bounce.
  page('s1', 0),
  // s2: one page view, an event 20 s later: engaged by duration (> 10 s); time on page 20 s.
  page('s2', 0),
  track('s2', 20, 'Product Viewed'),
  // s3: two page views 3 s apart: engaged by views; time on page 3 s (the last view has no end).
  page('s3', 0, '/a'),
  page('s3', 3, '/b'),
  // s4: one page view and an order 2 s later: engaged by the conversion; time on page 2 s.
  page('s4', 0),
  track('s4', 2, 'Order Completed', { order_id: 'o4', revenue: 10 }),
];
const scope = (projectId: string) => ({ projectId, from: new Date('2026-04-10T00:00:00Z'), to: new Date('2026-04-11T00:00:00Z') });

describeEachStore('engagement KPIs (GA4 definitions)', (ctx) => {
  before(async () => {
    await ingest(ctx.store, 'engagement', SESSIONS);
  });

  it('counts 4 sessions, 3 engaged (duration, views, conversion) and 1 bounce', async () => {
    const k = (await computeKpis(ctx.store, scope('engagement'))).overall;
    assert.equal(k.sessions.value, 4);
    assert.equal(k.engagedSessions.value, 3);
    assert.equal(k.interactionRate.value, 0.75);
    assert.equal(k.bounceRate.value, 0.25);
  });

  it('times pages up to the next event of the session and leaves each last view out', async () => {
    const k = (await computeKpis(ctx.store, scope('engagement'))).overall;
    assert.ok(Math.abs(k.averageTimeOnPageSeconds.value! - 25 / 3) < 1e-9, String(k.averageTimeOnPageSeconds.value));
    assert.equal(k.averageEngagementSeconds.value, 25 / 4);
  });

  it('calls nobody returning when the range starts with their first visit', async () => {
    const k = (await computeKpis(ctx.store, scope('engagement'))).overall;
    assert.equal(k.visitors.value, 4);
    assert.equal(k.returningVisitors.value, 0);
    assert.equal(k.newVisitors.value, 4);
  });
});
