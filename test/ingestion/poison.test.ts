/**
 * Hostile input through the real HTTP API, on both stores: each hostile message sits in a batch
 * between good neighbours. The neighbours are stored, nothing gets a 5xx, the loader stays
 * healthy with no dead letters (the pipeline repaired or rejected everything before spooling).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.ts';
import { STORE_KINDS } from '../support/stores.ts';

const LONE = '\ud800';
/** Stands for deep JSON in a message; spliced in as text, since JSON.stringify itself overflows on it. */
const DEEP_OBJECT = '@@deep-object@@';
const DEEP_ARRAY = '@@deep-array@@';
const deepText: Record<string, string> = {
  [DEEP_OBJECT]: '{"a":'.repeat(5000) + '{}' + '}'.repeat(5000),
  [DEEP_ARRAY]: '['.repeat(5000) + ']'.repeat(5000),
};

interface Case {
  name: string;
  message: Record<string, unknown>;
  /** 'repaired': stored with U+FFFD; otherwise the status and field of its rejection. */
  expect: 'repaired' | { status: number; field: string };
  sentAt?: string;
}

const base = (id: string) => ({
  type: 'track',
  event: 'Hostile',
  userId: 'hostile-user',
  messageId: id,
  timestamp: '2026-03-01T10:00:00.000Z',
});

const CASES: Case[] = [
  { name: 'a lone surrogate in the event name', message: { ...base('h-event'), event: `x${LONE}` }, expect: 'repaired' },
  { name: 'a lone surrogate in the user id', message: { ...base('h-user'), userId: `u${LONE}` }, expect: 'repaired' },
  { name: 'a lone surrogate in the anonymous id', message: { ...base('h-anon'), anonymousId: `a${LONE}` }, expect: 'repaired' },
  { name: 'a lone surrogate in the message id', message: { ...base(`h-mid${LONE}`) }, expect: 'repaired' },
  {
    name: 'a lone surrogate in every campaign field',
    message: {
      ...base('h-campaign'),
      context: { campaign: { name: `c${LONE}`, source: `s${LONE}`, medium: `m${LONE}`, term: `t${LONE}`, content: `x${LONE}` } },
    },
    expect: 'repaired',
  },
  {
    name: 'a lone surrogate in the url, referrer and user agent',
    message: {
      ...base('h-page'),
      context: {
        page: { url: `https://shop.example/${LONE}?utm_source=a${LONE}`, referrer: `https://ref${LONE}.example/` },
        userAgent: `Mozilla${LONE}`,
      },
    },
    expect: 'repaired',
  },
  {
    name: 'a lone surrogate in currency, order id and a property key',
    message: {
      ...base('h-props'),
      event: 'Order Completed',
      properties: { currency: `u${LONE}`, order_id: `o${LONE}`, [`k${LONE}`]: [`v\udc00`], revenue: 5 },
    },
    expect: 'repaired',
  },
  {
    name: 'a lone surrogate in identify traits',
    message: {
      type: 'identify',
      messageId: 'h-traits',
      userId: 'hostile-user',
      traits: { email: `e${LONE}` },
      timestamp: '2026-03-01T10:00:00.000Z',
    },
    expect: 'repaired',
  },
  {
    name: 'a negative-year timestamp',
    message: { ...base('h-negyear'), timestamp: '-000050-01-01T00:00:00.000Z' },
    expect: { status: 400, field: 'timestamp' },
  },
  {
    name: 'a sentAt skew that works out to a year below 1',
    message: { ...base('h-skew'), timestamp: '1971-01-01T00:00:00.000Z', sentAt: '2199-12-31T00:00:00.000Z' },
    expect: { status: 400, field: 'sentAt' },
  },
  {
    name: 'an extreme timestamp/sentAt pair',
    message: { ...base('h-extreme'), timestamp: '+275760-09-13T00:00:00.000Z', sentAt: '-271821-04-20T00:00:00.000Z' },
    expect: { status: 400, field: 'timestamp' },
  },
  {
    name: 'an extreme batch sentAt (ignored: no skew correction)',
    message: { ...base('h-batch-sentat') },
    sentAt: '-271821-04-20T00:00:00.000Z',
    expect: 'repaired',
  },
  {
    name: '5,000-deep nesting in properties',
    message: { ...base('h-deep'), properties: DEEP_OBJECT as unknown },
    expect: { status: 400, field: 'properties' },
  },
  {
    name: '5,000-deep nesting of arrays in context',
    message: { ...base('h-deep-array'), context: { x: DEEP_ARRAY } },
    expect: { status: 400, field: 'context' },
  },
  {
    name: 'a 1 MB campaign name',
    message: { ...base('h-bigcampaign'), context: { campaign: { name: 'c'.repeat(1024 * 1024), source: 'google' } } },
    expect: { status: 413, field: 'message' },
  },
  {
    name: 'a 1 MB event name behind the url',
    message: { ...base('h-bigurl'), context: { page: { url: `https://shop.example/${'p'.repeat(200_000)}` } } },
    expect: { status: 413, field: 'message' },
  },
];

for (const kind of STORE_KINDS) {
  describe(`hostile messages between good neighbours [${kind}]`, () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer(kind);
    });
    after(async () => t.close());

    for (const [n, c] of CASES.entries()) {
      it(`keeps the neighbours of ${c.name}, with no 5xx`, async () => {
        const neighbours = [0, 1, 2].map((i) => ({
          type: 'page',
          anonymousId: `good-${kind}-${n}`,
          messageId: `good-${kind}-${n}-${i}`,
          context: { page: { url: 'https://shop.example/' } },
        }));
        const batch = [neighbours[0], c.message, neighbours[1], neighbours[2]];
        // Serialised by hand: JSON.stringify writes a lone surrogate as the escape \ud800, which is what clients send.
        let body = JSON.stringify({ batch, ...(c.sentAt ? { sentAt: c.sentAt } : {}) });
        for (const [marker, text] of Object.entries(deepText)) body = body.replace(JSON.stringify(marker), text);
        const response = await fetch(`${t.url}/v1/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${t.writeKey}:`).toString('base64')}` },
          body,
        });
        const answer = (await response.json()) as { accepted: number; rejected?: { index: number; field: string; status: number }[] };
        assert.ok(response.status < 500, `got ${response.status}`);
        if (c.expect === 'repaired') {
          assert.equal(response.status, 200);
          assert.equal(answer.accepted, 4);
        } else {
          assert.equal(response.status, c.expect.status);
          assert.equal(answer.accepted, 3);
          assert.deepEqual(
            answer.rejected!.map((r) => [r.index, r.field, r.status]),
            [[1, c.expect.field, c.expect.status]],
          );
        }
        await t.api('POST', '/api/v1/flush');
        const stored = await t.api('POST', '/api/v1/sql', {
          sql: `SELECT count(*) AS n FROM events WHERE anonymous_id = 'good-${kind}-${n}'`,
        });
        assert.equal(stored.body.rows[0].n, 3, 'all three neighbours stored');
        const health = await fetch(`${t.url}/health`);
        const h = (await health.json()) as { ok: boolean; loader: { state: string; deadLetters: number } };
        assert.equal(health.status, 200);
        assert.deepEqual([h.ok, h.loader.state, h.loader.deadLetters], [true, 'idle', 0]);
      });
    }

    it('stores repaired strings with U+FFFD in place of each lone surrogate', async () => {
      const r = await t.api('POST', '/api/v1/sql', { sql: "SELECT event FROM events WHERE message_id = 'h-event'" });
      assert.deepEqual(r.body.rows, [{ event: 'x\ufffd' }]);
      const c = await t.api('POST', '/api/v1/sql', { sql: "SELECT campaign, source FROM events WHERE message_id = 'h-campaign'" });
      assert.deepEqual(c.body.rows, [{ campaign: 'c\ufffd', source: 's\ufffd' }]);
      const [{ n }] = (
        await t.api('POST', '/api/v1/sql', { sql: "SELECT count(*) AS n FROM events WHERE event = 'Hostile' OR message_id LIKE 'h-%'" })
      ).body.rows;
      assert.equal(n, CASES.filter((x) => x.expect === 'repaired').length);
    });
  });
}
