import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createProject } from '../../src/projects/projects.ts';
import { openStore } from '../../src/store/open-store.ts';
import { ingest } from '../support/ingest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { tempDir } from '../support/stores.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'waymark.js');
const SITE = 'https://shop.example.com';

// Two visitors on 05-02 (the range), one on 05-01 (the previous period).
// v1: a 40 s visit from Google with an order of 30, then an NPS 10 "Fast delivery".
// v2: a one-page Direct visit (a bounce). v0: one Direct page view the day before.
let n = 0;
const page = (a: string, ts: string, referrer = '') => ({
  type: 'page',
  messageId: `k${n++}`,
  anonymousId: a,
  timestamp: ts,
  context: { page: { url: `${SITE}/`, referrer } },
});
const track = (a: string, ts: string, event: string, properties: object) => ({
  type: 'track',
  messageId: `k${n++}`,
  anonymousId: a,
  timestamp: ts,
  event,
  properties,
});
const WORLD = [
  page('v0', '2026-05-01T10:00:00Z'),
  page('v1', '2026-05-02T10:00:00Z', 'https://www.google.com/'),
  track('v1', '2026-05-02T10:00:40Z', 'Order Completed', { order_id: 'o1', revenue: 30 }),
  track('v1', '2026-05-02T12:00:00Z', 'Survey Responded', { survey: 'NPS', score: 10, stage: 'experience', comment: 'Fast delivery' }),
  page('v2', '2026-05-02T11:00:00Z'),
];
const RANGE = { from: '2026-05-02T00:00:00Z', to: '2026-05-03T00:00:00Z' };

describe('KPI and feedback routes', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('duckdb');
    await ingest(t.store, t.project.id, WORLD);
  });
  after(async () => t?.close());

  it('POST /api/v1/kpis answers the KPIs with the previous period', async () => {
    const r = await t.api('POST', '/api/v1/kpis', RANGE);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.overall.visitors, { value: 2, previous: 1, change: 1, changeRelative: 1 });
    assert.equal(r.body.overall.revenue.value, 30);
    assert.equal(r.body.overall.conversionRate.value, 0.5);
    assert.equal(r.body.overall.bounceRate.value, 0.5);
    assert.equal(r.body.overall.averageEngagementSeconds.value, 20);
    assert.equal(r.body.overall.nps.value, 100);
    assert.deepEqual(r.body.byChannel.map((c: { channel: string }) => c.channel).sort(), ['Direct', 'Organic Search']);
  });

  it('POST /api/v1/kpis/series answers a daily series per channel', async () => {
    const r = await t.api('POST', '/api/v1/kpis/series', { from: '2026-05-01T00:00:00Z', to: RANGE.to, metric: 'visitors', by: 'channel' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.points, [
      { date: '2026-05-01', value: 1 },
      { date: '2026-05-02', value: 2 },
    ]);
    assert.deepEqual(r.body.units, [
      {
        unit: 'Direct',
        points: [
          { date: '2026-05-01', value: 1 },
          { date: '2026-05-02', value: 1 },
        ],
      },
      {
        unit: 'Organic Search',
        points: [
          { date: '2026-05-01', value: 0 },
          { date: '2026-05-02', value: 1 },
        ],
      },
    ]);
  });

  it('POST /api/v1/feedback answers NPS by stage and themes', async () => {
    const r = await t.api('POST', '/api/v1/feedback', RANGE);
    assert.equal(r.status, 200);
    // v1 answered after her order: the default journey's purchase stage.
    assert.equal(r.body.byStage[0].stage, 'purchase');
    assert.equal(r.body.byStage[0].nps.score, 100);
    assert.equal(r.body.byTouchpoint[0].touchpoint, 'Order Completed');
    // One comment is below a theme's minimum support: no theme is invented from it.
    assert.deepEqual(r.body.themes, []);
    assert.equal(r.body.voice.comments, 1);
  });

  it('answers 400 for a range that ends before it starts, or an unknown metric', async () => {
    for (const [path, body] of [
      ['/api/v1/kpis', { from: RANGE.to, to: RANGE.from }],
      ['/api/v1/kpis/series', { from: RANGE.to, to: RANGE.from, metric: 'orders' }],
      ['/api/v1/feedback', { from: RANGE.to, to: RANGE.from }],
      ['/api/v1/kpis/series', { ...RANGE, metric: 'happiness' }],
    ] as const) {
      const r = await t.api('POST', path, body);
      assert.equal(r.status, 400, `${path} ${JSON.stringify(body)}`);
      assert.match(r.body.error, /^(to|metric)/);
    }
  });

  it('answers 401 without a key', async () => {
    const response = await fetch(`${t.url}/api/v1/kpis`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(RANGE),
    });
    assert.equal(response.status, 401);
  });

  it('runs `waymark kpis` and `waymark feedback` against the server', async () => {
    const cli = async (...args: string[]) =>
      JSON.parse((await run(process.execPath, [BIN, '--server', t.url, '--key', t.secretKey, '--json', ...args])).stdout);
    // `feedback` without --from/--to covers the project's whole data range [05-01 10:00, 05-02 12:00].
    const [kpis, feedback] = await Promise.all([cli('kpis', '--from', RANGE.from, '--to', RANGE.to), cli('feedback')]);
    assert.equal(kpis.overall.orders.value, 1);
    assert.equal(feedback.total.nps.score, 100);
  });
});

describe('waymark kpis on a data folder', () => {
  it('prints the KPIs and a series as JSON', async () => {
    const dir = tempDir();
    const store = await openStore('duckdb', dir);
    const { project } = await createProject(store, 'Shop');
    await ingest(store, project.id, WORLD);
    await store.close();
    const kpis = JSON.parse(
      (await run(process.execPath, [BIN, '--data', dir, '--json', 'kpis', '--from', RANGE.from, '--to', RANGE.to, '--by-channel'])).stdout,
    );
    assert.deepEqual(
      [kpis.overall.visitors.value, kpis.overall.sessions.value, kpis.overall.orders.value, kpis.overall.revenue.value],
      [2, 2, 1, 30],
    );
    assert.equal(kpis.previousPeriod.from, '2026-05-01T00:00:00.000Z');
    const series = JSON.parse(
      (
        await run(process.execPath, [
          BIN,
          '--data',
          dir,
          '--json',
          'kpis',
          '--series',
          'revenue',
          '--from',
          '2026-05-01',
          '--to',
          '2026-05-03',
        ])
      ).stdout,
    );
    assert.deepEqual(series.points, [
      { date: '2026-05-01', value: 0 },
      { date: '2026-05-02', value: 30 },
    ]);
    const text = (await run(process.execPath, [BIN, '--data', dir, 'kpis', '--from', RANGE.from, '--to', RANGE.to])).stdout;
    assert.match(text, /revenue\s+30\s+0/);
  });
});
