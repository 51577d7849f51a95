import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { createProject } from '../../src/projects/projects.ts';
import { openStore } from '../../src/store/open-store.ts';
import { abMessages } from '../experiments/fixtures.ts';
import { ingest } from '../support/ingest.ts';
import { tempDir } from '../support/stores.ts';
import { DID, rolloutMessages } from './fixtures.ts';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '../../bin/waymark.js');

describe('initiatives and experiments commands', () => {
  const dataDir = tempDir();
  const waymark = async (...args: string[]) => JSON.parse((await run('node', [bin, '--data', dataDir, ...args, '--json'])).stdout);
  before(async () => {
    const config = loadConfig({ dataDir });
    const store = await openStore(config.store, config.dataDir);
    const { project } = await createProject(store, 'Shop');
    await ingest(store, project.id, [...rolloutMessages(), ...abMessages()]);
    await store.close();
  });

  it('records an initiative with a control region and reports its lift and ROI from the data folder', async () => {
    const created = await waymark(
      'initiatives',
      'create',
      '--name',
      'One-page checkout',
      '--shipped',
      '2026-03-07',
      '--post-end',
      '2026-03-09',
      '--kpi',
      'checkout_conversion',
      '--cost',
      '100',
      '--monthly-cost',
      '0',
      '--control-region',
      'South',
    );
    assert.deepEqual(created.control, { by: 'region', values: ['South'] });
    assert.deepEqual(
      (await waymark('initiatives', 'list')).initiatives.map((i: { id: string }) => i.id),
      [created.id],
    );
    const report = await waymark('initiatives', 'report', created.id);
    assert.equal(report.method, 'did');
    assert.ok(Math.abs(report.lift.absolute.estimate - DID) < 1e-9);
    // Default margin 0.3: 3 orders × 100 × 0.3 = 90 on a cost of 100.
    assert.ok(Math.abs(report.roi.estimate - -0.1) < 1e-9);
  });

  it('configures an experiment and reports the hand-counted conversions', async () => {
    await waymark('experiments', 'create', '--id', 'hero', '--variations', '0,1', '--metric', 'conversion:Order Completed:14');
    const report = await waymark('experiments', 'report', 'hero');
    assert.deepEqual(
      report.metrics[0].input.variations.map((v: { n: number; sum: number }) => [v.n, v.sum]),
      [
        [10, 3],
        [10, 5],
      ],
    );
    const discovered = await waymark('experiments', 'discovered');
    assert.equal(discovered.experiments[0].experimentId, 'hero');
  });
});
