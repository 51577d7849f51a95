/** Realistic Segment messages for the ingestion benchmark (the same in the load process and the raw baseline). */
const UA = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
];
const SOURCES = [
  '',
  '?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=abc',
  '?utm_source=newsletter&utm_medium=email&utm_campaign=weekly',
  '',
];

export function message(i: number): Record<string, unknown> {
  const visitor = `bench-anon-${i % 50_000}`;
  const url = `https://shop.example.com/product/${i % 700}${SOURCES[i % SOURCES.length]}`;
  const base = {
    messageId: `bench-${process.pid}-${i}`,
    anonymousId: visitor,
    timestamp: new Date(Date.now() - (i % 3600) * 1000).toISOString(),
    context: {
      page: { url, path: `/product/${i % 700}`, referrer: i % 3 === 0 ? 'https://www.google.com/' : '', title: 'Product' },
      userAgent: UA[i % UA.length],
      locale: 'en-US',
      library: { name: 'analytics.js', version: 'next-1.70.0' },
    },
  };
  if (i % 10 === 9)
    return {
      ...base,
      type: 'track',
      event: 'Order Completed',
      properties: {
        order_id: `o-${i}`,
        revenue: 20 + (i % 80),
        currency: 'USD',
        products: [{ product_id: `p${i % 700}`, price: 20 + (i % 80), quantity: 1 }],
      },
    };
  if (i % 2 === 0) return { ...base, type: 'page', name: 'Product', properties: { category: 'Lighting' } };
  return {
    ...base,
    type: 'track',
    event: 'Product Viewed',
    properties: { product_id: `p${i % 700}`, price: 20 + (i % 80), category: 'Lighting' },
  };
}
