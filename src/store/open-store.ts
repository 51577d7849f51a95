import { join, resolve } from 'node:path';
import { ChdbStore } from './chdb-store.ts';
import { ClickHouseHttpStore } from './clickhouse-store.ts';
import { DuckDbStore } from './duckdb-store.ts';
import { migrate } from './migrate.ts';
import type { Store } from './store.ts';

/**
 * Store locations:
 *   duckdb (default)              → DATA_DIR/waymark.duckdb
 *   duckdb:PATH                   → that DuckDB file
 *   chdb:DIR                      → ClickHouse engine in-process on DIR
 *   clickhouse://u:p@host:8123/db[?cluster=NAME]  → a ClickHouse server or cluster over HTTP
 */
export async function openStore(location: string, dataDir: string): Promise<Store> {
  let store: Store;
  if (location === 'duckdb' || location === '') store = await DuckDbStore.open(join(resolve(dataDir), 'waymark.duckdb'));
  else if (location.startsWith('duckdb:')) store = await DuckDbStore.open(location.slice('duckdb:'.length));
  else if (location.startsWith('chdb:')) store = await ChdbStore.open(resolve(location.slice('chdb:'.length) || join(dataDir, 'chdb')));
  else if (/^clickhouses?:\/\//.test(location)) store = await ClickHouseHttpStore.open(location);
  else throw new Error(`unknown store "${location}": use duckdb, duckdb:PATH, chdb:DIR or clickhouse://user:pass@host:8123/db`);
  await migrate(store);
  return store;
}
