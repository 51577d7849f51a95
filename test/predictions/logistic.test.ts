import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auc, fitLogistic, predictLogistic } from '../../src/predictions/logistic.ts';
import { mulberry32, normal } from '../../src/stats/random.ts';

describe('ridge logistic regression (IRLS)', () => {
  it('converges on rare events (40 positives in 20,000) where a full Newton step would overshoot', () => {
    const rng = mulberry32(9);
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const a = normal(rng);
      const rare = rng() < 0.01 ? 1 : 0; // a nearly constant indicator, as rare stages are
      x.push([a, rare, 100 + 50 * normal(rng)]);
      y.push(rng() < 1 / (1 + Math.exp(-(-7.2 + 1.2 * a + 2 * rare))) ? 1 : 0);
    }
    const positives = y.reduce((s, v) => s + v, 0);
    assert.ok(positives > 20 && positives < 80, `${positives}`);
    const m = fitLogistic(x, y, ['a', 'rare', 'noise']);
    assert.equal(m.converged, true);
    assert.ok(m.intercept > -15 && m.intercept < -3, `intercept ${m.intercept}`);
    const p = x.map((row) => predictLogistic(m, row));
    const mean = p.reduce((s, v) => s + v, 0) / p.length;
    assert.ok(Math.abs(mean - positives / y.length) < 0.001, `mean prediction ${mean}`);
    assert.ok(auc(p, y) > 0.8);
  });
});
