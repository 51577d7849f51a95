/**
 * Closing the DuckDB store while a read is still running (a request whose client went away keeps
 * its query going) interrupts the read and waits for it, instead of closing the database under it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { DuckDbStore } from '../../src/store/duckdb-store.ts';
import { tempDir } from '../support/stores.ts';

it('interrupts a running read, waits for it, then closes; later reads are refused with a clear error', async () => {
  const store = await DuckDbStore.open(join(tempDir(), 'close.duckdb'));
  // Long enough to be running when close() is called (seconds here), cheap to interrupt.
  const slow = store.query('SELECT count(*) AS n FROM range(3000000000) AS t(x) WHERE x % 7 = 3');
  const outcome = slow.then(
    () => 'finished',
    (error: Error) => `refused: ${error.message}`,
  );
  await new Promise((r) => setTimeout(r, 200));
  await store.close();
  assert.match(await outcome, /^refused: .*interrupt/i);
  await assert.rejects(store.query('SELECT 1'), /closing/);
});
