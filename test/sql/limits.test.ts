/**
 * Bounded work: a runaway users' query ends with a 4xx naming its limit while /health and another
 * project's query still answer; too many at once get a 429; an analysis query past the store's
 * limits ends with a QueryLimitError. Timings are measured by `npm run bench`, not asserted here.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { ChdbStore } from '../../src/store/chdb-store.ts';
import { DuckDbStore } from '../../src/store/duckdb-store.ts';
import { migrate } from '../../src/store/migrate.ts';
import { QueryLimitError, type Store } from '../../src/store/store.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { describeEachStore, tempDir } from '../support/stores.ts';
import { seedTwoProjects, type SqlFixture } from './fixture.ts';

/**
 * Allowed by the checker, and far too big: a 7-way cross join of the project's 36 events (36^7 ≈ 8e10
 * rows). ClickHouse fails on five or more copies of one CTE in a join (a LOGICAL_ERROR of its
 * analyzer), so there the fifth factor is 10,000 rows made from a string (≈ 1.7e10 rows).
 */
export function runawaySql(kind: string): string {
  return kind === 'duckdb'
    ? 'SELECT count(*) AS n FROM events a, events b, events c, events d, events e, events f, events g'
    : "SELECT count() AS n FROM events a, events b, events c, events d, (SELECT arrayJoin(splitByChar(',', repeat('x,', 10000))) AS z) AS e";
}

describeEachStore("users' SQL is bounded", (ctx) => {
  let t: TestServer;
  let f: SqlFixture;
  const asB = async (sql: string) => {
    const r = await fetch(`${t.url}/api/v1/sql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.secretB}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sql }),
    });
    return { status: r.status, body: (await r.json()) as { rows: Array<{ n: number }> } };
  };

  before(async () => {
    t = await startTestServer(ctx.kind, ctx.store);
    f = await seedTwoProjects(ctx.store, t.project.id);
    // B was created behind the running server's back: make its key known now, not at the next reload.
    await t.server.ctx.projects.reload();
    t.server.ctx.config.sqlTimeoutMs = 1500;
  });
  after(async () => t?.close());

  it('ends a runaway query with a 422 naming the time limit while /health and another project answer', async () => {
    const runaway = t.api('POST', '/api/v1/sql', { sql: runawaySql(ctx.kind) });
    await new Promise((r) => setTimeout(r, 200));
    const health = await fetch(`${t.url}/health`);
    assert.equal(health.status, 200, await health.clone().text());
    const other = await asB('SELECT count(*) AS n FROM events');
    assert.equal(other.status, 200, JSON.stringify(other.body));
    assert.equal(Number(other.body.rows[0]!.n), 15);
    const r = await runaway;
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.match(r.body.error, /time limit of 1\.5 s \(WAYMARK_SQL_TIMEOUT_MS\)/);
    // The engine stopped it: the next query runs at once on the same connections.
    assert.equal((await t.api('POST', '/api/v1/sql', { sql: 'SELECT count(*) AS n FROM events' })).status, 200);
  });

  it("answers 429 naming WAYMARK_SQL_MAX_CONCURRENT when more users' queries arrive than may run", async () => {
    t.server.ctx.config.sqlMaxConcurrent = 1;
    try {
      const runaway = t.api('POST', '/api/v1/sql', { sql: runawaySql(ctx.kind) });
      await new Promise((r) => setTimeout(r, 200));
      const busy = await asB('SELECT 1 AS n');
      assert.equal(busy.status, 429, JSON.stringify(busy.body));
      assert.match(JSON.stringify(busy.body), /WAYMARK_SQL_MAX_CONCURRENT/);
      assert.equal((await runaway).status, 422);
    } finally {
      t.server.ctx.config.sqlMaxConcurrent = 2;
    }
  });

  it("stops an analysis query at the store's time limit with a QueryLimitError", async () => {
    const limits = { timeoutMs: 800, maxMemoryBytes: 2 * 1024 ** 3 };
    let store: Store;
    if (ctx.kind === 'duckdb') store = await DuckDbStore.open(join(tempDir(), 'limits.duckdb'), limits);
    else store = await ChdbStore.open(ChdbStore.folder!, `limits${process.pid}`, limits);
    try {
      await migrate(store);
      const heavy =
        ctx.kind === 'duckdb' ? 'SELECT count(*) AS n FROM range(100000000000) a' : 'SELECT count() AS n FROM numbers(100000000000)';
      await assert.rejects(
        store.query(heavy),
        (e: unknown) => e instanceof QueryLimitError && e.limit === 'time' && /WAYMARK_QUERY_TIMEOUT_MS/.test(e.message),
      );
      assert.deepEqual(await store.query('SELECT 1 AS one'), [{ one: 1 }]);
    } finally {
      await store.close();
    }
  });
});
