import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { journeyMessages } from '../analysis/journey-map-fixture.ts';
import { ingest } from '../support/ingest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const range = { from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' };

describe('journey, persona and customer routes', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('duckdb');
    await ingest(t.store, t.project.id, journeyMessages());
  });
  after(async () => {
    await t.close();
  });

  it('POST /api/v1/journeys/map returns the default journey map', async () => {
    const r = await t.api('POST', '/api/v1/journeys/map', range);
    assert.equal(r.status, 200);
    // Stages by behaviour only (test/analysis/journey-map-fixture.ts): eve's server-side order makes her aware too.
    assert.deepEqual(
      r.body.stages.map((s: { entered: number }) => s.entered),
      [5, 3, 3, 1, 1],
    );
    // Bob, lost after starting checkout: consideration's downstream conversion 2/3 × AOV 72.5.
    assert.equal(r.body.leaks[0].value, (2 / 3) * 72.5);
    assert.match(r.body.formula, /downstream conversion/);
    assert.equal(r.body.grid.length, 11);
  });

  it('answers 400 for a bad scope or an unknown journey and 401 without a key', async () => {
    const bad = await t.api('POST', '/api/v1/journeys/map', { from: 'soon' });
    assert.equal(bad.status, 400);
    const inverted = await t.api('POST', '/api/v1/journeys/map', { from: range.to, to: range.from });
    assert.equal(inverted.status, 400);
    const unknown = await t.api('POST', '/api/v1/journeys/map', { ...range, journeyId: 'nope' });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error, /journeyId: no journey "nope"/);
    const anon = await fetch(`${t.url}/api/v1/journeys/map`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(range),
    });
    assert.equal(anon.status, 401);
  });

  it('stores, lists, shows, maps and deletes a journey, with 400 for an invalid one and 404 for unknown ids', async () => {
    const body = {
      id: 'buyers',
      name: 'Buyers',
      stages: [
        { id: 'seen', name: 'Seen', rules: [{ anyChannel: true }] },
        { id: 'bought', name: 'Bought', rules: [{ events: ['Order Completed'] }] },
      ],
    };
    assert.equal((await t.api('POST', '/api/v1/journeys', body)).status, 201);
    const invalid = await t.api('POST', '/api/v1/journeys', { name: 'x', stages: [{ id: 'a', name: 'A', rules: [{}] }] });
    assert.equal(invalid.status, 400);
    const list = await t.api('GET', '/api/v1/journeys');
    assert.deepEqual([list.body.default, list.body.journeys.length], ['buyers', 1]);
    assert.equal((await t.api('GET', '/api/v1/journeys/buyers')).body.stages[1].id, 'bought');
    assert.equal((await t.api('GET', '/api/v1/journeys/missing')).status, 404);
    const map = await t.api('POST', '/api/v1/journeys/map', { ...range, journeyId: 'buyers' });
    // Seen through a channel: ann, bob (Direct product view), cat, dan. Bought: ann and cat of them; eve buys unseen.
    assert.deepEqual(
      map.body.stages.map((s: { entered: number; converted: number }) => [s.entered, s.converted]),
      [
        [4, 2],
        [3, 0],
      ],
    );
    assert.equal((await t.api('DELETE', '/api/v1/journeys/buyers')).status, 204);
    assert.equal((await t.api('DELETE', '/api/v1/journeys/buyers')).status, 404);
  });

  it('serves persona CRUD and size, with 400 for a bad segment and 404 for unknown ids', async () => {
    const created = await t.api('POST', '/api/v1/personas', {
      name: 'Repeat buyers',
      segment: { rules: [{ kind: 'order_count', op: 'gte', value: 2 }] },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.id, 'repeat-buyers');
    assert.equal((await t.api('POST', '/api/v1/personas', { name: 'x', segment: { rules: [] } })).status, 400);
    assert.deepEqual((await t.api('GET', '/api/v1/personas/repeat-buyers/size')).body, {
      id: 'repeat-buyers',
      persons: 1,
      total: 5,
      share: 0.2,
    });
    const updated = await t.api('PUT', '/api/v1/personas/repeat-buyers', {
      name: 'Buyers',
      segment: { rules: [{ kind: 'order_count', op: 'gte', value: 1 }] },
    });
    assert.equal(updated.status, 200);
    assert.equal((await t.api('GET', '/api/v1/personas/repeat-buyers/size')).body.persons, 3);
    const scoped = await t.api('POST', '/api/v1/journeys/map', { ...range, persona: 'Buyers' });
    assert.equal(scoped.body.persons, 3);
    assert.equal(
      (await t.api('PUT', '/api/v1/personas/nope', { name: 'x', segment: { rules: [{ kind: 'order_count', op: 'gte', value: 1 }] } }))
        .status,
      404,
    );
    assert.equal((await t.api('GET', '/api/v1/personas/nope/size')).status, 404);
    assert.equal((await t.api('DELETE', '/api/v1/personas/repeat-buyers')).status, 204);
    const suggested = await t.api('POST', '/api/v1/personas/suggested');
    assert.deepEqual(suggested.body.personas.map((p: { name: string }) => p.name).sort(), ['Bargain hunters', 'Detractors', 'Loyal']);
    assert.equal((await t.api('GET', '/api/v1/personas')).body.personas.length, 3);
  });

  it('finds customers and returns a timeline, 404 for an unknown customer and 400 without a query', async () => {
    const found = await t.api('GET', '/api/v1/customers?q=cat%40');
    assert.deepEqual(
      found.body.customers.map((c: { personId: string; revenue: number }) => [c.personId, c.revenue]),
      [['u-cat', 50]],
    );
    assert.equal((await t.api('GET', '/api/v1/customers?q=')).status, 400);
    const tl = await t.api('GET', '/api/v1/customers/anon-cat/timeline');
    assert.equal(tl.status, 200);
    assert.deepEqual(
      tl.body.events.map((e: { stage_entered?: string }) => e.stage_entered ?? '-'),
      ['awareness', 'consideration', '-', 'purchase'],
    );
    assert.equal((await t.api('GET', '/api/v1/customers/ghost/timeline')).status, 404);
  });
});
