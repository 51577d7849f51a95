import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { computeFunnel } from '../../src/analysis/funnel.ts';
import { generateDemo, type GroundTruth } from '../../src/demo/generator.ts';
import { importMessages } from '../../src/import/segment-messages.ts';
import type { Store } from '../../src/store/store.ts';
import { openTestStore, tempDir } from '../support/stores.ts';

/**
 * The demo generator completes each checkout with p0 before the streamlined checkout ships and p1
 * once it reached every region; a session-level Checkout Started → Order Completed funnel counts
 * one unit per checkout (each checkout is its own visit), so it must recover both.
 */
describe('funnel on demo data', () => {
  let store: Store;
  let truth: GroundTruth;
  const projectId = 'demo-funnel';
  before(async () => {
    store = await openTestStore('duckdb');
    const demo = generateDemo({ seed: 7, customers: 1500, days: 182, endDate: '2026-10-31' });
    await importMessages(store, projectId, demo.messages(), { workDir: join(tempDir(), 'import') });
    truth = demo.groundTruth();
  });
  after(async () => store?.close());

  it('recovers the checkout completion rate before and after the streamlined checkout within 3 standard errors', async () => {
    const jc = truth.journey_change;
    const start = new Date(`${truth.generator.start_date}T00:00:00Z`);
    const end = new Date(Date.parse(`${truth.generator.end_date}T00:00:00Z`) + 86400_000);
    const ship1 = new Date(`${jc.rollout[0]!.date}T00:00:00Z`);
    const ship2 = new Date(`${jc.rollout[1]!.date}T00:00:00Z`);
    const input = { steps: ['Checkout Started', 'Order Completed'], windowSeconds: 3600, aggregateBy: 'session' as const };
    const periods = [
      { from: start, to: ship1, p: jc.p0, period: 'before' },
      { from: ship2, to: end, p: jc.p1, period: 'after' },
    ];
    for (const { from, to, p, period } of periods) {
      const r = await computeFunnel(store, { projectId, from, to }, input);
      const [started, completed] = [r.steps[0]!.count, r.steps[1]!.count];
      const realised = jc.realised.filter((x) => x.period === period);
      const truthStarted = realised.reduce((a, x) => a + x.checkouts_started, 0);
      const truthCompleted = realised.reduce((a, x) => a + x.orders_completed, 0);
      // Every generated checkout is one session-level attempt.
      assert.equal(started, truthStarted, `${period}: checkouts`);
      assert.equal(completed, truthCompleted, `${period}: orders`);
      const se = Math.sqrt((p * (1 - p)) / started);
      const rate = completed / started;
      assert.ok(Math.abs(rate - p) <= 3 * se, `${period}: ${rate.toFixed(4)} vs ${p} ± 3×${se.toFixed(4)} (n = ${started})`);
    }
  });
});
