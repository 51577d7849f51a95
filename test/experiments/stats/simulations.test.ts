// Monte Carlo checks with known ground truth. Seeded, so the measured rates are fixed;
// each tolerance is 3 binomial standard errors of the number of simulated experiments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectBayesianABTest } from '../../../src/experiments/stats/bayesian.ts';
import { twoSidedTTest } from '../../../src/experiments/stats/frequentist.ts';
import { sequentialTwoSidedTTest } from '../../../src/experiments/stats/sequential.ts';
import type { VariationSummary } from '../../../src/experiments/stats/types.ts';
import { binomial, mulberry32 } from '../../../src/stats/random.ts';

const ALPHA = 0.05;
const se = (p: number, n: number) => Math.sqrt((p * (1 - p)) / n);
const conv = (n: number, k: number): VariationSummary => ({ n, sum: k, sumSquares: k });

test('1,000 A/A tests: the Welch t-test rejects at a rate within 3 SE of alpha', (t) => {
  const rng = mulberry32(101);
  const sims = 1000;
  const n = 1000;
  let rejections = 0;
  for (let s = 0; s < sims; s++) {
    const r = twoSidedTTest({ control: conv(n, binomial(n, 0.1, rng)), treatment: conv(n, binomial(n, 0.1, rng)), metricType: 'binomial' });
    if (r.p_value < ALPHA) rejections++;
  }
  const fpr = rejections / sims;
  t.diagnostic(`A/A false-positive rate ${fpr.toFixed(3)} (target 0.05 ± ${(3 * se(ALPHA, sims)).toFixed(4)})`);
  assert.ok(Math.abs(fpr - ALPHA) <= 3 * se(ALPHA, sims), `false-positive rate ${fpr}`);
});

test('20 peeks per A/A test: the sequential test stays within alpha while the naive t-test does not', (t) => {
  const rng = mulberry32(202);
  const sims = 500;
  const looks = 20;
  const batch = 200; // users per arm added between looks
  let naiveRejections = 0;
  let sequentialRejections = 0;
  for (let s = 0; s < sims; s++) {
    let na = 0,
      ka = 0,
      nb = 0,
      kb = 0;
    let naive = false;
    let seq = false;
    for (let l = 0; l < looks; l++) {
      na += batch;
      nb += batch;
      ka += binomial(batch, 0.2, rng);
      kb += binomial(batch, 0.2, rng);
      const input = { control: conv(na, ka), treatment: conv(nb, kb), metricType: 'binomial' as const };
      if (!naive && twoSidedTTest(input).p_value < ALPHA) naive = true;
      if (!seq && sequentialTwoSidedTTest(input).p_value < ALPHA) seq = true;
    }
    if (naive) naiveRejections++;
    if (seq) sequentialRejections++;
  }
  const naiveRate = naiveRejections / sims;
  const seqRate = sequentialRejections / sims;
  t.diagnostic(`peeking false-positive rate: sequential ${seqRate.toFixed(3)}, naive t-test ${naiveRate.toFixed(3)}`);
  assert.ok(seqRate <= ALPHA + 3 * se(ALPHA, sims), `sequential rate ${seqRate}`);
  // Twenty looks inflate the naive rate several-fold (≈ 0.2–0.25 in theory).
  assert.ok(naiveRate > 0.12, `naive rate ${naiveRate}`);
  assert.ok(naiveRate > 2 * seqRate + 0.05, `naive ${naiveRate} vs sequential ${seqRate}`);
});

test('with a true 10% relative lift, 95% intervals cover it at 95% ± 3 SE', (t) => {
  const rng = mulberry32(303);
  const sims = 1000;
  const n = 5000;
  const trueLift = 0.11 / 0.1 - 1;
  let freq = 0;
  let bayes = 0;
  let seq = 0;
  for (let s = 0; s < sims; s++) {
    const input = {
      control: conv(n, binomial(n, 0.1, rng)),
      treatment: conv(n, binomial(n, 0.11, rng)),
      metricType: 'binomial' as const,
    };
    const covers = (ci: [number, number]) => ci[0] <= trueLift && trueLift <= ci[1];
    if (covers(twoSidedTTest(input).ci)) freq++;
    if (covers(effectBayesianABTest(input).ci)) bayes++;
    if (covers(sequentialTwoSidedTTest(input).ci)) seq++;
  }
  const tol = 3 * se(0.95, sims);
  t.diagnostic(
    `coverage: frequentist ${(freq / sims).toFixed(3)}, Bayesian flat prior ${(bayes / sims).toFixed(3)}, sequential ${(seq / sims).toFixed(3)} (target 0.95 ± ${tol.toFixed(4)})`,
  );
  assert.ok(Math.abs(freq / sims - 0.95) <= tol, `frequentist coverage ${freq / sims}`);
  assert.ok(Math.abs(bayes / sims - 0.95) <= tol, `Bayesian coverage ${bayes / sims}`);
  // The always-valid interval is conservative at any fixed n.
  assert.ok(seq / sims >= 0.95 - tol, `sequential coverage ${seq / sims}`);
});
