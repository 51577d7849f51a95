import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAb, runAbFromFile, runSrm } from '../../../src/cli/experiment-stats.ts';
import { round } from './round.ts';

const dir = mkdtempSync(join(tmpdir(), 'waymark-ab-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function writeInput(name: string, body: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(body));
  return path;
}

test('a Bayesian binomial file reproduces the gbstats 49/100 vs 51/100 vector', () => {
  const report = runAbFromFile(
    writeInput('bayes.json', {
      metric_type: 'binomial',
      method: 'bayesian',
      relative: true,
      alpha: 0.05,
      variations: [
        { name: 'control', n: 100, sum: 49 },
        { name: 'new-checkout', n: 100, sum: 51 },
      ],
    }),
  );
  assert.deepEqual(
    report.variations.map((v) => [v.name, v.mean]),
    [
      ['control', 0.49],
      ['new-checkout', 0.51],
    ],
  );
  assert.equal(report.results.length, 1);
  const r = report.results[0];
  assert.equal(r.name, 'new-checkout');
  assert.equal(round(r.expected), 0.04082);
  assert.deepEqual(
    r.ci.map((x) => round(x)),
    [-0.24779, 0.32943],
  );
  assert.equal(round(r.chance_to_win as number), 0.60918);
  assert.deepEqual(
    (r.risk as number[]).map((x) => round(x)),
    [0.0814, 0.04058],
  );
  assert.equal(r.p_value, undefined);
});

test('a frequentist file with two treatments returns one result each and Holm-adjusted p-values', () => {
  const report = runAb({
    metric_type: 'mean',
    method: 'frequentist',
    correction: 'holm-bonferroni',
    variations: [
      { name: 'A', n: 3407, sum: 1396.87, sum_squares: 52377.9767 },
      { name: 'B', n: 3461, sum: 2422.7, sum_squares: 134698.29 },
      { name: 'C', n: 3407, sum: 1396.87, sum_squares: 52377.9767 },
    ],
  });
  const [b, c] = report.results;
  assert.equal(round(b.p_value as number), 0.06191);
  assert.deepEqual(
    b.ci.map((x) => round(x)),
    [-0.03526, 1.44989],
  );
  assert.equal(round(b.p_value_adjusted as number), round(2 * 0.061911827456187));
  // C is identical to control: lift 0, p = 1 (it is the uninformative zero-effect case, not an error).
  assert.equal(c.expected, 0);
  assert.equal(round(c.p_value as number, 12), 1);
  const ciAdj = b.ci_adjusted as [number, number];
  assert.ok(ciAdj[0] < b.ci[0] && ciAdj[1] > b.ci[1]);
});

test('a sequential file with CUPED fields uses regression adjustment (gbstats vector)', () => {
  const report = runAb({
    metric_type: 'mean',
    method: 'sequential',
    variations: [
      { name: 'control', n: 3000, sum: 1396.87, sum_squares: 52377.9767, pre_sum: 16.87, pre_sum_squares: 527.9767, sum_product: 1 },
      { name: 'B', n: 3461, sum: 2422.7, sum_squares: 134698.29, pre_sum: 22.7, pre_sum_squares: 1348.29, sum_product: 1 },
    ],
  });
  assert.equal(report.cuped, true);
  assert.equal(round(report.results[0].expected), 0.50338);
  assert.deepEqual(
    report.results[0].ci.map((x) => round(x)),
    [-0.50969, 1.51646],
  );
  assert.ok(typeof report.results[0].theta === 'number');
});

test('the sequential tuning parameter from the file is honoured', () => {
  const report = runAb({
    metric_type: 'mean',
    method: 'sequential',
    sequential_tuning_parameter: 1000,
    variations: [
      { name: 'control', n: 3000, sum: 1396.87, sum_squares: 52377.9767 },
      { name: 'B', n: 3461, sum: 2422.7, sum_squares: 134698.29 },
    ],
  });
  assert.deepEqual(
    report.results[0].ci.map((x) => round(x)),
    [-0.55844, 1.56516],
  );
});

test('malformed input is rejected with the offending field named', () => {
  assert.throws(
    () =>
      runAb({
        metric_type: 'mean',
        method: 'frequentist',
        variations: [
          { name: 'a', n: 10, sum: 5 },
          { name: 'b', n: 10, sum: 6 },
        ],
      }),
    /sum_squares/,
  );
  assert.throws(() => runAb({ metric_type: 'binomial', method: 'frequentist', variations: [{ name: 'a', n: 10, sum: 5 }] }));
  assert.throws(
    () =>
      runAb({
        metric_type: 'binomial',
        method: 'bayesian',
        variations: [
          { name: 'a', n: 10, sum: 5, pre_sum: 3, sum_product: 2 },
          { name: 'b', n: 10, sum: 6 },
        ],
      }),
    /CUPED/,
  );
});

test('runSrm returns the gbstats p-value for 1000 vs 1200 users', () => {
  assert.equal(round(runSrm([1000, 1200], [0.5, 0.5]).p_value, 9), 0.000020079);
  assert.throws(() => runSrm([1000], [1]));
});
