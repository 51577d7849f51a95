import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { computeFeedback } from '../../src/analysis/feedback.ts';
import { computeKpiSeries } from '../../src/analysis/kpi-series.ts';
import { computeKpis } from '../../src/analysis/kpis.ts';
import type { AnalysisScope } from '../../src/scope/scope.ts';
import { generateDemo, type GroundTruth } from '../../src/demo/generator.ts';
import { importMessages } from '../../src/import/segment-messages.ts';
import type { Store } from '../../src/store/store.ts';
import { openTestStore, tempDir } from '../support/stores.ts';

/** The demo generator's ground truth counts every order, checkout and survey it emitted. */
describe('KPIs on demo data against the generator ground truth', () => {
  let store: Store;
  let truth: GroundTruth;
  let scope: AnalysisScope;
  const projectId = 'demo-kpis';
  before(async () => {
    store = await openTestStore('duckdb');
    const demo = generateDemo({ seed: 11, customers: 1200, days: 182, endDate: '2026-10-31' });
    await importMessages(store, projectId, demo.messages(), { workDir: join(tempDir(), 'import') });
    truth = demo.groundTruth();
    scope = {
      projectId,
      from: new Date(`${truth.generator.start_date}T00:00:00Z`),
      to: new Date(Date.parse(`${truth.generator.end_date}T00:00:00Z`) + 86_400_000),
    };
  });
  after(async () => store?.close());

  it('counts every order, its revenue, every first-time buyer and every survey response', async () => {
    const k = (await computeKpis(store, scope)).overall;
    assert.equal(k.orders.value, truth.totals.orders);
    // The generator's revenue is gross; the revenue KPI is net of refunds, with gross beside it.
    assert.ok(
      Math.abs(k.grossRevenue.value! - truth.totals.revenue) < 0.01,
      `gross revenue ${k.grossRevenue.value} vs ${truth.totals.revenue}`,
    );
    assert.ok(k.revenue.value! < k.grossRevenue.value!, 'refunds reduce net revenue');
    // Every buyer of the whole range bought a first order in it.
    assert.equal(k.buyers.value, truth.totals.first_orders);
    assert.equal(k.csatResponses.value! + k.npsResponses.value!, truth.totals.by_type['track:Survey Responded']);
    // Per channel, orders add up to the total: each order is attributed to exactly one channel.
    const report = await computeKpis(store, scope);
    assert.equal(
      report.byChannel.reduce((a, c) => a + c.kpis.orders.value!, 0),
      truth.totals.orders,
    );
    const feedback = await computeFeedback(store, scope);
    assert.equal(feedback.total.responses, truth.totals.by_type['track:Survey Responded']);
  });

  it('recovers the realised checkouts and completions of every rollout wave and period from per-region series', async () => {
    const s = await computeKpiSeries(store, scope, { metric: 'checkout_conversion', interval: 'day', by: 'region' });
    const j = truth.journey_change;
    const wave1 = new Set(j.rollout[0]!.regions);
    const [ship1, ship2] = [j.rollout[0]!.date, j.rollout[1]!.date];
    const tally = new Map<string, { started: number; completed: number }>();
    for (const u of s.units!) {
      for (const p of u.points) {
        const period = p.date < ship1 ? 'before' : p.date < ship2 ? 'between' : 'after';
        const key = `${wave1.has(u.unit) ? 1 : 2}:${period}`;
        const t = tally.get(key) ?? { started: 0, completed: 0 };
        t.started += p.weight!;
        t.completed += Math.round(p.value * p.weight!);
        tally.set(key, t);
      }
    }
    for (const r of j.realised) {
      assert.deepEqual(
        tally.get(`${r.wave}:${r.period}`),
        { started: r.checkouts_started, completed: r.orders_completed },
        `wave ${r.wave} ${r.period}`,
      );
    }
  });
});
