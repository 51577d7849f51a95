import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dayOfWeek, normalCdf, normalQuantile, studentTCdf, studentTQuantile, trendTest } from '../../../src/initiatives/methods/stats.ts';

test('distribution functions match published table values', () => {
  assert.ok(Math.abs(normalCdf(1.96) - 0.9750021) < 1e-6);
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-6);
  assert.ok(Math.abs(normalQuantile(0.001) + 3.090232) < 1e-5);
  // t tables: t(0.975; 10) = 2.228139, t(0.975; 3) = 3.182446, t(0.95; 30) = 1.697261.
  assert.ok(Math.abs(studentTQuantile(0.975, 10) - 2.228139) < 1e-5);
  assert.ok(Math.abs(studentTQuantile(0.975, 3) - 3.182446) < 1e-5);
  assert.ok(Math.abs(studentTQuantile(0.95, 30) - 1.697261) < 1e-5);
  assert.ok(Math.abs(studentTCdf(2.228139, 10) - 0.975) < 1e-6);
});

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
