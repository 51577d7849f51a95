/**
 * The MMM's numerics: exact gradients of the log posterior, the sampler on a known posterior,
 * and the budget optimiser on a toy with an analytic optimum.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { optimizeAllocation } from '../../src/mmm/budget.ts';
import { buildModelData } from '../../src/mmm/fit.ts';
import { MmmModel } from '../../src/mmm/model.ts';
import { simulateMmm } from '../../src/mmm/simulate.ts';
import { effectiveSampleSize, rhat } from '../../src/stats/mcmc.ts';
import { nuts } from '../../src/stats/nuts.ts';
import { mulberry32 } from '../../src/stats/random.ts';

describe('MMM log posterior', () => {
  it('has a gradient equal to central finite differences in every coordinate', () => {
    const sim = simulateMmm({ seed: 3, days: 200, channels: 3, controls: 1 });
    const { data } = buildModelData(sim.series, { delays: { channel_2: 2 } }, true);
    const model = new MmmModel(data);
    const rng = mulberry32(5);
    const theta = Float64Array.from({ length: model.dimension }, () => 0.6 * (rng() - 0.5));
    const grad = new Float64Array(model.dimension);
    model.logDensity(theta, grad);
    for (let i = 0; i < theta.length; i++) {
      const h = 1e-6;
      const a = Float64Array.from(theta);
      const b = Float64Array.from(theta);
      a[i]! += h;
      b[i]! -= h;
      const fd = (model.logDensity(a) - model.logDensity(b)) / (2 * h);
      assert.ok(Math.abs(fd - grad[i]!) <= 1e-5 * Math.max(1, Math.abs(fd)), `coordinate ${i}: ${grad[i]} vs ${fd}`);
    }
  });
});

describe('NUTS', () => {
  it('recovers the means and standard deviations of a correlated Gaussian, with R-hat near 1 and ESS reported', () => {
    // x ~ N(mu, S) with S = [[1, 0.9·2], [0.9·2, 4]].
    const mu = [1, -2];
    const s11 = 1,
      s22 = 4,
      s12 = 0.9 * 2;
    const det = s11 * s22 - s12 * s12;
    const p11 = s22 / det,
      p22 = s11 / det,
      p12 = -s12 / det;
    const logp = (x: Float64Array, g: Float64Array) => {
      const a = x[0]! - mu[0]!;
      const b = x[1]! - mu[1]!;
      g[0] = -(p11 * a + p12 * b);
      g[1] = -(p12 * a + p22 * b);
      return -0.5 * (p11 * a * a + 2 * p12 * a * b + p22 * b * b);
    };
    const chains = [1, 2, 3, 4].map((seed) => nuts(logp, Float64Array.from([0, 0]), { warmup: 300, draws: 500, seed, metric: 'dense' }));
    const coord = (i: number) => chains.map((c) => Float64Array.from({ length: c.draws.length / 2 }, (_, k) => c.draws[2 * k + i]!));
    for (const i of [0, 1]) {
      const all = coord(i).flatMap((c) => [...c]);
      const mean = all.reduce((s, v) => s + v, 0) / all.length;
      const sd = Math.sqrt(all.reduce((s, v) => s + (v - mean) ** 2, 0) / (all.length - 1));
      assert.ok(Math.abs(mean - mu[i]!) < 0.15 * Math.sqrt([s11, s22][i]!), `mean ${i}: ${mean}`);
      assert.ok(Math.abs(sd / Math.sqrt([s11, s22][i]!) - 1) < 0.1, `sd ${i}: ${sd}`);
      assert.ok(rhat(coord(i)) < 1.02);
      assert.ok(effectiveSampleSize(coord(i)) > 400);
    }
    assert.equal(
      chains.reduce((s, c) => s + c.divergences, 0),
      0,
    );
  });
});

describe('budget optimiser', () => {
  it('finds the analytic optimum of concave saturating returns under a total', () => {
    // value_c(B) = a_c·B/(B + k_c): the optimum equalises a_c·k_c/(B_c + k_c)² = λ.
    const a = [300, 200, 500, 120];
    const k = [40, 10, 150, 5];
    const total = 200;
    const optimum = (lambda: number) => a.map((ac, c) => Math.max(0, Math.sqrt((ac * k[c]!) / lambda) - k[c]!));
    let lo = 1e-9,
      hi = 1e3;
    for (let i = 0; i < 200; i++) {
      const mid = Math.sqrt(lo * hi);
      if (optimum(mid).reduce((s, v) => s + v, 0) > total) lo = mid;
      else hi = mid;
    }
    const expected = optimum(hi);
    const found = optimizeAllocation(
      a.map((ac, c) => (B: number) => (ac * B) / (B + k[c]!)),
      a.map(() => ({ min: 0, max: total })),
      total,
    );
    assert.ok(Math.abs(found.reduce((s, v) => s + v, 0) - total) < 1e-9);
    found.forEach((v, c) => assert.ok(Math.abs(v - expected[c]!) < 0.05, `channel ${c}: ${v} vs ${expected[c]}`));
  });

  it('respects per-channel bounds and finds the optimum of S-shaped returns that a greedy step would miss', () => {
    // Channel 0 pays only past a threshold (steep Hill); channel 1 is linear and weaker.
    const f0 = (B: number) => (1000 * B ** 6) / (B ** 6 + 60 ** 6);
    const f1 = (B: number) => 4 * B;
    const found = optimizeAllocation(
      [f0, f1],
      [
        { min: 0, max: 100 },
        { min: 10, max: 100 },
      ],
      100,
    );
    assert.ok(found[1]! >= 10 - 1e-9);
    // Grid search over the one free variable.
    let best = -Infinity,
      arg = 0;
    for (let B = 0; B <= 90; B += 0.01) {
      const v = f0(B) + f1(100 - B);
      if (v > best) [best, arg] = [v, B];
    }
    assert.ok(Math.abs(found[0]! - arg) < 0.05, `${found[0]} vs ${arg}`);
  });

  it('refuses a total the bounds cannot reach', () => {
    assert.throws(() => optimizeAllocation([(b) => b], [{ min: 0, max: 10 }], 20), /outside what the bounds allow/);
  });
});
