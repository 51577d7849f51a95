// The generator's outcome model, kept per person so the ground truth can replay the same world
// under another media plan or without a channel, with the same random numbers (common random
// numbers), without emitting events again.
//
// A person's first order happens iff they arrived, u1 < clamp((base + Σ lifts of the touch kinds
// seen before deciding) × m + offer effect) and the checkout path completes inside the period;
// every order of theirs (first and repeats) hangs on that first order. Paid touches happen iff
// their uniform v < q[day] of the channel's plan (media.ts). Lowering a channel's spend lowers q,
// so it can only remove touches (and prospecting persons), never add any: the replay is exact.

import { MEDIA, mediaResponse } from './media.ts';
import { type Ga4Channel, INCREMENTAL_LIFT, KIND_CHANNEL, type TouchKind } from './world.ts';

const DAY = 86_400_000;

/** Paid media channels by name → index in MEDIA (and Schedule.media). */
export const MEDIA_INDEX: ReadonlyMap<Ga4Channel, number> = new Map(MEDIA.map((m, i) => [m.channel, i]));

/** Prospecting kinds: a first touch of these creates the visitor; brand search and coupon sites only capture existing demand. */
export const ACQUISITION_KINDS: ReadonlySet<TouchKind> = new Set<TouchKind>(['search_generic', 'social', 'display']);

export interface PaidTouchRecord {
  media: number;
  day: number;
  v: number;
  kind: TouchKind;
  /** The person's first touch, of a prospecting kind: without it the person never arrives. */
  acquisition: boolean;
}

export interface OfferRecord {
  arm: 0 | 1;
  /** Probability of checkout intent without and with the offer. */
  p0: number;
  p1: number;
  /** Potential outcomes of the offer's metric (first order within its window). */
  y0: boolean;
  y1: boolean;
  /** (p1 − p0) when the first order could complete inside the window, else 0. */
  uplift: number;
}

export interface PersonRecord {
  index: number;
  userId: string;
  anonymousIds: string[];
  /** Whether the events carry the user id (identified persons); otherwise only anonymous ids. */
  identified: boolean;
  persona: string;
  region: string;
  considered: boolean;
  /** Persona base intent. */
  base: number;
  /** Unpaid touch kinds with a lift seen before deciding. */
  unpaidKinds: TouchKind[];
  /** Paid touches kept before deciding. */
  paid: PaidTouchRecord[];
  /** Banner experiment multiplier (1.1 in its treatment arm). */
  m: number;
  /** Welcome-offer effect applied to this person (0 unless treated). */
  offerDelta: number;
  u1: number;
  /** The first order's checkout path completes inside the period (given intent). */
  completes: boolean;
  /** The first order came only from the abandoned-cart email's retry. */
  emailOnly: boolean;
  /** Revenue of all the person's orders inside the period (0: no order). */
  revenue: number;
  offer: OfferRecord | undefined;
  pFirst7: number;
  pFirst30: number;
  /** True probability of at least one Order Completed in the 7 / 30 days after the data ends. */
  pPurchase7: number;
  pPurchase30: number;
}

/**
 * P(next order in (end, end + h days]) when it is due at anchor + 5 days + Exp(mean) and has not
 * happened by the end (the exponential part is memoryless).
 */
export function purchaseProbability(anchor: number, end: number, horizonDays: number, meanGapDays: number): number {
  const waitDays = Math.max(0, (anchor + 5 * DAY - end) / DAY);
  return 1 - Math.exp(-Math.max(0, horizonDays - waitDays) / meanGapDays);
}

export interface Scenario {
  /** Whether a kept paid touch still happens. */
  keep(t: PaidTouchRecord): boolean;
  /** Unpaid touch kinds removed. */
  removedKinds?: ReadonlySet<TouchKind>;
  emailRemoved?: boolean;
}

/** Whether the person's first order still happens in the scenario (only for persons who ordered). */
export function stillOrders(p: PersonRecord, sc: Scenario): boolean {
  let lift = 0;
  const seen = new Set<TouchKind>();
  for (const t of p.paid) {
    const kept = sc.keep(t);
    if (t.acquisition && !kept) return false;
    if (kept && !seen.has(t.kind)) {
      seen.add(t.kind);
      lift += INCREMENTAL_LIFT[t.kind];
    }
  }
  for (const k of p.unpaidKinds) {
    if (sc.removedKinds?.has(k) || seen.has(k)) continue;
    seen.add(k);
    lift += INCREMENTAL_LIFT[k];
  }
  if (sc.emailRemoved && p.emailOnly) return false;
  const prob = Math.min(1, Math.max(0, (p.base + lift) * p.m + p.offerDelta));
  return p.completes && p.u1 < prob;
}

export interface Counterfactual {
  /** Persons whose orders vanish, and their revenue. */
  conversions: number;
  revenue: number;
}

/** Revenue and converting persons lost in the scenario, against the world as generated. */
export function lostIn(persons: readonly PersonRecord[], sc: Scenario): Counterfactual {
  let conversions = 0;
  let revenue = 0;
  for (const p of persons) {
    if (p.revenue <= 0 || stillOrders(p, sc)) continue;
    conversions++;
    revenue += p.revenue;
  }
  return { conversions, revenue };
}

/** The scenario with one paid channel's daily spend scaled by `factor` (0: the channel is off). */
export function spendScenario(media: number, spend: Float64Array, halfSaturation: number, factor: number): Scenario {
  const p = MEDIA[media]!;
  const scaled = spend.map((x) => x * factor);
  const { q } = mediaResponse(scaled, p.adstockDecay, p.hillShape, halfSaturation);
  return { keep: (t) => t.media !== media || t.v < q[t.day]! };
}

/** The scenario without an unpaid channel's touches (Organic Search, Email, Referral, Direct). */
export function removalScenario(channel: Ga4Channel): Scenario {
  const kinds = new Set((Object.keys(KIND_CHANNEL) as TouchKind[]).filter((k) => KIND_CHANNEL[k] === channel));
  return { keep: () => true, removedKinds: kinds, emailRemoved: channel === 'Email' };
}
