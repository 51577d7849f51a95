/**
 * Every revenue KPI is net of refunds (Segment's Order Refunded) with gross beside it, through the
 * one money definition (src/scope/money.ts): the overview KPIs (revenue, average order value), the
 * KPI series, the anomaly series, and attribution ROI / ROAS. One hand-computed toy:
 *
 *   p1: Paid Search visit Apr 2 → order o1 100 (Apr 2); o1 refunded 40 on Apr 5.
 *   p2: Paid Social visit Apr 3 → order o2 200 (Apr 3); o2 refunded 50 the same day, and a refund
 *       of 10 naming no order on Apr 6 (it counts against its day's revenue, but attribution
 *       cannot tie it to an order).
 *   Spend: Paid Search 20 (Apr 2), Paid Social 50 (Apr 3).
 *
 * Gross 300, refunds 100, net 200; AOV net 100, gross 150. Daily net revenue Apr 1–7:
 * 0, 100, 150, 0, −40, −10, 0 (gross 0, 100, 200, 0, 0, 0, 0). Last-touch ROI: Paid Search net
 * 100 − 40 = 60 (gross 100), ROAS 3; Paid Social 200 − 50 = 150 (gross 200), ROAS 3; total net
 * 210, gross 300, ROAS 3, ROI at margin 0.5: (105 − 70) / 70 = 0.5.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { computeKpis } from '../../src/analysis/kpis.ts';
import { computeKpiSeries } from '../../src/analysis/kpi-series.ts';
import { kpiSeries } from '../../src/anomalies/kpis.ts';
import { computeRoi } from '../../src/attribution/roi-report.ts';
import { importSpendRows } from '../../src/import/spend.ts';
import type { AnalysisScope } from '../../src/scope/scope.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';

const SITE = 'https://shop.example.com';
let n = 0;
const page = (anon: string, ts: string, query: string) => ({
  type: 'page',
  messageId: `m${n++}`,
  anonymousId: anon,
  timestamp: ts,
  context: { page: { url: `${SITE}/${query}` } },
});
const track = (anon: string, ts: string, event: string, properties: object) => ({
  type: 'track',
  event,
  messageId: `m${n++}`,
  anonymousId: anon,
  timestamp: ts,
  properties,
});
const SEARCH = '?utm_source=google&utm_medium=cpc&utm_campaign=brand';
const SOCIAL = '?utm_source=facebook&utm_medium=paid_social&utm_campaign=social1';

const messages = [
  page('p1', '2026-04-02T10:00:00Z', SEARCH),
  track('p1', '2026-04-02T10:10:00Z', 'Order Completed', { order_id: 'o1', revenue: 100 }),
  track('p1', '2026-04-05T09:00:00Z', 'Order Refunded', { order_id: 'o1', revenue: 40 }),
  page('p2', '2026-04-03T10:00:00Z', SOCIAL),
  track('p2', '2026-04-03T10:10:00Z', 'Order Completed', { order_id: 'o2', revenue: 200 }),
  track('p2', '2026-04-03T12:00:00Z', 'Order Refunded', { order_id: 'o2', total: 50 }),
  track('p2', '2026-04-06T09:00:00Z', 'Order Refunded', { total: 10 }),
];
const spend = [
  { date: '2026-04-02', channel: 'Paid Search', campaign: 'brand', keyword: '', cost: 20, currency: 'USD', impressions: 0, clicks: 0 },
  { date: '2026-04-03', channel: 'Paid Social', campaign: 'social1', keyword: '', cost: 50, currency: 'USD', impressions: 0, clicks: 0 },
];
const settings = { reportingCurrency: 'USD', currencyRates: {}, margin: 0.5, domains: [] };

describeEachStore('revenue KPIs net of refunds with gross beside', (ctx) => {
  const project = 'net-money';
  const scope: AnalysisScope = { projectId: project, from: new Date('2026-04-01T00:00:00Z'), to: new Date('2026-04-08T00:00:00Z') };

  before(async () => {
    await ingest(ctx.store, project, messages, new Date('2026-06-01T00:00:00Z'));
    await importSpendRows(ctx.store, project, settings, spend, 'test');
  });

  it('reports net revenue and net average order value with gross beside them', async () => {
    const o = (await computeKpis(ctx.store, scope)).overall;
    assert.deepEqual(
      [o.revenue.value, o.grossRevenue.value, o.refunds.value, o.refundedOrders.value, o.orders.value],
      [200, 300, 100, 3, 2],
    );
    assert.deepEqual([o.averageOrderValue.value, o.grossAverageOrderValue.value], [100, 150]);
  });

  it('gives the daily revenue and AOV series net, each refund on its own day, with the gross series beside', async () => {
    const revenue = await computeKpiSeries(ctx.store, scope, { metric: 'revenue', interval: 'day' });
    assert.deepEqual(
      revenue.points.map((p) => p.value),
      [0, 100, 150, 0, -40, -10, 0],
    );
    assert.deepEqual(
      revenue.gross!.points.map((p) => p.value),
      [0, 100, 200, 0, 0, 0, 0],
    );
    const aov = await computeKpiSeries(ctx.store, scope, { metric: 'aov', interval: 'day' });
    assert.deepEqual(
      aov.points.map((p) => [p.date, p.value, p.weight]),
      [
        ['2026-04-02', 100, 1],
        ['2026-04-03', 150, 1],
      ],
    );
    assert.deepEqual(
      aov.gross!.points.map((p) => [p.date, p.value]),
      [
        ['2026-04-02', 100],
        ['2026-04-03', 200],
      ],
    );
    const orders = await computeKpiSeries(ctx.store, scope, { metric: 'orders', interval: 'day' });
    assert.equal(orders.gross, undefined, 'counts have no gross series');
  });

  it('watches net revenue for anomalies, and gross revenue when asked', async () => {
    const net = await kpiSeries(ctx.store, project, 'revenue', scope.from, scope.to);
    assert.deepEqual(
      net.map((p) => p.value),
      [0, 100, 150, 0, -40, -10, 0],
    );
    const gross = await kpiSeries(ctx.store, project, 'gross_revenue', scope.from, scope.to);
    assert.deepEqual(
      gross.map((p) => p.value),
      [0, 100, 200, 0, 0, 0, 0],
    );
  });

  it('credits each order net of the refunds that name it: ROAS and ROI on net revenue, gross revenue beside', async () => {
    const report = await computeRoi(ctx.store, scope, { models: ['last_touch'], margin: 0.5 });
    const table = report.tables[0]!;
    const row = (t: string) => table.rows.find((r) => r.touchpoint === t)!;
    assert.deepEqual(
      ['Paid Search', 'Paid Social'].map((t) => [row(t).spend, row(t).revenue, row(t).grossRevenue, row(t).roas, row(t).roi]),
      [
        [20, 60, 100, 3, 0.5],
        [50, 150, 200, 3, 0.5],
      ],
    );
    const t = table.totals;
    assert.deepEqual([t.spend, t.revenue, t.grossRevenue, t.roas, t.roi], [70, 210, 300, 3, 0.5]);
    assert.deepEqual([report.journeys.value, report.journeys.grossValue], [210, 300]);
  });
});
