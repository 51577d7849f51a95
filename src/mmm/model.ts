/**
 * The marketing-mix model's log posterior and its exact gradient, on an unconstrained parameter
 * vector (what the sampler and the optimiser move through).
 *
 *   y_t = Σ_j X_tj γ_j + Σ_c β_c · h_c(A_c,t) + ε_t,  ε ~ N(0, σ²)
 *
 * with y the daily KPI divided by its mean, X the baseline design (intercept, trend, weekly
 * and yearly Fourier terms, holidays, controls), A the normalised geometric adstock of the
 * channel's spend (in units of its mean active-day spend) and h the Hill saturation.
 *
 * Each channel's effect is parametrised by its ROI r_c, as Meridian does: β_c is set so that
 * the channel's contribution over the fitted days divided by its spend there is r_c, i.e.
 * β_c = r_c · spend_c / Σ_t h_c,t (in KPI units). The prior is then a statement about ROI, the
 * number a marketer has a feel for and the one lift tests measure, and the posterior of r_c is
 * the reported ROI. r_c is unconstrained: a channel without effect gets an interval around 0.
 *
 * The baseline coefficients γ (Gaussian prior, Gaussian likelihood) are integrated out
 * analytically: the sampler moves through the media parameters and σ only, with the exact
 * marginal likelihood N(y − media | X·m₀, σ²I + X·S₀·Xᵀ) (Woodbury and the determinant lemma
 * on a columns × columns matrix). That removes the strongest posterior correlations (intercept,
 * trend and seasonality against media) from what the sampler sees; γ is drawn afterwards from
 * its exact conditional N(γ̂, A⁻¹) for each draw.
 *
 * Unconstrained layout: [r_c …, logit α_c …, log K_c …, log s_c …, log σ].
 */
import { adstock, hillWithGradients } from './transforms.ts';

export interface NormalPrior {
  mean: number;
  sd: number;
}

export interface MmmPriors {
  /** ROI per channel (KPI per unit of spend). */
  roi: NormalPrior[];
  /** Adstock decay α ~ Beta(a, b). */
  decay: { a: number; b: number };
  /** log of the half-saturation point K (in units of the channel's mean active-day spend). */
  logHalfSaturation: NormalPrior;
  /** log of the Hill shape s. */
  logShape: NormalPrior;
  /** Baseline coefficients on the scaled KPI, one per design column. */
  baseline: NormalPrior[];
  /** Half-normal scale of the noise σ on the scaled KPI. */
  sigmaScale: number;
}

export interface ModelChannel {
  name: string;
  /** Daily spend over warm-up + fitted days, divided by `spendScale`. */
  spend: Float64Array;
  /** Mean spend of the channel's active fitted days (currency). */
  spendScale: number;
  /** Spend over the fitted days (currency). */
  spendTotal: number;
  /** Days between spend and the start of its carry-over. */
  delay: number;
}

export interface ModelData {
  /** Fitted days. */
  days: number;
  /** Warm-up days before the first fitted day (their spend feeds the adstock only). */
  warmup: number;
  /** KPI per fitted day divided by yScale. */
  y: Float64Array;
  yScale: number;
  channels: ModelChannel[];
  /** Baseline design, days × columns, row-major. */
  X: Float64Array;
  columns: string[];
  priors: MmmPriors;
}

export interface ParamLayout {
  channels: number;
  columns: number;
  size: number;
  roi: number;
  decay: number;
  halfSat: number;
  shape: number;
  baseline: number;
  logSigma: number;
}

export function paramLayout(channels: number, columns: number): ParamLayout {
  const C = channels;
  return { channels: C, columns, roi: 0, decay: C, halfSat: 2 * C, shape: 3 * C, baseline: -1, logSigma: 4 * C, size: 4 * C + 1 };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Prior variance of each baseline basis coefficient (scaled KPI; |y| ≈ √days, so this is flat). */
const BASIS_PRIOR_VARIANCE = 1e6;

/** Modified Gram–Schmidt on the columns of X; columns that add nothing new are dropped. */
export function orthonormalBasis(X: Float64Array, rows: number, cols: number): { Q: Float64Array; columns: number } {
  const kept: Float64Array[] = [];
  for (let j = 0; j < cols; j++) {
    const v = new Float64Array(rows);
    let norm0 = 0;
    for (let t = 0; t < rows; t++) {
      v[t] = X[t * cols + j]!;
      norm0 += v[t]! * v[t]!;
    }
    for (const q of kept) {
      let d = 0;
      for (let t = 0; t < rows; t++) d += q[t]! * v[t]!;
      for (let t = 0; t < rows; t++) v[t]! -= d * q[t]!;
    }
    let norm = 0;
    for (let t = 0; t < rows; t++) norm += v[t]! * v[t]!;
    if (!(norm > 1e-10 * Math.max(norm0, 1e-300)) || norm0 === 0) continue;
    const inv = 1 / Math.sqrt(norm);
    for (let t = 0; t < rows; t++) v[t]! *= inv;
    kept.push(v);
  }
  const P = kept.length;
  const Q = new Float64Array(rows * P);
  for (let t = 0; t < rows; t++) for (let j = 0; j < P; j++) Q[t * P + j] = kept[j]![t]!;
  return { Q, columns: P };
}

/** Natural (constrained) values of one draw. */
export interface NaturalParams {
  roi: Float64Array;
  decay: Float64Array;
  halfSat: Float64Array;
  shape: Float64Array;
  baseline: Float64Array;
  sigma: number;
}

export function naturalParams(layout: ParamLayout, theta: ArrayLike<number>): NaturalParams {
  const C = layout.channels;
  const roi = new Float64Array(C);
  const decay = new Float64Array(C);
  const halfSat = new Float64Array(C);
  const shape = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    roi[c] = theta[layout.roi + c]!;
    decay[c] = sigmoid(theta[layout.decay + c]!);
    halfSat[c] = Math.exp(theta[layout.halfSat + c]!);
    shape[c] = Math.exp(theta[layout.shape + c]!);
  }
  return { roi, decay, halfSat, shape, baseline: new Float64Array(layout.columns), sigma: Math.exp(theta[layout.logSigma]!) };
}

/** The log posterior and its gradient; holds the work arrays so evaluations allocate nothing. */
export class MmmModel {
  readonly layout: ParamLayout;
  private readonly n: number;
  private readonly A: Float64Array;
  private readonly dAdAlpha: Float64Array;
  private readonly h: Float64Array;
  private readonly dK: Float64Array;
  private readonly dS: Float64Array;
  private readonly dA: Float64Array;
  private readonly mu: Float64Array;
  private readonly g: Float64Array;
  /** Per channel saturation over the fitted days, kept from the last evaluation for the gradient pass. */
  private readonly hs: Float64Array[];
  private readonly dKs: Float64Array[];
  private readonly dSs: Float64Array[];
  private readonly dAlphas: Float64Array[];
  private readonly beta: Float64Array;
  private readonly H: Float64Array;
  private readonly r: Float64Array;
  private readonly e: Float64Array;
  /** Orthonormal basis of the baseline design (days × basisColumns). */
  readonly Q: Float64Array;
  readonly basisColumns: number;

  constructor(readonly data: ModelData) {
    this.layout = paramLayout(data.channels.length, data.columns.length);
    this.n = data.days + data.warmup;
    this.A = new Float64Array(this.n);
    this.dAdAlpha = new Float64Array(this.n);
    this.h = new Float64Array(this.n);
    this.dK = new Float64Array(this.n);
    this.dS = new Float64Array(this.n);
    this.dA = new Float64Array(this.n);
    this.mu = new Float64Array(data.days);
    this.g = new Float64Array(data.days);
    const C = data.channels.length;
    const T = data.days;
    this.hs = Array.from({ length: C }, () => new Float64Array(T));
    this.dKs = Array.from({ length: C }, () => new Float64Array(T));
    this.dSs = Array.from({ length: C }, () => new Float64Array(T));
    this.dAlphas = Array.from({ length: C }, () => new Float64Array(T));
    this.beta = new Float64Array(C);
    this.H = new Float64Array(C);
    this.r = new Float64Array(T);
    this.e = new Float64Array(T);
    const basis = orthonormalBasis(data.X, T, data.columns.length);
    this.Q = basis.Q;
    this.basisColumns = basis.columns;
  }

  get dimension(): number {
    return this.layout.size;
  }

  /** Saturated media h_c,t of channel c over the fitted days for given natural parameters (new array). */
  saturation(c: number, alpha: number, k: number, s: number, spendMultiplier = 1): Float64Array {
    const ch = this.data.channels[c]!;
    const x = spendMultiplier === 1 ? ch.spend : ch.spend.map((v) => v * spendMultiplier);
    const A = new Float64Array(this.n);
    adstock(x, alpha, ch.delay, A);
    const out = new Float64Array(this.data.days);
    const w = this.data.warmup;
    for (let t = 0; t < this.data.days; t++) {
      const a = A[w + t]!;
      out[t] = a <= 0 ? 0 : 1 / (1 + Math.pow(k / a, s));
    }
    return out;
  }

  /**
   * log p(θ | y) up to a constant (baseline integrated out); writes ∂/∂θ into `grad` when
   * given. Returns -Infinity for numerically impossible points (the sampler treats them as
   * divergent).
   */
  logDensity(theta: Float64Array, grad?: Float64Array): number {
    const { data, layout: L } = this;
    const T = data.days;
    const W = data.warmup;
    const C = data.channels.length;
    const pr = data.priors;
    const mu = this.mu;
    let lp = 0;
    if (grad) grad.fill(0);

    // Media.
    mu.fill(0);
    const beta = this.beta;
    const H = this.H;
    for (let c = 0; c < C; c++) {
      const ch = data.channels[c]!;
      const alpha = sigmoid(theta[L.decay + c]!);
      const k = Math.exp(theta[L.halfSat + c]!);
      const s = Math.exp(theta[L.shape + c]!);
      if (!(alpha > 0 && alpha < 1 && k > 0 && s > 0 && Number.isFinite(k) && Number.isFinite(s))) return -Infinity;
      adstock(ch.spend, alpha, ch.delay, this.A, grad ? this.dAdAlpha : undefined);
      hillWithGradients(this.A, k, s, this.h, this.dK, this.dS, this.dA, W);
      let sumH = 0;
      for (let t = 0; t < T; t++) sumH += this.h[W + t]!;
      if (!(sumH > 1e-12)) return -Infinity;
      H[c] = sumH;
      const b = (theta[L.roi + c]! * ch.spendTotal) / data.yScale / sumH;
      beta[c] = b;
      for (let t = 0; t < T; t++) mu[t]! += b * this.h[W + t]!;
      if (grad) {
        const hc = this.hs[c]!;
        const kc = this.dKs[c]!;
        const sc = this.dSs[c]!;
        const ac = this.dAlphas[c]!;
        const jac = alpha * (1 - alpha);
        for (let t = 0; t < T; t++) {
          hc[t] = this.h[W + t]!;
          kc[t] = this.dK[W + t]!;
          sc[t] = this.dS[W + t]!;
          ac[t] = this.dA[W + t]! * this.dAdAlpha[W + t]! * jac;
        }
      }
    }

    // Baseline marginalised: r = y − media − X·m₀, e = r − X·γ̂.
    const logSigma = theta[L.logSigma]!;
    const sigma = Math.exp(logSigma);
    const s2 = sigma * sigma;
    const cond = this.conditional(mu, s2);
    if (!cond) return -Infinity;
    const { e, sse, rr, bGamma, logDetA, traceAinvXtX } = cond;
    if (!Number.isFinite(sse)) return -Infinity;
    lp += -T * logSigma - 0.5 * logDetA - 0.5 * (rr / s2 - bGamma);
    const g = this.g;
    for (let t = 0; t < T; t++) g[t] = e[t]! / s2;

    // Priors (with the Jacobians of the transforms to the unconstrained scale).
    for (let c = 0; c < C; c++) {
      const r = theta[L.roi + c]!;
      const rp = pr.roi[c]!;
      lp += -0.5 * ((r - rp.mean) / rp.sd) ** 2;
      const alpha = sigmoid(theta[L.decay + c]!);
      lp += pr.decay.a * Math.log(alpha) + pr.decay.b * Math.log(1 - alpha);
      const lk = theta[L.halfSat + c]!;
      lp += -0.5 * ((lk - pr.logHalfSaturation.mean) / pr.logHalfSaturation.sd) ** 2;
      const ls = theta[L.shape + c]!;
      lp += -0.5 * ((ls - pr.logShape.mean) / pr.logShape.sd) ** 2;
      if (grad) {
        grad[L.roi + c]! -= (r - rp.mean) / (rp.sd * rp.sd);
        grad[L.decay + c]! += pr.decay.a * (1 - alpha) - pr.decay.b * alpha;
        grad[L.halfSat + c]! -= (lk - pr.logHalfSaturation.mean) / pr.logHalfSaturation.sd ** 2;
        grad[L.shape + c]! -= (ls - pr.logShape.mean) / pr.logShape.sd ** 2;
      }
    }
    lp += -0.5 * (sigma / pr.sigmaScale) ** 2 + logSigma;

    if (grad) {
      // Media: μ_t = (r·w/H)·h_t, so ∂μ_t/∂θ = (r·w/H)·(∂h_t/∂θ − h_t·Σ∂h/∂θ / H); ∂logL/∂μ = e/σ².
      for (let c = 0; c < C; c++) {
        const ch = data.channels[c]!;
        const hc = this.hs[c]!;
        const kc = this.dKs[c]!;
        const sc = this.dSs[c]!;
        const ac = this.dAlphas[c]!;
        let sHg = 0,
          sKg = 0,
          sSg = 0,
          sAg = 0,
          sK = 0,
          sS = 0,
          sA = 0;
        for (let t = 0; t < T; t++) {
          const gt = g[t]!;
          sHg += hc[t]! * gt;
          sKg += kc[t]! * gt;
          sSg += sc[t]! * gt;
          sAg += ac[t]! * gt;
          sK += kc[t]!;
          sS += sc[t]!;
          sA += ac[t]!;
        }
        const Hc = H[c]!;
        const w = ch.spendTotal / data.yScale;
        grad[L.roi + c]! += (w / Hc) * sHg;
        const b = beta[c]!;
        grad[L.halfSat + c]! += b * (sKg - (sHg * sK) / Hc);
        grad[L.shape + c]! += b * (sSg - (sHg * sS) / Hc);
        grad[L.decay + c]! += b * (sAg - (sHg * sA) / Hc);
      }
      grad[L.logSigma]! += -T + traceAinvXtX / s2 + sse / s2 - s2 / (pr.sigmaScale * pr.sigmaScale) + 1;
    }
    return lp;
  }

  /**
   * The baseline's conditional posterior given the media series μ (scaled units) and σ².
   * The design is used through an orthonormal basis Q of its columns (Gram–Schmidt, once) with
   * a wide N(0, τ²) prior per basis coefficient, so A = (1/τ² + 1/σ²)·I is diagonal and every
   * term costs O(days × columns): the baseline is left to the data (hundreds of days against
   * a few dozen columns).
   */
  conditional(
    mu: Float64Array,
    s2: number,
  ): {
    e: Float64Array;
    sse: number;
    rr: number;
    bGamma: number;
    logDetA: number;
    traceAinvXtX: number;
    gammaHat: Float64Array;
    aDiag: number;
  } | null {
    const { data } = this;
    const T = data.days;
    const Q = this.Q;
    const P = this.basisColumns;
    const r = this.r;
    let rr = 0;
    for (let t = 0; t < T; t++) {
      const v = data.y[t]! - mu[t]!;
      r[t] = v;
      rr += v * v;
    }
    const qr = new Float64Array(P);
    for (let t = 0; t < T; t++) {
      const rt = r[t]!;
      const row = t * P;
      for (let j = 0; j < P; j++) qr[j]! += Q[row + j]! * rt;
    }
    const aDiag = 1 / BASIS_PRIOR_VARIANCE + 1 / s2;
    const gammaHat = new Float64Array(P);
    let bGamma = 0;
    for (let j = 0; j < P; j++) {
      const b = qr[j]! / s2;
      gammaHat[j] = b / aDiag;
      bGamma += b * gammaHat[j]!;
    }
    const e = this.e;
    let sse = 0;
    for (let t = 0; t < T; t++) {
      let v = r[t]!;
      const row = t * P;
      for (let j = 0; j < P; j++) v -= Q[row + j]! * gammaHat[j]!;
      e[t] = v;
      sse += v * v;
    }
    return { e, sse, rr, bGamma, logDetA: P * Math.log(aDiag), traceAinvXtX: P / aDiag, gammaHat, aDiag };
  }

  /** The baseline per fitted day (scaled units) of basis coefficients. */
  baselineSeries(gamma: Float64Array): Float64Array {
    const T = this.data.days;
    const P = this.basisColumns;
    const out = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      let v = 0;
      for (let j = 0; j < P; j++) v += this.Q[t * P + j]! * gamma[j]!;
      out[t] = v;
    }
    return out;
  }

  /** Media series μ (scaled units) of one unconstrained draw. */
  mediaSeries(theta: Float64Array): Float64Array {
    const { data, layout: L } = this;
    const T = data.days;
    const mu = new Float64Array(T);
    for (let c = 0; c < data.channels.length; c++) {
      const h = this.saturation(c, sigmoid(theta[L.decay + c]!), Math.exp(theta[L.halfSat + c]!), Math.exp(theta[L.shape + c]!));
      let H = 0;
      for (let t = 0; t < T; t++) H += h[t]!;
      const b = (theta[L.roi + c]! * data.channels[c]!.spendTotal) / data.yScale / H;
      for (let t = 0; t < T; t++) mu[t]! += b * h[t]!;
    }
    return mu;
  }

  /** One draw of the baseline's basis coefficients from their exact conditional N(γ̂, A⁻¹). */
  drawBaseline(theta: Float64Array, normal: () => number): Float64Array {
    const P = this.basisColumns;
    const s2 = Math.exp(2 * theta[this.layout.logSigma]!);
    const cond = this.conditional(this.mediaSeries(theta), s2);
    if (!cond) return new Float64Array(P).fill(NaN);
    const sd = Math.sqrt(1 / cond.aDiag);
    return cond.gammaHat.map((g) => g + sd * normal());
  }
}
