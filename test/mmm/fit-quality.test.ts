/**
 * The model's fit figures on a hand-computed toy: R², MAPE over days with a nonzero KPI, and WAPE
 * (Σ|error| ÷ Σ|actual|), which stays readable when a day's revenue is a few dollars.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { MmmFit } from '../../src/mmm/fit.ts';
import { fitQuality } from '../../src/mmm/report.ts';

it('gives R², MAPE and WAPE of the posterior mean as computed by hand', () => {
  // actual 100, 2, 0, 98; fitted 90, 12, 5, 93 → errors 10, −10, −5, 5
  const fit = { series: { y: new Float64Array([100, 2, 0, 98]) }, fitted: new Float64Array([90, 12, 5, 93]) } as unknown as MmmFit;
  const q = fitQuality(fit);
  // mean 50; SST = 2500 + 2304 + 2500 + 2304 = 9608; SSE = 100 + 100 + 25 + 25 = 250
  assert.ok(Math.abs(q.r2 - (1 - 250 / 9608)) < 1e-12);
  // MAPE over the three nonzero days: (0.1 + 5 + 5/98) / 3 — one tiny day dominates
  assert.ok(Math.abs(q.mape - (0.1 + 5 + 5 / 98) / 3) < 1e-12);
  // WAPE: 30 / 200
  assert.ok(Math.abs(q.wape - 0.15) < 1e-12);
});
