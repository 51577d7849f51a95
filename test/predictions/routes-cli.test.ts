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
const order = (user: string, day: string, revenue: number) => ({
  type: 'track',
  event: 'Order Completed',
  userId: user,
  messageId: `p${seq++}`,
  timestamp: `${day}T12:00:00.000Z`,
  properties: { revenue },
});

/** 40 buyers: every fourth repeats every 20 days, some again after the calibration end (2026-04-30). */
function orders(): object[] {
  const out: object[] = [];
  for (let i = 0; i < 40; i++) {
    const start = Date.UTC(2026, 0, 1 + i);
    const day = (offset: number) => new Date(start + offset * 86_400_000).toISOString().slice(0, 10);
    out.push(order(`u${i}`, day(0), 30 + i));
    if (i % 4 === 0) for (let k = 1; k <= 1 + (i % 3); k++) out.push(order(`u${i}`, day(20 * k), 40 + k));
    if (i % 8 === 0) out.push(order(`u${i}`, day(150), 55));
  }
  return out;
}

describe('POST /api/v1/predictions/clv', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('duckdb');
    await ingest(t.store, t.project.id, orders());
  });
  after(async () => t.close());

  it('answers fitted parameters, top lists and the holdout counts over the project data range', async () => {
    const res = await t.api('POST', '/api/v1/predictions/clv', { calibrationEnd: '2026-04-30', horizonDays: 90, top: 3 });
    assert.equal(res.status, 200);
    const r = res.body;
    assert.equal(r.customers, 40);
    assert.equal(r.repeatCustomers, 10);
    assert.equal(r.calibrationEnd, '2026-04-30');
    assert.equal(r.dataEnd, '2026-07-02');
    assert.equal(r.holdout.days, 63);
    // u0, u8, u16, u24 and u32 buy again 150 days after their first order (2026-05-31 … 2026-07-02);
    // every other repeat falls in the calibration period.
    assert.equal(r.holdout.actual, 5);
    assert.equal(r.topByClv.length, 3);
    assert.equal(r.bgNbd.converged, true);
    assert.ok(['bg', 'mbg'].includes(r.bgNbd.variant));
  });

  it('answers 400 for a calibration end after the data and 401 without a key', async () => {
    const late = await t.api('POST', '/api/v1/predictions/clv', { calibrationEnd: '2027-01-01' });
    assert.equal(late.status, 400);
    const bad = await t.api('POST', '/api/v1/predictions/clv', { horizonDays: -5 });
    assert.equal(bad.status, 400);
    const anonymous = await fetch(`${t.url}/api/v1/predictions/clv`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(anonymous.status, 401);
  });
});

describe('waymark predict clv', () => {
  it('runs on a data folder and prints JSON with the holdout check', async () => {
    const dataDir = tempDir();
    const store = await DuckDbStore.open(join(dataDir, 'waymark.duckdb'));
    await migrate(store);
    const { project } = await createProject(store, 'Shop');
    await ingest(store, project.id, orders());
    await store.close();
    const run = spawnSync(
      process.execPath,
      ['bin/waymark.js', '--data', dataDir, 'predict', 'clv', '--horizon', '90', '--calibration-end', '2026-04-30', '--top', '2', '--json'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.customers, 40);
    assert.equal(out.horizonDays, 90);
    assert.equal(out.holdout.actual, 5);
    assert.equal(out.topChurnRisk.length, 2);
    const text = spawnSync(process.execPath, ['bin/waymark.js', '--data', dataDir, 'predict', 'clv'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /40 buyers, 10 bought again/);
    // No refunds in these orders: the net repeat spend is the gross one.
    assert.equal(out.repeatSpend.net, out.repeatSpend.gross);
    assert.match(text.stdout, /^Values are net of refunds: repeat spend (\$[\d,.]+) \(gross \1, \$0\.00 refunded\)$/m);
    // Headed tables with money and percentages as the dashboard writes them, within 100 columns.
    assert.match(text.stdout, /customer +orders +days since last +avg repeat order +expected orders +still active +predicted CLV/);
    assert.match(text.stdout, /^u32 +5 +0 +\$45\.25 +5\.3 +92% +\$227\.41$/m);
    assert.doesNotMatch(text.stdout, /α=|r=\d/);
    for (const line of text.stdout.split('\n')) if (line.startsWith('customer') || /^─/.test(line)) assert.ok(line.length <= 100, line);
  });
});
