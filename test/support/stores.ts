/**
 * One test suite, every store: `describeEachStore('funnels', (ctx) => { it(..., async () => ctx.store ...) })`
 * runs the same tests on embedded DuckDB and on the ClickHouse engine (chdb).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { ChdbStore } from '../../src/store/chdb-store.ts';
import { ClickHouseHttpStore } from '../../src/store/clickhouse-store.ts';
import { startClickHouseBridge, type Bridge } from './clickhouse-http-bridge.ts';
import { DuckDbStore } from '../../src/store/duckdb-store.ts';
import { migrate } from '../../src/store/migrate.ts';
import type { Store } from '../../src/store/store.ts';

export const STORE_KINDS = ['duckdb', 'chdb'] as const;
/** Also the HTTP backend (@clickhouse/client), against the real engine through a loopback bridge. */
export const ALL_STORE_KINDS = ['duckdb', 'chdb', 'clickhouse-http'] as const;
export type StoreKind = (typeof ALL_STORE_KINDS)[number];

const tempDirs: string[] = [];
let chdbDir: string | undefined;
let databaseCounter = 0;
let bridge: Bridge | undefined;

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
  } else if (kind === 'clickhouse-http') {
    chdbDir ??= tempDir('waymark-chdb-');
    bridge ??= await startClickHouseBridge(chdbDir);
    store = await ClickHouseHttpStore.open(`clickhouse://default:@${new URL(bridge.url).host}/h${process.pid}_${databaseCounter++}`);
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

export function describeEachStore(name: string, body: (ctx: StoreContext) => void, kinds: readonly StoreKind[] = STORE_KINDS): void {
  for (const kind of kinds) {
    describe(`${name} [${kind}]`, () => {
      const ctx = { kind } as StoreContext;
      before(async () => {
        ctx.store = await openTestStore(kind);
      });
      after(async () => {
        await ctx.store?.close();
        if (kind === 'clickhouse-http') await bridge?.close();
        bridge = undefined;
      });
      body(ctx);
    });
  }
}
