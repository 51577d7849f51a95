/**
 * Bulk import of Segment messages (NDJSON files, the demo generator, CSV rows mapped to
 * messages) through the same validate → enrich steps as live collection, then loaded in large
 * chunks. Memory stays bounded: rows go to a chunk file, never into one big array.
 */
import { createReadStream, createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadEventFile } from '../ingestion/loader.ts';
import { processMessages, type Rejection } from '../ingestion/pipeline.ts';
import type { Store } from '../store/store.ts';

export interface ImportProgress {
  messages: number;
  accepted: number;
  rejected: number;
}

export interface ImportResult extends ImportProgress {
  /** The first rejections (line numbers are 1-based), enough to fix a file. */
  firstRejections: (Rejection & { line: number })[];
}

export interface ImportOptions {
  workDir: string;
  chunkRows?: number;
  onProgress?: (p: ImportProgress) => void;
  sessionTimeoutMinutes?: number;
}

function writeAsync(stream: WriteStream, data: string): Promise<void> {
  if (stream.write(data)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onError = (e: unknown) => reject(e);
    stream.once('error', onError);
    stream.once('drain', () => {
      stream.off('error', onError);
      resolve();
    });
  });
}

function endAsync(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.end(() => resolve());
    stream.once('error', reject);
  });
}

export async function importMessages(
  store: Store,
  projectId: string,
  messages: AsyncIterable<unknown> | Iterable<unknown>,
  options: ImportOptions,
): Promise<ImportResult> {
  const chunkRows = options.chunkRows ?? 500_000;
  mkdirSync(options.workDir, { recursive: true });
  const result: ImportResult = { messages: 0, accepted: 0, rejected: 0, firstRejections: [] };
  let chunkIndex = 0;
  let file = '';
  let out: WriteStream | undefined;
  let rowsInChunk = 0;
  let pending: unknown[] = [];
  const receivedAt = new Date();

  const flushChunk = async () => {
    if (!out) return;
    await endAsync(out);
    out = undefined;
    await loadEventFile(store, file, options.sessionTimeoutMinutes);
    rmSync(file, { force: true });
    rowsInChunk = 0;
  };

  const processPending = async () => {
    const firstIndex = result.messages - pending.length;
    const outcome = processMessages(projectId, pending, 'batch', undefined, receivedAt, 64 * 1024);
    pending = [];
    for (const r of outcome.rejected)
      if (result.firstRejections.length < 20) result.firstRejections.push({ ...r, line: firstIndex + r.index + 1 });
    result.rejected += outcome.rejected.length;
    result.accepted += outcome.rows.length;
    if (outcome.rows.length === 0) return;
    if (!out) {
      file = join(options.workDir, `import-${process.pid}-${chunkIndex++}.ndjson`);
      out = createWriteStream(file);
    }
    await writeAsync(out, outcome.rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    rowsInChunk += outcome.rows.length;
    options.onProgress?.(result);
    if (rowsInChunk >= chunkRows) await flushChunk();
  };

  for await (const m of messages as AsyncIterable<unknown>) {
    pending.push(m);
    result.messages++;
    if (pending.length >= 10_000) await processPending();
  }
  await processPending();
  await flushChunk();
  options.onProgress?.(result);
  return result;
}

/** Lines of an NDJSON file as parsed messages; a line that is not JSON becomes a value the validator rejects. */
export async function* readNdjson(path: string): AsyncGenerator<unknown> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    try {
      yield JSON.parse(line);
    } catch {
      yield `invalid JSON: ${line.slice(0, 80)}`;
    }
  }
}
