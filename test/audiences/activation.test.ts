import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createAudience, getAudience, type SavedAudience } from '../../src/audiences/audiences.ts';
import { audienceCsv, audienceHistory, audienceIdentifyCalls, audienceMembersPage } from '../../src/audiences/export.ts';
import { CHUNK_SIZE, syncAudience } from '../../src/audiences/sync.ts';
import { deliveryLog } from '../../src/audiences/webhooks.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';
import { startReceiver, type Receiver } from './receiver.ts';

const PROJECT = 'p-aud';
const fast = { baseDelayMs: 5, maxAttempts: 4 };

/** 620 persons with plan traits: 540 "pro" (two webhook chunks) and 80 "free". */
function identifies(plan: (i: number) => string, at: string) {
  return Array.from({ length: 620 }, (_, i) => ({
    type: 'identify',
    userId: `u${String(i).padStart(4, '0')}`,
    traits: { plan: plan(i) },
    messageId: `id-${at}-${i}`,
    timestamp: at,
  }));
}

async function collect<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

const personsOf = (bodies: any[], type: string) => bodies.filter((b) => b.type === type).flatMap((b) => b.persons as string[]);

describeEachStore('audience activation', (ctx) => {
  let receiver: Receiver;
  let audience: SavedAudience;
  before(async () => {
    await ingest(
      ctx.store,
      PROJECT,
      identifies((i) => (i < 540 ? 'pro' : 'free'), '2026-01-01T00:00:00Z'),
    );
    // The first attempt of every delivery fails with a 500: each must be retried and land once.
    receiver = await startReceiver(
      () => audience?.webhooks[0]?.secret ?? '',
      (_key, attempt) => (attempt === 1 ? 500 : 200),
    );
    audience = await createAudience(ctx.store, PROJECT, {
      name: 'Pro plan',
      source: { kind: 'segment', segment: { rules: [{ kind: 'trait', trait: 'plan', op: 'eq', value: 'pro' }] } },
      webhooks: [{ url: receiver.url }],
    });
  });
  after(() => receiver.close());

  it('records the first evaluation as joins and delivers each join exactly once after retrying a 500, signed', async () => {
    const result = await syncAudience(ctx.store, audience, { delivery: fast });
    assert.equal(result.joined, 540);
    assert.equal(result.left, 0);
    assert.equal(result.size, 540);
    assert.deepEqual(result.deliveries, { delivered: 2, dead: 0 });
    assert.ok(receiver.calls.every((c) => c.signatureValid));
    assert.equal(receiver.calls.length, 4, 'two chunks, each failed once and retried once');
    assert.deepEqual(
      receiver.calls.map((c) => c.status),
      [500, 200, 500, 200],
    );
    assert.equal(receiver.calls[0]!.key, receiver.calls[1]!.key, 'a retry carries the same idempotency key');
    const joined = personsOf(receiver.accepted(), 'audience.joined');
    assert.equal(joined.length, 540);
    assert.equal(new Set(joined).size, 540, 'no person sent twice');
    assert.equal(receiver.accepted()[0].persons.length, CHUNK_SIZE);
  });

  it('sends nothing when a re-evaluation finds no change', async () => {
    const before = receiver.calls.length;
    const result = await syncAudience(ctx.store, audience, { delivery: fast });
    assert.equal(result.joined + result.left, 0);
    assert.equal(receiver.calls.length, before);
  });

  it('sends only the persons who joined or left since the last run, once each', async () => {
    // 10 pro persons become free, 7 free persons become pro.
    await ingest(
      ctx.store,
      PROJECT,
      identifies((i) => (i < 10 ? 'free' : i < 540 ? 'pro' : i < 547 ? 'pro' : 'free'), '2026-01-02T00:00:00Z'),
    );
    const acceptedBefore = receiver.accepted().length;
    const result = await syncAudience(ctx.store, audience, { delivery: fast });
    assert.equal(result.joined, 7);
    assert.equal(result.left, 10);
    assert.equal(result.size, 537);
    const fresh = receiver.accepted().slice(acceptedBefore);
    assert.deepEqual(personsOf(fresh, 'audience.joined').sort(), ['u0540', 'u0541', 'u0542', 'u0543', 'u0544', 'u0545', 'u0546']);
    assert.deepEqual(
      personsOf(fresh, 'audience.left').sort(),
      Array.from({ length: 10 }, (_, i) => `u000${i}`),
    );
    // Over all runs: every (person, change) arrived exactly once.
    const all = receiver.accepted().flatMap((b) => (b.persons as string[]).map((p) => `${b.type}:${p}`));
    assert.equal(all.length, 540 + 7 + 10);
    assert.equal(new Set(all).size, all.length);
    const history = await audienceHistory(ctx.store, audience);
    // A run without changes leaves no rows: the history shows the two runs that changed something.
    assert.deepEqual(
      history.runs.map((r) => [r.joined, r.left]),
      [
        [7, 10],
        [540, 0],
      ],
    );
    assert.equal(history.changes.length, 557);
  });

  it('dead-letters a delivery that keeps failing and never re-sends it', async () => {
    const broken = await startReceiver(
      () => 'x'.repeat(20),
      () => 503,
    );
    try {
      const stored = await getAudience(ctx.store, PROJECT, audience.id);
      const withBroken: SavedAudience = {
        ...stored,
        webhooks: [{ url: broken.url, secret: 'x'.repeat(20), events: ['left'], addedAt: '2000-01-01T00:00:00Z' }],
      };
      const first = await syncAudience(ctx.store, withBroken, { delivery: { baseDelayMs: 2, maxAttempts: 3 } });
      assert.deepEqual(first.deliveries, { delivered: 0, dead: 1 }, 'the one "left" chunk');
      assert.equal(broken.calls.length, 3);
      const dead = await deliveryLog(ctx.store, PROJECT, { source: `audience:${audience.id}`, deadOnly: true });
      assert.equal(dead.length, 1);
      assert.equal(dead[0]!.url, broken.url);
      assert.equal(dead[0]!.attempt, 3);
      await syncAudience(ctx.store, withBroken, { delivery: { baseDelayMs: 2, maxAttempts: 3 } });
      assert.equal(broken.calls.length, 3, 'a dead letter is not retried by later runs');
    } finally {
      await broken.close();
    }
  });

  it('pages members by person id without gaps or repeats, and exports CSV and Segment identify calls', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await audienceMembersPage(ctx.store, audience, { after, limit: 100 });
      seen.push(...page.members.map((m) => m.personId));
      after = page.next ?? undefined;
      pages++;
    } while (after);
    assert.equal(pages, 6);
    assert.equal(seen.length, 537);
    assert.equal(new Set(seen).size, 537);
    assert.deepEqual(seen, [...seen].sort());
    const csv = (await collect(audienceCsv(ctx.store, audience))).join('').trim().split('\n');
    assert.equal(csv[0], 'person_id,identified,joined_at');
    assert.equal(csv.length, 538);
    assert.match(csv[1]!, /^u0010,true,2\d{3}-/);
    const calls = await collect(audienceIdentifyCalls(ctx.store, audience, { includeLeft: true }));
    assert.equal(calls.length, 537 + 10);
    assert.deepEqual(calls[0]!.traits, { audience_pro_plan: true });
    assert.equal(calls[0]!.userId, 'u0010');
    assert.equal(calls.filter((c) => c.traits.audience_pro_plan === false).length, 10);
    assert.equal(new Set(calls.map((c) => c.messageId)).size, calls.length);
  });
});
