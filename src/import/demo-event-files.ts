/**
 * One slice of a demo run (customers [from, to)) turned into event-row NDJSON files for the bulk
 * loader: simulate, then the same validate → enrich steps as live collection, in batches of
 * 10,000 messages. Runs in a worker thread (demo-worker.ts) or in process.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { customerRange, newTally, type DemoOptions, type Tally } from '../demo/generator.ts';
import { processMessages } from '../ingestion/pipeline.ts';

export interface EventFilesTask {
  options: DemoOptions;
  from: number;
  to: number;
  projectId: string;
  workDir: string;
  /** One receive time for the whole import, as importMessages uses. */
  receivedAt: string;
  fileRows: number;
  /** Distinguishes the files of parallel slices. */
  slice: number;
}

export interface EventFilesResult {
  messages: number;
  accepted: number;
  rejected: number;
  tally: Tally;
}

function writeAsync(stream: WriteStream, data: string): Promise<void> {
  if (stream.write(data)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.once('drain', () => {
      stream.off('error', reject);
      resolve();
    });
  });
}

function endAsync(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

/** Writes the slice's files; `onFile` gets each one as soon as it is complete, `onProgress` the customers done. */
export async function writeEventFiles(
  task: EventFilesTask,
  onFile: (path: string) => void,
  onProgress: (customersDone: number) => void,
): Promise<EventFilesResult> {
  mkdirSync(task.workDir, { recursive: true });
  const tally = newTally(task.options.days);
  const result: EventFilesResult = { messages: 0, accepted: 0, rejected: 0, tally };
  const receivedAt = new Date(task.receivedAt);
  let fileIndex = 0;
  let file = '';
  let out: WriteStream | undefined;
  let rowsInFile = 0;

  const seal = async () => {
    if (!out) return;
    await endAsync(out);
    out = undefined;
    rowsInFile = 0;
    onFile(file);
  };

  let pending: unknown[] = [];
  const processPending = async () => {
    const outcome = processMessages(task.projectId, pending, 'batch', undefined, receivedAt, 64 * 1024);
    pending = [];
    result.rejected += outcome.rejected.length;
    result.accepted += outcome.rows.length;
    if (outcome.rows.length === 0) return;
    if (!out) {
      file = join(task.workDir, `demo-${process.pid}-${task.slice}-${fileIndex++}.ndjson`);
      out = createWriteStream(file);
    }
    let text = '';
    for (const r of outcome.rows) text += JSON.stringify(r) + '\n';
    await writeAsync(out, text);
    rowsInFile += outcome.rows.length;
    if (rowsInFile >= task.fileRows) await seal();
  };

  try {
    let done = 0;
    for (const batch of customerRange(task.options, task.from, task.to, tally)) {
      for (const m of batch) pending.push(m);
      result.messages += batch.length;
      done++;
      if (pending.length >= 10_000) {
        await processPending();
        onProgress(done);
      }
    }
    await processPending();
    await seal();
    onProgress(done);
  } finally {
    if (out) await endAsync(out).catch(() => {});
  }
  return result;
}
