/**
 * Uplift when the covariates known before exposure do not tell who responds, as in the demo's
 * welcome offer (its effect depends on a persona that leaves no trace before the first visit):
 * the holdout Qini is within chance, so segments and next best action fall back to the average
 * effect instead of ranking persons by noise.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { mulberry32 } from '../../src/stats/random.ts';
import { fitExperimentUplift, upliftInputSchema, type UpliftResult } from '../../src/uplift/uplift.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';

const DAY = 86_400_000;
const START = Date.parse('2026-04-01T00:00:00Z');
const MOBILE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const ARRIVALS = ['?utm_source=google&utm_medium=cpc', '?utm_source=newsletter&utm_medium=email', ''];

/**
 * Hidden types: half respond to the offer (+0.30), half are put off (−0.10); the type is drawn
 * independently of device and arrival, the only things seen before exposure. True ATE = +0.10.
 */
function simulate(persons = 2400, seed = 21) {
  const rng = mulberry32(seed);
  const messages: object[] = [];
  const mobileAtFirst = new Map<string, number>();
  let m = 0;
  for (let i = 0; i < persons; i++) {
    const id = `h${String(i).padStart(5, '0')}`;
    const responds = rng() < 0.5;
    const ua = rng() < 0.5 ? MOBILE : DESKTOP;
    const query = ARRIVALS[Math.floor(rng() * ARRIVALS.length)]!;
    const treated = rng() < 0.5;
    mobileAtFirst.set(id, ua === MOBILE ? 1 : 0);
    const t0 = START + rng() * 30 * DAY;
    messages.push(
      {
        type: 'page',
        userId: id,
        messageId: `h${m++}`,
        timestamp: new Date(t0).toISOString(),
        context: { userAgent: ua, page: { url: `https://shop.example/${query}` } },
      },
      {
        type: 'track',
        event: 'Experiment Viewed',
        userId: id,
        messageId: `h${m++}`,
        timestamp: new Date(t0 + 60_000).toISOString(),
        properties: { experiment_id: 'hidden-types', variation_id: treated ? '1' : '0' },
        context: { userAgent: ua },
      },
    );
    const p = 0.3 + (treated ? (responds ? 0.3 : -0.1) : 0);
    if (rng() < p)
      messages.push({
        type: 'track',
        event: 'Order Completed',
        userId: id,
        messageId: `h${m++}`,
        timestamp: new Date(t0 + rng() * 10 * DAY).toISOString(),
        properties: { revenue: 50 },
        // A buyer often comes back on a phone to buy: post-exposure, so never a covariate.
        context: { userAgent: responds && treated ? MOBILE : ua },
      });
  }
  return { messages, mobileAtFirst };
}

const sim = simulate();

describeEachStore('uplift without pre-treatment signal', (ctx) => {
  let result: UpliftResult;
  before(async () => {
    await ingest(ctx.store, 'shop', sim.messages);
    result = (
      await fitExperimentUplift(
        ctx.store,
        'shop',
        upliftInputSchema.parse({ experiment: 'hidden-types', control: '0', costs: { '1': 0.02 }, valuePerConversion: 1 }),
      )
    ).result;
  });

  it('finds no ranking better than chance and says so: targeting by the average effect', () => {
    const t = result.treatments[0]!;
    console.log(
      `hidden types: ATE ${t.ate.estimate.toFixed(3)}±${t.ate.standardError.toFixed(3)}; learners ${t.learners.map((l) => `${l.learner} ${l.qini.toFixed(4)}`).join(', ')}; permutation p ${t.heterogeneity.qiniPValue.toFixed(3)}; segments ${JSON.stringify(t.segments)}`,
    );
    assert.ok(Math.abs(t.ate.estimate - 0.1) < 3 * t.ate.standardError, `ATE ${t.ate.estimate}`);
    assert.equal(t.heterogeneity.detected, false, `p ${t.heterogeneity.qiniPValue}`);
    assert.ok(t.heterogeneity.qiniPValue >= 0.05);
    assert.equal(t.targeting, 'average');
    // Everyone carries the average effect (+0.10 ≥ the 0.05 threshold): one segment, no invented sleeping dogs.
    const exposed = result.arms.reduce((s, a) => s + a.persons, 0);
    assert.equal(t.segments.persuadables, exposed);
    assert.equal(t.segments['sleeping-dogs'], 0);
    assert.ok(t.top.every((p) => p.uplift === t.ate.estimate));
  });

  it('recommends the treatment to everyone when its average value beats its cost', () => {
    const exposed = result.arms.reduce((s, a) => s + a.persons, 0);
    assert.equal(result.nextBestAction.counts['1'], exposed);
    assert.equal(result.nextBestAction.counts['no action'], 0);
  });

  it('uses the device seen up to exposure, not the phone a treated buyer came back on', async () => {
    const fitted = await fitExperimentUplift(
      ctx.store,
      'shop',
      upliftInputSchema.parse({ experiment: 'hidden-types', control: '0', top: 0 }),
    );
    const j = fitted.result.covariates.indexOf('mobile');
    assert.ok(j >= 0);
    const wrong = fitted.rows.filter((r) => r.x[j] !== sim.mobileAtFirst.get(r.personId));
    assert.equal(wrong.length, 0, `${wrong.length} persons carry a later device`);
  });
});
