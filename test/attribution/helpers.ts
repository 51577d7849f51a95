import assert from 'node:assert/strict';
import type { AttributionResult, PathAggregate } from '../../src/attribution/models/types.ts';

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

/** Hand-computed toy set shared by the model tests: 5 conversions, value 160. */
export const TOY_PATHS: PathAggregate[] = [
  { path: ['A', 'B', 'C'], conversions: 2, value: 100, nulls: 1 },
  { path: ['B', 'Direct'], conversions: 1, value: 30, nulls: 0 },
  { path: ['Direct'], conversions: 1, value: 10, nulls: 0 },
  { path: ['A', 'A', 'C', 'B'], conversions: 1, value: 20, nulls: 3 },
  { path: ['C'], conversions: 0, value: 0, nulls: 5 },
];
