// Vectors from GrowthBook gbstats packages/stats/tests/frequentist/test_tests.py (TestSequentialTTest).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sequentialTwoSidedTTest } from '../../../src/experiments/stats/sequential.ts';
import { round } from './round.ts';

const control = { n: 3000, sum: 1396.87, sumSquares: 52377.9767 };
const treatment = { n: 3461, sum: 2422.7, sumSquares: 134698.29 };

test('sequential test with tuning parameter 1000 matches gbstats to 5 decimals', () => {
  const r = sequentialTwoSidedTTest({ control, treatment, metricType: 'mean', sequentialTuningParameter: 1000 });
  assert.equal(round(r.expected), 0.50336);
  assert.deepEqual(
    r.ci.map((x) => round(x)),
    [-0.55844, 1.56516],
  );
  assert.equal(round(r.uplift.stddev), 0.33341);
  assert.equal(r.p_value, 1);
});

test('sequential test on proportions with the default tuning matches gbstats to 5 decimals', () => {
  const r = sequentialTwoSidedTTest({
    control: { n: 3000, sum: 1396, sumSquares: 1396 },
    treatment: { n: 3461, sum: 2422, sumSquares: 2422 },
    metricType: 'binomial',
  });
  assert.equal(round(r.expected), 0.50386);
  assert.deepEqual(
    r.ci.map((x) => round(x)),
    [0.40098, 0.60675],
  );
  assert.equal(round(r.uplift.stddev), 0.03386);
  assert.equal(round(r.p_value), 0);
});

test('the interval is tightest when the tuning parameter is near the sample size', () => {
  // gbstats test_sequential_test_tuning_as_expected: n = 6461.
  const width = (tuning: number) => {
    const r = sequentialTwoSidedTTest({ control, treatment, metricType: 'mean', sequentialTuningParameter: tuning });
    return r.ci[1] - r.ci[0];
  };
  const below = width(10);
  const near = width(6461);
  const above = width(10000);
  assert.ok(below > above && above > near, `${below} ${near} ${above}`);
});

test('the always-valid interval is wider than the fixed-horizon one at the same alpha', () => {
  const r = sequentialTwoSidedTTest({ control, treatment, metricType: 'mean' });
  // Fixed-horizon half-width would be ≈ 1.96 × 0.33341 = 0.6535.
  assert.ok((r.ci[1] - r.ci[0]) / 2 > 1.96 * 0.33341);
});
