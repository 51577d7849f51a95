/**
 * Overload: a burst of concurrent 3.7 MB batches against a real server process. Bytes in flight
 * are capped (WAYMARK_MAX_INFLIGHT_BYTES), so the excess gets 429 with Retry-After before its
 * body is read, every request gets an answer (no time-outs, no 5xx), and the server's peak RSS
 * stays bounded.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { it } from 'node:test';
import { freePort, startProcess, stop } from '../durability/process.ts';
import { tempDir } from '../support/stores.ts';

const MB = 1024 * 1024;

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

function post(url: URL, auth: string, body: Buffer, agent: Agent): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: auth } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined }));
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: -1, retryAfter: e.message }));
    req.end(body);
  });
}

it('answers a burst of 160 concurrent 3.7 MB batches with 200s and 429s, holding RSS bounded', { timeout: 180_000 }, async (t) => {
  if (process.platform !== 'linux') return t.skip('peak RSS is read from /proc');
  const port = freePort();
  const server = await startProcess(tempDir(), port, { WAYMARK_MAX_INFLIGHT_BYTES: String(16 * MB), WAYMARK_LOAD_INTERVAL_MS: '3600000' });
  try {
    const writeKey = /write key:\s+(\S+)/.exec(server.output)![1]!;
    const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
    const batch = Array.from({ length: 1000 }, (_, i) => ({
      type: 'track',
      event: 'Burst',
      anonymousId: `b${i % 50}`,
      messageId: `burst-${i}`,
      properties: { padding: 'x'.repeat(3780) },
    }));
    const body = Buffer.from(JSON.stringify({ batch }));
    assert.ok(body.length > 3.6 * MB && body.length < 4 * MB);
    const before = peakRssMb(server.child.pid!);
    const agent = new Agent({ keepAlive: true, maxSockets: 160 });
    const url = new URL(`http://127.0.0.1:${port}/v1/batch`);
    const answers = await Promise.all(Array.from({ length: 160 }, () => post(url, auth, body, agent)));
    agent.destroy();
    const peak = peakRssMb(server.child.pid!);
    const count = (s: number) => answers.filter((a) => a.status === s).length;
    process.stdout.write(
      `# overload: ${count(200)} × 200, ${count(429)} × 429, peak RSS ${peak.toFixed(0)} MB (${before.toFixed(0)} MB before the burst)\n`,
    );
    assert.deepEqual(
      answers.filter((a) => a.status !== 200 && a.status !== 429),
      [],
      'only 200s and 429s',
    );
    assert.ok(count(429) > 0, 'the cap turned requests away');
    assert.ok(count(200) >= 4, 'requests within the cap were stored');
    assert.ok(answers.filter((a) => a.status === 429).every((a) => a.retryAfter === '1'));
    // 160 × 3.7 MB = 590 MB of bodies (3.8 GB of RSS before the cap); with 16 MB in flight the server grows by a bounded amount.
    assert.ok(peak - before < 300, `peak RSS grew ${(peak - before).toFixed(0)} MB`);
  } finally {
    await stop(server);
  }
});
