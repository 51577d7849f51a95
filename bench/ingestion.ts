/**
 * Ingestion throughput: HTTP collection (batches of 100 from a separate load process, durable
 * acknowledgements) against the raw bulk-append rate of the same rows into the same store,
 * measured in the same run.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.ts';
import { startServer } from '../src/api/server.ts';
import { processMessages } from '../src/ingestion/pipeline.ts';
import { createProject } from '../src/projects/projects.ts';
import { EVENTS_RAW } from '../src/store/schema.ts';
import type { Store } from '../src/store/store.ts';
import { message } from './messages.ts';
import { type BenchContext, type Figure } from './support.ts';

function runLoad(url: string, writeKey: string, total: number, batch: number, concurrency: number): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('./load-generator.ts', import.meta.url).pathname, url, writeKey, String(total), String(batch), String(concurrency)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`load generator exited ${code}`))));
  });
}

/** The same rows the server would store, appended straight into events_raw: the ceiling. */
async function rawAppendRate(store: Store, rows: number): Promise<number> {
  const messages = Array.from({ length: rows }, (_, i) => message(i));
  const { rows: eventRows } = processMessages('raw', messages, 'batch', undefined, new Date(), 65536);
  const withSession = eventRows.map((r) => ({ ...r, session_id: `${r.anonymous_id}:0` }));
  const started = process.hrtime.bigint();
  for (let i = 0; i < withSession.length; i += 50_000) await store.insert('events_raw', EVENTS_RAW.columns, withSession.slice(i, i + 50_000));
  return rows / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Connections in flight from the load process: many clients send at once in production. */
const CONCURRENCY = Number(process.env.WAYMARK_BENCH_CONCURRENCY ?? 32);

export async function benchIngestion(ctx: BenchContext, kind: 'duckdb' | 'chdb'): Promise<Figure[]> {
  const store = await ctx.openStore(kind);
  const total = ctx.quick ? 50_000 : 300_000;
  const raw = await rawAppendRate(store, total);
  const dataDir = ctx.tempDir();
  const config = loadConfig({ dataDir, port: 0, logLevel: 'silent', loadIntervalMs: Number(process.env.WAYMARK_BENCH_LOAD_INTERVAL_MS ?? 1000) }, {});
  const { project } = await createProject(store, 'bench');
  const server = await startServer(config, { store });
  const load = await runLoad(server.url, project.writeKey, total, 100, CONCURRENCY);
  const loadStarted = Date.now();
  await server.ctx.loader.loadNow();
  const drainSeconds = (Date.now() - loadStarted) / 1000;
  await server.close();
  await store.close();
  void join;
  return [
    { name: `ingest.${kind}.raw_append_rows_per_s`, value: raw, unit: 'rows/s' },
    { name: `ingest.${kind}.http_events_per_s`, value: load.eventsPerSecond!, unit: 'events/s', ratio: load.eventsPerSecond! / raw, ratioOf: 'raw append', target: '≥ 0.5' },
    { name: `ingest.${kind}.http_p50_ms`, value: load.p50ms!, unit: 'ms' },
    { name: `ingest.${kind}.http_p99_ms`, value: load.p99ms!, unit: 'ms' },
    { name: `ingest.${kind}.failed_requests`, value: load.failedRequests!, unit: 'requests' },
    { name: `ingest.${kind}.backlog_drain_after_load_s`, value: drainSeconds, unit: 's' },
  ];
}
