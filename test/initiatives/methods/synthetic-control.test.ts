import { test } from 'node:test';
import assert from 'node:assert/strict';
import { projectToSimplex, simplexLeastSquares, syntheticControl } from '../../../src/initiatives/methods/synthetic-control.ts';
import { addDays } from '../../../src/initiatives/methods/stats.ts';
import type { UnitSeries } from '../../../src/initiatives/methods/types.ts';
import { gen, toPoints } from './simulate.ts';

const START = '2026-02-02';
const PRE = 120;
const POST = 30;

function panel(seed: number, lift: number): UnitSeries[] {
  const { normal } = gen(seed);
  const n = PRE + POST;
  const factor: number[] = [];
  let f = 0;
  for (let i = 0; i < n; i++) factor.push((f += normal()));
  const donors = ['A', 'B', 'C', 'D', 'E', 'F'].map((name, j) => {
    let walk = 0;
    const values = factor.map((fv) => 100 + 10 * j + (0.5 + 0.3 * j) * fv + (walk += 1.5 * normal()));
    return { unit: name, treated: false, values };
  });
  const treated = donors[0]!.values.map((a, i) => 0.6 * a + 0.4 * donors[1]!.values[i]! + 0.5 * normal() + (i >= PRE ? lift : 0));
  return [
    { unit: 'T', treated: true, points: toPoints(START, treated) },
    ...donors.map((d) => ({ unit: d.unit, treated: false, points: toPoints(START, d.values) })),
  ];
}

test('simplex projection matches hand-computed cases', () => {
  assert.deepEqual(projectToSimplex([0.2, 0.3, 0.5]), [0.2, 0.3, 0.5]);
  // [1, 1] → subtract θ = 0.5 → [0.5, 0.5]; [2, 0] → θ = 1 → [1, 0].
  assert.deepEqual(projectToSimplex([1, 1]), [0.5, 0.5]);
  assert.deepEqual(projectToSimplex([2, 0]), [1, 0]);
  // [0.5, 0.5, -1] → θ = 0 over the first two → unchanged, last clipped.
  assert.deepEqual(projectToSimplex([0.5, 0.5, -1]), [0.5, 0.5, 0]);
});

test('constrained least squares finds an exact convex combination', () => {
  const x = [
    [1, 0, 3],
    [0, 1, 2],
    [2, 2, 0],
    [1, 3, 1],
  ];
  const w = [0.25, 0.75, 0];
  const y = x.map((r) => r[0]! * w[0]! + r[1]! * w[1]! + r[2]! * w[2]!);
  const fit = simplexLeastSquares(x, y);
  fit.forEach((v, i) => assert.ok(Math.abs(v - w[i]!) < 1e-6, `${fit}`));
});

test('synthetic control recovers donor weights 0.6·A + 0.4·B to ±0.05 and the lift within its interval', () => {
  const r = syntheticControl({ units: panel(21, 8), shipDate: addDays(START, PRE) });
  const w = Object.fromEntries(r.weights.map((x) => [x.unit, x.weight]));
  assert.ok(Math.abs(w.A! - 0.6) <= 0.05, `A ${w.A}`);
  assert.ok(Math.abs(w.B! - 0.4) <= 0.05, `B ${w.B}`);
  for (const u of ['C', 'D', 'E', 'F']) assert.ok(w[u]! <= 0.05, `${u} ${w[u]}`);
  assert.ok(Math.abs(r.weights.reduce((s, x) => s + x.weight, 0) - 1) < 1e-9);
  assert.ok(r.weights.every((x) => x.weight >= 0));
  assert.ok(r.averageLift.low < 8 && 8 < r.averageLift.high, JSON.stringify(r.averageLift));
  assert.ok(Math.abs(r.averageLift.estimate - 8) < 1);
  // The standardized placebo interval is informative: it excludes 0 for this clear effect.
  assert.ok(r.averageLift.low > 0, JSON.stringify(r.averageLift));
  // With 6 donors the smallest attainable permutation p-value is 1/7, reached by a clear effect.
  assert.ok(Math.abs(r.permutationPValue - 1 / 7) < 1e-12);
  assert.equal(r.placebos.length, 6);
});

test('synthetic control with no effect gives a lift interval containing 0 and a large p-value', () => {
  const r = syntheticControl({ units: panel(22, 0), shipDate: addDays(START, PRE) });
  assert.ok(r.averageLift.low < 0 && 0 < r.averageLift.high, JSON.stringify(r.averageLift));
  assert.ok(r.permutationPValue > 0.2);
});
