import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { DEFAULT_DEMO, generateDemo } from '../../src/demo/generator.ts';
import { loadDemoEvents } from '../../src/import/load-demo.ts';
import { importMessages } from '../../src/import/segment-messages.ts';
import { QueryBuilder } from '../../src/store/dialect/dialect.ts';
import { EVENT_COLUMNS } from '../../src/store/schema.ts';
import type { Store } from '../../src/store/store.ts';
import { describeEachStore, tempDir } from '../support/stores.ts';

const options = { ...DEFAULT_DEMO, customers: 500 };
// Everything a row holds except when this import received it.
const COLUMNS = [...EVENT_COLUMNS.map((c) => c.name).filter((c) => c !== 'received_at' && c !== 'project_id'), 'session_id'];

async function rowsOf(store: Store, projectId: string): Promise<string[]> {
  const q = new QueryBuilder(store.dialect);
  const rows = await store.query(
    q.build(`SELECT ${COLUMNS.join(', ')} FROM events_raw WHERE project_id = ${q.str(projectId)} ORDER BY message_id`),
  );
  return rows.map((r) => JSON.stringify(r));
}

async function countRows(store: Store, table: string, projectId: string): Promise<number> {
  const q = new QueryBuilder(store.dialect);
  return Number((await store.query(q.build(`SELECT count(*) AS n FROM ${table} WHERE project_id = ${q.str(projectId)}`)))[0]!.n);
}

describeEachStore('the demo bulk load', (ctx) => {
  it('stores exactly the rows, sessions, identity links, traits and ground truth that importing the same messages chunk by chunk gives', async () => {
    // Small chunks and files, so both paths cross several chunk boundaries with sessions open across them.
    await importMessages(ctx.store, 'chunked', generateDemo(options).messages(), { workDir: join(tempDir(), 'a'), chunkRows: 6_000 });
    // Two generator threads: their slices' rows and counts must add up to one pass.
    const result = await loadDemoEvents(ctx.store, 'bulk', options, { workDir: join(tempDir(), 'b'), fileRows: 5_000, threads: 2 });
    assert.deepEqual(result.truth.groundTruth(), generateDemo(options).groundTruth());
    assert.deepEqual([...result.truth.spendRows()], [...generateDemo(options).spendRows()]);
    const chunked = await rowsOf(ctx.store, 'chunked');
    const bulk = await rowsOf(ctx.store, 'bulk');
    assert.equal(result.accepted, chunked.length);
    assert.equal(result.rejected, 0);
    assert.ok(chunked.length > 15_000, `${chunked.length} rows`);
    assert.equal(bulk.length, chunked.length);
    const differing = bulk.filter((row, k) => row !== chunked[k]);
    assert.deepEqual(differing.slice(0, 3), []);
    for (const table of ['identity_links', 'person_traits'])
      assert.equal(await countRows(ctx.store, table, 'bulk'), await countRows(ctx.store, table, 'chunked'), table);
    const staged = await ctx.store.query('SELECT count(*) AS n FROM events_staging');
    assert.equal(Number(staged[0]!.n), 0);
  });

  it('loads nothing twice when run again for the same project (the merge skips stored message ids)', async () => {
    const before = (await rowsOf(ctx.store, 'bulk')).length;
    await loadDemoEvents(ctx.store, 'bulk', options, { workDir: join(tempDir(), 'c'), threads: 1 });
    assert.equal((await rowsOf(ctx.store, 'bulk')).length, before);
  });
});
