/**
 * A simulated staggered rollout with a known lift per wave: five regions, each day 24 checkouts per
 * region (one identified person each, region trait), completed with probability base + a shared
 * day effect + the wave's lift once the region's wave has shipped. North and East get the change on
 * day 20, South on day 32; West and Central never. The counts are kept so that tests can compute
 * every figure the report should give.
 */
import { addDays } from '../../src/initiatives/methods/stats.ts';
import { mulberry32 } from '../../src/stats/random.ts';

export const STAGGER_START = '2026-05-01';
export const STAGGER_DAYS = 45;
export const WAVE_1 = addDays(STAGGER_START, 20);
export const WAVE_2 = addDays(STAGGER_START, 32);
export const STAGGER_LIFT: Record<string, number> = { [WAVE_1]: 0.2, [WAVE_2]: 0.15 };
export const STAGGER_PLAN: Array<{ region: string; ship?: string; base: number }> = [
  { region: 'North', ship: WAVE_1, base: 0.35 },
  { region: 'East', ship: WAVE_1, base: 0.3 },
  { region: 'South', ship: WAVE_2, base: 0.4 },
  { region: 'West', base: 0.33 },
  { region: 'Central', base: 0.38 },
];
export const CHECKOUTS_PER_DAY = 24;
export const ORDER_VALUE = 50;

export interface StaggeredCounts {
  region: string;
  date: string;
  checkouts: number;
  completed: number;
}

export function staggeredRollout(seed = 7): { messages: object[]; counts: StaggeredCounts[] } {
  const rng = mulberry32(seed);
  const dayEffect = Array.from({ length: STAGGER_DAYS }, (_, t) => 0.05 * Math.sin((2 * Math.PI * t) / 7));
  const messages: object[] = [];
  const counts: StaggeredCounts[] = [];
  for (const { region, ship, base } of STAGGER_PLAN) {
    for (let t = 0; t < STAGGER_DAYS; t++) {
      const date = addDays(STAGGER_START, t);
      const p = base + dayEffect[t]! + (ship && date >= ship ? STAGGER_LIFT[ship]! : 0);
      let completed = 0;
      for (let k = 0; k < CHECKOUTS_PER_DAY; k++) {
        const user = `${region}-${t}-${k}`;
        const at = (minutes: number) => new Date(Date.parse(`${date}T08:00:00.000Z`) + (k * 20 + minutes) * 60_000).toISOString();
        messages.push({ type: 'identify', messageId: `${user}-i`, userId: user, timestamp: at(0), traits: { region } });
        messages.push({
          type: 'track',
          event: 'Checkout Started',
          messageId: `${user}-c`,
          userId: user,
          timestamp: at(1),
          properties: { order_id: `o-${user}` },
        });
        if (rng() < p) {
          completed++;
          messages.push({
            type: 'track',
            event: 'Order Completed',
            messageId: `${user}-o`,
            userId: user,
            timestamp: at(4),
            properties: { order_id: `o-${user}`, revenue: ORDER_VALUE },
          });
        }
      }
      counts.push({ region, date, checkouts: CHECKOUTS_PER_DAY, completed });
    }
  }
  return { messages, counts };
}
