/**
 * The project's own domains (settings.domains) reach collection: a page whose referrer is on one
 * of them is internal navigation, so it continues its session's source (GA convention) instead of
 * starting a Referral session from that domain. Set through the settings API, effective at once.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { QueryBuilder } from '../../src/store/dialect/dialect.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { describeEachStore } from '../support/stores.ts';

const SITE = 'https://www.example.com';
const OWN_REFERRER = 'https://shop.example.com/x';
const page = (id: string, anon: string, ts: string, url: string, referrer?: string) => ({
  type: 'page',
  messageId: id,
  anonymousId: anon,
  timestamp: ts,
  context: { page: { url, ...(referrer ? { referrer } : {}) } },
});

describeEachStore("a referrer on the project's own domains", (ctx) => {
  let t: TestServer;
  const send = async (messages: object[]) => {
    const response = await fetch(`${t.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ writeKey: t.writeKey, batch: messages }),
    });
    assert.equal(response.status, 200, await response.text());
    assert.equal((await t.api('POST', '/api/v1/flush')).status, 200);
  };
  const rows = async () => {
    const q = new QueryBuilder(ctx.store.dialect);
    const found = await ctx.store.query<{ message_id: string; session_id: string; source: string; medium: string; channel: string }>(
      q.build(`SELECT message_id, session_id, source, medium, channel FROM events WHERE project_id = ${q.str(t.project.id)}`),
    );
    return Object.fromEntries(found.map((r) => [r.message_id, r]));
  };

  before(async () => {
    t = await startTestServer(ctx.kind, ctx.store);
  });
  after(async () => {
    await t.close();
  });

  it('is a Referral from that domain while the project has no own domains', async () => {
    await send([page('before', 'v0', '2026-04-01T10:00:00Z', `${SITE}/`, OWN_REFERRER)]);
    const r = (await rows()).before!;
    assert.deepEqual([r.source, r.medium, r.channel], ['shop.example.com', 'referral', 'Referral']);
  });

  it("continues the session's source once the settings name the domain, and is no source of its own on a first hit", async () => {
    const patched = await t.api('PATCH', '/api/v1/project/settings', { domains: [' example.com ', 'shop.example.com'] });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.domains, ['example.com', 'shop.example.com']);
    await send([
      // v1 arrives from an email campaign, then comes back through the shop subdomain 5 minutes later.
      page('v1-land', 'v1', '2026-04-02T10:00:00Z', `${SITE}/?utm_source=news&utm_medium=email&utm_campaign=dec`),
      page('v1-next', 'v1', '2026-04-02T10:05:00Z', `${SITE}/p`, OWN_REFERRER),
      // v2's first hit comes from the shop subdomain, without UTM.
      page('v2-first', 'v2', '2026-04-02T11:00:00Z', `${SITE}/`, OWN_REFERRER),
    ]);
    const r = await rows();
    assert.deepEqual([r['v1-land']!.source, r['v1-land']!.medium, r['v1-land']!.channel], ['news', 'email', 'Email']);
    // No source of its own: the page stays in the email session rather than starting a referral one.
    assert.deepEqual([r['v1-next']!.source, r['v1-next']!.medium, r['v1-next']!.channel], ['', '', '']);
    assert.equal(r['v1-next']!.session_id, r['v1-land']!.session_id);
    // A first hit from an own domain brings no source either: never a Referral from the site itself.
    assert.deepEqual([r['v2-first']!.source, r['v2-first']!.medium, r['v2-first']!.channel], ['', '', '']);
    // The event stored before the change keeps what it was given.
    assert.equal(r.before!.channel, 'Referral');
  });
});
