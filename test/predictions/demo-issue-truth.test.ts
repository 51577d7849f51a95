/**
 * The demo generator's ground truth against persona discovery, propensity and uplift: one small
 * demo (2,000 would-be customers, a year), loaded through the real pipeline into DuckDB.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateDemo } from '../../src/demo/generator.ts';
import type { GroundTruth } from '../../src/demo/ground-truth.ts';
import { discoverInputSchema, discoverPersonas } from '../../src/personas/discover.ts';
import { adjustedRandIndex } from '../../src/personas/kmeans.ts';
import { fitPropensity } from '../../src/predictions/propensity.ts';
import type { Store } from '../../src/store/store.ts';
import { qini } from '../../src/uplift/learners.ts';
import { fitExperimentUplift, inHoldout, upliftInputSchema } from '../../src/uplift/uplift.ts';
import { ingest } from '../support/ingest.ts';
import { openTestStore } from '../support/stores.ts';

describe('issue-14 models against the demo ground truth', () => {
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

  it('discovered personas against the generator persona labels (adjusted Rand index)', async () => {
    const r = await discoverPersonas(store, 'demo', discoverInputSchema.parse({ includeAssignments: true }));
    const labelled = r.assignments!.filter((a) => personOf.has(a.personId));
    const ari = adjustedRandIndex(
      labelled.map((a) => personOf.get(a.personId)!.persona),
      labelled.map((a) => a.cluster),
    );
    const fixedK = await discoverPersonas(
      store,
      'demo',
      discoverInputSchema.parse({ includeAssignments: true, k: truth.population.personas.length }),
    );
    const ariK = adjustedRandIndex(
      labelled.map((a) => personOf.get(a.personId)!.persona),
      fixedK.assignments!.filter((a) => personOf.has(a.personId)).map((a) => a.cluster),
    );
    console.log(
      `demo personas: ${labelled.length} labelled persons; k=${r.k} by silhouette: ARI ${ari.toFixed(3)}; k=${truth.population.personas.length} (the generator's): ARI ${ariK.toFixed(3)}; ${r.personas.map((p) => p.name).join('; ')}`,
    );
    assert.ok(labelled.length > 500);
    assert.ok(Number.isFinite(ari));
  });

  it('refuses propensity on a demo this small, naming the counts (about 15 orders a month)', async () => {
    const fit = await fitPropensity(store, 'demo', { event: 'Order Completed', days: 30, target: 'purchase', top: 0 });
    console.log(
      `demo propensity 30d: ${fit.status}${fit.reason ? ` (${fit.reason})` : ''}; generator's expected buyers in the next 30 days: ${truth.persons.reduce((s, p) => s + p.p_purchase_30d, 0).toFixed(1)}`,
    );
    assert.equal(fit.status, 'refused');
    assert.match(fit.reason!, /training window has \d+ purchasers \(minimum 100\)/);
  });

  it('uplift of the welcome offer against the true per-person uplift (Qini of the model and of the true ordering)', async () => {
    const experiment = truth.uplift_experiment.experiment_id;
    const fitted = await fitExperimentUplift(
      store,
      'demo',
      upliftInputSchema.parse({ experiment, control: '0', event: 'Order Completed', windowDays: truth.uplift_experiment.window_days }),
    );
    const t = fitted.result.treatments[0]!;
    const model = fitted.models.get(t.variation)!;
    const hold = fitted.rows.filter(
      (r) => inHoldout(r.personId, 0.3) && personOf.get(r.personId)?.true_uplift !== null && personOf.has(r.personId),
    );
    const treated = hold.map((r) => r.variation !== '0');
    const modelQini = qini(
      hold.map((r) => model.predict(r.x)),
      treated,
      hold.map((r) => r.y),
    ).qini;
    const trueQini = qini(
      hold.map((r) => personOf.get(r.personId)!.true_uplift!),
      treated,
      hold.map((r) => r.y),
    ).qini;
    const all = fitted.rows.filter((r) => personOf.get(r.personId)?.true_uplift != null);
    const ranked = all.map((r) => ({ u: model.predict(r.x), seg: personOf.get(r.personId)!.uplift_segment })).sort((a, b) => b.u - a.u);
    const topDecile = ranked.slice(0, Math.ceil(ranked.length / 10));
    const persuadableShare = (rows: typeof ranked) => rows.filter((r) => r.seg === 'persuadable').length / (rows.length || 1);
    console.log(
      `demo uplift (${experiment}): arms ${fitted.result.arms.map((a) => `${a.variation}: ${a.conversions}/${a.persons}`).join(', ')}; learners ${t.learners.map((l) => `${l.learner} ${l.qini.toFixed(4)}`).join(', ')} (chosen ${t.chosen}); holdout Qini model ${modelQini.toFixed(4)} vs true ordering ${trueQini.toFixed(4)}; persuadables in the top decile ${(persuadableShare(topDecile) * 100).toFixed(1)}% vs ${(persuadableShare(ranked) * 100).toFixed(1)}% overall`,
    );
    assert.ok(hold.length > 50);
  });
});
