import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shapley, shapleyValues } from '../../src/attribution/models/shapley.ts';
import type { PathAggregate } from '../../src/attribution/models/types.ts';
import { assertCredit, close } from './helpers.ts';

const has = (m: number, i: number) => (m & (1 << i)) !== 0;

describe('general Shapley routine', () => {
  it('reproduces the glove game value (2/3, 1/6, 1/6)', () => {
    // Player 0 holds the left glove, players 1 and 2 a right glove; a pair is worth 1.
    const v = (m: number) => (has(m, 0) && (has(m, 1) || has(m, 2)) ? 1 : 0);
    const phi = shapleyValues(3, v);
    close(phi[0], 2 / 3, 1e-12);
    close(phi[1], 1 / 6, 1e-12);
    close(phi[2], 1 / 6, 1e-12);
  });

  it('reproduces the airport game value (8/3, 8/3 + 3/2, 8/3 + 3/2 + 2) for runway costs 8, 11, 13', () => {
    const cost = [8, 11, 13];
    const v = (m: number) => Math.max(0, ...cost.filter((_, i) => has(m, i)));
    const phi = shapleyValues(3, v);
    close(phi[0], 8 / 3, 1e-12);
    close(phi[1], 8 / 3 + 1.5, 1e-12);
    close(phi[2], 8 / 3 + 3.5, 1e-12);
  });

  it('approximates the glove game by seeded permutation sampling above the exact limit', () => {
    const v = (m: number) => (has(m, 0) && (has(m, 1) || has(m, 2)) ? 1 : 0);
    const phi = shapleyValues(3, v, { exactLimit: 0, permutations: 20000, seed: 7 });
    close(phi[0], 2 / 3, 0.01);
    close(phi[1], 1 / 6, 0.01);
    close(phi[0] + phi[1] + phi[2], 1, 1e-12); // efficiency holds for every sampled ordering
  });
});

describe('Shapley attribution', () => {
  const toy: PathAggregate[] = [
    { path: ['A', 'B', 'A'], conversions: 3, value: 30, nulls: 0 },
    { path: ['B', 'C'], conversions: 2, value: 10, nulls: 1 },
    { path: ['C'], conversions: 1, value: 5, nulls: 2 },
    { path: ['A'], conversions: 0, value: 0, nulls: 4 },
  ];

  it('simplified form: φ_j = Σ_{S∋j} R(S)/|S| by hand', () => {
    // R({A,B}) = 3, R({B,C}) = 2, R({C}) = 1.
    assertCredit(shapley(toy), { A: [1.5, 15], B: [2.5, 20], C: [2, 10] });
  });

  it('simplified form equals the exact Shapley value of v(S) = Σ_{T⊆S} R(T)', () => {
    const R = new Map([
      [0b011, 3],
      [0b110, 2],
      [0b100, 1],
    ]); // bits: A, B, C
    const v = (m: number) => [...R].reduce((s, [t, r]) => s + ((t & m) === t ? r : 0), 0);
    const phi = shapleyValues(3, v);
    close(phi[0], 1.5, 1e-12);
    close(phi[1], 2.5, 1e-12);
    close(phi[2], 2, 1e-12);
  });

  it('conversion-rate variant: a channel that adds no conversion rate gets no credit', () => {
    // v(A) = 1/2, v(B) = 0, v(AB) = 4/8 → φ_A = 1/2, φ_B = 0, scaled to 4 conversions.
    const paths: PathAggregate[] = [
      { path: ['A'], conversions: 1, value: 2, nulls: 1 },
      { path: ['B'], conversions: 0, value: 0, nulls: 2 },
      { path: ['A', 'B'], conversions: 3, value: 6, nulls: 1 },
    ];
    assertCredit(shapley(paths, { shapleyVariant: 'conversion_rate' }), { A: [4, 8], B: [0, 0] }, 1e-12);
  });

  it('conversion-rate variant pools channels beyond the 14 most touched into "(other)"', () => {
    const paths: PathAggregate[] = Array.from({ length: 20 }, (_, i) => ({
      path: [`c${i}`],
      conversions: 1 + (i % 3),
      value: 1,
      nulls: 100 - i,
    }));
    const r = shapley(paths, { shapleyVariant: 'conversion_rate' });
    assert.equal(r.channels.length, 15);
    assert.ok(r.channels.some((c) => c.channel === '(other)'));
    close(
      r.channels.reduce((s, c) => s + c.conversions, 0),
      r.totalConversions,
      1e-9,
    );
  });
});
