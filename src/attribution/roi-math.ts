/**
 * ROI arithmetic per touchpoint. Every ratio is null, never Infinity or NaN, when its
 * denominator is 0, so "no spend" or "no conversions" shows as "not defined" downstream.
 *
 *   ROAS = revenue / spend
 *   ROI  = (revenue × margin − spend) / spend
 *   CPA  = spend / conversions
 *   CAC  = spend / first-order conversions
 */

export interface RoiInput {
  spend: number;
  /** Attributed conversions. */
  conversions: number;
  /** Attributed revenue. */
  revenue: number;
  /** Gross margin as a fraction (0.3 = 30%). */
  margin: number;
  /** Attributed conversions that were a customer's first order. */
  firstOrderConversions: number;
}

export interface RoiMetrics {
  roas: number | null;
  roi: number | null;
  cpa: number | null;
  cac: number | null;
  /** revenue × margin − spend. */
  profit: number;
}

function ratio(num: number, den: number): number | null {
  if (den === 0 || !Number.isFinite(num) || !Number.isFinite(den)) return null;
  return num / den;
}

export function roiMetrics(input: RoiInput): RoiMetrics {
  const { spend, conversions, revenue, margin, firstOrderConversions } = input;
  const profit = revenue * margin - spend;
  return {
    roas: ratio(revenue, spend),
    roi: ratio(profit, spend),
    cpa: ratio(spend, conversions),
    cac: ratio(spend, firstOrderConversions),
    profit,
  };
}

export function roiByTouchpoint<T extends RoiInput & { channel: string }>(rows: T[]): (T & RoiMetrics)[] {
  return rows.map((r) => ({ ...r, ...roiMetrics(r) }));
}
