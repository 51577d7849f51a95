import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bgNbdTotalLogLikelihood,
  conditionalExpectedPurchases,
  expectedPurchases,
  fitBgNbd,
  probabilityAlive,
  type BgNbdParams,
  type RfmRow,
} from '../../src/predictions/bg-nbd.ts';
import { gammaDraw, mulberry32, normalSampler } from '../../src/stats/random.ts';
import { cdnowCalibrationSummary, cdnowSummaryFile } from './cdnow.ts';

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (±${tol})`);

describe('BG/NBD on the CDNOW sample (Fader, Hardie & Lee 2005)', () => {
  const customers = cdnowSummaryFile();
  const fit = fitBgNbd(customers);

  it('reproduces the published summary file from the raw transactions (day-level purchases, weeks)', () => {
    const derived = cdnowCalibrationSummary();
    assert.equal(derived.length, 2357);
    for (const [i, c] of customers.entries()) {
      const d = derived[i]!;
      assert.equal(d.id, c.id);
      assert.equal(d.frequency, c.frequency, `frequency of ${c.id}`);
      close(d.recency, c.recency, 0.005, `recency of ${c.id}`);
      close(d.T, c.T, 0.005, `T of ${c.id}`);
    }
  });

  it('finds the published maximum-likelihood estimates r=0.243, α=4.414, a=0.793, b=2.426 and LL=−9582.4', () => {
    assert.equal(fit.converged, true);
    assert.equal(fit.customers, 2357);
    close(fit.params.r, 0.243, 0.0005, 'r');
    close(fit.params.alpha, 4.414, 0.0005, 'alpha');
    close(fit.params.a, 0.793, 0.0005, 'a');
    close(fit.params.b, 2.426, 0.0005, 'b');
    close(fit.logLikelihood, -9582.4, 0.05, 'log-likelihood');
  });

  it('gives the paper spreadsheet conditional expectation: x=2, t_x=30.43, T=38.86 buys 1.226 times in the next 39 weeks', () => {
    close(conditionalExpectedPurchases(fit.params, { frequency: 2, recency: 30.43, T: 38.86 }, 39), 1.226, 0.001, 'E[Y(39)]');
  });

  it('gives the spreadsheet unconditional expectations E[X(t)] for a new customer', () => {
    const times = [0.1429, 1, 3, 31.8571, 32, 78];
    const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    times.forEach((t, i) => close(expectedPurchases(fit.params, t), expected[i]!, 0.0005, `E[X(${t})]`));
  });

  it('ranks the top customers for next-week purchases as the lifetimes quickstart does', () => {
    // lifetimes docs, "Ranking customers from best to worst": t = 1 week.
    const published: Array<[number, number]> = [
      [509, 0.424877],
      [841, 0.474738],
      [1981, 0.486526],
      [157, 0.662396],
      [1516, 0.710623],
    ];
    for (const [id, value] of published)
      close(conditionalExpectedPurchases(fit.params, customers[id - 1]!, 1), value, 0.0002, `customer ${id}`);
    const ranked = customers.map((c) => ({ id: c.id, e: conditionalExpectedPurchases(fit.params, c, 1) })).sort((a, b) => b.e - a.e);
    assert.deepEqual(
      ranked.slice(0, 5).map((c) => c.id),
      [1516, 157, 1981, 841, 509],
    );
  });

  it('is certain a customer without repeat purchases is alive and doubts one who bought often long ago', () => {
    assert.equal(probabilityAlive(fit.params, { frequency: 0, recency: 0, T: 38.86 }), 1);
    const recent = probabilityAlive(fit.params, { frequency: 10, recency: 38, T: 38.86 });
    const lapsed = probabilityAlive(fit.params, { frequency: 10, recency: 5, T: 38.86 });
    assert.ok(recent > 0.9 && lapsed < 0.01, `recent ${recent}, lapsed ${lapsed}`);
    // Hand-computed from the closed form: 1 / (1 + a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)).
    const p = fit.params;
    close(
      probabilityAlive(p, { frequency: 2, recency: 30.43, T: 38.86 }),
      1 / (1 + (p.a / (p.b + 1)) * ((p.alpha + 38.86) / (p.alpha + 30.43)) ** (p.r + 2)),
      1e-12,
      'P(alive)',
    );
  });
});

describe('MBG/NBD on the CDNOW sample (Batislam et al. 2007)', () => {
  const customers = cdnowSummaryFile();
  const fit = fitBgNbd(customers, 'mbg');

  it('finds the BTYDplus estimates r=0.525, α=6.183, a=0.891, b=1.614 used by lifetimes', () => {
    assert.equal(fit.converged, true);
    close(fit.params.r, 0.525, 0.0005, 'r');
    close(fit.params.alpha, 6.183, 0.0005, 'alpha');
    close(fit.params.a, 0.891, 0.0005, 'a');
    close(fit.params.b, 1.614, 0.0005, 'b');
  });

  it('lets a one-time buyer be gone, and matches the closed form b/(a−1)·(1 − (α/(α+t))^r ₂F₁(r, b+1; a+b; t/(α+t))) for a new customer', () => {
    const p = fit.params;
    const alive = probabilityAlive(p, { frequency: 0, recency: 0, T: 38.86 });
    close(alive, 1 / (1 + (p.a / p.b) * ((p.alpha + 38.86) / p.alpha) ** p.r), 1e-12, 'P(alive | x = 0)');
    assert.ok(alive < 1);
    const t = 52;
    const z = t / (p.alpha + t);
    let term = 1;
    let f = 1;
    for (let n = 0; n < 5000; n++) f += term *= (((p.r + n) * (p.b + 1 + n)) / ((p.a + p.b + n) * (n + 1))) * z;
    close(expectedPurchases(p, t), (p.b / (p.a - 1)) * (1 - (p.alpha / (p.alpha + t)) ** p.r * f), 1e-9, 'E[X(52)]');
  });
});

describe('large-parameter expectations', () => {
  it('integrate over p and agree with the series where both apply', () => {
    const row = { frequency: 4, recency: 150, T: 200 };
    // Just below and just above the switch to quadrature (r ≥ 30): the prediction moves smoothly.
    const below = conditionalExpectedPurchases({ r: 29.999, alpha: 3000, a: 2, b: 5 }, row, 180);
    const above = conditionalExpectedPurchases({ r: 30.001, alpha: 3000.2, a: 2, b: 5 }, row, 180);
    close(above, below, 1e-4, 'across the switch');
    // A nearly homogeneous population (a, b → ∞ at p = 0.2): the limit of (1 − p)-survival with a fixed rate.
    const huge = conditionalExpectedPurchases({ r: 1e5, alpha: 1e5 * 30, a: 2e5, b: 8e5 }, { frequency: 0, recency: 0, T: 0 }, 90);
    // E = ∫ rate(1−p)^... closed limit: alive customer buys Poisson(t/30) thinned by geometric dropout: (1 − e^{−p t/30})/p.
    close(huge, (1 - Math.exp((-0.2 * 90) / 30)) / 0.2, 1e-3, 'homogeneous limit');
  });
});

/** Draws BG/NBD customers with known parameters, each observed for T time units after the first purchase. */
function simulate(truth: BgNbdParams, n: number, seed: number): RfmRow[] {
  const rng = mulberry32(seed);
  const normal = normalSampler(rng);
  const rows: RfmRow[] = [];
  for (let i = 0; i < n; i++) {
    const T = 100 + Math.floor(rng() * 266);
    const lambda = gammaDraw(truth.r, rng, normal) / truth.alpha;
    const ga = gammaDraw(truth.a, rng, normal);
    const p = ga / (ga + gammaDraw(truth.b, rng, normal));
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += -Math.log(1 - rng()) / lambda;
      if (t > T) break;
      x++;
      tx = t;
      // Dropout happens only right after a repeat purchase (FHL 2005 assumption iii).
      if (rng() < p) break;
    }
    rows.push({ frequency: x, recency: tx, T });
  }
  return rows;
}

describe('BG/NBD on simulated customers with known parameters', () => {
  it('recovers r, α, a, b within three standard errors and beats the true parameters in likelihood', () => {
    const truth = { r: 0.8, alpha: 40, a: 1.5, b: 6 };
    const rows = simulate(truth, 6000, 20260501);
    const fit = fitBgNbd(rows);
    assert.equal(fit.converged, true);
    const names = ['r', 'alpha', 'a', 'b'] as const;
    names.forEach((name, i) => {
      const se = fit.logParamStandardErrors[i]!;
      assert.ok(se > 0 && se < 0.5, `${name} standard error ${se}`);
      const z = (Math.log(fit.params[name]) - Math.log(truth[name])) / se;
      assert.ok(Math.abs(z) < 3, `${name}: ${fit.params[name]} vs ${truth[name]} (z = ${z.toFixed(2)})`);
    });
    assert.ok(fit.logLikelihood >= bgNbdTotalLogLikelihood(truth, rows));
    // The model's expected repeat purchases over the observed windows match the simulated total.
    const predicted = rows.reduce((s, r) => s + expectedPurchases(fit.params, r.T), 0);
    const actual = rows.reduce((s, r) => s + r.frequency, 0);
    assert.ok(Math.abs(predicted / actual - 1) < 0.03, `predicted ${predicted} vs actual ${actual}`);
  });
});
