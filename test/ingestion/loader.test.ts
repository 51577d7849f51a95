import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { loadEventFile } from '../../src/ingestion/loader.ts';
import { processMessages } from '../../src/ingestion/pipeline.ts';
import { ALL_STORE_KINDS, describeEachStore, tempDir } from '../support/stores.ts';

const received = new Date('2026-03-01T12:00:00.000Z');

function writeRows(messages: object[]): string {
  const { rows, rejected } = processMessages('p1', messages, 'batch', undefined, received, 32768);
  assert.deepEqual(rejected, []);
  const file = join(tempDir(), 'segment.ndjson');
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

const at = (min: number) => new Date(Date.parse('2026-03-01T08:00:00.000Z') + min * 60000).toISOString();
const page = (id: string, anon: string, min: number, url = 'https://shop.example/') => ({
  type: 'page',
  messageId: id,
  anonymousId: anon,
  timestamp: at(min),
  context: { page: { url } },
});

describeEachStore(
  'loading spooled events',
  (ctx) => {
    it('splits sessions after 30 idle minutes and on a new campaign, and continues them across loads', async () => {
      await loadEventFile(
        ctx.store,
        writeRows([
          page('a1', 'A', 0),
          page('a2', 'A', 10),
          page('a3', 'A', 45), // 35 min idle → new session
          page('a4', 'A', 50, 'https://shop.example/?utm_source=news&utm_medium=email&utm_campaign=spring'), // new campaign → new session
          page('a5', 'A', 52),
          page('b1', 'B', 5),
        ]),
      );
      await loadEventFile(ctx.store, writeRows([page('a6', 'A', 70), page('a7', 'A', 200)]));
      const rows = await ctx.store.query<{ message_id: string; session_id: string }>(
        "SELECT message_id, session_id FROM events WHERE project_id = 'p1' ORDER BY message_id",
      );
      const s = Object.fromEntries(rows.map((r) => [r.message_id, r.session_id]));
      assert.equal(rows.length, 8);
      assert.equal(s.a1, s.a2);
      assert.notEqual(s.a2, s.a3);
      assert.notEqual(s.a3, s.a4);
      assert.equal(s.a4, s.a5);
      assert.equal(s.a5, s.a6, 'the second load continues the open session');
      assert.notEqual(s.a6, s.a7);
      assert.equal(s.a1, `A:${Date.parse(at(0))}`);
      const [{ sessions }] = await ctx.store.query<{ sessions: number }>(
        "SELECT count(DISTINCT session_id) AS sessions FROM events WHERE project_id = 'p1'",
      );
      assert.equal(sessions, 5);
    });

    it('stores a replayed segment and repeated message ids once', async () => {
      const file = writeRows([
        { type: 'track', event: 'Order Completed', messageId: 'o1', userId: 'u1', timestamp: at(1), properties: { revenue: 10 } },
        { type: 'track', event: 'Order Completed', messageId: 'o1', userId: 'u1', timestamp: at(1), properties: { revenue: 10 } },
      ]);
      await loadEventFile(ctx.store, file);
      await loadEventFile(ctx.store, file);
      const [row] = await ctx.store.query<{ n: number; revenue: number }>(
        "SELECT count(*) AS n, sum(revenue) AS revenue FROM events WHERE message_id = 'o1'",
      );
      assert.deepEqual(row, { n: 1, revenue: 10 });
    });

    it('gives a person the events they sent before identifying, and follows aliases', async () => {
      await loadEventFile(
        ctx.store,
        writeRows([
          page('c1', 'anon-C', 0),
          { type: 'track', event: 'Product Viewed', messageId: 'c2', anonymousId: 'anon-C', timestamp: at(1) },
          {
            type: 'identify',
            messageId: 'c3',
            anonymousId: 'anon-C',
            userId: 'user-C',
            timestamp: at(2),
            traits: { email: 'c@example.com' },
          },
          {
            type: 'track',
            event: 'Order Completed',
            messageId: 'c4',
            userId: 'user-C',
            timestamp: at(3),
            properties: { products: [{ price: 5, quantity: 3 }] },
          },
          { type: 'alias', messageId: 'c5', previousId: 'user-C', userId: 'user-C2', timestamp: at(4) },
        ]),
      );
      const rows = await ctx.store.query<{ person_id: string; n: number; revenue: number }>(
        "SELECT person_id, count(*) AS n, sum(revenue) AS revenue FROM events WHERE message_id LIKE 'c%' GROUP BY person_id",
      );
      assert.deepEqual(rows, [{ person_id: 'user-C2', n: 5, revenue: 15 }]);
      const traits = await ctx.store.query<{ person_id: string; traits: string }>(
        "SELECT person_id, traits FROM persons WHERE user_id = 'user-C'",
      );
      assert.equal(traits[0]?.person_id, 'user-C2');
      assert.equal(JSON.parse(traits[0]!.traits).email, 'c@example.com');
    });
  },
  ALL_STORE_KINDS,
);
