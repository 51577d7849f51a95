// Calendar of one demo run: the period, the ship dates of the streamlined checkout, the
// experiment window, and when new visitors arrive. Derived only from the options, never from
// the current date, so output is reproducible.

import { Weighted, seedOf } from './rng.ts';
import { PARAMS } from './params.ts';
import { type ChannelMedia, type Holiday, holidayLift, holidaysIn, makeMediaPlan, yearlySeason } from './media.ts';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MINUTE = 60_000;

export interface Schedule {
  seed: number;
  customers: number;
  days: number;
  /** First millisecond of the first day and last millisecond of the last day (UTC). */
  start: number;
  end: number;
  ship1: number;
  ship2: number;
  expStart: number;
  expEnd: number;
  /** The welcome-offer experiment's window: after the banner experiment, inside the period. */
  offerStart: number;
  offerEnd: number;
  arrivalDay: Weighted<number>;
  /** Relative demand (new-visitor arrivals) per day: trend × weekday × yearly season × holidays. */
  demand: Float64Array;
  holidays: Holiday[];
  /** Paid media per channel (same order as MEDIA): spend, adstock and visit probability per day. */
  media: ChannelMedia[];
  arrivalHour: Weighted<number>;
  /** Distinguishes message and anonymous ids between seeds. */
  seedTag: string;
  anonOffset: number;
}

export function parseDate(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`endDate must be YYYY-MM-DD, got '${date}'`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(t).toISOString().slice(0, 10) !== date) throw new Error(`endDate is not a calendar date: '${date}'`);
  return t;
}

export function isoDate(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

// US shoppers, timestamps in UTC: the evening peak (Eastern/Pacific) lands around 00–04 UTC.
const HOURLY = [9, 8, 8, 7, 5, 3, 2, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 6, 6, 7, 7, 8, 9, 9];
// Sunday..Saturday
const WEEKDAY = [0.95, 1.05, 1.05, 1.0, 1.0, 0.95, 0.85];

export function makeSchedule(o: { seed: number; customers: number; days: number; endDate: string }): Schedule {
  if (!Number.isInteger(o.days) || o.days < 1) throw new Error(`days must be a positive integer, got ${o.days}`);
  if (!Number.isInteger(o.customers) || o.customers < 0) throw new Error(`customers must be a non-negative integer, got ${o.customers}`);
  if (!Number.isFinite(o.seed)) throw new Error(`seed must be a number, got ${o.seed}`);
  const last = parseDate(o.endDate);
  const start = last - (o.days - 1) * DAY;
  const end = last + DAY - 1;
  const ship1 = start + Math.round(PARAMS.shipFraction * o.days) * DAY;
  const ship2 = ship1 + PARAMS.wave2DelayDays * DAY;
  const expStart = start + Math.round(PARAMS.experiment.startFraction * o.days) * DAY;
  // At least lengthDays, and about a fifth of a long period, so a year's demo keeps the exposures of a half-year's.
  const expDays = Math.max(PARAMS.experiment.lengthDays, Math.round(0.19 * o.days));
  const expEnd = Math.min(end + 1, expStart + expDays * DAY);
  const offerStart = Math.max(expEnd, start + Math.round(PARAMS.offer.startFraction * o.days) * DAY);
  const offerEnd = Math.min(end + 1, offerStart + PARAMS.offer.lengthDays * DAY);
  // Slow growth over the period, a weekly rhythm, the yearly season and holiday peaks.
  const holidays = holidaysIn(start, o.days);
  const demand = new Float64Array(o.days);
  const dayWeights: Array<readonly [number, number]> = [];
  for (let d = 0; d < o.days; d++) {
    const t = start + d * DAY;
    demand[d] = (1 + (0.4 * d) / o.days) * WEEKDAY[new Date(t).getUTCDay()]! * yearlySeason(t) * holidayLift(holidays, d);
    dayWeights.push([d, demand[d]!] as const);
  }
  const s = seedOf(o.seed);
  return {
    seed: o.seed,
    customers: o.customers,
    days: o.days,
    start,
    end,
    ship1,
    ship2,
    expStart,
    expEnd,
    offerStart,
    offerEnd,
    arrivalDay: new Weighted(dayWeights),
    demand,
    holidays,
    media: makeMediaPlan(o.seed, start, o.days, holidays, o.customers),
    arrivalHour: new Weighted(HOURLY.map((w, h) => [h, w] as const)),
    seedTag: s.toString(16).padStart(8, '0'),
    anonOffset: (seedOf(o.seed, 1) % 65536) * 4294967296 + seedOf(o.seed, 2),
  };
}

/** Checkout conversion in force at time t for a region of the given rollout wave. */
export function streamlined(s: Schedule, wave: 1 | 2, t: number): boolean {
  return (wave === 1 && t >= s.ship1) || t >= s.ship2;
}

/** 0 before wave 1 ships, 1 between the waves, 2 after wave 2 ships. */
export function rolloutPeriod(s: Schedule, t: number): 0 | 1 | 2 {
  return t < s.ship1 ? 0 : t < s.ship2 ? 1 : 2;
}
