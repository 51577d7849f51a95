/**
 * What a fit reports per channel, each with a central credible interval: contribution over
 * the fitted days, ROI (contribution ÷ spend), marginal ROI at current spend (the extra KPI
 * of one more unit of spend, spread like the channel's own spend), and the steady-state
 * response curve with the spend range the data covered marked, so nothing past it reads as
 * measured.
 */
import { type Interval, type MmmFit, summarize } from './fit.ts';
import { hill } from './transforms.ts';

export interface CurvePoint {
  /** Daily spend. */
  spend: number;
  /** Incremental KPI per day at that spend, held constant (steady state). */
  kpi: Interval;
  /** Past the highest daily spend the data covered: the curve's shape there is the prior's. */
  extrapolated: boolean;
}

export interface ResponseCurve {
  channel: string;
  /** Daily spend the fit saw: lowest and highest (7-day averages) and the mean over the last 30 days. */
  observed: { min: number; max: number; recent: number };
  points: CurvePoint[];
}

export interface ChannelReport {
  channel: string;
  spend: number;
  contribution: Interval;
  roi: Interval;
  mroi: Interval;
  /** Posterior means of the media parameters (decay per day, half-saturation as daily spend, Hill shape). */
  parameters: { decay: number; halfSaturationSpend: number; shape: number; delayDays: number };
}

/** At most this many draws go into derived quantities that re-run the transforms. */
const DERIVED_DRAWS = 400;

export function drawSubset(fit: MmmFit): number[] {
  const step = Math.max(1, Math.floor(fit.draws / DERIVED_DRAWS));
  const out: number[] = [];
  for (let k = 0; k < fit.draws; k += step) out.push(k);
  return out;
}

/** Daily spend statistics of the fitted days (7-day moving averages, so flighting's single days do not set the range). */
export function observedSpend(fit: MmmFit, c: number): ResponseCurve['observed'] {
  const ch = fit.data.channels[c]!;
  const W = fit.data.warmup;
  const T = fit.data.days;
  let min = Infinity;
  let max = 0;
  for (let t = 6; t < T; t++) {
    let s = 0;
    for (let k = 0; k < 7; k++) s += ch.spend[W + t - k]!;
    const avg = (s / 7) * ch.spendScale;
    min = Math.min(min, avg);
    max = Math.max(max, avg);
  }
  let recent = 0;
  const n = Math.min(30, T);
  for (let t = T - n; t < T; t++) recent += ch.spend[W + t]! * ch.spendScale;
  return { min: Number.isFinite(min) ? min : 0, max, recent: recent / n };
}

/** Per-draw steady-state daily KPI of channel c at a daily spend. */
export function dailyResponse(fit: MmmFit, c: number, k: number, dailySpend: number): number {
  const cd = fit.channels[c]!;
  return cd.beta[k]! * hill(dailySpend / cd.spendScale, cd.halfSat[k]!, cd.shape[k]!);
}

export function channelReports(fit: MmmFit, level: number): ChannelReport[] {
  const subset = drawSubset(fit);
  const T = fit.data.days;
  return fit.channels.map((cd, c) => {
    const contribution = cd.roi.map((r) => r * cd.spendTotal);
    // Marginal ROI: +1% on every day's spend, the extra contribution over the extra spend.
    const mroi = new Float64Array(subset.length);
    subset.forEach((k, i) => {
      const h = fit.model.saturation(c, cd.decay[k]!, cd.halfSat[k]!, cd.shape[k]!, 1.01);
      let sum = 0;
      for (let t = 0; t < T; t++) sum += h[t]!;
      mroi[i] = (cd.beta[k]! * sum - cd.roi[k]! * cd.spendTotal) / (0.01 * cd.spendTotal);
    });
    const mean = (x: Float64Array) => x.reduce((a, b) => a + b, 0) / x.length;
    return {
      channel: cd.name,
      spend: cd.spendTotal,
      contribution: summarize(contribution, level),
      roi: summarize(cd.roi, level),
      mroi: summarize(mroi, level),
      parameters: {
        decay: mean(cd.decay),
        halfSaturationSpend: mean(cd.halfSat) * cd.spendScale,
        shape: mean(cd.shape),
        delayDays: cd.delay,
      },
    };
  });
}

/** Response curves from 0 to twice the highest observed daily spend, points past it flagged. */
export function responseCurves(fit: MmmFit, level: number, points = 21): ResponseCurve[] {
  const subset = drawSubset(fit);
  return fit.channels.map((cd, c) => {
    const observed = observedSpend(fit, c);
    const top = 2 * Math.max(observed.max, observed.recent);
    const pts: CurvePoint[] = [];
    for (let i = 0; i < points; i++) {
      const spend = (top * i) / (points - 1);
      const v = subset.map((k) => dailyResponse(fit, c, k, spend));
      pts.push({ spend, kpi: summarize(v, level), extrapolated: spend > observed.max * (1 + 1e-9) });
    }
    return { channel: cd.name, observed, points: pts };
  });
}

/**
 * Posterior-predictive fit of the posterior mean against the observed KPI: R², MAPE (mean of
 * |error| ÷ |actual| over days with a nonzero KPI) and WAPE (Σ|error| ÷ Σ|actual|). A shop with a few
 * orders a day has days of a few dollars (or net negative after refunds), where one order's error
 * is thousands of percent, so MAPE alone overstates the error; WAPE is the share of revenue missed.
 */
export function fitQuality(fit: MmmFit): { r2: number; mape: number; wape: number } {
  const y = fit.series.y;
  const T = y.length;
  let mean = 0;
  for (const v of y) mean += v;
  mean /= T;
  let sse = 0;
  let sst = 0;
  let ape = 0;
  let n = 0;
  let absError = 0;
  let absActual = 0;
  for (let t = 0; t < T; t++) {
    const e = y[t]! - fit.fitted[t]!;
    absError += Math.abs(e);
    absActual += Math.abs(y[t]!);
    sse += e * e;
    sst += (y[t]! - mean) ** 2;
    if (y[t]! !== 0) {
      ape += Math.abs(e / y[t]!);
      n++;
    }
  }
  return { r2: sst > 0 ? 1 - sse / sst : 0, mape: n > 0 ? ape / n : 0, wape: absActual > 0 ? absError / absActual : 0 };
}
