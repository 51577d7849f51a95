import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readPathsFile } from '../../src/attribution/paths-file.ts';
import { MODEL_NAMES, runModel } from '../../src/attribution/models/index.ts';
import { markovRemovalEffects, type MarkovChain } from '../../src/attribution/models/markov.ts';
import { mulberry32 } from '../../src/stats/random.ts';
import { close } from './helpers.ts';
import { referenceFile } from '../support/reference-data.ts';

// ChannelAttribution's example data (Data.csv); published totals 19,785 / 74,802.972 / 68,602.
const FILE = referenceFile('channelattribution_paths.csv');
const paths = readPathsFile(FILE);
const CONV = 19785;
const VALUE = 74802.972; // as published, to 3 decimals
const NULLS = 68602;

const fileValue = paths.reduce((s, p) => s + p.value, 0);
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('ChannelAttribution reference paths', () => {
  it('parses 10,000 paths with the published totals', () => {
    assert.equal(paths.length, 10000);
    assert.equal(
      paths.reduce((s, p) => s + p.conversions, 0),
      CONV,
    );
    assert.equal(
      paths.reduce((s, p) => s + p.nulls, 0),
      NULLS,
    );
    close(
      paths.reduce((s, p) => s + p.value, 0),
      VALUE,
      5e-4,
    );
    assert.deepEqual(paths[0], { path: ['eta', 'iota', 'alpha', 'eta'], conversions: 1, value: 0.244, nulls: 3 });
  });

  const runs: [string, object][] = [
    ...MODEL_NAMES.filter((m) => m !== 'time_decay').map((m) => [m, {}] as [string, object]),
    ['markov', { order: 2 }],
    ['markov', { order: 3 }],
    ['markov', { order: 3, collapse: true }],
    ['shapley', { shapleyVariant: 'conversion_rate' }],
  ];
  for (const [model, options] of runs) {
    it(`${model} ${JSON.stringify(options)} attributes exactly the total conversions and value`, () => {
      const r = runModel(model, paths, options);
      assert.equal(r.totalConversions, CONV);
      assert.ok(
        rel(
          r.channels.reduce((s, c) => s + c.conversions, 0),
          CONV,
        ) < 1e-6,
      );
      assert.ok(
        rel(
          r.channels.reduce((s, c) => s + c.value, 0),
          VALUE,
        ) < 1e-6,
      );
      assert.ok(
        rel(
          r.channels.reduce((s, c) => s + c.share, 0),
          1,
        ) < 1e-6,
      );
    });
  }

  it('time decay explains that this file has no touch ages', () => {
    assert.throws(() => runModel('time_decay', paths), /needs ageDays/);
  });

  for (const order of [1, 2, 3]) {
    it(`markov order ${order}: P(conversion) equals the observed conversion rate and removal effects lie in (0, 1]`, () => {
      const d = markovRemovalEffects(paths, { order });
      // A chain fitted to complete journeys conserves flow, so absorption from (start)
      // reproduces the observed rates exactly: an independent check of the solver.
      close(d.conversionProbability, CONV / (CONV + NULLS), 1e-12);
      close(d.expectedValue, fileValue / (CONV + NULLS), 1e-12);
      assert.equal(d.removalEffects.length, 12);
      for (const r of d.removalEffects) {
        assert.ok(r.conversion > 0 && r.conversion <= 1, `${r.channel}: ${r.conversion}`);
        assert.ok(r.value > 0 && r.value <= 1, `${r.channel}: ${r.value}`);
      }
    });
  }

  it('dense elimination and Gauss–Seidel agree to 1e-12 on the order-2 chain', () => {
    const a = markovRemovalEffects(paths, { order: 2, method: 'dense' }).removalEffects;
    const b = markovRemovalEffects(paths, { order: 2, method: 'gauss-seidel' }).removalEffects;
    for (let i = 0; i < a.length; i++) {
      close(a[i].conversion, b[i].conversion, 1e-12, a[i].channel);
      close(a[i].value, b[i].value, 1e-12, a[i].channel);
    }
  });

  it('order-1 exact removal effects match a Monte-Carlo simulation of the same chain within 1%', () => {
    const d = markovRemovalEffects(paths, { order: 1 });
    const sim = simulate(d.chain, 2_000_000, 12345);
    assert.ok(rel(sim.pConv, d.conversionProbability) < 0.01);
    for (const r of d.removalEffects) {
      const simulated = sim.visits[d.chain.channels.indexOf(r.channel)] / sim.conversions;
      // RE(c) = P(walk visits c | converts); small effects are checked on an absolute scale.
      if (r.conversion >= 0.1) assert.ok(rel(simulated, r.conversion) < 0.01, `${r.channel}: ${simulated} vs ${r.conversion}`);
      else close(simulated, r.conversion, 0.002, r.channel);
    }
  });
});

/** Walks the chain from (start) and counts, per channel, the converting walks that visited it. */
function simulate(chain: MarkovChain, walks: number, seed: number) {
  const rng = mulberry32(seed);
  const visits = new Float64Array(chain.channels.length);
  const seen = new Uint8Array(chain.channels.length);
  let conversions = 0;
  for (let w = 0; w < walks; w++) {
    seen.fill(0);
    let s = 0;
    for (;;) {
      let u = rng();
      if (u < chain.pConv[s]) {
        conversions++;
        for (let c = 0; c < seen.length; c++) visits[c] += seen[c];
        break;
      }
      u -= chain.pConv[s];
      if (u < chain.pNull[s]) break;
      u -= chain.pNull[s];
      let next = chain.col[chain.rowPtr[s + 1] - 1];
      for (let k = chain.rowPtr[s]; k < chain.rowPtr[s + 1]; k++) {
        if (u < chain.prob[k]) {
          next = chain.col[k];
          break;
        }
        u -= chain.prob[k];
      }
      s = next;
      for (const c of chain.stateChannels[s]) seen[c] = 1;
    }
  }
  return { pConv: conversions / walks, conversions, visits };
}
