import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { summarize } from '../../scripts/test-summary.mjs';

const FIXTURES = fileURLToPath(new URL('../fixtures/runner/', import.meta.url));

function runFixtures(...names: string[]) {
  // Without NODE_TEST_CONTEXT the child is a top-level run that prints its own totals, as under CI.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...names.map((n) => FIXTURES + n)], { encoding: 'utf8', env });
  return summarize(run.stdout, run.status);
}

describe('test run verdict', () => {
  it('counts tests cancelled by a failing set-up hook as failed', () => {
    assert.deepEqual(runFixtures('hook-fails.fixture.mjs'), { passed: 0, failed: 2 });
  });

  it('counts a file that fails before its tests start as failed', () => {
    assert.deepEqual(runFixtures('import-fails.fixture.mjs'), { passed: 0, failed: 1 });
  });

  it('counts a timed-out test as failed beside one that passed', () => {
    assert.deepEqual(runFixtures('timeout.fixture.mjs'), { passed: 1, failed: 1 });
  });

  it('adds every kind of failure across files', () => {
    assert.deepEqual(runFixtures('hook-fails.fixture.mjs', 'import-fails.fixture.mjs', 'timeout.fixture.mjs'), { passed: 1, failed: 4 });
  });

  it('fails a run that printed no totals, or exited non-zero with nothing failed', () => {
    assert.deepEqual(summarize('', 1), { passed: 0, failed: 1 });
    assert.deepEqual(summarize('ℹ tests 3\nℹ pass 3\nℹ fail 0\nℹ cancelled 0\n', 1), { passed: 3, failed: 1 });
    assert.deepEqual(summarize('ℹ tests 3\nℹ pass 2\nℹ fail 0\nℹ cancelled 0\nℹ skipped 1\nℹ todo 0\n', 0), { passed: 2, failed: 0 });
  });
});
