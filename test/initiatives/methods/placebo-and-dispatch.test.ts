import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateLift, placeboTest, differenceInDifferences } from '../../../src/initiatives/methods/index.ts';
import { addDays } from '../../../src/initiatives/methods/stats.ts';
import type { UnitSeries } from '../../../src/initiatives/methods/types.ts';
import { ar1, gen, toPoints } from './simulate.ts';

const START = '2026-01-05';

function pair(seed: number, preSlope: number, effect: number): UnitSeries[] {
  const { normal } = gen(seed);
  const n = 84;
  const et = ar1(n, 0.3, 1, normal);
  const ec = ar1(n, 0.3, 1, normal);
  return [
    {
      unit: 'T',
      treated: true,
      points: toPoints(
        START,
        et.map((e, i) => 100 + preSlope * Math.min(i, 56) + e + (i >= 56 ? effect : 0)),
      ),
    },
    {
      unit: 'C',
      treated: false,
      points: toPoints(
        START,
        ec.map((e) => 80 + e),
      ),
    },
  ];
}

test('estimateLift dispatches to the chosen method with identical results', () => {
  const units = pair(1, 0, 3);
  const shipDate = addDays(START, 56);
  const viaIndex = estimateLift({ method: 'did', units, shipDate });
  const direct = differenceInDifferences({ units, shipDate });
  assert.equal(viaIndex.method, 'did');
  assert.deepEqual(viaIndex.averageLift, direct.averageLift);
  const sc = estimateLift({
    method: 'synthetic_control',
    units: [...units, { unit: 'C2', treated: false, points: units[1]!.points.map((p) => ({ ...p, value: p.value + 40 })) }],
    shipDate,
  });
  assert.equal(sc.method, 'synthetic_control');
  assert.throws(() => estimateLift({ method: 'nope' } as never), /unknown lift method/);
});

test('placebo defaults to the middle of the pre-period with the post length matched, and finds no effect on parallel data', () => {
  const units = pair(2, 0, 3);
  const p = placeboTest({ lift: { method: 'did', units, shipDate: addDays(START, 56) } });
  // 56 pre days → fake ship on pre day 28; real post is 28 days → fake post days 28..55.
  assert.equal(p.fakeShipDate, addDays(START, 28));
  assert.equal(p.fakePostEnd, addDays(START, 55));
  assert.equal(p.postDays, 28);
  assert.equal(p.intervalContainsZero, true);
  assert.ok(
    p.estimate.series.every((s) => s.date < addDays(START, 56)),
    'placebo must not see real post data',
  );
});

test('placebo flags a spurious effect when the treated series drifts away before the ship date', () => {
  const p = placeboTest({ lift: { method: 'did', units: pair(3, 0.1, 0), shipDate: addDays(START, 56) } });
  assert.equal(p.intervalContainsZero, false);
  assert.ok(p.warnings.some((w) => w.includes('Placebo at')));
  // Drift 0.1/day: fake post mean (days 28–55) minus fake pre mean (days 0–27) ≈ 0.1 × 28 = 2.8.
  assert.ok(Math.abs(p.averageLift.estimate - 2.8) < 0.8, `${p.averageLift.estimate}`);
});

test('placebo cuts the fake post-period at the real ship date when the post-period is long', () => {
  const units = pair(4, 0, 0).map((u) => ({ ...u, points: u.points.slice(0, 84) }));
  const p = placeboTest({ lift: { method: 'did', units, shipDate: addDays(START, 30) } });
  // 30 pre days → fake ship day 15, wanted 54 days, cut to 15.
  assert.equal(p.postDays, 15);
  assert.ok(p.warnings.some((w) => w.includes('cut to 15 days')));
});
