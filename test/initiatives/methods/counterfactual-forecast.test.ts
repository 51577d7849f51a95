import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counterfactualForecast } from '../../../src/initiatives/methods/counterfactual-forecast.ts';
import { placeboTest } from '../../../src/initiatives/methods/placebo.ts';
import { addDays, dayOfWeek } from '../../../src/initiatives/methods/stats.ts';
import type { DailyPoint } from '../../../src/initiatives/methods/types.ts';
import { ar1, gen, toPoints } from './simulate.ts';

const START = '2026-01-05';
const PRE = 112;
const POST = 28;
const SHIP = addDays(START, PRE);
const WEEKLY = [-6, 2, 3, 3, 2, 1, -5]; // Sunday … Saturday

/** Trend + weekly seasonality + AR(1) noise, with a step of `lift` from the ship date. */
function kpiSeries(seed: number, lift: number): DailyPoint[] {
  const { normal } = gen(seed);
  const noise = ar1(PRE + POST, 0.4, 2, normal);
  const values = noise.map((e, i) => 200 + 0.15 * i + WEEKLY[dayOfWeek(addDays(START, i))]! + e + (i >= PRE ? lift : 0));
  return toPoints(START, values);
}

test('forecast recovers the weekly pattern and trend of a noiseless series exactly', () => {
  const values = Array.from({ length: 70 }, (_, i) => 50 + 0.5 * i + WEEKLY[dayOfWeek(addDays(START, i))]! + (i >= 56 ? 10 : 0));
  const r = counterfactualForecast({
    series: toPoints(
      START,
      values.map((v, i) => v + 1e-6 * Math.sin(i * 1.7)),
    ),
    shipDate: addDays(START, 56),
    draws: 200,
  });
  assert.ok(Math.abs(r.averageLift.estimate - 10) < 1e-3, `${r.averageLift.estimate}`);
  assert.ok(Math.abs(r.cumulativeLift.estimate - 140) < 1e-2);
  // trend coefficient is per year: 0.5/day × 365.
  assert.ok(Math.abs(r.coefficients[1]! - 182.5) < 1e-2);
});

test('95% cumulative-lift interval covers the true step lift in ≥ 90% of 200 simulations; placebo intervals cover 0 near 95%', () => {
  const truth = 5 * POST;
  let covered = 0;
  let placeboCovered = 0;
  let widthSum = 0;
  for (let s = 0; s < 200; s++) {
    const series = kpiSeries(100 + s, 5);
    const r = counterfactualForecast({ series, shipDate: SHIP, draws: 400, seed: s + 1 });
    if (r.cumulativeLift.low <= truth && truth <= r.cumulativeLift.high) covered++;
    widthSum += r.cumulativeLift.high - r.cumulativeLift.low;
    const p = placeboTest({ lift: { method: 'forecast', series, shipDate: SHIP, draws: 400, seed: s + 1 } });
    assert.equal(p.postDays, POST);
    if (p.intervalContainsZero) placeboCovered++;
  }
  const coverage = covered / 200;
  const placeboCoverage = placeboCovered / 200;
  console.log(
    `forecast cumulative coverage ${coverage}, placebo coverage of 0 ${placeboCoverage}, mean width ${(widthSum / 200).toFixed(1)}`,
  );
  assert.ok(coverage >= 0.9, `coverage ${coverage}`);
  // Binomial SE at 95% over 200 runs is ~0.015; allow roughly 3 SE either side.
  assert.ok(placeboCoverage >= 0.9 && placeboCoverage <= 0.995, `placebo coverage ${placeboCoverage}`);
  // Intervals must not buy coverage by being uselessly wide: the lift (140) must stand out.
  assert.ok(widthSum / 200 < truth, `mean width ${widthSum / 200}`);
});

test('a covariate unaffected by the change narrows the interval', () => {
  const { normal } = gen(3);
  const driver = Array.from({ length: PRE + POST }, () => 20 * normal());
  const noise = ar1(PRE + POST, 0.2, 1, normal);
  const y = driver.map((d, i) => 100 + 0.8 * d + noise[i]! + (i >= PRE ? 3 : 0));
  const series = toPoints(START, y);
  const covariates = [{ name: 'other_channel', points: toPoints(START, driver) }];
  const without = counterfactualForecast({ series, shipDate: SHIP, draws: 500 });
  const withCov = counterfactualForecast({ series, shipDate: SHIP, covariates, draws: 500 });
  assert.ok(withCov.averageLift.high - withCov.averageLift.low < (without.averageLift.high - without.averageLift.low) / 5);
  assert.ok(withCov.averageLift.low < 3 && 3 < withCov.averageLift.high);
  assert.ok(withCov.regressors.includes('cov:other_channel'));
});

test('annual Fourier terms enter only with a year of pre-period data', () => {
  const short = counterfactualForecast({ series: kpiSeries(1, 0), shipDate: SHIP, draws: 50 });
  assert.ok(!short.regressors.some((r) => r.startsWith('annual')));
  const { normal } = gen(9);
  const n = 430;
  const values = Array.from({ length: n }, (_, i) => 100 + 10 * Math.sin((2 * Math.PI * i) / 365.25) + normal());
  const long = counterfactualForecast({ series: toPoints(START, values), shipDate: addDays(START, 400), draws: 200 });
  assert.equal(long.regressors.filter((r) => r.startsWith('annual')).length, 6);
  assert.ok(long.averageLift.low < 0 && 0 < long.averageLift.high);
});

test('the same seed gives the same intervals', () => {
  const series = kpiSeries(42, 2);
  const a = counterfactualForecast({ series, shipDate: SHIP, draws: 300, seed: 7 });
  const b = counterfactualForecast({ series, shipDate: SHIP, draws: 300, seed: 7 });
  assert.deepEqual(a.cumulativeLift, b.cumulativeLift);
  assert.equal(a.draws.length, 300);
  assert.equal(a.draws[0]!.length, POST);
});
