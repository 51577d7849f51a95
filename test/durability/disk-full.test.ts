/**
 * Disk full, on a real small filesystem: the spool lives on a 2 MB tmpfs the test mounts (root
 * only; skipped with the reason logged otherwise). A request is acknowledged only when all its
 * bytes are written and synced; a short write or ENOSPC cuts the torn tail and answers 503 with
 * Retry-After; once space frees, loading and acknowledging resume by themselves; after a
 * restart every acknowledged event is stored exactly once and nothing refused appears.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../src/api/server.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createProject } from '../../src/projects/projects.ts';
import type { Store } from '../../src/store/store.ts';
import { openTestStore, STORE_KINDS, tempDir } from '../support/stores.ts';

function mountTmpfs(): { dir?: string; reason?: string } {
  if (process.getuid?.() !== 0) return { reason: 'not running as root: cannot mount a small tmpfs' };
  const dir = join(tempDir(), 'small-fs');
  mkdirSync(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (error) {
    return { reason: `mount -t tmpfs failed: ${(error as Error).message.split('\n')[0]}` };
  }
}

const mount = mountTmpfs();
if (mount.reason) process.stdout.write(`# disk-full test skipped: ${mount.reason}\n`);

const batch = (prefix: string, n: number) =>
  Array.from({ length: 20 }, (_, i) => ({
    type: 'track',
    event: 'Disk',
    userId: `u${i}`,
    messageId: `${prefix}-${n}-${i}`,
    properties: { padding: 'x'.repeat(400) },
  }));

for (const kind of STORE_KINDS) {
  describe(`a full disk under the spool [${kind}]`, { skip: mount.reason }, () => {
    let store: Store;
    let server: RunningServer;
    let writeKey: string;
    const dataDir = join(mount.dir ?? '', kind);
    const filler = join(mount.dir ?? '', `filler-${kind}`);
    const start = () => startServer(loadConfig({ dataDir, port: 0, logLevel: 'silent', loadIntervalMs: 100 }, {}), { store });
    const post = async (body: unknown) => {
      const r = await fetch(`${server.url}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` },
        body: JSON.stringify(body),
      });
      return { status: r.status, retryAfter: r.headers.get('retry-after'), body: (await r.json()) as { accepted?: number } };
    };

    before(async () => {
      store = await openTestStore(kind);
      writeKey = (await createProject(store, 'Disk')).project.writeKey;
      mkdirSync(dataDir, { recursive: true });
      server = await start();
    });
    after(async () => {
      await server?.close().catch(() => undefined);
      await store?.close();
    });

    it(
      'acknowledges only synced batches, answers 503 with Retry-After when full, resumes when space frees, and stores each acknowledged event once',
      { timeout: 120_000 },
      async () => {
        // The loader is behind (stopped), and the disk has 64 KB left.
        server.ctx.loader.stop();
        const free = () => {
          const s = statfsSync(mount.dir!);
          return s.bavail * s.bsize;
        };
        writeFileSync(filler, Buffer.alloc(Math.max(0, free() - 64 * 1024)));
        const acknowledged: string[] = [];
        const refused: string[] = [];
        let full: { status: number; retryAfter: string | null } | undefined;
        for (let n = 0; n < 40 && !full; n++) {
          const messages = batch('fill', n);
          const r = await post({ batch: messages });
          if (r.status === 200) acknowledged.push(...messages.map((m) => m.messageId));
          else {
            refused.push(...messages.map((m) => m.messageId));
            full = r;
          }
        }
        assert.ok(full, 'the disk filled up');
        assert.deepEqual([full.status, full.retryAfter], [503, '10']);
        assert.ok(acknowledged.length >= 40, `some batches fit before the disk was full (${acknowledged.length} events)`);
        // A second try while still full is refused too, and leaves no torn line behind.
        const again = batch('still-full', 0);
        const r2 = await post({ batch: again });
        if (r2.status === 200) acknowledged.push(...again.map((m) => m.messageId));
        else refused.push(...again.map((m) => m.messageId));
        const spoolDir = join(dataDir, 'spool');
        for (const f of readdirSync(spoolDir).filter((x) => x.endsWith('.open') || x.endsWith('.ndjson'))) {
          const text = readFileSync(join(spoolDir, f), 'utf8');
          assert.ok(text === '' || text.endsWith('\n'), `${f} ends with a whole line`);
          for (const line of text.split('\n').filter(Boolean))
            assert.ok(acknowledged.includes(JSON.parse(line).message_id), 'only acknowledged lines in the spool');
        }
        const health = (await (await fetch(`${server.url}/health`)).json()) as { loader: { lastSpoolWriteError: string | null } };
        assert.match(health.loader.lastSpoolWriteError ?? '', /ENOSPC|no space|no progress/i);

        // Space frees: the loader (running again, as it would once caught up) drains the spool by itself …
        unlinkSync(filler);
        server.ctx.loader.start(100);
        for (let i = 0; i < 200 && server.ctx.loader.status().pendingSegments + (server.ctx.spool.backlogBytes > 0 ? 1 : 0) > 0; i++)
          await new Promise((r) => setTimeout(r, 100));
        assert.equal(server.ctx.spool.backlogBytes, 0, 'the loader caught up by itself');
        // … and batches are acknowledged again.
        for (let n = 0; n < 3; n++) {
          const messages = batch('after', n);
          const r = await post({ batch: messages });
          assert.equal(r.status, 200);
          acknowledged.push(...messages.map((m) => m.messageId));
        }

        // Restart on the same folder: every acknowledged event once, nothing refused.
        await server.close();
        server = await start();
        await server.ctx.loader.loadNow();
        const rows = await store.query<{ message_id: string; copies: number }>(
          "SELECT message_id, count(*) AS copies FROM events_raw WHERE event = 'Disk' GROUP BY message_id",
        );
        const stored = new Map(rows.map((r) => [r.message_id, Number(r.copies)]));
        assert.deepEqual(
          acknowledged.filter((id) => stored.get(id) !== 1),
          [],
          'every acknowledged event stored exactly once',
        );
        assert.deepEqual(
          refused.filter((id) => stored.has(id)),
          [],
          'no refused event stored',
        );
        assert.equal(stored.size, acknowledged.length);
        process.stdout.write(
          `# disk full [${kind}]: ${acknowledged.length} acknowledged, ${refused.length} refused with 503, ${stored.size} stored after restart\n`,
        );
      },
    );
  });
}

after(() => {
  if (mount.dir) execFileSync('umount', [mount.dir]);
});
