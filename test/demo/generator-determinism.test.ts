import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo, writeDemoFiles, DEFAULT_DEMO, type DemoOptions } from '../../src/demo/generator.ts';

const small: DemoOptions = { ...DEFAULT_DEMO, customers: 2000 };

function digest(options: DemoOptions): { first: string[]; hash: string; count: number } {
  const h = createHash('sha256');
  const first: string[] = [];
  let count = 0;
  for (const m of generateDemo(options).messages()) {
    const line = JSON.stringify(m);
    if (first.length < 1000) first.push(line);
    h.update(line + '\n');
    count++;
  }
  return { first, hash: h.digest('hex'), count };
}

test('the same seed and options give byte-identical messages and counts', () => {
  const a = digest(small);
  const b = digest(small);
  assert.deepEqual(a.first, b.first);
  assert.equal(a.count, b.count);
  assert.equal(a.hash, b.hash);
  assert.deepEqual(generateDemo(small).groundTruth(), generateDemo(small).groundTruth());
});

test('a different seed gives different messages', () => {
  const a = digest(small);
  const c = digest({ ...small, seed: 7 });
  assert.notEqual(a.hash, c.hash);
  const differing = a.first.filter((line, k) => line !== c.first[k]).length;
  assert.ok(differing > 990, `only ${differing} of the first 1,000 messages differ`);
});

test('the default demo is fixed in time, covers a year and lands between 0.7M and 1.3M messages', () => {
  assert.deepEqual(DEFAULT_DEMO, { seed: 42, customers: 26000, days: 365, endDate: '2026-10-31' });
  const truth = generateDemo(DEFAULT_DEMO).groundTruth();
  assert.equal(truth.generator.start_date, '2025-11-01');
  assert.equal(truth.generator.end_date, '2026-10-31');
  assert.ok(truth.totals.messages > 700_000 && truth.totals.messages < 1_300_000, `${truth.totals.messages}`);
});

test('ground truth is the same whether it is asked for before or after streaming the messages', () => {
  const before = generateDemo(small).groundTruth();
  const run = generateDemo(small);
  let n = 0;
  for (const _ of run.messages()) n++;
  assert.equal(run.groundTruth().totals.messages, n);
  assert.deepEqual(run.groundTruth(), before);
});

test('rejects an end date that is not a calendar day', () => {
  assert.throws(() => generateDemo({ ...small, endDate: '2026-02-30' }), /calendar date/);
  assert.throws(() => generateDemo({ ...small, endDate: '31/10/2026' }), /YYYY-MM-DD/);
});

test('writeDemoFiles writes the stream, the spend CSV and the ground truth, and reports progress', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'waymark-demo-'));
  try {
    const options = { ...DEFAULT_DEMO, customers: 1500 };
    const progress: number[] = [];
    const counts = await writeDemoFiles(dir, options, (p) => progress.push(p.customersDone));
    const run = generateDemo(options);
    const expected = [...run.messages()].map((m) => JSON.stringify(m));
    const lines = (await readFile(join(dir, 'demo-events.ndjson'), 'utf8')).split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, counts.messages);
    assert.deepEqual(lines, expected);

    const csv = (await readFile(join(dir, 'demo-spend.csv'), 'utf8')).trimEnd().split('\n');
    assert.equal(csv[0], 'date,channel,campaign,keyword,cost,currency,impressions,clicks');
    const rows = [...run.spendRows()];
    assert.equal(csv.length - 1, rows.length);
    assert.equal(counts.spendRows, rows.length);
    const r = rows[100]!;
    assert.equal(csv[101], [r.date, r.channel, r.campaign, r.keyword, r.cost.toFixed(2), r.currency, r.impressions, r.clicks].join(','));

    const truth = JSON.parse(await readFile(join(dir, 'ground-truth.json'), 'utf8'));
    assert.deepEqual(truth, run.groundTruth());
    assert.deepEqual(progress, [1000, 1500]);
    assert.equal(counts.byType['track:Order Completed'], truth.totals.by_type['track:Order Completed']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
