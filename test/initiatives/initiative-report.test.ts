import assert from 'node:assert/strict';
import { it } from 'node:test';
import { initiativeReport } from '../../src/initiatives/initiative-report.ts';
import { initiativeSeries } from '../../src/initiatives/initiative-series.ts';
import {
  createInitiative,
  initiativeAnnotations,
  listInitiatives,
  removeInitiative,
  updateInitiative,
} from '../../src/initiatives/initiatives.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';
import { COMPLETED, DAYS, DID, ROLLOUT_INITIATIVE, rolloutMessages, SHIP } from './fixtures.ts';

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

describeEachStore('initiative report', (ctx) => {
  it('counts checkouts and their completed orders per day and region group, leaving out persons without a region', async () => {
    await ingest(ctx.store, 'ini-series', rolloutMessages());
    const rows = await initiativeSeries(ctx.store, {
      projectId: 'ini-series',
      kpi: 'checkout_conversion',
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-03-10T00:00:00Z'),
      grouping: { mode: 'groups', dimension: { kind: 'trait', trait: 'region' }, control: ['South'] },
    });
    const expected = DAYS.flatMap((date, d) => [
      { date, unit: 'control', numerator: COMPLETED.South[d]!, denominator: 4 },
      { date, unit: 'treated', numerator: COMPLETED.North[d]!, denominator: 4 },
    ]);
    assert.deepEqual(rows, expected);
    // Without the ramp days 03-03..03-04 and with one donor per untreated region.
    const donors = await initiativeSeries(ctx.store, {
      projectId: 'ini-series',
      kpi: 'checkout_conversion',
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-03-04T00:00:00Z'),
      exclude: { from: new Date('2026-03-02T00:00:00Z'), to: new Date('2026-03-03T00:00:00Z') },
      grouping: { mode: 'donors', dimension: { kind: 'trait', trait: 'region' }, treated: ['North'] },
    });
    assert.deepEqual(
      donors.map((r) => `${r.date} ${r.unit} ${r.numerator}/${r.denominator}`),
      ['2026-03-01 control:South 2/4', '2026-03-01 treated 2/4', '2026-03-03 control:South 3/4', '2026-03-03 treated 2/4'],
    );
  });

  it('recovers the hand-computed difference-in-differences, incremental orders, ROI and payback from events', async () => {
    await ingest(ctx.store, 'ini-did', rolloutMessages());
    const initiative = await createInitiative(ctx.store, 'ini-did', {
      ...ROLLOUT_INITIATIVE,
      control: { by: 'region', values: ['South'] },
    });
    const r = await initiativeReport(ctx.store, 'ini-did', initiative, { grossMargin: 0.4 });
    assert.equal(r.method, 'did');
    assert.deepEqual(r.periods, {
      preStart: '2026-03-01',
      preEnd: '2026-03-06',
      shipDate: SHIP,
      postStart: SHIP,
      postEnd: '2026-03-09',
      excluded: null,
    });
    const cells = r.details.cellMeans as Record<string, number>;
    close(cells.treatedPre!, 0.5, 'treated pre');
    close(cells.treatedPost!, 5 / 6, 'treated post');
    close(cells.controlPre!, 0.5, 'control pre');
    close(cells.controlPost!, 7 / 12, 'control post');
    close(r.lift.absolute.estimate, DID, 'lift');
    assert.ok(r.lift.absolute.low < DID && DID < r.lift.absolute.high);
    // Relative to the post-period counterfactual 7/12: 0.25 / (7/12) = 3/7.
    close(r.lift.relative!.estimate, 3 / 7, 'relative lift');
    // 0.25 × 4 checkouts × 3 days = 3 orders worth 100 each; margin 0.4 → 120 against a cost of 100.
    close(r.incrementalConversions!.estimate, 3, 'incremental orders');
    close(r.incrementalRevenue!.estimate, 300, 'incremental revenue');
    assert.deepEqual(r.averageOrderValue, { value: 100, se: 0, orders: 10, gross: 100 });
    close(r.cost!.total, 100, 'cost');
    close(r.roi!.estimate, 0.2, 'ROI');
    // Margin 40, 80, 120 on the three post days: the cost of 100 is covered on the third.
    assert.equal(r.paybackDate, '2026-03-09');
    assert.equal(r.chart.length, 9);
    assert.ok(r.placebo, 'a placebo test is reported');
    assert.equal(r.series.length, 18);
  });

  it('chooses synthetic control for treated units without a control, and forecast without either', async () => {
    await ingest(ctx.store, 'ini-auto', rolloutMessages());
    const sc = await createInitiative(ctx.store, 'ini-auto', {
      ...ROLLOUT_INITIATIVE,
      control: undefined,
      treated: { by: 'region', values: ['North'] },
    });
    await assert.rejects(initiativeReport(ctx.store, 'ini-auto', sc, { grossMargin: 0.4 }), /at least two untreated donor units/);
    const fc = await createInitiative(ctx.store, 'ini-auto', { ...ROLLOUT_INITIATIVE, control: undefined });
    // Six pre-period days are too few for the forecast's regression: the message names the method chosen.
    await assert.rejects(
      initiativeReport(ctx.store, 'ini-auto', fc, { grossMargin: 0.4 }),
      /^(Scope)?Error: forecast: counterfactual forecast needs at least/,
    );
  });

  it('computes conversion rate, revenue per visitor, AOV, repeat rate and CSAT per day', async () => {
    const t = (day: string, min: number) => `${day}T09:${String(min).padStart(2, '0')}:00.000Z`;
    const d1 = '2026-04-01';
    const d2 = '2026-04-02';
    await ingest(ctx.store, 'ini-kpis', [
      { type: 'page', messageId: 'a1', userId: 'A', timestamp: t(d1, 0) },
      { type: 'track', event: 'Order Completed', messageId: 'a2', userId: 'A', timestamp: t(d1, 1), properties: { revenue: 50 } },
      {
        type: 'track',
        event: 'Survey Responded',
        messageId: 'a3',
        userId: 'A',
        timestamp: t(d1, 2),
        properties: { survey: 'CSAT', score: 4 },
      },
      { type: 'page', messageId: 'b1', userId: 'B', timestamp: t(d1, 3) },
      {
        type: 'track',
        event: 'Survey Responded',
        messageId: 'b2',
        userId: 'B',
        timestamp: t(d1, 4),
        properties: { survey: 'CSAT', score: 2 },
      },
      {
        type: 'track',
        event: 'Survey Responded',
        messageId: 'b3',
        userId: 'B',
        timestamp: t(d1, 5),
        properties: { survey: 'NPS', score: 9 },
      },
      { type: 'page', messageId: 'c1', userId: 'C', timestamp: t(d1, 6) },
      { type: 'track', event: 'Order Completed', messageId: 'c2', userId: 'C', timestamp: t(d1, 7), properties: { revenue: 30 } },
      { type: 'track', event: 'Order Completed', messageId: 'c3', userId: 'C', timestamp: t(d1, 8), properties: { revenue: 20 } },
      { type: 'page', messageId: 'a4', userId: 'A', timestamp: t(d2, 0) },
      { type: 'track', event: 'Order Completed', messageId: 'a5', userId: 'A', timestamp: t(d2, 1), properties: { revenue: 70 } },
    ]);
    const series = async (kpi: Parameters<typeof initiativeSeries>[1]['kpi']) =>
      (
        await initiativeSeries(ctx.store, {
          projectId: 'ini-kpis',
          kpi,
          from: new Date(`${d1}T00:00:00Z`),
          to: new Date('2026-04-03T00:00:00Z'),
          grouping: { mode: 'single' },
        })
      ).map((r) => [r.date, r.numerator, r.denominator]);
    assert.deepEqual(await series('conversion_rate'), [
      [d1, 2, 3],
      [d2, 1, 1],
    ]);
    assert.deepEqual(await series('revenue_per_visitor'), [
      [d1, 100, 3],
      [d2, 70, 1],
    ]);
    assert.deepEqual(await series('aov'), [
      [d1, 100, 3],
      [d2, 70, 1],
    ]);
    assert.deepEqual(await series('repeat_rate'), [
      [d1, 1, 3],
      [d2, 1, 1],
    ]);
    assert.deepEqual(await series('csat'), [[d1, 6, 2]]);
    // A step: page view followed by an order within an hour (A and C on day 1, A on day 2).
    assert.deepEqual(await series({ kind: 'step', from: 'Page Viewed', to: 'Order Completed', windowHours: 1 }), [
      [d1, 2, 3],
      [d2, 1, 1],
    ]);
  });

  it('stores, updates, lists, annotates and deletes initiatives', async () => {
    const a = await createInitiative(ctx.store, 'ini-crud', { ...ROLLOUT_INITIATIVE, description: 'fewer fields' });
    const b = await createInitiative(ctx.store, 'ini-crud', {
      ...ROLLOUT_INITIATIVE,
      name: 'Earlier',
      shippedAt: '2026-02-01',
      rolloutEnd: '2026-02-10',
    });
    assert.deepEqual(
      (await listInitiatives(ctx.store, 'ini-crud')).map((i) => i.name),
      ['Earlier', 'One-page checkout'],
    );
    const updated = await updateInitiative(ctx.store, 'ini-crud', a.id, { ...ROLLOUT_INITIATIVE, name: 'Renamed' });
    assert.equal(updated?.createdAt, a.createdAt);
    assert.deepEqual(await initiativeAnnotations(ctx.store, 'ini-crud'), [
      { date: '2026-02-01', endDate: '2026-02-10', kind: 'initiative', id: b.id, label: 'Earlier', description: '' },
      { date: SHIP, kind: 'initiative', id: a.id, label: 'Renamed', description: '' },
    ]);
    assert.equal(await removeInitiative(ctx.store, 'ini-crud', b.id), true);
    assert.equal(await removeInitiative(ctx.store, 'ini-crud', b.id), false);
    assert.equal(await updateInitiative(ctx.store, 'ini-crud', 'nope', ROLLOUT_INITIATIVE), undefined);
    assert.deepEqual(
      (await listInitiatives(ctx.store, 'ini-crud')).map((i) => i.name),
      ['Renamed'],
    );
  });
});
