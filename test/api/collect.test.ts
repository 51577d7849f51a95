import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { Analytics } from '@segment/analytics-node';
import { startTestServer, type TestServer } from '../support/server.ts';
import { ALL_STORE_KINDS } from '../support/stores.ts';

function basic(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

async function post(t: TestServer, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(t.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basic(t.writeKey), ...headers },
    body: typeof body === 'string' ? body : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

async function countEvents(t: TestServer, where = '1 = 1'): Promise<number> {
  await t.api('POST', '/api/v1/flush');
  const r = await t.api('POST', '/api/v1/sql', { sql: `SELECT count(*) AS n FROM events WHERE ${where}` });
  return r.body.rows[0].n;
}

for (const kind of ALL_STORE_KINDS) {
  describe(`collection API [${kind}]`, () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer(kind);
    });
    after(async () => t.close());

    it('stores what @segment/analytics-node sends over loopback, once, with persons resolved', async () => {
      const analytics = new Analytics({ writeKey: t.writeKey, host: t.url, path: '/v1/batch', flushAt: 5, maxRetries: 3 });
      analytics.page({
        anonymousId: 'node-anon',
        name: 'Home',
        properties: { url: 'https://shop.example.com/?utm_source=newsletter&utm_medium=email' },
      });
      analytics.track({ anonymousId: 'node-anon', event: 'Product Viewed', properties: { product_id: 'p1' } });
      analytics.identify({ anonymousId: 'node-anon', userId: 'node-user', traits: { email: 'n@example.com' } });
      analytics.track({ userId: 'node-user', event: 'Order Completed', properties: { order_id: 'o1', revenue: 42.5 } });
      analytics.alias({ previousId: 'node-user', userId: 'node-user-2' });
      for (let i = 0; i < 20; i++) analytics.track({ userId: 'node-user-2', event: 'Bulk', properties: { i } });
      await analytics.closeAndFlush({ timeout: 10_000 });
      assert.equal(await countEvents(t, "person_id = 'node-user-2'"), 25);
      await t.api('POST', '/api/v1/flush');
      const r = await t.api('POST', '/api/v1/sql', {
        sql: "SELECT event, channel, revenue FROM events WHERE person_id = 'node-user-2' AND event IN ('Page Viewed', 'Order Completed') ORDER BY event",
      });
      assert.deepEqual(r.body.rows, [
        { event: 'Order Completed', channel: '', revenue: 42.5 },
        { event: 'Page Viewed', channel: 'Email', revenue: null },
      ]);
    });

    it('accepts analytics.js requests: text/plain, write key in the body, short paths, settings', async () => {
      const fixture = readFileSync(new URL('../fixtures/analytics-js-track.json', import.meta.url), 'utf8').replace(
        '__WRITE_KEY__',
        t.writeKey,
      );
      const response = await fetch(`${t.url}/v1/t`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: fixture });
      assert.equal(response.status, 200);
      const settings = await fetch(`${t.url}/v1/projects/${t.writeKey}/settings`);
      assert.equal(settings.status, 200);
      assert.equal(((await settings.json()) as any).integrations['Segment.io'].apiKey, t.writeKey);
      await t.api('POST', '/api/v1/flush');
      const r = await t.api('POST', '/api/v1/sql', {
        sql: "SELECT channel, source, medium, campaign, term, path, browser FROM events WHERE anonymous_id = '7d9f5a54-3c2b-4e1a-9f8e-2b1c0d9e8f7a'",
      });
      assert.deepEqual(r.body.rows, [
        {
          channel: 'Paid Search',
          source: 'google',
          medium: 'cpc',
          campaign: 'spring-lamps',
          term: 'driftwood lamp',
          path: '/product/42',
          browser: 'Safari',
        },
      ]);
    });

    it('accepts a RudderStack batch on /beacon/v1/batch and links its identify', async () => {
      const fixture = JSON.parse(readFileSync(new URL('../fixtures/rudderstack-batch.json', import.meta.url), 'utf8'));
      const response = await fetch(`${t.url}/beacon/v1/batch?writeKey=${t.writeKey}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify(fixture),
      });
      assert.equal(response.status, 200);
      await t.api('POST', '/api/v1/flush');
      const r = await t.api('POST', '/api/v1/sql', {
        sql: "SELECT event, person_id, revenue, currency FROM events WHERE anonymous_id = 'rs-anon-1' ORDER BY event",
      });
      assert.deepEqual(r.body.rows, [
        { event: 'Checkout Started', person_id: 'rs-user-1', revenue: 120, currency: 'EUR' },
        { event: 'Identify', person_id: 'rs-user-1', revenue: null, currency: '' },
      ]);
    });

    it('accepts gzip-encoded bodies', async () => {
      const body = gzipSync(JSON.stringify({ batch: [{ type: 'track', event: 'Zipped', userId: 'gz', messageId: 'gz-1' }] }));
      const r = await post(t, '/v1/batch', body, { 'content-encoding': 'gzip' });
      assert.equal(r.status, 200);
      assert.equal(await countEvents(t, "event = 'Zipped'"), 1);
    });

    it('stores a retried batch once', async () => {
      const batch = { batch: [1, 2, 3].map((i) => ({ type: 'track', event: 'Retried', userId: 'r', messageId: `retry-${i}` })) };
      assert.equal((await post(t, '/v1/batch', batch)).status, 200);
      assert.equal((await post(t, '/v1/batch', batch)).status, 200);
      assert.equal(await countEvents(t, "event = 'Retried'"), 3);
    });

    it('rejects a bad message with its index and field and keeps the rest of the batch', async () => {
      const r = await post(t, '/v1/batch', {
        batch: [
          { type: 'track', event: 'Kept A', userId: 'k', messageId: 'keep-1' },
          { type: 'track', userId: 'k', messageId: 'bad-1' },
          { type: 'track', event: 'No id' },
          { type: 'teleport', userId: 'k' },
          { type: 'track', event: 'Kept B', userId: 'k', messageId: 'keep-2', timestamp: 'yesterday' },
          { type: 'track', event: 'Kept C', userId: 'k', messageId: 'keep-3', properties: [] },
          { type: 'track', event: 'Kept D', userId: 'k', messageId: 'keep-4' },
        ],
      });
      assert.equal(r.status, 400);
      assert.equal(r.body.accepted, 2);
      assert.deepEqual(
        r.body.rejected.map((x: any) => [x.index, x.field]),
        [
          [1, 'event'],
          [2, 'anonymousId'],
          [3, 'type'],
          [4, 'timestamp'],
          [5, 'properties'],
        ],
      );
      assert.match(r.body.error, /message 1: event/);
      assert.equal(await countEvents(t, "event IN ('Kept A', 'Kept D')"), 2);
    });

    it('answers 413 for an oversized message (keeping the rest) and for an oversized request', async () => {
      const big = 'x'.repeat(40 * 1024);
      const r = await post(t, '/v1/batch', {
        batch: [
          { type: 'track', event: 'Big', userId: 'b', properties: { big } },
          { type: 'track', event: 'Small', userId: 'b', messageId: 'small-1' },
        ],
      });
      assert.equal(r.status, 413);
      assert.equal(r.body.rejected[0].field, 'message');
      assert.equal(await countEvents(t, "event = 'Small'"), 1);
      const huge = {
        batch: Array.from({ length: 200 }, (_, i) => ({
          type: 'track',
          event: 'Huge',
          userId: 'h',
          properties: { pad: 'y'.repeat(30 * 1024) },
          messageId: `h${i}`,
        })),
      };
      const r2 = await post(t, '/v1/batch', huge);
      assert.equal(r2.status, 413);
      assert.equal(await countEvents(t, "event = 'Huge'"), 0);
    });

    it('answers 400 for bad JSON, 401 for a missing or unknown write key, and never 5xx', async () => {
      assert.equal((await post(t, '/v1/batch', '{"batch": [')).status, 400);
      const noKey = await fetch(`${t.url}/v1/track`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ event: 'x', userId: 'u' }),
      });
      assert.equal(noKey.status, 401);
      const badKey = await post(t, '/v1/track', { event: 'x', userId: 'u' }, { authorization: basic('wk_nope') });
      assert.equal(badKey.status, 401);
      assert.equal((await post(t, '/v1/batch', { batch: 'nope' })).status, 400);
      assert.equal((await post(t, '/v1/batch', [1, 2])).status, 400);
    });

    it('corrects client clock skew from sentAt and clamps future timestamps', async () => {
      const now = Date.now();
      const skewedClient = now + 3 * 3600_000; // device clock three hours fast
      await post(t, '/v1/batch', {
        sentAt: new Date(skewedClient).toISOString(),
        batch: [
          { type: 'track', event: 'Skewed', userId: 's', messageId: 'skew-1', timestamp: new Date(skewedClient - 60_000).toISOString() },
          {
            type: 'track',
            event: 'Future',
            userId: 's',
            messageId: 'skew-2',
            timestamp: new Date(now + 86400_000).toISOString(),
            sentAt: new Date(now + 86400_000).toISOString(),
          },
        ],
      });
      await t.api('POST', '/api/v1/flush');
      const r = await t.api('POST', '/api/v1/sql', {
        sql: "SELECT event, timestamp, received_at FROM events WHERE user_id = 's' ORDER BY event",
      });
      const future = r.body.rows[0];
      const skewed = r.body.rows[1];
      const lag = (Date.parse(skewed.received_at) - Date.parse(skewed.timestamp)) / 1000;
      assert.ok(lag > 59 && lag < 61, `skew-corrected event should be ~60 s before receipt, was ${lag}`);
      assert.ok(Date.parse(future.timestamp) <= Date.parse(future.received_at) + 1);
    });

    it('answers 429 with Retry-After when ingestion is behind', async () => {
      const saved = t.server.ctx.config.maxBacklogBytes;
      const savedBacklog = t.server.ctx.spool.backlogBytes;
      t.server.ctx.loader.stop();
      t.server.ctx.config.maxBacklogBytes = 1;
      t.server.ctx.spool.backlogBytes = 10;
      try {
        const r = await post(t, '/v1/track', { event: 'Busy', userId: 'b' });
        assert.equal(r.status, 429);
        assert.equal(r.headers.get('retry-after'), '5');
      } finally {
        t.server.ctx.config.maxBacklogBytes = saved;
        t.server.ctx.spool.backlogBytes = savedBacklog;
        t.server.ctx.loader.start(200);
      }
    });

    it('answers 503 when the store is down and the spool is full', async () => {
      const saved = t.server.ctx.config.maxBacklogBytes;
      const savedBacklog = t.server.ctx.spool.backlogBytes;
      t.server.ctx.config.maxBacklogBytes = 1;
      t.server.ctx.spool.backlogBytes = 10;
      // Stop the loader so a successful background load cannot clear the failure mid-test.
      t.server.ctx.loader.stop();
      t.server.ctx.loader.lastError = new Error('connection refused');
      try {
        const r = await post(t, '/v1/track', { event: 'Down', userId: 'd' });
        assert.equal(r.status, 503);
        assert.ok(r.headers.get('retry-after'));
      } finally {
        t.server.ctx.config.maxBacklogBytes = saved;
        t.server.ctx.spool.backlogBytes = savedBacklog;
        t.server.ctx.loader.lastError = undefined;
        t.server.ctx.loader.start(200);
      }
    });

    it('allows browsers from other origins (CORS)', async () => {
      const r = await fetch(`${t.url}/v1/batch`, {
        method: 'OPTIONS',
        headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST' },
      });
      assert.equal(r.status, 204);
      assert.equal(r.headers.get('access-control-allow-origin'), 'https://shop.example.com');
    });
  });
}
