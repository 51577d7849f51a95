#!/usr/bin/env node
// Rewrites package-lock.json (and package.json, when arguments add or change a dependency) so that
// `npm ci` works on every platform. npm drops other platforms' optional packages (DuckDB's and the
// bundler's native bindings) from the lock whenever it resolves next to an existing node_modules,
// and `npm ci` then refuses the lock. So the lock is resolved in an empty copy of the manifests and
// copied back; node_modules is then brought in line without rewriting the lock.
//
//   flock /tmp/waymark-npm.lock node scripts/update-lock.mjs                      # refresh the lock
//   flock /tmp/waymark-npm.lock node scripts/update-lock.mjs --save-dev NAME@MAJOR # add a dependency
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const files = ['package.json', 'package-lock.json', ...(manifest.workspaces ?? []).map((w) => join(w, 'package.json'))];
const work = mkdtempSync(join(tmpdir(), 'waymark-lock-'));
const npm = (cwd, args) => execFileSync('npm', args, { cwd, stdio: 'inherit' });

try {
  for (const f of files) {
    if (!existsSync(join(root, f))) continue;
    mkdirSync(dirname(join(work, f)), { recursive: true });
    copyFileSync(join(root, f), join(work, f));
  }
  npm(work, ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', ...process.argv.slice(2)]);
  for (const f of files) if (existsSync(join(work, f))) copyFileSync(join(work, f), join(root, f));
  // --no-save: install what the lock says without letting npm prune the lock again.
  npm(root, ['install', '--no-save', '--no-audit', '--no-fund']);
} finally {
  rmSync(work, { recursive: true, force: true });
}
