import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { computeKpiSeries } from '../../src/analysis/kpi-series.ts';
import { computeKpis, type KpiSet, type KpiValue } from '../../src/analysis/kpis.ts';
import type { AnalysisScope } from '../../src/scope/scope.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';

// A hand-built world. Current period [03-10, 03-12), previous [03-08, 03-10), the one before
// [03-06, 03-08). Every figure asserted below is worked out by hand in the comments.
const SITE = 'https://shop.example.com';
const GOOGLE = 'https://www.google.com/';
const BOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
let n = 0;
const at = (day: string, time: string) => `2026-03-${day}T${time}Z`;
function page(ids: { a?: string; u?: string }, ts: string, path: string, referrer = '', extra: object = {}) {
  return {
    type: 'page',
    messageId: `m${n++}`,
    anonymousId: ids.a,
    userId: ids.u,
    timestamp: ts,
    context: { page: { url: SITE + path, referrer }, ...extra },
  };
}
function track(ids: { a?: string; u?: string }, ts: string, event: string, properties: object = {}, context?: object) {
  return {
    type: 'track',
    messageId: `m${n++}`,
    anonymousId: ids.a,
    userId: ids.u,
    timestamp: ts,
    event,
    properties,
    ...(context ? { context } : {}),
  };
}
const alice = { a: 'a1', u: 'alice' };
const bob = { a: 'b1', u: 'bob' };

export const WORLD = [
  // Alice: orders in every period; first seen 03-06.
  track({ u: 'alice' }, at('06', '10:00:00'), 'Order Completed', { order_id: 'A0', revenue: 50 }),
  // S_A1 (Organic Search, prev): 60 s, 2 views (30 s + 10 s on page), an order of 100.
  page({ a: 'a1' }, at('08', '10:00:00'), '/', GOOGLE),
  page({ a: 'a1' }, at('08', '10:00:30'), '/p1', SITE + '/'),
  {
    type: 'identify',
    messageId: `m${n++}`,
    anonymousId: 'a1',
    userId: 'alice',
    timestamp: at('08', '10:00:40'),
    traits: { region: 'North' },
  },
  track(alice, at('08', '10:01:00'), 'Order Completed', { order_id: 'A4', revenue: 100 }),
  // S_A2 (Email, current): 70 s, 1 view (20 s on page), two checkouts then an order of 80.
  page(alice, at('10', '09:00:00'), '/?utm_source=newsletter&utm_medium=email&utm_campaign=spring'),
  track(alice, at('10', '09:00:20'), 'Product Viewed', {}, { page: { url: SITE + '/p2', referrer: SITE + '/' } }),
  track(alice, at('10', '09:00:50'), 'Checkout Started', { order_id: 'A7' }),
  // A second checkout: the order completes this one only.
  track(alice, at('10', '09:00:55'), 'Checkout Started', { order_id: 'A8' }),
  track(alice, at('10', '09:01:10'), 'Order Completed', { order_id: 'A8', revenue: 80 }),
  // Server-side survey: attributed to Alice's latest visit (Email).
  track({ u: 'alice' }, at('10', '12:00:00'), 'Survey Responded', {
    survey: 'NPS',
    score: 10,
    stage: 'experience',
    comment: 'Fast delivery, great quality',
  }),

  // Bob: new on 03-11. S_B1 (Direct): one view then a checkout 10 s later: 10 s is not > 10 s, so not engaged.
  page({ a: 'b1' }, at('11', '15:00:00'), '/'),
  track({ a: 'b1' }, at('11', '15:00:10'), 'Checkout Started', { order_id: 'B5' }),
  // S_B2 (Direct): 25 s, 3 views (5 s, 3 s; the last view is not timed), an order of 40 — which
  // also completes the checkout of S_B1 within a day.
  page({ a: 'b1' }, at('11', '18:00:00'), '/'),
  page({ a: 'b1' }, at('11', '18:00:05'), '/x', SITE + '/'),
  {
    type: 'identify',
    messageId: `m${n++}`,
    anonymousId: 'b1',
    userId: 'bob',
    timestamp: at('11', '18:00:08'),
    traits: { region: 'South' },
  },
  track(bob, at('11', '18:00:20'), 'Order Completed', { order_id: 'B5', revenue: 40 }),
  page(bob, at('11', '18:00:25'), '/thanks', SITE + '/x'),
  track({ u: 'bob' }, at('11', '19:00:00'), 'Survey Responded', { survey: 'CSAT', score: 5, stage: 'purchase', comment: 'Fast delivery' }),
  track({ u: 'bob' }, at('11', '19:20:00'), 'Survey Responded', {
    survey: 'CSAT',
    score: 2,
    stage: 'purchase',
    comment: 'Checkout kept failing, terrible',
  }),

  // Carol: anonymous, first seen 03-09, never buys. S_C1 (Organic Search, prev): 5 s, 1 view.
  page({ a: 'c1' }, at('09', '08:00:00'), '/', GOOGLE, { location: { region: 'West' } }),
  track({ a: 'c1' }, at('09', '08:00:05'), 'Product Viewed'),
  // S_C2 (Organic Search, current): 6 s, 1 view (4 s on page), an abandoned checkout.
  page({ a: 'c1' }, at('10', '20:00:00'), '/', GOOGLE),
  track({ a: 'c1' }, at('10', '20:00:04'), 'Product Viewed'),
  track({ a: 'c1' }, at('10', '20:00:06'), 'Checkout Started', { order_id: 'C9' }),
  track({ a: 'c1' }, at('11', '10:00:00'), 'Survey Responded', {
    survey: 'NPS',
    score: 6,
    stage: 'experience',
    touchpoint: 'Delivery',
    comment: 'Delivery was late',
  }),

  // Erin: buys in the two earlier periods only. S_E1 (Direct, prev): 15 s, 1 view, an order of 70.
  track({ u: 'erin' }, at('07', '09:00:00'), 'Order Completed', { order_id: 'E0', revenue: 30 }),
  page({ a: 'e1', u: 'erin' }, at('09', '09:00:00'), '/'),
  track({ a: 'e1', u: 'erin' }, at('09', '09:00:15'), 'Order Completed', { order_id: 'E2', revenue: 70 }),

  // A bot: left out of everything.
  page({ a: 'd1' }, at('10', '11:00:00'), '/', '', { userAgent: BOT_UA }),
  track({ a: 'd1' }, at('10', '11:00:30'), 'Order Completed', { order_id: 'D1', revenue: 999 }, { userAgent: BOT_UA }),
];

const scopeOf = (projectId: string): AnalysisScope => ({
  projectId,
  from: new Date('2026-03-10T00:00:00Z'),
  to: new Date('2026-03-12T00:00:00Z'),
});

function close(actual: number | null, expected: number | null, what: string): void {
  if (expected === null) return assert.equal(actual, null, what);
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);
}

/** Asserts [current, previous] of every listed KPI. */
function expectKpis(set: KpiSet, expected: Partial<Record<keyof KpiSet, [number | null, number | null]>>, label: string): void {
  for (const [name, [cur, prev]] of Object.entries(expected) as Array<[keyof KpiSet, [number | null, number | null]]>) {
    const v: KpiValue = set[name];
    close(v.value, cur, `${label} ${name} value`);
    close(v.previous, prev, `${label} ${name} previous`);
  }
}

describeEachStore('kpis', (ctx) => {
  const project = 'kpi-world';
  before(async () => {
    await ingest(ctx.store, project, WORLD);
  });

  it('computes every overall KPI for the range and the previous period from hand-computed figures', async () => {
    const r = await computeKpis(ctx.store, scopeOf(project));
    assert.equal(r.previousPeriod.from, '2026-03-08T00:00:00.000Z');
    assert.equal(r.previousPeriod.to, '2026-03-10T00:00:00.000Z');
    expectKpis(
      r.overall,
      {
        visitors: [3, 3], // Alice, Bob, Carol | Alice, Carol, Erin (the bot is out)
        returningVisitors: [2, 2], // Alice, Carol | Alice, Erin
        newVisitors: [1, 1], // Bob | Carol
        sessions: [4, 3], // S_A2, S_B1, S_B2, S_C2 | S_A1, S_C1, S_E1; server-side surveys are not visits
        buyers: [2, 2],
        orders: [2, 2],
        revenue: [120, 170],
        conversionRate: [2 / 3, 2 / 3],
        sessionConversionRate: [2 / 4, 2 / 3],
        averageOrderValue: [60, 85],
        repeatPurchaseRate: [1 / 2, 2 / 2], // Alice (3 orders) of Alice, Bob | Alice and Erin have 2 each
        retentionRate: [1 / 2, 2 / 2], // of prev buyers Alice, Erin only Alice returns | pp buyers both return
        averageEngagementSeconds: [(70 + 10 + 25 + 6) / 4, (60 + 5 + 15) / 3],
        averageTimeOnPageSeconds: [(20 + 10 + 5 + 3 + 4) / 5, (30 + 10 + 5 + 15) / 4],
        engagedSessions: [2, 2],
        interactionRate: [2 / 4, 2 / 3],
        bounceRate: [2 / 4, 1 / 3],
        csatResponses: [2, 0],
        csat: [1 / 2, null],
        npsResponses: [2, 0],
        nps: [0, null], // one promoter (10), one detractor (6)
      },
      'overall',
    );
  });

  it('reports absolute and relative change against the previous period', async () => {
    const r = await computeKpis(ctx.store, scopeOf(project));
    assert.deepEqual(r.overall.revenue, { value: 120, previous: 170, change: -50, changeRelative: -50 / 170 });
    assert.deepEqual(r.overall.visitors, { value: 3, previous: 3, change: 0, changeRelative: 0 });
    assert.deepEqual(r.overall.csat, { value: 0.5, previous: null, change: null, changeRelative: null });
  });

  it('splits KPIs by the channel of the visit, attributing server-side events to the latest visit', async () => {
    const r = await computeKpis(ctx.store, scopeOf(project));
    assert.deepEqual(r.byChannel.map((c) => c.channel).sort(), ['Direct', 'Email', 'Organic Search']);
    const ch = (name: string) => r.byChannel.find((c) => c.channel === name)!.kpis;
    expectKpis(
      ch('Email'),
      {
        visitors: [1, 0],
        sessions: [1, 0],
        orders: [1, 0],
        revenue: [80, 0],
        conversionRate: [1, null],
        averageOrderValue: [80, null],
        repeatPurchaseRate: [1, null],
        retentionRate: [1 / 2, 0 / 2],
        averageEngagementSeconds: [70, null],
        averageTimeOnPageSeconds: [20, null],
        interactionRate: [1, null],
        nps: [100, null],
        csat: [null, null],
      },
      'Email',
    );
    expectKpis(
      ch('Direct'),
      {
        visitors: [1, 1],
        newVisitors: [1, 0],
        sessions: [2, 1],
        orders: [1, 1],
        revenue: [40, 70],
        sessionConversionRate: [1 / 2, 1],
        repeatPurchaseRate: [0, 1],
        retentionRate: [0, 1 / 2],
        averageEngagementSeconds: [(10 + 25) / 2, 15],
        averageTimeOnPageSeconds: [(10 + 5 + 3) / 3, 15],
        bounceRate: [1 / 2, 0],
        csat: [1 / 2, null],
        nps: [null, null],
      },
      'Direct',
    );
    expectKpis(
      ch('Organic Search'),
      {
        visitors: [1, 2],
        returningVisitors: [1, 1],
        sessions: [1, 2],
        orders: [0, 1],
        revenue: [0, 100],
        conversionRate: [0, 1 / 2],
        averageOrderValue: [null, 100],
        repeatPurchaseRate: [null, 1],
        retentionRate: [0, 1 / 2],
        averageEngagementSeconds: [6, (60 + 5) / 2],
        averageTimeOnPageSeconds: [4, (30 + 10 + 5) / 3],
        interactionRate: [0, 1 / 2],
        bounceRate: [1, 1 / 2],
        nps: [-100, null],
      },
      'Organic Search',
    );
  });

  it('gives daily series of counts and of rates with their denominators as weights', async () => {
    const scope = scopeOf(project);
    const series = async (metric: Parameters<typeof computeKpiSeries>[2]['metric']) =>
      (await computeKpiSeries(ctx.store, scope, { metric, interval: 'day' })).points;
    const D1 = '2026-03-10';
    const D2 = '2026-03-11';
    assert.deepEqual(await series('visitors'), [
      { date: D1, value: 2 },
      { date: D2, value: 2 },
    ]);
    assert.deepEqual(await series('sessions'), [
      { date: D1, value: 2 },
      { date: D2, value: 2 },
    ]);
    assert.deepEqual(await series('orders'), [
      { date: D1, value: 1 },
      { date: D2, value: 1 },
    ]);
    assert.deepEqual(await series('revenue'), [
      { date: D1, value: 80 },
      { date: D2, value: 40 },
    ]);
    assert.deepEqual(await series('conversion_rate'), [
      { date: D1, value: 0.5, weight: 2 },
      { date: D2, value: 0.5, weight: 2 },
    ]);
    assert.deepEqual(await series('aov'), [
      { date: D1, value: 80, weight: 1 },
      { date: D2, value: 40, weight: 1 },
    ]);
    // 03-10: of Alice's two checkouts the order completes the later one, Carol's is abandoned;
    // 03-11: Bob's completes 3 h later in another visit.
    assert.deepEqual(await series('checkout_conversion'), [
      { date: D1, value: 1 / 3, weight: 3 },
      { date: D2, value: 1, weight: 1 },
    ]);
    // Alice's third order; Bob's first.
    assert.deepEqual(await series('repeat_rate'), [
      { date: D1, value: 1, weight: 1 },
      { date: D2, value: 0, weight: 1 },
    ]);
    assert.deepEqual(await series('csat'), [{ date: D2, value: 0.5, weight: 2 }]);
    assert.deepEqual(await series('nps'), [
      { date: D1, value: 100, weight: 1 },
      { date: D2, value: -100, weight: 1 },
    ]);
  });

  it('buckets by week starting on Monday', async () => {
    const s = await computeKpiSeries(ctx.store, scopeOf(project), { metric: 'visitors', interval: 'week' });
    assert.deepEqual(s.points, [{ date: '2026-03-09', value: 3 }]);
  });

  it('gives per-channel and per-region unit series for difference-in-differences', async () => {
    const scope = scopeOf(project);
    const units = async (metric: 'visitors' | 'sessions' | 'revenue', by: 'channel' | 'region') =>
      Object.fromEntries(
        (await computeKpiSeries(ctx.store, scope, { metric, interval: 'day', by })).units!.map((u) => [
          u.unit,
          u.points.map((p) => p.value),
        ]),
      );
    assert.deepEqual(await units('visitors', 'channel'), { Direct: [0, 1], Email: [1, 0], 'Organic Search': [1, 1] });
    assert.deepEqual(await units('sessions', 'channel'), { Direct: [0, 2], Email: [1, 0], 'Organic Search': [1, 0] });
    assert.deepEqual(await units('revenue', 'channel'), { Direct: [0, 40], Email: [80, 0], 'Organic Search': [0, 0] });
    // Alice and Bob by their region trait; Carol by the context.location.region of an event before the range.
    assert.deepEqual(await units('visitors', 'region'), { North: [1, 0], South: [0, 1], West: [1, 1] });
    assert.deepEqual(await units('sessions', 'region'), { North: [1, 0], South: [0, 2], West: [1, 0] });
  });
});
