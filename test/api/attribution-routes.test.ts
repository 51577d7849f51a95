import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { importSpendRows } from '../../src/import/spend.ts';
import { updateProjectSettings } from '../../src/projects/projects.ts';
import { ingest } from '../support/ingest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const SITE = 'https://shop.example.com';
let n = 0;
const page = (anon: string, ts: string, query: string) => ({
  type: 'page',
  messageId: `a${n++}`,
  anonymousId: anon,
  timestamp: ts,
  context: { page: { url: `${SITE}/${query}` } },
});
const order = (anon: string, ts: string, revenue: number) => ({
  type: 'track',
  event: 'Order Completed',
  messageId: `a${n++}`,
  anonymousId: anon,
  timestamp: ts,
  properties: { revenue },
});
const SEARCH = '?utm_source=google&utm_medium=cpc&utm_campaign=brand&utm_term=kw1';
const SOCIAL = '?utm_source=facebook&utm_medium=paid_social&utm_campaign=social1';
const range = { from: '2026-04-01T00:00:00.000Z', to: '2026-04-30T00:00:00.000Z' };

describe('attribution and ROI routes', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('duckdb');
    await updateProjectSettings(t.store, t.project.id, { margin: 0.5 });
    await ingest(
      t.store,
      t.project.id,
      [
        page('p1', '2026-04-02T10:00:00.000Z', SEARCH),
        order('p1', '2026-04-02T10:10:00.000Z', 100),
        page('p2', '2026-04-03T10:00:00.000Z', SOCIAL),
        page('p2', '2026-04-04T10:00:00.000Z', SEARCH),
        order('p2', '2026-04-04T10:10:00.000Z', 200),
        page('p4', '2026-04-06T10:00:00.000Z', SOCIAL),
      ],
      new Date('2026-06-01T00:00:00.000Z'),
    );
    await importSpendRows(
      t.store,
      t.project.id,
      { reportingCurrency: 'USD', currencyRates: {}, margin: 0.5, domains: [] },
      [
        {
          date: '2026-04-02',
          channel: 'Paid Search',
          campaign: 'brand',
          keyword: 'kw1',
          cost: 30,
          currency: 'USD',
          impressions: 0,
          clicks: 0,
        },
        {
          date: '2026-04-03',
          channel: 'Paid Social',
          campaign: 'social1',
          keyword: '',
          cost: 60,
          currency: 'USD',
          impressions: 0,
          clicks: 0,
        },
      ],
      'test',
    );
  });
  after(async () => {
    await t.close();
  });

  it('answers POST /api/v1/attribution with linear credit and new customers', async () => {
    const r = await t.api('POST', '/api/v1/attribution', { ...range, model: 'linear' });
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.touchpoints.map((x: { touchpoint: string; conversions: number; value: number; newCustomers: number }) => [
        x.touchpoint,
        x.conversions,
        x.value,
        x.newCustomers,
      ]),
      [
        ['Paid Search', 1.5, 200, 1.5],
        ['Paid Social', 0.5, 100, 0.5],
      ],
    );
    assert.deepEqual(r.body.journeys, {
      paths: 3,
      conversions: 2,
      nulls: 1,
      firstOrders: 2,
      value: 300,
      grossValue: 300,
      conversionsWithoutTouch: 0,
    });
  });

  it('compares every model and runs time decay on touch ages', async () => {
    const r = await t.api('POST', '/api/v1/attribution/compare', range);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.skipped, []);
    assert.equal(r.body.results.length, 8);
    const first = r.body.results.find((x: { model: string }) => x.model === 'first_touch');
    assert.deepEqual(
      first.touchpoints.map((x: { touchpoint: string; conversions: number }) => [x.touchpoint, x.conversions]),
      [
        ['Paid Social', 1],
        ['Paid Search', 1],
      ],
    );
    // Paid Social gets 0 under last touch and 1 under first touch: the widest spread (0.5).
    assert.equal(r.body.disagreements[0].spread, 0.5);
  });

  it('answers POST /api/v1/roi with the project margin', async () => {
    const r = await t.api('POST', '/api/v1/roi', { ...range, model: 'last_touch', granularity: 'campaign' });
    assert.equal(r.status, 200);
    assert.equal(r.body.margin, 0.5);
    const brand = r.body.tables[0].rows.find((x: { touchpoint: string }) => x.touchpoint === 'brand');
    assert.deepEqual(
      [brand.spend, brand.conversions, brand.revenue, brand.roas, brand.roi, brand.cpa, brand.cac],
      [30, 2, 300, 10, 4, 15, 15],
    );
    const social = r.body.tables[0].rows.find((x: { touchpoint: string }) => x.touchpoint === 'social1');
    assert.deepEqual([social.spend, social.conversions, social.roi, social.cpa], [60, 0, -1, null]);
  });

  it('answers POST /api/v1/roi/marginal with a ranking', async () => {
    const r = await t.api('POST', '/api/v1/roi/marginal', { ...range, model: 'last_touch' });
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.channels.map((c: { channel: string; days: number }) => [c.channel, c.days]),
      [
        ['Paid Search', 1],
        ['Paid Social', 1],
      ],
    );
    assert.deepEqual(r.body.ranking, []);
  });

  it('refuses unknown models, bad granularities and inverted ranges with 400, and no key with 401', async () => {
    assert.equal((await t.api('POST', '/api/v1/attribution', { ...range, model: 'magic' })).status, 400);
    assert.equal((await t.api('POST', '/api/v1/roi', { ...range, granularity: 'city' })).status, 400);
    assert.equal((await t.api('POST', '/api/v1/attribution', { from: range.to, to: range.from })).status, 400);
    assert.equal((await t.api('POST', '/api/v1/roi', { ...range, margin: 2 })).status, 400);
    const anonymous = await fetch(`${t.url}/api/v1/attribution`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(range),
    });
    assert.equal(anonymous.status, 401);
  });
});
