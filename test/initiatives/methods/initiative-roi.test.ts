import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initiativeRoi } from '../../../src/initiatives/methods/initiative-roi.ts';
import { addDays } from '../../../src/initiatives/methods/stats.ts';
import type { LiftEstimate, LiftPoint } from '../../../src/initiatives/methods/types.ts';

const SHIP = '2026-03-01';

/** A 10-day post-period with a constant daily lift and an average-lift interval of ±20%. */
function estimate(dailyLift: number, opts: { exposure?: number; draws?: number[][] } = {}): LiftEstimate {
  const series: LiftPoint[] = [
    { date: addDays(SHIP, -1), actual: 100, counterfactual: 100, low: 95, high: 105, lift: 0, post: false },
    ...Array.from({ length: 10 }, (_, i) => ({
      date: addDays(SHIP, i),
      actual: 100 + dailyLift,
      counterfactual: 100,
      low: 95,
      high: 105,
      lift: dailyLift,
      post: true,
      ...(opts.exposure !== undefined ? { exposure: opts.exposure } : {}),
    })),
  ];
  return {
    method: 'did',
    shipDate: SHIP,
    level: 0.95,
    averageLift: { estimate: dailyLift, se: 0, low: 0.8 * dailyLift, high: 1.2 * dailyLift, pValue: 0.001 },
    cumulativeLift: { estimate: 10 * dailyLift, low: 8 * dailyLift, high: 12 * dailyLift },
    relativeLift: null,
    series,
    postDays: 10,
    treatedUnits: 1,
    ...(opts.draws ? { draws: opts.draws } : {}),
    assumptions: [],
    warnings: [],
  };
}

test('100 incremental conversions × AOV 50 × margin 0.4 = 2000 gross margin; cost 1000 gives ROI 1.0, payback on day 5', () => {
  const r = initiativeRoi({ estimate: estimate(10), kpi: 'count', averageOrderValue: 50, grossMargin: 0.4, cost: { oneOff: 1000 } });
  assert.equal(r.incrementalConversions!.estimate, 100);
  assert.equal(r.incrementalRevenue.estimate, 5000);
  assert.equal(r.incrementalGrossMargin.estimate, 2000);
  assert.equal(r.cost, 1000);
  assert.equal(r.roi.estimate, 1);
  // Delta interval: conversions 80..120 → margin 1600..2400 → ROI 0.6..1.4.
  assert.ok(Math.abs(r.incrementalConversions!.low - 80) < 1e-9 && Math.abs(r.incrementalConversions!.high - 120) < 1e-9);
  assert.ok(Math.abs(r.roi.low - 0.6) < 1e-9 && Math.abs(r.roi.high - 1.4) < 1e-9);
  assert.equal(r.intervalMethod, 'delta');
  // 200 margin a day reaches the 1000 one-off cost at the end of day 5.
  assert.equal(r.paybackDate, '2026-03-05');
  assert.equal(r.paybackProjected, false);
  assert.equal(r.chart.length, 11);
  assert.deepEqual(r.chart[1], { date: SHIP, actual: 110, counterfactual: 100, low: 95, high: 105 });
});

test('a rate lift of 0.01 on 1000 visitors a day for 10 days is 100 conversions, with a monthly cost accruing daily', () => {
  // Cost: 1000 + 304.375/month × 10 days / 30.4375 = 1100; ROI = (2000 − 1100)/1100.
  const r = initiativeRoi({
    estimate: estimate(0.01, { exposure: 1000 }),
    kpi: 'rate',
    averageOrderValue: 50,
    grossMargin: 0.4,
    cost: { oneOff: 1000, perMonth: 304.375 },
  });
  assert.ok(Math.abs(r.incrementalConversions!.estimate - 100) < 1e-9);
  assert.ok(Math.abs(r.cost - 1100) < 1e-9);
  assert.ok(Math.abs(r.roi.estimate - 900 / 1100) < 1e-12);
  // Day t: margin 200t vs cost 1000 + 10t → first t with 190t ≥ 1000 is t = 6.
  assert.equal(r.paybackDate, '2026-03-06');
});

test('payback beyond the post-period is projected from the average daily margin and the costs', () => {
  // 20 margin a day against a 1000 one-off cost: 50 days from the ship date, day 50 = 04-19.
  const r = initiativeRoi({ estimate: estimate(1), kpi: 'count', averageOrderValue: 50, grossMargin: 0.4, cost: { oneOff: 1000 } });
  assert.equal(r.incrementalGrossMargin.estimate, 200);
  assert.equal(r.roi.estimate, -0.8);
  assert.equal(r.paybackDate, '2026-04-19');
  assert.equal(r.paybackProjected, true);
  // With 5/day of monthly cost (152.1875/month): 1000 / (20 − 5) = 66.7 → day 67 = 05-06.
  const monthly = initiativeRoi({
    estimate: estimate(1),
    kpi: 'count',
    averageOrderValue: 50,
    grossMargin: 0.4,
    cost: { oneOff: 1000, perMonth: 152.1875 },
  });
  assert.equal(monthly.paybackDate, '2026-05-06');
});

test('payback is null when the daily margin never exceeds the daily cost', () => {
  const r = initiativeRoi({
    estimate: estimate(1),
    kpi: 'count',
    averageOrderValue: 50,
    grossMargin: 0.4,
    cost: { oneOff: 1000, perMonth: 20 * 30.4375 },
  });
  assert.equal(r.paybackDate, null);
  assert.equal(r.paybackProjected, false);
});

test('a revenue KPI is valued directly, without conversions', () => {
  const r = initiativeRoi({ estimate: estimate(500), kpi: 'revenue', grossMargin: 0.4, cost: { oneOff: 1000 } });
  assert.equal(r.incrementalConversions, null);
  assert.equal(r.incrementalRevenue.estimate, 5000);
  assert.equal(r.roi.estimate, 1);
});

test('intervals propagate through simulation draws when the estimate carries them', () => {
  // 101 draws with daily lift 8 + 4·b/100: conversions uniform on 80..120 in steps of 0.4.
  const draws = Array.from({ length: 101 }, (_, b) => new Array<number>(10).fill(8 + (4 * b) / 100));
  const r = initiativeRoi({
    estimate: estimate(10, { draws }),
    kpi: 'count',
    averageOrderValue: 50,
    grossMargin: 0.4,
    cost: { oneOff: 1000 },
  });
  assert.equal(r.intervalMethod, 'simulation');
  // 2.5% quantile of conversions: 80 + 40 × 0.025 = 81 → margin 1620 → ROI 0.62; 97.5%: 119 → ROI 1.38.
  assert.ok(Math.abs(r.incrementalConversions!.low - 81) < 1e-9);
  assert.ok(Math.abs(r.roi.low - 0.62) < 1e-9 && Math.abs(r.roi.high - 1.38) < 1e-9);
  assert.equal(r.roi.estimate, 1);
});

test('order-value uncertainty widens the revenue interval by the delta method', () => {
  const r = initiativeRoi({
    estimate: estimate(10),
    kpi: 'count',
    averageOrderValue: 50,
    averageOrderValueSe: 5,
    grossMargin: 0.4,
    cost: { oneOff: 1000 },
  });
  // se(conv) = 40/(2·1.95996) ≈ 10.204; se(rev) = √(50²·10.204² + 100²·5²) ≈ 708.6.
  const seConv = 40 / (2 * 1.959963984540054);
  const seRev = Math.sqrt(2500 * seConv * seConv + 10000 * 25);
  assert.ok(Math.abs(r.incrementalRevenue.high - (5000 + 1.959963984540054 * seRev)) < 1e-3, `${r.incrementalRevenue.high}`);
});

test('ROI from a forecast on a conversion rate uses the daily visitors and the simulation draws', async () => {
  const { counterfactualForecast } = await import('../../../src/initiatives/methods/counterfactual-forecast.ts');
  const { gen } = await import('./simulate.ts');
  const { normal } = gen(77);
  // Rate 2% + noise, +0.5 points from the ship date, 2000 visitors a day.
  const series = Array.from({ length: 98 }, (_, i) => ({
    date: addDays('2026-01-01', i),
    value: 0.02 + 0.0005 * normal() + (i >= 84 ? 0.005 : 0),
    weight: 2000,
  }));
  const est = counterfactualForecast({ series, shipDate: addDays('2026-01-01', 84), draws: 1000 });
  const r = initiativeRoi({ estimate: est, kpi: 'rate', averageOrderValue: 50, grossMargin: 0.4, cost: { oneOff: 1000 } });
  assert.equal(r.intervalMethod, 'simulation');
  // Truth: 0.005 × 2000 × 14 days = 140 conversions → margin 2800 → ROI 1.8.
  assert.ok(r.incrementalConversions!.low < 140 && 140 < r.incrementalConversions!.high, JSON.stringify(r.incrementalConversions));
  assert.ok(r.roi.low < 1.8 && 1.8 < r.roi.high, JSON.stringify(r.roi));
  assert.ok(Math.abs(r.incrementalConversions!.estimate - est.cumulativeLift.estimate * 2000) < 1e-6);
});
