/**
 * The installed CLI boots: `waymark --help` lists the commands, and `waymark start` on an empty data
 * folder serves /health, as a new user's first two commands would.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/waymark.js', import.meta.url));

describe('waymark CLI', () => {
  it('--help lists the commands a new user starts with', () => {
    const r = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const commands = [...r.stdout.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]);
    for (const c of ['start', 'demo', 'import', 'projects', 'sql', 'funnel', 'paths', 'status'])
      assert.ok(commands.includes(c), `--help lists ${c}: ${commands.join(', ')}`);
  });

  it('an unknown command exits non-zero', () => {
    const r = spawnSync(process.execPath, [BIN, 'no-such-command'], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
  });

  it('start on an empty data folder answers /health and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-smoke-'));
    const child = spawn(process.execPath, [BIN, '--data', dir, 'start', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk) => {
          out += chunk;
          const m = out.match(/running on (http:\/\/[\d.]+:\d+)/);
          if (m) resolve(m[1]!);
        });
        child.stderr.on('data', (chunk) => (out += chunk));
        child.once('exit', (code) => reject(new Error(`exited ${code} before listening:\n${out}`)));
      });
      const res = await fetch(`${url}/health`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { ok: boolean; store: string; storeOk: boolean };
      assert.deepEqual([body.ok, body.store, body.storeOk], [true, 'duckdb', true]);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
