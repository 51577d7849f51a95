import assert from 'node:assert/strict';
import { it } from 'node:test';
import { QueryBuilder } from '../../src/store/dialect/dialect.ts';
import { listDocuments, putDocument, deleteDocument, getDocument } from '../../src/store/documents.ts';
import { IDENTITY_LINKS } from '../../src/store/schema.ts';
import { ALL_STORE_KINDS, describeEachStore } from '../support/stores.ts';

describeEachStore(
  'store',
  (ctx) => {
    it('binds typed parameters and returns plain values with ISO timestamps', async () => {
      const q = new QueryBuilder(ctx.store.dialect);
      const rows = await ctx.store.query(
        q.build(
          `SELECT ${q.str("it's")} AS s, ${q.num(21)} * 2 AS n, ${q.time('2026-01-02T03:04:05.678Z')} AS t, ${ctx.store.dialect.inArray(q.str('b'), q.list(['a', 'b']))} AS has_b`,
        ),
      );
      assert.deepEqual(rows, [{ s: "it's", n: 42, t: '2026-01-02T03:04:05.678Z', has_b: rows[0]!.has_b }]);
      assert.equal(Boolean(rows[0]!.has_b), true);
    });

    it('truncates dates to Monday weeks, days and months in UTC', async () => {
      const d = ctx.store.dialect;
      const q = new QueryBuilder(d);
      const t = q.time('2026-11-22T10:30:00.000Z'); // a Sunday
      const [row] = await ctx.store.query(
        q.build(
          `SELECT ${d.formatDate(d.dateTrunc('week', t))} AS w, ${d.formatDate(d.dateTrunc('month', t))} AS m, ${d.secondsBetween(d.dateTrunc('day', t), t)} AS s`,
        ),
      );
      assert.deepEqual(row, { w: '2026-11-16', m: '2026-11-01', s: 37800 });
    });

    it('keeps the newest version of a document and hides deleted ones', async () => {
      await putDocument(ctx.store, 'thing', 'p1', 'a', { v: 1 });
      await putDocument(ctx.store, 'thing', 'p1', 'a', { v: 2 });
      await putDocument(ctx.store, 'thing', 'p1', 'b', { v: 3 });
      await deleteDocument(ctx.store, 'thing', 'p1', 'b');
      assert.deepEqual(await listDocuments(ctx.store, 'thing', 'p1'), [{ id: 'a', projectId: 'p1', body: { v: 2 } }]);
      assert.equal(await getDocument(ctx.store, 'thing', 'p1', 'b'), undefined);
    });

    it('resolves identities through identify and alias into one person', async () => {
      await ctx.store.insert('identity_links', IDENTITY_LINKS.columns, [
        { project_id: 'p', from_id: 'anon-1', user_id: 'u1', linked_at: '2026-01-01T00:00:00.000Z', message_id: 'm1' },
        { project_id: 'p', from_id: 'anon-1', user_id: 'u9', linked_at: '2026-01-02T00:00:00.000Z', message_id: 'm2' },
        { project_id: 'p', from_id: 'u1', user_id: 'u2', linked_at: '2026-01-03T00:00:00.000Z', message_id: 'm3' },
      ]);
      const rows = await ctx.store.query("SELECT id, person_id FROM person_map WHERE project_id = 'p' ORDER BY id");
      assert.deepEqual(rows, [
        { id: 'anon-1', person_id: 'u2' },
        { id: 'u1', person_id: 'u2' },
      ]);
    });
  },
  ALL_STORE_KINDS,
);
