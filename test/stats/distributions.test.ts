import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chiSquareSf,
  erfc,
  logFactorial,
  logGamma,
  normalCdf,
  normalQuantile,
  studentTCdf,
  studentTQuantile,
} from '../../src/stats/distributions.ts';

const close = (a: number, b: number, tol: number) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test('normal CDF and quantile reproduce tabulated values and invert each other', () => {
  close(normalCdf(1.959963984540054), 0.975, 1e-14);
  close(normalCdf(-1.959963984540054), 0.025, 1e-14);
  close(erfc(1), 0.15729920705028513, 1e-14);
  close(normalQuantile(0.975), 1.959963984540054, 1e-13);
  close(normalQuantile(0.5), 0, 1e-15);
  for (const p of [1e-12, 1e-6, 0.01, 0.2, 0.7, 0.999, 1 - 1e-9]) close(normalCdf(normalQuantile(p)), p, 1e-12);
});

test('Student t with 1 and 2 degrees of freedom matches its closed forms', () => {
  // df = 1 is Cauchy; df = 2 has cdf 1/2 + t / (2√(2 + t²)).
  for (const t of [-30, -2.5, -0.3, 0, 0.7, 4, 50]) {
    close(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-12);
    close(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-12);
  }
  for (const p of [0.001, 0.025, 0.4, 0.9, 0.975, 0.9995]) {
    close(studentTQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)), 1e-10);
    close(studentTQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 1e-10);
  }
});

test('Student t quantile matches the published table and tends to the normal for large df', () => {
  close(studentTQuantile(0.975, 10), 2.228138851986274, 1e-11);
  close(studentTQuantile(0.95, 30), 1.697260886504, 1e-9);
  close(studentTQuantile(0.975, 1e7), normalQuantile(0.975), 1e-6);
  // Non-integer Welch degrees of freedom round-trip through the CDF.
  for (const df of [3.7, 57.2, 6021.4]) close(studentTCdf(studentTQuantile(0.99, df), df), 0.99, 1e-12);
});

test('chi-square tail matches exp(−x/2) for 2 df and erfc(√(x/2)) for 1 df', () => {
  for (const x of [0.1, 2, 9.21, 40]) {
    close(chiSquareSf(x, 2), Math.exp(-x / 2), 1e-12);
    close(chiSquareSf(x, 1), erfc(Math.sqrt(x / 2)), 1e-12);
  }
  close(chiSquareSf(3.841458820694124, 1), 0.05, 1e-12);
  assert.equal(chiSquareSf(0, 3), 1);
});

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

test('log factorial is exact in its table and follows ln Γ(k + 1) in the Stirling range', () => {
  assert.equal(logFactorial(0), 0);
  close(logFactorial(10), Math.log(3628800), 1e-15);
  close(logFactorial(20), Math.log(2432902008176640000), 1e-15);
  let sum = 0;
  for (let k = 1; k <= 1000; k++) sum += Math.log(k);
  close(logFactorial(1000), sum, 1e-13);
  for (const k of [256, 300, 5000, 1e6]) close(logFactorial(k), logGamma(k + 1), 1e-13);
});
