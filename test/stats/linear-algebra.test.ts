import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cholesky, invert, invertSpd, matVec, ols } from '../../src/stats/linear-algebra.ts';
import { quantile, quantileSorted } from '../../src/stats/descriptive.ts';
import { minimize, standardErrors } from '../../src/stats/optimize.ts';
import { twoSidedP } from '../../src/stats/distributions.ts';

const close = (a: number, b: number, tol = 1e-10) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

describe('linear algebra', () => {
  it('factors an SPD matrix into L Lᵀ, reading only its lower triangle', () => {
    const a = [
      [4, 12, -16],
      [12, 37, -43],
      [-16, -43, 98],
    ];
    assert.deepEqual(cholesky(a), [
      [2, 0, 0],
      [6, 1, 0],
      [-8, 5, 3],
    ]);
    // An upper triangle that is off by rounding (as an inverse's is) gives the same factor.
    assert.deepEqual(
      cholesky([
        [4, 12.000000001, -16],
        [12, 37, -43],
        [-16, -43, 98],
      ]),
      cholesky(a),
    );
    assert.equal(
      cholesky([
        [1, 2],
        [2, 1],
      ]),
      null,
    );
  });

  it('inverts SPD and general matrices, and answers null for a singular one', () => {
    const spd = [
      [2, 1],
      [1, 3],
    ];
    const inv = invertSpd(spd);
    [
      [0.6, -0.2],
      [-0.2, 0.4],
    ].forEach((row, i) => row.forEach((v, j) => close(inv[i]![j]!, v)));
    const g = invert([
      [0, 2],
      [1, 1],
    ])!;
    [
      [-0.5, 1],
      [0.5, 0],
    ].forEach((row, i) => row.forEach((v, j) => close(g[i]![j]!, v)));
    assert.equal(
      invert([
        [1, 2],
        [2, 4],
      ]),
      null,
    );
    assert.throws(
      () =>
        invertSpd([
          [1, 1],
          [1, 1],
        ]),
      /singular/,
    );
    assert.deepEqual(
      matVec(
        [
          [1, 2],
          [3, 4],
        ],
        [1, 1],
      ),
      [3, 7],
    );
  });

  it('fits OLS: y = 1 + 2x exactly, and the textbook residual variance of a noisy line', () => {
    const exact = ols(
      [0, 1, 2, 3].map((x) => [1, x]),
      [1, 3, 5, 7],
    );
    close(exact.beta[0]!, 1);
    close(exact.beta[1]!, 2);
    close(exact.sigma2, 0);
    const fit = ols(
      [1, 2, 3, 4, 5].map((x) => [1, x]),
      [2, 4, 5, 4, 5],
    );
    close(fit.beta[0]!, 2.2);
    close(fit.beta[1]!, 0.6);
    close(fit.sigma2, 2.4 / 3); // SSR 2.4 on 3 degrees of freedom
    close(fit.xtxInv[1]![1]!, 0.1); // 1 / Σ(x − x̄)²
    assert.throws(() => ols([[1, 0]], [1]), /more observations/);
  });
});

describe('quantiles, optimiser, p-values', () => {
  it('type-7 quantiles as R computes them', () => {
    close(quantile([4, 1, 3, 2], 0.5), 2.5);
    close(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), 9.1);
    assert.ok(Number.isNaN(quantileSorted([], 0.5)));
  });

  it('minimises Rosenbrock to (1, 1), with standard errors from its Hessian', () => {
    const f = (x: number[]) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;
    const r = minimize(f, [-1.2, 1]);
    assert.equal(r.converged, true);
    close(r.x[0]!, 1, 1e-4);
    close(r.x[1]!, 1, 1e-4);
    // Hessian at (1,1) is [[802, -400], [-400, 200]]; its inverse's diagonal is [0.5, 2.005].
    const se = standardErrors(f, [1, 1]);
    close(se[0]!, Math.sqrt(0.5), 1e-4);
    close(se[1]!, Math.sqrt(2.005), 1e-4);
  });

  it('two-sided t p-values', () => {
    close(twoSidedP(2.228, 10), 0.05, 1e-4);
    assert.equal(twoSidedP(Infinity, 5), 0);
  });
});
