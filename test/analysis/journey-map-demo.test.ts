/**
 * The journey map on a small generated demo recovers what the generator put in (src/demo/params.ts,
 * ground-truth.ts). The generator's stages: aware = any message, consideration = viewed a product
 * (probability considerProb per aware visitor), purchase = an order, experience = an order
 * delivered (every order, unless the period ends first), loyalty = a second order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { computeJourneyMap, type JourneyMap } from '../../src/analysis/journey-map.ts';
import { generateDemo, type GroundTruth } from '../../src/demo/generator.ts';
import { PARAMS } from '../../src/demo/params.ts';
import { REGIONS } from '../../src/demo/world.ts';
import { parseJourney } from '../../src/journeys/definition.ts';
import { importMessages } from '../../src/import/segment-messages.ts';
import type { Store } from '../../src/store/store.ts';
import { openTestStore, tempDir } from '../support/stores.ts';

const GENERATOR_STAGES = parseJourney({
  id: 'generator',
  name: 'Demo generator stages',
  stages: [
    {
      id: 'awareness',
      name: 'Awareness',
      rules: [{ events: ['Page Viewed', 'Email Opened', 'Email Link Clicked'] }, { anyChannel: true }],
    },
    { id: 'consideration', name: 'Consideration', rules: [{ events: ['Product Viewed'] }] },
    { id: 'purchase', name: 'Purchase', rules: [{ events: ['Order Completed'] }] },
    { id: 'experience', name: 'Experience', rules: [{ events: ['Order Delivered'] }] },
    { id: 'loyalty', name: 'Loyalty', rules: [{ events: ['Order Completed'], minOccurrence: 2 }] },
  ],
});

describe('journey map on generated demo data', () => {
  let store: Store;
  let truth: GroundTruth;
  let map: JourneyMap;
  before(async () => {
    store = await openTestStore('duckdb');
    const demo = generateDemo({ seed: 7, customers: 1600, days: 120, endDate: '2026-10-31' });
    await importMessages(store, 'demo', demo.messages(), { workDir: join(tempDir(), 'work') });
    truth = demo.groundTruth();
    map = await computeJourneyMap(
      store,
      { projectId: 'demo', from: new Date('2026-01-01'), to: new Date('2026-11-01') },
      { journey: GENERATOR_STAGES },
    );
  });
  after(async () => {
    await store.close();
  });

  it("counts exactly the generator's buyers, delivered buyers and repeat buyers (checkout identifies everyone)", () => {
    const reached = Object.fromEntries(truth.stages.map((s) => [s.stage, s.reached]));
    assert.deepEqual(
      map.stages.slice(2).map((s) => s.entered),
      [reached.purchase, reached.experience, reached.loyalty],
    );
  });

  it('recovers awareness → consideration near considerProb', () => {
    const s = map.stages[0]!;
    const p = PARAMS.considerProb;
    const se = Math.sqrt((p * (1 - p)) / s.entered);
    assert.ok(Math.abs(s.conversionRate! - p) < 3 * se, `${s.conversionRate} vs ${p} ± ${3 * se}`);
  });

  it('delivers nearly every order (parameter 1, minus orders at the end of the period)', () => {
    const r = map.stages[2]!.conversionRate!;
    assert.ok(r >= 0.95 && r <= 1, `purchase → experience ${r}`);
  });

  it('keeps experience → loyalty below the repeat-intent probability implied by repeatProb (completion and the period end only remove repeats)', () => {
    // P(repeat intent) = Σ regions w × [on time: (1−refund)·good + refund·refunded; late: (1−refund)·late + refund·refunded].
    const { repeatProb: rp, refundProb: rf } = PARAMS;
    const total = REGIONS.reduce((a, r) => a + r.weight, 0);
    const intent = REGIONS.reduce(
      (a, r) =>
        a +
        (r.weight / total) *
          ((1 - r.lateRate) * ((1 - rf.onTime) * rp.good + rf.onTime * rp.refunded) +
            r.lateRate * ((1 - rf.late) * rp.late + rf.late * rp.refunded)),
      0,
    );
    const s = map.stages[3]!;
    const se = Math.sqrt((intent * (1 - intent)) / s.entered);
    assert.ok(s.conversionRate! < intent + 3 * se, `${s.conversionRate} vs repeat intent ${intent}`);
    assert.ok(s.conversionRate! > 0.3 * intent, `${s.conversionRate} vs repeat intent ${intent}`);
  });
});
