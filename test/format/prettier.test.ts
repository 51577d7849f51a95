import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { it } from 'node:test';

// The formatter's fixed width is what keeps file and function sizes comparable: every file is kept
// formatted (npm run format), and this check fails on one that is not.
it("keeps every source file in the formatter's style", { timeout: 180_000 }, () => {
  let output = '';
  try {
    output = execFileSync(process.execPath, ['node_modules/prettier/bin/prettier.cjs', '--list-different', '.'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    output = String((error as { stdout?: string }).stdout ?? error);
  }
  assert.deepEqual(output.split('\n').filter(Boolean), [], 'run npm run format');
});
