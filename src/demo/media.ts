// The demo retailer's media plan and its causal path to visits. Each paid channel has a daily
// budget with its own flighting; spend carries over through geometric adstock and saturates
// through a Hill curve:
//
//   A[d] = S[d] + λ·A[d−1]            (adstock; A[−1] at the steady state of day 0's spend)
//   q[d] = A[d]^s / (A[d]^s + K^s)    (Hill; 0 ≤ q < 1)
//
// q[d] is the probability that a would-be visit through the channel on day d happens: every paid
// touch a customer's journey draws is kept only if its own uniform number is below q. With no
// spend q is 0 and the channel's touches vanish (prospecting first touches take their person with
// them; see journey.ts). Because the uniform numbers are drawn whatever q is, the same world under
// another media plan is one comparison away: that is how the ground truth's counterfactuals work.

import { Rng, seedOf } from './rng.ts';
import type { Ga4Channel } from './world.ts';

const DAY = 86_400_000;

export type Flighting = 'always_on' | 'bursts' | 'ramps' | 'steady';

export interface ChannelMediaParams {
  channel: Ga4Channel;
  flighting: Flighting;
  /** Mean daily budget (USD) on a day the channel runs at its normal level, for BUDGET_AUDIENCE. */
  budget: number;
  /** Geometric adstock carry-over λ: the share of yesterday's adstock that is still working today. */
  adstockDecay: number;
  /** Hill shape s. */
  hillShape: number;
  /** Hill half-saturation K as a multiple of the channel's mean adstock over the period. */
  halfSaturationRatio: number;
}

/**
 * Paid Search runs in budget periods at levels of their own with two-week pauses between them;
 * Paid Social in bursts with dark weeks; Display in ramps to a peak, then dark; Affiliates steady
 * (commission-like) at drifting levels with pauses. Every channel's spend moves and goes dark at
 * times, so a marketing-mix model fitted on a year of this retailer's revenue can tell them apart. Budgets are set so that Display and Paid Social
 * pay back well, Paid Search about breaks even on revenue and Affiliates does not pay back.
 */
export const MEDIA: readonly ChannelMediaParams[] = [
  { channel: 'Paid Search', flighting: 'always_on', budget: 60, adstockDecay: 0.3, hillShape: 1.2, halfSaturationRatio: 0.6 },
  { channel: 'Paid Social', flighting: 'bursts', budget: 48, adstockDecay: 0.5, hillShape: 1.6, halfSaturationRatio: 0.8 },
  { channel: 'Display', flighting: 'ramps', budget: 33, adstockDecay: 0.65, hillShape: 2.0, halfSaturationRatio: 0.9 },
  { channel: 'Affiliates', flighting: 'steady', budget: 15, adstockDecay: 0.2, hillShape: 1.0, halfSaturationRatio: 0.5 },
];

export interface ChannelMedia {
  params: ChannelMediaParams;
  /** Planned spend per day (USD). */
  spend: Float64Array;
  adstock: Float64Array;
  /** Hill K in adstocked USD. */
  halfSaturation: number;
  /** Probability that a would-be visit through the channel happens, per day. */
  q: Float64Array;
}

export interface Holiday {
  name: string;
  /** Day index in the period. */
  day: number;
  date: string;
  /** Multiplier on new-visitor arrivals on the day (ramping in over `leadDays`). */
  lift: number;
  leadDays: number;
}

/** Adstock then Hill: the response of one channel to a spend series (also used by the counterfactuals). */
export function mediaResponse(
  spend: Float64Array,
  decay: number,
  shape: number,
  halfSaturation: number,
): { adstock: Float64Array; q: Float64Array } {
  const n = spend.length;
  const adstock = new Float64Array(n);
  const q = new Float64Array(n);
  let prev = n > 0 ? spend[0]! / (1 - decay) - spend[0]! : 0;
  for (let d = 0; d < n; d++) {
    const a = spend[d]! + decay * prev;
    adstock[d] = a;
    prev = a;
    const as = a ** shape;
    q[d] = a > 0 ? as / (as + halfSaturation ** shape) : 0;
  }
  return { adstock, q };
}

function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  const first = Date.UTC(year, month, 1);
  const offset = (weekday - new Date(first).getUTCDay() + 7) % 7;
  return first + (offset + 7 * (n - 1)) * DAY;
}

function lastWeekday(year: number, month: number, weekday: number): number {
  const last = Date.UTC(year, month + 1, 0);
  return last - ((new Date(last).getUTCDay() - weekday + 7) % 7) * DAY;
}

/** US retail peaks inside the period: Black Friday, Cyber Monday, the Christmas run-up, Mother's Day, Memorial Day, a July sale. */
export function holidaysIn(start: number, days: number): Holiday[] {
  const out: Holiday[] = [];
  const y0 = new Date(start).getUTCFullYear();
  const y1 = new Date(start + (days - 1) * DAY).getUTCFullYear();
  for (let y = y0; y <= y1; y++) {
    const thanksgiving = nthWeekday(y, 10, 4, 4);
    const candidates: Array<[string, number, number, number]> = [
      ['Black Friday', thanksgiving + DAY, 2.6, 3],
      ['Cyber Monday', thanksgiving + 4 * DAY, 2.2, 0],
      ['Christmas shopping', Date.UTC(y, 11, 16), 1.7, 9],
      ["Mother's Day", nthWeekday(y, 4, 0, 2), 1.5, 5],
      ['Memorial Day', lastWeekday(y, 4, 1), 1.4, 2],
      ['Summer sale', Date.UTC(y, 6, 15), 1.5, 2],
    ];
    for (const [name, t, lift, leadDays] of candidates) {
      const day = Math.round((t - start) / DAY);
      if (day >= 0 && day < days) out.push({ name, day, date: new Date(t).toISOString().slice(0, 10), lift, leadDays });
    }
  }
  return out.sort((a, b) => a.day - b.day);
}

/** Yearly seasonality of demand: outdoor retail peaks in December, is lowest in late winter, with a summer bump. */
export function yearlySeason(t: number): number {
  const doy = (t - Date.UTC(new Date(t).getUTCFullYear(), 0, 1)) / DAY;
  const x = (2 * Math.PI * doy) / 365.25;
  return 1 + 0.22 * Math.cos(x - (2 * Math.PI * 350) / 365.25) + 0.08 * Math.cos(2 * (x - (2 * Math.PI * 190) / 365.25));
}

/** Holiday multiplier on a day: the peak on the day, ramping in linearly over its lead days. */
export function holidayLift(holidays: readonly Holiday[], day: number): number {
  let m = 1;
  for (const h of holidays) {
    const before = h.day - day;
    if (before < 0 || before > h.leadDays) continue;
    const w = h.leadDays === 0 ? 1 : 1 - before / (h.leadDays + 1);
    m = Math.max(m, 1 + (h.lift - 1) * w);
  }
  return m;
}

/** Level of the channel's plan in a week: the drawn flight (0 in a dark week). */
function flightLevel(d: number, flights: number[]): number {
  return flights[Math.floor(d / 7)] ?? 0;
}

/**
 * Week-by-week flight levels, drawn once per seed. Every channel's budget moves at some point
 * (bid and budget changes, bursts, ramps), as in the plans marketing-mix models are fitted on:
 * a channel whose spend never moves apart from the season cannot be told from the baseline.
 */
function weeklyFlights(p: ChannelMediaParams, weeks: number, rng: Rng): number[] {
  const out: number[] = [];
  if (p.flighting === 'always_on') {
    // The budget is reset every 4–8 weeks to between 0.6 and 1.4 of the normal level, with a
    // one- or two-week pause between some of them (a budget freeze, a bid-strategy test).
    while (out.length < weeks) {
      const len = rng.int(4, 8);
      const level = 0.6 + 0.8 * rng.next();
      for (let k = 0; k < len; k++) out.push(level);
      out.push(0, 0);
    }
  } else if (p.flighting === 'steady') {
    // Commission-like: the level drifts between 0.6 and 1.4 every 6–10 weeks; the programme pauses 2 weeks between some.
    while (out.length < weeks) {
      const len = rng.int(6, 10);
      const level = 0.6 + 0.8 * rng.next();
      for (let k = 0; k < len; k++) out.push(level);
      out.push(0, 0);
    }
  } else if (p.flighting === 'bursts') {
    // 3–5 weeks on at a level of their own, then 2–3 dark weeks.
    const lead = rng.int(0, 2);
    for (let k = 0; k < lead; k++) out.push(0);
    while (out.length < weeks) {
      const level = 0.7 + 0.8 * rng.next();
      const on = rng.int(3, 5);
      for (let k = 0; k < on; k++) out.push(level);
      const dark = rng.int(2, 3);
      for (let k = 0; k < dark; k++) out.push(0);
    }
  } else if (p.flighting === 'ramps') {
    // Ramps from a quarter of the budget up to a peak over 5–7 weeks, then 2–4 dark weeks.
    while (out.length < weeks) {
      const len = rng.int(5, 7);
      const peak = 1.3 + 0.6 * rng.next();
      for (let k = 0; k < len; k++) out.push(0.25 + ((peak - 0.25) * k) / (len - 1));
      const dark = rng.int(2, 4);
      for (let k = 0; k < dark; k++) out.push(0);
    }
  }
  return out.slice(0, weeks);
}

/** The audience the budgets are set for: the default demo's would-be customers per year. */
export const BUDGET_AUDIENCE = { customers: 26000, days: 365 };

/**
 * The plan for one run: spend, adstock and visit probability per paid channel and day. Budgets
 * scale with the audience (would-be customers per day), so a smaller or shorter demo has the
 * same ROIs as the default one.
 */
export function makeMediaPlan(seed: number, start: number, days: number, holidays: readonly Holiday[], customers: number): ChannelMedia[] {
  const scale = customers / days / (BUDGET_AUDIENCE.customers / BUDGET_AUDIENCE.days);
  return MEDIA.map((p, c) => {
    const rng = new Rng(seedOf(seed, 0x3ed1a, c));
    const flights = weeklyFlights(p, Math.ceil(days / 7) + 1, rng);
    const spend = new Float64Array(days);
    for (let d = 0; d < days; d++) {
      const t = start + d * DAY;
      const level = flightLevel(d, flights);
      if (level === 0) continue;
      // Marketers lean into the season and the holidays (search and display most).
      const seasonal = p.flighting === 'steady' ? yearlySeason(t) : yearlySeason(t) ** 1.5;
      const holiday = p.flighting === 'steady' ? 1 : 1 + (holidayLift(holidays, d) - 1) * 0.6;
      const noise = Math.exp(0.12 * rng.normal() - 0.0072);
      spend[d] = Math.round(p.budget * scale * level * seasonal * holiday * noise * 100) / 100;
    }
    // K relative to the mean adstock of the days the channel ran, so every channel sits at a
    // comparable point of its curve whatever its budget.
    const probe = mediaResponse(spend, p.adstockDecay, p.hillShape, 1);
    let sum = 0;
    let n = 0;
    for (let d = 0; d < days; d++) {
      if (probe.adstock[d]! > 0.01 * p.budget * scale) {
        sum += probe.adstock[d]!;
        n++;
      }
    }
    const halfSaturation = Math.round(p.halfSaturationRatio * (n > 0 ? sum / n : p.budget * scale) * 100) / 100;
    const { adstock, q } = mediaResponse(spend, p.adstockDecay, p.hillShape, halfSaturation);
    return { params: p, spend, adstock, halfSaturation, q };
  });
}
