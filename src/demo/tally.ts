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

/** Adds `from` (the customers after `into`'s, e.g. another worker's range) into `into`. */
export function mergeTally(into: Tally, from: Tally): Tally {
  into.customers += from.customers;
  into.bots += from.bots;
  into.vanished += from.vanished;
  into.messages += from.messages;
  for (const [k, n] of from.byType) into.byType.set(k, (into.byType.get(k) ?? 0) + n);
  for (let k = 0; k < 5; k++) {
    into.stages[k]! += from.stages[k]!;
    into.identifiedStages[k]! += from.identifiedStages[k]!;
    into.anonymousStages[k]! += from.anonymousStages[k]!;
  }
  for (const [key, days] of from.paid) {
    const target = into.paid.get(key)!;
    for (let d = 0; d < days.length; d++) target[d]! += days[d]!;
  }
  for (const [ch, c] of from.channels) {
    const t = into.channels.get(ch)!;
    t.touched += c.touched;
    t.incremental += c.incremental;
    t.incrementalRevenue += c.incrementalRevenue;
    t.lastTouch += c.lastTouch;
  }
  into.orders += from.orders;
  into.firstOrders += from.firstOrders;
  into.revenue += from.revenue;
  into.refunds += from.refunds;
  for (let w = 0; w < 2; w++)
    for (let p = 0; p < 3; p++) for (let k = 0; k < 2; k++) into.checkout[w]![p]![k]! += from.checkout[w]![p]![k]!;
  into.shipIncrementalOrders += from.shipIncrementalOrders;
  into.shipIncrementalRevenue += from.shipIncrementalRevenue;
  for (let a = 0; a < 2; a++) {
    into.experiment.exposed[a]! += from.experiment.exposed[a]!;
    into.experiment.converted[a]! += from.experiment.converted[a]!;
    into.offer.exposed[a]! += from.offer.exposed[a]!;
    into.offer.converted[a]! += from.offer.converted[a]!;
  }
  into.experiment.potentialControl += from.experiment.potentialControl;
  into.experiment.potentialTreatment += from.experiment.potentialTreatment;
  for (const p of from.persons) into.persons.push(p);
  return into;
}
