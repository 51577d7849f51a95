import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fitResponseCurve, responseCurve } from '../../src/attribution/response-curve.ts';
import { mulberry32, normal } from '../../src/stats/random.ts';
import { close } from './helpers.ts';

const A = 5000;
const B = 800;
const spends = Array.from({ length: 60 }, (_, i) => 50 + i * 50); // 50 … 3000 a day

describe('response curve fit', () => {
  it('recovers a and b exactly from noiseless points, with R² = 1 and the analytic marginal return', () => {
    const fit = fitResponseCurve(spends.map((s) => ({ spend: s, revenue: responseCurve(s, A, B) })));
    close(fit.a / A, 1, 1e-7);
    close(fit.b / B, 1, 1e-7);
    close(fit.r2!, 1, 1e-12);
    close(fit.meanSpend, 1525, 1e-9);
    close(fit.marginalReturn, (A / B) * Math.exp(-1525 / B), 1e-6);
  });

  it('recovers the parameters within 5% under 3% multiplicative noise', () => {
    const rng = mulberry32(21);
    const fit = fitResponseCurve(spends.map((s) => ({ spend: s, revenue: responseCurve(s, A, B) * (1 + 0.03 * normal(rng)) })));
    assert.ok(Math.abs(fit.a / A - 1) < 0.05, `a = ${fit.a}`);
    assert.ok(Math.abs(fit.b / B - 1) < 0.05, `b = ${fit.b}`);
    assert.ok(fit.r2! > 0.95);
  });

  it('needs at least two days with spend', () => {
    assert.throws(
      () =>
        fitResponseCurve([
          { spend: 10, revenue: 5 },
          { spend: 0, revenue: 1 },
        ]),
      /at least 2 points/,
    );
  });
});
