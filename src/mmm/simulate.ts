/**
 * Simulated marketing-mix data with known truth, for parameter-recovery tests and the
 * benchmark: flighted daily spend per channel (bursts, dark weeks, ramps), geometric adstock,
 * Hill saturation, a baseline with trend, weekly and yearly seasonality, holidays and control
 * series, and Gaussian noise. The true ROI of a channel is its contribution over the fitted
 * days divided by its spend there, which in an additive model equals the counterfactual of
 * switching the channel off.
 */
import { mulberry32, normalSampler } from '../stats/random.ts';
import { defaultHolidays, isoDay, type ControlSeries } from './baseline.ts';
import type { MmmSeries } from './fit.ts';
import { adstock, hill } from './transforms.ts';

export interface SimulatedChannelTruth {
  name: string;
  decay: number;
  halfSaturation: number;
  shape: number;
  roi: number;
  contribution: number;
  spend: number;
}

export interface SimulatedMmm {
  series: MmmSeries;
  truth: { channels: SimulatedChannelTruth[]; noiseCv: number; baselineTotal: number };
  /** The true daily incremental KPI of a constant daily spend b on channel c (steady state). */
  response(c: number, dailySpend: number): number;
}

export interface SimulationOptions {
  seed: number;
  days?: number;
  channels?: number;
  controls?: number;
  /** Noise standard deviation as a fraction of the mean KPI. */
  noiseCv?: number;
  /** Indices of channels with no effect. */
  zeroEffect?: number[];
  /** Fixed true ROIs per channel (else drawn). */
  rois?: number[];
  startDay?: string;
  warmup?: number;
}

export function simulateMmm(options: SimulationOptions): SimulatedMmm {
  const rng = mulberry32(options.seed);
  const normal = normalSampler(rng);
  const T = options.days ?? 365 * 2;
  const C = options.channels ?? 6;
  const nControls = options.controls ?? 0;
  const W = options.warmup ?? 28;
  const noiseCv = options.noiseCv ?? 0.04 + 0.08 * rng();
  const start = Date.parse(`${options.startDay ?? '2024-01-01'}T00:00:00Z`) / 86_400_000;
  const firstDay = isoDay(start);
  const N = W + T;
  const unif = (a: number, b: number) => a + (b - a) * rng();

  // Spend: a base level per channel times flighting (bursts, dark weeks, ramps).
  const spends: Float64Array[] = [];
  for (let c = 0; c < C; c++) {
    const level = Math.exp(unif(Math.log(300), Math.log(3000)));
    const x = new Float64Array(N);
    const style = c % 3;
    let on = 1;
    for (let t = 0; t < N; t++) {
      if (t % 7 === 0) {
        // Weekly flighting decisions: dark weeks, bursts.
        const u = rng();
        on = u < 0.15 ? 0 : u < 0.3 ? 2 : 1;
      }
      const ramp = style === 1 ? 0.5 + t / N : 1;
      const wave = style === 2 ? 1 + 0.5 * Math.sin((2 * Math.PI * t) / 91) : 1;
      x[t] = Math.max(0, level * on * ramp * wave * Math.exp(0.25 * normal()));
    }
    spends.push(x);
  }

  // Baseline in KPI units.
  const baseLevel = 20000;
  const trend = unif(-0.15, 0.25);
  const weeklyAmp = unif(0.03, 0.1);
  const yearlyAmp = unif(0.05, 0.2);
  const holidays = defaultHolidays(firstDay, isoDay(start + T - 1)).filter((h) => h.name === 'Black Friday' || h.name === 'Christmas Eve');
  const holidayDays = new Set(holidays.map((h) => Math.round(Date.parse(`${h.date}T00:00:00Z`) / 86_400_000) - start));
  const controls: ControlSeries[] = [];
  const controlEffects: Float64Array[] = [];
  for (let j = 0; j < nControls; j++) {
    const values: ControlSeries['values'] = [];
    const eff = new Float64Array(T);
    const coef = unif(-0.06, 0.06);
    let ar = 0;
    for (let t = 0; t < T; t++) {
      ar = 0.9 * ar + 0.3 * normal();
      const v = 100 + 10 * ar;
      values.push({ date: isoDay(start + t), value: v });
      eff[t] = coef * baseLevel * ar;
    }
    controls.push({ name: `control_${j + 1}`, values });
    controlEffects.push(eff);
  }
  const baseline = new Float64Array(T);
  let baselineTotal = 0;
  for (let t = 0; t < T; t++) {
    const d = start + t;
    let b =
      baseLevel *
      (1 + trend * (t / T - 0.5) + weeklyAmp * Math.sin((2 * Math.PI * d) / 7) + yearlyAmp * Math.cos((2 * Math.PI * d) / 365.25));
    if (holidayDays.has(t)) b += 0.4 * baseLevel;
    for (const e of controlEffects) b += e[t]!;
    baseline[t] = b;
    baselineTotal += b;
  }

  // Media: ROI defines β over the fitted days, as in the model.
  const zero = new Set(options.zeroEffect ?? []);
  const truths: SimulatedChannelTruth[] = [];
  const y = Float64Array.from(baseline);
  const betas: number[] = [];
  const scales: number[] = [];
  for (let c = 0; c < C; c++) {
    const decay = unif(0.1, 0.8);
    const halfSaturation = Math.exp(unif(Math.log(0.5), Math.log(2)));
    const shape = unif(0.7, 2.2);
    const roi = zero.has(c) ? 0 : (options.rois?.[c] ?? unif(0.3, 4));
    const x = spends[c]!;
    let total = 0;
    let active = 0;
    for (let t = W; t < N; t++) {
      total += x[t]!;
      if (x[t]! > 0) active++;
    }
    const scale = total / active;
    const A = new Float64Array(N);
    adstock(
      x.map((v) => v / scale),
      decay,
      0,
      A,
    );
    let H = 0;
    const h = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      h[t] = hill(A[W + t]!, halfSaturation, shape);
      H += h[t]!;
    }
    const beta = (roi * total) / H;
    for (let t = 0; t < T; t++) y[t]! += beta * h[t]!;
    betas.push(beta);
    scales.push(scale);
    truths.push({ name: `channel_${c + 1}`, decay, halfSaturation, shape, roi, contribution: roi * total, spend: total });
  }
  let mean = 0;
  for (const v of y) mean += v;
  mean /= T;
  for (let t = 0; t < T; t++) y[t]! += noiseCv * mean * normal();

  return {
    series: {
      kpi: 'revenue',
      firstDay,
      days: T,
      warmup: W,
      y,
      channels: spends.map((s, c) => ({ name: truths[c]!.name, spend: s })),
      controls,
    },
    truth: { channels: truths, noiseCv, baselineTotal },
    response: (c, b) => betas[c]! * hill(b / scales[c]!, truths[c]!.halfSaturation, truths[c]!.shape),
  };
}
