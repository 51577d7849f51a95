// Vectors from GrowthBook gbstats packages/stats/tests/frequentist/test_tests.py
// (TestTwoSidedTTest), compared at the 5 decimals gbstats asserts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { twoSidedTTest } from '../../../src/experiments/stats/frequentist.ts';
import { round } from './round.ts';

const control = { n: 3407, sum: 1396.87, sumSquares: 52377.9767 }; // mean 0.41, sd 3.9
const treatment = { n: 3461, sum: 2422.7, sumSquares: 134698.29 }; // mean 0.70, sd 6.2

test('relative Welch t-test on mean metric matches gbstats to 5 decimals', () => {
  const r = twoSidedTTest({ control, treatment, metricType: 'mean' });
  assert.equal(round(r.expected), 0.70732);
  assert.deepEqual(
    r.ci.map((x) => round(x)),
    [-0.03526, 1.44989],
  );
  assert.equal(round(r.uplift.stddev), 0.37879);
  assert.equal(round(r.p_value), 0.06191);
});

test('absolute Welch t-test on mean metric matches gbstats to 5 decimals', () => {
  const r = twoSidedTTest({ control, treatment, metricType: 'mean', relative: false });
  assert.equal(round(r.expected), 0.29);
  assert.deepEqual(
    r.ci.map((x) => round(x)),
    [0.04538, 0.53462],
  );
  assert.equal(round(r.uplift.stddev), 0.12478);
  assert.equal(round(r.p_value), 0.02016);
});

test('relative test on proportions 14/28 vs 16/30 matches gbstats to 5 decimals', () => {
  const r = twoSidedTTest({
    control: { n: 28, sum: 14, sumSquares: 14 },
    treatment: { n: 30, sum: 16, sumSquares: 16 },
    metricType: 'binomial',
  });
  assert.equal(round(r.expected), 0.06667);
  assert.deepEqual(
    r.ci.map((x) => round(x)),
    [-0.47767, 0.61101],
  );
  assert.equal(round(r.uplift.stddev), 0.2717);
  assert.equal(round(r.p_value), 0.80707);
});

test('a control with one unit has no variance and returns the uninformative result', () => {
  const r = twoSidedTTest({ control: { ...control, n: 1 }, treatment, metricType: 'mean' });
  assert.deepEqual([r.expected, r.ci, r.p_value], [0, [0, 0], 1]);
  assert.equal(r.error, 'ZERO_NEGATIVE_VARIANCE');
});

test('a smaller alpha widens the interval by the ratio of t quantiles', () => {
  const r95 = twoSidedTTest({ control, treatment, metricType: 'mean', relative: false });
  const r99 = twoSidedTTest({ control, treatment, metricType: 'mean', relative: false, alpha: 0.01 });
  // Welch df here is ~5960, so the width ratio is within 1e-3 of z_.995 / z_.975 = 1.31420.
  const ratio = (r99.ci[1] - r99.ci[0]) / (r95.ci[1] - r95.ci[0]);
  assert.ok(Math.abs(ratio - 2.5758293035489 / 1.959963984540054) < 1e-3, String(ratio));
});
