#!/usr/bin/env node
// Runs every test file under test/ with Node's test runner and ends with one plain
// "N passed, N failed" line, which CI reads. Extra arguments filter files by substring.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { summarize } from './test-summary.mjs';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...findTests(full));
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

const files = findTests(join(root, 'test'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.log('no test files matched');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// A test that hangs must fail the run, not hold CI until its own limit: each test gets 10 minutes,
// and the whole run 45 (the suite takes a fraction of that), after which its processes are killed.
const TEST_TIMEOUT_MS = 10 * 60_000;
const RUN_TIMEOUT_MS = Number(process.env.WAYMARK_TEST_RUN_TIMEOUT_MS ?? 45 * 60_000);
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', `--test-timeout=${TEST_TIMEOUT_MS}`, '--test-reporter=spec', ...files],
  {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, WAYMARK_TEST: '1' },
    detached: true,
  },
);
let timedOut = false;
const watchdog = setTimeout(() => {
  timedOut = true;
  console.log(`# the test run passed its ${RUN_TIMEOUT_MS / 60_000}-minute limit: stopping it`);
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}, RUN_TIMEOUT_MS);
let buffer = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  buffer += chunk.toString();
});
child.on('close', (code) => {
  clearTimeout(watchdog);
  const summary = summarize(buffer, code);
  const passed = summary.passed;
  const failed = summary.failed + (timedOut ? 1 : 0);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
});
