/**
 * No segment can stop loading: a spool segment the store refuses is quarantined and loaded in
 * halves; every good line is stored, every bad line lands in the dead-letter file, and the
 * loader is idle (healthy) afterwards.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { Loader } from '../../src/ingestion/loader.ts';
import { processMessages } from '../../src/ingestion/pipeline.ts';
import { Spool } from '../../src/ingestion/spool.ts';
import { describeEachStore, tempDir } from '../support/stores.ts';

const received = new Date('2026-03-01T12:00:00.000Z');

function goodLines(prefix: string, n: number): string[] {
  const messages = Array.from({ length: n }, (_, i) => ({
    type: 'track',
    event: 'Good',
    userId: `u${i % 3}`,
    messageId: `${prefix}-${i}`,
    timestamp: '2026-03-01T10:00:00.000Z',
  }));
  const { rows, rejected } = processMessages('pq', messages, 'batch', undefined, received, 32768);
  assert.deepEqual(rejected, []);
  return rows.map((r) => JSON.stringify(r));
}

/** Rows a store cannot load, as an older version (or a damaged disk) could have spooled them. */
function hostileLines(): string[] {
  const [template] = goodLines('template', 1);
  const row = JSON.parse(template!);
  return [
    JSON.stringify({ ...row, message_id: 'bad-year', timestamp: '-000050-01 01T00:00:00.' }),
    JSON.stringify({ ...row, message_id: 'bad-surrogate' }).replace('"event":"Good"', '"event":"x\\ud800"'),
    '{"project_id":"pq","message_id":"torn","type":"tr',
    '[1,2,3]',
  ];
}

describeEachStore('a spool segment the store refuses', (ctx) => {
  it('is quarantined: its good lines are stored, its bad lines dead-lettered, and loading goes on', async () => {
    const dir = tempDir();
    const before = goodLines('before', 40);
    const after = goodLines('after', 25);
    const lines = [...before.slice(0, 17), ...hostileLines().slice(0, 2), ...before.slice(17), ...hostileLines().slice(2)];
    writeFileSync(join(dir, '000000000000.ndjson'), lines.join('\n') + '\n');
    writeFileSync(join(dir, '000000000001.ndjson'), after.join('\n') + '\n');
    const spool = new Spool(dir, 1);
    const loader = new Loader(ctx.store, spool, 30);
    await loader.loadNow();

    const [{ n }] = await ctx.store.query<{ n: number }>("SELECT count(*) AS n FROM events_raw WHERE project_id = 'pq'");
    assert.equal(n, 65, 'all 40 + 25 good lines stored');
    const dead = readFileSync(join(dir, 'dead-letter.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(dead.length, 4);
    assert.deepEqual(
      dead.map((d) => d.segment),
      Array(4).fill('000000000000.ndjson'),
    );
    assert.ok(dead.some((d) => d.line.includes('bad-year')) && dead.some((d) => d.line.includes('bad-surrogate')));
    const status = loader.status();
    assert.equal(status.state, 'idle');
    assert.equal(status.deadLetters, 4);
    assert.equal(status.quarantinedSegments, 0);
    assert.equal(status.pendingSegments, 0);
    assert.equal(status.backlogBytes, 0);
    assert.deepEqual(readdirSync(join(dir, 'quarantine')), []);

    // A new loader on the same folder (a restart) counts the dead letters and loads new data.
    writeFileSync(join(dir, '000000000002.ndjson'), goodLines('later', 5).join('\n') + '\n');
    const restarted = new Loader(ctx.store, new Spool(dir, 1), 30);
    await restarted.loadNow();
    assert.equal(restarted.status().deadLetters, 4);
    const [{ m }] = await ctx.store.query<{ m: number }>("SELECT count(*) AS m FROM events_raw WHERE project_id = 'pq'");
    assert.equal(m, 70);
  });

  it('finishes a recovery a crash interrupted, storing each good line once', async () => {
    const dir = tempDir();
    const good = goodLines('resume', 12);
    // A quarantined segment whose first half was already loaded before the crash.
    const spool = new Spool(dir, 1);
    const loader = new Loader(ctx.store, spool, 30);
    writeFileSync(join(dir, '000000000000.ndjson'), good.slice(0, 6).join('\n') + '\n');
    await loader.loadNow();
    writeFileSync(join(dir, 'quarantine', '000000000001.ndjson'), [...good, hostileLines()[0]].join('\n') + '\n');
    writeFileSync(join(dir, 'quarantine', '000000000001.ndjson.part'), good[0]!);
    const restarted = new Loader(ctx.store, new Spool(dir, 1), 30);
    await restarted.loadNow();
    const rows = await ctx.store.query<{ message_id: string; copies: number }>(
      "SELECT message_id, count(*) AS copies FROM events_raw WHERE message_id LIKE 'resume-%' GROUP BY message_id",
    );
    assert.equal(rows.length, 12);
    assert.ok(rows.every((r) => r.copies === 1));
    assert.equal(restarted.status().deadLetters, 1);
    assert.equal(existsSync(join(dir, 'quarantine', '000000000001.ndjson.part')), false);
  });
});
