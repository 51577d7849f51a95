// The ground truth of a demo run: the causal parameters that generated the data and the
// realised counts of what actually happened, so analyses can be scored against known answers.

import { PARAMS } from './params.ts';
import { DAY, isoDate, type Schedule } from './schedule.ts';
import type { Tally } from './tally.ts';
import { GA4_CHANNELS, type Ga4Channel, INCREMENTAL_LIFT, KIND_CHANNEL, PERSONAS, REGIONS, type TouchKind } from './world.ts';

export interface ChannelTruth {
  channel: Ga4Channel;
  /** First orders that would not have happened without the channel's touches (same random numbers, channel removed). */
  true_incremental_conversions: number;
  true_incremental_revenue: number;
  /** Total ad spend in USD over the period (0 for unpaid channels). */
  spend: number;
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
}

export interface GroundTruth {
  generator: { seed: number; customers: number; days: number; start_date: string; end_date: string };
  currency: 'USD';
  /** USD per unit of each other currency used in spend. */
  fx_to_usd: { EUR: number };
  population: { customers: number; bots: number; regions: Array<{ name: string; rollout_wave: 1 | 2; late_delivery_rate: number }>; personas: Array<{ name: string; base_intent: number }> };
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
    realised: Array<{ wave: 1 | 2; period: 'before' | 'between' | 'after'; treated: boolean; checkouts_started: number; orders_completed: number }>;
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
  totals: { messages: number; by_type: Record<string, number>; orders: number; first_orders: number; revenue: number; refunds: number; spend_usd: number };
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

export function buildGroundTruth(s: Schedule, t: Tally, spendByChannel: Map<string, number>): GroundTruth {
  const stageNames = ['awareness', 'consideration', 'purchase', 'experience', 'loyalty'] as const;
  const definitions = [
    'has at least one message in the period',
    'viewed at least one product (parameter: share of aware visitors who consider)',
    'completed at least one order: (persona base intent + Σ channel intent lifts) × checkout completion (p0/p1) with retries; no single parameter',
    'had an order delivered (every order is delivered unless the period ends first)',
    'completed a second order; parameter: repeat probability by how the first order went',
  ];
  const parameters: StageTruth['parameter'][] = [1, PARAMS.considerProb, null, 1, { ...PARAMS.repeatProb }];
  const stages: StageTruth[] = stageNames.map((stage, k) => {
    const prev = k === 0 ? t.customers : t.stages[k - 1]!;
    return { stage, reached: t.stages[k]!, realised_rate: prev > 0 ? round(t.stages[k]! / prev, 4) : 0, parameter: parameters[k]!, definition: definitions[k]! };
  });

  const channels: ChannelTruth[] = GA4_CHANNELS.map((channel) => {
    const c = t.channels.get(channel)!;
    const intent_lift: Record<string, number> = {};
    for (const [kind, ch] of Object.entries(KIND_CHANNEL) as Array<[TouchKind, Ga4Channel]>) if (ch === channel) intent_lift[kind] = INCREMENTAL_LIFT[kind];
    return {
      channel,
      true_incremental_conversions: c.incremental,
      true_incremental_revenue: round(c.incrementalRevenue),
      spend: round(spendByChannel.get(channel) ?? 0),
      intent_lift,
      touched_customers: c.touched,
      last_touch_conversions: c.lastTouch,
    };
  });

  const periods = ['before', 'between', 'after'] as const;
  const realised: GroundTruth['journey_change']['realised'] = [];
  for (const wave of [1, 2] as const)
    for (let p = 0; p < 3; p++) {
      const [started, completed] = t.checkout[wave - 1]![p]!;
      realised.push({ wave, period: periods[p]!, treated: p === 2 || (p === 1 && wave === 1), checkouts_started: started, orders_completed: completed });
    }

  const e = t.experiment;
  const exposedTotal = e.exposed[0] + e.exposed[1];
  let spendUsd = 0;
  for (const v of spendByChannel.values()) spendUsd += v;
  const byType: Record<string, number> = {};
  for (const k of [...t.byType.keys()].sort()) byType[k] = t.byType.get(k)!;

  return {
    generator: { seed: s.seed, customers: s.customers, days: s.days, start_date: isoDate(s.start), end_date: isoDate(s.end) },
    currency: 'USD',
    fx_to_usd: { EUR: PARAMS.eurUsd },
    population: {
      customers: t.customers,
      bots: t.bots,
      regions: REGIONS.map((r) => ({ name: r.name, rollout_wave: r.rolloutWave, late_delivery_rate: r.lateRate })),
      personas: PERSONAS.map((p) => ({ name: p.name, base_intent: p.baseIntent })),
    },
    stages,
    channels,
    journey_change: {
      name: 'Streamlined checkout',
      metric: 'Checkout Started → Order Completed (per checkout)',
      ship_date: isoDate(s.ship1),
      rollout: [1, 2].map((w) => ({ date: isoDate(w === 1 ? s.ship1 : s.ship2), regions: REGIONS.filter((r) => r.rolloutWave === w).map((r) => r.name) })),
      p0: PARAMS.checkoutP0,
      p1: PARAMS.checkoutP1,
      absolute_lift: round(PARAMS.checkoutP1 - PARAMS.checkoutP0, 6),
      relative_lift: round((PARAMS.checkoutP1 - PARAMS.checkoutP0) / PARAMS.checkoutP0, 6),
      realised,
      incremental_orders: t.shipIncrementalOrders,
      incremental_revenue: round(t.shipIncrementalRevenue),
      cost: { one_off: PARAMS.shipCost.oneOff, monthly: PARAMS.shipCost.monthly, currency: 'USD' },
    },
    experiment: {
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
    },
    totals: {
      messages: t.messages,
      by_type: byType,
      orders: t.orders,
      first_orders: t.firstOrders,
      revenue: round(t.revenue),
      refunds: t.refunds,
      spend_usd: round(spendUsd),
    },
  };
}
