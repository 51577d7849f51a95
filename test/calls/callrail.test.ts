import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { computeAttribution } from '../../src/attribution/attribution-report.ts';
import { callToMessage, hashedCallerId } from '../../src/calls/callrail.ts';
import { readCallsCsv } from '../../src/calls/csv.ts';
import { verifySignature } from '../../src/calls/signature.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { tempDir } from '../support/stores.ts';

/** A post-call webhook body with CallRail's field names. */
const CALL = {
  resource_id: 'CAL8154748ae6bd4e278a7cddd38a662f4f',
  answered: true,
  customer_phone_number: '+1 (404) 555-0100',
  customer_name: 'Jane Doe',
  duration: '184',
  start_time: '2026-03-20T09:00:00.000-04:00',
  tracking_phone_number: '+14045550199',
  source: 'Google Ads',
  utm_source: 'google',
  utm_medium: 'cpc',
  utm_campaign: 'brand',
  keywords: 'driftwood supply',
  first_call: true,
};

describe('CallRail call records', () => {
  it('turns a call into a Call Completed message on the Phone channel with a hashed caller id', () => {
    const m = callToMessage(CALL);
    const expectedId = `phone:${createHash('sha256').update('+14045550100').digest('hex')}`;
    assert.equal(m.anonymousId, expectedId);
    assert.equal(hashedCallerId('+1 404-555-0100'), expectedId, 'formatting does not change the id');
    assert.equal(m.timestamp, '2026-03-20T13:00:00.000Z');
    assert.equal(m.messageId, 'callrail-CAL8154748ae6bd4e278a7cddd38a662f4f');
    assert.deepEqual(m.properties, {
      channel: 'Phone',
      provider: 'callrail',
      call_id: CALL.resource_id,
      duration_seconds: 184,
      tracking_number: '+14045550199',
      answered: true,
      campaign: 'brand',
      keyword: 'driftwood supply',
      source: 'google',
      medium: 'cpc',
      first_call: 'true',
    });
    assert.ok(!JSON.stringify(m).includes('Jane') && !JSON.stringify(m).includes('555-0100'), 'no personal data is kept');
  });

  it('rejects a call without a caller number or a start time', () => {
    assert.throws(() => callToMessage({ ...CALL, customer_phone_number: '' }), /caller number/);
    assert.throws(() => callToMessage({ ...CALL, start_time: 'yesterday' }), /start_time/);
  });

  it('verifies HMAC-SHA256 signatures in hex or base64 and refuses any other', () => {
    const body = Buffer.from(JSON.stringify(CALL));
    const mac = createHmac('sha256', 'a-secret-of-some-length').update(body).digest();
    const hex = mac.toString('hex');
    const b64 = mac.toString('base64');
    assert.equal(verifySignature('a-secret-of-some-length', body, hex), true);
    assert.equal(verifySignature('a-secret-of-some-length', body, b64), true);
    assert.equal(verifySignature('another-secret-of-length', body, hex), false);
    assert.equal(verifySignature('a-secret-of-some-length', Buffer.concat([body, Buffer.from(' ')]), hex), false);
    assert.equal(verifySignature('a-secret-of-some-length', body, undefined), false);
    assert.equal(verifySignature('a-secret-of-some-length', body, hex.slice(0, 40)), false);
  });

  it('reads a CSV export of calls', async () => {
    const file = join(tempDir(), 'calls.csv');
    writeFileSync(
      file,
      'Resource ID,Customer Phone Number,Start Time,Duration,Answered,Campaign,Keywords\nc1,+14045550100,2026-03-20T13:00:00Z,60,false,brand,driftwood supply\n',
    );
    const out = [];
    for await (const m of readCallsCsv(file)) out.push(m);
    assert.equal(out.length, 1);
    assert.deepEqual((out[0] as { properties: object }).properties, {
      channel: 'Phone',
      provider: 'callrail',
      call_id: 'c1',
      duration_seconds: 60,
      tracking_number: '',
      answered: false,
      campaign: 'brand',
      keyword: 'driftwood supply',
    });
  });
});

describe('CallRail webhook on a running server', () => {
  let t: TestServer;
  const secret = 'whsec-0123456789abcdef';
  before(async () => {
    t = await startTestServer('duckdb');
  });
  after(async () => {
    await t.close();
  });

  const post = (body: string, headers: Record<string, string>, writeKey = t.writeKey) =>
    fetch(`${t.url}/v1/calls/callrail?writeKey=${encodeURIComponent(writeKey)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('refuses calls before a secret is set, with a bad signature, or an unknown write key', async () => {
    const body = JSON.stringify(CALL);
    assert.equal((await post(body, { signature: 'x' })).status, 401);
    const set = await t.api('PUT', '/api/v1/calls/settings', { secret });
    assert.equal(set.status, 200);
    assert.deepEqual(set.body, { header: 'signature' });
    assert.equal((await t.api('PUT', '/api/v1/calls/settings', { secret: 'short' })).status, 400);
    assert.equal((await post(body, { signature: createHmac('sha256', 'wrong-secret-123456').update(body).digest('hex') })).status, 401);
    assert.equal((await post(body, {})).status, 401);
    assert.equal((await post(body, { signature: createHmac('sha256', secret).update(body).digest('hex') }, 'wk_nope')).status, 401);
  });

  it('gets the same backpressure as collection: 429 with Retry-After while the store is behind', async () => {
    await t.api('PUT', '/api/v1/calls/settings', { secret });
    const body = JSON.stringify({ ...CALL, resource_id: 'CAL-behind' });
    const saved = t.server.ctx.spool.backlogBytes;
    t.server.ctx.spool.backlogBytes = t.server.ctx.config.maxBacklogBytes + 1;
    try {
      const response = await post(body, { signature: createHmac('sha256', secret).update(body).digest('hex') });
      assert.equal(response.status, 429);
      assert.equal(response.headers.get('retry-after'), '5');
    } finally {
      t.server.ctx.spool.backlogBytes = saved;
    }
  });

  it('accepts a signed call, which then shows as a Phone touchpoint with its keyword', async () => {
    const body = JSON.stringify(CALL);
    const response = await post(body, { signature: createHmac('sha256', secret).update(body).digest('hex') });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { success: true, accepted: 1, messageId: 'callrail-CAL8154748ae6bd4e278a7cddd38a662f4f' });
    // The same caller orders half an hour later (server-side, identified by the same hashed id).
    const order = {
      type: 'track',
      event: 'Order Completed',
      anonymousId: hashedCallerId(CALL.customer_phone_number),
      messageId: 'o-call',
      timestamp: '2026-03-20T13:30:00.000Z',
      properties: { revenue: 80 },
    };
    const batch = await fetch(`${t.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${t.writeKey}:`).toString('base64')}` },
      body: JSON.stringify({ batch: [order] }),
    });
    assert.equal(batch.status, 200);
    assert.equal((await t.api('POST', '/api/v1/flush')).status, 200);

    const scope = { projectId: t.project.id, from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };
    const byChannel = await computeAttribution(t.store, scope, { model: 'last_touch' });
    assert.deepEqual(
      byChannel.touchpoints.map((x) => [x.touchpoint, x.conversions, x.value]),
      [['Phone', 1, 80]],
    );
    const byKeyword = await computeAttribution(t.store, scope, { model: 'last_touch', granularity: 'keyword' });
    assert.deepEqual(
      byKeyword.touchpoints.map((x) => [x.touchpoint, x.conversions, x.value]),
      [['driftwood supply', 1, 80]],
    );
    const stored = await t.api('POST', '/api/v1/sql', {
      sql: "SELECT channel, source, medium, campaign, term FROM events WHERE event = 'Call Completed'",
    });
    assert.deepEqual(stored.body.rows, [
      { channel: 'Phone', source: 'google', medium: 'cpc', campaign: 'brand', term: 'driftwood supply' },
    ]);
  });
});
