/**
 * RudderStack's browser SDK v3 asks `GET /sourceConfig/?writeKey=…` first and sends nothing unless
 * the answer is JSON with source.id, an object source.config, an array source.destinations and
 * enabled ≠ false (its isValidSourceConfig), readable cross-origin.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('RudderStack source config', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('duckdb');
  });
  after(async () => {
    await t.close();
  });

  it("answers the SDK's trailing-slash request with a valid source config and a CORS grant", async () => {
    const r = await fetch(
      `${t.url}/sourceConfig/?p=npm&v=3.11.0&build=modern&writeKey=${t.writeKey}&lockIntegrationsVersion=false&lockPluginsVersion=false`,
      { headers: { origin: 'https://shop.example.com' } },
    );
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(r.headers.get('access-control-allow-origin'), 'https://shop.example.com');
    const body = (await r.json()) as {
      source: { id: string; config: object; destinations: unknown[]; enabled: boolean; writeKey: string };
    };
    assert.equal(body.source.id, t.project.id);
    assert.equal(typeof body.source.config, 'object');
    assert.deepEqual(body.source.destinations, []);
    assert.equal(body.source.enabled, true);
    assert.equal(body.source.writeKey, t.writeKey);
  });

  it('refuses an unknown write key with 401 JSON, not the dashboard', async () => {
    const r = await fetch(`${t.url}/sourceConfig/?writeKey=nope`);
    assert.equal(r.status, 401);
    assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  });
});
