/**
 * Hostile users' SQL through the real HTTP route, with project A's secret key, on every store:
 * each query gets a 4xx, no answer carries anything of project B, the documents table, the data
 * folder's files (the admin token) or the engine's settings, nothing is written (row counts,
 * tables, settings and the file system unchanged) and nothing is fetched (a local HTTP server
 * counts requests).
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { adminToken } from '../../src/api/admin.ts';
import { createUser } from '../../src/auth/users.ts';
import type { Store } from '../../src/store/store.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { describeEachStore, tempDir } from '../support/stores.ts';
import { CANARY, seedTwoProjects, tableCounts, type SqlFixture } from './fixture.ts';

interface Env {
  token: string;
  dataDir: string;
  outDir: string;
  hitUrl: string;
}

/** Every family from the report, and more; `$X` placeholders are filled per run. */
function attacks(e: Env): string[] {
  const token = join(e.dataDir, 'admin-token');
  const canaryFile = join(e.dataDir, 'canary.csv');
  const out = join(e.outDir, 'out.txt');
  return [
    // Comma joins and other spellings of an underlying table.
    'SELECT * FROM (SELECT 1) t, events_raw r',
    'SELECT r.* FROM events e, events_raw r',
    'SELECT * FROM events e JOIN events_raw r ON true',
    'SELECT * FROM events UNION ALL SELECT * FROM events_raw',
    'SELECT * FROM events WHERE project_id IN (SELECT project_id FROM events_raw)',
    'SELECT (SELECT max(body) FROM documents) AS b',
    'SELECT * FROM events e, LATERAL (SELECT * FROM events_raw) l',
    'SELECT * FROM "events_raw"',
    'select * from EVENTS_RAW',
    'SELECT * FROM events_unscoped',
    'SELECT * FROM main.events',
    'SELECT * FROM events_raw AS events',
    'SELECT * FROM person_traits',
    'SELECT * FROM identity_links',
    'SELECT * FROM person_map',
    'SELECT * FROM events_staging',
    // Comment and quote tricks that hid the rest of the query from the old checker.
    "SELECT '--' AS x, * FROM events_raw",
    "SELECT '/*' AS x, * FROM events_raw -- */",
    "SELECT * FROM events_raw /* ' */",
    "SELECT 'a\\' AS x, * FROM events_raw",
    // One literal on DuckDB (no backslash escapes), a literal and a comment on ClickHouse: events_raw either way.
    "SELECT 'a\\'' AS x FROM events_raw -- ', * FROM events_raw",
    'SELECT $$--$$ AS x, * FROM events_raw',
    // Fake CTE names: WINDOW clauses, inner scopes, reserved names.
    'SELECT * FROM events_raw WINDOW w AS (), events_raw AS ()',
    'SELECT * FROM (WITH events_raw AS (SELECT 1) SELECT 1) t, events_raw',
    'SELECT * FROM (WITH documents AS (SELECT 1 AS a) SELECT * FROM documents) x, documents',
    'WITH documents AS (SELECT 1 AS a) SELECT * FROM documents',
    'WITH RECURSIVE r AS (SELECT 1 AS a UNION ALL SELECT a + 1 FROM r WHERE a < 3) SELECT * FROM r, events_raw',
    // Metadata: documents (password hashes, keys), catalogs, settings.
    'SELECT * FROM documents',
    "SELECT body FROM documents WHERE kind = 'user'",
    'SELECT * FROM information_schema.tables',
    'SELECT * FROM information_schema.columns',
    'SELECT * FROM duckdb_settings()',
    'SELECT * FROM duckdb_tables()',
    'SELECT * FROM system.tables',
    'SELECT * FROM system.settings',
    "SELECT current_setting('memory_limit') AS s",
    "SELECT getSetting('max_memory_usage') AS s",
    "SELECT getenv('HOME') AS h",
    'SELECT event IN documents AS x FROM events',
    "SELECT joinGet('documents', 'body', 'x') AS b",
    "SELECT dictGet('documents', 'body', 1) AS b",
    'PRAGMA database_list',
    'SHOW TABLES',
    'DESCRIBE events_raw',
    'SUMMARIZE events_raw',
    'EXPLAIN SELECT * FROM events_raw',
    // Host files, including the data folder's admin token.
    `SELECT * FROM read_csv('${canaryFile}')`,
    `SELECT * FROM read_text('${token}')`,
    `SELECT * FROM read_blob('${token}')`,
    `SELECT * FROM glob('${e.dataDir}/*')`,
    `SELECT * FROM '${token}'`,
    `SELECT * FROM '${canaryFile}'`,
    `SELECT * FROM file('${token}', 'LineAsString')`,
    `SELECT file('${token}') AS t`,
    `SELECT * FROM file('${canaryFile}', 'CSV')`,
    `SELECT * FROM sniff_csv('${canaryFile}')`,
    // Network.
    `SELECT * FROM url('${e.hitUrl}', 'LineAsString')`,
    `SELECT * FROM read_csv('${e.hitUrl}')`,
    `SELECT * FROM s3('${e.hitUrl}', 'CSV')`,
    "SELECT * FROM remote('127.0.0.1', system.tables)",
    // Writes: files, extra statements, DDL, settings for everyone.
    `SELECT 1 INTO OUTFILE '${out}'`,
    `SELECT 1 AS a FORMAT JSON`,
    `COPY events_raw TO '${out}'`,
    'SELECT 1; DROP TABLE documents',
    "SELECT 1; INSERT INTO events_raw (project_id, event) VALUES ('x', 'x')",
    "INSERT INTO events_raw (project_id, message_id, event) VALUES ('x', 'x', 'x')",
    "INSERT INTO documents (kind, project_id, id, body, version, deleted) VALUES ('user', '', 'evil', '{}', 1, 0)",
    'DROP TABLE events_raw',
    'DELETE FROM events',
    'CREATE TABLE evil AS SELECT * FROM events',
    `ATTACH '${join(e.outDir, 'x.db')}' AS x`,
    'SET max_memory_usage = 1',
    'SET threads = 1',
    'SELECT 1 AS a SETTINGS readonly = 0',
    'SELECT 1 AS a SETTINGS max_execution_time = 100000',
    'INSTALL httpfs',
    'LOAD httpfs',
    'SYSTEM SHUTDOWN',
    // Other table functions and odd shapes.
    'SELECT * FROM numbers(10)',
    'SELECT * FROM range(10)',
    'SELECT * FROM generate_series(1, 3)',
    'SELECT $1 AS p',
    'SELECT {p:String} AS p',
    'SELECT * FROM events AT (VERSION => 1)',
    'SELECT * FROM events; SELECT * FROM events_raw',
    // More spellings of a name.
    'SELECT * FROM `events_raw`',
    'SELECT * FROM "main"."events_raw"',
    'SELECT * FROM memory.main.events_raw',
    'FROM documents SELECT *',
    'SELECT * FROM (FROM events_raw)',
    'TABLE documents',
    'SELECT * FROM events_raw FINAL',
    `WITH "${token}" AS (SELECT 1 AS a) SELECT * FROM "${token}"`,
    'WITH x AS (SELECT * FROM events_raw) SELECT count(*) AS n FROM events',
    'SELECT * FROM events e ANY LEFT JOIN documents d ON 1 = 1',
    'SELECT * FROM events WHERE event GLOBAL IN (SELECT event FROM events)',
  ];
}

describeEachStore("users' SQL refuses hostile queries", (ctx) => {
  let t: TestServer;
  let f: SqlFixture;
  let env: Env;
  let hits = 0;
  let web: Server;
  let before_: { counts: Record<string, number>; tables: number; setting: string };

  async function snapshot(store: Store) {
    const tables =
      store.dialect.name === 'duckdb'
        ? await store.query<{ n: number }>('SELECT count(*) AS n FROM duckdb_tables()')
        : await store.query<{ n: number }>('SELECT count() AS n FROM system.tables WHERE database = currentDatabase()');
    const setting =
      store.dialect.name === 'duckdb'
        ? await store.query<{ s: string }>("SELECT current_setting('threads')::VARCHAR AS s")
        : await store.query<{ s: string }>("SELECT toString(getSetting('max_memory_usage')) AS s");
    return { counts: await tableCounts(store), tables: Number(tables[0]!.n), setting: String(setting[0]!.s) };
  }

  before(async () => {
    web = createServer((_req, res) => {
      hits++;
      res.end(`${CANARY}-fetched\n`);
    });
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
    const address = web.address();
    t = await startTestServer(ctx.kind, ctx.store);
    f = await seedTwoProjects(ctx.store, t.project.id);
    const dataDir = t.server.ctx.config.dataDir;
    writeFileSync(join(dataDir, 'canary.csv'), `a\n${CANARY}-file\n`);
    env = {
      token: adminToken(dataDir),
      dataDir,
      outDir: tempDir(),
      hitUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hit`,
    };
    before_ = await snapshot(ctx.store);
  });
  after(async () => {
    await t?.close();
    await new Promise((r) => web?.close(r));
  });

  it('refuses every query of the attack list with a 4xx that leaks nothing', async () => {
    const list = attacks(env);
    assert.ok(list.length >= 40, `${list.length} attacks`);
    const secrets = [CANARY, f.projectB, f.secretB, f.writeKeyB, env.token, 'argon2', 'sk_', 'adm_'];
    const failures: string[] = [];
    for (const sql of list) {
      const r = await t.api('POST', '/api/v1/sql', { sql });
      const text = JSON.stringify(r.body);
      if (r.status < 400 || r.status >= 500) failures.push(`${r.status} for ${sql}: ${text.slice(0, 200)}`);
      for (const s of secrets) if (text.includes(s)) failures.push(`"${s}" leaked by ${sql}: ${text.slice(0, 200)}`);
    }
    assert.deepEqual(failures, []);
  });

  it('wrote nothing, changed no setting and fetched nothing while refusing them', async () => {
    assert.deepEqual(await snapshot(ctx.store), before_);
    assert.equal(existsSync(join(env.outDir, 'out.txt')), false);
    assert.equal(existsSync(join(env.outDir, 'x.db')), false);
    assert.equal(hits, 0);
  });

  it("gives a viewer's session cookie the same refusals as a secret key", async () => {
    await createUser(ctx.store, { email: 'viewer@example.com', password: 'viewer pass', role: 'viewer' });
    const headers = { 'content-type': 'application/json', origin: t.url };
    const login = await fetch(`${t.url}/api/v1/auth/login`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ email: 'viewer@example.com', password: 'viewer pass' }),
    });
    assert.equal(login.status, 200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const asViewer = async (sql: string) => {
      const r = await fetch(`${t.url}/api/v1/sql`, { method: 'POST', headers: { ...headers, cookie }, body: JSON.stringify({ sql }) });
      return { status: r.status, text: await r.text() };
    };
    assert.equal((await asViewer('SELECT count(*) AS n FROM events')).status, 200);
    for (const sql of [
      'SELECT * FROM documents',
      'SELECT * FROM (SELECT 1) t, events_raw r',
      `SELECT * FROM read_text('${join(env.dataDir, 'admin-token')}')`,
      "INSERT INTO events_raw (project_id) VALUES ('x')",
    ]) {
      const r = await asViewer(sql);
      assert.ok(r.status >= 400 && r.status < 500, `${r.status} for ${sql}`);
      assert.ok(!r.text.includes(CANARY) && !r.text.includes(env.token), `leak by ${sql}`);
    }
  });

  it("answers engine errors with a 400 in the engine's words, without the SQL it ran", async () => {
    const r = await t.api('POST', '/api/v1/sql', { sql: 'SELECT no_such_column FROM events' });
    assert.equal(r.status, 400);
    assert.match(r.body.error, /no_such_column/);
    assert.doesNotMatch(r.body.error, /_unscoped|wm_scoped|project_id\s*=|user_query|LINE \d/);
    assert.ok(!r.body.error.includes(t.project.id));
    const syntax = await t.api('POST', '/api/v1/sql', { sql: 'SELEC 1' });
    assert.equal(syntax.status, 400);
  });

  it("keeps project A's own rows to itself: a union with B's rows by any route returns none of them", async () => {
    const r = await t.api('POST', '/api/v1/sql', { sql: 'SELECT count(*) AS n, count(DISTINCT project_id) AS p FROM events' });
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.rows.map((x: { n: number; p: number }) => [Number(x.n), Number(x.p)]),
      [[f.a.events, 1]],
    );
  });
});
