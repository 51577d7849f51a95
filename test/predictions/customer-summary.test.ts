import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { AnalysisScope } from '../../src/scope/scope.ts';
import { fitBgNbd } from '../../src/predictions/bg-nbd.ts';
import { summarizeCustomers } from '../../src/predictions/customer-summary.ts';
import { fitGammaGamma } from '../../src/predictions/gamma-gamma.ts';
import { predictCustomers } from '../../src/predictions/predict-customers.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';
import { cdnowCalibrationSummary, cdnowTransactions } from './cdnow.ts';

let seq = 0;
const order = (user: string, day: string, revenue: number, hour = 12) => ({
  type: 'track',
  event: 'Order Completed',
  userId: user,
  messageId: `o${seq++}`,
  timestamp: `${day}T${String(hour).padStart(2, '0')}:00:00.000Z`,
  properties: { revenue },
});

describeEachStore('customer summaries', (ctx) => {
  const scope = (projectId: string, from: string, to: string): AnalysisScope => ({ projectId, from: new Date(from), to: new Date(to) });

  it('counts repeat purchase days, recency and age in days up to the calibration end, and holdout days after it', async () => {
    await ingest(ctx.store, 'cs-hand', [
      // A: two orders on day 1 are one purchase; repeats on days 8 and 15; one holdout purchase.
      order('A', '2026-03-01', 10, 9),
      order('A', '2026-03-01', 5, 18),
      order('A', '2026-03-08', 20),
      order('A', '2026-03-15', 30),
      order('A', '2026-04-09', 7),
      order('B', '2026-03-03', 40),
      // C first buys after the calibration end: not a calibration buyer.
      order('C', '2026-03-25', 12),
      { type: 'page', userId: 'D', messageId: `o${seq++}`, timestamp: '2026-04-19T08:00:00.000Z', name: 'Home' },
    ]);
    const s = await summarizeCustomers(ctx.store, scope('cs-hand', '2026-01-01', '2026-06-01'), { calibrationEnd: new Date('2026-03-20') });
    assert.equal(s.dataEnd, '2026-04-19');
    assert.equal(s.calibrationEnd, '2026-03-20');
    assert.equal(s.totalBuyers, 2);
    assert.deepEqual(s.buyers, [
      { personId: 'A', frequency: 2, recencyDays: 14, ageDays: 19, monetaryValue: 25, holdoutFrequency: 1 },
      { personId: 'B', frequency: 0, recencyDays: 0, ageDays: 17, monetaryValue: 0, holdoutFrequency: 0 },
    ]);
    const all = await summarizeCustomers(ctx.store, scope('cs-hand', '2026-01-01', '2026-06-01'));
    assert.equal(all.calibrationEnd, '2026-04-19');
    assert.deepEqual(
      all.buyers.find((b) => b.personId === 'A'),
      { personId: 'A', frequency: 3, recencyDays: 39, ageDays: 49, monetaryValue: 19, holdoutFrequency: 0 },
    );
    assert.deepEqual(
      all.buyers.find((b) => b.personId === 'C'),
      { personId: 'C', frequency: 0, recencyDays: 0, ageDays: 25, monetaryValue: 0, holdoutFrequency: 0 },
    );
  });

  it('samples buyers by a hash of the person when there are more than the limit', async () => {
    const messages = Array.from({ length: 400 }, (_, i) => order(`S${i}`, '2026-02-01', 10));
    await ingest(ctx.store, 'cs-sample', messages);
    const s = await summarizeCustomers(ctx.store, scope('cs-sample', '2026-01-01', '2026-03-01'), { maxCustomers: 100 });
    assert.equal(s.totalBuyers, 400);
    assert.equal(s.sampleFraction, 0.25);
    assert.ok(s.buyers.length > 60 && s.buyers.length < 140, `sampled ${s.buyers.length}`);
  });

  describeCdnow(ctx);
});

/** The CDNOW transactions loaded as orders: the SQL summaries equal the reference preparation, and the fits the published estimates. */
function describeCdnow(ctx: { store: import('../../src/store/store.ts').Store }) {
  const projectId = 'cs-cdnow';
  const cdnowScope: AnalysisScope = { projectId, from: new Date('1997-01-01'), to: new Date('1998-07-01') };
  before(async () => {
    const messages = cdnowTransactions().map((t) => order(`c${t.customer}`, t.date, t.value));
    await ingest(ctx.store, projectId, messages);
  });

  it('reproduces the CDNOW calibration summary in days and the published BG/NBD and Gamma-Gamma estimates', async () => {
    const s = await summarizeCustomers(ctx.store, cdnowScope, { calibrationEnd: new Date('1997-09-30') });
    assert.equal(s.dataEnd, '1998-06-30');
    const reference = new Map(cdnowCalibrationSummary().map((c) => [`c${c.id}`, c]));
    assert.equal(s.buyers.length, 2357);
    for (const b of s.buyers) {
      const c = reference.get(b.personId)!;
      assert.equal(b.frequency, c.frequency, b.personId);
      assert.equal(b.recencyDays, Math.round(c.recency * 7), b.personId);
      assert.equal(b.ageDays, Math.round(c.T * 7), b.personId);
      assert.ok(Math.abs(b.monetaryValue - c.monetaryValue) < 1e-9, b.personId);
    }
    const bg = fitBgNbd(s.buyers.map((b) => ({ frequency: b.frequency, recency: b.recencyDays, T: b.ageDays })));
    // Days instead of weeks: only the scale α changes, by a factor 7.
    assert.ok(Math.abs(bg.params.r - 0.243) < 0.0005 && Math.abs(bg.params.alpha / 7 - 4.414) < 0.0005, JSON.stringify(bg.params));
    assert.ok(Math.abs(bg.params.a - 0.793) < 0.0005 && Math.abs(bg.params.b - 2.426) < 0.0005, JSON.stringify(bg.params));
    const gg = fitGammaGamma(s.buyers);
    assert.ok(
      Math.abs(gg.params.p - 6.25) < 0.005 && Math.abs(gg.params.q - 3.74) < 0.005 && Math.abs(gg.params.gamma - 15.44) < 0.005,
      JSON.stringify(gg.params),
    );
  });

  it('checks the 39-week CDNOW holdout: the BG/NBD predicts 1,653 against 1,882 actual repeat purchase days, by calibration frequency', async () => {
    const r = await predictCustomers(ctx.store, cdnowScope, {
      calibrationEnd: new Date('1997-09-30'),
      horizonDays: 273,
      top: 5,
      model: 'bg',
    });
    assert.equal(r.holdout!.days, 273);
    assert.equal(r.customers, 2357);
    // Actual repeat purchase days of calibration buyers after 1997-09-30, from the raw file.
    const days = new Set(
      cdnowTransactions()
        .filter((t) => t.date > '1997-09-30')
        .map((t) => `${t.customer}|${t.date}`),
    );
    assert.equal(r.holdout!.actual, days.size);
    assert.equal(r.holdout!.actual, 1882);
    // The model under-forecasts this holdout by 12%: the sample's customers bought more in 1998 than their 1997 pace implies.
    assert.ok(Math.abs(r.holdout!.predicted - 1653.4) < 0.5, `predicted ${r.holdout!.predicted}`);
    // Buyers who repeated more in calibration buy more in the holdout, in the data and in the model.
    const bucket = (f: string) => r.holdout!.byFrequency.find((b) => b.frequency === f)!;
    assert.ok(bucket('0').actual < bucket('2').actual && bucket('2').actual < bucket('7+').actual);
    assert.ok(bucket('0').predicted < bucket('2').predicted && bucket('2').predicted < bucket('7+').predicted);
    assert.deepEqual(
      r.holdout!.byFrequency.map((b) => b.frequency),
      ['0', '1', '2', '3', '4', '5', '6', '7+'],
    );
    assert.equal(
      r.holdout!.byFrequency.reduce((s, b) => s + b.customers, 0),
      2357,
    );
    // Over the holdout's length, the expected purchases equal the holdout prediction.
    assert.ok(Math.abs(r.totals.expectedPurchases - r.holdout!.predicted) < 1e-6);
    assert.equal(r.topByClv.length, 5);
    assert.ok(r.topByClv[0]!.clv >= r.topByClv[4]!.clv);
    assert.ok(r.topChurnRisk.every((c) => c.frequency > 0 && c.churnRisk >= r.topChurnRisk.at(-1)!.churnRisk));
  });
}
