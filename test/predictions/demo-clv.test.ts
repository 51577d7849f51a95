import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateDemo } from '../../src/demo/generator.ts';
import { predictCustomers } from '../../src/predictions/predict-customers.ts';
import type { Store } from '../../src/store/store.ts';
import { ingest } from '../support/ingest.ts';
import { openTestStore } from '../support/stores.ts';

/**
 * A year of generated demo orders (about 12,000 customers; only the Order Completed messages are loaded,
 * which is all the models read): calibrate on January–July, check the August–October holdout.
 */
describe('CLV predictions on demo data', () => {
  let store: Store;
  const projectId = 'demo-clv';
  before(async () => {
    store = await openTestStore('duckdb');
    // 16,000 would-be customers: about 12,000 arrive (the media plan does not buy every prospect).
    const demo = generateDemo({ seed: 5, customers: 16_000, days: 365, endDate: '2026-10-31' });
    const orders = [...(demo.messages() as Iterable<{ type: string; event?: string }>)].filter(
      (m) => m.type === 'track' && m.event === 'Order Completed',
    );
    await ingest(store, projectId, orders);
  });
  after(async () => store?.close());

  it('converges and predicts the holdout repeat purchases within 20% of the actual count', async () => {
    const scope = { projectId, from: new Date('2025-10-01'), to: new Date('2026-11-01') };
    const r = await predictCustomers(store, scope, { calibrationEnd: new Date('2026-07-31'), horizonDays: 365 });
    assert.equal(r.bgNbd.converged, true);
    assert.equal(r.gammaGamma?.converged, true);
    assert.equal(r.holdout!.days, 92);
    assert.ok(r.holdout!.actual >= 80, `holdout purchases ${r.holdout!.actual}`);
    assert.ok(Math.abs(r.holdout!.ratio! - 1) <= 0.2, `predicted ${r.holdout!.predicted.toFixed(1)} vs actual ${r.holdout!.actual}`);
    // Positive values; the top of the CLV list is the largest CLV.
    assert.ok(r.distributions.clv.mean > 0 && r.topByClv[0]!.clv === r.distributions.clv.max);
    assert.ok(r.topChurnRisk.length > 0 && r.topChurnRisk.every((c) => c.frequency > 0));
  });
});
