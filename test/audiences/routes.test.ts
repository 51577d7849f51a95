import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUser } from '../../src/auth/users.ts';
import { ingest } from '../support/ingest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { startReceiver, type Receiver } from './receiver.ts';

describe('audience routes', () => {
  let t: TestServer;
  let receiver: Receiver;
  let secret = '';
  before(async () => {
    t = await startTestServer('duckdb');
    await ingest(
      t.store,
      t.project.id,
      Array.from({ length: 12 }, (_, i) => ({
        type: 'identify',
        userId: `c${i}`,
        traits: { tier: i % 3 === 0 ? 'gold' : 'basic' },
        messageId: `m${i}`,
        timestamp: '2026-02-01T00:00:00Z',
      })),
    );
    receiver = await startReceiver(() => secret);
    await createUser(t.store, { email: 'viewer@example.com', password: 'viewer pass', role: 'viewer' });
  });
  after(async () => {
    await receiver.close();
    await t.close();
  });

  it('creates, syncs, pages and exports an audience; the webhook hears each join once, signed', async () => {
    const created = await t.api('POST', '/api/v1/audiences', {
      name: 'Gold tier',
      source: { kind: 'segment', segment: { rules: [{ kind: 'trait', trait: 'tier', op: 'eq', value: 'gold' }] } },
      webhooks: [{ url: receiver.url }],
      trait: 'gold_tier',
    });
    assert.equal(created.status, 201);
    secret = created.body.webhooks[0].secret;
    assert.match(secret, /^whsec_/);
    const list = await t.api('GET', '/api/v1/audiences');
    assert.equal(list.body.audiences.length, 1);
    assert.notEqual(list.body.audiences[0].webhooks[0].secret, secret, 'secrets are not listed');

    const sync = await t.api('POST', '/api/v1/audiences/gold-tier/sync', {});
    assert.equal(sync.status, 200);
    assert.equal(sync.body.joined, 4);
    assert.equal(receiver.calls.length, 1);
    assert.equal(receiver.calls[0]!.signatureValid, true);
    assert.deepEqual(receiver.calls[0]!.body.persons, ['c0', 'c3', 'c6', 'c9']);
    await t.api('POST', '/api/v1/audiences/gold-tier/sync', {});
    assert.equal(receiver.calls.length, 1, 'no change, no call');

    const page1 = await t.api('GET', '/api/v1/audiences/gold-tier/members?limit=3');
    assert.deepEqual(
      page1.body.members.map((m: { personId: string }) => m.personId),
      ['c0', 'c3', 'c6'],
    );
    const page2 = await t.api('GET', `/api/v1/audiences/gold-tier/members?limit=3&after=${page1.body.next}`);
    assert.deepEqual(
      page2.body.members.map((m: { personId: string }) => m.personId),
      ['c9'],
    );
    assert.equal(page2.body.next, null);

    const csv = await fetch(`${t.url}/api/v1/audiences/gold-tier/export?format=csv`, {
      headers: { authorization: `Bearer ${t.secretKey}` },
    });
    assert.match(csv.headers.get('content-type')!, /text\/csv/);
    assert.equal((await csv.text()).trim().split('\n').length, 5);
    const seg = await fetch(`${t.url}/api/v1/audiences/gold-tier/export?format=segment`, {
      headers: { authorization: `Bearer ${t.secretKey}` },
    });
    const calls = (await seg.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      calls.map((c) => [c.type, c.userId, c.traits.gold_tier]),
      [
        ['identify', 'c0', true],
        ['identify', 'c3', true],
        ['identify', 'c6', true],
        ['identify', 'c9', true],
      ],
    );
    const one = await t.api('GET', '/api/v1/audiences/gold-tier');
    assert.equal(one.body.size, 4);
    assert.equal(one.body.lastSync.joined, 0);
    assert.equal((await t.api('GET', '/api/v1/audiences/nope')).status, 404);
  });

  it('lets a viewer read audiences but not create or sync them', async () => {
    const login = await fetch(`${t.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: t.url },
      body: JSON.stringify({ email: 'viewer@example.com', password: 'viewer pass' }),
    });
    assert.equal(login.status, 200);
    const cookie = /^(waymark_session=[^;]*)/.exec(login.headers.get('set-cookie')!)![1]!;
    const headers = { cookie, origin: t.url, 'content-type': 'application/json' };
    assert.equal((await fetch(`${t.url}/api/v1/audiences`, { headers })).status, 200);
    assert.equal((await fetch(`${t.url}/api/v1/audiences/gold-tier/members`, { headers })).status, 200);
    assert.equal(
      (
        await fetch(`${t.url}/api/v1/audiences`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ name: 'x', source: { kind: 'persona', persona: 'y' } }),
        })
      ).status,
      403,
    );
    assert.equal((await fetch(`${t.url}/api/v1/audiences/gold-tier/sync`, { method: 'POST', headers, body: '{}' })).status, 403);
  });
});
