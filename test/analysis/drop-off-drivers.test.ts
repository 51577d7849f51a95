import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  analyse2x2,
  chiSquare2x2,
  computeDropOffDrivers,
  CORRELATION_NOTE,
  fisherExactTwoSided,
} from '../../src/analysis/drop-off-drivers.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);

describe('2×2 statistics', () => {
  it('gives the lady-tasting-tea table [[3,1],[1,3]] a two-sided Fisher p of 0.4857 and OR 9 with Woolf CI 0.367–220.9', () => {
    close(fisherExactTwoSided(3, 1, 1, 3), 0.4857142857142857, 1e-12, 'p');
    const r = analyse2x2(3, 1, 1, 3);
    assert.equal(r.test, 'fisher');
    assert.equal(r.haldane, false);
    close(r.odds_ratio, 9, 1e-12, 'OR');
    close(r.ci_low, 0.36663693192554553, 1e-9, 'CI low');
    close(r.ci_high, 220.92700692915736, 1e-6, 'CI high');
  });

  it('adds 0.5 to every cell when one is zero (Haldane) and still runs Fisher on the raw counts', () => {
    const r = analyse2x2(2, 0, 2, 4);
    assert.equal(r.haldane, true);
    close(r.odds_ratio, (2.5 * 4.5) / (0.5 * 2.5), 1e-12, 'OR');
    close(r.p_value, 0.4285714285714286, 1e-12, 'p'); // scipy.stats.fisher_exact([[2,0],[2,4]])
    close(fisherExactTwoSided(2, 0, 2, 2), 0.4666666666666667, 1e-12, 'p');
  });

  it('uses Pearson chi-square without continuity correction when all expected counts are 5 or more', () => {
    const { chi2, p } = chiSquare2x2(20, 80, 40, 60);
    close(chi2, 9.523809523809524, 1e-12, 'chi2'); // 200·(1200−3200)² / (100·100·60·140)
    close(p, 0.0020282311484520824, 1e-8, 'p'); // scipy chi2_contingency(correction=False)
    const r = analyse2x2(20, 80, 40, 60);
    assert.equal(r.test, 'chi_square');
    close(r.odds_ratio, 0.375, 1e-12, 'OR');
  });
});

const ORIGIN = Date.parse('2026-03-02T10:00:00.000Z');
const RECEIVED = new Date('2026-06-01T00:00:00.000Z');
let counter = 0;
const track = (userId: string, event: string, minutes: number, properties: object = {}) => ({
  type: 'track',
  messageId: `d${counter++}`,
  userId,
  event,
  timestamp: new Date(ORIGIN + minutes * 60_000).toISOString(),
  properties,
});

describeEachStore('drop-off drivers', (ctx) => {
  it('counts factors seen before the step the unit left or went on from, with the 2×2 statistics', async () => {
    const messages: object[] = [];
    for (const u of ['c1', 'c2', 'c3', 'c4']) messages.push(track(u, 'Product Viewed', 0), track(u, 'Order Completed', 60));
    for (const u of ['d1', 'd2', 'd3', 'd4']) messages.push(track(u, 'Product Viewed', 0));
    for (const u of ['c1', 'c2', 'c3', 'd1']) messages.push(track(u, 'Email Opened', -30));
    // After step 1 (between the steps, after the order, after the window): consequences, not drivers.
    messages.push(track('c4', 'Email Opened', 30), track('c4', 'Email Opened', 120), track('d2', 'Email Opened', 1500));
    for (const u of ['c1', 'c2', 'c3', 'c4']) messages.push(track(u, 'Order Delivered', 2000));
    messages.push(track('d3', 'Support Chat', 10), track('d4', 'Support Chat', 10));
    for (const u of ['c1', 'c2']) messages.push(track(u, 'Survey Responded', -60, { survey: 'NPS', score: 10 }));
    for (const u of ['d1', 'd2']) messages.push(track(u, 'Survey Responded', -60, { survey: 'NPS', score: 2 }));
    await ingest(ctx.store, 'drv', messages, RECEIVED);

    const r = await computeDropOffDrivers(
      ctx.store,
      { projectId: 'drv', from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-31T00:00:00Z') },
      { funnel: { steps: ['Product Viewed', 'Order Completed'], windowSeconds: 86400 }, step: 2, minPersons: 1 },
    );
    assert.equal(r.note, CORRELATION_NOTE);
    assert.match(r.note, /^Correlation, not causation: /);
    assert.deepEqual([r.converted, r.dropped, r.from_step, r.to_step], [4, 4, 'Product Viewed', 'Order Completed']);

    const email = r.factors.find((f) => f.kind === 'event' && f.name === 'Email Opened')!;
    assert.deepEqual([email.converted_with, email.dropped_with, email.converted_without, email.dropped_without], [3, 1, 1, 3]);
    close(email.odds_ratio, 9, 1e-12, 'OR');
    close(email.p_value, 0.4857142857142857, 1e-12, 'p');
    assert.equal(email.direction, 'converted_more');
    assert.equal(email.label, 'Email Opened');

    const promoter = r.factors.find((f) => f.kind === 'survey' && f.value === 'promoter (9-10)')!;
    assert.deepEqual([promoter.name, promoter.converted_with, promoter.dropped_with, promoter.haldane], ['NPS', 2, 0, true]);
    close(promoter.odds_ratio, 9, 1e-12, 'OR');
    close(promoter.p_value, 0.4285714285714286, 1e-12, 'p');
    const detractor = r.factors.find((f) => f.kind === 'survey' && f.value === 'detractor (0-6)')!;
    assert.deepEqual([detractor.converted_with, detractor.dropped_with, detractor.direction], [0, 2, 'dropped_more']);
    assert.ok(!r.factors.some((f) => f.kind === 'event' && f.name === 'Order Completed'), 'funnel steps are not factors');
    for (const later of ['Order Delivered', 'Support Chat'])
      assert.ok(!r.factors.some((f) => f.name === later), `${later} happened after step 1 and is no driver`);
    // Ranked by p-value.
    for (let i = 1; i < r.factors.length; i++) assert.ok(r.factors[i - 1]!.p_value <= r.factors[i]!.p_value);
    // Benjamini–Hochberg over every factor tested: q = min over j ≥ i of m·p(j)/j, never below p.
    const m = r.factors.length;
    r.factors.forEach((f, i) => {
      const expected = Math.min(1, ...r.factors.slice(i).map((g, j) => (m * g.p_value) / (i + j + 1)));
      close(f.q_value, expected, 1e-12, `q of ${f.label}`);
      assert.ok(f.q_value >= f.p_value);
    });
  });

  it('merges factors present in exactly the same units into one driver, and keeps look-alikes with other units apart', async () => {
    const messages: object[] = [];
    for (const u of ['m1', 'm2', 'm3', 'm4']) messages.push(track(u, 'Product Viewed', 0), track(u, 'Order Completed', 60));
    for (const u of ['n1', 'n2', 'n3', 'n4']) messages.push(track(u, 'Product Viewed', 0));
    // Email Opened and Newsletter Clicked: the same three units. Coupon Viewed: as many, other units.
    for (const u of ['m1', 'm2', 'n1']) messages.push(track(u, 'Email Opened', -30), track(u, 'Newsletter Clicked', -20));
    for (const u of ['m3', 'm4', 'n2']) messages.push(track(u, 'Coupon Viewed', -30));
    await ingest(ctx.store, 'drv-merge', messages, RECEIVED);
    const r = await computeDropOffDrivers(
      ctx.store,
      { projectId: 'drv-merge', from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-31T00:00:00Z') },
      { funnel: { steps: ['Product Viewed', 'Order Completed'], windowSeconds: 86400 }, step: 2, minPersons: 1 },
    );
    const email = r.factors.find((f) => f.name === 'Email Opened')!;
    assert.deepEqual(email.same_as, ['Newsletter Clicked']);
    assert.deepEqual([email.converted_with, email.dropped_with], [2, 1]);
    assert.ok(!r.factors.some((f) => f.name === 'Newsletter Clicked'), 'the duplicate is merged, not listed');
    const coupon = r.factors.find((f) => f.name === 'Coupon Viewed')!;
    assert.deepEqual([coupon.converted_with, coupon.dropped_with, coupon.same_as], [2, 1, []]);
  });
});
