/**
 * The Node versions package.json promises are ones every dependency accepts (npm warns EBADENGINE
 * otherwise, and the package may use syntax or APIs the promised Node lacks), and the lock lists the
 * other platforms' native packages that `npm ci` checks for.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

const ROOT = new URL('..', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
const locked = Object.entries(lock.packages as Record<string, LockEntry>).filter(
  ([path]) => path.startsWith('node_modules/') || path.includes('/node_modules/'),
);

interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
  optionalDependencies?: Record<string, string>;
  os?: string[];
  cpu?: string[];
}

/** Values Node's process.arch can take: a package locked only for other CPUs (wasm32) never installs under Node. */
const NODE_ARCHES = new Set(['arm', 'arm64', 'ia32', 'loong64', 'mips', 'mipsel', 'ppc', 'ppc64', 'riscv64', 's390', 's390x', 'x64']);
const installable = (entry: LockEntry) => !entry.cpu || entry.cpu.some((c) => c.startsWith('!') || NODE_ARCHES.has(c));

/** The engines range a package declares: from its installed package.json when installed, else from the lock. */
function nodeRange(path: string, entry: LockEntry): string | undefined {
  const installed = join(ROOT, path, 'package.json');
  const engines = existsSync(installed) ? JSON.parse(readFileSync(installed, 'utf8')).engines : entry.engines;
  return engines && !Array.isArray(engines) && typeof engines.node === 'string' ? engines.node : undefined;
}

describe('dependency engines', () => {
  const promised: string = manifest.engines.node;

  it('the running Node is one package.json promises', () => {
    assert.ok(semver.satisfies(process.version, promised), `${process.version} is outside "${promised}"`);
  });

  it('every locked package accepts every Node version package.json promises, and the running one', () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const [path, entry] of locked) {
      const range = nodeRange(path, entry);
      if (range === undefined || !installable(entry)) continue;
      checked++;
      if (!semver.subset(promised, range))
        mismatches.push(`${path}@${entry.version} needs node "${range}", package.json promises "${promised}"`);
      else if (!semver.satisfies(process.version, range)) mismatches.push(`${path}@${entry.version} rejects ${process.version}`);
    }
    assert.deepEqual(mismatches, []);
    assert.ok(checked > 50, `only ${checked} packages declare engines; is node_modules/package-lock.json missing?`);
  });

  it('the check rejects a package that needs a newer Node than promised', () => {
    assert.equal(semver.subset(promised, '>=22'), false);
    assert.equal(semver.subset(promised, '>=20'), true);
  });
});

describe('package-lock.json', () => {
  const names = new Set(locked.map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)));

  it('lists the native packages of other platforms, which npm ci requires', () => {
    const missing = locked.flatMap(([path, entry]) =>
      Object.keys(entry.optionalDependencies ?? {})
        .filter((n) => !names.has(n))
        .map((n) => `${n} (optional for ${path})`),
    );
    assert.deepEqual(missing, [], 'regenerate with node scripts/update-lock.mjs');
    const duckdb = Object.keys(lock.packages['node_modules/@duckdb/node-bindings']?.optionalDependencies ?? {});
    assert.ok(
      duckdb.some((p) => p.includes('darwin')) && duckdb.some((p) => p.includes('win32')),
      'DuckDB lists its macOS and Windows bindings',
    );
  });

  it('is resolved from the current package.json', () => {
    const root = lock.packages[''];
    for (const field of ['dependencies', 'devDependencies'] as const) {
      assert.deepEqual(root[field] ?? {}, manifest[field] ?? {}, `${field} of package-lock.json differ from package.json`);
    }
  });
});
