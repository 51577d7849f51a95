/**
 * Moves sealed spool segments into the store, one at a time, off the request path:
 * stage the file in bulk, merge it with dedup and sessionization in SQL, then delete it.
 *
 * No segment can stop loading. When a segment fails while the store itself is fine, it is
 * quarantined (spool/quarantine/) and loaded in halves, recursively, so every loadable line is
 * stored and each line the store refuses goes to the dead-letter file (spool/dead-letter.jsonl,
 * one {segment, error, line} object per line, kept for inspection and replay). When the store is
 * the problem (down, disk full), nothing is quarantined: the segment waits and the next tick
 * retries, so loading resumes by itself.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Store } from '../store/store.ts';
import { EVENT_COLUMNS, EVENTS_STAGING } from '../store/schema.ts';
import { mergeEventsSql, mergeIdentityLinksSql, mergeTraitsSql, stagedTwinsSql } from './load-sql.ts';
import type { Spool } from './spool.ts';
import { identityKeyConfig } from '../projects/identity-stitching.ts';

export interface LoadStats {
  segments: number;
  bytes: number;
}

export type LoaderState = 'idle' | 'loading' | 'recovering' | 'failing';

/** What /health and `waymark status` show. */
export interface LoaderStatus {
  state: LoaderState;
  backlogBytes: number;
  pendingSegments: number;
  quarantinedSegments: number;
  deadLetters: number;
  lastLoadAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  lastSpoolWriteError: string | null;
}

/** Loads one NDJSON file of event rows; idempotent. */
export async function loadEventFile(store: Store, path: string, sessionTimeoutMinutes = 30): Promise<void> {
  await store.exec(store.dialect.truncate(EVENTS_STAGING.name));
  await store.loadNdjson(EVENTS_STAGING.name, EVENT_COLUMNS, path);
  // Identity first: a crash after it but before the events merge only re-adds nothing on replay.
  await store.exec(mergeIdentityLinksSql(store.dialect, await identityKeyConfig(store)));
  await store.exec(mergeTraitsSql());
  // Twins (the same message twice in one millisecond) need the wide merge to keep exactly one.
  const [twins] = await store.query<{ n: number | string }>(stagedTwinsSql());
  await store.exec(mergeEventsSql(store.dialect, sessionTimeoutMinutes * 60, Number(twins?.n ?? 0) === 0));
  await store.exec(store.dialect.truncate(EVENTS_STAGING.name));
}

/** The spool's paths that belong to the loader (inside the spool folder, never matched as segments). */
export function loaderPaths(spoolDir: string): { quarantine: string; deadLetter: string } {
  return { quarantine: join(spoolDir, 'quarantine'), deadLetter: join(spoolDir, 'dead-letter.jsonl') };
}

export function countLines(path: string): number {
  if (!existsSync(path)) return 0;
  const data = readFileSync(path);
  let n = 0;
  for (let i = data.indexOf(0x0a); i >= 0; i = data.indexOf(0x0a, i + 1)) n++;
  return n;
}

/** A row every store loads: if even this fails, the store is the problem, not the data. */
function canaryRow(): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const c of EVENT_COLUMNS) {
    row[c.name] =
      c.type === 'DateTime'
        ? '1970-01-01 00:00:00.000'
        : c.type === 'NullableFloat64'
          ? null
          : c.type === 'Int64' || c.type === 'Float64'
            ? 0
            : c.type === 'JSON'
              ? '{}'
              : '';
  }
  return row;
}

export class Loader {
  private running: Promise<LoadStats> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  private state: LoaderState = 'idle';
  private lastLoadAt = 0;
  private deadLetters: number;
  private readonly quarantineDir: string;
  private readonly deadLetterPath: string;
  lastError: unknown;
  lastErrorAt = 0;

  constructor(
    private readonly store: Store,
    private readonly spool: Spool,
    private readonly sessionTimeoutMinutes: number,
  ) {
    const paths = loaderPaths(spool.dir);
    this.quarantineDir = paths.quarantine;
    this.deadLetterPath = paths.deadLetter;
    mkdirSync(this.quarantineDir, { recursive: true });
    // Scratch files of a recovery a crash interrupted.
    for (const f of readdirSync(this.quarantineDir)) if (f.endsWith('.part')) unlinkSync(join(this.quarantineDir, f));
    this.deadLetters = countLines(this.deadLetterPath);
  }

  start(intervalMs: number): void {
    this.stop();
    // Each start gets its own generation: a tick whose load was in flight when stop() ran must
    // not schedule another (clearing the timer cannot reach it, since it already fired), or a
    // closed server keeps loading into a closed store and its process never exits.
    const generation = ++this.generation;
    const tick = async () => {
      try {
        await this.loadNow();
      } catch {
        // recorded in lastError; the next tick retries
      }
      if (generation === this.generation) this.timer = setTimeout(tick, intervalMs);
    };
    this.timer = setTimeout(tick, intervalMs);
  }

  stop(): void {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  status(): LoaderStatus {
    return {
      state: this.state,
      backlogBytes: this.spool.backlogBytes,
      pendingSegments: this.spool.sealedSegments().length,
      quarantinedSegments: this.quarantined().length,
      deadLetters: this.deadLetters,
      lastLoadAt: this.lastLoadAt ? new Date(this.lastLoadAt).toISOString() : null,
      lastError: this.lastError === undefined ? null : String((this.lastError as Error)?.message ?? this.lastError),
      lastErrorAt: this.lastErrorAt ? new Date(this.lastErrorAt).toISOString() : null,
      lastSpoolWriteError: this.spool.lastWriteErrorAt ? (this.spool.lastWriteError ?? 'unknown') : null,
    };
  }

  /** Seals the open segment and loads everything sealed. Concurrent calls share one run. */
  loadNow(): Promise<LoadStats> {
    this.running ??= this.loadAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private quarantined(): string[] {
    return readdirSync(this.quarantineDir)
      .filter((n) => n.endsWith('.ndjson'))
      .sort()
      .map((n) => join(this.quarantineDir, n));
  }

  private async loadAll(): Promise<LoadStats> {
    const stats = { segments: 0, bytes: 0 };
    try {
      await this.spool.seal();
      // A recovery a crash or a store outage interrupted goes first: its lines are older.
      for (const q of this.quarantined()) await this.recover(q);
      for (const file of this.spool.sealedSegments()) {
        const size = statSync(file).size;
        this.state = 'loading';
        try {
          await loadEventFile(this.store, file, this.sessionTimeoutMinutes);
          unlinkSync(file);
        } catch (error) {
          if (await this.storeTrouble(error)) throw error;
          const q = join(this.quarantineDir, basename(file));
          renameSync(file, q);
          this.spool.backlogBytes -= size;
          await this.recover(q);
          continue;
        }
        this.spool.backlogBytes -= size;
        stats.segments++;
        stats.bytes += size;
      }
      this.lastError = undefined;
      this.lastErrorAt = 0;
      this.lastLoadAt = Date.now();
      this.state = 'idle';
      return stats;
    } catch (error) {
      this.lastError = error;
      this.lastErrorAt = Date.now();
      this.state = 'failing';
      throw error;
    }
  }

  /** True when a failure is the store's (or its disk's), not the data's. */
  private async storeTrouble(error: unknown): Promise<boolean> {
    // Not the error's text: an engine may quote the failing line, and a client controls that.
    void error;
    if (!(await this.store.ping())) return true;
    const canary = join(this.quarantineDir, 'canary.part');
    try {
      writeFileSync(canary, JSON.stringify(canaryRow()) + '\n');
      await this.store.exec(this.store.dialect.truncate(EVENTS_STAGING.name));
      await this.store.loadNdjson(EVENTS_STAGING.name, EVENT_COLUMNS, canary);
      await this.store.exec(this.store.dialect.truncate(EVENTS_STAGING.name));
      return false;
    } catch {
      return true;
    } finally {
      if (existsSync(canary)) unlinkSync(canary);
    }
  }

  /**
   * Loads a quarantined segment in halves until every good line is stored and every bad line is
   * dead-lettered, then deletes it. Interrupted (crash, store trouble), it starts over next time:
   * loading is idempotent, so good lines are stored once.
   */
  private async recover(path: string): Promise<void> {
    this.state = 'recovering';
    const segment = basename(path);
    const bad: { line: string; error: string }[] = [];
    const loadable: string[] = [];
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line === '') continue;
      // A line that is not a JSON object (a torn write) cannot load: no need to ask the store.
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (error) {
        bad.push({ line, error: (error as Error).message });
        continue;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) bad.push({ line, error: 'not a JSON object' });
      else loadable.push(line);
    }
    await this.bisect(path, loadable, bad);
    if (bad.length > 0) {
      appendFileSync(this.deadLetterPath, bad.map((b) => JSON.stringify({ segment, error: b.error, line: b.line })).join('\n') + '\n');
      this.deadLetters += bad.length;
    }
    unlinkSync(path);
  }

  private async bisect(path: string, lines: string[], bad: { line: string; error: string }[]): Promise<void> {
    if (lines.length === 0) return;
    const part = `${path}.part`;
    // Written outside the try: a disk too full for this scratch file is store trouble, not bad data.
    writeFileSync(part, lines.join('\n') + '\n');
    try {
      await loadEventFile(this.store, part, this.sessionTimeoutMinutes);
      return;
    } catch (error) {
      if (await this.storeTrouble(error)) throw error;
      if (lines.length === 1) {
        bad.push({ line: lines[0]!, error: String((error as Error)?.message ?? error).slice(0, 500) });
        return;
      }
    } finally {
      if (existsSync(part)) unlinkSync(part);
    }
    const mid = lines.length >> 1;
    await this.bisect(path, lines.slice(0, mid), bad);
    await this.bisect(path, lines.slice(mid), bad);
  }

  /** Loads what is pending before shutdown. */
  async flush(): Promise<void> {
    await this.spool.drain();
    await this.loadNow();
  }
}
