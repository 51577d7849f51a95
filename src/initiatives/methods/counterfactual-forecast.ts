// Counterfactual forecast (the CausalImpact idea without a Bayesian structural time
// series): regress the pre-period KPI on trend, day-of-week, annual Fourier terms and
// unaffected covariates with AR(1) errors, forecast the post-period, and read the lift
// as actual − forecast. Intervals come from joint simulation of parameters and errors,
// so the cumulative interval carries the correlation of the daily forecast errors.
import { mean, quantile } from '../../stats/descriptive.ts';
import { cholesky, dot, ols, type Mat } from '../../stats/linear-algebra.ts';
import { dayNumber, dayOfWeek, relative } from './stats.ts';
import { normalQuantile } from '../../stats/distributions.ts';
import { gammaDraw, mulberry32, normalSampler } from '../../stats/random.ts';
import type { DailyPoint, LiftEstimate, LiftPoint } from './types.ts';

export interface Covariate {
  name: string;
  /** A series the change cannot affect (e.g. another channel's traffic), covering pre and post. */
  points: DailyPoint[];
}

export interface ForecastInput {
  /** The treated KPI, pre- and post-period. */
  series: DailyPoint[];
  shipDate: string;
  covariates?: Covariate[];
  level?: number;
  /** Simulation draws, default 2000. */
  draws?: number;
  /** PRNG seed, default 1: the same input gives the same intervals. */
  seed?: number;
  /** Annual Fourier terms: 'auto' (default) adds them with ≥ 365 pre-period days. */
  annualSeasonality?: 'auto' | boolean;
  /** Number of annual sine/cosine pairs, default 3. */
  fourierOrder?: number;
  /** Day-of-week dummies, default true (dropped with fewer than 14 pre-period days). */
  weeklySeasonality?: boolean;
}

export interface ForecastResult extends LiftEstimate {
  method: 'forecast';
  /** Names of the regressors, in coefficient order. */
  regressors: string[];
  coefficients: number[];
  /** AR(1) coefficient of the pre-period residuals (bias-corrected). */
  residualAutocorrelation: number;
  /** Innovation standard deviation of the residual AR(1). */
  residualSd: number;
  /** R² of the pre-period fit (OLS stage). */
  preFitR2: number;
  draws: number[][];
}

interface Row {
  day: number;
  date: string;
  y: number;
  weight?: number;
  cov: number[];
}

export function counterfactualForecast(input: ForecastInput): ForecastResult {
  const level = input.level ?? 0.95;
  const nDraws = input.draws ?? 2000;
  const seed = input.seed ?? 1;
  const ship = dayNumber(input.shipDate);
  const assumptions: string[] = [];
  const warnings: string[] = [];
  const covs = input.covariates ?? [];

  const rows = alignedRows(input.series, covs, warnings);
  const pre = rows.filter((r) => r.day < ship);
  const post = rows.filter((r) => r.day >= ship);
  if (post.length === 0) throw new Error('counterfactual forecast needs post-period days');

  const { regressors, design, annual, preSpan } = forecastDesign(input, pre, covs, ship, warnings);
  const k = regressors.length;
  if (pre.length < k + 5) throw new Error(`counterfactual forecast needs at least ${k + 5} pre-period days, got ${pre.length}`);

  const xPre = pre.map(design);
  const yPre = pre.map((r) => r.y);
  const { beta, rho, fit, preFitR2 } = praisWinstenFit(pre, xPre, yPre, warnings);
  const sigma2 = fit.sigma2;
  const covL = cholesky(fit.xtxInv.map((row) => row.map((v) => v * sigma2)));
  if (!covL) throw new Error('parameter covariance is not positive definite');
  const lastPre = pre[pre.length - 1]!;
  const xLast = xPre[xPre.length - 1]!;
  const eLastHat = lastPre.y - dot(xLast, beta);
  const xPost = post.map(design);
  const meanPre = xPost.map((x) => dot(x, beta));

  const { draws, simY } = simulateForecasts(
    { beta, rho, sigma2, df: fit.df, covL, preDays: pre.length, lastPre, xLast, post, xPost },
    nDraws,
    seed,
  );

  const lo = (1 - level) / 2;
  const hi = 1 - lo;
  const series: LiftPoint[] = [
    ...preFitPoints(pre, xPre, beta, Math.sqrt(sigma2 / (1 - rho * rho)), normalQuantile(hi)),
    ...post.map((r, h): LiftPoint => {
      // Point forecast: regression mean plus the decaying last pre-period residual.
      const cf = meanPre[h]! + Math.pow(rho, r.day - lastPre.day) * eLastHat;
      return {
        date: r.date,
        actual: r.y,
        counterfactual: cf,
        low: quantile(simY[h]!, lo),
        high: quantile(simY[h]!, hi),
        lift: r.y - cf,
        post: true,
        ...(r.weight !== undefined ? { exposure: r.weight } : {}),
      };
    }),
  ];

  const nPost = post.length;
  const summary = liftFromDraws(series, draws, level);

  assumptions.push(
    `Counterfactual = pre-period regression on ${regressors.slice(1).join(', ')} with AR(1) errors (Prais–Winsten, ρ = ${rho.toFixed(2)}), extrapolated over the post-period.`,
    'Covariates, if any, are unaffected by the change; the pre-period relationship would have held after the ship date.',
    `Intervals: ${nDraws} joint draws (seed ${seed}) of σ² (scaled inverse-χ²), coefficients (normal with the FGLS covariance), ρ and AR(1) error paths; cumulative intervals sum each draw's path, so correlated forecast errors are carried.`,
    'Pre-period bands show the in-sample fit ± the marginal residual spread; p-value is the two-sided tail share of simulated average lift around 0.',
    'Each day weighted equally in the fit (rates are not weighted by visitors).',
  );
  if (!annual && preSpan < 365)
    assumptions.push(
      'Less than a year of pre-period data: no annual seasonality term; a post-period spanning a seasonal turn may be misattributed.',
    );
  if (nPost > pre.length) warnings.push('Post-period is longer than the pre-period: the extrapolated trend dominates the counterfactual.');
  if (preFitR2 < 0.2 && pre.length > 30) warnings.push(`Pre-period fit explains little (R² = ${preFitR2.toFixed(2)}): intervals are wide.`);

  return {
    method: 'forecast',
    shipDate: input.shipDate,
    level,
    ...summary,
    series,
    postDays: nPost,
    treatedUnits: 1,
    draws,
    assumptions,
    warnings,
    regressors,
    coefficients: beta,
    residualAutocorrelation: rho,
    residualSd: Math.sqrt(sigma2),
    preFitR2,
  };
}

/** The series' finite days in date order, each with every covariate's value (days a covariate misses are dropped). */
function alignedRows(series: DailyPoint[], covs: Covariate[], warnings: string[]): Row[] {
  const covMaps = covs.map((c) => new Map(c.points.map((p) => [dayNumber(p.date), p.value])));
  const rows: Row[] = [];
  let droppedForCovariates = 0;
  for (const p of [...series].sort((a, b) => dayNumber(a.date) - dayNumber(b.date))) {
    if (!Number.isFinite(p.value)) continue;
    const day = dayNumber(p.date);
    const cov = covMaps.map((m) => m.get(day));
    if (cov.some((v) => v === undefined || !Number.isFinite(v))) {
      droppedForCovariates++;
      continue;
    }
    const row: Row = { day, date: p.date, y: p.value, cov: cov as number[] };
    if (p.weight !== undefined) row.weight = p.weight;
    rows.push(row);
  }
  if (droppedForCovariates > 0) warnings.push(`${droppedForCovariates} day(s) dropped because a covariate had no value.`);
  return rows;
}

/**
 * The regressors (intercept, trend, weekday dummies, annual Fourier pairs, standardised
 * covariates) and the design row of a day; weekly and annual terms only when the pre-period
 * can identify them.
 */
function forecastDesign(
  input: ForecastInput,
  pre: Row[],
  covs: Covariate[],
  ship: number,
  warnings: string[],
): { regressors: string[]; design: (r: Row) => number[]; annual: boolean; preSpan: number } {
  const preSpan = pre.length ? pre[pre.length - 1]!.day - pre[0]!.day + 1 : 0;
  const weekly = (input.weeklySeasonality ?? true) && pre.length >= 14;
  if ((input.weeklySeasonality ?? true) && !weekly) warnings.push('Fewer than 14 pre-period days: weekly seasonality not modelled.');
  const annualOpt = input.annualSeasonality ?? 'auto';
  const annual = annualOpt === true || (annualOpt === 'auto' && preSpan >= 365);
  if (annualOpt === true && preSpan < 365)
    warnings.push('Annual seasonality requested with less than a year of pre-period data: it is poorly identified.');
  const K = input.fourierOrder ?? 3;

  // Column scaling keeps the normal equations well conditioned.
  const t0 = pre[0]?.day ?? ship;
  const covMean = covs.map((_, j) => mean(pre.map((r) => r.cov[j]!)));
  const covSd = covs.map((_, j) => {
    const m = covMean[j]!;
    const v = mean(pre.map((r) => (r.cov[j]! - m) ** 2));
    return v > 0 ? Math.sqrt(v) : 1;
  });
  const regressors = ['intercept', 'trend_per_year'];
  if (weekly) regressors.push('mon', 'tue', 'wed', 'thu', 'fri', 'sat');
  if (annual) for (let k = 1; k <= K; k++) regressors.push(`annual_sin${k}`, `annual_cos${k}`);
  covs.forEach((c) => regressors.push(`cov:${c.name}`));
  const design = (r: Row): number[] => {
    const x = [1, (r.day - t0) / 365];
    if (weekly) {
      const dow = dayOfWeek(r.date);
      for (let d = 1; d <= 6; d++) x.push(dow === d ? 1 : 0);
    }
    if (annual) {
      for (let k = 1; k <= K; k++) {
        const a = (2 * Math.PI * k * r.day) / 365.25;
        x.push(Math.sin(a), Math.cos(a));
      }
    }
    r.cov.forEach((v, j) => x.push((v - covMean[j]!) / covSd[j]!));
    return x;
  };
  return { regressors, design, annual, preSpan };
}

/** OLS, then Prais–Winsten FGLS: re-estimate ρ from the untransformed residuals, refit, repeat. */
function praisWinstenFit(
  pre: Row[],
  xPre: Mat,
  yPre: number[],
  warnings: string[],
): { beta: number[]; rho: number; fit: ReturnType<typeof ols>; preFitR2: number } {
  const first = ols(xPre, yPre);
  const sst = yPre.reduce((s, y) => s + (y - mean(yPre)) ** 2, 0);
  const preFitR2 = sst > 0 ? 1 - first.residuals.reduce((s, e) => s + e * e, 0) / sst : 1;

  let beta = first.beta;
  let rho = 0;
  let fit = first;
  const gaps = pre.slice(1).map((r, i) => r.day - pre[i]!.day);
  if (gaps.some((g) => g !== 1))
    warnings.push('Pre-period has missing days; the AR(1) error model treats neighbouring rows as consecutive.');
  for (let iter = 0; iter < 4; iter++) {
    const e = xPre.map((x, i) => yPre[i]! - dot(x, beta));
    let num = 0;
    let den = 0;
    for (let i = 1; i < e.length; i++) {
      num += e[i]! * e[i - 1]!;
      den += e[i - 1]! * e[i - 1]!;
    }
    const raw = den > 0 ? num / den : 0;
    // Kendall's correction: the lag-1 autocorrelation of regression residuals is biased towards 0.
    rho = Math.max(-0.95, Math.min(0.95, raw + (1 + 3 * raw) / e.length));
    const scale = Math.sqrt(1 - rho * rho);
    const xs: Mat = xPre.map((x, i) => (i === 0 ? x.map((v) => v * scale) : x.map((v, j) => v - rho * xPre[i - 1]![j]!)));
    const ys = yPre.map((y, i) => (i === 0 ? y * scale : y - rho * yPre[i - 1]!));
    fit = ols(xs, ys);
    beta = fit.beta;
  }
  return { beta, rho, fit, preFitR2 };
}

interface ForecastModel {
  beta: number[];
  rho: number;
  sigma2: number;
  df: number;
  /** Cholesky factor of the coefficients' covariance σ²(X'X)⁻¹. */
  covL: Mat;
  preDays: number;
  lastPre: Row;
  xLast: number[];
  post: Row[];
  xPost: Mat;
}

/**
 * Joint simulation: σ² from its scaled inverse-χ², β | σ² from N(β̂, σ²(X'X)⁻¹), ρ from its
 * large-sample normal, then an AR(1) error path started from the last pre residual. Returns each
 * draw's daily lift and, per post day, the simulated outcomes.
 */
function simulateForecasts(model: ForecastModel, nDraws: number, seed: number): { draws: number[][]; simY: number[][] } {
  const { beta, rho, sigma2, df, covL, lastPre, xLast, post, xPost } = model;
  const k = beta.length;
  const rng = mulberry32(seed);
  const normal = normalSampler(rng);
  const nPost = post.length;
  const draws: number[][] = [];
  const simY: number[][] = Array.from({ length: nPost }, () => new Array<number>(nDraws));
  const z = new Array<number>(k);
  for (let b = 0; b < nDraws; b++) {
    const s2b = (sigma2 * df) / (2 * gammaDraw(df / 2, rng, normal));
    const sRatio = Math.sqrt(s2b / sigma2);
    for (let i = 0; i < k; i++) z[i] = normal();
    const betaB = beta.map((bv, i) => {
      let s = 0;
      for (let j = 0; j <= i; j++) s += covL[i]![j]! * z[j]!;
      return bv + sRatio * s;
    });
    const rhoB = Math.max(-0.99, Math.min(0.99, rho + normal() * Math.sqrt((1 - rho * rho) / model.preDays)));
    let e = lastPre.y - dot(xLast, betaB);
    let prevDay = lastPre.day;
    const sd = Math.sqrt(s2b);
    const lift = new Array<number>(nPost);
    for (let h = 0; h < nPost; h++) {
      // Step the AR(1) over every calendar day, so gaps in the post data are handled.
      for (let d = prevDay; d < post[h]!.day; d++) e = rhoB * e + sd * normal();
      prevDay = post[h]!.day;
      const yhat = dot(xPost[h]!, betaB) + e;
      simY[h]![b] = yhat;
      lift[h] = post[h]!.y - yhat;
    }
    draws.push(lift);
  }
  return { draws, simY };
}

/** The pre-period's in-sample fit with a band of ± z × the marginal residual spread. */
function preFitPoints(pre: Row[], xPre: Mat, beta: number[], marginalSd: number, zq: number): LiftPoint[] {
  return pre.map((r, i) => {
    const cf = dot(xPre[i]!, beta);
    return {
      date: r.date,
      actual: r.y,
      counterfactual: cf,
      low: cf - zq * marginalSd,
      high: cf + zq * marginalSd,
      lift: r.y - cf,
      post: false,
      ...(r.weight !== undefined ? { exposure: r.weight } : {}),
    };
  });
}

/**
 * Average and cumulative lift over the post-period from the point forecast, intervals from the
 * draws' quantiles, and the p-value as the two-sided tail share of simulated average lift around 0.
 */
function liftFromDraws(
  series: LiftPoint[],
  draws: number[][],
  level: number,
): Pick<ForecastResult, 'averageLift' | 'cumulativeLift' | 'relativeLift'> {
  const lo = (1 - level) / 2;
  const hi = 1 - lo;
  const nDraws = draws.length;
  const postSeries = series.filter((p) => p.post);
  const nPost = postSeries.length;
  const cumPoint = postSeries.reduce((s, p) => s + p.lift, 0);
  const cumDraws = draws.map((d) => d.reduce((s, x) => s + x, 0));
  const avgDraws = cumDraws.map((c) => c / nPost);
  const avg = cumPoint / nPost;
  const avgMean = mean(avgDraws);
  const se = Math.sqrt(avgDraws.reduce((s, x) => s + (x - avgMean) ** 2, 0) / (nDraws - 1));
  const below = avgDraws.filter((x) => x <= 0).length;
  const pValue = Math.min(1, (2 * Math.min(below, nDraws - below) + 1) / (nDraws + 1));
  const cfMean = mean(postSeries.map((p) => p.counterfactual));
  return {
    averageLift: { estimate: avg, se, low: quantile(avgDraws, lo), high: quantile(avgDraws, hi), pValue },
    cumulativeLift: { estimate: cumPoint, low: quantile(cumDraws, lo), high: quantile(cumDraws, hi) },
    relativeLift: relative(avg, quantile(avgDraws, lo), quantile(avgDraws, hi), cfMean),
  };
}
