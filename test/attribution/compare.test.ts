import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareModels, MODEL_NAMES } from '../../src/attribution/models/index.ts';
import { close, TOY_PATHS } from './helpers.ts';

const toy = TOY_PATHS;

describe('compareModels', () => {
  it('runs every model that can run and reports the rest as skipped', () => {
    const c = compareModels(toy);
    assert.deepEqual(
      c.results.map((r) => r.model),
      MODEL_NAMES.filter((m) => m !== 'time_decay'),
    );
    assert.deepEqual(
      c.skipped.map((s) => s.model),
      ['time_decay'],
    );
  });

  it('ranks disagreement by max − min share: A swings from 0 (last touch) to 3/5 (first touch)', () => {
    const c = compareModels(toy);
    const a = c.disagreements.find((d) => d.channel === 'A')!;
    close(a.minShare, 0);
    close(a.maxShare, 0.6);
    close(a.spread, 0.6);
    assert.equal(a.minModel, 'last_touch');
    assert.equal(a.maxModel, 'first_touch');
    assert.equal(a.ranks.first_touch, 1);
    close(a.shares.linear, 7 / 30);
    for (let i = 1; i < c.disagreements.length; i++) {
      assert.ok(c.disagreements[i - 1].spread >= c.disagreements[i].spread);
    }
    assert.equal(c.disagreements[0].channel, 'A');
  });

  it('runs time decay when every converting path has ages', () => {
    const aged = toy.map((p) => ({ ...p, ageDays: p.path.map((_, k) => p.path.length - 1 - k) }));
    const c = compareModels(aged, { models: ['time_decay', 'linear'] });
    assert.deepEqual(
      c.results.map((r) => r.model),
      ['time_decay', 'linear'],
    );
    assert.equal(c.skipped.length, 0);
  });
});
