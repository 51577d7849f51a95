import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dayOfWeek, trendTest } from '../../../src/initiatives/methods/stats.ts';

test('day of week follows the calendar', () => {
  assert.equal(dayOfWeek('2026-01-04'), 0); // a Sunday
  assert.equal(dayOfWeek('2026-01-09'), 5); // a Friday
});

test('trend test recovers an exact slope', () => {
  const x = Array.from({ length: 20 }, (_, i) => i);
  const y = x.map((v) => 3 + 0.5 * v + (v % 2 ? 0.1 : -0.1));
  const r = trendTest(x, y);
  assert.ok(Math.abs(r.slope - 0.5) < 0.01);
  assert.ok(r.p < 1e-6);
});
