import assert from 'node:assert/strict';
import { it } from 'node:test';
import { computeFunnel, type FunnelInput, type FunnelResult } from '../../src/analysis/funnel.ts';
import { ScopeError, type AnalysisScope } from '../../src/scope/scope.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';

const ORIGIN = Date.parse('2026-03-02T10:00:00.000Z');
const RECEIVED = new Date('2026-06-01T00:00:00.000Z');
const at = (minutes: number, extraMs = 0) => new Date(ORIGIN + minutes * 60_000 + extraMs).toISOString();
let counter = 0;

type Who = { userId: string } | { anonymousId: string };
const who = (id: string): Who => (id.startsWith('anon') ? { anonymousId: id } : { userId: id });

function track(person: string, event: string, minutes: number, extra: { ms?: number; properties?: object; url?: string } = {}) {
  return {
    type: 'track',
    messageId: `m${counter++}`,
    ...who(person),
    event,
    timestamp: at(minutes, extra.ms ?? 0),
    properties: extra.properties ?? {},
    ...(extra.url ? { context: { page: { url: extra.url } } } : {}),
  };
}

function page(person: string, minutes: number) {
  return {
    type: 'page',
    messageId: `m${counter++}`,
    ...who(person),
    timestamp: at(minutes),
    context: { page: { url: 'https://shop.example/help' } },
  };
}

const scope = (projectId: string): AnalysisScope => ({
  projectId,
  from: new Date('2026-03-01T00:00:00Z'),
  to: new Date('2026-03-31T00:00:00Z'),
});
const counts = (r: Pick<FunnelResult, 'steps'>) => r.steps.map((s) => s.count);
const ABC = ['Product Viewed', 'Checkout Started', 'Order Completed'];

describeEachStore('funnel', (ctx) => {
  const run = (projectId: string, input: FunnelInput) => computeFunnel(ctx.store, scope(projectId), input);

  it('counts a step exactly one window after the first step, but not one millisecond later', async () => {
    await ingest(
      ctx.store,
      'edge',
      [
        track('u1', 'Product Viewed', 0),
        track('u1', 'Order Completed', 60),
        track('u2', 'Product Viewed', 0),
        track('u2', 'Order Completed', 60, { ms: 1 }),
      ],
      RECEIVED,
    );
    const r = await run('edge', { steps: ['Product Viewed', 'Order Completed'], windowSeconds: 3600 });
    assert.deepEqual(counts(r), [2, 1]);
    assert.equal(r.steps[1]!.dropped, 1);
    assert.equal(r.steps[1]!.conversion_rate, 0.5);
    assert.equal(r.steps[1]!.average_seconds_to_convert, 3600);
    assert.deepEqual(r.time_to_convert.at(-1), { from_seconds: 1800, to_seconds: 3600, count: 1 });
  });

  it('needs steps in order for "ordered" but not for "any"', async () => {
    await ingest(
      ctx.store,
      'order',
      [
        // P does the steps backwards; Q skips ahead to the last step before the second.
        track('p', 'Order Completed', 0),
        track('p', 'Checkout Started', 1),
        track('p', 'Product Viewed', 2),
        track('q', 'Product Viewed', 0),
        track('q', 'Order Completed', 1),
        track('q', 'Checkout Started', 2),
      ],
      RECEIVED,
    );
    const ordered = await run('order', { steps: ABC, windowSeconds: 3600 });
    assert.deepEqual(counts(ordered), [2, 1, 0]);
    assert.equal(ordered.steps[1]!.average_seconds_to_convert, 120);
    const any = await run('order', { steps: ABC, windowSeconds: 3600, order: 'any' });
    assert.deepEqual(counts(any), [2, 2, 2]);
    assert.equal(any.steps[1]!.average_seconds_to_convert, 60);
    assert.equal(any.steps[2]!.median_seconds_to_convert, 60);
  });

  it("counts a person who completes on a later attempt once, as converted, with that attempt's times", async () => {
    await ingest(
      ctx.store,
      'retry',
      [
        // R: two incomplete tries, then a complete one (5 min to checkout, 10 min to order).
        track('r', 'Product Viewed', 0),
        track('r', 'Checkout Started', 5),
        track('r', 'Product Viewed', 2880),
        track('r', 'Checkout Started', 2885),
        track('r', 'Product Viewed', 7200),
        track('r', 'Checkout Started', 7205),
        track('r', 'Order Completed', 7215),
        // S: two tries that both reach checkout; the earlier one (10 min) is the one counted.
        track('s', 'Product Viewed', 0),
        track('s', 'Checkout Started', 10),
        track('s', 'Product Viewed', 1440),
        track('s', 'Checkout Started', 1442),
      ],
      RECEIVED,
    );
    const r = await run('retry', { steps: ABC, windowSeconds: 3600 });
    assert.deepEqual(counts(r), [2, 2, 1]);
    assert.equal(r.steps[1]!.average_seconds_to_convert, 450);
    assert.equal(r.steps[1]!.median_seconds_to_convert, 450);
    assert.equal(r.steps[2]!.average_seconds_to_convert, 600);
    assert.equal(r.conversion_rate, 0.5);
  });

  it('drops attempts with an exclusion event between the given steps', async () => {
    await ingest(
      ctx.store,
      'excl',
      [
        // x1: chat between checkout and order → out.
        track('x1', 'Product Viewed', 0),
        track('x1', 'Checkout Started', 5),
        track('x1', 'Chat Started', 7),
        track('x1', 'Order Completed', 10),
        // x2: chat before checkout → not between steps 2 and 3 → converted.
        track('x2', 'Product Viewed', 0),
        track('x2', 'Chat Started', 2),
        track('x2', 'Checkout Started', 5),
        track('x2', 'Order Completed', 10),
        // x3: chat after checkout, no order, inside the window → out.
        track('x3', 'Product Viewed', 0),
        track('x3', 'Checkout Started', 5),
        track('x3', 'Chat Started', 20),
        // x4: first attempt excluded, a clean later attempt converts.
        track('x4', 'Product Viewed', 0),
        track('x4', 'Checkout Started', 5),
        track('x4', 'Chat Started', 7),
        track('x4', 'Order Completed', 10),
        track('x4', 'Product Viewed', 200),
        track('x4', 'Checkout Started', 205),
        track('x4', 'Order Completed', 210),
        // x5: chat after the window ended → stays, at checkout.
        track('x5', 'Product Viewed', 0),
        track('x5', 'Checkout Started', 5),
        track('x5', 'Chat Started', 90),
      ],
      RECEIVED,
    );
    const plain = await run('excl', { steps: ABC, windowSeconds: 3600 });
    assert.deepEqual(counts(plain), [5, 5, 3]);
    const excluded = await run('excl', {
      steps: ABC,
      windowSeconds: 3600,
      exclusions: [{ event: 'Chat Started', fromStep: 2, toStep: 3 }],
    });
    assert.deepEqual(counts(excluded), [3, 3, 2]);
  });

  it("follows a funnel that repeats its first event as a later step, with ties, exclusions and the first step's breakdown", async () => {
    const google = 'https://shop.example/p?utm_source=google&utm_medium=cpc';
    const email = 'https://shop.example/p?utm_source=newsletter&utm_medium=email';
    await ingest(
      ctx.store,
      'repeat',
      [
        // r1: A B A → 3.
        track('r1', 'Product Viewed', 0, { url: google }),
        track('r1', 'Product Added', 5),
        track('r1', 'Product Viewed', 10),
        // r2: A A B → 2 (no A after the B), counted from the earlier A.
        track('r2', 'Product Viewed', 0, { url: email }),
        track('r2', 'Product Viewed', 3),
        track('r2', 'Product Added', 5),
        // r3: B A → 1.
        track('r3', 'Product Added', 0),
        track('r3', 'Product Viewed', 5, { url: google }),
        // r4: A and B in the same millisecond, then A → 3 (same-time steps count in step order).
        track('r4', 'Product Viewed', 0, { url: email }),
        track('r4', 'Product Added', 0),
        track('r4', 'Product Viewed', 1),
        // r5: A B chat A → 3, or 1 when a chat between steps 2 and 3 disqualifies (the last A starts a new attempt).
        track('r5', 'Product Viewed', 0, { url: email }),
        track('r5', 'Product Added', 5),
        track('r5', 'Chat Started', 7),
        track('r5', 'Product Viewed', 10),
      ],
      RECEIVED,
    );
    const steps = ['Product Viewed', 'Product Added', 'Product Viewed'];
    const r = await run('repeat', { steps, windowSeconds: 3600, breakdown: { kind: 'column', column: 'channel' } });
    assert.deepEqual(counts(r), [5, 4, 3]);
    assert.equal(r.steps[1]!.average_seconds_to_convert, 225);
    assert.equal(r.steps[2]!.average_seconds_to_convert, 220);
    assert.deepEqual(
      r.breakdown!.map((b) => [b.value, ...counts(b)]),
      [
        ['Email', 3, 3, 2],
        ['Paid Search', 2, 1, 1],
      ],
    );
    const excluded = await run('repeat', { steps, windowSeconds: 3600, exclusions: [{ event: 'Chat Started', fromStep: 2, toStep: 3 }] });
    assert.deepEqual(counts(excluded), [5, 3, 2]);
  });

  it('in strict order needs the next event to be the next step; identify calls do not break it', async () => {
    await ingest(
      ctx.store,
      'strict',
      [
        track('v1', 'Product Viewed', 0),
        track('v1', 'Order Completed', 1),
        track('v2', 'Product Viewed', 0),
        page('v2', 0.5),
        track('v2', 'Order Completed', 1),
        track('anon-v3', 'Product Viewed', 0),
        { type: 'identify', messageId: `m${counter++}`, anonymousId: 'anon-v3', userId: 'v3', timestamp: at(0.5), traits: {} },
        track('v3', 'Order Completed', 1),
        // v4: a repeated first step; the attempt from the second one is strict.
        track('v4', 'Product Viewed', 0),
        track('v4', 'Product Viewed', 0.5),
        track('v4', 'Order Completed', 1),
      ],
      RECEIVED,
    );
    const steps = ['Product Viewed', 'Order Completed'];
    assert.deepEqual(counts(await run('strict', { steps, windowSeconds: 3600, order: 'strict' })), [4, 3]);
    assert.deepEqual(counts(await run('strict', { steps, windowSeconds: 3600 })), [4, 4]);
  });

  it('counts sessions or persons', async () => {
    await ingest(
      ctx.store,
      'sess',
      [
        // w: the two steps two hours apart, in two sessions; y: both in one session.
        track('anon-w', 'Product Viewed', 0),
        track('anon-w', 'Order Completed', 120),
        track('anon-y', 'Product Viewed', 0),
        track('anon-y', 'Order Completed', 5),
      ],
      RECEIVED,
    );
    const steps = ['Product Viewed', 'Order Completed'];
    assert.deepEqual(counts(await run('sess', { steps, windowSeconds: 7 * 86400 })), [2, 2]);
    const bySession = await run('sess', { steps, windowSeconds: 7 * 86400, aggregateBy: 'session' });
    assert.equal(bySession.aggregate_by, 'session');
    assert.deepEqual(counts(bySession), [2, 1]);
  });

  it('joins anonymous steps before identify with the last step after it into one person', async () => {
    await ingest(
      ctx.store,
      'merge',
      [
        track('anon-m', 'Product Viewed', 0),
        track('anon-m', 'Checkout Started', 2),
        {
          type: 'identify',
          messageId: `m${counter++}`,
          anonymousId: 'anon-m',
          userId: 'm',
          timestamp: at(3),
          traits: { email: 'm@example.com' },
        },
        track('m', 'Order Completed', 10),
      ],
      RECEIVED,
    );
    const r = await run('merge', { steps: ABC, windowSeconds: 3600 });
    assert.deepEqual(counts(r), [1, 1, 1]);
    assert.equal(r.steps[2]!.average_seconds_to_convert, 480);
  });

  it('reports average, median and p90 time to convert and a histogram', async () => {
    await ingest(
      ctx.store,
      'ttc',
      [
        track('t1', 'Product Viewed', 0),
        track('t1', 'Order Completed', 1),
        track('t2', 'Product Viewed', 0),
        track('t2', 'Order Completed', 2),
        track('t3', 'Product Viewed', 0),
        track('t3', 'Order Completed', 10),
        track('t4', 'Product Viewed', 0),
      ],
      RECEIVED,
    );
    const r = await run('ttc', { steps: ['Product Viewed', 'Order Completed'], windowSeconds: 3600 });
    const s = r.steps[1]!;
    assert.equal(s.average_seconds_to_convert, 260); // (60 + 120 + 600) / 3
    assert.equal(s.median_seconds_to_convert, 120);
    assert.ok(Math.abs(s.p90_seconds_to_convert! - 504) < 1e-9); // 120 + 0.8 × (600 − 120)
    assert.deepEqual(
      r.time_to_convert.map((b) => [b.from_seconds, b.to_seconds, b.count]),
      [
        [0, 60, 0],
        [60, 300, 2],
        [300, 900, 1],
        [900, 1800, 0],
        [1800, 3600, 0],
      ],
    );
    assert.equal(r.steps[1]!.conversion_rate_from_previous, 0.75);
  });

  it('breaks down by the channel of the first step, with the rest as Other, and trends by day', async () => {
    const google = 'https://shop.example/p?utm_source=google&utm_medium=cpc';
    const email = 'https://shop.example/p?utm_source=newsletter&utm_medium=email';
    await ingest(
      ctx.store,
      'bd',
      [
        track('b1', 'Product Viewed', 0, { url: google }),
        track('b1', 'Order Completed', 5),
        track('b2', 'Product Viewed', 0, { url: google }),
        track('b2', 'Order Completed', 5),
        track('b3', 'Product Viewed', 1440, { url: google }),
        track('b4', 'Product Viewed', 1440, { url: email }),
        track('b4', 'Order Completed', 1445),
        track('b5', 'Product Viewed', 1440, { url: email }),
        track('b6', 'Product Viewed', 1440),
      ],
      RECEIVED,
    );
    const steps = ['Product Viewed', 'Order Completed'];
    const r = await run('bd', { steps, windowSeconds: 3600, breakdown: { kind: 'column', column: 'channel' }, trend: 'day' });
    assert.deepEqual(
      r.breakdown!.map((b) => [b.value, ...counts(b)]),
      [
        ['Paid Search', 3, 2],
        ['Email', 2, 1],
        ['(none)', 1, 0],
      ],
    );
    assert.deepEqual(r.trend, [
      { period: '2026-03-02', started: 2, converted: 2, conversion_rate: 1 },
      { period: '2026-03-03', started: 4, converted: 1, conversion_rate: 0.25 },
    ]);
    const top2 = await run('bd', { steps, windowSeconds: 3600, breakdown: { kind: 'column', column: 'channel' }, breakdownLimit: 2 });
    assert.deepEqual(
      top2.breakdown!.map((b) => [b.value, ...counts(b)]),
      [
        ['Paid Search', 3, 2],
        ['Email', 2, 1],
        ['Other', 1, 0],
      ],
    );
  });

  it('filters steps on properties and columns', async () => {
    await ingest(
      ctx.store,
      'filt',
      [
        track('f1', 'Product Viewed', 0, { properties: { category: 'Shoes', price: 80 } }),
        track('f1', 'Order Completed', 5),
        track('f2', 'Product Viewed', 0, { properties: { category: 'Hats', price: 20 } }),
        track('f2', 'Order Completed', 5),
        track('f3', 'Product Viewed', 0, {
          properties: { category: 'Shoes', price: 30 },
          url: 'https://shop.example/p?utm_source=google&utm_medium=cpc',
        }),
      ],
      RECEIVED,
    );
    const shoes = await run('filt', {
      steps: [{ event: 'Product Viewed', filters: [{ property: 'category', op: 'eq', value: 'Shoes' }] }, 'Order Completed'],
      windowSeconds: 3600,
    });
    assert.deepEqual(counts(shoes), [2, 1]);
    const dear = await run('filt', {
      steps: [{ event: 'Product Viewed', filters: [{ property: 'price', op: 'gt', value: 25 }] }, 'Order Completed'],
      windowSeconds: 3600,
    });
    assert.deepEqual(counts(dear), [2, 1]);
    const paid = await run('filt', {
      steps: [{ event: 'Product Viewed', filters: [{ property: 'channel', op: 'eq', value: 'Paid Search' }] }, 'Order Completed'],
      windowSeconds: 3600,
    });
    assert.deepEqual(counts(paid), [1, 0]);
  });

  it('rejects a step event the project never received, naming close ones', async () => {
    await ingest(ctx.store, 'names', [track('n1', 'Order Completed', 0), track('n1', 'Product Viewed', 1)], RECEIVED);
    await assert.rejects(
      run('names', { steps: ['Product Viewed', 'Order Complete'], windowSeconds: 3600 }),
      (e: Error) => e instanceof ScopeError && /"Order Complete" \(did you mean "Order Completed"\?\)/.test(e.message),
    );
  });
});
