/**
 * One slice of a demo run (customers [from, to)) turned into event-row NDJSON files for the bulk
 * loader: simulate, then the same validate → enrich steps as live collection, in batches of
 * 10,000 messages. Runs in a worker thread (demo-worker.ts) or in process.
 */
import { mkdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
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

/**
 * An NDJSON file written through one reused buffer. Encoding each line into memory that is
 * already mapped matters here: building a file's worth of text and converting it with
 * Buffer.from touched fresh pages for every megabyte, which cost more than generating the rows.
 */
class LineFile {
  private readonly buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
  private used = 0;
  private constructor(private readonly handle: FileHandle) {}

  static async create(path: string): Promise<LineFile> {
    return new LineFile(await open(path, 'w'));
  }

  async writeLine(line: string): Promise<void> {
    // At most 3 bytes per UTF-16 unit, plus the newline; a row is far smaller than the buffer.
    if (this.used + 3 * line.length + 1 > this.buffer.length) await this.flush();
    this.used += this.buffer.write(line, this.used);
    this.buffer[this.used++] = 0x0a;
  }

  private async flush(): Promise<void> {
    let offset = 0;
    while (offset < this.used) offset += (await this.handle.write(this.buffer, offset, this.used - offset)).bytesWritten;
    this.used = 0;
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.handle.close();
    }
  }
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
  let out: LineFile | undefined;
  let rowsInFile = 0;

  const seal = async () => {
    if (!out) return;
    const closing = out;
    out = undefined;
    await closing.close();
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
      out = await LineFile.create(file);
    }
    for (const row of outcome.rows) await out.writeLine(JSON.stringify(row));
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
    if (out) await out.close().catch(() => {});
  }
  return result;
}
