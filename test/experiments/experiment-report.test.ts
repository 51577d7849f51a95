import assert from 'node:assert/strict';
import { it } from 'node:test';
import { experimentReport } from '../../src/experiments/experiment-report.ts';
import {
  experimentInputSchema,
  getExperiment,
  listExperiments,
  removeExperiment,
  saveExperiment,
} from '../../src/experiments/experiments.ts';
import { discoverExperiments, exposureCounts, metricSums } from '../../src/experiments/exposures.ts';
import { holmBonferroni, runAb } from '../../src/experiments/stats/index.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';
import { abMessages, HERO, HERO_PURCHASE, HERO_REVENUE } from './fixtures.ts';

describeEachStore('experiment report', (ctx) => {
  it('assigns the first variation seen, leaves out persons in several variations, and sums metrics within the window', async () => {
    await ingest(ctx.store, 'exp-sums', abMessages());
    const w = { projectId: 'exp-sums', experimentId: 'hero' };
    assert.deepEqual(await exposureCounts(ctx.store, w), { byVariation: { '0': 10, '1': 10, '2': 1 }, multipleVariations: 1 });
    const [purchase, revenue] = experimentInputSchema.parse(HERO).metrics;
    assert.deepEqual(
      (await metricSums(ctx.store, w, purchase!)).filter((s) => s.variation !== '2'),
      [
        { variation: '0', n: 10, sum: 3, sumSquares: 3 },
        { variation: '1', n: 10, sum: 5, sumSquares: 5 },
      ],
    );
    assert.deepEqual(
      (await metricSums(ctx.store, w, revenue!)).filter((s) => s.variation !== '2'),
      [
        { variation: '0', n: 10, sum: 60, sumSquares: 1400, preSum: 15, preSumSquares: 225, sumProduct: 150 },
        { variation: '1', n: 10, sum: 150, sumSquares: 5500, preSum: 25, preSumSquares: 625, sumProduct: 1000 },
      ],
    );
  });

  it('reports the same effects as the A/B statistics on the hand-counted summaries, Holm-corrected across metrics', async () => {
    await ingest(ctx.store, 'exp-report', abMessages());
    const experiment = await saveExperiment(ctx.store, 'exp-report', HERO);
    const r = await experimentReport(ctx.store, 'exp-report', experiment);
    assert.deepEqual(
      r.exposures.variations.map((v) => [v.id, v.persons]),
      [
        ['0', 10],
        ['1', 10],
      ],
    );
    assert.equal(r.exposures.excludedMultipleVariations, 1);
    assert.equal(r.exposures.excludedUnknownVariation, 1);
    assert.equal(r.srm.mismatch, false);
    assert.equal(r.srm.pValue, 1);
    const purchase = runAb(HERO_PURCHASE);
    const revenue = runAb(HERO_REVENUE);
    assert.equal(revenue.cuped, true);
    const strip = (x: (typeof purchase.results)[number]) => ({ ...x, p_value_adjusted: undefined, ci_adjusted: undefined });
    assert.deepEqual(strip(r.metrics[0]!.report.results[0]!), strip(purchase.results[0]!));
    assert.deepEqual(strip(r.metrics[1]!.report.results[0]!), strip(revenue.results[0]!));
    assert.deepEqual(r.metrics[1]!.report.variations, revenue.variations);
    // 3/10 → 5/10 is a relative lift of 2/3.
    assert.ok(Math.abs(r.metrics[0]!.report.results[0]!.expected - 2 / 3) < 1e-12);
    const adjusted = holmBonferroni([purchase.results[0]!.p_value!, revenue.results[0]!.p_value!]);
    assert.deepEqual(
      r.metrics.map((m) => m.report.results[0]!.p_value_adjusted),
      adjusted,
    );
    assert.ok(r.warnings.some((w) => w.includes('1 person(s) saw more than one variation')));
  });

  it('warns of a sample ratio mismatch when 35 and 10 persons arrive at a 50/50 split', async () => {
    const views = Array.from({ length: 45 }, (_, i) => ({
      type: 'track',
      event: 'Experiment Viewed',
      messageId: `s${i}`,
      userId: `s${i}`,
      timestamp: new Date(Date.parse('2026-05-01T00:00:00Z') + i * 60_000).toISOString(),
      properties: { experiment_id: 'skewed', variation_id: i < 35 ? 'a' : 'b' },
    }));
    await ingest(ctx.store, 'exp-srm', views);
    const experiment = await saveExperiment(ctx.store, 'exp-srm', {
      id: 'skewed',
      variations: [
        { id: 'a', weight: 1 },
        { id: 'b', weight: 1 },
      ],
      metrics: [{ name: 'orders', kind: 'count' }],
    });
    const r = await experimentReport(ctx.store, 'exp-srm', experiment);
    // χ² = 2 × 12.5² / 22.5 = 13.89 with 1 df: p = erfc(√(χ²/2)) = 0.000193942.
    assert.ok(Math.abs(r.srm.pValue - 0.00019394162910371941) < 1e-9, String(r.srm.pValue));
    assert.equal(r.srm.mismatch, true);
    assert.ok(r.warnings.some((w) => w.startsWith('Sample ratio mismatch')));
    assert.deepEqual(await discoverExperiments(ctx.store, 'exp-srm'), [
      {
        experimentId: 'skewed',
        persons: 45,
        views: 45,
        firstSeen: '2026-05-01T00:00:00.000Z',
        lastSeen: '2026-05-01T00:44:00.000Z',
        variations: [
          { id: 'a', persons: 35, views: 35 },
          { id: 'b', persons: 10, views: 10 },
        ],
      },
    ]);
  });

  it('stores experiments by their experiment_id and replaces them on save', async () => {
    const first = await saveExperiment(ctx.store, 'exp-crud', HERO);
    const second = await saveExperiment(ctx.store, 'exp-crud', { ...HERO, method: 'bayesian' });
    assert.equal(second.createdAt, first.createdAt);
    assert.equal((await getExperiment(ctx.store, 'exp-crud', 'hero'))?.method, 'bayesian');
    assert.deepEqual(
      (await listExperiments(ctx.store, 'exp-crud')).map((e) => e.id),
      ['hero'],
    );
    assert.equal(await removeExperiment(ctx.store, 'exp-crud', 'hero'), true);
    assert.deepEqual(await listExperiments(ctx.store, 'exp-crud'), []);
    assert.throws(
      () =>
        experimentInputSchema.parse({
          ...HERO,
          variations: [
            { id: '0', weight: 1 },
            { id: '0', weight: 1 },
          ],
        }),
      /variation ids must be unique/,
    );
  });
});
