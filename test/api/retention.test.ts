import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createProject } from '../../src/projects/projects.ts';
import { DuckDbStore } from '../../src/store/duckdb-store.ts';
import { migrate } from '../../src/store/migrate.ts';
import { ingest } from '../support/ingest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { tempDir } from '../support/stores.ts';

let seq = 0;
const ev = (anon: string, event: string, timestamp: string, revenue?: number) => ({
  type: 'track',
  event,
  anonymousId: anon,
  messageId: `q${seq++}`,
  timestamp,
  ...(revenue === undefined ? {} : { properties: { revenue } }),
});

// Daily cohorts: X and Y start on day 1; X returns on day 2, Y on day 3; Z starts on day 2 and
// returns on day 3, the last day of data.
const events = [
  ev('X', 'Signed Up', '2026-05-01T08:00:00.000Z'),
  ev('X', 'Order Completed', '2026-05-02T08:00:00.000Z', 20),
  ev('Y', 'Signed Up', '2026-05-01T09:00:00.000Z'),
  ev('Y', 'Order Completed', '2026-05-03T09:00:00.000Z', 30),
  ev('Z', 'Signed Up', '2026-05-02T10:00:00.000Z'),
  ev('Z', 'Order Completed', '2026-05-03T10:00:00.000Z', 5),
];
const body = { cohortEvent: 'Signed Up', returnEvent: 'Order Completed', interval: 'day', periods: 3 };

describe('POST /api/v1/retention', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('duckdb');
    await ingest(t.store, t.project.id, events);
  });
  after(async () => t.close());

  it('answers recurring and unbounded matrices over the project data range by default', async () => {
    const recurring = await t.api('POST', '/api/v1/retention', body);
    assert.equal(recurring.status, 200);
    assert.deepEqual(
      recurring.body.cohorts.map((c: { start: string; size: number; values: unknown[] }) => [c.start, c.size, c.values]),
      [
        ['2026-05-01', 2, [0, 1, 1]],
        ['2026-05-02', 1, [0, 1, null]],
      ],
    );
    const unbounded = await t.api('POST', '/api/v1/retention', { ...body, mode: 'unbounded', from: '2026-05-01', to: '2026-05-04' });
    assert.equal(unbounded.status, 200);
    assert.deepEqual(
      unbounded.body.cohorts.map((c: { values: unknown[] }) => c.values),
      [
        [2, 2, 1],
        [1, 1, null],
      ],
    );
    const revenue = await t.api('POST', '/api/v1/retention', { ...body, metric: 'revenue' });
    assert.deepEqual(
      revenue.body.cohorts.map((c: { values: unknown[] }) => c.values),
      [
        [0, 20, 30],
        [0, 5, null],
      ],
    );
  });

  it('answers 400 for a range that ends before it starts or an unknown interval, 401 without a key', async () => {
    const backwards = await t.api('POST', '/api/v1/retention', { ...body, from: '2026-05-04', to: '2026-05-01' });
    assert.equal(backwards.status, 400);
    assert.match(backwards.body.error, /^to:/);
    const interval = await t.api('POST', '/api/v1/retention', { ...body, interval: 'fortnight' });
    assert.equal(interval.status, 400);
    assert.equal(interval.body.field, 'interval');
    const anonymous = await fetch(`${t.url}/api/v1/retention`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(anonymous.status, 401);
  });
});

describe('waymark retention', () => {
  it('prints the cohorts of a data folder as JSON', async () => {
    const dataDir = tempDir();
    const store = await DuckDbStore.open(join(dataDir, 'waymark.duckdb'));
    await migrate(store);
    const { project } = await createProject(store, 'Shop');
    await ingest(store, project.id, events);
    await store.close();
    const args = [
      '--cohort-event',
      'Signed Up',
      '--return-event',
      'Order Completed',
      '--interval',
      'day',
      '--periods',
      '3',
      '--mode',
      'unbounded',
      '--json',
    ];
    const run = spawnSync(process.execPath, ['bin/waymark.js', '--data', dataDir, 'retention', ...args], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.deepEqual(
      out.cohorts.map((c: { start: string; size: number; values: unknown[] }) => ({ start: c.start, size: c.size, values: c.values })),
      [
        { start: '2026-05-01', size: 2, values: [2, 2, 1] },
        { start: '2026-05-02', size: 1, values: [1, 1, null] },
      ],
    );
  });
});
