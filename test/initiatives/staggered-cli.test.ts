/**
 * `waymark initiatives create --wave …` records a staggered rollout and `initiatives report` gives
 * the stacked difference-in-differences of the library, in JSON and as a table naming each wave.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { initiativeReport } from '../../src/initiatives/initiative-report.ts';
import { getInitiative } from '../../src/initiatives/initiatives.ts';
import { createProject, listProjects } from '../../src/projects/projects.ts';
import { openStore } from '../../src/store/open-store.ts';
import { ingest } from '../support/ingest.ts';
import { tempDir } from '../support/stores.ts';
import { staggeredRollout, WAVE_1, WAVE_2 } from './staggered-generator.ts';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '../../bin/waymark.js');

describe('staggered rollouts from the command line', () => {
  const dataDir = tempDir();
  const waymark = async (...args: string[]) => (await run('node', [bin, '--data', dataDir, ...args])).stdout;
  before(async () => {
    const config = loadConfig({ dataDir });
    const store = await openStore(config.store, config.dataDir);
    const { project } = await createProject(store, 'Shop');
    await ingest(store, project.id, staggeredRollout().messages);
    await store.close();
  });

  it('creates an initiative from --wave options and reports each wave as the library does', async () => {
    const created = JSON.parse(
      await waymark(
        'initiatives',
        'create',
        '--name',
        'New checkout',
        '--kpi',
        'checkout_conversion',
        '--cost',
        '500',
        '--wave',
        `${WAVE_1}:North,East`,
        '--wave',
        `${WAVE_2}:South`,
        '--never',
        'West,Central',
        '--json',
      ),
    );
    assert.equal(created.shippedAt, WAVE_1);
    assert.deepEqual(created.rollout, {
      by: 'region',
      waves: [
        { shippedAt: WAVE_1, values: ['North', 'East'] },
        { shippedAt: WAVE_2, values: ['South'] },
      ],
      never: ['West', 'Central'],
    });
    const report = JSON.parse(await waymark('initiatives', 'report', created.id, '--json'));
    const config = loadConfig({ dataDir });
    const store = await openStore(config.store, config.dataDir);
    try {
      const p = (await listProjects(store))[0]!;
      const expected = await initiativeReport(store, p.id, (await getInitiative(store, p.id, created.id))!, {
        grossMargin: p.settings.margin,
      });
      assert.equal(report.method, 'staggered');
      assert.deepEqual(report.details.waves, JSON.parse(JSON.stringify(expected.details.waves)));
      assert.equal(report.roi.estimate, expected.roi!.estimate);
    } finally {
      await store.close();
    }
    const table = await waymark('initiatives', 'report', created.id);
    assert.match(table, new RegExp(`wave ${WAVE_1} \\(East, North; controls Central, South, West\\): 0\\.\\d+ \\[`));
    assert.match(table, new RegExp(`wave ${WAVE_2} \\(South; controls Central, West\\): 0\\.\\d+ \\[`));
  });

  it('refuses a malformed --wave with the expected form', async () => {
    await assert.rejects(
      waymark('initiatives', 'create', '--name', 'x', '--kpi', 'checkout_conversion', '--wave', 'North'),
      /--wave: expected YYYY-MM-DD:value1,value2/,
    );
  });
});
