/**
 * A hand-built A/B test "hero": ten persons per variation (ids sent as numbers, as the demo does).
 * Control: c0–c2 order within 14 days (10, 20, 30), c3 only after 15 days; c0 also ordered
 * 5 days before exposure (15). Treatment: t0–t4 order (40, 50, 10, 20, 30); t0 ordered 3 days
 * before exposure (25). Person x saw both variations, person u an unconfigured variation 2.
 */
import type { ExperimentInput } from '../../src/experiments/experiments.ts';

const BASE = Date.parse('2026-05-10T10:00:00.000Z');
const DAY = 86_400_000;
const at = (ms: number) => new Date(BASE + ms).toISOString();

export function abMessages(experimentId = 'hero'): object[] {
  const m: object[] = [];
  const view = (user: string, variation: number, offset: number, k = 0) =>
    m.push({
      type: 'track',
      event: 'Experiment Viewed',
      messageId: `${user}-v${k}`,
      userId: user,
      timestamp: at(offset),
      properties: { experiment_id: experimentId, variation_id: variation },
    });
  const order = (user: string, offset: number, revenue: number, k: number) =>
    m.push({
      type: 'track',
      event: 'Order Completed',
      messageId: `${user}-o${k}`,
      userId: user,
      timestamp: at(offset),
      properties: { order_id: `${user}-${k}`, revenue },
    });
  for (let i = 0; i < 10; i++) {
    view(`c${i}`, 0, i * 3_600_000);
    view(`t${i}`, 1, i * 3_600_000);
  }
  view('c5', 0, 2 * DAY, 1); // a repeat view of the same variation changes nothing
  [10, 20, 30].forEach((r, i) => order(`c${i}`, i * 3_600_000 + DAY, r, 1));
  order('c3', 3 * 3_600_000 + 15 * DAY, 99, 1);
  order('c0', -5 * DAY, 15, 0);
  [40, 50, 10, 20, 30].forEach((r, i) => order(`t${i}`, i * 3_600_000 + DAY, r, 1));
  order('t0', -3 * DAY, 25, 0);
  view('x', 0, 0);
  view('x', 1, DAY, 1);
  order('x', 2 * DAY, 500, 1);
  view('u', 2, 0);
  return m;
}

export const HERO: ExperimentInput = {
  id: 'hero',
  variations: [
    { id: '0', weight: 0.5 },
    { id: '1', weight: 0.5 },
  ],
  metrics: [
    { name: 'purchase', kind: 'conversion', event: 'Order Completed', windowDays: 14 },
    { name: 'revenue', kind: 'revenue', windowDays: 14, cupedPreDays: 30 },
  ],
};

/** The summaries the hand count gives, in the JSON form of `waymark stats ab`. */
export const HERO_PURCHASE = {
  metric_type: 'binomial',
  method: 'frequentist',
  variations: [
    { name: '0', n: 10, sum: 3 },
    { name: '1', n: 10, sum: 5 },
  ],
} as const;
export const HERO_REVENUE = {
  metric_type: 'mean',
  method: 'frequentist',
  variations: [
    { name: '0', n: 10, sum: 60, sum_squares: 1400, pre_sum: 15, pre_sum_squares: 225, sum_product: 150 },
    { name: '1', n: 10, sum: 150, sum_squares: 5500, pre_sum: 25, pre_sum_squares: 625, sum_product: 1000 },
  ],
} as const;
