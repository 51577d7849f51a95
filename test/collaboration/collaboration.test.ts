import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUser } from '../../src/auth/users.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** A signed-in teammate: a cookie-carrying client, as a browser would be. */
async function signIn(t: TestServer, email: string, password: string) {
  const login = await fetch(`${t.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: t.url },
    body: JSON.stringify({ email, password }),
  });
  assert.equal(login.status, 200);
  const cookie = /^(waymark_session=[^;]*)/.exec(login.headers.get('set-cookie')!)![1]!;
  return async <T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(t.url + path, {
      method,
      headers: { cookie, origin: t.url, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
}

const cell = { kind: 'journey-cell', journey: 'default', stage: 'consideration', touchpoint: 'Product Viewed' };
const cellQuery = '/api/v1/comments?kind=journey-cell&journey=default&stage=consideration&touchpoint=Product%20Viewed';

describe('collaboration', () => {
  let t: TestServer;
  let ana: Awaited<ReturnType<typeof signIn>>;
  let ben: Awaited<ReturnType<typeof signIn>>;
  let cai: Awaited<ReturnType<typeof signIn>>;
  before(async () => {
    t = await startTestServer('duckdb');
    await createUser(t.store, { email: 'ana@example.com', password: 'ana password', name: 'Ana', role: 'owner' });
    await createUser(t.store, { email: 'ben@example.com', password: 'ben password', name: 'Ben', role: 'member' });
    await createUser(t.store, { email: 'cai@example.com', password: 'cai password', name: 'Cai', role: 'viewer' });
    ana = await signIn(t, 'ana@example.com', 'ana password');
    ben = await signIn(t, 'ben@example.com', 'ben password');
    cai = await signIn(t, 'cai@example.com', 'cai password');
  });
  after(() => t.close());

  it('shows a comment left on a journey cell to a teammate, with @mentions, by role', async () => {
    const posted = await ben('POST', '/api/v1/comments', {
      target: cell,
      text: 'Drop-off doubled here since the redesign, @cai can you check the mobile PDP? cc @ana@example.com',
    });
    assert.equal(posted.status, 201);
    assert.deepEqual(posted.body.mentions.map((m: { email: string }) => m.email).sort(), ['ana@example.com', 'cai@example.com']);
    assert.equal(posted.body.author.name, 'Ben');
    const internal = await ben('POST', '/api/v1/comments', { target: cell, text: 'Members only: budget numbers', visibleTo: 'members' });
    assert.equal(internal.status, 201);
    await ben('POST', '/api/v1/comments', { target: { kind: 'experiment', experiment: 'welcome-offer' }, text: 'Elsewhere' });

    const seenByViewer = await cai('GET', cellQuery);
    assert.equal(seenByViewer.status, 200);
    assert.deepEqual(
      seenByViewer.body.comments.map((c: { text: string }) => c.text),
      [posted.body.text],
    );
    const seenByOwner = await ana('GET', cellQuery);
    assert.equal(seenByOwner.body.comments.length, 2);
    const mentions = await cai('GET', '/api/v1/comments?mentions=me');
    assert.equal(mentions.body.comments.length, 1);
    assert.equal((await cai('POST', '/api/v1/comments', { target: cell, text: 'me too' })).status, 403, 'viewers read only');
    assert.equal((await cai('PUT', `/api/v1/comments/${posted.body.id}`, { text: 'edited' })).status, 403);
    const edited = await ben('PUT', `/api/v1/comments/${posted.body.id}`, { text: 'Fixed, thanks @cai' });
    assert.equal(edited.status, 200);
    assert.ok(edited.body.editedAt);
  });

  it('annotates time charts and lists the annotations by chart', async () => {
    const a = await ana('POST', '/api/v1/chart-annotations', {
      date: '2026-03-02',
      label: 'Spring sale launch',
      kind: 'campaign',
      charts: ['revenue'],
    });
    assert.equal(a.status, 201);
    await ana('POST', '/api/v1/chart-annotations', { date: '2026-03-10', label: 'Tracking fix' });
    const revenue = await cai('GET', '/api/v1/chart-annotations?chart=revenue');
    assert.deepEqual(
      revenue.body.annotations.map((x: { label: string }) => x.label),
      ['Spring sale launch', 'Tracking fix'],
    );
    const orders = await cai('GET', '/api/v1/chart-annotations?chart=orders&from=2026-03-05');
    assert.deepEqual(
      orders.body.annotations.map((x: { label: string }) => x.label),
      ['Tracking fix'],
    );
  });

  it('shares a saved view read-only until it is revoked or expires', async () => {
    const share = await ana('POST', '/api/v1/shares', {
      path: '/journeys/default',
      state: { from: '2026-01-01', channel: 'Email' },
      label: 'Email journey',
    });
    assert.equal(share.status, 201);
    assert.match(share.body.url, /^\/journeys\/default\?from=2026-01-01&channel=Email&share=wms_/);
    const token = share.body.token as string;
    const resolved = await fetch(`${t.url}/api/v1/shares/resolve?token=${token}`);
    assert.equal(resolved.status, 200);
    assert.deepEqual((await resolved.json()).state, { from: '2026-01-01', channel: 'Email' });
    assert.equal((await fetch(`${t.url}/api/v1/chart-annotations`, { headers: { 'x-waymark-share': token } })).status, 200);
    assert.equal(
      (
        await fetch(`${t.url}/api/v1/personas`, {
          method: 'POST',
          headers: { 'x-waymark-share': token, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'x', segment: { rules: [{ kind: 'order_count', op: 'gte', value: 1 }] } }),
        })
      ).status,
      403,
    );
    assert.equal((await ana('DELETE', `/api/v1/shares/${share.body.id}`)).status, 200);
    assert.equal((await fetch(`${t.url}/api/v1/shares/resolve?token=${token}`)).status, 410);
    assert.equal((await fetch(`${t.url}/api/v1/chart-annotations`, { headers: { 'x-waymark-share': token } })).status, 410);
    const brief = await ana('POST', '/api/v1/shares', { path: '/kpis', expiresInHours: 0.0001 });
    await new Promise((r) => setTimeout(r, 600));
    assert.equal((await fetch(`${t.url}/api/v1/shares/resolve?token=${brief.body.token}`)).status, 410);
    assert.equal((await fetch(`${t.url}/api/v1/shares/resolve?token=wms_nothing`)).status, 404);
  });

  it('scopes a shared link to its one view: that view reads, every other endpoint answers 403', async () => {
    const share = await ana('POST', '/api/v1/shares', { path: '/funnels', state: { steps: 'Product Viewed,Order Completed' } });
    assert.equal(share.status, 201);
    const as = (method: string, path: string, body?: unknown) =>
      fetch(t.url + path, {
        method,
        headers: { 'x-waymark-share': share.body.token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    // The funnel view's own report and the page frame.
    const funnel = await as('POST', '/api/v1/funnels', { steps: [{ event: 'Product Viewed' }, { event: 'Order Completed' }] });
    assert.notEqual(funnel.status, 403, await funnel.clone().text());
    assert.notEqual(funnel.status, 401);
    assert.equal((await as('GET', '/api/v1/project/info')).status, 200);
    assert.equal((await as('GET', '/api/v1/chart-annotations')).status, 200);
    // Other reports, person-level lists, comments, audiences, stored configuration: all refused.
    const outside: Array<[string, string, unknown?]> = [
      ['POST', '/api/v1/kpis', {}],
      ['POST', '/api/v1/paths', {}],
      ['POST', '/api/v1/retention', {}],
      ['POST', '/api/v1/attribution', {}],
      ['POST', '/api/v1/personas/discover', {}],
      ['POST', '/api/v1/people', {}],
      ['GET', '/api/v1/customers'],
      ['POST', '/api/v1/sql', { sql: 'SELECT count(*) FROM events' }],
      ['GET', '/api/v1/comments'],
      ['GET', '/api/v1/audiences'],
      ['GET', '/api/v1/experiments'],
      ['GET', '/api/v1/journeys'],
      ['GET', '/api/v1/initiatives'],
      ['GET', '/api/v1/anomalies/alerts'],
      ['GET', '/api/v1/shares'],
      ['GET', '/api/v1/audit'],
    ];
    for (const [method, path, body] of outside) {
      const r = await as(method, path, body);
      assert.equal(r.status, 403, `${method} ${path}: ${r.status}`);
      assert.match(((await r.json()) as { error: string }).error, /opens only \/funnels/);
    }
    // A link must name a view: what it may read follows from it.
    const nowhere = await ana('POST', '/api/v1/shares', { path: '/customer' });
    assert.equal(nowhere.status, 400);
    assert.match(nowhere.body.error, /path/);
    // A link to another view reads that view and not the funnel.
    const overview = await ana('POST', '/api/v1/shares', { path: '/overview' });
    const kpis = await fetch(`${t.url}/api/v1/kpis`, {
      method: 'POST',
      headers: { 'x-waymark-share': overview.body.token, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.notEqual(kpis.status, 403);
    const other = await fetch(`${t.url}/api/v1/funnels`, {
      method: 'POST',
      headers: { 'x-waymark-share': overview.body.token, 'content-type': 'application/json' },
      body: JSON.stringify({ steps: [{ event: 'a' }, { event: 'b' }] }),
    });
    assert.equal(other.status, 403);
  });

  it('records who changed what in the audit log', async () => {
    const created = await ana('POST', '/api/v1/personas', {
      name: 'Big spenders',
      segment: { rules: [{ kind: 'revenue', op: 'gte', value: 500 }] },
    });
    assert.equal(created.status, 201);
    await ben('PUT', `/api/v1/personas/${created.body.id}`, {
      name: 'Big spenders',
      segment: { rules: [{ kind: 'revenue', op: 'gte', value: 400 }] },
    });
    await t.api('POST', '/api/v1/audiences', { name: 'Spenders', source: { kind: 'persona', persona: created.body.id } });
    await ana('PATCH', '/api/v1/project/settings', { margin: 0.4 });
    const log = await ana('GET', '/api/v1/audit');
    assert.equal(log.status, 200);
    const personaEntries = log.body.entries.filter((e: { resource: string }) => e.resource === 'personas');
    assert.deepEqual(
      personaEntries.map((e: { actor: { name: string }; action: string; resourceId: string | null }) => [
        e.actor.name,
        e.action,
        e.resourceId,
      ]),
      [
        ['Ben', 'update', created.body.id],
        ['Ana', 'create', null],
      ],
    );
    assert.ok(
      log.body.entries.some((e: { resource: string; actor: { kind: string } }) => e.resource === 'audiences' && e.actor.kind === 'key'),
    );
    assert.ok(log.body.entries.some((e: { resource: string }) => e.resource === 'settings'));
    assert.ok(log.body.entries.some((e: { resource: string }) => e.resource === 'comments'));
    assert.equal((await cai('GET', '/api/v1/audit')).status, 403);
  });
});
