/**
 * Fitting the marketing-mix model: daily series (from the aggregate query or the simulator) →
 * model data → MAP by L-BFGS → NUTS chains started around the MAP → posterior draws of every
 * channel's ROI, decay, saturation and effect size, with R̂ and ESS.
 */
import { effectiveSampleSize, rhat } from '../stats/mcmc.ts';
import { maximizeLbfgs } from '../stats/lbfgs.ts';
import type { NutsChain } from '../stats/nuts.ts';
import { defaultThreads, runChains } from './chains.ts';
import { mulberry32, normalSampler } from '../stats/random.ts';
import { baselineDesign, defaultHolidays, type ControlSeries, type Holiday } from './baseline.ts';
import { MmmModel, naturalParams, type ModelData, type MmmPriors, type NormalPrior } from './model.ts';

/** Daily series of one fit: KPI per fitted day, spend per channel over warm-up + fitted days. */
export interface MmmSeries {
  kpi: string;
  /** First fitted day (YYYY-MM-DD). */
  firstDay: string;
  days: number;
  /** Days of spend before firstDay that feed the adstock. */
  warmup: number;
  y: Float64Array;
  channels: Array<{ name: string; spend: Float64Array }>;
  controls: ControlSeries[];
}

/** A prior on one channel's ROI from a measured lift (experiment, initiative or entered by hand). */
export interface LiftPrior {
  channel: string;
  roi: number;
  /** Standard error of the measured ROI. */
  se: number;
  source: 'experiment' | 'initiative' | 'manual';
  label: string;
}

export interface SamplerSettings {
  chains: number;
  warmup: number;
  draws: number;
  seed: number;
  targetAccept: number;
  maxTreeDepth: number;
  metric: 'diag' | 'dense';
  /** Worker threads the chains run on (default: one per core, at most one per chain; 1 = this thread). */
  threads?: number;
}

export const DEFAULT_SAMPLER: SamplerSettings = {
  chains: 4,
  warmup: 400,
  draws: 400,
  seed: 1,
  targetAccept: 0.85,
  maxTreeDepth: 8,
  metric: 'dense',
};

export interface FitOptions {
  sampler?: Partial<SamplerSettings>;
  /** ROI priors per channel name, overriding the default (and any lift). */
  roiPriors?: Record<string, NormalPrior>;
  /** The default ROI prior of every channel; when absent it follows the KPI (see defaultRoiPrior). */
  defaultRoiPrior?: NormalPrior;
  lifts?: LiftPrior[];
  decayPrior?: { a: number; b: number };
  logHalfSaturationPrior?: NormalPrior;
  logShapePrior?: NormalPrior;
  /** Days between spend and its first effect, per channel. */
  delays?: Record<string, number>;
  /** Holidays of the baseline; default: the retail holidays of the range. */
  holidays?: Holiday[];
}

export interface ChannelPriorReport {
  channel: string;
  roi: NormalPrior;
  source: 'default' | 'user' | 'lift';
  lifts: LiftPrior[];
  /**
   * How much of the posterior the prior decides: posterior variance of ROI over prior
   * variance (1 = the data added nothing, near 0 = the data decided).
   */
  weight: number;
}

export interface ChannelDraws {
  name: string;
  spendTotal: number;
  spendScale: number;
  roi: Float64Array;
  decay: Float64Array;
  halfSat: Float64Array;
  shape: Float64Array;
  /** KPI per day per unit of saturation h (the channel's effect size in KPI units). */
  beta: Float64Array;
  delay: number;
}

export interface Diagnostics {
  sampler: SamplerSettings;
  maxRhat: number;
  minEss: number;
  divergences: number;
  maxTreeDepthHits: number;
  stepSizes: number[];
  meanTreeDepth: number;
  gradientEvaluations: number;
  converged: boolean;
  /** R̂ and bulk ESS per named parameter. */
  parameters: Array<{ name: string; rhat: number; ess: number }>;
}

export interface MmmFit {
  series: MmmSeries;
  data: ModelData;
  model: MmmModel;
  draws: number;
  channels: ChannelDraws[];
  /** Baseline (KPI units) summed over fitted days, per draw. */
  baselineTotal: Float64Array;
  /** Posterior mean of the fitted KPI per day. */
  fitted: Float64Array;
  priors: ChannelPriorReport[];
  diagnostics: Diagnostics;
  map: Float64Array;
  timings: { mapMs: number; samplingMs: number };
}

export class MmmFitError extends Error {}

/**
 * Default ROI prior: for revenue N(1, 2) in revenue per unit of spend, centred where Meridian's
 * LogNormal(0.2, 0.9) has its median and as wide; for other KPIs the same shape scaled by the
 * KPI per unit of spend at which media would explain half the KPI.
 */
export function defaultRoiPrior(series: MmmSeries, revenue: boolean): NormalPrior {
  if (revenue) return { mean: 1, sd: 2 };
  let y = 0;
  for (const v of series.y) y += v;
  let spend = 0;
  const W = series.warmup;
  for (const c of series.channels) for (let t = W; t < c.spend.length; t++) spend += c.spend[t]!;
  const m = spend > 0 ? (0.5 * y) / spend : 1;
  return { mean: m, sd: 2 * m };
}

/** Combines lifts of one channel by inverse variance. */
function liftPrior(lifts: LiftPrior[]): NormalPrior {
  let w = 0;
  let s = 0;
  for (const l of lifts) {
    const wi = 1 / (l.se * l.se);
    w += wi;
    s += wi * l.roi;
  }
  return { mean: s / w, sd: Math.sqrt(1 / w) };
}

export function buildModelData(
  series: MmmSeries,
  options: FitOptions,
  revenue: boolean,
): { data: ModelData; priors: ChannelPriorReport[] } {
  const T = series.days;
  const W = series.warmup;
  if (T < 28) throw new MmmFitError(`the model needs at least 28 days of data with spend, got ${T}`);
  let ySum = 0;
  for (const v of series.y) ySum += v;
  const yScale = ySum / T;
  if (!(yScale > 0)) throw new MmmFitError('the KPI is zero over the whole range');
  const channels: ModelData['channels'] = [];
  const priors: ChannelPriorReport[] = [];
  const fallback = options.defaultRoiPrior ?? defaultRoiPrior(series, revenue);
  for (const c of series.channels) {
    let total = 0;
    let active = 0;
    for (let t = W; t < W + T; t++) {
      total += c.spend[t]!;
      if (c.spend[t]! > 0) active++;
    }
    if (!(total > 0)) continue; // no spend in range: nothing to estimate
    const scale = total / active;
    const spend = c.spend.map((v) => v / scale);
    channels.push({
      name: c.name,
      spend,
      spendScale: scale,
      spendTotal: total,
      delay: Math.max(0, Math.round(options.delays?.[c.name] ?? 0)),
    });
    const lifts = (options.lifts ?? []).filter(
      (l) => l.channel.toLowerCase() === c.name.toLowerCase() && l.se > 0 && Number.isFinite(l.roi),
    );
    const user = options.roiPriors?.[c.name];
    if (user) priors.push({ channel: c.name, roi: user, source: 'user', lifts, weight: NaN });
    else if (lifts.length > 0) priors.push({ channel: c.name, roi: liftPrior(lifts), source: 'lift', lifts, weight: NaN });
    else priors.push({ channel: c.name, roi: fallback, source: 'default', lifts: [], weight: NaN });
  }
  if (channels.length === 0)
    throw new MmmFitError('no channel has spend in the range: import spend first (waymark import FILE --kind spend)');
  const lastDay = new Date(Date.parse(`${series.firstDay}T00:00:00Z`) + (T - 1) * 86_400_000).toISOString().slice(0, 10);
  const design = baselineDesign(series.firstDay, T, options.holidays ?? defaultHolidays(series.firstDay, lastDay), series.controls);
  const modelPriors: MmmPriors = {
    roi: priors.map((p) => p.roi),
    decay: options.decayPrior ?? { a: 2, b: 2 },
    logHalfSaturation: options.logHalfSaturationPrior ?? { mean: 0, sd: 0.75 },
    logShape: options.logShapePrior ?? { mean: 0, sd: 0.5 },
    baseline: design.priors,
    sigmaScale: 0.5,
  };
  const y = series.y.map((v) => v / yScale);
  return { data: { days: T, warmup: W, y, yScale, channels, X: design.X, columns: design.columns, priors: modelPriors }, priors };
}

function startPoint(model: MmmModel): Float64Array {
  const L = model.layout;
  const th = new Float64Array(L.size);
  const pr = model.data.priors;
  for (let c = 0; c < L.channels; c++) {
    th[L.roi + c] = pr.roi[c]!.mean;
    th[L.decay + c] = Math.log(pr.decay.a / pr.decay.b);
    th[L.halfSat + c] = pr.logHalfSaturation.mean;
    th[L.shape + c] = pr.logShape.mean;
  }
  th[L.logSigma] = Math.log(0.2);
  return th;
}

export function parameterNames(model: MmmModel): string[] {
  const names: string[] = [];
  const ch = model.data.channels.map((c) => c.name);
  for (const c of ch) names.push(`roi[${c}]`);
  for (const c of ch) names.push(`logit_decay[${c}]`);
  for (const c of ch) names.push(`log_half_saturation[${c}]`);
  for (const c of ch) names.push(`log_shape[${c}]`);
  names.push('log_sigma');
  return names;
}

export async function fitMmm(series: MmmSeries, options: FitOptions = {}, revenue = series.kpi === 'revenue'): Promise<MmmFit> {
  const sampler: SamplerSettings = { ...DEFAULT_SAMPLER, ...options.sampler };
  const { data, priors } = buildModelData(series, options, revenue);
  const model = new MmmModel(data);
  const L = model.layout;
  const logp = (th: Float64Array, g: Float64Array) => model.logDensity(th, g);

  // MAP from the prior centre, then from a few jittered starts; the best one seeds the chains.
  const t0 = performance.now();
  const rng = mulberry32(sampler.seed * 7919 + 13);
  const normal = normalSampler(rng);
  let best = maximizeLbfgs(logp, startPoint(model), { maxIterations: 400 });
  for (let k = 0; k < 2; k++) {
    const s = startPoint(model);
    for (let i = 0; i < s.length - 1; i++) s[i]! += 0.5 * normal();
    if (!Number.isFinite(model.logDensity(s))) continue;
    const r = maximizeLbfgs(logp, s, { maxIterations: 400 });
    if (r.value > best.value) best = r;
  }
  const t1 = performance.now();

  const starts: Float64Array[] = [];
  for (let c = 0; c < sampler.chains; c++) {
    const start = Float64Array.from(best.x);
    for (let i = 0; i < start.length; i++) start[i]! += 0.1 * normal();
    starts.push(Number.isFinite(model.logDensity(start)) ? start : Float64Array.from(best.x));
  }
  sampler.threads = Math.max(1, Math.min(sampler.threads ?? defaultThreads(sampler.chains), sampler.chains));
  const chains: NutsChain[] = await runChains(data, starts, sampler, sampler.threads);
  const t2 = performance.now();

  // Diagnostics per parameter.
  const names = parameterNames(model);
  const perParam = names.map((name, i) => {
    const perChain = chains.map((ch) => {
      const n = ch.draws.length / L.size;
      const v = new Float64Array(n);
      for (let k = 0; k < n; k++) v[k] = ch.draws[k * L.size + i]!;
      return v;
    });
    return { name, rhat: rhat(perChain), ess: effectiveSampleSize(perChain) };
  });
  const maxRhat = Math.max(...perParam.map((p) => p.rhat));
  const minEss = Math.min(...perParam.map((p) => p.ess));
  const divergences = chains.reduce((s, c) => s + c.divergences, 0);
  const diagnostics: Diagnostics = {
    sampler,
    maxRhat,
    minEss,
    divergences,
    maxTreeDepthHits: chains.reduce((s, c) => s + c.maxDepthHits, 0),
    stepSizes: chains.map((c) => c.stepSize),
    meanTreeDepth: chains.reduce((s, c) => s + c.meanTreeDepth, 0) / chains.length,
    gradientEvaluations: chains.reduce((s, c) => s + c.gradientEvaluations, 0),
    converged: maxRhat < 1.05 && minEss >= 100 && divergences <= 0.01 * sampler.chains * sampler.draws,
    parameters: perParam,
  };

  // Natural parameters per draw, β in KPI units, baseline totals and the fitted series.
  const D = chains.reduce((s, c) => s + c.draws.length / L.size, 0);
  const C = L.channels;
  const T = data.days;
  const channels: ChannelDraws[] = data.channels.map((c) => ({
    name: c.name,
    spendTotal: c.spendTotal,
    spendScale: c.spendScale,
    roi: new Float64Array(D),
    decay: new Float64Array(D),
    halfSat: new Float64Array(D),
    shape: new Float64Array(D),
    beta: new Float64Array(D),
    delay: c.delay,
  }));
  const baselineTotal = new Float64Array(D);
  const fitted = new Float64Array(T);
  let k = 0;
  for (const ch of chains) {
    const n = ch.draws.length / L.size;
    for (let i = 0; i < n; i++, k++) {
      const th = ch.draws.subarray(i * L.size, (i + 1) * L.size);
      const nat = naturalParams(L, th);
      nat.baseline = model.drawBaseline(th, normal);
      for (let c = 0; c < C; c++) {
        const cd = channels[c]!;
        cd.roi[k] = nat.roi[c]!;
        cd.decay[k] = nat.decay[c]!;
        cd.halfSat[k] = nat.halfSat[c]!;
        cd.shape[k] = nat.shape[c]!;
        const h = model.saturation(c, nat.decay[c]!, nat.halfSat[c]!, nat.shape[c]!);
        let H = 0;
        for (let t = 0; t < T; t++) H += h[t]!;
        const b = (nat.roi[c]! * cd.spendTotal) / H;
        cd.beta[k] = b;
        for (let t = 0; t < T; t++) fitted[t]! += b * h[t]!;
      }
      const baseSeries = model.baselineSeries(nat.baseline);
      let base = 0;
      for (let t = 0; t < T; t++) {
        base += baseSeries[t]!;
        fitted[t]! += baseSeries[t]! * data.yScale;
      }
      baselineTotal[k] = base * data.yScale;
    }
  }
  for (let t = 0; t < T; t++) fitted[t]! /= D;

  for (let c = 0; c < C; c++) {
    const v = variance(channels[c]!.roi);
    const p = priors[c]!;
    p.weight = Math.min(1, v / (p.roi.sd * p.roi.sd));
  }
  return {
    series,
    data,
    model,
    draws: D,
    channels,
    baselineTotal,
    fitted,
    priors,
    diagnostics,
    map: best.x,
    timings: { mapMs: t1 - t0, samplingMs: t2 - t1 },
  };
}

export function variance(x: Float64Array): number {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length;
  let s = 0;
  for (const v of x) s += (v - m) ** 2;
  return s / Math.max(1, x.length - 1);
}

export interface Interval {
  mean: number;
  lo: number;
  hi: number;
}

/** Mean and central credible interval of draws. */
export function summarize(x: ArrayLike<number>, level: number): Interval {
  const sorted = Float64Array.from(x).sort();
  const n = sorted.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += sorted[i]!;
  const q = (p: number) => {
    const pos = p * (n - 1);
    const i = Math.floor(pos);
    const f = pos - i;
    return i + 1 < n ? sorted[i]! * (1 - f) + sorted[i + 1]! * f : sorted[i]!;
  };
  return { mean: m / n, lo: q((1 - level) / 2), hi: q((1 + level) / 2) };
}
