/**
 * Moves sealed spool segments into the store, one at a time, off the request path:
 * stage the file in bulk, merge it with dedup and sessionization in SQL, then delete it.
 */
import { statSync, unlinkSync } from 'node:fs';
import type { Store } from '../store/store.ts';
import { EVENT_COLUMNS, EVENTS_STAGING } from '../store/schema.ts';
import { mergeEventsSql, mergeIdentityLinksSql, mergeTraitsSql } from './load-sql.ts';
import type { Spool } from './spool.ts';

export interface LoadStats {
  segments: number;
  bytes: number;
}

/** Loads one NDJSON file of event rows; idempotent. */
export async function loadEventFile(store: Store, path: string, sessionTimeoutMinutes = 30): Promise<void> {
  await store.exec(store.dialect.truncate(EVENTS_STAGING.name));
  await store.loadNdjson(EVENTS_STAGING.name, EVENT_COLUMNS, path);
  // Identity first: a crash after it but before the events merge only re-adds nothing on replay.
  await store.exec(mergeIdentityLinksSql(store.dialect));
  await store.exec(mergeTraitsSql());
  await store.exec(mergeEventsSql(store.dialect, sessionTimeoutMinutes * 60));
  await store.exec(store.dialect.truncate(EVENTS_STAGING.name));
}

export class Loader {
  private running: Promise<LoadStats> | undefined;
  private timer: NodeJS.Timeout | undefined;
  lastError: unknown;
  lastErrorAt = 0;

  constructor(
    private readonly store: Store,
    private readonly spool: Spool,
    private readonly sessionTimeoutMinutes: number,
  ) {}

  start(intervalMs: number): void {
    const tick = async () => {
      try {
        await this.loadNow();
      } catch {
        // recorded in lastError; the next tick retries
      }
      this.timer = setTimeout(tick, intervalMs);
    };
    this.timer = setTimeout(tick, intervalMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  /** Seals the open segment and loads everything sealed. Concurrent calls share one run. */
  loadNow(): Promise<LoadStats> {
    this.running ??= this.loadAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async loadAll(): Promise<LoadStats> {
    await this.spool.seal();
    const stats = { segments: 0, bytes: 0 };
    for (const file of this.spool.sealedSegments()) {
      const size = statSync(file).size;
      try {
        await loadEventFile(this.store, file, this.sessionTimeoutMinutes);
      } catch (error) {
        this.lastError = error;
        this.lastErrorAt = Date.now();
        throw error;
      }
      unlinkSync(file);
      this.spool.backlogBytes -= size;
      stats.segments++;
      stats.bytes += size;
    }
    this.lastError = undefined;
    return stats;
  }

  /** Loads what is pending before shutdown. */
  async flush(): Promise<void> {
    await this.spool.drain();
    await this.loadNow();
  }
}
