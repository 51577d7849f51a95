import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import { createUser, ensureOwner, listUsers } from '../../src/auth/users.ts';
import { verifyPassword } from '../../src/auth/password.ts';
import { LoginRateLimiter } from '../../src/auth/rate-limit.ts';
import { isWriteRequest } from '../../src/auth/access.ts';
import { listDocuments } from '../../src/store/documents.ts';
import { createProject } from '../../src/projects/projects.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** A cookie-carrying client, as a browser would be. */
function browser(t: TestServer) {
  let cookie = '';
  return {
    get cookie() {
      return cookie;
    },
    async call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
      const r = await fetch(t.url + path, {
        method,
        headers: { ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const set = r.headers.get('set-cookie');
      if (set) {
        const value = /^waymark_session=([^;]*)/.exec(set)?.[1] ?? '';
        cookie = value ? `waymark_session=${value}` : '';
      }
      const text = await r.text();
      return {
        status: r.status,
        headers: r.headers,
        body: (text && r.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T,
      };
    },
  };
}

describe('dashboard sign-in', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('duckdb');
    await createUser(t.store, { email: 'Owner@Example.com', password: 'correct horse', role: 'owner' });
    await createUser(t.store, { email: 'viewer@example.com', password: 'viewer pass', role: 'viewer' });
  });
  after(() => t.close());

  it('stores passwords as argon2id hashes that verify only the right password', async () => {
    const [owner] = await listUsers(t.store);
    assert.match(owner!.passwordHash, /^\$argon2id\$v=19\$/);
    assert.equal(await verifyPassword(owner!.passwordHash, 'correct horse'), true);
    assert.equal(await verifyPassword(owner!.passwordHash, 'correct horsE'), false);
  });

  it('signs in with a case-insensitive email and sets an HTTP-only SameSite=Lax cookie whose token is stored only hashed', async () => {
    const b = browser(t);
    const r = await b.call('POST', '/api/v1/auth/login', { email: 'owner@example.com', password: 'correct horse' });
    assert.equal(r.status, 200);
    assert.equal(r.body.user.email, 'owner@example.com');
    assert.equal(r.body.user.role, 'owner');
    assert.equal(r.body.user.passwordHash, undefined);
    const set = r.headers.get('set-cookie')!;
    assert.match(set, /HttpOnly/);
    assert.match(set, /SameSite=Lax/);
    const token = b.cookie.split('=')[1]!;
    assert.equal(token.length, 43); // 32 random bytes, base64url
    const sessions = await listDocuments<{ userId: string }>(t.store, 'web_session', '');
    assert.ok(sessions.length >= 1);
    assert.ok(sessions.every((s) => s.id !== token && s.id.length === 64));
    const me = await b.call('GET', '/api/v1/auth/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.user.email, 'owner@example.com');
  });

  it('refuses a wrong password and an unknown email with the same 401', async () => {
    const b = browser(t);
    const wrong = await b.call('POST', '/api/v1/auth/login', { email: 'owner@example.com', password: 'nope nope' });
    const unknown = await b.call('POST', '/api/v1/auth/login', { email: 'nobody@example.com', password: 'nope nope' });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.body.error, unknown.body.error);
    assert.equal(b.cookie, '');
    assert.equal((await b.call('POST', '/api/v1/auth/login', { email: 'owner@example.com' })).status, 400);
  });

  it('reads project data with the cookie, choosing the project by header or query, and 401 after sign-out', async () => {
    const other = await createProject(t.store, 'Second shop');
    await t.server.ctx.projects.reload();
    const b = browser(t);
    await b.call('POST', '/api/v1/auth/login', { email: 'owner@example.com', password: 'correct horse' });
    const projects = await b.call('GET', '/api/v1/projects');
    assert.deepEqual(
      projects.body.projects.map((p: { name: string }) => p.name),
      ['Test', 'Second shop'],
    );
    assert.equal((await b.call('GET', '/api/v1/project')).body.id, t.project.id); // oldest by default
    assert.equal((await b.call('GET', '/api/v1/project', undefined, { 'x-waymark-project': other.project.id })).body.id, other.project.id);
    assert.equal((await b.call('GET', `/api/v1/project?project=${other.project.id}`)).body.name, 'Second shop');
    assert.equal((await b.call('GET', '/api/v1/project?project=nope')).status, 404);
    const sql = await b.call('POST', '/api/v1/sql', { sql: 'SELECT 1 + 1 AS two' });
    assert.equal(sql.status, 200);
    assert.equal(Number(sql.body.rows[0].two), 2);
    assert.equal((await b.call('POST', '/api/v1/auth/logout')).status, 200);
    assert.equal(b.cookie, '');
    assert.equal((await fetch(t.url + '/api/v1/project', { headers: { cookie: `waymark_session=${'x'.repeat(43)}` } })).status, 401);
    assert.equal((await b.call('GET', '/api/v1/auth/me')).status, 401);
    assert.equal((await b.call('GET', '/api/v1/project')).status, 401);
  });

  it('a viewer reads but gets 403 on settings, team and project creation', async () => {
    const b = browser(t);
    await b.call('POST', '/api/v1/auth/login', { email: 'viewer@example.com', password: 'viewer pass' });
    assert.equal((await b.call('GET', '/api/v1/project')).status, 200);
    assert.equal((await b.call('POST', '/api/v1/sql', { sql: 'SELECT 1 AS one' })).status, 200);
    assert.equal((await b.call('PATCH', '/api/v1/project/settings', { margin: 0.5 })).status, 403);
    assert.equal((await b.call('GET', '/api/v1/auth/users')).status, 403);
    assert.equal((await b.call('POST', '/api/v1/auth/users', { email: 'x@example.com', password: '12345678' })).status, 403);
    assert.equal((await b.call('POST', '/api/v1/projects', { name: 'Mine' })).status, 403);
  });

  it('the owner lists and adds team members; a duplicate email is a 400', async () => {
    const b = browser(t);
    await b.call('POST', '/api/v1/auth/login', { email: 'owner@example.com', password: 'correct horse' });
    const added = await b.call('POST', '/api/v1/auth/users', { email: 'member@example.com', password: 'member pass', role: 'member' });
    assert.equal(added.status, 201);
    assert.equal(added.body.user.role, 'member');
    assert.equal((await b.call('POST', '/api/v1/auth/users', { email: 'MEMBER@example.com', password: 'member pass' })).status, 400);
    const list = await b.call('GET', '/api/v1/auth/users');
    assert.deepEqual(
      list.body.users.map((u: { email: string }) => u.email),
      ['owner@example.com', 'viewer@example.com', 'member@example.com'],
    );
    const m = browser(t);
    assert.equal((await m.call('POST', '/api/v1/auth/login', { email: 'member@example.com', password: 'member pass' })).status, 200);
    assert.equal((await m.call('PATCH', '/api/v1/project/settings', { margin: 0.35 })).status, 200);
    assert.equal((await m.call('GET', '/api/v1/auth/users')).status, 403);
  });

  it('rotating the secret key makes the old one stop working and the new one work', async () => {
    const b = browser(t);
    await b.call('POST', '/api/v1/auth/login', { email: 'owner@example.com', password: 'correct horse' });
    const created = await b.call('POST', '/api/v1/projects', { name: 'Rotated' });
    assert.equal(created.status, 201);
    const old = created.body.secretKey as string;
    const rotated = await b.call('POST', `/api/v1/projects/${created.body.id}/secret-key`);
    const read = (key: string) => fetch(t.url + '/api/v1/project', { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);
    assert.equal(await read(rotated.body.secretKey), 200);
    assert.equal(await read(old), 401);
  });

  it('serves index.html for dashboard paths and JSON 404 for unknown API paths', async () => {
    const api = await fetch(t.url + '/api/v1/nothing-here');
    assert.equal(api.status, 404);
    assert.match(api.headers.get('content-type')!, /json/);
    const page = await fetch(t.url + '/journey?from=2026-01-01');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /html/);
  });
});

describe('login rate limit', () => {
  it('allows 10 failures per address in 15 minutes, then asks to wait until the oldest expires', async () => {
    mock.timers.enable({ apis: ['Date', 'setTimeout'], now: 1000 });
    try {
      const l = new LoginRateLimiter(10, 15 * 60_000);
      for (let i = 0; i < 10; i++) {
        assert.equal(await l.attempt('1.2.3.4'), 0);
        mock.timers.tick(1);
      }
      mock.timers.tick(61_000 - 1010);
      assert.equal(await l.attempt('1.2.3.4'), 840); // first failure at 1 s expires at 901 s
      assert.equal(await l.attempt('5.6.7.8'), 0);
      mock.timers.tick(901_001 - 61_000);
      assert.equal(await l.attempt('1.2.3.4'), 0);
      await l.succeed('1.2.3.4');
      assert.equal(await l.attempt('1.2.3.4'), 0);
    } finally {
      mock.timers.reset();
    }
  });

  it('answers 429 with Retry-After after 10 failed sign-ins from one address', async () => {
    const t = await startTestServer('duckdb');
    try {
      await createUser(t.store, { email: 'a@example.com', password: 'right password', role: 'owner' });
      const login = (password: string) =>
        fetch(t.url + '/api/v1/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'a@example.com', password }),
        });
      for (let i = 0; i < 10; i++) assert.equal((await login('wrong')).status, 401);
      const limited = await login('right password');
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) > 890);
    } finally {
      await t.close();
    }
  });
});

describe('owner account on first start', () => {
  it('creates the owner from the environment once, and nothing when users exist', async () => {
    const t = await startTestServer('duckdb');
    try {
      const lines = await ensureOwner(t.store, { WAYMARK_ADMIN_EMAIL: 'boss@example.com', WAYMARK_ADMIN_PASSWORD: 'from the env' });
      assert.equal(lines.length, 1);
      assert.deepEqual(await ensureOwner(t.store, {}), []);
      const users = await listUsers(t.store);
      assert.equal(users.length, 1);
      assert.equal(users[0]!.role, 'owner');
      assert.equal(await verifyPassword(users[0]!.passwordHash, 'from the env'), true);
    } finally {
      await t.close();
    }
  });

  it('prints a generated password that signs in', async () => {
    const t = await startTestServer('duckdb');
    try {
      const lines = await ensureOwner(t.store, {});
      const password = lines
        .find((l) => l.includes('password:'))!
        .split('password: ')[1]!
        .split(' ')[0]!;
      assert.equal(password.length, 16);
      const r = await fetch(t.url + '/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'owner@waymark.local', password }),
      });
      assert.equal(r.status, 200);
    } finally {
      await t.close();
    }
  });
});

describe('which requests change data', () => {
  it('treats PATCH/PUT/DELETE and creating POSTs as writes, analysis POSTs as reads', () => {
    assert.equal(isWriteRequest('PATCH', '/api/v1/project/settings'), true);
    assert.equal(isWriteRequest('DELETE', '/api/v1/personas/x'), true);
    assert.equal(isWriteRequest('POST', '/api/v1/spend?x=1'), true);
    assert.equal(isWriteRequest('POST', '/api/v1/personas'), true);
    assert.equal(isWriteRequest('POST', '/api/v1/personas/suggested'), true);
    assert.equal(isWriteRequest('POST', '/api/v1/funnels'), false);
    assert.equal(isWriteRequest('POST', '/api/v1/journeys/map'), false);
    assert.equal(isWriteRequest('POST', '/api/v1/sql'), false);
    assert.equal(isWriteRequest('GET', '/api/v1/project'), false);
  });
});
