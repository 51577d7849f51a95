/**
 * Why uplift on the demo's welcome offer cannot rank persuadables first: the offer's effect
 * depends on the persona, and nothing seen before exposure (device, arriving channel, earlier
 * visits and orders: new visitors are exposed on their first page) depends on the persona. The
 * true per-person uplift is checked against those covariates, and the model must then decline to
 * target rather than rank persons by noise.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateDemo } from '../../src/demo/generator.ts';
import type { GroundTruth } from '../../src/demo/ground-truth.ts';
import type { Store } from '../../src/store/store.ts';
import { fitRidge, predictRidge } from '../../src/uplift/learners.ts';
import { fitExperimentUplift, upliftInputSchema } from '../../src/uplift/uplift.ts';
import { ingest } from '../support/ingest.ts';
import { openTestStore } from '../support/stores.ts';

describe('uplift of the demo welcome offer', () => {
  let store: Store;
  let truth: GroundTruth;
  const personOf = new Map<string, GroundTruth['persons'][number]>();
  before(async () => {
    store = await openTestStore('duckdb');
    const demo = generateDemo({ seed: 14, customers: 2000, days: 365, endDate: '2026-10-31' });
    await ingest(store, 'demo', [...demo.messages()]);
    truth = demo.groundTruth();
    for (const p of truth.persons) {
      personOf.set(p.user_id, p);
      for (const a of p.anonymous_ids) if (!p.identified) personOf.set(a, p);
    }
  });
  after(async () => store?.close());

  it('the covariates known before exposure explain no more of the true uplift than chance, so the model targets by the average', async () => {
    const experiment = truth.uplift_experiment.experiment_id;
    const fitted = await fitExperimentUplift(
      store,
      'demo',
      upliftInputSchema.parse({ experiment, control: '0', windowDays: truth.uplift_experiment.window_days }),
    );
    const rows = fitted.rows.filter((r) => personOf.get(r.personId)?.true_uplift != null);
    const tau = rows.map((r) => personOf.get(r.personId)!.true_uplift!);
    const ols = fitRidge(
      rows.map((r) => r.x),
      tau,
      1e-6,
    );
    const mean = tau.reduce((s, v) => s + v, 0) / tau.length;
    const total = tau.reduce((s, v) => s + (v - mean) ** 2, 0);
    const resid = tau.reduce((s, v, i) => s + (v - predictRidge(ols, rows[i]!.x)) ** 2, 0);
    const r2 = 1 - resid / total;
    // Least squares on p covariates with no relation to the outcome still fits R² ≈ p / (n − 1).
    const chance = fitted.result.covariates.length / (rows.length - 1);
    const t = fitted.result.treatments[0]!;
    const segments = new Map<string, number>();
    for (const r of rows)
      segments.set(personOf.get(r.personId)!.uplift_segment!, (segments.get(personOf.get(r.personId)!.uplift_segment!) ?? 0) + 1);
    console.log(
      `demo welcome offer: ${rows.length} exposed with truth (true segments ${JSON.stringify(Object.fromEntries(segments))}); R² of true uplift on ${fitted.result.covariates.length} pre-exposure covariates ${r2.toFixed(3)} (chance ${chance.toFixed(3)}); ATE ${t.ate.estimate.toFixed(3)}±${t.ate.standardError.toFixed(3)} (true ${truth.uplift_experiment.true_ate}); learners ${t.learners.map((l) => `${l.learner} ${l.qini.toFixed(4)}`).join(', ')}; permutation p ${t.heterogeneity.qiniPValue.toFixed(3)} → ${t.targeting}`,
    );
    assert.ok(rows.length > 150);
    assert.ok(r2 < 3 * chance, `R² ${r2} vs chance ${chance}`);
    assert.equal(t.targeting, 'average');
  });
});
