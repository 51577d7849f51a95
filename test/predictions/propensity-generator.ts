/**
 * A small shop with known purchase and churn probabilities: each person visits at their own rate
 * while their lifetime lasts and buys on a visit with their own probability, so the true chance
 * of a purchase in any window is known exactly.
 */
import { mulberry32, normal } from '../../src/stats/random.ts';

const DAY = 86_400_000;
export const START = Date.parse('2026-01-01T00:00:00Z');

export interface SimPerson {
  id: string;
  visitRate: number;
  buyProb: number;
  start: number;
  end: number;
  channel: string;
  mobile: boolean;
}

export function simulateShop(persons = 1200, days = 150, seed = 7) {
  const rng = mulberry32(seed);
  const channels = ['Organic Search', 'Paid Search', 'Email', 'Direct'];
  const people: SimPerson[] = [];
  const messages: object[] = [];
  let m = 0;
  for (let i = 0; i < persons; i++) {
    const visitRate = Math.exp(Math.log(0.08) + 0.8 * normal(rng));
    const buyProb = Math.min(0.6, Math.exp(Math.log(0.12) + 0.7 * normal(rng)));
    const start = START + Math.floor(rng() * 60) * DAY;
    const end = start + -Math.log(1 - rng()) * 120 * DAY;
    const p: SimPerson = {
      id: `p${String(i).padStart(5, '0')}`,
      visitRate,
      buyProb,
      start,
      end,
      channel: channels[Math.floor(rng() * 4)]!,
      mobile: rng() < 0.5,
    };
    people.push(p);
    const ua = p.mobile
      ? 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'
      : 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
    for (let t = start; t < Math.min(end, START + days * DAY); t += (-Math.log(1 - rng()) / visitRate) * DAY) {
      const ts = (k: number) => new Date(t + k * 1000).toISOString();
      const utm =
        p.channel === 'Paid Search'
          ? '?utm_source=google&utm_medium=cpc'
          : p.channel === 'Email'
            ? '?utm_source=newsletter&utm_medium=email'
            : '';
      const referrer = p.channel === 'Organic Search' ? 'https://www.google.com/' : '';
      messages.push({
        type: 'page',
        userId: p.id,
        messageId: `m${m++}`,
        timestamp: ts(0),
        context: { userAgent: ua, page: { url: `https://shop.example/${utm}`, referrer } },
      });
      if (rng() < 0.6)
        messages.push({
          type: 'track',
          event: 'Product Viewed',
          userId: p.id,
          messageId: `m${m++}`,
          timestamp: ts(20),
          context: { userAgent: ua },
        });
      if (rng() < p.buyProb) {
        messages.push({
          type: 'track',
          event: 'Product Added',
          userId: p.id,
          messageId: `m${m++}`,
          timestamp: ts(40),
          context: { userAgent: ua },
        });
        messages.push({
          type: 'track',
          event: 'Checkout Started',
          userId: p.id,
          messageId: `m${m++}`,
          timestamp: ts(60),
          context: { userAgent: ua },
        });
        messages.push({
          type: 'track',
          event: 'Order Completed',
          userId: p.id,
          messageId: `m${m++}`,
          timestamp: ts(80),
          properties: { revenue: 20 + Math.round(rng() * 80) },
          context: { userAgent: ua },
        });
      }
    }
  }
  return { people, messages, end: START + days * DAY };
}

/** True probability that the person buys in [from, to). */
export function truePurchaseProbability(p: SimPerson, from: number, to: number): number {
  const activeDays = Math.max(0, Math.min(to, p.end) - Math.max(from, p.start)) / DAY;
  return 1 - Math.exp(-p.visitRate * p.buyProb * activeDays);
}
