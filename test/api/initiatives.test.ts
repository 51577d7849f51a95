import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ingest } from '../support/ingest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { DID, ROLLOUT_INITIATIVE, rolloutMessages, SHIP } from '../initiatives/fixtures.ts';

describe('initiatives API', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('duckdb');
    await ingest(t.store, t.project.id, rolloutMessages());
  });
  after(async () => t.close());

  it('creates an initiative, reports its difference-in-differences lift and ROI, and serves it as an annotation', async () => {
    const created = await t.api('POST', '/api/v1/initiatives', ROLLOUT_INITIATIVE);
    assert.equal(created.status, 201);
    const id = created.body.id as string;
    const report = await t.api('GET', `/api/v1/initiatives/${id}/report`);
    assert.equal(report.status, 200);
    assert.equal(report.body.method, 'did');
    assert.ok(Math.abs(report.body.lift.absolute.estimate - DID) < 1e-9);
    assert.ok(Math.abs(report.body.incrementalConversions.estimate - 3) < 1e-9);
    // The test project's default margin is 0.3: 300 × 0.3 = 90 against a cost of 100.
    assert.equal(report.body.grossMargin, 0.3);
    assert.ok(Math.abs(report.body.roi.estimate - -0.1) < 1e-9);
    // Not paid back in the 3 observed days (90 of 100), so projected: 90 / 3 = 30 a day, and
    // ceil(100 / 30) = 4 days from the ship date (03-07) is 03-10.
    assert.equal(report.body.paybackDate, '2026-03-10');
    assert.equal(report.body.paybackProjected, true);
    const annotations = await t.api('GET', '/api/v1/annotations');
    assert.deepEqual(annotations.body.annotations, [
      { date: SHIP, kind: 'initiative', id, label: ROLLOUT_INITIATIVE.name, description: '' },
    ]);
  });

  it('lists, updates and deletes, answering 404 for unknown ids and 400 for invalid bodies', async () => {
    const { body: created } = await t.api('POST', '/api/v1/initiatives', { ...ROLLOUT_INITIATIVE, name: 'To edit' });
    const put = await t.api('PUT', `/api/v1/initiatives/${created.id}`, { ...ROLLOUT_INITIATIVE, name: 'Edited', cost: { oneOff: 50 } });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body.cost, { oneOff: 50, perMonth: 0 });
    assert.equal((await t.api('GET', `/api/v1/initiatives/${created.id}`)).body.name, 'Edited');
    assert.ok((await t.api('GET', '/api/v1/initiatives')).body.initiatives.some((i: { name: string }) => i.name === 'Edited'));
    assert.equal((await t.api('DELETE', `/api/v1/initiatives/${created.id}`)).status, 200);
    assert.equal((await t.api('GET', `/api/v1/initiatives/${created.id}`)).status, 404);
    assert.equal((await t.api('GET', '/api/v1/initiatives/nope/report')).status, 404);
    assert.equal((await t.api('PUT', '/api/v1/initiatives/nope', ROLLOUT_INITIATIVE)).status, 404);
    assert.equal((await t.api('DELETE', '/api/v1/initiatives/nope')).status, 404);
    const bad = await t.api('POST', '/api/v1/initiatives', { ...ROLLOUT_INITIATIVE, shippedAt: 'March 7' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'shippedAt');
    // A ship date after the data ends leaves no post-period: 400, not 500.
    const { body: late } = await t.api('POST', '/api/v1/initiatives', { ...ROLLOUT_INITIATIVE, shippedAt: '2027-01-01' });
    const noPost = await t.api('GET', `/api/v1/initiatives/${late.id}/report`);
    assert.equal(noPost.status, 400);
    assert.match(noPost.body.error, /no post-period/);
    const anonymous = await fetch(`${t.url}/api/v1/initiatives`);
    assert.equal(anonymous.status, 401);
  });
});
