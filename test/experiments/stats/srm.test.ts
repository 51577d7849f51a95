import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSrm } from '../../../src/experiments/stats/srm.ts';
import { round } from './round.ts';

test('1000 vs 1200 users on a 50/50 split matches gbstats test_srm to 9 decimals', () => {
  // gbstats packages/stats/tests/test_gbstats.py: round(check_srm([1000, 1200], [0.5, 0.5]), 9) == 0.000020079
  assert.equal(round(checkSrm([1000, 1200], [0.5, 0.5]).p_value, 9), 0.000020079);
});

test('three arms off by ±100 give χ² = 20 on 2 df, so p = e^−10', () => {
  // Hand-computed: expected 1000 each, χ² = (100² + 100² + 0)/1000 = 20; χ²₂ tail is exp(−x/2).
  const p = checkSrm([1100, 900, 1000], [1, 1, 1]).p_value;
  assert.ok(Math.abs(p - Math.exp(-10)) < 1e-15, String(p));
});

test('weights need not sum to one and an exact match gives p = 1', () => {
  assert.equal(checkSrm([500, 500, 1000], [1, 1, 2]).p_value, 1);
  assert.equal(round(checkSrm([1000, 1200], [1, 1]).p_value, 9), 0.000020079);
});

test('no users at all is not evidence of mismatch', () => {
  assert.equal(checkSrm([0, 0], [0.5, 0.5]).p_value, 1);
});

test('a zero-weight variation is skipped but still counts toward the degrees of freedom, as in gbstats', () => {
  // χ² from the two weighted arms is 18.1818…, tested on len(users) − 1 = 2 df.
  const p = checkSrm([1000, 1200, 0], [0.5, 0.5, 0]).p_value;
  assert.ok(Math.abs(p - Math.exp(-(2 * 100 ** 2) / 1100 / 2)) < 1e-15, String(p));
});
