import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createProject } from '../../src/projects/projects.ts';
import { DuckDbStore } from '../../src/store/duckdb-store.ts';
import { migrate } from '../../src/store/migrate.ts';
import { ingest, minutesAfter } from '../support/ingest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { tempDir } from '../support/stores.ts';

const T0 = '2026-03-02T09:00:00.000Z';
let seq = 0;
const track = (anon: string, event: string, min: number) => ({
  type: 'track',
  event,
  anonymousId: anon,
  messageId: `a${seq++}`,
  timestamp: minutesAfter(T0, min),
});
const page = (anon: string, path: string, min: number) => ({
  type: 'page',
  anonymousId: anon,
  messageId: `a${seq++}`,
  timestamp: minutesAfter(T0, min),
  context: { page: { url: `https://shop.example${path}` } },
});

// A and B view a product page then add it to the cart; C views one and leaves.
const journeys = [
  track('A', 'Product Viewed', 0),
  page('A', '/product/12', 1),
  track('A', 'Product Added', 2),
  track('B', 'Product Viewed', 0),
  page('B', '/product/7', 1),
  track('B', 'Product Added', 2),
  track('C', 'Product Viewed', 0),
  page('C', '/product/7', 1),
];
const clean = [{ pattern: '/product/\\d+', label: '/product/:id' }];

describe('POST /api/v1/paths', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('duckdb');
    await ingest(t.store, t.project.id, journeys);
  });
  after(async () => t.close());

  it('answers the Sankey of cleaned paths over the project data range by default', async () => {
    const res = await t.api('POST', '/api/v1/paths', { start: 'Product Viewed', steps: 2, cleaning: clean });
    assert.equal(res.status, 200);
    assert.equal(res.body.persons, 3);
    assert.deepEqual(
      res.body.links.map((l: { source: string; target: string; persons: number }) => [l.source, l.target, l.persons]),
      [
        ['0:Product Viewed', '1:/product/:id', 3],
        ['1:/product/:id', '2:Product Added', 2],
      ],
    );
    assert.deepEqual(res.body.topPaths[0], { steps: ['Product Viewed', '/product/:id', 'Product Added'], persons: 2, share: 2 / 3 });
  });

  it('answers 400 naming a bad cleaning rule, a range that ends before it starts, and 401 without a key', async () => {
    const bad = await t.api('POST', '/api/v1/paths', {
      start: 'Product Viewed',
      cleaning: [...clean, { pattern: '[unclosed', label: 'x' }],
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /cleaning rule 2 \("\[unclosed"\)/);
    const backwards = await t.api('POST', '/api/v1/paths', { from: '2026-03-05', to: '2026-03-01', start: 'Product Viewed' });
    assert.equal(backwards.status, 400);
    assert.match(backwards.body.error, /^to:/);
    const steps = await t.api('POST', '/api/v1/paths', { steps: 0 });
    assert.equal(steps.status, 400);
    const anonymous = await fetch(`${t.url}/api/v1/paths`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(anonymous.status, 401);
  });
});

describe('waymark paths', () => {
  it('prints the paths of a data folder as JSON', async () => {
    const dataDir = tempDir();
    const store = await DuckDbStore.open(join(dataDir, 'waymark.duckdb'));
    await migrate(store);
    const { project } = await createProject(store, 'Shop');
    await ingest(store, project.id, journeys);
    await store.close();
    const run = spawnSync(
      process.execPath,
      [
        'bin/waymark.js',
        '--data',
        dataDir,
        'paths',
        '--start',
        'Product Viewed',
        '--steps',
        '2',
        '--clean',
        '/product/\\d+=/product/:id',
        '--json',
      ],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.persons, 3);
    assert.deepEqual(
      out.nodes.map((n: { id: string; persons: number; dropOff: number }) => [n.id, n.persons, n.dropOff]),
      [
        ['0:Product Viewed', 3, 0],
        ['1:/product/:id', 3, 1],
        ['2:Product Added', 2, 2],
      ],
    );
  });
});
