/**
 * Staggered rollouts by stacked difference-in-differences, on simulated regions with a known lift
 * per wave: estimates recover the lifts and the 95% intervals cover them about 95% of the time.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { staggeredDid, type StaggeredUnit } from '../../../src/initiatives/methods/staggered.ts';
import { addDays } from '../../../src/initiatives/methods/stats.ts';
import { mulberry32, normalSampler } from '../../../src/stats/random.ts';

const START = '2026-01-01';
const DAYS = 140;
const WAVE1 = addDays(START, 60);
const WAVE2 = addDays(START, 100);
const LIFT = { [WAVE1]: 0.03, [WAVE2]: 0.05 } as Record<string, number>;

/** Six regions: two per wave and two never treated; a shared seasonal day effect; noise sd 0.02. */
function simulate(seed: number): StaggeredUnit[] {
  const rng = mulberry32(seed);
  const normal = normalSampler(rng);
  const dayEffect = Array.from({ length: DAYS }, (_, t) => 0.02 * Math.sin((2 * Math.PI * t) / 7) + 0.01 * normal());
  const plan: Array<[string, string | undefined, number]> = [
    ['north', WAVE1, 0.3],
    ['east', WAVE1, 0.25],
    ['south', WAVE2, 0.28],
    ['west', WAVE2, 0.32],
    ['central', undefined, 0.27],
    ['coast', undefined, 0.31],
  ];
  return plan.map(([unit, ship, base]) => ({
    unit,
    shipDate: ship,
    points: Array.from({ length: DAYS }, (_, t) => {
      const date = addDays(START, t);
      const lift = ship && date >= ship ? LIFT[ship]! : 0;
      return { date, value: base + dayEffect[t]! + lift + 0.02 * normal() };
    }),
  }));
}

test("recovers each wave's lift and the overall lift, with clean controls only", () => {
  const r = staggeredDid(simulate(1));
  assert.deepEqual(
    r.waves.map((w) => [w.shipDate, w.units, w.controls, w.postDays]),
    [
      [WAVE1, ['north', 'east'], ['south', 'west', 'central', 'coast'], 40],
      [WAVE2, ['south', 'west'], ['central', 'coast'], 40],
    ],
  );
  assert.ok(Math.abs(r.waves[0]!.lift!.estimate - 0.03) < 0.01, String(r.waves[0]!.lift!.estimate));
  assert.ok(Math.abs(r.waves[1]!.lift!.estimate - 0.05) < 0.01, String(r.waves[1]!.lift!.estimate));
  assert.ok(Math.abs(r.overall!.estimate - 0.04) < 0.01);
  // The event study is flat before the ship date (pre-period mean removed).
  const pre = r.eventStudy.filter((e) => e.relativeDay < 0);
  assert.ok(Math.abs(pre.reduce((a, e) => a + e.lift, 0) / pre.length) < 1e-9);
});

test('95% intervals cover the true lifts about 95% of the time over 400 simulated rollouts', () => {
  const runs = 400;
  const hits = { wave1: 0, wave2: 0, overall: 0 };
  for (let i = 0; i < runs; i++) {
    const r = staggeredDid(simulate(100 + i));
    const [w1, w2] = r.waves.map((w) => w.lift!);
    if (w1!.low <= 0.03 && 0.03 <= w1!.high) hits.wave1++;
    if (w2!.low <= 0.05 && 0.05 <= w2!.high) hits.wave2++;
    if (r.overall!.low <= 0.04 && 0.04 <= r.overall!.high) hits.overall++;
  }
  const coverage = { wave1: hits.wave1 / runs, wave2: hits.wave2 / runs, overall: hits.overall / runs };
  console.log(`staggered rollout coverage (nominal 0.95): wave 1 ${coverage.wave1}, wave 2 ${coverage.wave2}, overall ${coverage.overall}`);
  for (const c of Object.values(coverage)) assert.ok(c >= 0.9 && c <= 0.99, JSON.stringify(coverage));
});

test('a last wave with no untreated unit left gets no lift and stays out of the overall', () => {
  const units = simulate(3).filter((u) => u.shipDate !== undefined);
  const r = staggeredDid(units);
  assert.equal(r.waves[1]!.lift, null);
  assert.equal(r.waves[1]!.controls.length, 0);
  assert.equal(r.overall!.estimate, r.waves[0]!.lift!.estimate);
});
