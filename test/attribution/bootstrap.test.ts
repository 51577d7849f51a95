import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runModel } from '../../src/attribution/models/index.ts';
import { resampleJourneys } from '../../src/attribution/models/bootstrap.ts';
import { makeSyntheticPaths } from '../../src/attribution/models/synthetic.ts';
import { mulberry32 } from '../../src/stats/random.ts';
import type { PathAggregate } from '../../src/attribution/models/types.ts';
import { close } from './helpers.ts';

const base = makeSyntheticPaths(60, 3000, 5, 11);
const scaled: PathAggregate[] = base.map((p) => ({ ...p, conversions: p.conversions * 100, nulls: p.nulls * 100, value: p.value * 100 }));

describe('bootstrap intervals', () => {
  for (const model of ['markov', 'shapley']) {
    it(`${model}: each interval contains the point estimate and narrows about tenfold when counts scale ×100`, () => {
      const small = runModel(model, base, { bootstrap: { samples: 100, seed: 3 } });
      const big = runModel(model, scaled, { bootstrap: { samples: 100, seed: 3 } });
      for (const row of small.channels) {
        assert.ok(row.low! <= row.conversions && row.conversions <= row.high!, `${row.channel} ${row.low} ${row.conversions} ${row.high}`);
        const b = big.channels.find((r) => r.channel === row.channel)!;
        assert.ok(b.low! <= b.conversions && b.conversions <= b.high!);
        close(b.conversions, row.conversions * 100, 1e-6 * b.conversions); // point estimate is scale-free
        const relSmall = (row.high! - row.low!) / row.conversions;
        const relBig = (b.high! - b.low!) / b.conversions;
        assert.ok(relSmall > 0);
        assert.ok(relBig < 0.2 * relSmall, `${row.channel}: relative width ${relBig} vs ${relSmall}`);
      }
    });
  }

  it('is reproducible for a seed', () => {
    const a = runModel('markov', base, { bootstrap: { samples: 20, seed: 9 } });
    const b = runModel('markov', base, { bootstrap: { samples: 20, seed: 9 } });
    assert.deepEqual(a, b);
  });

  it('resamples exactly the number of journeys and keeps value per conversion', () => {
    const paths: PathAggregate[] = [
      { path: ['A'], conversions: 10, value: 50, nulls: 30 },
      { path: ['B'], conversions: 5, value: 100, nulls: 5 },
    ];
    const r = resampleJourneys(paths, mulberry32(1));
    assert.equal(
      r.reduce((s, p) => s + p.conversions + p.nulls, 0),
      50,
    );
    for (const p of r) if (p.conversions > 0) close(p.value / p.conversions, p.path[0] === 'A' ? 5 : 20, 1e-12);
  });
});

describe('synthetic paths', () => {
  it('makes the requested distinct paths and journeys, reproducibly', () => {
    const a = makeSyntheticPaths(500, 20000, 8, 1);
    assert.equal(a.length, 500);
    assert.equal(new Set(a.map((p) => p.path.join('>'))).size, 500);
    assert.equal(
      a.reduce((s, p) => s + p.conversions + p.nulls, 0),
      20000,
    );
    assert.deepEqual(makeSyntheticPaths(500, 20000, 8, 1), a);
    for (const p of a) assert.equal(p.ageDays!.length, p.path.length);
  });
});
