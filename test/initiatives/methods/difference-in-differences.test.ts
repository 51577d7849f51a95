import { test } from 'node:test';
import assert from 'node:assert/strict';
import { differenceInDifferences } from '../../../src/initiatives/methods/difference-in-differences.ts';
import { ols } from '../../../src/stats/linear-algebra.ts';
import type { UnitSeries } from '../../../src/initiatives/methods/types.ts';
import { ar1, gen, toPoints } from './simulate.ts';

const START = '2026-01-05';

function unit(name: string, treated: boolean, values: number[]): UnitSeries {
  return { unit: name, treated, points: toPoints(START, values) };
}

test('DiD on a 2×2 panel with two units per group equals the hand-computed cell-mean contrast', () => {
  // Cell means: treated pre 10, post 14.5; control pre 6, post 8 → (14.5 − 10) − (8 − 6) = 2.5.
  const units = [
    unit('A', true, [10, 12, 15, 17]),
    unit('B', true, [8, 10, 14, 12]),
    unit('C', false, [5, 7, 7, 9]),
    unit('D', false, [6, 6, 8, 8]),
  ];
  const r = differenceInDifferences({ units, shipDate: '2026-01-07' });
  assert.equal(r.cellMeans.treatedPre, 10);
  assert.equal(r.cellMeans.treatedPost, 14.5);
  assert.equal(r.cellMeans.controlPre, 6);
  assert.equal(r.cellMeans.controlPost, 8);
  assert.ok(Math.abs(r.cellMeans.estimate - 2.5) < 1e-12);
  assert.ok(Math.abs(r.averageLift.estimate - 2.5) < 1e-12);
  assert.ok(Math.abs(r.cumulativeLift.estimate - 5) < 1e-12);
  assert.equal(r.standardErrorKind, 'day_ar1');
});

test('DiD with one treated and one control series gives the gap change, same as the means form', () => {
  // Gap pre: 0, 1, 1 (mean 2/3); gap post: 4, 4 → 4 − 2/3 = 10/3.
  const units = [unit('T', true, [1, 2, 3, 6, 7]), unit('C', false, [1, 1, 2, 2, 3])];
  const r = differenceInDifferences({ units, shipDate: '2026-01-08' });
  assert.ok(Math.abs(r.averageLift.estimate - 10 / 3) < 1e-12);
  assert.ok(Math.abs(r.cellMeans.estimate - 10 / 3) < 1e-12);
  // Daily lift = day gap − mean pre gap.
  const post = r.series.filter((p) => p.post).map((p) => p.lift);
  assert.deepEqual(
    post.map((x) => Math.round(x * 1e9) / 1e9),
    [3.333333333, 3.333333333],
  );
});

test('fixed-effects estimate on an unbalanced panel equals OLS with explicit unit and day dummies', () => {
  const { normal } = gen(7);
  const units = [0, 1, 2, 3, 4].map((i) =>
    unit(
      `u${i}`,
      i < 2,
      Array.from({ length: 8 }, (_, t) => i + 0.3 * t + (i < 2 && t >= 5 ? 1.5 : 0) + normal()),
    ),
  );
  units[0]!.points.splice(2, 1); // unbalanced: drop one treated pre day
  units[3]!.points.splice(6, 1); // and one control post day
  const r = differenceInDifferences({ units, shipDate: addDaysLocal(5) });
  // Explicit dummies: intercept, 4 unit dummies, 7 day dummies, treatment.
  const rows: number[][] = [];
  const y: number[] = [];
  units.forEach((u, ui) =>
    u.points.forEach((p) => {
      const t = Math.round((Date.parse(p.date) - Date.parse(START)) / 86_400_000);
      const row = [1];
      for (let k = 1; k < 5; k++) row.push(ui === k ? 1 : 0);
      for (let k = 1; k < 8; k++) row.push(t === k ? 1 : 0);
      row.push(u.treated && t >= 5 ? 1 : 0);
      rows.push(row);
      y.push(p.value);
    }),
  );
  const fit = ols(rows, y);
  assert.ok(Math.abs(r.averageLift.estimate - fit.beta[12]!) < 1e-8, `${r.averageLift.estimate} vs ${fit.beta[12]}`);
  assert.notEqual(Math.round(r.averageLift.estimate * 1e6), Math.round(r.cellMeans.estimate * 1e6));
});

function addDaysLocal(n: number): string {
  return new Date(Date.parse(START) + n * 86_400_000).toISOString().slice(0, 10);
}

function pair(seed: number, opts: { preSlopeTreated: number; effect: number; pre?: number; post?: number }): UnitSeries[] {
  const { normal } = gen(seed);
  const pre = opts.pre ?? 56;
  const post = opts.post ?? 28;
  const n = pre + post;
  const common = Array.from({ length: n }, () => normal()); // shared day shocks, removed by day effects
  const et = ar1(n, 0.3, 1, normal);
  const ec = ar1(n, 0.3, 1, normal);
  const t = Array.from(
    { length: n },
    (_, i) => 100 + 0.2 * i + 3 * common[i]! + et[i]! + opts.preSlopeTreated * Math.min(i, pre) + (i >= pre ? opts.effect : 0),
  );
  const c = Array.from({ length: n }, (_, i) => 80 + 0.2 * i + 3 * common[i]! + ec[i]!);
  return [unit('T', true, t), unit('C', false, c)];
}

test('parallel-trends warning fires on a diverging pre-trend and stays quiet on parallel series', () => {
  const diverging = differenceInDifferences({ units: pair(11, { preSlopeTreated: 0.08, effect: 0 }), shipDate: addDaysLocal(56) });
  assert.equal(diverging.preTrend!.significant, true);
  assert.ok(diverging.warnings.some((w) => w.includes('Pre-period trend')));
  const parallel = differenceInDifferences({ units: pair(11, { preSlopeTreated: 0, effect: 0 }), shipDate: addDaysLocal(56) });
  assert.equal(parallel.preTrend!.significant, false);
  assert.ok(!parallel.warnings.some((w) => w.includes('Pre-period trend')));
});

test('parallel-trends check warns on under 10% of 500 parallel (null) simulations with AR(1) errors', () => {
  let warned = 0;
  for (let s = 0; s < 500; s++) {
    const r = differenceInDifferences({ units: pair(9000 + s, { preSlopeTreated: 0, effect: 0 }), shipDate: addDaysLocal(56) });
    if (r.preTrend!.significant) warned++;
  }
  console.log(`pre-trend false-warning rate: ${warned / 500}`);
  assert.ok(warned / 500 < 0.1, `${warned / 500}`);
});

test('DiD recovers a known effect within its interval', () => {
  const r = differenceInDifferences({ units: pair(5, { preSlopeTreated: 0, effect: 4 }), shipDate: addDaysLocal(56) });
  assert.ok(r.averageLift.low < 4 && 4 < r.averageLift.high, JSON.stringify(r.averageLift));
  assert.ok(r.averageLift.pValue < 0.01);
});

test('day-level AR(1) DiD test with one treated and one control series rejects a true null about 5% of the time over 500 simulations', () => {
  let rejections = 0;
  for (let s = 0; s < 500; s++) {
    const r = differenceInDifferences({ units: pair(1000 + s, { preSlopeTreated: 0, effect: 0 }), shipDate: addDaysLocal(56) });
    if (r.averageLift.pValue < 0.05) rejections++;
  }
  const rate = rejections / 500;
  // Binomial SE at 5% over 500 runs is ~0.0097; allow 3 SE.
  console.log(`DiD day-level AR(1) false-positive rate: ${rate}`);
  assert.ok(rate > 0.05 - 0.03 && rate < 0.05 + 0.03, `false-positive rate ${rate}`);
});

test('unit-clustered DiD test with 20 units and AR(1) errors rejects a true null about 5% of the time', () => {
  let rejections = 0;
  for (let s = 0; s < 500; s++) {
    const { normal } = gen(5000 + s);
    const n = 40;
    const common = Array.from({ length: n }, () => normal());
    const units = Array.from({ length: 20 }, (_, i) => {
      const e = ar1(n, 0.6, 1, normal);
      return unit(
        `u${i}`,
        i < 10,
        e.map((x, t) => 50 + i + 0.1 * t + 2 * common[t]! + x),
      );
    });
    const r = differenceInDifferences({ units, shipDate: addDaysLocal(28) });
    assert.equal(r.standardErrorKind, 'cluster_unit');
    if (r.averageLift.pValue < 0.05) rejections++;
  }
  const rate = rejections / 500;
  console.log(`DiD unit-clustered false-positive rate: ${rate}`);
  assert.ok(rate > 0.05 - 0.03 && rate < 0.05 + 0.03, `false-positive rate ${rate}`);
});
