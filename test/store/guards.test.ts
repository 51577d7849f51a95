/**
 * Store-level guards on every store: typed parameters reach the engine exactly (chdb writes them
 * as escaped literals so its reads need not queue), reads stop at their memory limit with a
 * QueryLimitError, and users' queries run on connections that cannot write.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { ChdbStore } from '../../src/store/chdb-store.ts';
import { QueryBuilder } from '../../src/store/dialect/dialect.ts';
import { DuckDbStore } from '../../src/store/duckdb-store.ts';
import { QueryLimitError, type Store } from '../../src/store/store.ts';
import { describeEachStore, tempDir } from '../support/stores.ts';

const HOSTILE = ["it's", 'a\\b', "\\'", 'line\nbreak\ttab\r', '{p1:String}', "'; DROP TABLE documents; --", '🙂 ünïcödé', '', "\\\\'"];

describeEachStore('store guards', (ctx) => {
  it('returns every string, integer, float and string-array parameter exactly as bound', async () => {
    for (const v of HOSTILE) {
      const q = new QueryBuilder(ctx.store.dialect);
      const rows = await ctx.store.query(
        q.build(`SELECT ${q.str(v)} AS v, ${q.param(-9007199254740991, 'Int64')} AS i, ${q.param(-1.5e-7, 'Float64')} AS f`),
      );
      assert.deepEqual(rows, [{ v, i: -9007199254740991, f: -1.5e-7 }]);
    }
    const q = new QueryBuilder(ctx.store.dialect);
    const rows = await ctx.store.query<{ n: number; found: unknown }>(
      q.build(
        `SELECT ${ctx.store.dialect.arrayLength(q.param(HOSTILE, 'Array(String)'))} AS n, ${ctx.store.dialect.inArray(q.str("it's"), q.param(HOSTILE, 'Array(String)'))} AS found`,
      ),
    );
    assert.equal(Number(rows[0]!.n), HOSTILE.length);
    assert.ok(Number(rows[0]!.found));
  });

  it("refuses writes and second statements on the users' connection", async () => {
    await assert.rejects(
      ctx.store.queryUntrusted(
        { sql: 'SELECT 1; CREATE TABLE evil (a INTEGER)', params: {} },
        { timeoutMs: 5000, maxMemoryBytes: 1024 ** 3, maxResultRows: 1000 },
      ),
    );
    const limits = { timeoutMs: 5000, maxMemoryBytes: 1024 ** 3, maxResultRows: 1000 };
    await assert.rejects(ctx.store.queryUntrusted({ sql: 'CREATE TABLE evil (a INTEGER)', params: {} }, limits));
    const tables =
      ctx.kind === 'duckdb'
        ? "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'evil'"
        : "SELECT count() AS n FROM system.tables WHERE name = 'evil' AND database = currentDatabase()";
    assert.equal(Number((await ctx.store.query<{ n: number }>(tables))[0]!.n), 0);
  });

  it('stops a read at its memory limit with a QueryLimitError naming the setting', async () => {
    const limits = { timeoutMs: 60_000, maxMemoryBytes: 64 * 1024 ** 2 };
    let store: Store;
    if (ctx.kind === 'duckdb') store = await DuckDbStore.open(join(tempDir(), 'memory.duckdb'), limits);
    else store = await ChdbStore.open(ChdbStore.folder!, `memory${process.pid}`, limits);
    try {
      const heavy =
        ctx.kind === 'duckdb'
          ? 'SELECT list(repeat(CAST(i AS VARCHAR), 100)) AS l FROM range(5000000) t(i)'
          : 'SELECT groupArray(repeat(toString(number), 100)) AS l FROM numbers(5000000)';
      await assert.rejects(
        store.query(heavy),
        (e: unknown) => e instanceof QueryLimitError && e.limit === 'memory' && /WAYMARK_QUERY_MAX_MEMORY_BYTES/.test(e.message),
      );
    } finally {
      await store.close();
    }
  });
});
