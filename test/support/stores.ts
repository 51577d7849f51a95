/**
 * One test suite, every store: `describeEachStore('funnels', (ctx) => { it(..., async () => ctx.store ...) })`
 * runs the same tests on embedded DuckDB and on the ClickHouse engine (chdb).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { ChdbStore } from '../../src/store/chdb-store.ts';
import { DuckDbStore } from '../../src/store/duckdb-store.ts';
import { migrate } from '../../src/store/migrate.ts';
import type { Store } from '../../src/store/store.ts';

export const STORE_KINDS = ['duckdb', 'chdb'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

const tempDirs: string[] = [];
let chdbDir: string | undefined;
let databaseCounter = 0;

export function tempDir(prefix = 'waymark-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

process.on('exit', () => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

export async function openTestStore(kind: StoreKind): Promise<Store> {
  let store: Store;
  if (kind === 'duckdb') {
    store = await DuckDbStore.open(join(tempDir(), 'test.duckdb'));
  } else {
    chdbDir ??= tempDir('waymark-chdb-');
    // libchdb holds one folder per process: each suite gets its own database inside it.
    store = await ChdbStore.open(chdbDir, `t${process.pid}_${databaseCounter++}`);
  }
  await migrate(store);
  return store;
}

export interface StoreContext {
  store: Store;
  kind: StoreKind;
}

export function describeEachStore(name: string, body: (ctx: StoreContext) => void): void {
  for (const kind of STORE_KINDS) {
    describe(`${name} [${kind}]`, () => {
      const ctx = { kind } as StoreContext;
      before(async () => {
        ctx.store = await openTestStore(kind);
      });
      after(async () => {
        await ctx.store?.close();
      });
      body(ctx);
    });
  }
}
