import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateDemo, DEFAULT_DEMO } from '../../src/demo/generator.ts';

// Messages are never held; what grows is the ground truth's one record per person (its counterfactual
// replay and per-person truth need them), a few KB each, far below the messages' several GB.
test('streaming 200,000 customers while only counting keeps heap growth to the per-person truth records (under 700 MB)', () => {
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  let n = 0;
  let orders = 0;
  for (const m of generateDemo({ ...DEFAULT_DEMO, customers: 200_000 }).messages()) {
    n++;
    if (m.event === 'Order Completed') orders++;
    if ((n & 0xffff) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
  }
  const growthMb = (peak - base) / 1e6;
  // ~10M messages of ~700 bytes: holding them would need several GB.
  assert.ok(n > 7_000_000, `messages ${n}`);
  assert.ok(orders > 15_000, `orders ${orders}`);
  assert.ok(growthMb < 700, `heap grew ${growthMb.toFixed(0)} MB`);
});
