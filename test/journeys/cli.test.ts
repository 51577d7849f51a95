import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createProject } from '../../src/projects/projects.ts';
import { DuckDbStore } from '../../src/store/duckdb-store.ts';
import { migrate } from '../../src/store/migrate.ts';
import { journeyMessages } from '../analysis/journey-map-fixture.ts';
import { ingest } from '../support/ingest.ts';
import { tempDir } from '../support/stores.ts';

const waymark = (dataDir: string, ...args: string[]) =>
  spawnSync(process.execPath, ['bin/waymark.js', '--data', dataDir, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('journeys CLI', () => {
  it('imports a journey file, maps it over the whole data range and shows a customer timeline', async () => {
    const dataDir = tempDir();
    const store = await DuckDbStore.open(join(dataDir, 'waymark.duckdb'));
    await migrate(store);
    const { project } = await createProject(store, 'Shop');
    await ingest(store, project.id, journeyMessages());
    await store.close();

    const file = join(dataDir, 'journey.json');
    writeFileSync(
      file,
      JSON.stringify({
        id: 'orders',
        name: 'Orders',
        stages: [
          { id: 'first', name: 'First', rules: [{ events: ['Order Completed'] }] },
          { id: 'repeat', name: 'Repeat', rules: [{ events: ['Order Completed'], minOccurrence: 2 }] },
        ],
      }),
    );
    const imported = waymark(dataDir, 'journeys', 'import', file, '--json');
    assert.equal(imported.status, 0, imported.stderr);
    const listed = waymark(dataDir, 'journeys', 'list', '--json');
    assert.deepEqual(
      JSON.parse(listed.stdout).map((j: { id: string }) => j.id),
      ['orders'],
    );

    const map = waymark(dataDir, 'journey-map', '--journey', 'orders', '--json');
    assert.equal(map.status, 0, map.stderr);
    const out = JSON.parse(map.stdout);
    // Default period: first event to just after the last one (ann's repeat order on day 5).
    assert.equal(out.from, '2026-03-02T10:00:00.000Z');
    assert.equal(out.to, '2026-03-07T10:00:00.001Z');
    assert.deepEqual(
      out.stages.map((s: { entered: number; converted: number }) => [s.entered, s.converted]),
      [
        [3, 1],
        [1, 0],
      ],
    );
    assert.equal(out.stages[0].medianTimeToNextSeconds, 5 * 86400 - 30 * 60);

    const bad = waymark(dataDir, 'journeys', 'import', join(dataDir, 'missing.json'));
    assert.notEqual(bad.status, 0);

    const timeline = waymark(dataDir, 'customer', 'cat@example.com', '--json');
    assert.equal(timeline.status, 0, timeline.stderr);
    const tl = JSON.parse(timeline.stdout);
    assert.deepEqual([tl.personId, tl.events.length, tl.totals.revenue], ['u-cat', 4, 50]);
  });
});
