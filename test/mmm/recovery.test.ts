/**
 * Parameter recovery on simulated worlds with known truth (a few seeds; the larger study is
 * bench/mmm-recovery.ts): the 90% intervals cover the true ROIs, the ROI means rank the
 * channels as the truth does, contributions are close, and a channel without effect gets an
 * interval that includes 0.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitMmm, summarize } from '../../src/mmm/fit.ts';
import { simulateMmm } from '../../src/mmm/simulate.ts';

function spearman(a: number[], b: number[]): number {
  const rank = (x: number[]) => {
    const r = new Array<number>(x.length);
    x.map((v, i) => [v, i] as const)
      .sort((p, q) => p[0] - q[0])
      .forEach(([, i], k) => (r[i] = k));
    return r;
  };
  const ra = rank(a),
    rb = rank(b);
  const m = (a.length - 1) / 2;
  let num = 0,
    da = 0,
    db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (ra[i]! - m) * (rb[i]! - m);
    da += (ra[i]! - m) ** 2;
    db += (rb[i]! - m) ** 2;
  }
  return num / Math.sqrt(da * db);
}

describe('MMM parameter recovery on simulated data', async () => {
  const worlds = await Promise.all(
    [21, 22].map(async (seed) => {
      const sim = simulateMmm({ seed, days: 300, channels: 4, controls: 1, zeroEffect: [3], rois: [0.6, 1.8, 3.2] });
      const fit = await fitMmm(sim.series, { sampler: { chains: 2, warmup: 200, draws: 200, seed } });
      return { sim, fit, roi: fit.channels.map((c) => summarize(c.roi, 0.9)) };
    }),
  );

  it('covers the true ROI with the 90% intervals and ranks the channels as the truth does', () => {
    let inside = 0,
      total = 0;
    for (const w of worlds) {
      w.roi.forEach((s, c) => {
        total++;
        if (w.sim.truth.channels[c]!.roi >= s.lo && w.sim.truth.channels[c]!.roi <= s.hi) inside++;
      });
      const rho = spearman(
        w.roi.map((s) => s.mean),
        w.sim.truth.channels.map((t, i) => t.roi + i * 1e-9),
      );
      assert.ok(rho >= 0.8, `rank correlation ${rho}`);
    }
    assert.ok(inside >= total - 1, `${inside} of ${total} intervals cover the truth`);
  });

  it('estimates each world’s media contributions within 25% of the total true contribution', () => {
    for (const w of worlds) {
      let err = 0,
        scale = 0;
      w.fit.channels.forEach((cd, c) => {
        err += Math.abs(w.roi[c]!.mean * cd.spendTotal - w.sim.truth.channels[c]!.contribution);
        scale += Math.abs(w.sim.truth.channels[c]!.contribution);
      });
      assert.ok(err / scale < 0.25, `relative contribution error ${err / scale}`);
    }
  });

  it('gives a channel without effect an ROI interval that includes 0', () => {
    for (const w of worlds) assert.ok(w.roi[3]!.lo <= 0 && w.roi[3]!.hi >= 0, `[${w.roi[3]!.lo}, ${w.roi[3]!.hi}]`);
  });

  it('reports converged diagnostics and a prior weight per channel', () => {
    for (const w of worlds) {
      assert.ok(w.fit.diagnostics.maxRhat < 1.1, `R-hat ${w.fit.diagnostics.maxRhat}`);
      for (const p of w.fit.priors) assert.ok(p.weight > 0 && p.weight <= 1);
    }
  });
});
