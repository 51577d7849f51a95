import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import {
  anomaliesInputSchema,
  checkSubscriptions,
  createSubscription,
  detectAnomalies,
  listAlerts,
  type Subscription,
} from '../../src/anomalies/anomalies.ts';
import { mulberry32 } from '../../src/stats/random.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';
import { startReceiver, type Receiver } from '../audiences/receiver.ts';

const DAY = 86_400_000;
const START = Date.parse('2026-01-05T00:00:00Z');
const CHANNELS = [
  { name: 'Email', query: '?utm_source=newsletter&utm_medium=email', referrer: '' },
  { name: 'Organic Search', query: '', referrer: 'https://www.google.com/' },
  { name: 'Paid Search', query: '?utm_source=google&utm_medium=cpc', referrer: '' },
];
const DROP_DAY = 110; // Email orders stop for a day (a broken email link), the other channels carry on

function simulate(seed = 3) {
  const rng = mulberry32(seed);
  const messages: object[] = [];
  let m = 0;
  for (let c = 0; c < 3; c++) {
    for (let k = 0; k < 200; k++) {
      messages.push({
        type: 'page',
        userId: `${c}-${k}`,
        messageId: `a${m++}`,
        timestamp: new Date(START - DAY).toISOString(),
        context: { page: { url: `https://shop.example/${CHANNELS[c]!.query}`, referrer: CHANNELS[c]!.referrer } },
      });
    }
  }
  const weekly = [0.7, 1.1, 1.1, 1.0, 1.0, 1.2, 0.9];
  for (let day = 0; day < 120; day++) {
    const dow = new Date(START + day * DAY).getUTCDay();
    for (let c = 0; c < 3; c++) {
      let n = Math.round(14 * weekly[dow]! * (0.9 + 0.2 * rng()));
      if (c === 0 && day === DROP_DAY) n = 0;
      for (let j = 0; j < n; j++) {
        messages.push({
          type: 'track',
          event: 'Order Completed',
          userId: `${c}-${Math.floor(rng() * 200)}`,
          messageId: `a${m++}`,
          timestamp: new Date(START + day * DAY + (8 + rng() * 12) * 3_600_000).toISOString(),
          properties: { revenue: 40 },
        });
      }
    }
  }
  return messages;
}

describeEachStore('KPI anomalies with root cause', (ctx) => {
  let receiver: Receiver;
  let sub: Subscription;
  before(async () => {
    await ingest(ctx.store, 'shop', simulate());
    receiver = await startReceiver(
      () => sub?.webhooks[0]?.secret ?? '',
      (_k, attempt) => (attempt === 1 ? 500 : 200),
    );
  });
  after(() => receiver.close());

  it('flags the day Email orders stopped and names Email as the root cause', async () => {
    const result = await detectAnomalies(ctx.store, 'shop', anomaliesInputSchema.parse({ kpi: 'orders', recentDays: 30 }));
    const k = result.kpis[0]!;
    assert.equal(k.components.weekly, true);
    const dropDate = new Date(START + DROP_DAY * DAY).toISOString().slice(0, 10);
    assert.deepEqual(
      k.anomalies.map((a) => a.date),
      [dropDate],
    );
    const a = k.anomalies[0]!;
    assert.ok(a.size < 0 && a.relativeSize! < -0.2, `size ${a.size}`);
    assert.ok(a.probability > 0.999);
    assert.equal(a.rootCauses[0]!.dimension, 'channel');
    assert.equal(a.rootCauses[0]!.value, 'Email');
    assert.ok(a.rootCauses[0]!.shareOfChange > 0.8);
    console.log(
      `anomalies root cause: ${a.date} orders ${a.value} vs expected ${a.expected.toFixed(1)} (p=${a.probability.toFixed(5)}), root cause ${a.rootCauses[0]!.dimension}=${a.rootCauses[0]!.value} (${(a.rootCauses[0]!.shareOfChange * 100).toFixed(0)}% of the change)`,
    );
  });

  it('alerts a subscriber once, through a signed webhook that is retried after a 500', async () => {
    sub = await createSubscription(ctx.store, 'shop', { kpi: 'orders', webhooks: [{ url: receiver.url }] });
    const first = await checkSubscriptions(ctx.store, 'shop', { recentDays: 30, delivery: { baseDelayMs: 5 } });
    assert.equal(first.alerts.length, 1);
    assert.equal(first.delivered, 1);
    const second = await checkSubscriptions(ctx.store, 'shop', { recentDays: 30, delivery: { baseDelayMs: 5 } });
    assert.equal(second.alerts.length, 0);
    assert.equal(second.delivered, 0);
    assert.deepEqual(
      receiver.calls.map((c) => [c.status, c.signatureValid]),
      [
        [500, true],
        [200, true],
      ],
    );
    assert.equal(receiver.accepted()[0].type, 'kpi.anomaly');
    assert.equal(receiver.accepted()[0].rootCauses[0].value, 'Email');
    assert.equal((await listAlerts(ctx.store, 'shop')).length, 1);
  });
});
