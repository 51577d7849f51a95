#!/usr/bin/env node
// Rewrites package-lock.json (and package.json, when arguments add or change a dependency) so that
// `npm ci` works on every platform. npm drops other platforms' optional packages (DuckDB's and the
// bundler's native bindings) from the lock whenever it resolves next to an existing node_modules,
// and `npm ci` then refuses the lock. So the lock is resolved in an empty copy of the manifests and
// copied back; node_modules is then brought in line without rewriting the lock.
// A platform package the registry does not serve (chdb names macOS and Linux-arm builds that are
// not published there) would also be left out, and `npm ci` refuses a lock that misses it; such a
// package is entered with the platform its name states, so npm skips it on every other platform.
//
//   flock /tmp/waymark-npm.lock node scripts/update-lock.mjs                      # refresh the lock
//   flock /tmp/waymark-npm.lock node scripts/update-lock.mjs --save-dev NAME@MAJOR # add a dependency
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  enterUnpublishedPlatformPackages(join(work, 'package-lock.json'));
  for (const f of files) if (existsSync(join(work, f))) copyFileSync(join(work, f), join(root, f));
  // --no-save: install what the lock says without letting npm prune the lock again.
  npm(root, ['install', '--no-save', '--no-audit', '--no-fund']);
} finally {
  rmSync(work, { recursive: true, force: true });
}

function enterUnpublishedPlatformPackages(lockPath) {
  const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
  const packages = lock.packages;
  const locked = new Set(Object.keys(packages).map((p) => p.slice(p.lastIndexOf('node_modules/') + 'node_modules/'.length)));
  for (const [path, entry] of Object.entries(packages)) {
    for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
      if (locked.has(name)) continue;
      const platform = platformOf(name);
      if (!platform || !/^\d+\.\d+\.\d+\S*$/.test(spec)) {
        console.warn(`warning: ${name} (optional for ${path || 'the root'}) is not in the lock; npm ci will refuse it`);
        continue;
      }
      packages[`node_modules/${name}`] = { version: spec, ...platform, optional: true };
      locked.add(name);
      console.log(`entered ${name}@${spec} (${JSON.stringify(platform)}): npm could not resolve it from the registry`);
    }
  }
  lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
}

/** The os, cpu and libc a platform package's name states (`@scope/lib-linux-arm64-gnu`), or null. */
function platformOf(name) {
  const parts = name.split(/[-/]/);
  const os = parts.find((p) => ['darwin', 'linux', 'win32', 'freebsd', 'openbsd', 'netbsd', 'sunos', 'aix', 'android'].includes(p));
  const cpu = parts.find((p) => ['x64', 'arm64', 'arm', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64'].includes(p));
  if (!os || !cpu) return null;
  const libc = parts.some((p) => p === 'musl') ? 'musl' : parts.some((p) => p.startsWith('gnu')) ? 'glibc' : undefined;
  return { cpu: [cpu], ...(libc ? { libc: [libc] } : {}), os: [os] };
}
