/**
 * Identity keys are a project setting: a project that stitches by customer id and email joins an
 * in-store order sent under "customer_id:<id>" to the person who identified with that id, stops
 * stitching calls by phone for identifies that come after, and applies new keys to the identifies
 * already stored (retroactive); another project keeps the default keys.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { callToMessage } from '../../src/calls/callrail.ts';
import { getProject } from '../../src/projects/projects.ts';
import { createProject } from '../../src/projects/projects.ts';
import { QueryBuilder } from '../../src/store/dialect/dialect.ts';
import { ingest } from '../support/ingest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { describeEachStore } from '../support/stores.ts';

const identify = (id: string, userId: string, ts: string, traits: object) => ({
  type: 'identify',
  messageId: id,
  userId,
  timestamp: ts,
  traits,
});
const storeOrder = (id: string, customerId: string, ts: string) => ({
  type: 'track',
  event: 'Order Completed',
  messageId: id,
  anonymousId: `customer_id:${customerId}`,
  timestamp: ts,
  properties: { order_id: id, revenue: 30, channel: 'In-store' },
});
const call = (id: string, phone: string, ts: string) => ({
  ...callToMessage({ resource_id: id, customer_phone_number: phone, start_time: ts, duration: 60 }),
  messageId: id,
});

describeEachStore('identity keys per project', (ctx) => {
  let t: TestServer;
  let other: string;
  const personOf = async (projectId: string, messageId: string) => {
    const q = new QueryBuilder(ctx.store.dialect);
    const [r] = await ctx.store.query(
      q.build(`SELECT person_id FROM events WHERE project_id = ${q.str(projectId)} AND message_id = ${q.str(messageId)}`),
    );
    return r?.person_id as string | undefined;
  };

  before(async () => {
    t = await startTestServer(ctx.kind, ctx.store);
    other = (await createProject(ctx.store, 'Other')).project.id;
    await ingest(ctx.store, t.project.id, [
      identify('id-ann', 'u-ann', '2026-04-01T10:00:00Z', { customer_id: 'C-77', phone: '+1 404 555 0100' }),
      storeOrder('order-ann', 'C-77', '2026-04-02T10:00:00Z'),
      call('call-ann', '+1 (404) 555-0100', '2026-04-03T10:00:00Z'),
    ]);
    await ingest(ctx.store, other, [
      identify('id-zed', 'u-zed', '2026-04-01T10:00:00Z', { customer_id: 'C-77' }),
      storeOrder('order-zed', 'C-77', '2026-04-02T10:00:00Z'),
    ]);
  });
  after(async () => {
    await t.close();
  });

  it('stitches by the default keys (phone, email) until the project names its own', async () => {
    assert.deepEqual((await getProject(ctx.store, t.project.id))!.settings.identityKeys, [
      { trait: 'phone', kind: 'phone' },
      { trait: 'phone_sha256', kind: 'phone_sha256' },
      { trait: 'email', kind: 'email' },
      { trait: 'email_sha256', kind: 'email_sha256' },
    ]);
    assert.equal(await personOf(t.project.id, 'call-ann'), 'u-ann');
    assert.equal(await personOf(t.project.id, 'order-ann'), 'customer_id:C-77');
  });

  it('applies new keys to the identifies already stored and to those that come after', async () => {
    const keys = [
      { trait: 'customer_id', kind: 'id' },
      { trait: 'email', kind: 'email' },
    ];
    const r = await t.api('PATCH', '/api/v1/project/settings', { identityKeys: keys });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.identityKeys, keys);
    // Retroactive: Ann's in-store order, stored before, is hers now; her call stays hers (links are kept).
    assert.equal(await personOf(t.project.id, 'order-ann'), 'u-ann');
    assert.equal(await personOf(t.project.id, 'call-ann'), 'u-ann');

    await ingest(ctx.store, t.project.id, [
      identify('id-bob', 'u-bob', '2026-04-05T10:00:00Z', { customer_id: 'C-88', phone: '+1 212 555 0199', email: 'Bob@Example.com ' }),
      storeOrder('order-bob', 'C-88', '2026-04-06T10:00:00Z'),
      call('call-bob', '+1 212 555 0199', '2026-04-07T10:00:00Z'),
    ]);
    assert.equal(await personOf(t.project.id, 'order-bob'), 'u-bob');
    // Phone is no longer a key of this project: Bob's number links nobody.
    assert.match(String(await personOf(t.project.id, 'call-bob')), /^phone:[0-9a-f]{64}$/);
  });

  it("leaves another project's stitching alone", async () => {
    assert.equal(await personOf(other, 'order-zed'), 'customer_id:C-77');
  });

  it('refuses a key whose trait is not a plain name, naming the field', async () => {
    const r = await t.api('PATCH', '/api/v1/project/settings', { identityKeys: [{ trait: "x') OR 1=1 --", kind: 'id' }] });
    assert.equal(r.status, 400);
    assert.match(r.body.error, /identityKeys\.0\.trait/);
  });
});
