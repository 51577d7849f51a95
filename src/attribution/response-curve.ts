/**
 * Diminishing-returns response curve of revenue to spend:
 *
 *   revenue = a · (1 − e^(−spend / b))
 *
 * a is the saturation revenue, b the spend scale (at spend = b the curve reaches 63% of a;
 * the slope at zero spend is a/b). Fitted by least squares to daily (spend, attributed revenue)
 * points: for a fixed b the best a is linear, a(b) = Σ y·g / Σ g² with g = 1 − e^(−x/b), so the
 * fit reduces to a one-dimensional search over log b (coarse grid, then golden section).
 * The marginal return d(revenue)/d(spend) = (a/b)·e^(−spend/b) is reported at the mean daily spend.
 */

export interface SpendPoint {
  spend: number;
  revenue: number;
}

export interface ResponseCurveFit {
  a: number;
  b: number;
  /** 1 − SSE/SST (null when the revenue does not vary). */
  r2: number | null;
  sse: number;
  meanSpend: number;
  /** d(revenue)/d(spend) at meanSpend. */
  marginalReturn: number;
  /** Revenue predicted at meanSpend. */
  revenueAtMeanSpend: number;
  n: number;
}

export function responseCurve(x: number, a: number, b: number): number {
  return a * (1 - Math.exp(-x / b));
}

export function marginalReturn(x: number, a: number, b: number): number {
  return (a / b) * Math.exp(-x / b);
}

export function fitResponseCurve(points: SpendPoint[]): ResponseCurveFit {
  const pts = points.filter((p) => Number.isFinite(p.spend) && Number.isFinite(p.revenue));
  const positive = pts.filter((p) => p.spend > 0);
  if (positive.length < 2) throw new Error('response curve: need at least 2 points with positive spend');
  if (pts.some((p) => p.spend < 0)) throw new Error('response curve: spend must be non-negative');
  const xs = pts.map((p) => p.spend);
  const ys = pts.map((p) => p.revenue);
  const bestA = (b: number): number => {
    let num = 0;
    let den = 0;
    for (let i = 0; i < xs.length; i++) {
      const g = 1 - Math.exp(-xs[i] / b);
      num += ys[i] * g;
      den += g * g;
    }
    return den > 0 ? num / den : 0;
  };
  const sse = (logB: number): number => {
    const b = Math.exp(logB);
    const a = bestA(b);
    let s = 0;
    for (let i = 0; i < xs.length; i++) {
      const r = ys[i] - responseCurve(xs[i], a, b);
      s += r * r;
    }
    return s;
  };
  const xMin = Math.min(...positive.map((p) => p.spend));
  const xMax = Math.max(...xs);
  // b far below the smallest spend is a flat line; far above the largest it is a straight line.
  let lo = Math.log(xMin / 100);
  let hi = Math.log(xMax * 1000);
  const grid = 200;
  let bestI = 0;
  let bestS = Infinity;
  for (let i = 0; i <= grid; i++) {
    const s = sse(lo + ((hi - lo) * i) / grid);
    if (s < bestS) [bestS, bestI] = [s, i];
  }
  const step = (hi - lo) / grid;
  const center = lo + step * bestI;
  lo = center - step;
  hi = center + step;
  const phi = (Math.sqrt(5) - 1) / 2;
  let c = hi - phi * (hi - lo);
  let d = lo + phi * (hi - lo);
  let fc = sse(c);
  let fd = sse(d);
  for (let it = 0; it < 200 && hi - lo > 1e-12; it++) {
    if (fc < fd) {
      hi = d;
      d = c;
      fd = fc;
      c = hi - phi * (hi - lo);
      fc = sse(c);
    } else {
      lo = c;
      c = d;
      fc = fd;
      d = lo + phi * (hi - lo);
      fd = sse(d);
    }
  }
  const b = Math.exp((lo + hi) / 2);
  const a = bestA(b);
  const finalSse = sse(Math.log(b));
  const meanY = ys.reduce((s, y) => s + y, 0) / ys.length;
  const sst = ys.reduce((s, y) => s + (y - meanY) ** 2, 0);
  const meanSpend = xs.reduce((s, x) => s + x, 0) / xs.length;
  return {
    a,
    b,
    r2: sst > 0 ? 1 - finalSse / sst : null,
    sse: finalSse,
    meanSpend,
    marginalReturn: marginalReturn(meanSpend, a, b),
    revenueAtMeanSpend: responseCurve(meanSpend, a, b),
    n: xs.length,
  };
}
