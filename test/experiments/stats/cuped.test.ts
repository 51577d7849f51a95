import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cupedEffect, pooledTheta, type CupedSummary } from '../../../src/experiments/stats/cuped.ts';
import { tTestFromEffect } from '../../../src/experiments/stats/frequentist.ts';
import { effectFromArms, armStats } from '../../../src/experiments/stats/moments.ts';
import { sequentialTestFromEffect } from '../../../src/experiments/stats/sequential.ts';
import { mulberry32, normalSampler } from '../../../src/stats/random.ts';
import { round } from './round.ts';

test('regression-adjusted sequential test with pooled theta matches gbstats to 5 decimals', () => {
  // gbstats tests/frequentist/test_tests.py test_sequential_test_runs_ra (theta=None, so pooled).
  const control: CupedSummary = { n: 3000, sum: 1396.87, sumSquares: 52377.9767, preSum: 16.87, preSumSquares: 527.9767, sumProduct: 1 };
  const treatment: CupedSummary = { n: 3461, sum: 2422.7, sumSquares: 134698.29, preSum: 22.7, preSumSquares: 1348.29, sumProduct: 1 };
  const r = sequentialTestFromEffect(cupedEffect(control, treatment, 'mean'));
  assert.equal(round(r.expected), 0.50338);
  assert.deepEqual(
    r.ci.map((x) => round(x)),
    [-0.50969, 1.51646],
  );
  assert.equal(round(r.uplift.stddev), 0.33341);
  assert.equal(r.p_value, 1);
});

interface Rows {
  x: number[];
  y: number[];
}

function summarize({ x, y }: Rows): CupedSummary {
  let sum = 0,
    sumSquares = 0,
    preSum = 0,
    preSumSquares = 0,
    sumProduct = 0;
  for (let i = 0; i < y.length; i++) {
    sum += y[i];
    sumSquares += y[i] * y[i];
    preSum += x[i];
    preSumSquares += x[i] * x[i];
    sumProduct += x[i] * y[i];
  }
  return { n: y.length, sum, sumSquares, preSum, preSumSquares, sumProduct };
}

function simulateArm(draw: () => number, n: number, effect: number, rho: number): Rows {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const pre = 10 + 3 * draw();
    x.push(pre);
    // corr(x, y) = rho with Var(y) = 9.
    y.push(10 + effect + rho * (pre - 10) + 3 * Math.sqrt(1 - rho * rho) * draw());
  }
  return { x, y };
}

const mean = (v: number[]) => v.reduce((s, a) => s + a, 0) / v.length;
const sampleVar = (v: number[]) => {
  const m = mean(v);
  return v.reduce((s, a) => s + (a - m) ** 2, 0) / (v.length - 1);
};

test('pooled theta is the OLS slope of y on x over both arms, computed from the rows', () => {
  const draw = normalSampler(mulberry32(7));
  const a = simulateArm(draw, 800, 0, 0.7);
  const b = simulateArm(draw, 900, 0.5, 0.7);
  const x = [...a.x, ...b.x];
  const y = [...a.y, ...b.y];
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0,
    sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  const theta = pooledTheta(summarize(a), summarize(b), 'mean');
  assert.ok(Math.abs(theta - sxy / sxx) < 1e-9, `${theta} vs ${sxy / sxx}`);

  // Adjusted arm moments equal the mean and sample variance of y − θx on the rows.
  const eff = cupedEffect(summarize(a), summarize(b), 'mean', false);
  const adjB = b.y.map((v, i) => v - theta * b.x[i]);
  assert.ok(Math.abs(eff.treatment.mean - mean(adjB)) < 1e-9);
  assert.ok(Math.abs(eff.treatment.variance - sampleVar(adjB)) < 1e-8);
  const adjA = a.y.map((v, i) => v - theta * a.x[i]);
  assert.ok(Math.abs(eff.pointEstimate - (mean(adjB) - mean(adjA))) < 1e-9);
});

test('a covariate without variance falls back to the unadjusted analysis', () => {
  const a = { n: 100, sum: 50, sumSquares: 60, preSum: 100, preSumSquares: 100, sumProduct: 50 };
  const b = { n: 100, sum: 60, sumSquares: 75, preSum: 100, preSumSquares: 100, sumProduct: 60 };
  const eff = cupedEffect(a, b, 'mean');
  const plain = effectFromArms(armStats(a, 'mean'), armStats(b, 'mean'), true);
  assert.equal(eff.theta, 0);
  assert.equal(eff.pointEstimate, plain.pointEstimate);
  assert.equal(eff.variance, plain.variance);
});

test('with correlation 0.8 CUPED cuts the standard error to ~0.6 and its 95% CIs still cover', () => {
  // Theory: SE ratio → √(1 − ρ²) = 0.6. 600 simulated experiments, true absolute effect 0.3.
  const draw = normalSampler(mulberry32(1234));
  const sims = 600;
  let covered = 0;
  let ratioSum = 0;
  for (let s = 0; s < sims; s++) {
    const a = summarize(simulateArm(draw, 500, 0, 0.8));
    const b = summarize(simulateArm(draw, 500, 0.3, 0.8));
    const adj = cupedEffect(a, b, 'mean', false);
    const plain = effectFromArms(armStats(a, 'mean'), armStats(b, 'mean'), false);
    ratioSum += adj.standardError / plain.standardError;
    const ci = tTestFromEffect(adj).ci;
    if (ci[0] <= 0.3 && 0.3 <= ci[1]) covered++;
  }
  const ratio = ratioSum / sims;
  const coverage = covered / sims;
  assert.ok(Math.abs(ratio - 0.6) < 0.01, `SE ratio ${ratio}`);
  const se = Math.sqrt((0.95 * 0.05) / sims);
  assert.ok(Math.abs(coverage - 0.95) <= 3 * se, `coverage ${coverage}`);
});
