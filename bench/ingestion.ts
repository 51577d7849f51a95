/**
 * Ingestion throughput: HTTP collection (batches of 100 from a separate load process, durable
 * acknowledgements) against a bare Fastify endpoint that parses the same bodies and answers,
 * measured in the same run with the same load process: the ratio is the cost of validation,
 * enrichment and durability. Also measured into a store that already holds many events, to
 * show the per-load dedup does not slow down as the table grows.
 */
import { spawn } from 'node:child_process';
import Fastify from 'fastify';
import { loadConfig } from '../src/config/config.ts';
import { startServer } from '../src/api/server.ts';
import { createProject } from '../src/projects/projects.ts';
import type { Store } from '../src/store/store.ts';
import { type BenchContext, type Figure } from './support.ts';
import { generateSyntheticEvents } from './synthetic-events.ts';

interface LoadResult {
  eventsPerSecond: number;
  /** CPU (user + system) the serving process spent per event, the load process excluded. */
  cpuMicrosPerEvent?: number;
  p50ms: number;
  p99ms: number;
  failedRequests: number;
}

function runLoad(url: string, writeKey: string, total: number, batch: number, concurrency: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        new URL('./load-generator.ts', import.meta.url).pathname,
        url,
        writeKey,
        String(total),
        String(batch),
        String(concurrency),
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`load generator exited ${code}`)),
    );
  });
}

/**
 * Measures this process's CPU during a load. On shared or busy cores, throughput swings with
 * what else runs; CPU per event does not, and their ratio is what throughput converges to when
 * the host is CPU-bound.
 */
async function withCpu(total: number, run: () => Promise<LoadResult>): Promise<LoadResult> {
  const before = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(before);
  return { ...result, cpuMicrosPerEvent: (used.user + used.system) / total };
}

/** The ceiling: Fastify parsing the same JSON bodies and answering, nothing else. */
async function bareEndpoint(total: number): Promise<LoadResult> {
  const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
  app.post('/v1/batch', async (request) => ({ success: true, accepted: ((request.body as { batch?: unknown[] }).batch ?? []).length }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    return await withCpu(total, () => runLoad(`http://127.0.0.1:${port}`, 'bare', total, 100, CONCURRENCY));
  } finally {
    await app.close();
  }
}

/** Connections in flight from the load process: many clients send at once in production. */
const CONCURRENCY = Number(process.env.WAYMARK_BENCH_CONCURRENCY ?? 32);

async function waymark(ctx: BenchContext, store: Store, total: number): Promise<LoadResult & { drainSeconds: number }> {
  const config = loadConfig(
    { dataDir: ctx.tempDir(), port: 0, logLevel: 'silent', loadIntervalMs: Number(process.env.WAYMARK_BENCH_LOAD_INTERVAL_MS ?? 1000) },
    {},
  );
  const { project } = await createProject(store, `bench-${Date.now()}`);
  const server = await startServer(config, { store });
  const load = await withCpu(total, () => runLoad(server.url, project.writeKey, total, 100, CONCURRENCY));
  const loadStarted = Date.now();
  await server.ctx.loader.loadNow();
  const drainSeconds = (Date.now() - loadStarted) / 1000;
  await server.close();
  return { ...load, drainSeconds };
}

export async function benchIngestion(ctx: BenchContext, kind: 'duckdb' | 'chdb'): Promise<Figure[]> {
  if (ctx.stores && !ctx.stores.includes(kind)) return [];
  const total = ctx.quick ? 50_000 : 300_000;
  const store = await ctx.openStore(kind);
  const bare = await bareEndpoint(total);
  const empty = await waymark(ctx, store, total);
  // Then into a store already holding many events (10M in a full run).
  const existing = ctx.quick ? 1_000_000 : 10_000_000;
  await generateSyntheticEvents(store, { projectId: 'seed', persons: existing / 10, eventsPerPerson: 10, start: '2026-01-01 00:00:00' });
  const bareAgain = await bareEndpoint(total);
  const full = await waymark(ctx, store, total);
  await store.close();
  const p = `ingest.${kind}`;
  return [
    { name: `${p}.bare_fastify_events_per_s`, value: bare.eventsPerSecond, unit: 'events/s' },
    {
      name: `${p}.http_events_per_s`,
      value: empty.eventsPerSecond,
      unit: 'events/s',
      ratio: empty.eventsPerSecond / bare.eventsPerSecond,
      ratioOf: 'bare Fastify',
      target: '≥ 0.40',
    },
    { name: `${p}.bare_fastify_cpu_us_per_event`, value: bare.cpuMicrosPerEvent!, unit: 'µs CPU/event' },
    {
      name: `${p}.http_cpu_us_per_event`,
      value: empty.cpuMicrosPerEvent!,
      unit: 'µs CPU/event',
      ratio: bare.cpuMicrosPerEvent! / empty.cpuMicrosPerEvent!,
      ratioOf: 'bare Fastify (its CPU ÷ ours)',
      target: '≥ 0.40',
    },
    { name: `${p}.http_p50_ms`, value: empty.p50ms, unit: 'ms' },
    { name: `${p}.http_p99_ms`, value: empty.p99ms, unit: 'ms', target: '< 100' },
    { name: `${p}.failed_requests`, value: empty.failedRequests, unit: 'requests' },
    { name: `${p}.backlog_drain_after_load_s`, value: empty.drainSeconds, unit: 's' },
    {
      name: `${p}.store_holding_${existing / 1e6}M.http_events_per_s`,
      value: full.eventsPerSecond,
      unit: 'events/s',
      ratio: full.eventsPerSecond / bareAgain.eventsPerSecond,
      ratioOf: 'bare Fastify',
      target: '≥ 0.40',
    },
    { name: `${p}.store_holding_${existing / 1e6}M.http_p99_ms`, value: full.p99ms, unit: 'ms', target: '< 100' },
    {
      name: `${p}.store_holding_${existing / 1e6}M.backlog_drain_after_load_s`,
      value: full.drainSeconds,
      unit: 's',
      ratio: full.drainSeconds / empty.drainSeconds,
      ratioOf: 'the empty store',
    },
  ];
}
