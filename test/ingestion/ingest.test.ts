import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { admitBody, bytesInFlight, ingest, IngestRefused, type IngestContext } from '../../src/ingestion/ingest.ts';
import type { Loader } from '../../src/ingestion/loader.ts';
import { Spool } from '../../src/ingestion/spool.ts';
import { tempDir } from '../support/stores.ts';

const MB = 1024 * 1024;
const limits = { maxBacklogBytes: 10 * MB, maxMessageBytes: 32_768, maxBatchBytes: 4 * MB, maxInflightBytes: 8 * MB };
const context = (spool: Spool, lastError?: unknown): IngestContext => ({ config: limits, spool, loader: { lastError } as Loader });

describe('ingest()', () => {
  it('spools the good messages durably and rejects the bad ones one by one', async () => {
    const spool = new Spool(tempDir(), 0);
    const result = await ingest(context(spool), { id: 'p' }, [
      { type: 'track', event: 'A', userId: 'u', messageId: 'm1' },
      { type: 'track', userId: 'u' },
      { type: 'page', anonymousId: 'x', messageId: 'm2' },
    ]);
    assert.equal(result.accepted, 2);
    assert.deepEqual(
      result.rejected.map((r) => [r.index, r.field]),
      [[1, 'event']],
    );
    const [segment] = readdirSync(spool.dir).filter((f) => f.endsWith('.open'));
    const lines = readFileSync(join(spool.dir, segment!), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).message_id);
    assert.deepEqual(lines, ['m1', 'm2']);
    assert.equal(spool.backlogBytes > 0, true);
  });

  it('refuses a request when the backlog is over its limit: 429 while the loader works, 503 when the store fails', async () => {
    const spool = new Spool(tempDir(), 0);
    spool.backlogBytes = limits.maxBacklogBytes + 1;
    const message = [{ type: 'track', event: 'A', userId: 'u' }];
    await assert.rejects(ingest(context(spool), { id: 'p' }, message), (e: IngestRefused) => e.status === 429 && e.retryAfterSeconds === 5);
    await assert.rejects(
      ingest(context(spool, new Error('store down')), { id: 'p' }, message),
      (e: IngestRefused) => e.status === 503 && e.retryAfterSeconds === 30,
    );
  });

  it('answers 503 and keeps nothing when the spool cannot write', async () => {
    const failing = { backlogBytes: 0, append: () => Promise.reject(new Error('ENOSPC: no space left on device')) } as unknown as Spool;
    await assert.rejects(
      ingest(context(failing), { id: 'p' }, [{ type: 'track', event: 'A', userId: 'u' }]),
      (e: IngestRefused) => e.status === 503 && e.retryAfterSeconds === 10,
    );
  });
});

describe('admission of request bodies', () => {
  it('reserves declared bytes up to the cap, counts compressed bodies as a full batch, and releases once', () => {
    const spool = new Spool(tempDir(), 0);
    const ctx = context(spool);
    const a = admitBody(ctx, { 'content-length': String(3 * MB) });
    const b = admitBody(ctx, { 'content-length': String(3 * MB) });
    assert.ok(a && b);
    assert.equal(bytesInFlight(spool), 6 * MB);
    assert.equal(admitBody(ctx, { 'content-length': String(3 * MB) }), undefined, 'over the 8 MB cap');
    assert.equal(
      admitBody(ctx, { 'content-length': '1000', 'content-encoding': 'gzip' }),
      undefined,
      'a gzip body may inflate to a whole batch',
    );
    a();
    a();
    assert.equal(bytesInFlight(spool), 3 * MB);
    const gz = admitBody(ctx, { 'content-length': '1000', 'content-encoding': 'gzip' });
    assert.ok(gz);
    assert.equal(bytesInFlight(spool), 7 * MB);
    b();
    gz();
    assert.equal(bytesInFlight(spool), 0);
  });

  it('always lets one request through when nothing else is in flight', () => {
    const spool = new Spool(tempDir(), 0);
    const ctx: IngestContext = { ...context(spool), config: { ...limits, maxInflightBytes: 1000 } };
    const only = admitBody(ctx, { 'content-length': String(2 * MB) });
    assert.ok(only);
    assert.equal(admitBody(ctx, { 'content-length': '10' }), undefined);
    only();
    assert.ok(admitBody(ctx, { 'content-length': '10' }));
  });
});
