// The fixed scenery of the demo retailer: regions, catalogue, channels, campaigns, keywords,
// browsers, survey comments, and the causal parameters the ground truth reports.

import { Rng, Weighted } from './rng.ts';

export const SITE = 'https://shop.example.com';
export const BRAND = 'Driftwood Supply';

export type Ga4Channel = 'Paid Search' | 'Paid Social' | 'Organic Search' | 'Email' | 'Referral' | 'Display' | 'Affiliates' | 'Direct';

export const GA4_CHANNELS: readonly Ga4Channel[] = [
  'Paid Search',
  'Paid Social',
  'Organic Search',
  'Email',
  'Referral',
  'Display',
  'Affiliates',
  'Direct',
];

/** Channels bought per click; each has a daily spend row per campaign (× keyword). */
export const PAID_CHANNELS: readonly Ga4Channel[] = ['Paid Search', 'Paid Social', 'Display', 'Affiliates'];

// ---------------------------------------------------------------- regions

export interface Region {
  name: string;
  cities: readonly string[];
  /** First octet of the IP addresses the region's visitors come from. */
  ipOctet: number;
  /** Share of orders delivered late; the Mountain region has a weak carrier. */
  lateRate: number;
  /** Streamlined checkout reaches wave-1 regions first: a difference-in-differences control. */
  rolloutWave: 1 | 2;
  weight: number;
}

export const REGIONS: readonly Region[] = [
  { name: 'Northeast', cities: ['Boston', 'Providence', 'Hartford'], ipOctet: 24, lateRate: 0.1, rolloutWave: 1, weight: 14 },
  { name: 'Mid-Atlantic', cities: ['New York', 'Philadelphia', 'Baltimore'], ipOctet: 68, lateRate: 0.12, rolloutWave: 2, weight: 18 },
  { name: 'Southeast', cities: ['Atlanta', 'Miami', 'Charlotte'], ipOctet: 73, lateRate: 0.12, rolloutWave: 2, weight: 15 },
  { name: 'Midwest', cities: ['Chicago', 'Minneapolis', 'Columbus'], ipOctet: 98, lateRate: 0.1, rolloutWave: 1, weight: 14 },
  { name: 'South Central', cities: ['Dallas', 'Houston', 'Nashville'], ipOctet: 99, lateRate: 0.12, rolloutWave: 2, weight: 12 },
  { name: 'Mountain', cities: ['Denver', 'Salt Lake City', 'Boise'], ipOctet: 67, lateRate: 0.3, rolloutWave: 1, weight: 7 },
  { name: 'Southwest', cities: ['Phoenix', 'Las Vegas', 'Albuquerque'], ipOctet: 70, lateRate: 0.12, rolloutWave: 2, weight: 8 },
  { name: 'Pacific', cities: ['Los Angeles', 'San Francisco', 'Seattle'], ipOctet: 76, lateRate: 0.1, rolloutWave: 1, weight: 12 },
];
export const REGION_PICK = new Weighted(REGIONS.map((r) => [r, r.weight] as const));

// ---------------------------------------------------------------- people

export interface Persona {
  name: string;
  /** Baseline probability that a considering visitor starts checkout with no marketing at all. */
  baseIntent: number;
  weight: number;
  /**
   * Tastes: the category (slug) a person of this persona turns to instead of the one drawn, with
   * probability `categoryAffinity`, and the probability that their main device is a phone or tablet.
   * Drawn from a stream of their own (CustomerSim.taste), so they change which products are seen and
   * bought and on what device, never when anyone arrives or decides: the same orders at the same times.
   */
  category: string;
  mobile: number;
}

/** How often a person's category draw is replaced by their persona's favourite. */
export const CATEGORY_AFFINITY = 0.6;

export const PERSONAS: readonly Persona[] = [
  { name: 'Bargain Hunter', baseIntent: 0.08, weight: 30, category: 'apparel', mobile: 0.8 },
  { name: 'Outdoor Enthusiast', baseIntent: 0.16, weight: 25, category: 'outdoor', mobile: 0.35 },
  { name: 'Busy Parent', baseIntent: 0.12, weight: 20, category: 'home', mobile: 0.9 },
  { name: 'Gift Shopper', baseIntent: 0.1, weight: 15, category: 'accessories', mobile: 0.55 },
  { name: 'Brand Loyalist', baseIntent: 0.2, weight: 10, category: 'footwear', mobile: 0.1 },
];
export const PERSONA_PICK = new Weighted(PERSONAS.map((p) => [p, p.weight] as const));

export const FIRST_NAMES = [
  'Ava',
  'Liam',
  'Mia',
  'Noah',
  'Emma',
  'Lucas',
  'Zoe',
  'Ethan',
  'Chloe',
  'Mateo',
  'Priya',
  'Omar',
  'Hana',
  'Diego',
  'Grace',
  'Kai',
  'Nora',
  'Leo',
  'Sofia',
  'Sam',
];
export const LAST_NAMES = [
  'Smith',
  'Garcia',
  'Nguyen',
  'Johnson',
  'Patel',
  'Kim',
  'Brown',
  'Lopez',
  'Davis',
  'Chen',
  'Wilson',
  'Martin',
  'Clark',
  'Lewis',
  'Walker',
  'Young',
];
export const AGE_BANDS = ['18-24', '25-34', '35-44', '45-54', '55-64', '65+'];

export interface Browser {
  ua: string;
  mobile: boolean;
}

export const BROWSERS = new Weighted<Browser>([
  [
    {
      ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36',
      mobile: false,
    },
    24,
  ],
  [
    {
      ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
      mobile: false,
    },
    12,
  ],
  [
    {
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      mobile: true,
    },
    26,
  ],
  [
    {
      ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Mobile Safari/537.36',
      mobile: true,
    },
    14,
  ],
  [
    {
      ua: 'Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
      mobile: true,
    },
    5,
  ],
  [{ ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:129.0) Gecko/20100101 Firefox/129.0', mobile: false }, 5],
  [
    {
      ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36 Edg/128.0.2739.42',
      mobile: false,
    },
    8,
  ],
  [
    {
      ua: 'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      mobile: true,
    },
    6,
  ],
]);

export const BOT_USER_AGENTS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.109 Safari/537.36',
  'Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)',
];

// ---------------------------------------------------------------- catalogue

export interface Product {
  id: string;
  sku: string;
  name: string;
  category: string;
  price: number;
}

export const CATEGORIES: ReadonlyArray<{ slug: string; title: string; nouns: readonly string[]; medianPrice: number }> = [
  { slug: 'footwear', title: 'Footwear', nouns: ['Trail Runner', 'Hiking Boot', 'Sneaker', 'Sandal', 'Slip-On'], medianPrice: 95 },
  { slug: 'apparel', title: 'Apparel', nouns: ['Rain Jacket', 'Fleece', 'Flannel Shirt', 'Merino Tee', 'Hoodie'], medianPrice: 60 },
  { slug: 'outdoor', title: 'Outdoor Gear', nouns: ['Backpack', 'Headlamp', 'Hammock', 'Water Bottle', 'Tent'], medianPrice: 70 },
  { slug: 'home', title: 'Home', nouns: ['Wool Blanket', 'Skillet', 'Candle', 'Mug Set', 'Throw Pillow'], medianPrice: 40 },
  { slug: 'accessories', title: 'Accessories', nouns: ['Beanie', 'Wool Socks', 'Sunglasses', 'Belt', 'Tote Bag'], medianPrice: 25 },
];

const ADJECTIVES = ['Summit', 'Harbor', 'Cedar', 'Alpine', 'Coastal', 'Ember', 'Granite', 'Willow'];

/** The catalogue is the same for every seed: product 123 is always the same product. */
export const PRODUCTS: readonly Product[] = (() => {
  const rng = new Rng(0xc0ffee);
  const out: Product[] = [];
  let id = 100;
  for (const cat of CATEGORIES) {
    for (const noun of cat.nouns) {
      for (let k = 0; k < 8; k++) {
        const price = Math.round(cat.medianPrice * Math.exp(0.35 * rng.normal())) - 0.01;
        out.push({
          id: String(id),
          sku: `${cat.slug.slice(0, 3).toUpperCase()}-${id}`,
          name: `${ADJECTIVES[k]} ${noun}`,
          category: cat.title,
          price: Math.max(4.99, price),
        });
        id++;
      }
    }
  }
  return out;
})();
export const PRODUCTS_BY_CATEGORY: ReadonlyMap<string, readonly Product[]> = new Map(
  CATEGORIES.map((c) => [c.slug, PRODUCTS.filter((p) => p.category === c.title)]),
);
/** A product's category title → the category's slug. */
export const CATEGORY_SLUG: ReadonlyMap<string, string> = new Map(CATEGORIES.map((c) => [c.title, c.slug]));

export const SEARCH_QUERIES = [
  'rain jacket',
  'hiking boots',
  'wool socks',
  'backpack',
  'gift for dad',
  'waterproof',
  'sale',
  'blanket',
  'trail shoes',
  'headlamp',
  'beanie',
  'tent 2 person',
];

// ---------------------------------------------------------------- channels

/**
 * A touch kind is a way a visit arrives. Several kinds map to one GA4 channel (branded and
 * generic paid search are both 'Paid Search'), because their incrementality differs.
 */
export type TouchKind =
  'search_brand' | 'search_generic' | 'social' | 'organic' | 'email' | 'referral' | 'display' | 'affiliate' | 'direct';

export const KIND_CHANNEL: Record<TouchKind, Ga4Channel> = {
  search_brand: 'Paid Search',
  search_generic: 'Paid Search',
  social: 'Paid Social',
  organic: 'Organic Search',
  email: 'Email',
  referral: 'Referral',
  display: 'Display',
  affiliate: 'Affiliates',
  direct: 'Direct',
};

/**
 * True additive lift to the probability that a considering visitor starts checkout, for a
 * visitor touched (at least once, before deciding) by that kind of visit. Display and paid
 * social open journeys and are incremental; branded search, affiliates (coupon sites) and
 * direct mostly close journeys that would have happened anyway.
 */
export const INCREMENTAL_LIFT: Record<TouchKind, number> = {
  search_brand: 0.005,
  search_generic: 0.05,
  social: 0.07,
  organic: 0.04,
  email: 0.04,
  referral: 0.05,
  display: 0.06,
  affiliate: 0.01,
  direct: 0,
};

/** How journeys start. */
export const FIRST_TOUCH = new Weighted<TouchKind>([
  ['search_generic', 14],
  ['search_brand', 5],
  ['social', 17],
  ['organic', 20],
  ['referral', 8],
  ['display', 14],
  ['affiliate', 4],
  ['direct', 18],
]);
/** Visits between the first and the deciding one (email only for subscribers). */
export const NURTURE_TOUCH = new Weighted<TouchKind>([
  ['display', 18],
  ['social', 18],
  ['organic', 16],
  ['email', 14],
  ['direct', 14],
  ['search_generic', 10],
  ['referral', 6],
  ['affiliate', 4],
]);
/** The deciding visit: mostly navigational channels, which is why last touch over-credits them. */
export const CLOSING_TOUCH = new Weighted<TouchKind>([
  ['direct', 32],
  ['search_brand', 24],
  ['email', 10],
  ['organic', 12],
  ['affiliate', 12],
  ['search_generic', 5],
  ['referral', 2],
  ['social', 3],
  ['display', 2],
]);
/** Visits after the decision (browsing, repeat orders). */
export const RETURN_TOUCH = new Weighted<TouchKind>([
  ['direct', 35],
  ['email', 25],
  ['organic', 20],
  ['search_brand', 12],
  ['social', 5],
  ['display', 3],
]);

export interface Campaign {
  kind: TouchKind;
  source: string;
  medium: string;
  name: string;
  keywords: readonly string[];
  /** Landing category slug ('' = home page). */
  landing: string;
  /** Cost per click in the billing currency, and click-through rate for impressions. */
  cpc: number;
  ctr: number;
  currency: 'USD' | 'EUR';
  weight: number;
  /** Prospecting campaigns open journeys; retargeting ones run on returning visitors. */
  phase: 'prospecting' | 'retargeting' | 'any';
}

export const CAMPAIGNS: readonly Campaign[] = [
  {
    kind: 'search_brand',
    source: 'google',
    medium: 'cpc',
    name: 'brand',
    keywords: ['driftwood supply', 'driftwood supply coupon', 'driftwood outfitters'],
    landing: '',
    cpc: 0.45,
    ctr: 0.18,
    currency: 'USD',
    weight: 1,
    phase: 'any',
  },
  {
    kind: 'search_generic',
    source: 'google',
    medium: 'cpc',
    name: 'generic-footwear',
    keywords: ['trail running shoes', 'waterproof hiking boots', 'mens sneakers', 'womens sandals'],
    landing: 'footwear',
    cpc: 1.9,
    ctr: 0.045,
    currency: 'USD',
    weight: 3,
    phase: 'any',
  },
  {
    kind: 'search_generic',
    source: 'google',
    medium: 'cpc',
    name: 'generic-apparel',
    keywords: ['rain jacket', 'merino wool socks', 'fleece jacket women', 'mens flannel shirt'],
    landing: 'apparel',
    cpc: 1.5,
    ctr: 0.04,
    currency: 'USD',
    weight: 3,
    phase: 'any',
  },
  {
    kind: 'search_generic',
    source: 'google',
    medium: 'cpc',
    name: 'generic-outdoor',
    keywords: ['camping backpack', 'insulated water bottle', 'rechargeable headlamp', 'camping hammock'],
    landing: 'outdoor',
    cpc: 1.7,
    ctr: 0.042,
    currency: 'USD',
    weight: 2,
    phase: 'any',
  },
  {
    kind: 'search_generic',
    source: 'google',
    medium: 'cpc',
    name: 'generic-home',
    keywords: ['wool blanket', 'cast iron skillet', 'scented candles'],
    landing: 'home',
    cpc: 1.1,
    ctr: 0.05,
    currency: 'USD',
    weight: 1,
    phase: 'any',
  },
  {
    kind: 'search_generic',
    source: 'google',
    medium: 'cpc',
    name: 'generic-gifts',
    keywords: ['outdoor gifts for him', 'gift ideas hikers'],
    landing: 'accessories',
    cpc: 1.3,
    ctr: 0.035,
    currency: 'USD',
    weight: 1,
    phase: 'any',
  },
  {
    kind: 'social',
    source: 'facebook',
    medium: 'paid_social',
    name: 'prospecting-lookalike',
    keywords: [''],
    landing: 'apparel',
    cpc: 0.85,
    ctr: 0.011,
    currency: 'USD',
    weight: 3,
    phase: 'prospecting',
  },
  {
    kind: 'social',
    source: 'instagram',
    medium: 'paid_social',
    name: 'spring-collection',
    keywords: [''],
    landing: 'footwear',
    cpc: 0.95,
    ctr: 0.009,
    currency: 'USD',
    weight: 2,
    phase: 'prospecting',
  },
  {
    kind: 'social',
    source: 'facebook',
    medium: 'cpc',
    name: 'retargeting-dpa',
    keywords: [''],
    landing: 'outdoor',
    cpc: 0.7,
    ctr: 0.016,
    currency: 'USD',
    weight: 3,
    phase: 'retargeting',
  },
  {
    kind: 'social',
    source: 'instagram',
    medium: 'cpc',
    name: 'creator-collab',
    keywords: [''],
    landing: 'home',
    cpc: 1.05,
    ctr: 0.012,
    currency: 'USD',
    weight: 1,
    phase: 'retargeting',
  },
  {
    kind: 'display',
    source: 'gdn',
    medium: 'display',
    name: 'display-prospecting',
    keywords: [''],
    landing: 'outdoor',
    cpc: 0.55,
    ctr: 0.0025,
    currency: 'USD',
    weight: 1,
    phase: 'prospecting',
  },
  {
    kind: 'display',
    source: 'criteo',
    medium: 'display',
    name: 'criteo-retargeting',
    keywords: [''],
    landing: 'footwear',
    cpc: 0.5,
    ctr: 0.004,
    currency: 'EUR',
    weight: 1,
    phase: 'retargeting',
  },
  {
    kind: 'affiliate',
    source: 'awin',
    medium: 'affiliate',
    name: 'awin-network',
    keywords: [''],
    landing: '',
    cpc: 0.35,
    ctr: 0.03,
    currency: 'USD',
    weight: 1,
    phase: 'any',
  },
  {
    kind: 'affiliate',
    source: 'couponfollow',
    medium: 'affiliate',
    name: 'coupon-sites',
    keywords: [''],
    landing: '',
    cpc: 0.3,
    ctr: 0.05,
    currency: 'USD',
    weight: 2,
    phase: 'any',
  },
  {
    kind: 'email',
    source: 'newsletter',
    medium: 'email',
    name: 'weekly-digest',
    keywords: [''],
    landing: '',
    cpc: 0,
    ctr: 0,
    currency: 'USD',
    weight: 4,
    phase: 'any',
  },
  {
    kind: 'email',
    source: 'newsletter',
    medium: 'email',
    name: 'new-arrivals',
    keywords: [''],
    landing: 'apparel',
    cpc: 0,
    ctr: 0,
    currency: 'USD',
    weight: 2,
    phase: 'any',
  },
  {
    kind: 'email',
    source: 'newsletter',
    medium: 'email',
    name: 'win-back',
    keywords: [''],
    landing: '',
    cpc: 0,
    ctr: 0,
    currency: 'USD',
    weight: 1,
    phase: 'any',
  },
];
export const ABANDONED_CART_CAMPAIGN: Campaign = {
  kind: 'email',
  source: 'newsletter',
  medium: 'email',
  name: 'abandoned-cart',
  keywords: [''],
  landing: 'cart',
  cpc: 0,
  ctr: 0,
  currency: 'USD',
  weight: 0,
  phase: 'any',
};

/** Campaigns per kind and phase, for picking a campaign for a touch. */
export function campaignPicker(kind: TouchKind, phase: 'prospecting' | 'retargeting'): Weighted<Campaign> {
  const list = CAMPAIGNS.filter((c) => c.kind === kind && (c.phase === 'any' || c.phase === phase));
  return new Weighted(list.map((c) => [c, c.weight] as const));
}

/** Spend rows are keyed channel|campaign|keyword; every paid campaign gets one per day. */
export function spendKeys(): Array<{ key: string; channel: Ga4Channel; campaign: Campaign; keyword: string }> {
  const out: Array<{ key: string; channel: Ga4Channel; campaign: Campaign; keyword: string }> = [];
  for (const c of CAMPAIGNS) {
    const channel = KIND_CHANNEL[c.kind];
    if (!PAID_CHANNELS.includes(channel)) continue;
    for (const k of c.keywords) out.push({ key: spendKey(channel, c.name, k), channel, campaign: c, keyword: k });
  }
  return out;
}
export function spendKey(channel: string, campaign: string, keyword: string): string {
  return `${channel}|${campaign}|${keyword}`;
}

export const ORGANIC_REFERRERS = new Weighted<string>([
  ['https://www.google.com/', 85],
  ['https://www.bing.com/', 10],
  ['https://duckduckgo.com/', 5],
]);
export const REFERRAL_SITES = [
  'https://www.trailtalesblog.com/best-rain-jackets-2026/',
  'https://www.cozycabinliving.com/gift-guide/',
  'https://www.reddit.com/r/hiking/comments/1abc2de/',
  'https://www.gearjunkie-reviews.net/boots/',
  'https://www.weekendwanderer.blog/packing-list/',
];
export const DISPLAY_PUBLISHERS = [
  'https://www.weather.com/',
  'https://www.outsideonline.com/',
  'https://www.nytimes.com/',
  'https://www.allrecipes.com/',
];
export const AFFILIATE_REFERRERS: Record<string, string> = {
  // Not rakuten: GA4 lists it as a search site, so its visits would group as Organic Search, not Affiliates.
  awin: 'https://www.awin1.com/',
  couponfollow: 'https://couponfollow.com/site/shop.example.com',
};

// ---------------------------------------------------------------- surveys and service

export const COMMENTS = {
  positive: [
    'Checkout was so easy',
    'Fast delivery, great quality',
    'Love the products, will order again',
    'Customer service was super helpful',
    'Great prices and quick shipping',
  ],
  neutral: ['It was fine', 'Delivery took a bit long but OK', 'Decent selection', 'Product as described', 'Average experience'],
  negative: [
    'Delivery was late again',
    'Checkout kept failing',
    'Item arrived damaged',
    'Refund took too long',
    'Could not find my size',
    'Support never got back to me',
  ],
} as const;

export const CHAT_TOPICS_PRE = ['sizing', 'product question', 'promo code'];
export const CHAT_TOPICS_POST = ['order status', 'returns', 'damaged item'];
export const REFUND_REASONS = ['wrong size', 'damaged', 'not as described', 'changed mind', 'arrived late'];
