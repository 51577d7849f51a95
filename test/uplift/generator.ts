/**
 * Persons exposed to a three-arm experiment (control "0", offers "1" and "2") whose effect
 * follows what is seen before exposure (arriving channel and device): persuadables, sure things,
 * lost causes and sleeping dogs, a quarter each, with their true effects.
 */
import { mulberry32 } from '../../src/stats/random.ts';

const DAY = 86_400_000;
const START = Date.parse('2026-04-01T00:00:00Z');
const MOBILE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

/** Segment → how they arrive, conversion without treatment, effect of offer "1" and of offer "2". */
const SEGMENTS = {
  persuadables: { query: '?utm_source=google&utm_medium=cpc', referrer: '', ua: MOBILE, base: 0.05, tau: [0.3, 0.1] },
  'sure-things': { query: '', referrer: '', ua: DESKTOP, base: 0.7, tau: [0, 0] },
  'lost-causes': { query: '', referrer: 'https://www.google.com/', ua: DESKTOP, base: 0.02, tau: [0, 0] },
  'sleeping-dogs': { query: '?utm_source=newsletter&utm_medium=email', referrer: '', ua: MOBILE, base: 0.45, tau: [-0.25, 0] },
} as const;
type Seg = keyof typeof SEGMENTS;

export function simulate(persons = 2100, seed = 5) {
  const rng = mulberry32(seed);
  const names = Object.keys(SEGMENTS) as Seg[];
  const truth = new Map<string, { segment: Seg; tau1: number }>();
  const messages: object[] = [];
  let m = 0;
  for (let i = 0; i < persons; i++) {
    const segment = names[i % 4]!;
    const s = SEGMENTS[segment];
    const id = `v${String(i).padStart(5, '0')}`;
    const variation = Math.floor(rng() * 3);
    truth.set(id, { segment, tau1: s.tau[0] });
    const t0 = START + rng() * 30 * DAY;
    messages.push({
      type: 'page',
      userId: id,
      messageId: `u${m++}`,
      timestamp: new Date(t0).toISOString(),
      context: { userAgent: s.ua, page: { url: `https://shop.example/${s.query}`, referrer: s.referrer } },
    });
    messages.push({
      type: 'track',
      event: 'Experiment Viewed',
      userId: id,
      messageId: `u${m++}`,
      timestamp: new Date(t0 + 60_000).toISOString(),
      properties: { experiment_id: 'offer-test', variation_id: String(variation) },
      context: { userAgent: s.ua },
    });
    const p = s.base + (variation === 0 ? 0 : s.tau[variation - 1]!);
    if (rng() < p)
      messages.push({
        type: 'track',
        event: 'Order Completed',
        userId: id,
        messageId: `u${m++}`,
        timestamp: new Date(t0 + rng() * 10 * DAY).toISOString(),
        properties: { revenue: 50 },
        context: { userAgent: s.ua },
      });
  }
  return { truth, messages };
}
