/**
 * A hand-built rollout: region North got a new checkout on 2026-03-07, South did not.
 * Every region-day has four checkouts (one person each, identified with a region trait),
 * of which `completed` end in an order of revenue 100 with the checkout's order_id.
 */
import type { InitiativeInput } from '../../src/initiatives/initiatives.ts';

export const SHIP = '2026-03-07';
export const DAYS = [
  '2026-03-01',
  '2026-03-02',
  '2026-03-03',
  '2026-03-04',
  '2026-03-05',
  '2026-03-06',
  '2026-03-07',
  '2026-03-08',
  '2026-03-09',
];
export const COMPLETED: Record<'North' | 'South', number[]> = {
  // pre rates .5 .75 .5 .25 .5 .5 (mean 1/2); post .75 1 .75 (mean 5/6)
  North: [2, 3, 2, 1, 2, 2, 3, 4, 3],
  // pre rates .5 .5 .75 .5 .25 .5 (mean 1/2); post .5 .75 .5 (mean 7/12)
  South: [2, 2, 3, 2, 1, 2, 2, 3, 2],
};
/** (5/6 − 1/2) − (7/12 − 1/2) */
export const DID = 0.25;

export function rolloutMessages(): object[] {
  const messages: object[] = [];
  for (const region of ['North', 'South'] as const) {
    DAYS.forEach((day, d) => {
      for (let k = 0; k < 4; k++) {
        const user = `${region}-${d}-${k}`;
        const t = (minutes: number) => new Date(Date.parse(`${day}T10:00:00.000Z`) + (k * 60 + minutes) * 60_000).toISOString();
        messages.push({ type: 'identify', messageId: `${user}-i`, userId: user, timestamp: t(0), traits: { region } });
        messages.push({
          type: 'track',
          event: 'Checkout Started',
          messageId: `${user}-c`,
          userId: user,
          timestamp: t(1),
          properties: { order_id: `o-${user}` },
        });
        if (k < COMPLETED[region][d]!) {
          messages.push({
            type: 'track',
            event: 'Order Completed',
            messageId: `${user}-o`,
            userId: user,
            timestamp: t(5),
            properties: { order_id: `o-${user}`, revenue: 100 },
          });
        }
      }
    });
  }
  // A person without a region belongs to no unit: its checkout is not counted.
  messages.push({
    type: 'track',
    event: 'Checkout Started',
    messageId: 'nowhere-c',
    userId: 'nowhere',
    timestamp: '2026-03-01T12:00:00.000Z',
    properties: { order_id: 'o-nowhere' },
  });
  return messages;
}

export const ROLLOUT_INITIATIVE = {
  name: 'One-page checkout',
  shippedAt: SHIP,
  kpi: 'checkout_conversion',
  cost: { oneOff: 100, perMonth: 0 },
  control: { by: 'region', values: ['South'] },
} satisfies InitiativeInput;
