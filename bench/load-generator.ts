/**
 * A separate load process for the ingestion benchmark: sends pre-built batches of Segment
 * messages over loopback with a fixed number of connections in flight, and reports
 * events/s and request latency percentiles as one JSON line on stdout.
 */
import { Agent, request } from 'node:http';
import { message } from './messages.ts';

const [url, writeKey, totalText, batchText, concurrencyText] = process.argv.slice(2);
const total = Number(totalText);
const batchSize = Number(batchText);
const concurrency = Number(concurrencyText);
const target = new URL('/v1/batch', url);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;

function post(body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: auth } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  const bodies: Buffer[] = [];
  for (let i = 0; i < total; i += batchSize) {
    const batch = [];
    for (let j = i; j < Math.min(total, i + batchSize); j++) batch.push(message(j));
    bodies.push(Buffer.from(JSON.stringify({ batch, sentAt: new Date().toISOString() })));
  }
  const latencies: number[] = [];
  let next = 0;
  let failed = 0;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const t0 = process.hrtime.bigint();
        const status = await post(body);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (status !== 200) failed++;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  process.stdout.write(
    JSON.stringify({
      events: total,
      seconds,
      eventsPerSecond: total / seconds,
      p50ms: pct(0.5),
      p99ms: pct(0.99),
      failedRequests: failed,
      loadCpuMicrosPerEvent: ((u) => (u.user + u.system) / total)(process.cpuUsage(cpuBefore)),
    }) + '\n',
  );
  agent.destroy();
}

await main();
