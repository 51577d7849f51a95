import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { AnalysisScope } from '../../src/scope/scope.ts';
import { computeAttribution } from '../../src/attribution/attribution-report.ts';
import { computeMarginal } from '../../src/attribution/marginal.ts';
import { computeRoi, type RoiRow } from '../../src/attribution/roi-report.ts';
import { importSpendRows } from '../../src/import/spend.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';
import { close } from './helpers.ts';

const SITE = 'https://shop.example.com';
let n = 0;
const page = (anon: string, ts: string, query: string) => ({
  type: 'page',
  messageId: `r${n++}`,
  anonymousId: anon,
  timestamp: ts,
  context: { page: { url: `${SITE}/${query}` } },
});
const order = (anon: string, ts: string, revenue: number) => ({
  type: 'track',
  event: 'Order Completed',
  messageId: `r${n++}`,
  anonymousId: anon,
  timestamp: ts,
  properties: { revenue },
});
const SEARCH = '?utm_source=google&utm_medium=cpc&utm_campaign=brand&utm_term=kw1';
const SOCIAL = '?utm_source=facebook&utm_medium=paid_social&utm_campaign=social1';

/**
 * P1: Paid Search → order 100 (first).  P2: Paid Social, Paid Search → order 200 (first).
 * P3: an order before the range, then Paid Search → order 50 (repeat).  P4: Paid Social, no order.
 * Spend in April: Paid Search/brand/kw1 30 + 20 USD; Paid Social/social1 50 EUR at 1.2 = 60;
 * Display/disp1 10 USD with no touches. A March row of 1000 is outside the range.
 */
const messages = [
  page('p1', '2026-04-02T10:00:00.000Z', SEARCH),
  order('p1', '2026-04-02T10:10:00.000Z', 100),
  page('p2', '2026-04-03T10:00:00.000Z', SOCIAL),
  page('p2', '2026-04-04T10:00:00.000Z', SEARCH),
  order('p2', '2026-04-04T10:10:00.000Z', 200),
  order('p3', '2026-03-20T10:00:00.000Z', 70),
  page('p3', '2026-04-05T10:00:00.000Z', SEARCH),
  order('p3', '2026-04-05T10:10:00.000Z', 50),
  page('p4', '2026-04-06T10:00:00.000Z', SOCIAL),
];
const spend = [
  { date: '2026-03-31', channel: 'Paid Search', campaign: 'brand', keyword: 'kw1', cost: 1000, currency: 'USD', impressions: 0, clicks: 0 },
  { date: '2026-04-02', channel: 'Paid Search', campaign: 'brand', keyword: 'kw1', cost: 30, currency: 'USD', impressions: 0, clicks: 0 },
  { date: '2026-04-03', channel: 'Paid Search', campaign: 'brand', keyword: 'kw1', cost: 20, currency: 'USD', impressions: 0, clicks: 0 },
  { date: '2026-04-03', channel: 'paid social', campaign: 'social1', keyword: '', cost: 50, currency: 'EUR', impressions: 0, clicks: 0 },
  { date: '2026-04-04', channel: 'Display', campaign: 'disp1', keyword: '', cost: 10, currency: 'USD', impressions: 0, clicks: 0 },
];
const settings = { reportingCurrency: 'USD', currencyRates: { EUR: 1.2 }, margin: 0.5, domains: [] };

function expectRow(
  rows: RoiRow[],
  touchpoint: string,
  e: Omit<RoiRow, 'touchpoint' | 'profit' | 'people' | 'grossRevenue'> & { grossRevenue?: number },
): void {
  const r = rows.find((x) => x.touchpoint.toLowerCase() === touchpoint.toLowerCase());
  assert.ok(r, `row ${touchpoint}`);
  // Without refunds gross revenue is the revenue itself.
  close(r.grossRevenue, e.grossRevenue ?? e.revenue, 1e-9, `${touchpoint} grossRevenue:`);
  for (const k of ['spend', 'conversions', 'revenue', 'newCustomers', 'returningCustomers'] as const)
    close(r[k], e[k], 1e-9, `${touchpoint} ${k}:`);
  for (const k of ['roas', 'roi', 'cpa', 'cac'] as const) {
    if (e[k] === null) assert.equal(r[k], null, `${touchpoint} ${k}`);
    else close(r[k]!, e[k]!, 1e-9, `${touchpoint} ${k}:`);
  }
}

describeEachStore('ROI per touchpoint on stored events and spend', (ctx) => {
  const project = 'roi-1';
  const scope: AnalysisScope = { projectId: project, from: new Date('2026-04-01T00:00:00.000Z'), to: new Date('2026-04-30T00:00:00.000Z') };

  before(async () => {
    await ingest(ctx.store, project, messages, new Date('2026-06-01T00:00:00.000Z'));
    await importSpendRows(ctx.store, project, settings, spend, 'test');
  });

  it('computes spend, ROAS, ROI with margin, CPA and CAC under last touch by channel', async () => {
    const report = await computeRoi(ctx.store, scope, { models: ['last_touch'], margin: 0.5 });
    const rows = report.tables[0]!.rows;
    expectRow(rows, 'Paid Search', {
      spend: 50,
      conversions: 3,
      revenue: 350,
      newCustomers: 2,
      returningCustomers: 1,
      roas: 7,
      roi: 2.5,
      cpa: 50 / 3,
      cac: 25,
    });
    expectRow(rows, 'Paid Social', {
      spend: 60,
      conversions: 0,
      revenue: 0,
      newCustomers: 0,
      returningCustomers: 0,
      roas: 0,
      roi: -1,
      cpa: null,
      cac: null,
    });
    expectRow(rows, 'Display', {
      spend: 10,
      conversions: 0,
      revenue: 0,
      newCustomers: 0,
      returningCustomers: 0,
      roas: 0,
      roi: -1,
      cpa: null,
      cac: null,
    });
    assert.equal(rows.length, 3);
    expectRow([report.tables[0]!.totals], '(total)', {
      spend: 120,
      conversions: 3,
      revenue: 350,
      newCustomers: 2,
      returningCustomers: 1,
      roas: 350 / 120,
      roi: 55 / 120,
      cpa: 40,
      cac: 60,
    });
    assert.deepEqual(report.journeys, {
      paths: 3,
      conversions: 3,
      nulls: 1,
      firstOrders: 2,
      value: 350,
      grossValue: 350,
      conversionsWithoutTouch: 0,
    });
  });

  it('splits revenue and new customers across the path under linear', async () => {
    const report = await computeRoi(ctx.store, scope, { models: ['linear', 'last_touch'], margin: 0.5 });
    assert.deepEqual(
      report.tables.map((t) => t.model),
      ['linear', 'last_touch'],
    );
    const rows = report.tables[0]!.rows;
    expectRow(rows, 'Paid Search', {
      spend: 50,
      conversions: 2.5,
      revenue: 250,
      newCustomers: 1.5,
      returningCustomers: 1,
      roas: 5,
      roi: 1.5,
      cpa: 20,
      cac: 50 / 1.5,
    });
    expectRow(rows, 'Paid Social', {
      spend: 60,
      conversions: 0.5,
      revenue: 100,
      newCustomers: 0.5,
      returningCustomers: 0,
      roas: 100 / 60,
      roi: -1 / 6,
      cpa: 120,
      cac: 120,
    });
  });

  it('joins spend by campaign and by keyword with the same labels as the touches', async () => {
    const byCampaign = await computeRoi(ctx.store, scope, { models: ['last_touch'], margin: 0.5, granularity: 'campaign' });
    expectRow(byCampaign.tables[0]!.rows, 'brand', {
      spend: 50,
      conversions: 3,
      revenue: 350,
      newCustomers: 2,
      returningCustomers: 1,
      roas: 7,
      roi: 2.5,
      cpa: 50 / 3,
      cac: 25,
    });
    expectRow(byCampaign.tables[0]!.rows, 'social1', {
      spend: 60,
      conversions: 0,
      revenue: 0,
      newCustomers: 0,
      returningCustomers: 0,
      roas: 0,
      roi: -1,
      cpa: null,
      cac: null,
    });
    const byKeyword = await computeRoi(ctx.store, scope, { models: ['last_touch'], margin: 0.5, granularity: 'keyword' });
    expectRow(byKeyword.tables[0]!.rows, 'kw1', {
      spend: 50,
      conversions: 3,
      revenue: 350,
      newCustomers: 2,
      returningCustomers: 1,
      roas: 7,
      roi: 2.5,
      cpa: 50 / 3,
      cac: 25,
    });
    expectRow(byKeyword.tables[0]!.rows, 'disp1', {
      spend: 10,
      conversions: 0,
      revenue: 0,
      newCustomers: 0,
      returningCustomers: 0,
      roas: 0,
      roi: -1,
      cpa: null,
      cac: null,
    });
  });

  it('reports new and returning customers in the attribution report', async () => {
    const r = await computeAttribution(ctx.store, scope, { model: 'first_touch' });
    const social = r.touchpoints.find((t) => t.touchpoint === 'Paid Social')!;
    assert.deepEqual([social.conversions, social.value, social.newCustomers, social.returningCustomers], [1, 200, 1, 0]);
    const search = r.touchpoints.find((t) => t.touchpoint === 'Paid Search')!;
    assert.deepEqual([search.conversions, search.value, search.newCustomers, search.returningCustomers], [2, 150, 1, 1]);
    assert.equal(r.totalFirstOrders, 2);
  });

  it("spreads the model's channel revenue over the touch days that had spend", async () => {
    const m = await computeMarginal(ctx.store, scope, { model: 'last_touch', margin: 0.5 });
    const search = m.channels.find((c) => c.channel === 'Paid Search')!;
    // Linear, touch-dated credit of Paid Search: Apr 2 100, Apr 4 100, Apr 5 50; last touch gives it 350.
    assert.deepEqual(search.points, [
      { date: '2026-04-02', spend: 30, revenue: 140 },
      { date: '2026-04-03', spend: 20, revenue: 0 },
    ]);
    assert.ok(search.fit && search.marginalReturn !== null);
    close(search.marginalRoi!, search.marginalReturn! * 0.5 - 1, 1e-12);
    const social = m.channels.find((c) => c.channel.toLowerCase() === 'paid social')!;
    assert.equal(social.fit, null, 'one day of spend cannot fit a curve');
    assert.deepEqual(m.ranking, ['Paid Search']);
  });

  it('rejects an unknown model', async () => {
    await assert.rejects(computeRoi(ctx.store, scope, { models: ['nope'], margin: 0.5 }), /unknown attribution model/);
  });
});
