/**
 * The commands on a generated demo (3,000 customers, known ground truth), run as a user would:
 * `waymark demo`, `waymark attribution --model M --json`, `waymark roi --json`, and
 * `waymark attribution --paths FILE` on the ChannelAttribution reference paths.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import { attributeFromPathsFile, toCliJson } from '../../src/cli/attribution-paths.ts';
import { tempDir } from '../support/stores.ts';
import { referenceFile } from '../support/reference-data.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/waymark.js');
const REFERENCE = referenceFile('channelattribution_paths.csv');

async function waymark(...args: string[]): Promise<any> {
  const { stdout } = await run('node', [BIN, ...args], { maxBuffer: 64 << 20 });
  return JSON.parse(stdout);
}

/** Spearman rank correlation with average ranks for ties. */
export function spearman(a: number[], b: number[]): number {
  const ranks = (x: number[]) => {
    const order = x.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(x.length);
    for (let i = 0; i < order.length;) {
      let j = i;
      while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
      for (let k = i; k <= j; k++) r[order[k]![1]] = (i + j) / 2 + 1;
      i = j + 1;
    }
    return r;
  };
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (ra.length + 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i]! - mean) * (rb[i]! - mean);
    da += (ra[i]! - mean) ** 2;
    db += (rb[i]! - mean) ** 2;
  }
  return num / Math.sqrt(da * db);
}

// The generator's totals cover its whole period; without --from/--to a command shows the last 30 days
// of data (the default shared with the dashboard), so these checks name a range around all of it.
const WHOLE_RANGE = ['--from', '2000-01-01', '--to', '2100-01-01'];

describe('attribution commands on demo data with known ground truth', () => {
  const data = tempDir('waymark-attr-demo-');
  let truth: any;
  // The paths-file run needs no store: it runs while the demo loads, to keep the file fast.
  const pathsRun = waymark('attribution', '--paths', REFERENCE, '--model', 'markov', '--json');

  before(async () => {
    await run('node', [BIN, '--data', data, 'demo', '--customers', '3000'], { maxBuffer: 64 << 20 });
    truth = JSON.parse(readFileSync(join(data, 'ground-truth.json'), 'utf8'));
  });

  it('spearman matches hand-computed rank correlations', () => {
    assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
    assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
    // d = (0, 0, 1, −1) → 1 − 6·2/(4·15) = 0.8
    assert.ok(Math.abs(spearman([1, 2, 3, 4], [1, 2, 4, 3]) - 0.8) < 1e-12);
  });

  it('finds every order, first order and dollar of revenue the generator produced', async () => {
    const r = await waymark('--data', data, 'attribution', '--model', 'markov', ...WHOLE_RANGE, '--json');
    assert.equal(r.model, 'markov');
    assert.equal(r.journeys.conversions, truth.totals.orders);
    assert.equal(r.journeys.firstOrders, truth.totals.first_orders);
    assert.ok(Math.abs(r.journeys.grossValue - truth.totals.revenue) < 0.01, `${r.journeys.grossValue} vs ${truth.totals.revenue}`);
    // The credited value is net of the refunds that name their order.
    if (truth.totals.refunds > 0) assert.ok(r.journeys.value < r.journeys.grossValue, `${r.journeys.value} vs ${r.journeys.grossValue}`);
    const credited = r.touchpoints.reduce((s: number, t: { conversions: number }) => s + t.conversions, 0);
    assert.ok(Math.abs(credited - truth.totals.orders) < 1e-6, 'Markov credit sums to the orders');
  });

  it("joins all of the generator's spend in the ROI table", async () => {
    const r = await waymark('--data', data, 'roi', '--model', 'markov', '--by', 'campaign', ...WHOLE_RANGE, '--json');
    const totals = r.tables[0].totals;
    assert.ok(Math.abs(totals.spend - truth.totals.spend_usd) < 0.05, `${totals.spend} vs ${truth.totals.spend_usd}`);
    assert.equal(r.margin, 0.4);
    assert.ok(Math.abs(totals.roi - (totals.revenue * 0.4 - totals.spend) / totals.spend) < 1e-12);
  });

  it('ranks channels by first-order credit: data-driven models against last touch, on true incremental conversions', async () => {
    const channels: string[] = truth.channels.map((c: { channel: string }) => c.channel);
    const incremental: number[] = truth.channels.map((c: { true_incremental_conversions: number }) => c.true_incremental_conversions);
    const r = await waymark('--data', data, 'attribution', '--compare', ...WHOLE_RANGE, '--json');
    const rho: Record<string, number> = {};
    for (const model of ['last_touch', 'markov', 'shapley']) {
      const result = r.results.find((x: { model: string }) => x.model === model);
      const credit = channels.map((c) => result.touchpoints.find((t: { touchpoint: string }) => t.touchpoint === c)?.newCustomers ?? 0);
      rho[model] = spearman(credit, incremental);
    }
    process.stdout.write(`# Spearman vs true incremental first orders: ${JSON.stringify(rho)}\n`);
    assert.ok(rho.shapley! > rho.last_touch!, `shapley ${rho.shapley} vs last touch ${rho.last_touch}`);
    assert.ok(rho.markov! > rho.last_touch!, `markov ${rho.markov} vs last touch ${rho.last_touch}`);
  });

  it('keeps --paths mode: the reference file gives the same result as the library', async () => {
    const cli = await pathsRun;
    assert.deepEqual(
      cli,
      toCliJson(attributeFromPathsFile(REFERENCE, 'markov', { order: 1, halfLifeDays: 7, collapse: false, bootstrap: false })),
    );
    const total = cli.channels.reduce((s: number, c: { conversions: number }) => s + c.conversions, 0);
    const fileTotal = readFileSync(REFERENCE, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .reduce((s, line) => s + Number(line.split(';')[1]), 0);
    assert.ok(Math.abs(total - fileTotal) < 1e-6 * fileTotal);
  });
});
