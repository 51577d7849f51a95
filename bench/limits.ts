/**
 * Bounded work, on a real server over loopback: how long `/health` and another project's small
 * queries take while a runaway query runs, against the same requests on an idle server.
 *   - users' SQL runaway: a cross join far too big, through POST /api/v1/sql (stopped by the
 *     users' time limit);
 *   - analysis runaway: `SELECT count() FROM numbers(1e11)` (DuckDB: range) through the store's
 *     read path, once without and once with a bound parameter (chdb's binding runs parameterised
 *     queries one at a time, process-wide).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.ts';
import { startServer } from '../src/api/server.ts';
import { loadEventFile } from '../src/ingestion/loader.ts';
import { processMessages } from '../src/ingestion/pipeline.ts';
import { createProject } from '../src/projects/projects.ts';
import { QueryBuilder } from '../src/store/dialect/dialect.ts';
import { ChdbStore } from '../src/store/chdb-store.ts';
import { DuckDbStore } from '../src/store/duckdb-store.ts';
import { migrate } from '../src/store/migrate.ts';
import type { BenchContext, Figure } from './support.ts';

const RUNAWAY_SECONDS = 6;

async function seed(ctx: BenchContext, store: Parameters<typeof createProject>[0], projectId: string): Promise<void> {
  const messages = Array.from({ length: 40 }, (_, i) => ({
    type: 'track',
    event: 'E',
    messageId: `m${i}`,
    anonymousId: `a${i}`,
    timestamp: new Date(Date.UTC(2026, 0, 1, i)).toISOString(),
  }));
  const { rows } = processMessages(projectId, messages, 'batch', undefined, new Date(Date.UTC(2026, 0, 3)), 64 * 1024);
  const file = join(ctx.tempDir(), 'seed.ndjson');
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  await loadEventFile(store, file);
}

function stats(ms: number[]): { p50: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length / 2)] ?? NaN, max: s[s.length - 1] ?? NaN };
}

export async function benchLimits(ctx: BenchContext, kind: 'duckdb' | 'chdb'): Promise<Figure[]> {
  if (ctx.stores && !ctx.stores.includes(kind)) return [];
  // A store whose analysis limit is the runaway's length, so the engine itself stops the runaways.
  const limits = { timeoutMs: RUNAWAY_SECONDS * 1000, maxMemoryBytes: 4 * 1024 ** 3 };
  const store =
    kind === 'duckdb'
      ? await DuckDbStore.open(join(ctx.tempDir(), 'limits.duckdb'), limits)
      : await ChdbStore.open(ChdbStore.folder ?? ctx.tempDir(), `limits${process.pid}`, limits);
  await migrate(store);
  const a = await createProject(store, 'A');
  const b = await createProject(store, 'B');
  await seed(ctx, store, a.project.id);
  await seed(ctx, store, b.project.id);
  const config = loadConfig({ dataDir: ctx.tempDir(), port: 0, logLevel: 'silent', sqlTimeoutMs: RUNAWAY_SECONDS * 1000 }, {});
  const server = await startServer(config, { store });
  await server.ctx.projects.reload();
  const post = (key: string, sql: string) =>
    fetch(`${server.url}/api/v1/sql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sql }),
    });

  /** Times /health and B's small users' query and a small parameterised analysis-style read, every 200 ms until `until` settles. */
  async function probe(until: Promise<unknown>): Promise<{ health: number[]; other: number[]; param: number[] }> {
    let done = false;
    void until.finally(() => (done = true));
    const out = { health: [] as number[], other: [] as number[], param: [] as number[] };
    const q = new QueryBuilder(store.dialect);
    const small = q.build(`SELECT count(*) AS n FROM events WHERE project_id = ${q.str(b.project.id)}`);
    do {
      let t0 = performance.now();
      await (await fetch(`${server.url}/health`)).text();
      out.health.push(performance.now() - t0);
      t0 = performance.now();
      await (await post(b.secretKey, 'SELECT count(*) AS n FROM events')).text();
      out.other.push(performance.now() - t0);
      t0 = performance.now();
      await store.query(small);
      out.param.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 200));
    } while (!done);
    await until;
    return out;
  }

  const figures: Figure[] = [];
  const report = (
    label: string,
    r: { health: number[]; other: number[]; param: number[] },
    idle?: { health: number[]; other: number[]; param: number[] },
  ) => {
    for (const k of ['health', 'other', 'param'] as const) {
      const s = stats(r[k]);
      const base = idle ? stats(idle[k]).p50 : undefined;
      const what = { health: '/health', other: "other project's SQL", param: 'parameterised read' }[k];
      figures.push({
        name: `${kind} ${label}: ${what} max`,
        value: s.max,
        unit: 'ms',
        ...(base ? { ratio: s.max / base, ratioOf: 'idle p50' } : {}),
        target: '< 2000 ms',
      });
    }
  };

  const idle = await probe(new Promise((r) => setTimeout(r, 1500)));
  report('idle', idle);

  const runawaySql =
    kind === 'duckdb'
      ? 'SELECT count(*) AS n FROM events a, events b, events c, events d, events e, events f, events g, events h'
      : "SELECT count() AS n FROM events a, events b, events c, events d, (SELECT arrayJoin(splitByChar(',', repeat('x,', 100000))) AS z) AS e";
  const t0 = performance.now();
  const users = post(a.secretKey, runawaySql).then(async (r) => ({ status: r.status, body: await r.text() }));
  const duringUsers = await probe(users);
  const usersEnd = await users;
  figures.push({
    name: `${kind} users' runaway ended (${usersEnd.status})`,
    value: performance.now() - t0,
    unit: 'ms',
    target: `${RUNAWAY_SECONDS * 1000} ms limit`,
  });
  report("during users' runaway", duringUsers, idle);

  const heavy = kind === 'duckdb' ? 'SELECT count(*) AS n FROM range(100000000000)' : 'SELECT count() AS n FROM numbers(100000000000)';
  const bounded = (params: boolean) => {
    const q = new QueryBuilder(store.dialect);
    const p = params ? ` WHERE ${q.str('x')} <> ${q.str(a.project.id)}` : '';
    return store.query(q.build(`SELECT * FROM (${heavy}) AS runaway${p}`)).catch((e: Error) => e.message);
  };
  report('during analysis runaway', await probe(bounded(false)), idle);
  report('during parameterised analysis runaway', await probe(bounded(true)), idle);

  await server.close();
  await store.close();
  return figures;
}
