// Vectors from GrowthBook gbstats packages/stats/tests/bayesian/test_tests.py
// (EffectBayesianABTest: TestBinom, TestNorm, TestGaussianEffectRelativeAbsolutePriors).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectBayesianABTest, gaussianRisk } from '../../../src/experiments/stats/bayesian.ts';
import { mulberry32, normalSampler } from '../../../src/stats/random.ts';
import { round } from './round.ts';

test('binomial 49/100 vs 51/100 with a flat prior matches gbstats to 5 decimals', () => {
  const r = effectBayesianABTest({
    control: { n: 100, sum: 49, sumSquares: 49 },
    treatment: { n: 100, sum: 51, sumSquares: 51 },
    metricType: 'binomial',
  });
  assert.equal(round(r.expected), 0.04082);
  assert.deepEqual(
    r.ci.map((x) => round(x)),
    [-0.24779, 0.32943],
  );
  assert.equal(round(r.uplift.stddev), 0.14725);
  assert.equal(round(r.chance_to_win), 0.60918);
  assert.deepEqual(
    r.risk.map((x) => round(x)),
    [0.0814, 0.04058],
  );
  assert.equal(r.risk_type, 'relative');
});

const control = { n: 10, sum: 100, sumSquares: 1002.25 };
const treatment = { n: 10, sum: 105, sumSquares: 1111.5 };

test('mean metric with a flat prior matches gbstats to 5 decimals', () => {
  const r = effectBayesianABTest({ control, treatment, metricType: 'mean' });
  assert.equal(round(r.expected), 0.05);
  assert.deepEqual(
    r.ci.map((x) => round(x)),
    [-0.02, 0.12],
  );
  assert.equal(round(r.uplift.stddev), 0.03572);
  assert.equal(round(r.chance_to_win), 0.91923);
  assert.deepEqual(
    r.risk.map((x) => round(x)),
    [0.05131, 0.00131],
  );
});

test('mean metric with an informative prior N(0.1, 0.1) matches gbstats to 5 decimals', () => {
  const r = effectBayesianABTest({
    control,
    treatment,
    metricType: 'mean',
    prior: { mean: 0.1, variance: 0.1, proper: true },
  });
  assert.equal(round(r.expected), 0.05063);
  assert.deepEqual(
    r.ci.map((x) => round(x)),
    [-0.01893, 0.12019],
  );
  assert.equal(round(r.uplift.stddev), 0.03549);
  assert.equal(round(r.chance_to_win), 0.92315);
  assert.deepEqual(
    r.risk.map((x) => round(x)),
    [0.05186, 0.00123],
  );
});

test('a relative prior rescaled to the absolute scale keeps chance to win within 0.01', () => {
  const c = { n: 100, sum: 1000, sumSquares: 200000 };
  const t = { n: 100, sum: 1100, sumSquares: 200005 };
  const prior = { mean: 1, variance: 1, proper: true };
  const abs = effectBayesianABTest({ control: c, treatment: t, metricType: 'mean', relative: false, prior });
  const rel = effectBayesianABTest({ control: c, treatment: t, metricType: 'mean', relative: true, prior });
  assert.equal(round(abs.chance_to_win, 2), round(rel.chance_to_win, 2));
  assert.equal(abs.risk_type, 'absolute');
});

test('empty variations give chance to win 0.5 and zero expected effect', () => {
  const r = effectBayesianABTest({
    control: { n: 0, sum: 0, sumSquares: 0 },
    treatment: { n: 0, sum: 0, sumSquares: 0 },
    metricType: 'binomial',
  });
  assert.equal(r.chance_to_win, 0.5);
  assert.equal(r.expected, 0);
});

test('inverse metrics swap chance to win and the two risks', () => {
  const plain = effectBayesianABTest({ control, treatment, metricType: 'mean' });
  const inv = effectBayesianABTest({ control, treatment, metricType: 'mean', inverse: true });
  assert.equal(round(inv.chance_to_win, 12), round(1 - plain.chance_to_win, 12));
  assert.deepEqual(inv.risk, [plain.risk[1], plain.risk[0]]);
});

test('closed-form risk equals the Monte Carlo expected loss (gbstats risk check)', () => {
  const draw = normalSampler(mulberry32(20240329));
  const mu = 0.03;
  const sigma = 0.05;
  let lossControl = 0;
  let lossTreatment = 0;
  const n = 400_000;
  for (let i = 0; i < n; i++) {
    const y = mu + sigma * draw();
    if (y > 0) lossControl += y;
    else lossTreatment -= y;
  }
  const [rc, rt] = gaussianRisk(mu, sigma);
  assert.ok(Math.abs(rc - lossControl / n) < 5e-4, `${rc} vs ${lossControl / n}`);
  assert.ok(Math.abs(rt - lossTreatment / n) < 5e-4, `${rt} vs ${lossTreatment / n}`);
});
