import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createProject } from '../../src/projects/projects.ts';
import { DuckDbStore } from '../../src/store/duckdb-store.ts';
import { migrate } from '../../src/store/migrate.ts';
import { simulateShop } from '../predictions/propensity-generator.ts';
import { ingest } from '../support/ingest.ts';
import { tempDir } from '../support/stores.ts';

const waymark = (dataDir: string, ...args: string[]) =>
  spawnSync(process.execPath, ['bin/waymark.js', '--data', dataDir, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('predict-and-act CLI', () => {
  it('creates, syncs and exports an audience, and prints propensity, personas and anomalies', async () => {
    const dataDir = tempDir();
    const store = await DuckDbStore.open(join(dataDir, 'waymark.duckdb'));
    await migrate(store);
    const { project } = await createProject(store, 'Shop');
    const shop = simulateShop(1200, 150, 7);
    // Segment audiences select from persons (identified, with traits): every shopper identifies.
    await ingest(store, project.id, [
      ...shop.messages,
      ...shop.people.map((p, i) => ({
        type: 'identify',
        userId: p.id,
        traits: { plan: 'free' },
        messageId: `idf-${i}`,
        timestamp: new Date(p.start).toISOString(),
      })),
    ]);
    await store.close();

    const created = waymark(
      dataDir,
      'audiences',
      'create',
      '--name',
      'Repeat buyers',
      '--segment',
      '{"rules":[{"kind":"order_count","op":"gte","value":2}]}',
      '--json',
    );
    assert.equal(created.status, 0, created.stderr);
    assert.equal(JSON.parse(created.stdout).id, 'repeat-buyers');
    const synced = waymark(dataDir, 'audiences', 'sync', 'repeat-buyers');
    assert.equal(synced.status, 0, synced.stderr);
    const joined = Number(/\+(\d+) joined/.exec(synced.stdout)![1]);
    assert.ok(joined > 10, synced.stdout);
    const csv = waymark(dataDir, 'audiences', 'export', 'repeat-buyers');
    assert.equal(csv.stdout.trim().split('\n').length, joined + 1);
    const segment = waymark(dataDir, 'audiences', 'export', 'repeat-buyers', '--format', 'segment');
    assert.deepEqual(JSON.parse(segment.stdout.split('\n')[0]!).traits, { audience_repeat_buyers: true });
    assert.match(waymark(dataDir, 'audiences', 'list').stdout, /^repeat-buyers +Repeat buyers +segment +on demand +0$/m);

    const propensity = waymark(dataDir, 'predict', 'propensity', '--event', 'Order Completed', '--days', '30', '--targets', 'purchase');
    assert.equal(propensity.status, 0, propensity.stderr);
    assert.match(propensity.stdout, /purchase in the next 30 days: ok/);
    assert.match(propensity.stdout, /AUC 0\.\d{3}/);
    // The holdout table: decile 1 (the most likely tenth) with its predicted and observed rates and lift.
    assert.match(propensity.stdout, /^ +Decile +Persons +Predicted +Observed +Lift/m);
    assert.match(propensity.stdout, /^ +1 +[\d,]+ +\d+\.\d% +\d+\.\d% +\d+\.\d\d× +\d+%$/m);
    const refused = waymark(dataDir, 'predict', 'propensity', '--days', '1');
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr + refused.stdout, /minimum 100/);

    const personas = waymark(dataDir, 'personas', 'discover', '--max-k', '4');
    assert.equal(personas.status, 0, personas.stderr);
    assert.match(personas.stdout, /personas among \d+ persons \(k by silhouette/);

    const anomalies = waymark(dataDir, 'anomalies', '--kpi', 'orders');
    assert.equal(anomalies.status, 0, anomalies.stderr);
    assert.match(anomalies.stdout, /^orders: \d+ anomal/m);
  });
});
