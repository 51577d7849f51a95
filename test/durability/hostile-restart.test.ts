/**
 * kill -9 with hostile data in the spool, then restart: the server starts, reports healthy,
 * stores every acknowledged event once, and dead-letters only the lines no store can load
 * (planted raw, as a damaged disk or an older version could have left them).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { openStore } from '../../src/store/open-store.ts';
import { tempDir } from '../support/stores.ts';
import { bin, freePort, killHard, startProcess, stop } from './process.ts';

for (const kind of ['duckdb', 'chdb'] as const) {
  it(`restarts healthy after a SIGKILL with hostile data spooled, losing nothing [${kind}]`, { timeout: 180_000 }, async () => {
    const dataDir = tempDir();
    const port = freePort();
    const storeArgs = kind === 'chdb' ? ['--store', `chdb:${join(dataDir, 'chdb')}`] : [];
    // No loading after start-up: everything sent stays in the spool until the kill.
    const first = await startProcess(dataDir, port, { WAYMARK_LOAD_INTERVAL_MS: '3600000' }, storeArgs);
    const writeKey = /write key:\s+(\S+)/.exec(first.output)![1]!;
    const secretKey = /secret key:\s+(\S+)/.exec(first.output)![1]!;
    const api = async (path: string, body?: unknown) => {
      const r = await fetch(`http://127.0.0.1:${port}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
      return (await r.json()) as any;
    };
    const projectId = (await api('/api/v1/project')).id as string;

    const hostile = [
      { type: 'track', event: 'Kill\ud800', userId: 'k', messageId: 'k-surrogate' },
      { type: 'track', event: 'Kill', userId: 'k\udfff', messageId: 'k-user', properties: { ['p\ud800']: 'v\udc00' } },
      { type: 'track', event: 'Kill', userId: 'k', messageId: 'k-negyear', timestamp: '-000001-01-01T00:00:00Z' },
      { type: 'track', event: 'Kill', userId: 'k', messageId: 'k-skew', timestamp: '1970-01-02T00:00:00Z', sentAt: '2199-01-01T00:00:00Z' },
    ];
    const good = Array.from({ length: 20 }, (_, i) => ({ type: 'track', event: 'Kill', userId: 'k', messageId: `k-good-${i}` }));
    const response = await fetch(`http://127.0.0.1:${port}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` },
      body: JSON.stringify({ batch: [...hostile, ...good] }),
    });
    const answer = (await response.json()) as { accepted: number; rejected: { index: number }[] };
    assert.equal(response.status, 400);
    assert.deepEqual(
      answer.rejected.map((r) => r.index),
      [2, 3],
    );
    const acknowledged = ['k-surrogate', 'k-user', ...good.map((g) => g.messageId)];

    // Lines no store can load, as if spooled by an older version, next to a loadable one.
    const row = (id: string, timestamp: string, event = 'Kill') =>
      JSON.stringify({
        project_id: projectId,
        message_id: id,
        type: 'track',
        event,
        anonymous_id: '',
        user_id: 'k',
        timestamp,
        received_at: timestamp,
        channel: '',
        source: '',
        medium: '',
        campaign: '',
        term: '',
        content: '',
        click_id: '',
        referrer: '',
        url: '',
        path: '',
        revenue: null,
        currency: '',
        order_id: '',
        browser: '',
        os: '',
        device_type: '',
        is_bot: 0,
        properties: '{}',
        context: '{}',
      });
    const planted = [
      row('k-planted-good', '2026-03-01 10:00:00.000'),
      row('k-planted-year', '-000001-01 01T00:00:00.'),
      row('k-planted-surrogate', '2026-03-01 10:00:00.000').replace('"event":"Kill"', '"event":"\\ud800"'),
      '{"project_id":"torn',
    ];
    writeFileSync(join(dataDir, 'spool', '000000000900.ndjson'), planted.join('\n') + '\n');
    writeFileSync(
      join(dataDir, 'spool', '000000000901.open'),
      row('k-planted-open', '2026-03-01 10:00:00.000') + '\n{"project_id":"half-writ',
    );
    await killHard(first);

    const second = await startProcess(dataDir, port, {}, storeArgs);
    try {
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      const h = (await health.json()) as {
        ok: boolean;
        loader: { state: string; deadLetters: number; quarantinedSegments: number; pendingSegments: number };
      };
      assert.equal(health.status, 200);
      assert.deepEqual(
        [h.ok, h.loader.state, h.loader.deadLetters, h.loader.quarantinedSegments, h.loader.pendingSegments],
        [true, 'idle', 3, 0, 0],
      );
      const status = JSON.parse(
        execFileSync(process.execPath, [bin, '--data', dataDir, '--server', `http://127.0.0.1:${port}`, '--json', 'status'], {
          encoding: 'utf8',
        }),
      );
      assert.deepEqual([status.source, status.ok, status.deadLetters], ['server', true, 3]);
    } finally {
      await stop(second);
    }
    // Read the store directly (the users' SQL route is not what is under test here).
    const store = await openStore(kind === 'chdb' ? `chdb:${join(dataDir, 'chdb')}` : 'duckdb', dataDir);
    try {
      const rows = await store.query<{ message_id: string; copies: number }>(
        "SELECT message_id, count(*) AS copies FROM events_raw WHERE message_id LIKE 'k-%' GROUP BY message_id ORDER BY message_id",
      );
      assert.deepEqual(
        rows.map((r) => r.message_id),
        [...acknowledged, 'k-planted-good', 'k-planted-open'].sort(),
      );
      assert.ok(
        rows.every((r) => Number(r.copies) === 1),
        'each stored once',
      );
    } finally {
      await store.close();
    }
    const offline = JSON.parse(
      execFileSync(process.execPath, [bin, '--data', dataDir, '--server', 'http://127.0.0.1:1', '--json', 'status'], { encoding: 'utf8' }),
    );
    assert.deepEqual([offline.source, offline.deadLetters, offline.pendingSegments], ['data folder', 3, 0]);
  });
}
