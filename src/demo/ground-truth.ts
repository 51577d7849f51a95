// The ground truth of a demo run: the causal parameters that generated the data and the
// realised counts of what actually happened, so analyses can be scored against known answers.
//
// Channel incrementality is a counterfactual of the same world (same seed, same random numbers,
// see outcome.ts): for a paid channel, its daily spend set to zero; for an unpaid one, its
// touches removed. true_incremental_revenue is the revenue (first and repeat orders inside the
// period) of the persons whose orders vanish; roi = that ÷ spend; mroi = the revenue lost when
// the channel's spend is cut by 10% on every day, ÷ the 10% of spend (marginal ROI at current
// spend, a finite difference of the same replay). Field by field: docs/ARCHITECTURE.md, "Demo
// ground truth".

import { PARAMS } from './params.ts';
import { DAY, isoDate, type Schedule } from './schedule.ts';
import type { Tally } from './tally.ts';
import { type Flighting } from './media.ts';
import { lostIn, MEDIA_INDEX, removalScenario, spendScenario } from './outcome.ts';
import {
  GA4_CHANNELS,
  type Ga4Channel,
  INCREMENTAL_LIFT,
  KIND_CHANNEL,
  PAID_CHANNELS,
  PERSONAS,
  REGIONS,
  type TouchKind,
} from './world.ts';

export interface ChannelMediaTruth {
  flighting: Flighting;
  /** Geometric adstock: A[d] = spend[d] + adstock_decay · A[d−1] (USD). */
  adstock_decay: number;
  /** Hill: visit probability q = A^s / (A^s + K^s), s = hill_shape, K = half_saturation_usd. */
  hill_shape: number;
  half_saturation_usd: number;
  /** Days with spend > 0, and the mean spend on them. */
  days_on: number;
  mean_daily_spend_on: number;
}

export interface ChannelTruth {
  channel: Ga4Channel;
  /**
   * Persons whose first order (and so all their orders) would not have happened without the
   * channel: paid channels with their spend set to zero, unpaid ones with their touches removed
   * (same random numbers).
   */
  true_incremental_conversions: number;
  /** Revenue (USD, first and repeat orders in the period) of those persons. */
  true_incremental_revenue: number;
  /** Total ad spend in USD over the period (0 for unpaid channels). */
  spend: number;
  /** true_incremental_revenue ÷ spend; null for unpaid channels. */
  roi: number | null;
  /** Revenue lost per dollar when the channel's daily spend is cut by 10%: marginal ROI at current spend; null for unpaid channels. */
  mroi: number | null;
  /** The channel's media response parameters; null for unpaid channels. */
  media: ChannelMediaTruth | null;
  /** Additive lift to the checkout-intent probability per touch kind of this channel. */
  intent_lift: Record<string, number>;
  /** Considering visitors touched by the channel before deciding. */
  touched_customers: number;
  /** First orders whose ordering visit came through the channel: what last-touch attribution credits. */
  last_touch_conversions: number;
}

export interface StageTruth {
  stage: 'awareness' | 'consideration' | 'purchase' | 'experience' | 'loyalty';
  /** Persons (non-bot customers) who reached the stage inside the period. */
  reached: number;
  /** reached / reached at the previous stage (awareness: / customers). */
  realised_rate: number;
  /** The generating probability where a single number describes it; see `definition`. */
  parameter: number | Record<string, number> | null;
  definition: string;
  /** Persons as the store resolves identity: customers known by their user id who reached the stage on their linked devices and server-side events… */
  identified_reached: number;
  /** …and devices never linked to a user id (one person per device: a customer's extra devices inflate counts by this many). */
  anonymous_devices_reached: number;
}

export interface GroundTruth {
  generator: { seed: number; customers: number; days: number; start_date: string; end_date: string };
  currency: 'USD';
  /** USD per unit of each other currency used in spend. */
  fx_to_usd: { EUR: number };
  population: {
    customers: number;
    bots: number;
    not_acquired: number;
    regions: Array<{ name: string; rollout_wave: 1 | 2; late_delivery_rate: number }>;
    personas: Array<{ name: string; base_intent: number }>;
  };
  stages: StageTruth[];
  channels: ChannelTruth[];
  journey_change: {
    name: string;
    metric: string;
    ship_date: string;
    rollout: Array<{ date: string; regions: string[] }>;
    p0: number;
    p1: number;
    absolute_lift: number;
    relative_lift: number;
    /** Checkout Started / Order Completed per rollout wave and period (before wave 1, between waves, after wave 2). */
    realised: Array<{
      wave: 1 | 2;
      period: 'before' | 'between' | 'after';
      treated: boolean;
      checkouts_started: number;
      orders_completed: number;
    }>;
    /** Completed checkouts that would have been abandoned at p0 (same random numbers). */
    incremental_orders: number;
    incremental_revenue: number;
    cost: { one_off: number; monthly: number; currency: 'USD' };
  };
  experiment: {
    experiment_id: string;
    variations: [0, 1];
    weights: [number, number];
    start_date: string;
    end_date: string;
    exposure: string;
    metric: string;
    window_days: number;
    true_relative_lift: number;
    /** Potential-outcome conversion rates of all exposed visitors under each variation. */
    true_rates: { control: number; treatment: number };
    exposed: [number, number];
    converted: [number, number];
  };
  /** The demand calendar and media plan behind the daily series. */
  calendar: {
    seasonality: string;
    holidays: Array<{ name: string; date: string; arrival_multiplier: number }>;
  };
  uplift_experiment: UpliftTruth;
  /** One row per person with at least one message. */
  persons: PersonTruth[];
  totals: {
    messages: number;
    by_type: Record<string, number>;
    orders: number;
    first_orders: number;
    revenue: number;
    refunds: number;
    spend_usd: number;
  };
}

export type UpliftSegment = 'persuadable' | 'sure_thing' | 'lost_cause' | 'sleeping_dog';

export interface UpliftTruth {
  experiment_id: string;
  variations: [0, 1];
  weights: [number, number];
  start_date: string;
  end_date: string;
  exposure: string;
  metric: string;
  window_days: number;
  /** Additive effect of the offer on checkout-intent probability, by persona (negative: sleeping dogs). */
  effect_by_persona: Record<string, number>;
  exposed: [number, number];
  converted: [number, number];
  /** Exposed persons by potential-outcome segment. */
  segments: Record<UpliftSegment, number>;
  /** Mean of persons' true_uplift over the exposed: the true average treatment effect on the metric. */
  true_ate: number;
}

export interface PersonTruth {
  user_id: string;
  /** Device ids; persons who never identified appear in the events under these only. */
  anonymous_ids: string[];
  identified: boolean;
  persona: string;
  region: string;
  /** Welcome-offer variation (null: not exposed). */
  offer_variation: 0 | 1 | null;
  /** Potential-outcome segment for the offer's metric (null: not exposed). */
  uplift_segment: UpliftSegment | null;
  /** P(metric | offer) − P(metric | control) for this person (null: not exposed). */
  true_uplift: number | null;
  /** Probability of at least one Order Completed in the 7 / 30 days after end_date. */
  p_purchase_7d: number;
  p_purchase_30d: number;
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

function segmentOf(y0: boolean, y1: boolean): UpliftSegment {
  return y0 ? (y1 ? 'sure_thing' : 'sleeping_dog') : y1 ? 'persuadable' : 'lost_cause';
}

export function buildGroundTruth(s: Schedule, t: Tally, spendByChannel: Map<string, number>): GroundTruth {
  return {
    generator: { seed: s.seed, customers: s.customers, days: s.days, start_date: isoDate(s.start), end_date: isoDate(s.end) },
    currency: 'USD',
    fx_to_usd: { EUR: PARAMS.eurUsd },
    population: {
      customers: t.customers,
      bots: t.bots,
      not_acquired: t.vanished,
      regions: REGIONS.map((r) => ({ name: r.name, rollout_wave: r.rolloutWave, late_delivery_rate: r.lateRate })),
      personas: PERSONAS.map((p) => ({ name: p.name, base_intent: p.baseIntent })),
    },
    stages: stageTruths(t),
    channels: GA4_CHANNELS.map((channel) => channelTruth(channel, s, t, spendByChannel)),
    journey_change: journeyChangeTruth(s, t),
    experiment: experimentTruth(s, t),
    calendar: {
      seasonality:
        'new-visitor arrivals ∝ (1 + 0.4·d/days) × weekday × (1 + 0.22·cos(yearly, peak mid-December) + 0.08·cos(half-yearly, peak early July)) × holiday multiplier',
      holidays: s.holidays.map((h) => ({ name: h.name, date: h.date, arrival_multiplier: h.lift })),
    },
    uplift_experiment: upliftTruth(s, t),
    persons: t.persons.map(personTruth),
    totals: totalsTruth(t, spendByChannel),
  };
}

/** Persons reaching each journey stage, the realised rate from the stage before, and the parameter behind it. */
function stageTruths(t: Tally): StageTruth[] {
  const stageNames = ['awareness', 'consideration', 'purchase', 'experience', 'loyalty'] as const;
  const definitions = [
    'has at least one message in the period',
    'viewed at least one product (parameter: share of aware visitors who consider)',
    'completed at least one order: (persona base intent + Σ channel intent lifts) × checkout completion (p0/p1) with retries; no single parameter',
    'had an order delivered (every order is delivered unless the period ends first)',
    'completed a second order; parameter: repeat probability by how the first order went',
  ];
  const parameters: StageTruth['parameter'][] = [1, PARAMS.considerProb, null, 1, { ...PARAMS.repeatProb }];
  return stageNames.map((stage, k) => {
    const prev = k === 0 ? t.customers : t.stages[k - 1]!;
    return {
      stage,
      reached: t.stages[k]!,
      realised_rate: prev > 0 ? round(t.stages[k]! / prev, 4) : 0,
      parameter: parameters[k]!,
      definition: definitions[k]!,
      identified_reached: t.identifiedStages[k]!,
      anonymous_devices_reached: t.anonymousStages[k]!,
    };
  });
}

/**
 * A channel's true incremental conversions and revenue (persons whose orders vanish without it:
 * paid channels with spend set to 0, unpaid ones with their touches removed), ROI, marginal ROI
 * at a 10% spend cut, and its media parameters.
 */
function channelTruth(channel: Ga4Channel, s: Schedule, t: Tally, spendByChannel: Map<string, number>): ChannelTruth {
  const c = t.channels.get(channel)!;
  const intent_lift: Record<string, number> = {};
  for (const [kind, ch] of Object.entries(KIND_CHANNEL) as Array<[TouchKind, Ga4Channel]>)
    if (ch === channel) intent_lift[kind] = INCREMENTAL_LIFT[kind];
  const spend = round(spendByChannel.get(channel) ?? 0);
  let lost = lostIn(t.persons, removalScenario(channel));
  let mroi: number | null = null;
  let media: ChannelMediaTruth | null = null;
  if (PAID_CHANNELS.includes(channel)) {
    const k = MEDIA_INDEX.get(channel)!;
    const plan = s.media[k]!;
    lost = lostIn(t.persons, spendScenario(k, plan.spend, plan.halfSaturation, 0));
    const cut = lostIn(t.persons, spendScenario(k, plan.spend, plan.halfSaturation, 0.9));
    mroi = spend > 0 ? round(cut.revenue / (0.1 * spend), 4) : null;
    let on = 0;
    let sum = 0;
    for (const x of plan.spend) if (x > 0) (on++, (sum += x));
    media = {
      flighting: plan.params.flighting,
      adstock_decay: plan.params.adstockDecay,
      hill_shape: plan.params.hillShape,
      half_saturation_usd: plan.halfSaturation,
      days_on: on,
      mean_daily_spend_on: on > 0 ? round(sum / on) : 0,
    };
  }
  return {
    channel,
    true_incremental_conversions: lost.conversions,
    true_incremental_revenue: round(lost.revenue),
    spend,
    roi: PAID_CHANNELS.includes(channel) ? (spend > 0 ? round(lost.revenue / spend, 4) : null) : null,
    mroi,
    media,
    intent_lift,
    touched_customers: c.touched,
    last_touch_conversions: c.lastTouch,
  };
}

/** The streamlined checkout: its rollout, true lift, realised checkouts per wave and period, and incremental orders. */
function journeyChangeTruth(s: Schedule, t: Tally): GroundTruth['journey_change'] {
  const periods = ['before', 'between', 'after'] as const;
  const realised: GroundTruth['journey_change']['realised'] = [];
  for (const wave of [1, 2] as const)
    for (let p = 0; p < 3; p++) {
      const [started, completed] = t.checkout[wave - 1]![p]!;
      realised.push({
        wave,
        period: periods[p]!,
        treated: p === 2 || (p === 1 && wave === 1),
        checkouts_started: started,
        orders_completed: completed,
      });
    }

  return {
    name: 'Streamlined checkout',
    metric: 'Checkout Started → Order Completed (per checkout)',
    ship_date: isoDate(s.ship1),
    rollout: [1, 2].map((w) => ({
      date: isoDate(w === 1 ? s.ship1 : s.ship2),
      regions: REGIONS.filter((r) => r.rolloutWave === w).map((r) => r.name),
    })),
    p0: PARAMS.checkoutP0,
    p1: PARAMS.checkoutP1,
    absolute_lift: round(PARAMS.checkoutP1 - PARAMS.checkoutP0, 6),
    relative_lift: round((PARAMS.checkoutP1 - PARAMS.checkoutP0) / PARAMS.checkoutP0, 6),
    realised,
    incremental_orders: t.shipIncrementalOrders,
    incremental_revenue: round(t.shipIncrementalRevenue),
    cost: { one_off: PARAMS.shipCost.oneOff, monthly: PARAMS.shipCost.monthly, currency: 'USD' },
  };
}

/** The banner experiment: its window, metric, true lift, and potential-outcome rates of the exposed. */
function experimentTruth(s: Schedule, t: Tally): GroundTruth['experiment'] {
  const e = t.experiment;
  const exposedTotal = e.exposed[0] + e.exposed[1];
  return {
    experiment_id: PARAMS.experiment.id,
    variations: [0, 1],
    weights: [PARAMS.experiment.weights[0], PARAMS.experiment.weights[1]],
    start_date: isoDate(s.expStart),
    end_date: isoDate(s.expEnd - DAY),
    exposure: 'new visitors whose first visit falls in the window see Experiment Viewed on their landing page',
    // Person level: an order on a second device that never identified is not linkable from events alone.
    metric: 'first Order Completed within window_days of Experiment Viewed (same person, across devices)',
    window_days: PARAMS.experiment.windowDays,
    true_relative_lift: PARAMS.experiment.relativeLift,
    true_rates: {
      control: exposedTotal > 0 ? round(e.potentialControl / exposedTotal, 6) : 0,
      treatment: exposedTotal > 0 ? round(e.potentialTreatment / exposedTotal, 6) : 0,
    },
    exposed: [e.exposed[0], e.exposed[1]],
    converted: [e.converted[0], e.converted[1]],
  };
}

function personTruth(p: Tally['persons'][number]): PersonTruth {
  return {
    user_id: p.userId,
    anonymous_ids: p.anonymousIds,
    identified: p.identified,
    persona: p.persona,
    region: p.region,
    offer_variation: p.offer ? p.offer.arm : null,
    uplift_segment: p.offer ? segmentOf(p.offer.y0, p.offer.y1) : null,
    true_uplift: p.offer ? round(p.offer.uplift, 6) : null,
    p_purchase_7d: round(p.pPurchase7, 6),
    p_purchase_30d: round(p.pPurchase30, 6),
  };
}

/** Messages by type, orders, revenue, refunds and spend over the period. */
function totalsTruth(t: Tally, spendByChannel: Map<string, number>): GroundTruth['totals'] {
  let spendUsd = 0;
  for (const v of spendByChannel.values()) spendUsd += v;
  const byType: Record<string, number> = {};
  for (const k of [...t.byType.keys()].sort()) byType[k] = t.byType.get(k)!;

  return {
    messages: t.messages,
    by_type: byType,
    orders: t.orders,
    first_orders: t.firstOrders,
    revenue: round(t.revenue),
    refunds: t.refunds,
    spend_usd: round(spendUsd),
  };
}

function upliftTruth(s: Schedule, t: Tally): UpliftTruth {
  const segments: Record<UpliftSegment, number> = { persuadable: 0, sure_thing: 0, lost_cause: 0, sleeping_dog: 0 };
  let upliftSum = 0;
  let n = 0;
  for (const p of t.persons) {
    if (!p.offer) continue;
    segments[segmentOf(p.offer.y0, p.offer.y1)]++;
    upliftSum += p.offer.uplift;
    n++;
  }
  const o = PARAMS.offer;
  return {
    experiment_id: o.id,
    variations: [0, 1],
    weights: [o.weights[0], o.weights[1]],
    start_date: isoDate(s.offerStart),
    end_date: isoDate(s.offerEnd - DAY),
    exposure:
      'new visitors whose first visit falls in the window see Experiment Viewed (experiment_id welcome-offer) on their landing page',
    metric: 'first Order Completed within window_days of Experiment Viewed (same person, across devices)',
    window_days: o.windowDays,
    effect_by_persona: { ...o.effectByPersona },
    exposed: [t.offer.exposed[0], t.offer.exposed[1]],
    converted: [t.offer.converted[0], t.offer.converted[1]],
    segments,
    true_ate: n > 0 ? round(upliftSum / n, 6) : 0,
  };
}

/** ground-truth.json's text: indented, with one line per person so the file stays readable (and small). */
export function groundTruthJson(truth: GroundTruth): string {
  const marker = '"__persons__"';
  const head = JSON.stringify({ ...truth, persons: '__persons__' }, null, 2);
  const rows = truth.persons.map((p) => `    ${JSON.stringify(p)}`).join(',\n');
  return head.replace(marker, truth.persons.length > 0 ? `[\n${rows}\n  ]` : '[]') + '\n';
}
