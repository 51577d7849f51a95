/**
 * The durable spool: the only thing between a 2xx and the store. Accepted rows are appended to
 * the current segment file and fsynced before the request is answered; requests arriving while
 * an fsync runs share the next one (group commit). A background loader seals segments and bulk
 * loads them into the store (see loader.ts); a segment is deleted only after its load committed.
 * Loading is idempotent (deduplicated by message id), so a crash at any point loses nothing and
 * duplicates nothing.
 *
 * Disk full: a group is acknowledged only once all its bytes are written and synced. A short
 * write, ENOSPC or a failed sync cuts the segment back to its last synced length, so no torn or
 * unacknowledged line is ever loaded, and every request of the group gets SpoolWriteError (503).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';

interface Pending {
  data: Buffer;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** The spool could not make a group durable; nothing of it is kept. */
export class SpoolWriteError extends Error {
  constructor(readonly cause: unknown) {
    super(`spool write failed: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

export class Spool {
  private file: FileHandle | undefined;
  private currentPath: string | undefined;
  /** Synced (acknowledged) bytes of the current segment: the length to cut back to on a failure. */
  private currentBytes = 0;
  private pending: Pending[] = [];
  private flushing = false;
  private sequence = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Bytes in segments that are not loaded yet (sealed + current). */
  backlogBytes = 0;
  /** When the last write failed (0: never, or a later write succeeded). */
  lastWriteErrorAt = 0;
  lastWriteError: string | undefined;

  constructor(
    readonly dir: string,
    private readonly groupCommitMs: number,
    private readonly maxSegmentBytes = 64 * 1024 * 1024,
  ) {
    mkdirSync(dir, { recursive: true });
    for (const f of this.sealedSegments()) this.backlogBytes += statSync(f).size;
    // A segment left open by a crash holds only acknowledged (fsynced) lines or a torn tail of an
    // unacknowledged write: seal it so the loader takes it.
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.open'))) {
      const full = join(dir, f);
      // Drop a torn last line (a write the crash interrupted was never acknowledged).
      const content = readFileSync(full);
      const end = content.lastIndexOf(0x0a) + 1;
      if (end === 0) {
        unlinkSync(full);
        continue;
      }
      if (end < content.length) truncateSync(full, end);
      this.backlogBytes += end;
      renameSync(full, full.replace(/\.open$/, '.ndjson'));
    }
    // Quarantined segments (loader.ts) keep their names: never reuse one.
    const quarantine = join(dir, 'quarantine');
    const names = [...readdirSync(dir), ...(existsSync(quarantine) ? readdirSync(quarantine) : [])];
    const numbers = names.map((n) => Number(n.split('.')[0])).filter(Number.isFinite);
    this.sequence = numbers.length ? Math.max(...numbers) + 1 : 0;
  }

  /** Resolves once the lines are on disk; rejects with SpoolWriteError when they could not all be. */
  append(lines: string[]): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    const data = Buffer.from(lines.join('\n') + '\n');
    return new Promise((resolve, reject) => {
      this.pending.push({ data, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushing || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.groupCommitMs);
  }

  // Writes and fsyncs run on libuv's thread pool, so the event loop keeps serving requests.
  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    this.flushing = true;
    const group = this.pending;
    this.pending = [];
    try {
      if (this.file === undefined) await this.openSegment();
      // Written as the group's own buffers (writev): concatenating them first allocated fresh
      // memory for every group, and touching new pages was the costliest part of the write.
      const chunks = group.map((p) => p.data);
      const bytes = await this.writeAll(chunks);
      await this.file!.datasync();
      this.currentBytes += bytes;
      this.backlogBytes += bytes;
      this.lastWriteErrorAt = 0;
      this.lastWriteError = undefined;
      for (const p of group) p.resolve();
    } catch (error) {
      this.lastWriteErrorAt = Date.now();
      this.lastWriteError = (error as Error)?.message ?? String(error);
      await this.cutBack();
      const failure = new SpoolWriteError(error);
      for (const p of group) p.reject(failure);
    } finally {
      this.flushing = false;
      if (this.currentBytes >= this.maxSegmentBytes) await this.seal().catch(() => undefined);
      if (this.pending.length > 0) this.schedule();
    }
  }

  /** write(2) may write less than asked (a filling disk): keep writing until all is written or it fails. */
  private async writeAll(chunks: Buffer[]): Promise<number> {
    let total = 0;
    for (const c of chunks) total += c.length;
    let written = (await this.file!.writev(chunks)).bytesWritten;
    if (written >= total) return total;
    // A short write: finish what is left, chunk by chunk, from where it stopped.
    for (const c of chunks) {
      if (written >= c.length) {
        written -= c.length;
        continue;
      }
      let offset = written;
      written = 0;
      while (offset < c.length) {
        const { bytesWritten } = await this.file!.write(c, offset, c.length - offset);
        if (bytesWritten <= 0) throw new Error('write made no progress (disk full?)');
        offset += bytesWritten;
      }
    }
    return total;
  }

  /** Removes whatever a failed group left after the last synced byte. */
  private async cutBack(): Promise<void> {
    if (this.file === undefined) return;
    try {
      await this.file.truncate(this.currentBytes);
      await this.file.datasync();
    } catch {
      // Even the truncate failed: close the segment; seal() cuts it by path, and so does start-up.
      const file = this.file;
      this.file = undefined;
      await file.close().catch(() => undefined);
      this.sealPath(this.currentPath!);
    }
  }

  private async openSegment(): Promise<void> {
    this.currentPath = join(this.dir, `${String(this.sequence++).padStart(12, '0')}.open`);
    this.file = await open(this.currentPath, 'a');
    this.currentBytes = 0;
  }

  /** Cuts a closed segment to its synced length and hands it to the loader. */
  private sealPath(path: string): void {
    try {
      truncateSync(path, this.currentBytes);
    } catch {
      // left as .open: start-up recovery drops its torn tail
      this.currentPath = undefined;
      return;
    }
    this.currentPath = undefined;
    // A segment whose every write failed holds nothing: nothing to load.
    if (this.currentBytes === 0) return unlinkSync(path);
    renameSync(path, path.replace(/\.open$/, '.ndjson'));
  }

  /** Closes the current segment so the loader can take it. Called by the loader before each load. */
  async seal(): Promise<void> {
    if (this.file === undefined || this.flushing) return;
    const file = this.file;
    const path = this.currentPath!;
    this.file = undefined;
    await file.close();
    this.sealPath(path);
  }

  sealedSegments(): string[] {
    return readdirSync(this.dir)
      .filter((n) => n.endsWith('.ndjson'))
      .sort()
      .map((n) => join(this.dir, n));
  }

  /** Waits for pending writes, then seals. */
  async drain(): Promise<void> {
    while (this.pending.length > 0 || this.flushing || this.timer) await new Promise((r) => setTimeout(r, 1));
    await this.seal();
  }
}
