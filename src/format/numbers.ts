/**
 * Number formatting shared by the dashboard and the CLI, so a figure reads the same on screen and
 * in a terminal: whole counts with separators, rates as percentages, money with its currency
 * (no cents from 1,000 up).
 */
const nf0 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const nf2 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

const missing = (v: number | null | undefined): v is null | undefined => v === null || v === undefined || !Number.isFinite(v);

export function fmtInt(v: number | null | undefined): string {
  return missing(v) ? '–' : nf0.format(v);
}
export function fmtNum(v: number | null | undefined, digits = 2): string {
  if (missing(v)) return '–';
  return digits === 2 ? nf2.format(v) : v.toFixed(digits);
}
/** A fraction (0.125) as a percentage ("12.5%"). */
export function fmtPct(v: number | null | undefined, digits = 1): string {
  return missing(v) ? '–' : `${(v * 100).toFixed(digits)}%`;
}
export function fmtMoney(v: number | null | undefined, currency = 'USD'): string {
  if (missing(v)) return '–';
  return new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: Math.abs(v) >= 1000 ? 0 : 2 }).format(v);
}
/** A relative change (0.052) as "+5.2%". */
export function fmtChange(v: number | null | undefined): string {
  if (missing(v)) return '–';
  return `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;
}
/** A difference of two rates in percentage points ("+1.3 pp"). */
export function fmtPoints(v: number | null | undefined, digits = 1): string {
  if (missing(v)) return '–';
  return `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(digits)} pp`;
}
