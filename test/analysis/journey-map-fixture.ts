/**
 * Hand-built persons for the journey-map tests (times in minutes after ORIGIN):
 * - ann: paid-search landing (0), product view (10), order 100 (30), delivered (2 days), NPS 10 (3 days),
 *   second order 60 (5 days): every stage, loyalty through the repeat order.
 * - bob: email click landing (0), product view (20), checkout (25), no order: drops at consideration.
 * - cat: anonymous paid-social landing (0) and product view (5) on device "anon-cat", identifies
 *   as "u-cat" at 60, then orders 50 as u-cat (120): the pre-identify events are hers.
 * - dan: direct visit (0) only: drops at awareness.
 * - eve: server-side order 80 with no earlier event (0), then a CSAT 2 survey "Checkout kept failing" (10):
 *   skips awareness and consideration, enters experience by the survey.
 */
import { minutesAfter } from '../support/ingest.ts';

export const ORIGIN = '2026-03-02T10:00:00.000Z';
const at = (m: number) => minutesAfter(ORIGIN, m);
const DAY = 24 * 60;
let n = 0;
const id = () => `m-${++n}`;

function page(who: { anonymousId?: string; userId?: string }, m: number, path: string, context: Record<string, unknown> = {}) {
  return {
    type: 'page',
    messageId: id(),
    timestamp: at(m),
    ...who,
    name: 'Page',
    properties: { path, url: `https://shop.example${path}` },
    context: { page: { path, url: `https://shop.example${path}`, referrer: '' }, ...context },
  };
}
function track(
  who: { anonymousId?: string; userId?: string },
  m: number,
  event: string,
  properties: Record<string, unknown> = {},
  context?: Record<string, unknown>,
) {
  return { type: 'track', messageId: id(), timestamp: at(m), ...who, event, properties, ...(context ? { context } : {}) };
}

export function journeyMessages(): object[] {
  n = 0;
  const ann = { userId: 'u-ann' };
  const bob = { userId: 'u-bob' };
  const catAnon = { anonymousId: 'anon-cat' };
  const cat = { userId: 'u-cat' };
  const dan = { anonymousId: 'anon-dan' };
  const eve = { userId: 'u-eve' };
  const web = (path: string) => ({ page: { path, url: `https://shop.example${path}`, referrer: '' } });
  return [
    page(ann, 0, '/', { campaign: { source: 'google', medium: 'cpc', name: 'brand' } }),
    track(ann, 10, 'Product Viewed', { product_id: 'p1' }, web('/product/p1')),
    track(ann, 30, 'Order Completed', { order_id: 'o1', revenue: 100 }),
    track(ann, 2 * DAY, 'Order Delivered', { order_id: 'o1' }),
    track(ann, 3 * DAY, 'Survey Responded', { survey: 'NPS', score: 10, comment: 'Fast delivery, great quality' }),
    track(ann, 5 * DAY, 'Order Completed', { order_id: 'o2', revenue: 60 }),

    track(bob, 0, 'Email Link Clicked', { email_id: 'e1' }),
    track(bob, 20, 'Product Viewed', { product_id: 'p2' }, web('/product/p2')),
    track(bob, 25, 'Checkout Started', { order_id: 'o3', revenue: 40 }, web('/checkout')),

    page(catAnon, 0, '/', { campaign: { source: 'facebook', medium: 'paid_social', name: 'spring' } }),
    track(catAnon, 5, 'Product Viewed', { product_id: 'p3' }, web('/product/p3')),
    {
      type: 'identify',
      messageId: id(),
      timestamp: at(60),
      anonymousId: 'anon-cat',
      userId: 'u-cat',
      traits: { email: 'cat@example.com', name: 'Cat Jones' },
    },
    track(cat, 120, 'Order Completed', { order_id: 'o4', revenue: 50 }),

    page(dan, 0, '/'),

    track(eve, 0, 'Order Completed', { order_id: 'o5', revenue: 80 }),
    track(eve, 10, 'Survey Responded', { survey: 'CSAT', score: 2, comment: 'Checkout kept failing' }),
  ];
}
