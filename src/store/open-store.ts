import { join, resolve } from 'node:path';
import { ChdbStore } from './chdb-store.ts';
import { ClickHouseHttpStore } from './clickhouse-store.ts';
import { DuckDbStore } from './duckdb-store.ts';
import { migrate } from './migrate.ts';
import { type QueryLimits, type Store } from './store.ts';
import { loadConfig } from '../config/config.ts';

/** The analysis limits of the configuration (they have no command-line flags: environment or defaults). */
export function analysisLimits(config = loadConfig()): QueryLimits {
  return {
    timeoutMs: config.queryTimeoutMs,
    maxMemoryBytes: config.queryMaxMemoryBytes,
    names: { time: 'WAYMARK_QUERY_TIMEOUT_MS', memory: 'WAYMARK_QUERY_MAX_MEMORY_BYTES' },
  };
}

/**
 * Store locations:
 *   duckdb (default)              → DATA_DIR/waymark.duckdb
 *   duckdb:PATH                   → that DuckDB file
 *   chdb:DIR                      → ClickHouse engine in-process on DIR
 *   clickhouse://u:p@host:8123/db[?cluster=NAME]  → a ClickHouse server or cluster over HTTP
 */
export async function openStore(location: string, dataDir: string, limits: QueryLimits = analysisLimits()): Promise<Store> {
  let store: Store;
  if (location === 'duckdb' || location === '') store = await DuckDbStore.open(join(resolve(dataDir), 'waymark.duckdb'), limits);
  else if (location.startsWith('duckdb:')) store = await DuckDbStore.open(location.slice('duckdb:'.length), limits);
  else if (location.startsWith('chdb:'))
    store = await ChdbStore.open(resolve(location.slice('chdb:'.length) || join(dataDir, 'chdb')), 'waymark', limits);
  else if (/^clickhouses?:\/\//.test(location)) store = await ClickHouseHttpStore.open(location, limits);
  else throw new Error(`unknown store "${location}": use duckdb, duckdb:PATH, chdb:DIR or clickhouse://user:pass@host:8123/db`);
  await migrate(store);
  return store;
}
