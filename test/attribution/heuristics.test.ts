import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runModel } from '../../src/attribution/models/index.ts';
import { assertCredit, byChannel, close, TOY_PATHS } from './helpers.ts';

const toy = TOY_PATHS;

describe('heuristic models on a hand-computed toy set', () => {
  it('first touch credits the first touchpoint of each converting path', () => {
    assertCredit(runModel('first_touch', toy), { A: [3, 120], B: [1, 30], Direct: [1, 10], C: [0, 0] });
  });

  it('last touch credits the last touchpoint', () => {
    assertCredit(runModel('last_touch', toy), { A: [0, 0], B: [1, 20], C: [2, 100], Direct: [2, 40] });
  });

  it('last non-direct skips trailing Direct touches but keeps an all-Direct path on Direct', () => {
    assertCredit(runModel('last_non_direct', toy), { A: [0, 0], B: [2, 50], C: [2, 100], Direct: [1, 10] });
  });

  it('last non-direct honours a custom direct label', () => {
    const r = runModel('last_non_direct', [{ path: ['x', '(direct)'], conversions: 1, value: 5, nulls: 0 }], {
      directLabel: '(direct)',
    });
    assertCredit(r, { x: [1, 5], '(direct)': [0, 0] });
  });

  it('linear gives each occurrence an equal share, so repeats count twice', () => {
    assertCredit(runModel('linear', toy), {
      A: [2 / 3 + 0.5, 100 / 3 + 10],
      B: [2 / 3 + 0.5 + 0.25, 100 / 3 + 15 + 5],
      C: [2 / 3 + 0.25, 100 / 3 + 5],
      Direct: [1.5, 25],
    });
  });

  it('reports shares of total conversions and the totals', () => {
    const r = runModel('first_touch', toy);
    assert.equal(r.totalConversions, 5);
    assert.equal(r.totalValue, 160);
    close(r.channels.find((c) => c.channel === 'A')!.share, 0.6);
    assert.equal(r.channels[0].channel, 'A'); // rows sorted by attributed conversions
  });
});

describe('position based', () => {
  it('gives a one-touch path 100% to its touch', () => {
    assertCredit(runModel('position_based', [{ path: ['A'], conversions: 10, value: 100, nulls: 0 }]), { A: [10, 100] });
  });

  it('splits a two-touch path 50/50', () => {
    assertCredit(runModel('position_based', [{ path: ['A', 'B'], conversions: 10, value: 100, nulls: 0 }]), {
      A: [5, 50],
      B: [5, 50],
    });
  });

  it('gives 40/10/10/40 on a four-touch path', () => {
    assertCredit(runModel('position_based', [{ path: ['A', 'B', 'C', 'D'], conversions: 10, value: 100, nulls: 0 }]), {
      A: [4, 40],
      B: [1, 10],
      C: [1, 10],
      D: [4, 40],
    });
  });
});

describe('time decay', () => {
  it('weights touches 28/14/7/0 days old as 1/16, 1/4, 1/2, 1 with a 7-day half-life', () => {
    const r = runModel('time_decay', [{ path: ['A', 'B', 'C', 'D'], conversions: 1, value: 29, nulls: 0, ageDays: [28, 14, 7, 0] }]);
    const sum = 1 / 16 + 1 / 4 + 1 / 2 + 1;
    assertCredit(r, {
      A: [1 / 16 / sum, 29 / 16 / sum],
      B: [1 / 4 / sum, 29 / 4 / sum],
      C: [1 / 2 / sum, 29 / 2 / sum],
      D: [1 / sum, 29 / sum],
    });
    close(byChannel(r).D[0], 0.5517241379310345);
  });

  it('uses the half-life option', () => {
    const r = runModel('time_decay', [{ path: ['A', 'B'], conversions: 3, value: 0, nulls: 0, ageDays: [1, 0] }], {
      halfLifeDays: 1,
    });
    assertCredit(r, { A: [1, 0], B: [2, 0] });
  });

  it('refuses converting paths without ages, naming the path', () => {
    assert.throws(
      () => runModel('time_decay', [{ path: ['A', 'B'], conversions: 1, value: 1, nulls: 0 }]),
      /ageDays.*path aggregate 0 \(A > B\)/,
    );
  });
});

describe('registry', () => {
  it('rejects an unknown model name with the list of known ones', () => {
    assert.throws(() => runModel('u_shaped', toy), /unknown attribution model "u_shaped".*first_touch/);
  });

  it('credits converting journeys without any touchpoint to "(no touchpoint)" so totals still add up', () => {
    const r = runModel('linear', [...toy, { path: [], conversions: 2, value: 7, nulls: 1 }]);
    close(
      r.channels.reduce((s, c) => s + c.conversions, 0),
      7,
    );
    assert.deepEqual(byChannel(r)['(no touchpoint)'], [2, 7]);
  });
});
