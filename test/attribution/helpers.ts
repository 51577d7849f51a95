import assert from 'node:assert/strict';
import type { AttributionResult } from '../../src/attribution/models/types.ts';

export function close(actual: number, expected: number, tol = 1e-9, msg = ''): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${msg} expected ${expected}, got ${actual} (tol ${tol})`);
}

/** channel → [conversions, value] */
export function byChannel(r: AttributionResult): Record<string, [number, number]> {
  return Object.fromEntries(r.channels.map((c) => [c.channel, [c.conversions, c.value]]));
}

export function assertCredit(r: AttributionResult, expected: Record<string, [number, number]>, tol = 1e-9): void {
  const got = byChannel(r);
  for (const [ch, [c, v]] of Object.entries(expected)) {
    assert.ok(got[ch], `${r.model}: missing channel ${ch}`);
    close(got[ch][0], c, tol, `${r.model} ${ch} conversions:`);
    close(got[ch][1], v, tol, `${r.model} ${ch} value:`);
  }
  assert.deepEqual(Object.keys(got).sort(), Object.keys(expected).sort());
}
