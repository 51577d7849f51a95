/**
 * The CDNOW reference data (see test/fixtures/reference/README.md), prepared the way the
 * lifetimes package's `summary_data_from_transaction_data(..., freq='D')` does and then expressed
 * in weeks as in Fader, Hardie & Lee: transactions on the same day are one purchase (their values
 * summed); frequency = purchase days − 1, recency = last − first purchase day, T = calibration end
 * (1997-09-30, inclusive) − first purchase day; monetary value = mean value of the repeat days.
 */
import { readFileSync } from 'node:fs';
import { REFERENCE_DIR } from '../support/reference-data.ts';

const DIR = REFERENCE_DIR;
const DAY = 86_400_000;

export interface CdnowCustomer {
  id: number;
  frequency: number;
  recency: number;
  T: number;
  monetaryValue: number;
}

export function cdnowSummaryFile(): CdnowCustomer[] {
  return readFileSync(`${DIR}/cdnow_customers_summary.csv`, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [id, frequency, recency, T] = line.split(',').map(Number);
      return { id: id!, frequency: frequency!, recency: recency!, T: T!, monetaryValue: 0 };
    });
}

export interface CdnowTransaction {
  customer: number;
  date: string;
  value: number;
}

export function cdnowTransactions(): CdnowTransaction[] {
  return readFileSync(`${DIR}/cdnow_sample.txt`, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const f = line.trim().split(/\s+/);
      const d = f[2]!;
      return { customer: Number(f[1]), date: `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`, value: Number(f[4]) };
    });
}

export function cdnowCalibrationSummary(calibrationEnd = '1997-09-30'): CdnowCustomer[] {
  const end = Date.parse(calibrationEnd) / DAY;
  const byCustomer = new Map<number, Map<number, number>>();
  for (const t of cdnowTransactions()) {
    const day = Date.parse(t.date) / DAY;
    if (day > end) continue;
    const days = byCustomer.get(t.customer) ?? new Map<number, number>();
    days.set(day, (days.get(day) ?? 0) + t.value);
    byCustomer.set(t.customer, days);
  }
  return [...byCustomer.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([id, days]) => {
      const sorted = [...days.keys()].sort((a, b) => a - b);
      const first = sorted[0]!;
      const repeat = sorted.slice(1);
      return {
        id,
        frequency: repeat.length,
        recency: (sorted.at(-1)! - first) / 7,
        T: (end - first) / 7,
        monetaryValue: repeat.length ? repeat.reduce((s, d) => s + days.get(d)!, 0) / repeat.length : 0,
      };
    });
}
