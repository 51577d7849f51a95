import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GroundTruth } from '../../src/demo/generator.ts';
import { DAYS_PER_MONTH } from '../../src/initiatives/methods/initiative-roi.ts';
import type { Store } from '../../src/store/store.ts';
import { openTestStore } from '../support/stores.ts';
import { loadDemo, scoreDemo, type DemoScore } from './demo-support.ts';

// 6000 customers over 84 days: wave 1 ships on day 56 and wave 2 after the period ends, so the
// wave-2 regions are a clean control for 28 days (≈ 200 checkouts per group and period).
describe('demo ground truth is recovered', { timeout: 120_000 }, () => {
  let store: Store;
  let truth: GroundTruth;
  let score: DemoScore;
  before(async () => {
    store = await openTestStore('duckdb');
    truth = await loadDemo(store, 'demo', { seed: 42, customers: 6000, days: 84 });
    score = await scoreDemo(store, 'demo', truth, 0.4);
  });
  after(async () => store?.close());

  it('puts the streamlined checkout’s true lift p1 − p0 inside the difference-in-differences interval', () => {
    const a = score.initiative.lift.absolute;
    assert.equal(score.initiative.method, 'did');
    assert.equal(truth.journey_change.absolute_lift, 0.13);
    assert.ok(a.low <= 0.13 && 0.13 <= a.high, `interval [${a.low}, ${a.high}] misses 0.13`);
    assert.ok(score.initiative.placebo, 'a placebo test is reported beside the estimate');
  });

  it('computes the ROI from the recorded one-off and monthly cost and the project margin', () => {
    const r = score.initiative;
    const months = r.lift.postDays / DAYS_PER_MONTH;
    const cost = truth.journey_change.cost.one_off + truth.journey_change.cost.monthly * months;
    assert.ok(Math.abs(r.cost!.total - cost) < 1e-6);
    assert.ok(Math.abs(r.incrementalGrossMargin!.estimate - 0.4 * r.incrementalRevenue!.estimate) < 1e-6);
    assert.ok(Math.abs(r.roi!.estimate - (r.incrementalGrossMargin!.estimate - cost) / cost) < 1e-9);
    assert.ok(r.roi!.low <= r.roi!.estimate && r.roi!.estimate <= r.roi!.high);
  });

  it('puts the free-shipping banner’s true relative lift inside the experiment’s interval, with every exposure counted', () => {
    const e = score.experiment;
    assert.ok(e.ci[0] <= e.trueRelativeLift && e.trueRelativeLift <= e.ci[1], `interval [${e.ci}] misses ${e.trueRelativeLift}`);
    // Exposed persons match the generator's tally per arm.
    assert.deepEqual(e.exposed, truth.experiment.exposed);
  });
});
