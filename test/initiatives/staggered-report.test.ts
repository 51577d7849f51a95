/**
 * Staggered rollouts end to end: an initiative recorded with waves (through the API) is reported by
 * stacked difference-in-differences on the per-region series from the database. The simulated
 * rollout (staggered-generator.ts) plants a lift per wave; the report gives exactly what the
 * estimator gives on the generator's own counts, its intervals cover the planted lifts, and the
 * incremental orders, revenue, ROI and payback follow from the wave lifts by hand.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { InitiativeReport } from '../../src/initiatives/initiative-report.ts';
import { initiativeSeries } from '../../src/initiatives/initiative-series.ts';
import { staggeredDid, type StaggeredUnit } from '../../src/initiatives/methods/staggered.ts';
import { addDays } from '../../src/initiatives/methods/stats.ts';
import { ingest } from '../support/ingest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { describeEachStore } from '../support/stores.ts';
import {
  CHECKOUTS_PER_DAY,
  ORDER_VALUE,
  STAGGER_DAYS,
  STAGGER_LIFT,
  STAGGER_START,
  staggeredRollout,
  WAVE_1,
  WAVE_2,
} from './staggered-generator.ts';

const close = (actual: number, expected: number, what: string, tol = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);

const ROLLOUT = {
  name: 'New checkout, region by region',
  shippedAt: WAVE_1,
  kpi: 'checkout_conversion',
  cost: { oneOff: 500, perMonth: 0 },
  rollout: {
    by: 'region',
    waves: [
      { shippedAt: WAVE_2, values: ['South'] },
      { shippedAt: WAVE_1, values: ['North', 'East'] },
    ],
  },
};

describeEachStore('staggered rollout initiatives', (ctx) => {
  const { messages, counts } = staggeredRollout();
  let t: TestServer;
  let report: InitiativeReport;
  before(async () => {
    t = await startTestServer(ctx.kind, ctx.store);
    await ingest(t.store, t.project.id, messages);
    const created = await t.api('POST', '/api/v1/initiatives', ROLLOUT);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const r = await t.api('GET', `/api/v1/initiatives/${created.body.id}/report`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    report = r.body;
  });
  after(async () => {
    await t.close();
  });

  it('reads one series per unit, only the units named, with the checkouts and completions generated', async () => {
    const rows = await initiativeSeries(t.store, {
      projectId: t.project.id,
      kpi: 'checkout_conversion',
      from: new Date(`${STAGGER_START}T00:00:00Z`),
      to: new Date(`${addDays(STAGGER_START, 2)}T00:00:00Z`),
      grouping: { mode: 'each', dimension: { kind: 'trait', trait: 'region' }, values: ['West', 'North'] },
    });
    const expected = counts
      .filter((c) => (c.region === 'West' || c.region === 'North') && c.date < addDays(STAGGER_START, 2))
      .map((c) => ({ date: c.date, unit: `unit:${c.region}`, numerator: c.completed, denominator: c.checkouts }))
      .sort((a, b) => a.date.localeCompare(b.date) || a.unit.localeCompare(b.unit));
    assert.deepEqual(rows, expected);
  });

  it('marks time charts from the first wave to the last', async () => {
    const { annotations } = (await t.api('GET', '/api/v1/annotations')).body;
    assert.deepEqual(
      annotations.map((a: { date: string; endDate?: string; label: string }) => [a.date, a.endDate, a.label]),
      [[WAVE_1, WAVE_2, ROLLOUT.name]],
    );
  });

  it('refuses waves that overlap, a ship date other than the first wave, or a control beside the waves (400 naming the field)', async () => {
    const bad = async (body: object) => (await t.api('POST', '/api/v1/initiatives', body)).body.error as string;
    assert.match(
      await bad({
        ...ROLLOUT,
        rollout: { ...ROLLOUT.rollout, waves: [...ROLLOUT.rollout.waves, { shippedAt: WAVE_2, values: ['North'] }] },
      }),
      /rollout\.waves\.2\.values.*two waves/,
    );
    assert.match(await bad({ ...ROLLOUT, shippedAt: WAVE_2 }), /shippedAt.*first wave/);
    assert.match(await bad({ ...ROLLOUT, control: { by: 'region', values: ['West'] } }), /rollout/);
  });

  it('estimates each wave against the units not yet treated, exactly as the estimator does on the generated counts', () => {
    assert.equal(report.method, 'staggered');
    assert.deepEqual(report.periods, {
      preStart: STAGGER_START,
      preEnd: addDays(WAVE_1, -1),
      shipDate: WAVE_1,
      postStart: WAVE_1,
      postEnd: addDays(STAGGER_START, STAGGER_DAYS - 1),
      excluded: null,
    });
    assert.deepEqual(report.units, { treated: 'North, East, South', untreated: ['Central', 'West'] });
    // The same units, in the order the report reads them (by name), from the generator's counts.
    const units: StaggeredUnit[] = ['Central', 'East', 'North', 'South', 'West'].map((region) => ({
      unit: region,
      ...(region === 'South' ? { shipDate: WAVE_2 } : region === 'North' || region === 'East' ? { shipDate: WAVE_1 } : {}),
      points: counts
        .filter((c) => c.region === region)
        .map((c) => ({ date: c.date, value: c.completed / c.checkouts, weight: c.checkouts })),
    }));
    const expected = staggeredDid(units, { preDays: 28 });
    const waves = report.details.waves as typeof expected.waves;
    assert.deepEqual(
      waves.map((w) => [w.shipDate, w.units, w.controls, w.preDays, w.postDays]),
      [
        [WAVE_1, ['East', 'North'], ['Central', 'South', 'West'], 20, 12],
        [WAVE_2, ['South'], ['Central', 'West'], 28, 13],
      ],
    );
    waves.forEach((w, i) => {
      close(w.lift!.estimate, expected.waves[i]!.lift!.estimate, `wave ${w.shipDate} lift`);
      close(w.lift!.se, expected.waves[i]!.lift!.se, `wave ${w.shipDate} se`);
    });
    close(report.lift.absolute.estimate, expected.overall!.estimate, 'overall lift');
    close(report.lift.absolute.se, expected.overall!.se, 'overall se');
    assert.deepEqual(report.details.eventStudy, expected.eventStudy);
  });

  it('recovers the planted lift of each wave within its 95% interval', () => {
    const waves = report.details.waves as Array<{ shipDate: string; lift: { estimate: number; se: number; low: number; high: number } }>;
    for (const w of waves) {
      const truth = STAGGER_LIFT[w.shipDate]!;
      console.log(
        `wave ${w.shipDate}: lift ${w.lift.estimate.toFixed(4)} [${w.lift.low.toFixed(4)}, ${w.lift.high.toFixed(4)}], planted ${truth}`,
      );
      assert.ok(w.lift.low <= truth && truth <= w.lift.high, `${w.shipDate}: ${truth} outside [${w.lift.low}, ${w.lift.high}]`);
    }
    const { low, high } = report.lift.absolute;
    assert.ok(low < high && low > 0, 'the overall lift is positive');
  });

  it('turns the wave lifts into incremental orders, revenue, ROI and a payback date by hand', () => {
    const waves = report.details.waves as Array<{ shipDate: string; units: string[]; lift: { estimate: number; se: number } }>;
    const [w1, w2] = waves;
    const lastDay = addDays(STAGGER_START, STAGGER_DAYS - 1);
    const liveDays = (ship: string) => Math.round((Date.parse(lastDay) - Date.parse(ship)) / 86_400_000) + 1;
    // Every region-day has 24 checkouts: North and East for 25 days from wave 1, South for 13 from wave 2.
    assert.deepEqual([liveDays(WAVE_1), liveDays(WAVE_2)], [25, 13]);
    const exposure1 = 2 * 25 * CHECKOUTS_PER_DAY;
    const exposure2 = 13 * CHECKOUTS_PER_DAY;
    const orders = w1!.lift.estimate * exposure1 + w2!.lift.estimate * exposure2;
    close(report.incrementalConversions!.estimate, orders, 'incremental orders');
    const se = Math.sqrt((w1!.lift.se * exposure1) ** 2 + (w2!.lift.se * exposure2) ** 2);
    close(
      report.incrementalConversions!.high - report.incrementalConversions!.estimate,
      1.959963984540054 * se,
      'interval half-width',
      1e-6,
    );
    // No refunds: every order is worth 50; margin 0.4; one-off cost 500.
    assert.deepEqual(report.averageOrderValue, {
      value: ORDER_VALUE,
      se: 0,
      orders: report.averageOrderValue!.orders,
      gross: ORDER_VALUE,
    });
    const treatedOrders = counts
      .filter((c) => c.region !== 'West' && c.region !== 'Central' && c.date >= WAVE_1)
      .reduce((a, c) => a + c.completed, 0);
    assert.equal(report.averageOrderValue!.orders, treatedOrders);
    close(report.incrementalRevenue!.estimate, orders * ORDER_VALUE, 'incremental revenue');
    close(report.roi!.estimate, (orders * ORDER_VALUE * 0.3 - 500) / 500, 'ROI at the default margin 0.3');
    // Payback: the first day on which the cumulative margin of the daily increments reaches 500.
    let cum = 0;
    let payback: string | null = null;
    for (let day = WAVE_1; day <= lastDay && !payback; day = addDays(day, 1)) {
      cum += (w1!.lift.estimate * 2 * CHECKOUTS_PER_DAY + (day >= WAVE_2 ? w2!.lift.estimate * CHECKOUTS_PER_DAY : 0)) * ORDER_VALUE * 0.3;
      if (cum >= 500) payback = day;
    }
    assert.equal(report.paybackDate, payback);
    assert.equal(report.paybackProjected, false);
  });
});
