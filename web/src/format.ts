/** Number formatting shared by cards, tables and CSV (CSV gets raw numbers); the same module formats the CLI. */
export { fmtChange, fmtInt, fmtMoney, fmtNum, fmtPct, fmtPoints } from '../../src/format/numbers.ts';

export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}
export function addDays(day: string, n: number): string {
  const d = new Date(day + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return isoDay(d);
}
