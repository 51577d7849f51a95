import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { createAudience } from '../../src/audiences/audiences.ts';
import { syncAudience } from '../../src/audiences/sync.ts';
import { qini } from '../../src/uplift/learners.ts';
import { fitExperimentUplift, inHoldout, upliftInputSchema, type UpliftResult } from '../../src/uplift/uplift.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';
import { simulate } from './generator.ts';

const sim = simulate();

describeEachStore('uplift and next best action', (ctx) => {
  let result: UpliftResult;
  before(async () => {
    await ingest(ctx.store, 'shop', sim.messages);
    result = (
      await fitExperimentUplift(
        ctx.store,
        'shop',
        upliftInputSchema.parse({
          experiment: 'offer-test',
          control: '0',
          valuePerConversion: 1,
          costs: { '1': 0.05, '2': 0.02 },
          actions: ['1', '2', 'sms-reminder'],
        }),
      )
    ).result;
  });

  it('ranks planted persuadables first; Qini close to the true ordering on the holdout', async () => {
    const t1 = result.treatments.find((t) => t.variation === '1')!;
    const fitted = await fitExperimentUplift(
      ctx.store,
      'shop',
      upliftInputSchema.parse({ experiment: 'offer-test', control: '0', top: 0 }),
    );
    const model = fitted.models.get('1')!;
    const hold = fitted.rows.filter((r) => inHoldout(r.personId, 0.3) && (r.variation === '0' || r.variation === '1'));
    // The model refitted on everyone, scored on the holdout, against the generator's true effects.
    const truthQini = qini(
      hold.map((r) => sim.truth.get(r.personId)!.tau1),
      hold.map((r) => r.variation === '1'),
      hold.map((r) => r.y),
    ).qini;
    const chosen = t1.learners.find((l) => l.learner === t1.chosen)!;
    console.log(
      `uplift: learners ${t1.learners.map((l) => `${l.learner} qini ${l.qini.toFixed(4)} auuc ${l.auuc.toFixed(4)}`).join('; ')}; chosen ${t1.chosen}; true-ordering qini ${truthQini.toFixed(4)}; ATE ${t1.ate.estimate.toFixed(3)}±${t1.ate.standardError.toFixed(3)}`,
    );
    assert.ok(chosen.qini >= 0.7 * truthQini, `model Qini ${chosen.qini} vs true ordering ${truthQini}`);
    // The ranking is real, not luck on this holdout: shuffled scores never reach its Qini.
    assert.equal(t1.targeting, 'model');
    assert.ok(t1.heterogeneity.qiniPValue < 0.01, `permutation p ${t1.heterogeneity.qiniPValue}`);
    assert.ok(chosen.qini > 0);
    // The top quarter by predicted uplift is the persuadables (a quarter of the population).
    const ranked = fitted.rows.map((r) => ({ id: r.personId, u: model.predict(r.x) })).sort((a, b) => b.u - a.u);
    const top = ranked.slice(0, Math.floor(ranked.length / 4));
    const share = top.filter((r) => sim.truth.get(r.id)!.segment === 'persuadables').length / top.length;
    assert.ok(share >= 0.85, `persuadables in the top quarter: ${share}`);
    const bottom = ranked.slice(-Math.floor(ranked.length / 4));
    assert.ok(bottom.filter((r) => sim.truth.get(r.id)!.segment === 'sleeping-dogs').length / bottom.length >= 0.85);
    const bySeg = new Map<string, number[]>();
    for (const r of fitted.rows)
      bySeg.set(sim.truth.get(r.personId)!.segment, [...(bySeg.get(sim.truth.get(r.personId)!.segment) ?? []), model.predict(r.x)]);
    console.log([...bySeg].map(([k, v]) => `${k}: ${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(3)}`).join(', '));
    assert.ok(Math.abs(t1.segments.persuadables - 525) < 100, JSON.stringify(t1.segments));
    // Sure things' estimated effect is within sampling noise of zero (≈ ±0.05 with ~175 per arm), so
    // some land among the sleeping dogs; the planted sleeping dogs are all found.
    assert.ok(t1.segments['sleeping-dogs'] >= 500, JSON.stringify(t1.segments));
    console.log(`uplift segments (treatment 1): ${JSON.stringify(t1.segments)}`);
  });

  it('recommends only tested actions, net of cost, and flags the untested one', () => {
    const nba = result.nextBestAction;
    assert.deepEqual(
      nba.actions.find((a) => a.action === 'sms-reminder'),
      { action: 'sms-reminder', status: 'untested', cost: null },
    );
    assert.equal(nba.counts['sms-reminder'], undefined);
    // Persuadables gain most from offer 1 (+0.30 − 0.05 > +0.10 − 0.02); everyone else from nothing.
    assert.ok(Math.abs(nba.counts['1']! - 525) < 100, JSON.stringify(nba.counts));
    assert.ok(nba.counts['no action']! > 1300, JSON.stringify(nba.counts));
    assert.ok(nba.top.every((t) => sim.truth.get(t.personId)!.segment === 'persuadables' && t.action === '1'));
  });

  it('builds an audience of the persuadables', async () => {
    const audience = await createAudience(ctx.store, 'shop', {
      name: 'Persuadables',
      source: {
        kind: 'model',
        model: 'uplift',
        params: { experiment: 'offer-test', control: '0', variation: '1', segment: 'persuadables' },
      },
    });
    const r = await syncAudience(ctx.store, audience);
    assert.equal(r.size, result.treatments.find((t) => t.variation === '1')!.segments.persuadables);
  });
});
