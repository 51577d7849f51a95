/**
 * First-start credentials are never lost: a start that cannot listen creates none, the start that
 * listens prints the secret key and the owner's password, and `waymark users reset-password` gives
 * a new password to whoever holds the data folder, directly or through the running server.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { listUsers } from '../../src/auth/users.ts';
import { listProjects } from '../../src/projects/projects.ts';
import { openStore } from '../../src/store/open-store.ts';

const BIN = fileURLToPath(new URL('../../bin/waymark.js', import.meta.url));

function cli(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, [BIN, '--data', dir, ...args], { encoding: 'utf8' });
}

/** `waymark start` on the data folder; resolves with its URL and everything it printed once it listens. */
async function start(dir: string): Promise<{ child: ChildProcess; url: string; out: string }> {
  const child = spawn(process.execPath, [BIN, '--data', dir, 'start', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/running on (http:\/\/[\d.]+:\d+)[\s\S]*\n$/);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on('data', (chunk) => (out += chunk));
    child.once('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
  await new Promise((r) => setTimeout(r, 200)); // the banner is one write; let it arrive whole
  return { child, url, out };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const signIn = (url: string, email: string, password: string) =>
  fetch(url + '/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });

describe('first-start credentials', () => {
  let dir: string;
  let blocker: Server;
  let running: ChildProcess | undefined;
  let runningUrl = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'waymark-credentials-'));
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    if (running) await stop(running);
    blocker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a start that cannot listen (port in use) fails and creates no project and no user', async () => {
    const port = (blocker.address() as { port: number }).port;
    const r = spawnSync(process.execPath, [BIN, '--data', dir, 'start', '--port', String(port)], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /EADDRINUSE|in use/);
    assert.doesNotMatch(r.stdout, /secret key|password/);
    const store = await openStore('duckdb', dir);
    try {
      assert.equal((await listProjects(store)).length, 0);
      assert.equal((await listUsers(store)).length, 0);
    } finally {
      await store.close();
    }
  });

  let password: string;
  let secretKey: string;
  it('the next start prints a secret key and a password that both work', async () => {
    const s = await start(dir);
    running = s.child;
    secretKey = /secret key: (sk_\S+)/.exec(s.out)![1]!;
    password = /password: (\S+)/.exec(s.out)![1]!;
    const project = await fetch(s.url + '/api/v1/project', { headers: { authorization: `Bearer ${secretKey}` } });
    assert.equal(project.status, 200);
    assert.equal(((await project.json()) as { name: string }).name, 'Default');
    assert.equal((await signIn(s.url, 'owner@waymark.local', password)).status, 200);
    await stop(s.child);
    running = undefined;
  });

  it('reset-password on the data folder prints a new password; the old one stops working', async () => {
    const r = cli(dir, 'users', 'reset-password', 'Owner@Waymark.local');
    assert.equal(r.status, 0, r.stderr);
    const fresh = /password: (\S+)/.exec(r.stdout)![1]!;
    assert.notEqual(fresh, password);
    assert.equal(fresh.length, 16);
    const s = await start(dir);
    running = s.child;
    runningUrl = s.url;
    assert.doesNotMatch(s.out, /secret key|password:/, 'later starts create nothing');
    assert.match(s.out, /users reset-password/);
    assert.equal((await signIn(s.url, 'owner@waymark.local', password)).status, 401);
    assert.equal((await signIn(s.url, 'owner@waymark.local', fresh)).status, 200);
    password = fresh;
  });

  it('while the server runs, reset-password goes through it and signs the old sessions out', async () => {
    const serverUrl = runningUrl;
    const login = await signIn(serverUrl, 'owner@waymark.local', password);
    const cookie = /^(waymark_session=[^;]*)/.exec(login.headers.get('set-cookie')!)![1]!;
    assert.equal((await fetch(serverUrl + '/api/v1/auth/me', { headers: { cookie } })).status, 200);
    const r = cli(dir, '--server', serverUrl, '--json', 'users', 'reset-password', 'owner@waymark.local', '--password', 'chosen by me');
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { user: { email: string; passwordHash?: string }; password: string; sessionsEnded: number };
    assert.deepEqual([result.user.email, result.password, result.user.passwordHash], ['owner@waymark.local', 'chosen by me', undefined]);
    assert.ok(result.sessionsEnded >= 1);
    assert.equal((await fetch(serverUrl + '/api/v1/auth/me', { headers: { cookie } })).status, 401);
    assert.equal((await signIn(serverUrl, 'owner@waymark.local', 'chosen by me')).status, 200);
  });

  it('an unknown email is an error that names it, and the admin route refuses callers without the token', async () => {
    const serverUrl = runningUrl;
    const r = cli(dir, '--server', serverUrl, 'users', 'reset-password', 'nobody@example.com');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /404.*nobody@example\.com/);
    const anonymous = await fetch(serverUrl + '/api/v1/admin/users/reset-password', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@waymark.local' }),
    });
    assert.equal(anonymous.status, 401);
  });
});
