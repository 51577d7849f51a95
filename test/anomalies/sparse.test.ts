/**
 * A KPI of few events a day (a small shop's orders): most days are zero, so the residuals' robust
 * scale collapses; the band must still follow count noise, flagging neither ordinary single orders
 * nor a whole quiet month, while a real burst still stands out.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitSeasonal, type SeriesPoint } from '../../src/anomalies/model.ts';
import { mulberry32 } from '../../src/stats/random.ts';

const DAY = 86_400_000;

/** Poisson draws by inversion (small means only). */
function poisson(mean: number, rng: () => number): number {
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  const u = rng();
  while (u > cdf) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

function series(mean: number, days: number, seed: number): SeriesPoint[] {
  const rng = mulberry32(seed);
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  return Array.from({ length: days }, (_v, i) => ({ date: new Date(t0 + i * DAY).toISOString().slice(0, 10), value: poisson(mean, rng) }));
}

describe('anomaly bands for sparse counts', () => {
  it('flags almost no ordinary day of a series averaging half an order a day', () => {
    let flagged = 0;
    let total = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      const fit = fitSeasonal(series(0.5, 180, seed), { eventValue: 1 });
      flagged += fit.points.filter((p) => p.anomaly).length;
      total += fit.points.length;
    }
    const rate = flagged / total;
    // Without the count floor, 241 of these 900 days were flagged (two in three days with an order).
    console.log(`sparse counts: ${flagged} of ${total} ordinary days flagged (${(rate * 100).toFixed(2)}%)`);
    assert.ok(rate < 0.01, `false-alarm rate ${rate}`);
    const fit = fitSeasonal(series(0.5, 180, 1), { eventValue: 1 });
    assert.ok(fit.points.every((p) => p.lower >= 0));
  });

  it('still finds a burst of 10 orders on one day', () => {
    const s = series(0.5, 180, 7);
    s[150] = { ...s[150]!, value: 10 };
    const fit = fitSeasonal(s, { eventValue: 1 });
    assert.equal(fit.points[150]!.anomaly, true);
    assert.ok(fit.points[150]!.probability > 0.99);
  });

  it('leaves the band of a busy series to its measured noise', () => {
    const busy = series(0.5, 120, 9).map((p, i) => ({ ...p, value: 400 + ((i * 37) % 11) }));
    const withFloor = fitSeasonal(busy, { eventValue: 1 });
    const without = fitSeasonal(busy);
    assert.deepEqual(
      withFloor.points.map((p) => p.upper),
      without.points.map((p) => p.upper),
    );
  });
});
