/**
 * Stopping the loader stops it even when a load is in flight: the tick that was running must not
 * schedule another. Otherwise a closed server keeps loading into its closed store on a timer and
 * the process never exits.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Loader } from '../../src/ingestion/loader.ts';
import { Spool } from '../../src/ingestion/spool.ts';
import { describeEachStore, tempDir } from '../support/stores.ts';

/** A loader that stops itself at the start of its first load, while that load is in flight. */
class StopsDuringFirstLoad extends Loader {
  loads = 0;
  override async loadNow() {
    this.loads++;
    if (this.loads === 1) this.stop();
    return super.loadNow();
  }
}

describeEachStore('stopping the loader', (ctx) => {
  it('during a load in flight schedules no further loads', async () => {
    const loader = new StopsDuringFirstLoad(ctx.store, new Spool(tempDir(), 1), 30);
    loader.start(5);
    for (let i = 0; i < 200 && loader.loads === 0; i++) await sleep(5);
    await sleep(150);
    assert.equal(loader.loads, 1);
  });

  it('and starting again replaces the running schedule instead of adding a second one', async () => {
    const loader = new StopsDuringFirstLoad(ctx.store, new Spool(tempDir(), 1), 30);
    loader.loads = 1; // skip the self-stop
    loader.start(20);
    loader.start(20);
    await sleep(110);
    loader.stop();
    const afterStop = loader.loads;
    await sleep(100);
    assert.equal(loader.loads, afterStop, 'nothing after stop');
    // one schedule at 20 ms gives at most ~5 loads in 110 ms; two would give about twice that
    assert.ok(afterStop - 1 <= 6, `${afterStop - 1} loads`);
  });
});
