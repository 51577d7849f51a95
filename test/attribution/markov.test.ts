import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildMarkovChain, markov, markovRemovalEffects } from '../../src/attribution/models/markov.ts';
import type { PathAggregate } from '../../src/attribution/models/types.ts';
import { assertCredit, close } from './helpers.ts';

const classic: PathAggregate[] = [
  { path: ['C1', 'C2', 'C3'], conversions: 1, value: 10, nulls: 0 },
  { path: ['C1'], conversions: 0, value: 0, nulls: 1 },
  { path: ['C2', 'C3'], conversions: 0, value: 0, nulls: 1 },
];

const effects = (paths: PathAggregate[], order = 1) =>
  Object.fromEntries(markovRemovalEffects(paths, { order }).removalEffects.map((r) => [r.channel, r]));

describe('markov removal effects', () => {
  it('gives shares 0.2 / 0.4 / 0.4 on the classic three-path example', () => {
    const r = markov(classic);
    const share = Object.fromEntries(r.channels.map((c) => [c.channel, c.share]));
    close(share.C1, 0.2, 1e-12);
    close(share.C2, 0.4, 1e-12);
    close(share.C3, 0.4, 1e-12);
    const d = markovRemovalEffects(classic);
    close(d.conversionProbability, 1 / 3, 1e-12);
    const re = effects(classic);
    close(re.C1.conversion, 0.5, 1e-12);
    close(re.C2.conversion, 1, 1e-12);
    close(re.C3.conversion, 1, 1e-12);
  });

  it('distributes value with the per-last-state mean conversion value (hand-solved chain)', () => {
    // start→A 4, start→B 2; A→conv 1, A→null 1, A→B 2; B→conv 3, B→null 1; μ(A)=100, μ(B)=10.
    const paths: PathAggregate[] = [
      { path: ['A'], conversions: 1, value: 100, nulls: 1 },
      { path: ['B'], conversions: 1, value: 10, nulls: 1 },
      { path: ['A', 'B'], conversions: 2, value: 20, nulls: 0 },
    ];
    const d = markovRemovalEffects(paths);
    close(d.conversionProbability, 2 / 3, 1e-12);
    close(d.expectedValue, 65 / 3, 1e-12);
    const re = effects(paths);
    close(re.A.conversion, 5 / 8, 1e-12);
    close(re.B.conversion, 3 / 4, 1e-12);
    close(re.A.value, 23 / 26, 1e-12);
    close(re.B.value, 3 / 13, 1e-12);
    assertCredit(markov(paths), { A: [20 / 11, (23 / 29) * 130], B: [24 / 11, (6 / 29) * 130] }, 1e-9);
  });

  it('at order 2 remembers which channel led into a shared one', () => {
    const paths: PathAggregate[] = [
      { path: ['A', 'C'], conversions: 1, value: 1, nulls: 0 },
      { path: ['B', 'C'], conversions: 0, value: 0, nulls: 1 },
    ];
    const s1 = Object.fromEntries(markov(paths, { order: 1 }).channels.map((c) => [c.channel, c.share]));
    close(s1.A, 0.25, 1e-12);
    close(s1.B, 0.25, 1e-12);
    close(s1.C, 0.5, 1e-12);
    const s2 = Object.fromEntries(markov(paths, { order: 2 }).channels.map((c) => [c.channel, c.share]));
    close(s2.A, 0.5, 1e-12);
    close(s2.B, 0, 1e-12);
    close(s2.C, 0.5, 1e-12);
  });

  it('builds sliding windows of k channels and collapses repeats only when asked', () => {
    const paths: PathAggregate[] = [{ path: ['A', 'A', 'B', 'C'], conversions: 1, value: 1, nulls: 1 }];
    assert.deepEqual(buildMarkovChain(paths, { order: 2 }).stateLabels, ['(start)', 'A > A', 'A > B', 'B > C']);
    assert.deepEqual(buildMarkovChain(paths, { order: 2, collapse: true }).stateLabels, ['(start)', 'A > B', 'B > C']);
    // A path shorter than the order is one state made of the whole path.
    assert.deepEqual(buildMarkovChain([{ path: ['A', 'B'], conversions: 1, value: 1, nulls: 0 }], { order: 3 }).stateLabels, [
      '(start)',
      'A > B',
    ]);
  });

  it('is unchanged by consecutive repeats at order 1', () => {
    const withRepeats: PathAggregate[] = [
      { path: ['A', 'A', 'B'], conversions: 3, value: 30, nulls: 2 },
      { path: ['B', 'B', 'B'], conversions: 1, value: 5, nulls: 4 },
      { path: ['A'], conversions: 0, value: 0, nulls: 3 },
    ];
    const a = markov(withRepeats);
    const b = markov(withRepeats, { collapse: true });
    for (let i = 0; i < a.channels.length; i++) close(a.channels[i].conversions, b.channels[i].conversions, 1e-12);
  });

  it('gives zero credit, not NaN, when nothing converted', () => {
    const r = markov([{ path: ['A', 'B'], conversions: 0, value: 0, nulls: 5 }]);
    assert.deepEqual(
      r.channels.map((c) => [c.channel, c.conversions, c.value, c.share]),
      [
        ['A', 0, 0, 0],
        ['B', 0, 0, 0],
      ],
    );
  });

  it('rejects orders outside 1–4', () => {
    assert.throws(() => markov(classic, { order: 5 }), /order must be an integer from 1 to 4/);
  });
});
