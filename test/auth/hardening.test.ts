/**
 * Attacks on the dashboard's sign-in and session, tried over real HTTP: parallel password guessing,
 * cross-site request forgery with the owner's cookie, and reading the admin token through the API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { adminToken } from '../../src/api/admin.ts';
import { createUser, findUserByEmail } from '../../src/auth/users.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { STORE_KINDS } from '../support/stores.ts';

async function signIn(t: TestServer, email: string, password: string): Promise<string> {
  const r = await fetch(t.url + '/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  assert.equal(r.status, 200);
  return /^(waymark_session=[^;]*)/.exec(r.headers.get('set-cookie') ?? '')![1]!;
}

describe('sign-in rate limit under parallel guessing', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('duckdb');
    await createUser(t.store, { email: 'target@example.com', password: 'the right one', role: 'owner' });
  });
  after(() => t.close());

  it('lets exactly 10 of 100 parallel wrong passwords be checked, refuses 90 with 429, and then the right one too', async () => {
    const login = (password: string) =>
      fetch(t.url + '/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'target@example.com', password }),
      });
    const statuses = await Promise.all(Array.from({ length: 100 }, (_, i) => login(`guess ${i}`).then((r) => r.status)));
    assert.equal(statuses.filter((s) => s === 401).length, 10);
    assert.equal(statuses.filter((s) => s === 429).length, 90);
    const right = await login('the right one');
    assert.equal(right.status, 429);
    assert.ok(Number(right.headers.get('retry-after')) > 800);
  });
});

describe('cross-site requests with the dashboard cookie', () => {
  let t: TestServer;
  let cookie: string;
  before(async () => {
    t = await startTestServer('duckdb');
    await createUser(t.store, { email: 'owner@example.com', password: 'owner password', role: 'owner' });
    cookie = await signIn(t, 'owner@example.com', 'owner password');
  });
  after(() => t.close());

  /** What a foreign page's form can send: text/plain needs no CORS preflight, and the browser adds the cookie. */
  const formPost = (path: string, body: unknown, headers: Record<string, string>) =>
    fetch(t.url + path, { method: 'POST', headers: { 'content-type': 'text/plain', cookie, ...headers }, body: JSON.stringify(body) });
  const newUser = (email: string) => ({ email, password: 'attacker pass', role: 'owner' });

  it('refuses a cross-origin text/plain POST that would create a user, and creates nobody', async () => {
    const r = await formPost('/api/v1/auth/users', newUser('evil@example.com'), { origin: 'https://evil.example' });
    assert.equal(r.status, 403);
    assert.match(((await r.json()) as { error: string }).error, /cross-origin/);
    assert.equal(await findUserByEmail(t.store, 'evil@example.com'), undefined);
  });

  it('refuses a foreign Referer, an opaque "null" Origin and a cross-site fetch without either', async () => {
    assert.equal((await formPost('/api/v1/auth/users', newUser('r@example.com'), { referer: 'https://evil.example/page' })).status, 403);
    assert.equal((await formPost('/api/v1/auth/users', newUser('n@example.com'), { origin: 'null' })).status, 403);
    assert.equal((await formPost('/api/v1/projects', { name: 'Planted' }, { 'sec-fetch-site': 'cross-site' })).status, 403);
    assert.equal(
      (await formPost('/api/v1/auth/users', newUser('p@example.com'), { origin: `http://evil.example:${new URL(t.url).port}` })).status,
      403,
    );
    for (const email of ['r@example.com', 'n@example.com', 'p@example.com']) assert.equal(await findUserByEmail(t.store, email), undefined);
    const patch = await fetch(t.url + '/api/v1/project/settings', {
      method: 'PATCH',
      headers: { 'content-type': 'text/plain', cookie, origin: 'https://evil.example' },
      body: JSON.stringify({ margin: 0.01 }),
    });
    assert.equal(patch.status, 403, 'routes of every module are guarded');
  });

  it('refuses a forged sign-in from another site', async () => {
    const r = await fetch(t.url + '/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'https://evil.example' },
      body: JSON.stringify({ email: 'owner@example.com', password: 'owner password' }),
    });
    assert.equal(r.status, 403);
    assert.equal(r.headers.get('set-cookie'), null);
  });

  it('accepts the same requests from the dashboard itself, and from scripts that send no Origin', async () => {
    const own = await formPost('/api/v1/auth/users', newUser('colleague@example.com'), { origin: t.url });
    assert.equal(own.status, 201);
    const viaReferer = await formPost('/api/v1/projects', { name: 'From the dashboard' }, { referer: `${t.url}/settings` });
    assert.equal(viaReferer.status, 201);
    const script = await formPost('/api/v1/auth/users', newUser('script@example.com'), {});
    assert.equal(script.status, 201);
    assert.equal((await findUserByEmail(t.store, 'colleague@example.com'))?.role, 'owner');
  });

  it('does not apply to secret-key requests or to reads', async () => {
    const keyed = await fetch(t.url + '/api/v1/sql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.secretKey}`, origin: 'https://elsewhere.example' },
      body: JSON.stringify({ sql: 'SELECT 41 + 1 AS n' }),
    });
    assert.equal(keyed.status, 200);
    const read = await fetch(t.url + '/api/v1/auth/me', { headers: { cookie, origin: 'https://evil.example' } });
    assert.equal(read.status, 200);
  });
});

for (const kind of STORE_KINDS) {
  describe(`the admin token is not readable through the API [${kind}]`, () => {
    let t: TestServer;
    let token: string;
    let cookie: string;
    before(async () => {
      t = await startTestServer(kind);
      token = adminToken(t.server.ctx.config.dataDir);
      await createUser(t.store, { email: 'owner@example.com', password: 'owner password', role: 'owner' });
      cookie = await signIn(t, 'owner@example.com', 'owner password');
    });
    after(() => t.close());

    it('no GET route answers with it, to the owner or to a secret key', async () => {
      const doc = (await (await fetch(t.url + '/api/v1/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
      const gets = Object.entries(doc.paths)
        .filter(([, ops]) => 'get' in ops)
        .map(([path]) => path.replace(/\{[^}]+\}/g, t.project.id));
      assert.ok(gets.length >= 10, `${gets.length} GET routes`);
      for (const path of gets) {
        for (const headers of [{ cookie }, { authorization: `Bearer ${t.secretKey}` }] as Record<string, string>[]) {
          const text = await (await fetch(t.url + path, { headers })).text();
          assert.ok(!text.includes(token), `${path} leaks the admin token`);
        }
      }
    });

    it("users' SQL cannot read the token file", async () => {
      const file = join(t.server.ctx.config.dataDir, 'admin-token');
      const attempts =
        kind === 'duckdb'
          ? [
              `SELECT * FROM read_text('${file}')`,
              `SELECT * FROM read_csv('${file}', header = false)`,
              `SELECT * FROM glob('${file}')`,
              `SELECT content FROM read_text('${file}') t, events e LIMIT 1`,
            ]
          : [
              `SELECT * FROM file('${file}', 'LineAsString')`,
              `SELECT * FROM file('${file}', 'TSV', 'line String')`,
              `SELECT line FROM (SELECT 1) t, file('${file}', 'LineAsString', 'line String')`,
            ];
      for (const sql of attempts) {
        for (const headers of [{ cookie }, { authorization: `Bearer ${t.secretKey}` }] as Record<string, string>[]) {
          const r = await fetch(t.url + '/api/v1/sql', {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: JSON.stringify({ sql }),
          });
          const text = await r.text();
          assert.ok(!text.includes(token), `${sql} leaks the admin token`);
          assert.ok(r.status >= 400 && r.status < 500, `${sql} answered ${r.status}: ${text.slice(0, 200)}`);
        }
      }
    });

    it('the admin API refuses the cookie, the secret key and a wrong token, and accepts the token', async () => {
      const list = (headers: Record<string, string>) => fetch(t.url + '/api/v1/admin/projects', { headers }).then((r) => r.status);
      assert.equal(await list({ cookie }), 401);
      assert.equal(await list({ authorization: `Bearer ${t.secretKey}` }), 401);
      assert.equal(await list({ authorization: `Bearer ${token.slice(0, -1)}x` }), 401);
      assert.equal(await list({ authorization: `Bearer ${token}` }), 200);
    });
  });
}
