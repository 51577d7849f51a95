/** Puts Segment messages into a store through the real pipeline and loader, as the server would. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEventFile } from '../../src/ingestion/loader.ts';
import { processMessages } from '../../src/ingestion/pipeline.ts';
import type { Store } from '../../src/store/store.ts';
import { tempDir } from './stores.ts';

let fileCounter = 0;

export async function ingest(store: Store, projectId: string, messages: object[], receivedAt = new Date()): Promise<void> {
  const { rows, rejected } = processMessages(projectId, messages, 'batch', undefined, receivedAt, 64 * 1024);
  assert.deepEqual(rejected, [], 'test messages must be valid');
  const file = join(tempDir(), `ingest-${fileCounter++}.ndjson`);
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  await loadEventFile(store, file);
}

/** ISO time `minutes` after a fixed origin, for readable hand-built scenarios. */
export function minutesAfter(origin: string, minutes: number): string {
  return new Date(Date.parse(origin) + minutes * 60_000).toISOString();
}
