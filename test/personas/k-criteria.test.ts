import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kmeans, kmeansBic, silhouette } from '../../src/personas/kmeans.ts';
import { mulberry32, normal } from '../../src/stats/random.ts';

function scores(x: number[][], ks: number[], seed = 3) {
  const rng = mulberry32(seed);
  return ks.map((k) => {
    const fit = kmeans(x, k, rng);
    const sizes = Array.from({ length: k }, (_v, c) => fit.labels.filter((l) => l === c).length);
    return { k, bic: kmeansBic(x.length, x[0]!.length, k, fit.inertia, sizes), silhouette: silhouette(x, fit.labels, k) };
  });
}
const argmin = (rows: Array<{ k: number; bic: number }>) => rows.reduce((a, b) => (b.bic < a.bic ? b : a)).k;
const argmax = (rows: Array<{ k: number; silhouette: number }>) => rows.reduce((a, b) => (b.silhouette > a.silhouette ? b : a)).k;

describe('choosing the number of personas', () => {
  it('BIC and silhouette both find 4 well-separated spherical groups', () => {
    const rng = mulberry32(11);
    const centres = [
      [0, 0, 0, 0, 0],
      [6, 0, 0, 0, 0],
      [0, 6, 0, 0, 0],
      [0, 0, 6, 6, 0],
    ];
    const x = Array.from({ length: 600 }, (_v, i) => centres[i % 4]!.map((c) => c + normal(rng)));
    const rows = scores(x, [2, 3, 4, 5, 6, 7]);
    assert.equal(argmin(rows), 4, JSON.stringify(rows));
    assert.equal(argmax(rows), 4, JSON.stringify(rows));
  });

  it('BIC prefers one group for one Gaussian cloud, where the silhouette can only pick among splits', () => {
    const rng = mulberry32(12);
    const x = Array.from({ length: 500 }, () => [normal(rng), normal(rng), normal(rng)]);
    const rows = scores(x, [1, 2, 3, 4, 5]);
    assert.equal(argmin(rows), 1, JSON.stringify(rows));
  });

  it('BIC is the textbook value for a hand-computed partition', () => {
    // n = 4 points in d = 1, k = 2 clusters of 2, inertia 1: σ² = 1 / (1·(4−2)) = 0.5.
    const variance = 0.5;
    const logLik = 2 * (2 * Math.log(0.5) - 0.5 * 2 * Math.log(2 * Math.PI * variance)) - (1 * 2) / 2;
    const expected = -2 * logLik + (1 + 2 + 1) * Math.log(4);
    assert.ok(Math.abs(kmeansBic(4, 1, 2, 1, [2, 2]) - expected) < 1e-9);
  });
});
