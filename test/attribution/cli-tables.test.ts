/**
 * `waymark attribution --compare` prints a headed table, touchpoints untruncated where they fit,
 * shares as the dashboard writes percentages, within 100 columns.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createProject } from '../../src/projects/projects.ts';
import { DuckDbStore } from '../../src/store/duckdb-store.ts';
import { migrate } from '../../src/store/migrate.ts';
import { ingest } from '../support/ingest.ts';
import { tempDir } from '../support/stores.ts';

const SITE = 'https://shop.example.com';
let n = 0;
const page = (anon: string, ts: string, query: string) => ({
  type: 'page',
  messageId: `c${n++}`,
  anonymousId: anon,
  timestamp: ts,
  context: { page: { url: `${SITE}/${query}` } },
});
const order = (anon: string, ts: string) => ({
  type: 'track',
  event: 'Order Completed',
  messageId: `c${n++}`,
  anonymousId: anon,
  timestamp: ts,
  properties: { revenue: 100 },
});
const SEARCH = '?utm_source=google&utm_medium=cpc&utm_campaign=brand';
const SOCIAL = '?utm_source=facebook&utm_medium=paid_social&utm_campaign=social1';

describe('waymark attribution --compare', () => {
  it('prints every model as a headed column of shares, the touchpoints whole', async () => {
    const dataDir = tempDir();
    const store = await DuckDbStore.open(join(dataDir, 'waymark.duckdb'));
    await migrate(store);
    const { project } = await createProject(store, 'Shop');
    // A: search then order (search 100%). B: social, then search, then order (first: social, last: search).
    await ingest(store, project.id, [
      page('a', '2026-04-02T10:00:00.000Z', SEARCH),
      order('a', '2026-04-02T10:10:00.000Z'),
      page('b', '2026-04-03T10:00:00.000Z', SOCIAL),
      page('b', '2026-04-04T10:00:00.000Z', SEARCH),
      order('b', '2026-04-04T10:10:00.000Z'),
    ]);
    await store.close();
    const run = spawnSync(
      process.execPath,
      ['bin/waymark.js', '--data', dataDir, 'attribution', '--compare', '--from', '2026-04-01', '--to', '2026-05-01'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    const header = lines.findIndex((l) => l.startsWith('touchpoint'));
    assert.ok(header > 0, run.stdout);
    assert.match(lines[header]!, /touchpoint +first +last +last non-direct +linear/);
    assert.match(lines[header + 1]!, /^─+ +─+/);
    // First touch: search 1 of 2, social 1 of 2; last touch: search 2 of 2.
    const search = lines.find((l) => l.startsWith('Paid Search'))!;
    const social = lines.find((l) => l.startsWith('Paid Social'))!;
    assert.match(search, /^Paid Search +50\.0% +100\.0% /);
    assert.match(social, /^Paid Social +50\.0% +0\.0% /);
    for (const l of lines) assert.ok(l.length <= 100, `${l.length} columns: ${l}`);

    // The registered analysis's own command name prints the same table.
    const sub = spawnSync(
      process.execPath,
      ['bin/waymark.js', '--data', dataDir, 'attribution', 'compare', '--from', '2026-04-01', '--to', '2026-05-01'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(sub.status, 0, sub.stderr);
    assert.match(sub.stdout, /^Paid Search +50\.0% +100\.0% /m);

    // One model: a headed table with money in the currency format and shares as percentages.
    const one = spawnSync(
      process.execPath,
      ['bin/waymark.js', '--data', dataDir, 'attribution', '--model', 'last_touch', '--from', '2026-04-01', '--to', '2026-05-01'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(one.status, 0, one.stderr);
    assert.match(one.stdout, /^Model: last touch, by channel/m);
    assert.match(one.stdout, /^touchpoint +conversions +value +share +new customers$/m);
    assert.match(one.stdout, /^Paid Search +2\.0 +\$200\.00 +100\.0% +2\.0$/m);
  });
});
