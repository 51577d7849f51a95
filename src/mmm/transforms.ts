/**
 * Media transforms of the marketing-mix model, on typed arrays with their derivatives (the
 * sampler needs exact gradients; every function here is O(days)).
 *
 * - Geometric adstock, normalised: A_t = (1 − α)·x_t + α·A_{t−1}. The weights sum to 1, so a
 *   constant daily spend b has steady-state adstock b: the saturation's half point K stays in
 *   spend units whatever the decay, which keeps K and α apart in the posterior.
 *   "Delayed" adstock shifts spend by a whole number of days before the carry-over (the peak
 *   effect comes `delay` days after the spend).
 * - Hill saturation: h(A) = A^s / (A^s + K^s), in (0, 1).
 */

/** Normalised geometric adstock of x (after a shift of `delay` days) and dA/dα. */
export function adstock(x: Float64Array, alpha: number, delay: number, out: Float64Array, dAlpha?: Float64Array): void {
  let prev = 0;
  let dPrev = 0;
  for (let t = 0; t < x.length; t++) {
    const xt = t - delay >= 0 ? x[t - delay]! : 0;
    const a = (1 - alpha) * xt + alpha * prev;
    if (dAlpha) {
      const d = -xt + prev + alpha * dPrev;
      dAlpha[t] = d;
      dPrev = d;
    }
    out[t] = a;
    prev = a;
  }
}

/** Hill saturation h = A^s/(A^s + K^s) of one value. */
export function hill(a: number, k: number, s: number): number {
  if (a <= 0) return 0;
  const u = Math.pow(a / k, s);
  return u / (1 + u);
}

/**
 * Hill saturation of every A_t with the derivatives the sampler needs, on log K and log s, and
 * on A (chain rule for the adstock's decay). Arrays are written in place from index `from` on
 * (the adstock's warm-up days before it feed the carry-over only: their saturation is never used).
 */
export function hillWithGradients(
  a: Float64Array,
  k: number,
  s: number,
  h: Float64Array,
  dLogK: Float64Array,
  dLogS: Float64Array,
  dA: Float64Array,
  from = 0,
): void {
  const logK = Math.log(k);
  for (let t = from; t < a.length; t++) {
    const at = a[t]!;
    if (at <= 0) {
      h[t] = 0;
      dLogK[t] = 0;
      dLogS[t] = 0;
      dA[t] = 0;
      continue;
    }
    const logRatio = Math.log(at) - logK;
    const u = Math.exp(s * logRatio);
    const inv = 1 / (1 + u);
    const hu = u * inv * inv; // dh/du · u
    h[t] = u * inv;
    dLogK[t] = -s * hu;
    dLogS[t] = s * logRatio * hu;
    dA[t] = (s * hu) / at;
  }
}
