/**
 * Calibration: a hand-entered lift becomes the channel's ROI prior (its interval turned into a
 * standard error), and the fit reports how much that prior weighs against the data.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manualLift } from '../../src/mmm/calibration.ts';
import { fitMmm, summarize } from '../../src/mmm/fit.ts';
import { simulateMmm } from '../../src/mmm/simulate.ts';

describe('MMM calibration by lift tests', () => {
  it('turns a 90% interval into a standard error', () => {
    const l = manualLift({ channel: 'Display', roi: 2, lo: 1, hi: 3 });
    assert.equal(l.source, 'manual');
    assert.ok(Math.abs(l.se - 1 / 1.6448536269514722) < 1e-9);
    assert.throws(() => manualLift({ channel: 'Display', roi: 2 }), /needs se or lo and hi/);
  });

  it('makes a tight lift the prior of its channel, pulls the ROI to it and reports a high prior weight', async () => {
    const sim = simulateMmm({ seed: 8, days: 150, channels: 2, rois: [1.5, 2] });
    const sampler = { chains: 2, warmup: 150, draws: 150, seed: 2 };
    const plain = await fitMmm(sim.series, { sampler });
    const calibrated = await fitMmm(sim.series, {
      sampler,
      lifts: [{ channel: 'channel_1', roi: 4, se: 0.05, source: 'manual', label: 'geo test' }],
    });
    const p = calibrated.priors[0]!;
    assert.equal(p.source, 'lift');
    assert.deepEqual(p.roi, { mean: 4, sd: 0.05 });
    const roi = summarize(calibrated.channels[0]!.roi, 0.9);
    assert.ok(Math.abs(roi.mean - 4) < 0.15, `calibrated ROI ${roi.mean}`);
    assert.ok(p.weight > 0.5, `prior weight ${p.weight}`);
    assert.ok(plain.priors[0]!.weight < p.weight);
    assert.equal(calibrated.priors[1]!.source, 'default');
  });
});
