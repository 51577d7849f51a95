/**
 * The MMM on stored data, through the real server on both stores: the aggregate query returns
 * exactly the simulated daily KPI (net of refunds) and spend, and /api/v1/mmm, /api/v1/budget
 * and /api/v1/roi/reconcile answer in the interface's shapes.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { importSpendRows, type SpendRow } from '../../src/import/spend.ts';
import { dailyAggregate } from '../../src/mmm/data.ts';
import { simulateMmm } from '../../src/mmm/simulate.ts';
import { ingest } from '../support/ingest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { describeEachStore } from '../support/stores.ts';

const DAY = 86_400_000;
const sim = simulateMmm({ seed: 11, days: 150, channels: 3, warmup: 10, noiseCv: 0.03, startDay: '2025-03-01' });
const { series } = sim;
const first = Date.parse(`${series.firstDay}T00:00:00Z`);
const iso = (t: number) => new Date(first + t * DAY).toISOString().slice(0, 10);

// Each day: two orders carrying the day's revenue plus a refund to net out; round to cents.
const revenue = Array.from(series.y, (v) => Math.round(v * 100) / 100);
const messages: object[] = [];
revenue.forEach((v, t) => {
  const at = (h: number) => new Date(first + t * DAY + h * 3_600_000).toISOString();
  messages.push(
    {
      type: 'track',
      event: 'Order Completed',
      userId: `u${t}`,
      timestamp: at(10),
      messageId: `o${t}a`,
      properties: { order_id: `o${t}a`, revenue: Math.round(v * 60) / 100 },
    },
    {
      type: 'track',
      event: 'Order Completed',
      userId: `v${t}`,
      timestamp: at(15),
      messageId: `o${t}b`,
      properties: { order_id: `o${t}b`, revenue: Math.round((v - Math.round(v * 60) / 100 + 25) * 100) / 100 },
    },
    {
      type: 'track',
      event: 'Order Refunded',
      userId: `v${t}`,
      timestamp: at(20),
      messageId: `r${t}`,
      properties: { order_id: `o${t}b`, revenue: 25 },
    },
  );
});
const spendRows: SpendRow[] = [];
series.channels.forEach((c, ci) => {
  c.spend.forEach((cost, i) => {
    const t = i - series.warmup;
    spendRows.push({
      date: iso(t),
      channel: ['Paid Search', 'Display', 'Paid Social'][ci]!,
      campaign: 'c',
      keyword: '',
      cost: Math.round(cost * 100) / 100,
      currency: 'USD',
      impressions: 0,
      clicks: 0,
    });
  });
});
const settings = { reportingCurrency: 'USD', currencyRates: {}, margin: 0.5, domains: [] };
const sampler = { chains: 2, warmup: 150, draws: 150, seed: 3 };

describeEachStore('marketing-mix model on stored events and spend', (ctx) => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer(ctx.kind, ctx.store);
    await ingest(ctx.store, server.project.id, messages, new Date(first + 400 * DAY));
    await importSpendRows(ctx.store, server.project.id, settings, spendRows, 'sim');
  });
  after(async () => server.close());

  it('aggregates the daily KPI net of refunds and the daily spend per channel in one query', async () => {
    const scope = { projectId: server.project.id, from: new Date(first), to: new Date(first + series.days * DAY) };
    const agg = await dailyAggregate(ctx.store, scope, 'revenue');
    assert.equal(agg.series.firstDay, series.firstDay);
    assert.equal(agg.series.days, series.days);
    assert.equal(agg.series.warmup, series.warmup);
    for (let t = 0; t < series.days; t++)
      assert.ok(Math.abs(agg.series.y[t]! - revenue[t]!) < 0.011, `day ${t}: ${agg.series.y[t]} vs ${revenue[t]}`);
    const display = agg.series.channels.find((c) => c.name === 'Display')!;
    for (let i = 0; i < display.spend.length; i++)
      assert.ok(Math.abs(display.spend[i]! - Math.round(series.channels[1]!.spend[i]! * 100) / 100) < 1e-6);
    const orders = await dailyAggregate(ctx.store, scope, 'orders');
    assert.deepEqual([...orders.series.y].slice(0, 3), [2, 2, 2]);
  });

  it('answers POST /api/v1/mmm with contribution, ROI and marginal ROI intervals per channel, baseline and fit', async () => {
    const res = await server.api('POST', '/api/v1/mmm', { kpi: 'revenue', ...sampler });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const b = res.body;
    assert.equal(b.kpi, 'revenue');
    assert.equal(b.interval, 0.9);
    assert.deepEqual(b.channels.map((c: { channel: string }) => c.channel).sort(), ['Display', 'Paid Search', 'Paid Social']);
    for (const c of b.channels) {
      for (const k of ['contribution', 'roi', 'mroi']) assert.ok(c[k].lo <= c[k].mean && c[k].mean <= c[k].hi, `${c.channel} ${k}`);
      assert.ok(Math.abs(c.contribution.mean - c.roi.mean * c.spend) < 1e-6 * Math.max(1, Math.abs(c.contribution.mean)));
      assert.equal(c.prior.source, 'default');
    }
    assert.ok(b.baseline.lo <= b.baseline.mean && b.baseline.mean <= b.baseline.hi);
    assert.ok(b.fit.r2 > 0.5 && b.fit.r2 <= 1, `r2 ${b.fit.r2}`);
    assert.ok(b.fit.mape >= 0 && b.fit.mape < 0.2, `mape ${b.fit.mape}`);
    const curve = b.curves[0];
    assert.ok(
      curve.points.some((p: { extrapolated: boolean }) => p.extrapolated) &&
        curve.points.some((p: { extrapolated: boolean }) => !p.extrapolated),
    );
    assert.ok(b.diagnostics.maxRhat > 0.99);
  });

  it('answers POST /api/v1/budget with current and recommended allocations summing to the total, reusing the fit', async () => {
    const res = await server.api('POST', '/api/v1/budget', { kpi: 'revenue', total: 30000, days: 30, ...sampler });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const b = res.body;
    assert.equal(b.timings.cached, true);
    const sum = (k: 'current' | 'recommended') => b.allocation.reduce((s: number, a: Record<string, number>) => s + a[k]!, 0);
    assert.ok(Math.abs(sum('current') - 30000) < 1e-6);
    assert.ok(Math.abs(sum('recommended') - 30000) < 1e-3);
    for (const k of ['current', 'recommended']) assert.ok(b.expected[k].lo <= b.expected[k].mean && b.expected[k].mean <= b.expected[k].hi);
    assert.ok(b.expected.recommended.mean >= b.expected.current.mean - 1e-9);
    assert.ok(b.testNext && typeof b.testNext.channel === 'string');
  });

  it('refuses a budget without a total and a range without spend, naming the field', async () => {
    const res = await server.api('POST', '/api/v1/budget', { kpi: 'revenue', ...sampler });
    assert.equal(res.status, 400);
    const none = await server.api('POST', '/api/v1/mmm', { from: '2020-01-01', to: '2020-03-01', ...sampler });
    assert.equal(none.status, 400);
    assert.match(JSON.stringify(none.body), /spend/);
  });

  it('uses a stored control series in the baseline', async () => {
    const values = Array.from({ length: series.days }, (_, t) => ({ date: iso(t), value: 100 + Math.sin(t / 5) }));
    const stored = await server.api('POST', '/api/v1/mmm/controls', { name: 'price_index', values });
    assert.equal(stored.status, 200, JSON.stringify(stored.body));
    const res = await server.api('POST', '/api/v1/mmm', { kpi: 'revenue', curves: false, ...sampler, draws: 100, warmup: 100 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(res.body.baselineColumns.includes('control price_index'));
    assert.ok(res.body.baselineColumns.includes('trend'));
    const unknown = await server.api('POST', '/api/v1/mmm', { kpi: 'revenue', controls: ['nope'], ...sampler });
    assert.equal(unknown.status, 400);
  });

  it('reconciles attribution, MMM ROI and a hand-entered lift per channel', async () => {
    const res = await server.api('POST', '/api/v1/roi/reconcile', {
      kpi: 'revenue',
      model: 'last_touch',
      lifts: [{ channel: 'Display', roi: 50, se: 1 }],
      ...sampler,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const display = res.body.channels.find((c: { channel: string }) => c.channel === 'Display');
    assert.equal(display.lifts.length, 1);
    assert.ok(display.mmm.roi.mean > 10, 'a tight lift at 50 pulls the ROI up');
    assert.ok(res.body.notes[0].includes('not which conversions the channel caused'));
  });
});
