// Realised counts accumulated while customers are generated. Everything here is counted from
// messages that were actually emitted (inside the period), so the ground truth describes the
// data set, not an idealised expectation.

import { GA4_CHANNELS, type Ga4Channel, spendKeys } from './world.ts';
import type { PersonRecord } from './outcome.ts';

export interface ChannelTally {
  /** Considering visitors touched by the channel before their purchase decision. */
  touched: number;
  /** First orders that would not have happened without the channel (common random numbers). */
  incremental: number;
  incrementalRevenue: number;
  /** First orders whose ordering visit came through the channel. */
  lastTouch: number;
}

export interface Tally {
  customers: number;
  bots: number;
  /** Would-be visitors whose prospecting first touch the media plan did not buy: they never arrive. */
  vanished: number;
  /** Every person with at least one message, with what the ground truth's counterfactuals need. */
  persons: PersonRecord[];
  offer: { exposed: [number, number]; converted: [number, number] };
  messages: number;
  byType: Map<string, number>;
  /** Persons reaching awareness, consideration, purchase, experience, loyalty. */
  stages: [number, number, number, number, number];
  /** The same per person as the store resolves identity: customers whose messages carry their user id (or come from a device linked to it)… */
  identifiedStages: [number, number, number, number, number];
  /** …and devices never linked to a user id, one person each. */
  anonymousStages: [number, number, number, number, number];
  /** Tracked paid landing page views per spend key and day index. */
  paid: Map<string, Int32Array>;
  channels: Map<Ga4Channel, ChannelTally>;
  orders: number;
  firstOrders: number;
  revenue: number;
  refunds: number;
  /** checkout[wave-1][rollout period] = [started, completed] */
  checkout: [number, number][][];
  shipIncrementalOrders: number;
  shipIncrementalRevenue: number;
  experiment: { exposed: [number, number]; converted: [number, number]; potentialControl: number; potentialTreatment: number };
}

export function newTally(days: number): Tally {
  const paid = new Map<string, Int32Array>();
  for (const k of spendKeys()) paid.set(k.key, new Int32Array(days));
  return {
    customers: 0,
    bots: 0,
    vanished: 0,
    persons: [],
    offer: { exposed: [0, 0], converted: [0, 0] },
    messages: 0,
    byType: new Map(),
    stages: [0, 0, 0, 0, 0],
    identifiedStages: [0, 0, 0, 0, 0],
    anonymousStages: [0, 0, 0, 0, 0],
    paid,
    channels: new Map(GA4_CHANNELS.map((c) => [c, { touched: 0, incremental: 0, incrementalRevenue: 0, lastTouch: 0 }])),
    orders: 0,
    firstOrders: 0,
    revenue: 0,
    refunds: 0,
    checkout: [0, 1].map(() => [0, 1, 2].map(() => [0, 0] as [number, number])),
    shipIncrementalOrders: 0,
    shipIncrementalRevenue: 0,
    experiment: { exposed: [0, 0], converted: [0, 0], potentialControl: 0, potentialTreatment: 0 },
  };
}

/** Key used in byType: the event name for track calls, the call type otherwise. */
export function typeKey(type: string, event: string | undefined): string {
  return type === 'track' ? `track:${event}` : type;
}
