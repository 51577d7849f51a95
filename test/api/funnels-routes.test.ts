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

const ORIGIN = Date.parse('2026-03-02T10:00:00.000Z');
const RECEIVED = new Date('2026-06-01T00:00:00.000Z');
let counter = 0;
const track = (userId: string, event: string, minutes: number) => ({
  type: 'track',
  messageId: `r${counter++}`,
  userId,
  event,
  timestamp: new Date(ORIGIN + minutes * 60_000).toISOString(),
});

/** Three persons view, two start checkout (after 2 and 4 min), one orders 10 min later. */
const MESSAGES = [
  track('a', 'Product Viewed', 0),
  track('a', 'Checkout Started', 2),
  track('a', 'Order Completed', 12),
  track('b', 'Product Viewed', 0),
  track('b', 'Checkout Started', 4),
  track('c', 'Product Viewed', 0),
];
const STEPS = ['Product Viewed', 'Checkout Started', 'Order Completed'];

describe('funnel routes', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('duckdb');
    await ingest(t.store, t.project.id, MESSAGES, RECEIVED);
  });
  after(async () => t.close());

  const body = (extra: object = {}) => ({
    from: '2026-03-01T00:00:00Z',
    to: '2026-04-01T00:00:00Z',
    steps: STEPS,
    windowSeconds: 3600,
    ...extra,
  });

  it('answers POST /api/v1/funnels with step counts, rates and times', async () => {
    const r = await t.api('POST', '/api/v1/funnels', body());
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.steps.map((s: any) => [s.name, s.count, s.dropped, s.average_seconds_to_convert]),
      [
        ['Product Viewed', 3, 0, null],
        ['Checkout Started', 2, 1, 180],
        ['Order Completed', 1, 1, 600],
      ],
    );
    assert.equal(r.body.steps[2].conversion_rate_from_previous, 0.5);
    assert.equal(r.body.conversion_rate, 1 / 3);
  });

  it('rejects bad input with 400 and a message, and a missing key with 401', async () => {
    const unknown = await t.api('POST', '/api/v1/funnels', body({ steps: ['Product Viewed', 'Checkout Startd'] }));
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error, /no event named "Checkout Startd" \(did you mean "Checkout Started"/);
    const one = await t.api('POST', '/api/v1/funnels', body({ steps: ['Product Viewed'] }));
    assert.equal(one.status, 400);
    assert.match(one.body.error, /^steps: a funnel needs at least 2 steps/);
    const window = await t.api('POST', '/api/v1/funnels', body({ windowSeconds: -5 }));
    assert.equal(window.status, 400);
    assert.match(window.body.error, /^windowSeconds/);
    const backwards = await t.api('POST', '/api/v1/funnels', body({ from: '2026-04-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }));
    assert.equal(backwards.status, 400);
    assert.match(backwards.body.error, /^to: the date range must end after it starts/);
    const step = await t.api('POST', '/api/v1/funnels/drivers', { ...body(), funnel: { steps: STEPS, windowSeconds: 3600 }, step: 4 });
    assert.equal(step.status, 400);
    const noKey = await fetch(`${t.url}/api/v1/funnels`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body()),
    });
    assert.equal(noKey.status, 401);
  });

  it('answers POST /api/v1/funnels/drivers with the cohort split and the correlation note', async () => {
    const r = await t.api('POST', '/api/v1/funnels/drivers', {
      from: '2026-03-01T00:00:00Z',
      to: '2026-04-01T00:00:00Z',
      funnel: { steps: STEPS, windowSeconds: 3600 },
      step: 2,
      minPersons: 1,
    });
    assert.equal(r.status, 200);
    assert.deepEqual([r.body.converted, r.body.dropped], [2, 1]);
    assert.match(r.body.note, /^Correlation, not causation: /);
  });
});

describe('waymark funnel (CLI)', () => {
  it('prints the funnel of a data folder as JSON, defaulting to the data range', async () => {
    const dir = tempDir('waymark-funnel-cli-');
    const store = await DuckDbStore.open(join(dir, 'waymark.duckdb'));
    await migrate(store);
    const { project } = await createProject(store, 'Shop');
    await ingest(store, project.id, MESSAGES, RECEIVED);
    await store.close(); // the CLI opens the same file

    const root = new URL('../..', import.meta.url).pathname;
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['bin/waymark.js', '--data', dir, ...args, '--json'], { cwd: root, encoding: 'utf8' });
    const out = run(['funnel', '--steps', STEPS.join(','), '--window', '1h']);
    assert.equal(out.status, 0, out.stderr);
    const r = JSON.parse(out.stdout);
    assert.deepEqual(
      r.steps.map((s: any) => [s.name, s.count, s.conversion_rate, s.median_seconds_to_convert]),
      [
        ['Product Viewed', 3, 1, null],
        ['Checkout Started', 2, 2 / 3, 180],
        ['Order Completed', 1, 1 / 3, 600],
      ],
    );
    const narrow = JSON.parse(run(['funnel', '--steps', STEPS.join(','), '--window', '3m']).stdout);
    assert.deepEqual(
      narrow.steps.map((s: any) => s.count),
      [3, 1, 0],
    );

    const drivers = run(['funnel', 'drivers', '--steps', STEPS.join(','), '--window', '1h', '--step', '2', '--min-persons', '1']);
    assert.equal(drivers.status, 0, drivers.stderr);
    assert.deepEqual([JSON.parse(drivers.stdout).converted, JSON.parse(drivers.stdout).dropped], [2, 1]);

    const bad = run(['funnel', '--steps', 'Product Viewed,Order Complete']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /did you mean "Order Completed"/);
  });
});
