import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { buildJourneyPaths, dailyTouchCredit, type JourneyPath } from '../../src/attribution/journeys.ts';
import type { AnalysisScope } from '../../src/scope/scope.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';

const SITE = 'https://shop.example.com';
const RECEIVED = new Date('2026-06-01T00:00:00.000Z');
let n = 0;

function page(anon: string, ts: string, query = '', referrer = ''): object {
  return { type: 'page', messageId: `m${n++}`, anonymousId: anon, timestamp: ts, context: { page: { url: `${SITE}/${query}`, referrer } } };
}
function order(who: { anonymousId?: string; userId?: string }, ts: string, revenue: number): object {
  return {
    type: 'track',
    event: 'Order Completed',
    messageId: `m${n++}`,
    ...who,
    timestamp: ts,
    properties: { order_id: `o${n}`, revenue },
  };
}

/**
 * Hand-built journeys, lookback 10 days, range [Mar 10, Apr 1):
 *  A: Paid Search 10 d + 1 min before order 1 (outside), Email exactly 10 d before (inside), Organic
 *     Search (+ an internal page: same session, no touch), order 1 = 100 (first); Direct; order 2 = 50.
 *  B: Paid Social (before its last window), Display, Direct; never orders → null path.
 *  C: a call (Phone, campaign brand, keyword "driftwood supply"), then an order of 80.
 *  D: one Direct visit before the range only → no path.
 *  E: an order before the range, and one of 20 in it with no touch.
 *  F: Referral, a chat (Started + Ended = one touch), then an order of 30 sent with page context.
 *  G: paid search keyword "rain jacket", order of 60.
 */
function scenario(): object[] {
  return [
    page('a', '2026-03-02T09:59:00.000Z', '?utm_source=google&utm_medium=cpc&utm_campaign=brand&utm_term=driftwood'),
    page('a', '2026-03-02T10:00:00.000Z', '?utm_source=newsletter&utm_medium=email&utm_campaign=digest'),
    page('a', '2026-03-11T10:00:00.000Z', '', 'https://www.google.com/'),
    page('a', '2026-03-11T10:02:00.000Z', 'category/home', `${SITE}/`),
    {
      type: 'identify',
      messageId: `m${n++}`,
      anonymousId: 'a',
      userId: 'ua',
      timestamp: '2026-03-11T10:03:00.000Z',
      traits: { email: 'a@example.com' },
    },
    order({ userId: 'ua' }, '2026-03-12T10:00:00.000Z', 100),
    page('a', '2026-03-15T10:00:00.000Z'),
    order({ userId: 'ua' }, '2026-03-16T10:00:00.000Z', 50),

    page('b', '2026-03-05T12:00:00.000Z', '?utm_source=facebook&utm_medium=paid_social&utm_campaign=prospect'),
    page('b', '2026-03-20T12:00:00.000Z', '?utm_source=gdn&utm_medium=display&utm_campaign=disp'),
    page('b', '2026-03-25T12:00:00.000Z'),

    {
      type: 'track',
      event: 'Call Completed',
      messageId: `m${n++}`,
      anonymousId: 'c',
      timestamp: '2026-03-20T09:00:00.000Z',
      properties: { channel: 'Phone', campaign: 'brand', keyword: 'driftwood supply', duration_seconds: 120 },
    },
    order({ anonymousId: 'c' }, '2026-03-20T09:30:00.000Z', 80),

    page('d', '2026-03-01T08:00:00.000Z'),

    order({ anonymousId: 'e' }, '2026-03-05T08:00:00.000Z', 15),
    order({ anonymousId: 'e' }, '2026-03-25T08:00:00.000Z', 20),

    page('f', '2026-03-21T10:00:00.000Z', '', 'https://www.trailtalesblog.com/best/'),
    {
      type: 'track',
      event: 'Chat Started',
      messageId: `m${n++}`,
      anonymousId: 'f',
      timestamp: '2026-03-21T10:05:00.000Z',
      properties: { channel: 'Customer Service' },
      context: { page: { url: `${SITE}/help/contact` } },
    },
    {
      type: 'track',
      event: 'Chat Ended',
      messageId: `m${n++}`,
      anonymousId: 'f',
      timestamp: '2026-03-21T10:10:00.000Z',
      properties: { channel: 'Customer Service' },
      context: { page: { url: `${SITE}/help/contact` } },
    },
    {
      type: 'track',
      event: 'Order Completed',
      messageId: `m${n++}`,
      anonymousId: 'f',
      timestamp: '2026-03-21T10:20:00.000Z',
      properties: { revenue: 30 },
      context: { page: { url: `${SITE}/checkout` } },
    },

    page('g', '2026-03-22T08:00:00.000Z', '?utm_source=google&utm_medium=cpc&utm_campaign=generic&utm_term=rain+jacket'),
    order({ anonymousId: 'g' }, '2026-03-22T08:10:00.000Z', 60),
  ];
}

function sorted(paths: JourneyPath[]): JourneyPath[] {
  return [...paths].sort((x, y) => JSON.stringify(x.path).localeCompare(JSON.stringify(y.path)) || x.conversions - y.conversions);
}

function row(path: string[], conversions: number, value: number, nulls: number, firstOrders: number, ageDays?: number[]): JourneyPath {
  return ageDays ? { path, conversions, value, nulls, firstOrders, ageDays } : { path, conversions, value, nulls, firstOrders };
}

describeEachStore('journey paths from stored events', (ctx) => {
  const project = 'journeys-1';
  const scope: AnalysisScope = { projectId: project, from: new Date('2026-03-10T00:00:00.000Z'), to: new Date('2026-04-01T00:00:00.000Z') };

  before(async () => {
    await ingest(ctx.store, project, scenario(), RECEIVED);
  });

  it('builds channel paths with the lookback edge, null paths, repeat orders and first-order flags', async () => {
    const paths = await buildJourneyPaths(ctx.store, scope, { lookbackDays: 10 });
    assert.deepEqual(
      sorted(paths),
      sorted([
        row([], 1, 20, 0, 0),
        row(['Display', 'Direct'], 0, 0, 1, 0),
        row(['Email', 'Organic Search'], 1, 100, 0, 1),
        row(['Organic Search', 'Direct'], 1, 50, 0, 0),
        row(['Paid Search'], 1, 60, 0, 1),
        row(['Phone'], 1, 80, 0, 1),
        row(['Referral', 'Customer Service'], 1, 30, 0, 1),
      ]),
    );
  });

  it('groups converting paths by touch ages in hundredths of a day for time decay', async () => {
    const paths = await buildJourneyPaths(ctx.store, scope, { lookbackDays: 10, withAges: true });
    const conv = sorted(paths.filter((p) => p.conversions > 0));
    assert.deepEqual(
      conv,
      sorted([
        row([], 1, 20, 0, 0, []),
        row(['Email', 'Organic Search'], 1, 100, 0, 1, [10, 1]),
        row(['Organic Search', 'Direct'], 1, 50, 0, 0, [5, 1]),
        row(['Paid Search'], 1, 60, 0, 1, [0.01]),
        row(['Phone'], 1, 80, 0, 1, [0.02]),
        row(['Referral', 'Customer Service'], 1, 30, 0, 1, [0.01, 0.01]),
      ]),
    );
  });

  it("labels touches by campaign, else channel, and by keyword including a call's keyword", async () => {
    const byCampaign = await buildJourneyPaths(ctx.store, scope, { lookbackDays: 10, granularity: 'campaign' });
    assert.deepEqual(
      sorted(byCampaign).map((p) => [p.path, p.conversions, p.nulls]),
      sorted([
        row([], 1, 20, 0, 0),
        row(['brand'], 1, 80, 0, 1),
        row(['digest', 'Organic Search'], 1, 100, 0, 1),
        row(['disp', 'Direct'], 0, 0, 1, 0),
        row(['generic'], 1, 60, 0, 1),
        row(['Organic Search', 'Direct'], 1, 50, 0, 0),
        row(['Referral', 'Customer Service'], 1, 30, 0, 1),
      ]).map((p) => [p.path, p.conversions, p.nulls]),
    );
    const byKeyword = await buildJourneyPaths(ctx.store, scope, { lookbackDays: 10, granularity: 'keyword' });
    const paths = byKeyword.map((p) => p.path.join(' > ')).sort();
    assert.deepEqual(paths, [
      '',
      'Organic Search > Direct',
      'Referral > Customer Service',
      'digest > Organic Search',
      'disp > Direct',
      'driftwood supply',
      'rain jacket',
    ]);
  });

  it('counts a touch one minute further back once the lookback is longer', async () => {
    const paths = await buildJourneyPaths(ctx.store, { ...scope, projectId: project }, { lookbackDays: 10 + 2 / 1440 });
    const a1 = paths.find((p) => p.value === 100);
    assert.deepEqual(a1?.path, ['Paid Search', 'Email', 'Organic Search']);
    // B's window now reaches nothing new (Paid Social is 15 days before its last touch).
    assert.deepEqual(paths.find((p) => p.nulls > 0)?.path, ['Display', 'Direct']);
  });

  it('labels web touches by source / medium', async () => {
    const paths = await buildJourneyPaths(ctx.store, scope, { lookbackDays: 10, granularity: 'source_medium' });
    assert.deepEqual(paths.find((p) => p.value === 100)?.path, ['newsletter / email', 'google / organic']);
    assert.deepEqual(paths.find((p) => p.value === 80)?.path, ['Phone']);
  });

  it('gives the empty path to an order whose touches all lie before its lookback, and counts a later touch for the next order', async () => {
    // H: Paid Search on Mar 1 (14 days before order 1, 19 before order 2), Email on Mar 16, orders Mar 15 and Mar 20.
    // I: an Email visit and an organic search visit at the same instant, then an order: ties go by label.
    await ingest(
      ctx.store,
      'journeys-2',
      [
        page('h', '2026-03-01T10:00:00.000Z', '?utm_source=google&utm_medium=cpc&utm_campaign=brand'),
        order({ anonymousId: 'h' }, '2026-03-15T10:00:00.000Z', 40),
        page('h', '2026-03-16T10:00:00.000Z', '?utm_source=newsletter&utm_medium=email&utm_campaign=digest'),
        order({ anonymousId: 'h' }, '2026-03-20T10:00:00.000Z', 70),
        page('i', '2026-03-18T10:00:00.000Z', '', 'https://www.google.com/'),
        page('i2', '2026-03-18T10:00:00.000Z', '?utm_source=newsletter&utm_medium=email&utm_campaign=digest'),
        { type: 'identify', messageId: `m${n++}`, anonymousId: 'i2', userId: 'ui', timestamp: '2026-03-18T10:01:00.000Z' },
        { type: 'identify', messageId: `m${n++}`, anonymousId: 'i', userId: 'ui', timestamp: '2026-03-18T10:01:00.000Z' },
        order({ userId: 'ui' }, '2026-03-18T12:00:00.000Z', 25),
      ],
      RECEIVED,
    );
    const paths = await buildJourneyPaths(ctx.store, { ...scope, projectId: 'journeys-2' }, { lookbackDays: 10, withAges: true });
    assert.deepEqual(
      sorted(paths),
      sorted([row([], 1, 40, 0, 1, []), row(['Email'], 1, 70, 0, 0, [4]), row(['Email', 'Organic Search'], 1, 25, 0, 1, [0.08, 0.08])]),
    );
  });

  it('dates linear credit by the day of each touch', async () => {
    const daily = await dailyTouchCredit(ctx.store, scope, { lookbackDays: 10 });
    const get = (date: string, tp: string) => daily.find((r) => r.date === date && r.touchpoint === tp);
    // Organic Search on Mar 11 holds half of order 1 (100) and half of order 2 (50).
    assert.deepEqual(get('2026-03-11', 'Organic Search'), { date: '2026-03-11', touchpoint: 'Organic Search', conversions: 1, value: 75 });
    assert.deepEqual(get('2026-03-02', 'Email'), { date: '2026-03-02', touchpoint: 'Email', conversions: 0.5, value: 50 });
    assert.deepEqual(get('2026-03-20', 'Phone'), { date: '2026-03-20', touchpoint: 'Phone', conversions: 1, value: 80 });
    const total = daily.reduce((s, r) => s + r.value, 0);
    assert.equal(total, 100 + 50 + 80 + 30 + 60, 'every touched conversion is dated; the untouched one is not');
  });
});
