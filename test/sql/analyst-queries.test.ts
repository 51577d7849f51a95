/**
 * Real analyst queries through the real route still work under the parser-based checker, on every
 * store, and see only project A's rows (project B's canaries never appear).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.ts';
import { describeEachStore } from '../support/stores.ts';
import { CANARY, seedTwoProjects, type SqlFixture } from './fixture.ts';

describeEachStore("users' SQL runs analyst queries over one project", (ctx) => {
  let t: TestServer;
  let f: SqlFixture;
  const sql = async (q: string) => {
    const r = await t.api('POST', '/api/v1/sql', { sql: q });
    assert.equal(r.status, 200, `${q}: ${JSON.stringify(r.body)}`);
    assert.ok(!JSON.stringify(r.body).includes(CANARY), `${q} returned project B's rows`);
    return r.body.rows as Record<string, unknown>[];
  };
  const num = (v: unknown) => Number(v);

  before(async () => {
    t = await startTestServer(ctx.kind, ctx.store);
    f = await seedTwoProjects(ctx.store, t.project.id);
  });
  after(async () => t?.close());

  it("counts the project's events and distinct persons", async () => {
    const [r] = await sql('SELECT count(*) AS n, count(DISTINCT person_id) AS persons FROM events');
    assert.equal(num(r!.n), f.a.events);
    assert.equal(num(r!.persons), f.a.persons);
  });

  it('joins events to persons and groups by a trait', async () => {
    const rows = await sql(`
      SELECT p.user_id AS user_id, count(*) AS n
      FROM events e JOIN persons p ON p.person_id = e.person_id
      WHERE e.event = 'Order Completed'
      GROUP BY p.user_id ORDER BY p.user_id`);
    assert.equal(rows.length, f.a.purchases);
    assert.ok(rows.every((r) => String(r.user_id).startsWith('a-user-') && num(r.n) === 1));
  });

  it('sums revenue in a CTE and ranks buyers with a window function', async () => {
    const rows = await sql(`
      WITH buyers AS (
        SELECT person_id, sum(revenue) AS total FROM events WHERE revenue IS NOT NULL GROUP BY person_id
      )
      SELECT person_id, total, row_number() OVER (ORDER BY total DESC) AS rnk FROM buyers ORDER BY rnk`);
    assert.equal(rows.length, f.a.purchases);
    assert.equal(
      rows.reduce((s, r) => s + num(r.total), 0),
      f.a.revenue,
    );
    assert.deepEqual(
      rows.map((r) => num(r.rnk)),
      rows.map((_, i) => i + 1),
    );
  });

  it("orders each person's events with lag over a partition", async () => {
    const rows = await sql(`
      SELECT person_id, event, lag(event) OVER (PARTITION BY person_id ORDER BY timestamp) AS previous
      FROM events WHERE type = 'track' ORDER BY person_id`);
    assert.equal(rows.length, f.a.persons);
    assert.ok(rows.every((r) => r.previous === null || r.previous === ''));
  });

  it('aggregates ad spend by campaign and day', async () => {
    const rows = await sql('SELECT campaign, sum(cost) AS cost, count(*) AS days FROM ad_spend GROUP BY campaign ORDER BY campaign');
    assert.deepEqual(
      rows.map((r) => [r.campaign, num(r.cost), num(r.days)]),
      [['a-campaign', f.a.spend, 2]],
    );
  });

  it('buckets events by week with date functions and filters on a date literal', async () => {
    const rows = await sql(`
      SELECT date_trunc('week', timestamp) AS week, count(*) AS n
      FROM events WHERE timestamp >= '2026-01-01' GROUP BY 1 ORDER BY 1`);
    assert.equal(
      rows.reduce((s, r) => s + num(r.n), 0),
      f.a.events,
    );
    assert.ok(rows.every((r) => /^2026-01-\d\d/.test(String(r.week))));
  });

  it('joins event totals to spend (ROI by campaign) and reads a JSON property', async () => {
    const rows = await sql(`
      WITH rev AS (SELECT campaign, sum(revenue) AS revenue FROM events GROUP BY campaign),
           cost AS (SELECT campaign, sum(cost) AS cost FROM ad_spend GROUP BY campaign)
      SELECT c.campaign AS campaign, c.cost AS cost, coalesce(r.revenue, 0) AS revenue
      FROM cost c LEFT JOIN rev r ON r.campaign = c.campaign`);
    assert.deepEqual(
      rows.map((r) => [r.campaign, num(r.cost)]),
      [['a-campaign', f.a.spend]],
    );
    // Each engine's own JSON function (users' SQL is the store's dialect).
    const extract = ctx.kind === 'duckdb' ? "json_extract_string(properties, '$.plan')" : "JSONExtractString(properties, 'plan')";
    const plans = await sql(`SELECT ${extract} AS plan, count(*) AS n FROM events WHERE type = 'track' GROUP BY 1 ORDER BY 1`);
    assert.deepEqual(
      plans.map((r) => [r.plan, num(r.n)]),
      [
        ['free', 6],
        ['pro', 6],
      ],
    );
  });

  it('accepts literals holding comment markers, quotes and backslashes, and UNION of the public relations', async () => {
    const rows = await sql("SELECT '--' AS a, '/*' AS b, 'it''s' AS c FROM events LIMIT 1");
    assert.deepEqual(rows, [{ a: '--', b: '/*', c: "it's" }]);
    const u = await sql("SELECT 'e' AS k, count(*) AS n FROM events UNION ALL SELECT 's' AS k, count(*) AS n FROM ad_spend");
    assert.deepEqual(u.map((r) => [r.k, num(r.n)]).sort(), [
      ['e', f.a.events],
      ['s', 2],
    ]);
  });

  it('honours the row limit and the subquery on persons', async () => {
    const r = await t.api('POST', '/api/v1/sql', {
      sql: 'SELECT * FROM events WHERE person_id IN (SELECT person_id FROM persons)',
      limit: 5,
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.rows.length, 5);
  });
});
