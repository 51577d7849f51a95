/**
 * The baseline design of the marketing-mix model: what the KPI would be without paid media.
 * Columns: intercept, linear trend, weekly Fourier terms (3 pairs), yearly Fourier terms
 * (3 pairs, when the data spans at least 270 days), one indicator per holiday (the same
 * holiday in different years shares a column), and the user's control series standardised.
 */
import type { NormalPrior } from './model.ts';

export interface Holiday {
  name: string;
  date: string;
  /** Days before the date over which the effect ramps in linearly (shopping before the day). */
  leadDays?: number;
}

export interface ControlSeries {
  name: string;
  /** One value per day (YYYY-MM-DD); missing days take the series' mean. */
  values: Array<{ date: string; value: number }>;
}

export interface BaselineDesign {
  X: Float64Array;
  columns: string[];
  priors: NormalPrior[];
}

const DAY = 86_400_000;
const dayNumber = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY);
export const isoDay = (n: number) => new Date(n * DAY).toISOString().slice(0, 10);

function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  const first = Date.UTC(year, month, 1) / DAY;
  const dow = (new Date(first * DAY).getUTCDay() + 7) % 7;
  return first + ((weekday - dow + 7) % 7) + 7 * (n - 1);
}

/**
 * Retail holidays of the years a range covers, with the days of shopping before them: Black
 * Friday, Cyber Monday, Christmas (the shopping weeks up to Christmas Eve), Christmas Day,
 * Boxing Day, New Year's Day, Valentine's Day, Mother's Day and Memorial Day (US). A retailer's
 * own sale days are not fixed and are left to the user's list.
 */
function lastMonday(year: number, month: number): number {
  const last = Date.UTC(year, month + 1, 0) / DAY;
  const dow = new Date(last * DAY).getUTCDay();
  return last - ((dow - 1 + 7) % 7);
}

export function defaultHolidays(firstDay: string, lastDay: string): Holiday[] {
  const out: Holiday[] = [];
  const y0 = Number(firstDay.slice(0, 4));
  const y1 = Number(lastDay.slice(0, 4));
  for (let y = y0; y <= y1; y++) {
    const thanksgiving = nthWeekday(y, 10, 4, 4);
    out.push(
      { name: 'Black Friday', date: isoDay(thanksgiving + 1), leadDays: 3 },
      { name: 'Cyber Monday', date: isoDay(thanksgiving + 4) },
      { name: 'Christmas shopping', date: `${y}-12-24`, leadDays: 14 },
      { name: 'Christmas Day', date: `${y}-12-25` },
      { name: 'Boxing Day', date: `${y}-12-26` },
      { name: "New Year's Day", date: `${y}-01-01` },
      { name: "Valentine's Day", date: `${y}-02-14`, leadDays: 3 },
      { name: "Mother's Day", date: isoDay(nthWeekday(y, 4, 0, 2)), leadDays: 5 },
      { name: 'Memorial Day', date: isoDay(lastMonday(y, 4)), leadDays: 2 },
    );
  }
  return out.filter((h) => isoDay(dayNumber(h.date) - (h.leadDays ?? 0)) <= lastDay && h.date >= firstDay);
}

/** The baseline design over consecutive days starting at `firstDay`. */
export function baselineDesign(firstDay: string, days: number, holidays: Holiday[], controls: ControlSeries[]): BaselineDesign {
  const start = dayNumber(firstDay);
  const cols: Array<{ name: string; values: Float64Array; prior: NormalPrior }> = [];
  const col = (name: string, prior: NormalPrior, f: (t: number, day: number) => number) => {
    const values = new Float64Array(days);
    for (let t = 0; t < days; t++) values[t] = f(t, start + t);
    cols.push({ name, values, prior });
  };
  col('intercept', { mean: 0.5, sd: 1 }, () => 1);
  if (days > 1) col('trend', { mean: 0, sd: 0.5 }, (t) => t / (days - 1) - 0.5);
  for (let k = 1; k <= 3; k++) {
    // Day 0 of the epoch was a Thursday; the phase is irrelevant with both sine and cosine.
    col(`weekly sin ${k}`, { mean: 0, sd: 0.5 }, (_t, d) => Math.sin((2 * Math.PI * k * d) / 7));
    col(`weekly cos ${k}`, { mean: 0, sd: 0.5 }, (_t, d) => Math.cos((2 * Math.PI * k * d) / 7));
  }
  if (days >= 270) {
    for (let k = 1; k <= 3; k++) {
      col(`yearly sin ${k}`, { mean: 0, sd: 0.5 }, (_t, d) => Math.sin((2 * Math.PI * k * d) / 365.25));
      col(`yearly cos ${k}`, { mean: 0, sd: 0.5 }, (_t, d) => Math.cos((2 * Math.PI * k * d) / 365.25));
    }
  }
  // One column per holiday name: 1 on the day, ramping in linearly over its lead days.
  const byName = new Map<string, Map<number, number>>();
  for (const h of holidays) {
    const n = dayNumber(h.date) - start;
    const lead = Math.max(0, Math.round(h.leadDays ?? 0));
    const weights = byName.get(h.name) ?? new Map<number, number>();
    for (let b = 0; b <= lead; b++) {
      const t = n - b;
      if (t < 0 || t >= days) continue;
      weights.set(t, Math.max(weights.get(t) ?? 0, 1 - b / (lead + 1)));
    }
    if (weights.size > 0) byName.set(h.name, weights);
  }
  for (const [name, weights] of byName) col(`holiday ${name}`, { mean: 0, sd: 1 }, (t) => weights.get(t) ?? 0);
  for (const c of controls) {
    const byDay = new Map(c.values.map((v) => [dayNumber(v.date) - start, v.value]));
    const present = [...byDay.entries()].filter(([t, v]) => t >= 0 && t < days && Number.isFinite(v)).map(([, v]) => v);
    const mean = present.length ? present.reduce((a, b) => a + b, 0) / present.length : 0;
    const sd = present.length > 1 ? Math.sqrt(present.reduce((s, v) => s + (v - mean) ** 2, 0) / (present.length - 1)) : 0;
    if (!(sd > 0)) continue; // a constant control is the intercept
    col(`control ${c.name}`, { mean: 0, sd: 0.5 }, (t) => {
      const v = byDay.get(t);
      return v === undefined || !Number.isFinite(v) ? 0 : (v - mean) / sd;
    });
  }
  const P = cols.length;
  const X = new Float64Array(days * P);
  for (let t = 0; t < days; t++) for (let j = 0; j < P; j++) X[t * P + j] = cols[j]!.values[t]!;
  return { X, columns: cols.map((c) => c.name), priors: cols.map((c) => c.prior) };
}
