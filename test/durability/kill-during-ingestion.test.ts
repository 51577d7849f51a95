/**
 * A 2xx means durable: kill the server with SIGKILL while batches stream in, restart it on the
 * same data folder, and every acknowledged event is there exactly once.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { tempDir } from '../support/stores.ts';
import { startProcess } from './process.ts';

it('keeps every acknowledged event exactly once across a SIGKILL', { timeout: 120_000 }, async () => {
  const dataDir = tempDir();
  const port = 20000 + Math.floor(Math.random() * 20000);
  const first = await startProcess(dataDir, port);
  const writeKey = /write key:\s+(\S+)/.exec(first.output)![1]!;
  const secretKey = /secret key:\s+(\S+)/.exec(first.output)![1]!;
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;

  const acknowledged = new Set<string>();
  let sent = 0;
  let killed = false;
  const senders = Array.from({ length: 4 }, async (_, worker) => {
    for (let b = 0; !killed; b++) {
      const ids = Array.from({ length: 50 }, (_, i) => `w${worker}-b${b}-m${i}`);
      const body = JSON.stringify({
        batch: ids.map((messageId) => ({ type: 'track', event: 'Durable', userId: `u${worker}`, messageId })),
      });
      sent += ids.length;
      try {
        const r = await fetch(`http://127.0.0.1:${port}/v1/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: auth },
          body,
        });
        if (r.status === 200) for (const id of ids) acknowledged.add(id);
      } catch {
        break; // connection refused or reset: the process is gone
      }
    }
  });
  await new Promise((r) => setTimeout(r, 1500));
  first.child.kill('SIGKILL');
  killed = true;
  await Promise.all(senders);
  await new Promise((r) => (first.child.exitCode !== null || first.child.signalCode !== null ? r(null) : first.child.once('exit', r)));
  assert.ok(acknowledged.size > 500, `expected a stream of acknowledged batches, got ${acknowledged.size}`);

  const second = await startProcess(dataDir, port);
  try {
    const r = await fetch(`http://127.0.0.1:${port}/api/v1/sql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secretKey}` },
      body: JSON.stringify({
        sql: "SELECT message_id, count(*) AS copies FROM events WHERE event = 'Durable' GROUP BY message_id",
        limit: 1_000_000,
      }),
    });
    const rows = ((await r.json()) as { rows: { message_id: string; copies: number }[] }).rows;
    const stored = new Map(rows.map((x) => [x.message_id, x.copies]));
    const missing = [...acknowledged].filter((id) => !stored.has(id));
    const duplicated = rows.filter((x) => x.copies !== 1);
    assert.deepEqual(missing, [], 'acknowledged events lost');
    assert.deepEqual(duplicated, [], 'events stored twice');
    process.stdout.write(`# durability: ${sent} sent, ${acknowledged.size} acknowledged, ${stored.size} stored after SIGKILL + restart\n`);
  } finally {
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  }
});
