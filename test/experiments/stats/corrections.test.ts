// Vectors from GrowthBook packages/front-end/test/experiments.test.ts ("pvalue correction method",
// "adjusts CIs as we expect"), which is where GrowthBook applies these corrections.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adjustedCi } from '../../../src/experiments/stats/corrections.ts';
import { benjaminiHochberg, holmBonferroni } from '../../../src/stats/multiple-testing.ts';
import { round } from './round.ts';

test('Holm–Bonferroni adjusts GrowthBook’s six p-values as published', () => {
  // Published sorted: 0.03 (#3), 0.05 (#0), 0.12 (#2), 0.12 (#1), 1 (#4), 1 (#5).
  const adj = holmBonferroni([0.01, 0.04, 0.03, 0.005, 0.55, 0.6]);
  assert.deepEqual(
    adj.map((x) => round(x, 8)),
    [0.05, 0.12, 0.12, 0.03, 1, 1],
  );
});

test('Benjamini–Hochberg adjusts GrowthBook’s seven p-values as published', () => {
  // Published sorted: .964 (#3), .964 (#0), .7532 (#4), .2415 (#1), .2415 (#6), .0245 (#2), .0245 (#5).
  const adj = benjaminiHochberg([0.898, 0.138, 0.007, 0.964, 0.538, 0.006, 0.138]);
  assert.deepEqual(
    adj.map((x) => round(x, 8)),
    [0.964, 0.2415, 0.0245, 0.964, 0.7532, 0.0245, 0.2415],
  );
});

test('two metrics at 0.025 and 0.03 adjust to 0.05/0.05 (Holm) and 0.03/0.03 (BH)', () => {
  assert.deepEqual(
    holmBonferroni([0.025, 0.03]).map((x) => round(x, 10)),
    [0.05, 0.05],
  );
  assert.deepEqual(
    benjaminiHochberg([0.025, 0.03]).map((x) => round(x, 10)),
    [0.03, 0.03],
  );
});

test('a CI rebuilt at an adjusted p-value equal to alpha just touches zero', () => {
  // GrowthBook: adjustedCI(0.049999999, 0.1, 0.05) rounds to [0, 0.2]; also at alpha 0.01.
  const ci95 = adjustedCi(0.049999999, 0.1, 0.05, [0.05, 0.15]);
  assert.ok(ci95[0] > 0 && ci95[1] < 0.2);
  assert.deepEqual(
    ci95.map((x) => round(x, 8)),
    [0, 0.2],
  );
  assert.deepEqual(
    adjustedCi(0.0099999999, 0.1, 0.01, [0.05, 0.15]).map((x) => round(x, 8)),
    [0, 0.2],
  );
});

test('adjusted CIs never shrink and become unbounded when the adjusted p-value is 1', () => {
  assert.deepEqual(adjustedCi(0.2, 0.1, 0.05, [-1, 1]), [-1, 1]);
  assert.deepEqual(adjustedCi(1, 0.1, 0.05, [0.05, 0.15]), [-Infinity, Infinity]);
});
