// One customer's journey through awareness → consideration → purchase → experience → loyalty,
// turned into Segment messages. Each customer draws from its own seeded stream, so customers are
// generated one at a time and nothing about earlier customers is kept.
//
// The causal structure that the ground truth reports:
// - A considering visitor starts checkout on the deciding visit with probability
//   (persona base + Σ lift of every touch kind seen before deciding) × (1.1 in the experiment's
//   treatment arm). All randomness of what happens after that decision is drawn whether or not
//   the visitor decides to buy, so counterfactual outcomes use the same random numbers.
// - Every Checkout Started completes with p0, or p1 once the streamlined checkout reached the
//   visitor's region (wave 1 regions first, wave 2 later).

import type { SegmentCampaign, SegmentMessage, SegmentPageContext } from './segment-message.ts';
import { Rng, seedOf, Weighted } from './rng.ts';
import { PARAMS } from './params.ts';
import { DAY, HOUR, MINUTE, type Schedule, rolloutPeriod, streamlined } from './schedule.ts';
import { typeKey, type Tally } from './tally.ts';
import { ACQUISITION_KINDS, MEDIA_INDEX, type PaidTouchRecord, type PersonRecord, purchaseProbability } from './outcome.ts';
import {
  ABANDONED_CART_CAMPAIGN,
  AFFILIATE_REFERRERS,
  AGE_BANDS,
  BOT_USER_AGENTS,
  BRAND,
  BROWSERS,
  type Browser,
  type Campaign,
  CATEGORIES,
  CATEGORY_AFFINITY,
  CATEGORY_SLUG,
  CHAT_TOPICS_POST,
  CHAT_TOPICS_PRE,
  CLOSING_TOUCH,
  COMMENTS,
  DISPLAY_PUBLISHERS,
  FIRST_NAMES,
  FIRST_TOUCH,
  type Ga4Channel,
  GA4_CHANNELS,
  INCREMENTAL_LIFT,
  KIND_CHANNEL,
  LAST_NAMES,
  NURTURE_TOUCH,
  ORGANIC_REFERRERS,
  PERSONA_PICK,
  type Persona,
  type Product,
  PRODUCTS,
  PRODUCTS_BY_CATEGORY,
  REFERRAL_SITES,
  REFUND_REASONS,
  REGION_PICK,
  type Region,
  RETURN_TOUCH,
  SEARCH_QUERIES,
  SITE,
  campaignPicker,
  spendKey,
  type TouchKind,
  PAID_CHANNELS,
} from './world.ts';

type Tag =
  | { k: 'paid'; key: string }
  | { k: 'checkout'; wave: 1 | 2; period: 0 | 1 | 2 }
  | {
      k: 'order';
      wave: 1 | 2;
      period: 0 | 1 | 2;
      first: boolean;
      shipIncremental: boolean;
      revenue: number;
      incremental: Ga4Channel[];
      lastTouch: Ga4Channel;
    }
  | { k: 'refund' };

interface Entry {
  t: number;
  m: SegmentMessage;
  tag: Tag | undefined;
}

interface Device {
  anonymousId: string;
  browser: Browser;
  ip: string;
  identified: boolean;
}

interface Touch {
  t: number;
  kind: TouchKind;
  campaign: Campaign | undefined;
  keyword: string;
}

interface Visit {
  device: Device;
  t: number;
  touch: Touch;
  page: SegmentPageContext;
  campaign: SegmentCampaign | undefined;
  onLanding: boolean;
  category: string;
  /** The category the main stream drew before the persona's taste (it sets the prices paid: see inCategory). */
  baseCategory: string;
  product: Product | undefined;
}

interface Job {
  t: number;
  seq: number;
  run: () => void;
}

/** Who sees the banner experiment and the welcome offer: both arms are drawn at arrival. */
interface ArrivalArms {
  exposed: boolean;
  arm: 0 | 1;
  exposeAt: number;
  offered: boolean;
  offerArm: 0 | 1;
  offerAt: number;
  /** The offer arm when the offer runs at arrival, else undefined. */
  offerArmShown: 0 | 1 | undefined;
}

/** The random numbers of a considering person's purchase decision and checkout path. */
interface DecisionDraws {
  u1: number;
  browse: number;
  delay1: number;
  u2a: number;
  uRetry: number;
  retryGap: number;
  retryBrowse: number;
  delay2: number;
  u2b: number;
  uOptIn: number;
}

/** The first checkout (at1) and its retry (at2): whether each completes, and when the first order lands. */
interface FirstOrderPath {
  at1: number;
  done1: boolean;
  delay1: number;
  retry: boolean;
  tRetry: number;
  at2: number;
  done2: boolean;
  delay2: number;
  firstOrderAt: number;
  orderInPeriod: boolean;
}

interface FirstOrderPlan extends FirstOrderPath {
  intent: boolean;
  incremental: Ga4Channel[];
  u2a: number;
  u2b: number;
}

interface VisitOptions {
  touch: Touch;
  device: Device;
  /** The banner experiment's arm shown on this visit's landing page. */
  exposeArm?: 0 | 1;
  /** The welcome offer's arm shown on this visit's landing page. */
  offerArm?: 0 | 1;
  signup?: boolean;
  checkout?: CheckoutPlan;
  /** Pages browsed after landing (default: 1 + Poisson). */
  pages?: number;
}

/** What a person's emitted messages showed, for the stage and experiment counts. */
interface SeenInMessages {
  viewed: boolean;
  delivered: boolean;
  orders: number;
  exposedSeen: boolean;
  offerSeen: boolean;
  personRevenue: number;
}

interface CheckoutPlan {
  at: number;
  completes: boolean;
  completeDelay: number;
  first: boolean;
  shipIncremental: boolean;
  incremental: Ga4Channel[];
}

const PICKERS = new Map<string, Weighted<Campaign>>();
function campaignFor(kind: TouchKind, phase: 'prospecting' | 'retargeting'): Weighted<Campaign> {
  const key = `${kind}|${phase}`;
  let p = PICKERS.get(key);
  if (!p) {
    p = campaignPicker(kind, phase);
    PICKERS.set(key, p);
  }
  return p;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** Generates customer i's messages (sorted by time) and adds what happened to the tally. */
export function simulateCustomer(s: Schedule, i: number, tally: Tally): SegmentMessage[] {
  const sim = new CustomerSim(s, i);
  const isBot = sim.rng.chance(PARAMS.botShare);
  if (isBot) sim.bot();
  else sim.person();
  return sim.finish(tally, isBot);
}

/** `shown` at the price of `base` (cached: one object per pair, as the catalogue's are). */
const pricedCache = new Map<string, Product>();
function pricedAs(shown: Product, base: Product): Product {
  if (shown.price === base.price) return shown;
  const key = `${shown.id}|${base.id}`;
  let p = pricedCache.get(key);
  if (!p) pricedCache.set(key, (p = Object.freeze({ ...shown, price: base.price })));
  return p;
}

class CustomerSim {
  readonly rng: Rng;
  /** The persona's tastes (category, device) draw here, so the main stream and every decision stay as they were. */
  private readonly taste: Rng;
  private readonly out: Entry[] = [];
  private readonly jobs: Job[] = [];
  private jobSeq = 0;
  private region!: Region;
  private persona!: Persona;
  private city = '';
  private firstName = '';
  private lastName = '';
  private devices: Device[] = [];
  private known = false;
  private optIn = false;
  private identifyAt = Infinity;
  private orderCount = 0;
  private consider = false;
  private readonly userId: string;

  constructor(
    private readonly s: Schedule,
    private readonly i: number,
  ) {
    this.rng = new Rng(seedOf(s.seed, i, 0x5eed));
    this.taste = new Rng(seedOf(s.seed, i, 0x7a57e));
    this.userId = `cus_${(i + 1).toString().padStart(7, '0')}`;
  }

  // ------------------------------------------------------------------ identities

  private anonymousId(deviceIndex: number): string {
    // Random-looking v4 UUID whose last group is a bijection of (customer, device): unique by construction.
    const n = (this.s.anonOffset + this.i * 4 + deviceIndex) % 281474976710656;
    const r = this.rng;
    return `${r.hex(8)}-${r.hex(4)}-4${r.hex(3)}-${'89ab'[r.int(0, 3)]}${r.hex(3)}-${n.toString(16).padStart(12, '0')}`;
  }

  private newDevice(index: number, browser: Browser): Device {
    const r = this.rng;
    return {
      anonymousId: this.anonymousId(index),
      browser,
      ip: `${this.region.ipOctet}.${r.int(1, 254)}.${r.int(0, 255)}.${r.int(1, 254)}`,
      identified: false,
    };
  }

  private emailAddress(): string {
    return `${this.firstName.toLowerCase()}.${this.lastName.toLowerCase()}.${this.i + 1}@example.com`;
  }

  private fullTraits(t: number): Record<string, unknown> {
    return {
      email: this.emailAddress(),
      name: `${this.firstName} ${this.lastName}`,
      first_name: this.firstName,
      last_name: this.lastName,
      city: this.city,
      region: this.region.name,
      persona: this.persona.name,
      age_band: AGE_BANDS[this.i % AGE_BANDS.length],
      newsletter_opt_in: this.optIn,
      created_at: new Date(t).toISOString(),
    };
  }

  private identify(v: Visit, t: number): void {
    const traits = this.known ? { email: this.emailAddress() } : this.fullTraits(t);
    v.device.identified = true;
    this.known = true;
    this.emit(t, { type: 'identify', messageId: '', timestamp: '' }, v.device, { traits, context: this.webContext(v) });
  }

  // ------------------------------------------------------------------ emission

  private emit(t: number, base: SegmentMessage, device: Device | null, fields: Partial<SegmentMessage>, tag?: Tag): void {
    const m = base;
    if (device) {
      m.anonymousId = device.anonymousId;
      if (device.identified) m.userId = this.userId;
    } else {
      m.userId = this.userId;
    }
    Object.assign(m, fields);
    this.out.push({ t: Math.round(t), m, tag });
  }

  private track(v: Visit | null, t: number, event: string, properties: Record<string, unknown>, tag?: Tag): void {
    const base: SegmentMessage = { type: 'track', messageId: '', timestamp: '' };
    if (v) this.emit(t, base, v.device, { event, properties, context: this.webContext(v) }, tag);
    else this.emit(t, base, null, { event, properties }, tag);
  }

  private webContext(v: Visit): SegmentMessage['context'] {
    const c: NonNullable<SegmentMessage['context']> = {};
    if (v.onLanding && v.campaign) c.campaign = v.campaign;
    c.page = { ...v.page };
    c.userAgent = v.device.browser.ua;
    c.ip = v.device.ip;
    return c;
  }

  private page(
    v: Visit,
    t: number,
    path: string,
    name: string,
    title: string,
    landing: { url: string; referrer: string } | null,
    tag?: Tag,
  ): void {
    if (landing) {
      v.page = { url: landing.url, path, referrer: landing.referrer, title };
      const q = landing.url.indexOf('?');
      if (q >= 0) v.page.search = landing.url.slice(q);
      v.onLanding = true;
    } else {
      v.page = { url: SITE + path, path: path.split('?')[0]!, referrer: v.page.url, title };
      const q = path.indexOf('?');
      if (q >= 0) v.page.search = path.slice(q);
      v.onLanding = false;
    }
    const properties: Record<string, unknown> = { ...v.page, name };
    this.emit(t, { type: 'page', messageId: '', timestamp: '' }, v.device, { name, properties, context: this.webContext(v) }, tag);
  }

  private schedule(t: number, run: () => void): void {
    if (t > this.s.end) return;
    this.jobs.push({ t, seq: this.jobSeq++, run });
  }

  private runJobs(): void {
    while (this.jobs.length > 0) {
      let best = 0;
      for (let k = 1; k < this.jobs.length; k++) {
        const a = this.jobs[k]!;
        const b = this.jobs[best]!;
        if (a.t < b.t || (a.t === b.t && a.seq < b.seq)) best = k;
      }
      const job = this.jobs.splice(best, 1)[0]!;
      job.run();
    }
  }

  // ------------------------------------------------------------------ time helpers

  private arrival(): number {
    const r = this.rng;
    const d = this.s.arrivalDay.pick(r);
    const h = this.s.arrivalHour.pick(r);
    return this.s.start + d * DAY + h * HOUR + r.int(0, HOUR - 1);
  }

  private gap(): number {
    return 2 * HOUR + this.rng.exp(PARAMS.touchGapMeanDays * DAY);
  }

  private checkoutProb(t: number): number {
    return streamlined(this.s, this.region.rolloutWave, t) ? PARAMS.checkoutP1 : PARAMS.checkoutP0;
  }

  // ------------------------------------------------------------------ touches and visits

  private touch(t: number, pick: Weighted<TouchKind>, phase: 'prospecting' | 'retargeting'): Touch {
    let kind = pick.pick(this.rng);
    // Marketing email reaches only subscribers known by then.
    while (kind === 'email' && !(this.optIn && this.identifyAt <= t)) kind = pick.pick(this.rng);
    return this.touchOf(t, kind, phase);
  }

  private touchOf(t: number, kind: TouchKind, phase: 'prospecting' | 'retargeting'): Touch {
    if (kind === 'direct' || kind === 'organic' || kind === 'referral') return { t, kind, campaign: undefined, keyword: '' };
    const campaign = campaignFor(kind, phase).pick(this.rng);
    return { t, kind, campaign, keyword: this.rng.pick(campaign.keywords) };
  }

  /**
   * Paid media decides whether a paid touch happens: kept when the touch's own uniform number is
   * below the channel's visit probability that day (media.ts). A touch that does not happen is
   * dropped (a nurture visit), takes its person with it (a prospecting first touch: no ad, no
   * visitor), or becomes a direct visit (the deciding visit, brand search, coupon sites and
   * returning visits: the person comes anyway). Kept pre-decision paid touches are recorded for
   * the ground truth's counterfactuals.
   */
  private gate(touch: Touch, role: 'first' | 'nurture' | 'closing' | 'return', mustHappen = false): Touch | undefined {
    const c = touch.campaign ? MEDIA_INDEX.get(KIND_CHANNEL[touch.kind]) : undefined;
    if (c === undefined) return touch;
    const day = Math.min(this.s.days - 1, Math.max(0, Math.floor((touch.t - this.s.start) / DAY)));
    const v = this.rng.next();
    if (v < this.s.media[c]!.q[day]!) {
      if (role !== 'return')
        this.paidTouches.push({ media: c, day, v, kind: touch.kind, acquisition: role === 'first' && ACQUISITION_KINDS.has(touch.kind) });
      return touch;
    }
    if (role === 'nurture' && !mustHappen) return undefined;
    if (role === 'first' && ACQUISITION_KINDS.has(touch.kind)) {
      this.vanished = true;
      return undefined;
    }
    return { t: touch.t, kind: 'direct', campaign: undefined, keyword: '' };
  }

  private landingFor(touch: Touch): {
    path: string;
    url: string;
    referrer: string;
    campaign: SegmentCampaign | undefined;
    category: string;
    baseCategory: string;
    product: Product | undefined;
  } {
    const r = this.rng;
    const c = touch.campaign;
    let baseCategory = c?.landing || r.pick(CATEGORIES).slug;
    let category = c?.landing ? baseCategory : this.liked(baseCategory);
    let product: Product | undefined;
    let path = '/';
    const kind = touch.kind;
    if (c?.landing === 'cart') {
      path = '/cart';
      baseCategory = r.pick(CATEGORIES).slug;
      category = this.liked(baseCategory);
    } else if (kind === 'search_brand' || kind === 'affiliate' || kind === 'direct') {
      path = kind === 'direct' && r.chance(0.25) ? `/category/${category}` : '/';
    } else if (kind === 'social' || kind === 'referral' || ((kind === 'organic' || kind === 'search_generic') && r.chance(0.45))) {
      product = this.inCategory(category, baseCategory);
      path = `/product/${product.id}`;
    } else {
      path = `/category/${category}`;
    }
    let referrer = '';
    let query = '';
    let campaign: SegmentCampaign | undefined;
    if (c) {
      campaign = { name: c.name, source: c.source, medium: c.medium };
      const params = [`utm_source=${c.source}`, `utm_medium=${c.medium}`, `utm_campaign=${c.name}`];
      if (touch.keyword) {
        campaign.term = touch.keyword;
        params.push(`utm_term=${encodeURIComponent(touch.keyword).replace(/%20/g, '+')}`);
      }
      if (kind === 'social' || kind === 'display') {
        campaign.content = `${c.name}-creative-${r.int(1, 4)}`;
        params.push(`utm_content=${campaign.content}`);
      }
      if (c.source === 'google') params.push(`gclid=Cj0KCQjw${r.token(60)}`);
      if (c.source === 'facebook' || c.source === 'instagram') params.push(`fbclid=IwAR${r.token(56)}`);
      query = `?${params.join('&')}`;
      if (c.source === 'google') referrer = 'https://www.google.com/';
      else if (c.source === 'facebook') referrer = r.chance(0.7) ? 'https://l.facebook.com/' : 'https://m.facebook.com/';
      else if (c.source === 'instagram') referrer = 'https://l.instagram.com/';
      else if (kind === 'display') referrer = r.pick(DISPLAY_PUBLISHERS);
      else if (kind === 'affiliate') referrer = AFFILIATE_REFERRERS[c.source] ?? '';
    } else if (kind === 'organic') referrer = ORGANIC_REFERRERS.pick(r);
    else if (kind === 'referral') referrer = r.pick(REFERRAL_SITES);
    return { path, url: SITE + path + query, referrer, campaign, category, baseCategory, product };
  }

  private titleFor(path: string, product: Product | undefined, category: string): [string, string] {
    if (path === '/') return ['Home', `${BRAND} — Outdoor gear and everyday goods`];
    if (path.startsWith('/product/')) return ['Product', `${product!.name} | ${BRAND}`];
    if (path.startsWith('/category/')) return ['Category', `${CATEGORIES.find((c) => c.slug === category)!.title} | ${BRAND}`];
    if (path === '/cart') return ['Cart', `Your cart | ${BRAND}`];
    return ['Page', BRAND];
  }

  /**
   * One visit: landing page, browsing, and optionally a checkout. Browsing pages are squeezed
   * before a planned checkout time so that the checkout happens exactly when planned.
   */
  private visit(opts: VisitOptions): void {
    const r = this.rng;
    const { touch, device } = opts;
    const land = this.landingFor(touch);
    const v: Visit = {
      device,
      t: touch.t,
      touch,
      page: { url: '', path: '', referrer: '', title: '' },
      campaign: land.campaign,
      onLanding: true,
      category: land.category,
      baseCategory: land.baseCategory,
      product: land.product,
    };
    this.emailBeforeVisit(touch, land.url);
    this.landingPage(v, land, opts);
    const browsed = this.browse(v, touch.t, opts, land.product);
    let t = browsed.t;
    if (opts.signup) t = this.signUp(v, t);
    if (touch.kind.startsWith('search') && touch.campaign && r.chance(PARAMS.callProb)) this.callFromSearch(v, t, touch.campaign);
    if (this.consider && !opts.checkout && r.chance(PARAMS.preChatProb)) this.chat(v, t + 15_000, r.pick(CHAT_TOPICS_PRE), 'consideration');
    if (opts.checkout) {
      this.checkout(v, browsed.lastProduct ?? this.inCategory(v.category, v.baseCategory), opts.checkout);
    } else if (this.consider && browsed.lastProduct && r.chance(PARAMS.casualAddProb)) {
      this.track(v, t + 20_000, 'Product Added', productProps(browsed.lastProduct, 1, `cart_${this.i}_${this.orderCount}`));
    }
  }

  /** An email visit of a known subscriber: the email was opened, then its link clicked, just before. */
  private emailBeforeVisit(touch: Touch, landingUrl: string): void {
    if (touch.kind !== 'email' || !this.known) return;
    const r = this.rng;
    const c = touch.campaign!;
    const emailId = `em_${c.name}_${Math.floor((touch.t - this.s.start) / DAY)}`;
    const props = { email_id: emailId, email_subject: emailSubject(c.name), campaign_id: c.name, campaign_name: c.name };
    this.track(null, touch.t - r.int(2, 90) * MINUTE, 'Email Opened', props);
    this.track(null, touch.t - r.int(2, 20) * 1000, 'Email Link Clicked', { ...props, link_url: landingUrl });
  }

  /** The landing page (tagged with its paid campaign), its product, the experiments shown there, and a login. */
  private landingPage(v: Visit, land: ReturnType<CustomerSim['landingFor']>, opts: VisitOptions): void {
    const { touch, device } = opts;
    const t = touch.t;
    const [lname, ltitle] = this.titleFor(land.path, land.product, land.category);
    let tag: Tag | undefined;
    if (touch.campaign && PAID_CHANNELS.includes(KIND_CHANNEL[touch.kind])) {
      tag = { k: 'paid', key: spendKey(KIND_CHANNEL[touch.kind], touch.campaign.name, touch.keyword) };
    }
    this.page(v, t, land.path, lname, ltitle, { url: land.url, referrer: land.referrer }, tag);
    if (land.product && this.consider) this.productViewed(v, t + 400, land.product);
    if (opts.exposeArm !== undefined) {
      this.track(v, t + 900, 'Experiment Viewed', {
        experiment_id: PARAMS.experiment.id,
        experiment_name: PARAMS.experiment.name,
        variation_id: opts.exposeArm,
        variation_name: opts.exposeArm === 1 ? 'Free shipping banner' : 'Control',
      });
    }
    if (opts.offerArm !== undefined) {
      this.track(v, t + 1100, 'Experiment Viewed', {
        experiment_id: PARAMS.offer.id,
        experiment_name: PARAMS.offer.name,
        variation_id: opts.offerArm,
        variation_name: opts.offerArm === 1 ? 'Welcome offer' : 'Control',
      });
    }
    if (this.known && !device.identified && this.rng.chance(PARAMS.loginProb)) this.identify(v, t + 3000);
  }

  /** Browsing pages after landing; with a planned checkout they must end two minutes before it. */
  private browse(v: Visit, t0: number, opts: VisitOptions, landed: Product | undefined): { t: number; lastProduct: Product | undefined } {
    const r = this.rng;
    let t = t0;
    const n = opts.pages ?? 1 + r.poisson(PARAMS.pagesMean);
    const gaps: number[] = [];
    for (let k = 0; k < n; k++) gaps.push(8000 + r.exp(50_000));
    if (opts.checkout) {
      const room = opts.checkout.at - 2 * MINUTE - t;
      const sum = gaps.reduce((a, b) => a + b, 0) + 8000;
      for (let k = 0; k < n; k++) gaps[k] = (gaps[k]! * room) / sum;
    }
    let lastProduct = landed;
    for (let k = 0; k < n; k++) {
      t += gaps[k]!;
      lastProduct = this.browsePage(v, t) ?? lastProduct;
    }
    return { t, lastProduct };
  }

  /** One browsed page: a product (considering persons only), a category, a search, the home page or help; returns a product viewed. */
  private browsePage(v: Visit, t: number): Product | undefined {
    const r = this.rng;
    const roll = r.next();
    if (this.consider && roll < 0.5) {
      const p = r.chance(0.7) ? this.inCategory(v.category, v.baseCategory) : this.likedProduct(r.pick(PRODUCTS));
      this.page(v, t, `/product/${p.id}`, 'Product', `${p.name} | ${BRAND}`, null);
      this.productViewed(v, t + 400, p);
      return p;
    } else if (roll < 0.72) {
      const base = r.chance(0.6) ? v.baseCategory : r.pick(CATEGORIES).slug;
      const cat = base === v.baseCategory ? v.category : this.liked(base);
      v.category = cat;
      v.baseCategory = base;
      this.page(v, t, `/category/${cat}`, 'Category', `${CATEGORIES.find((c) => c.slug === cat)!.title} | ${BRAND}`, null);
    } else if (roll < 0.86) {
      const q = r.pick(SEARCH_QUERIES);
      this.page(v, t, `/search?q=${encodeURIComponent(q).replace(/%20/g, '+')}`, 'Search', `Search: ${q} | ${BRAND}`, null);
      this.track(v, t + 300, 'Products Searched', { query: q });
    } else if (roll < 0.93) {
      this.page(v, t, '/', 'Home', `${BRAND} — Outdoor gear and everyday goods`, null);
    } else {
      const help = r.pick(['/help/shipping', '/help/returns', '/about', '/stores']);
      this.page(v, t, help, 'Help', `${help.split('/').pop()} | ${BRAND}`, null);
    }
    return undefined;
  }

  /** The category drawn, or the persona's favourite (CATEGORY_AFFINITY of the time). */
  private liked(slug: string): string {
    return this.taste.chance(CATEGORY_AFFINITY) ? this.persona.category : slug;
  }

  /** The product drawn, or the product at the same place in the persona's favourite category (every category has as many). */
  private likedProduct(p: Product): Product {
    const base = CATEGORY_SLUG.get(p.category)!;
    const from = PRODUCTS_BY_CATEGORY.get(base)!;
    return pricedAs(PRODUCTS_BY_CATEGORY.get(this.liked(base))![from.indexOf(p)]!, p);
  }

  /**
   * A product of the category shown, drawn from the main stream as the untasted world draws one
   * from `baseCategory` (same place in the list), at that product's price. A taste changes what a
   * person looks at and buys, not what they spend: revenue, refunds and every money figure of the
   * ground truth (channel ROIs, stage values) stay those of the world without tastes.
   */
  private inCategory(category: string, baseCategory: string): Product {
    const base = this.rng.pick(PRODUCTS_BY_CATEGORY.get(baseCategory)!);
    if (category === baseCategory) return base;
    const from = PRODUCTS_BY_CATEGORY.get(baseCategory)!;
    return pricedAs(PRODUCTS_BY_CATEGORY.get(category)![from.indexOf(base)]!, base);
  }

  /** The signup page, sometimes an alias of the device to the new user, and the identify; returns its time. */
  private signUp(v: Visit, t0: number): number {
    const r = this.rng;
    const t = t0 + 20_000 + r.exp(30_000);
    this.page(v, t, '/account/signup', 'Sign Up', `Create account | ${BRAND}`, null);
    if (r.chance(PARAMS.aliasProb)) {
      this.emit(t + 4000, { type: 'alias', messageId: '', timestamp: '' }, v.device, {
        previousId: v.device.anonymousId,
        userId: this.userId,
        context: this.webContext(v),
      });
    }
    this.identify(v, t + 5000);
    return t;
  }

  /** A call from a paid search ad (a Phone touchpoint), answered or not. */
  private callFromSearch(v: Visit, t: number, campaign: Campaign): void {
    const r = this.rng;
    const answered = r.chance(0.82);
    this.track(v, t + 30_000, 'Call Completed', {
      channel: 'Phone',
      campaign: campaign.name,
      keyword: v.touch.keyword,
      duration_seconds: answered ? Math.round(30 + r.exp(200)) : r.int(5, 40),
      answered,
    });
  }

  private productViewed(v: Visit, t: number, p: Product): void {
    this.track(v, t, 'Product Viewed', {
      product_id: p.id,
      sku: p.sku,
      name: p.name,
      category: p.category,
      price: p.price,
      currency: 'USD',
    });
    v.product = p;
  }

  private chat(v: Visit, t: number, topic: string, stage: string): void {
    const r = this.rng;
    const chatId = `chat_${this.i}_${Math.floor(t / 1000) % 1e7}`;
    this.page(v, t - 5000, '/help/contact', 'Help', `Contact us | ${BRAND}`, null);
    this.track(v, t, 'Chat Started', { channel: 'Customer Service', topic, chat_id: chatId });
    const duration = Math.round(60 + r.exp(300));
    const resolved = r.chance(topic === 'order status' ? 0.7 : 0.85);
    this.track(v, t + duration * 1000, 'Chat Ended', {
      channel: 'Customer Service',
      topic,
      chat_id: chatId,
      duration_seconds: duration,
      resolved,
    });
    if (r.chance(0.4)) {
      const score = resolved ? r.int(3, 5) : r.int(1, 3);
      this.survey(t + duration * 1000 + 60_000, 'CSAT', score, stage, score <= 2 ? 'Support never got back to me' : undefined);
    }
  }

  /** `typical` is the comment this situation usually draws; otherwise a template by sentiment. */
  private survey(t: number, survey: 'NPS' | 'CSAT', score: number, stage: string, typical?: string): void {
    const r = this.rng;
    const sentiment =
      survey === 'NPS'
        ? score >= 9
          ? 'positive'
          : score >= 7
            ? 'neutral'
            : 'negative'
        : score >= 4
          ? 'positive'
          : score === 3
            ? 'neutral'
            : 'negative';
    const props: Record<string, unknown> = { survey, score, stage };
    if (r.chance(0.6)) props.comment = typical && r.chance(0.6) ? typical : r.pick(COMMENTS[sentiment]);
    this.track(null, t, 'Survey Responded', props);
  }

  private checkout(v: Visit, firstProduct: Product, plan: CheckoutPlan): void {
    const r = this.rng;
    const orderId = `DS${(this.i + 1).toString().padStart(7, '0')}-${++this.orderCount}`;
    const cartId = `cart_${this.i}_${this.orderCount}`;
    const items: Array<{ p: Product; q: number }> = [{ p: firstProduct, q: r.chance(0.15) ? 2 : 1 }];
    const extra = (r.chance(0.35) ? 1 : 0) + (r.chance(0.1) ? 1 : 0);
    for (let k = 0; k < extra; k++) items.push({ p: this.inCategory(v.category, v.baseCategory), q: 1 });
    const subtotal = round2(items.reduce((a, x) => a + x.p.price * x.q, 0));
    const shipping = subtotal >= PARAMS.freeShippingOver ? 0 : PARAMS.shippingFee;
    const tax = round2(subtotal * PARAMS.taxRate);
    const products = items.map((x, k) => ({ ...productProps(x.p, x.q), position: k + 1 }));
    const at = plan.at;
    items.forEach((x, k) => this.track(v, at - 100_000 + k * 5000, 'Product Added', productProps(x.p, x.q, cartId)));
    this.page(v, at - 60_000, '/cart', 'Cart', `Your cart | ${BRAND}`, null);
    this.page(v, at - 2000, '/checkout', 'Checkout', `Checkout | ${BRAND}`, null);
    if (!v.device.identified) this.identify(v, at - 1000);
    const wave = this.region.rolloutWave;
    const period = rolloutPeriod(this.s, at);
    this.track(
      v,
      at,
      'Checkout Started',
      { order_id: orderId, checkout_id: cartId, value: subtotal, revenue: subtotal, currency: 'USD', products },
      { k: 'checkout', wave, period },
    );
    if (!plan.completes) return;
    const tOrder = at + plan.completeDelay;
    this.track(
      v,
      tOrder,
      'Order Completed',
      {
        order_id: orderId,
        checkout_id: cartId,
        total: round2(subtotal + shipping + tax),
        revenue: subtotal,
        shipping,
        tax,
        discount: 0,
        currency: 'USD',
        products,
      },
      {
        k: 'order',
        wave,
        period,
        first: plan.first,
        shipIncremental: plan.shipIncremental,
        revenue: subtotal,
        incremental: plan.incremental,
        lastTouch: KIND_CHANNEL[v.touch.kind],
      },
    );
    this.page(v, tOrder + 1500, '/order/confirmation', 'Order Confirmation', `Thank you for your order | ${BRAND}`, null);
    if (r.chance(PARAMS.checkoutCsatProb)) {
      const easy = streamlined(this.s, wave, at);
      const score = easy ? (r.chance(0.75) ? 5 : r.int(3, 4)) : r.chance(0.45) ? r.int(4, 5) : r.int(1, 3);
      this.survey(
        tOrder + 30_000,
        'CSAT',
        score,
        'purchase',
        easy && score >= 4 ? 'Checkout was so easy' : !easy && score <= 2 ? 'Checkout kept failing' : undefined,
      );
    }
    this.afterOrder(orderId, tOrder, subtotal, round2(subtotal + shipping + tax), plan.first);
  }

  private afterOrder(orderId: string, tOrder: number, revenue: number, total: number, first: boolean): void {
    const r = this.rng;
    const late = r.chance(this.region.lateRate);
    const daysLate = late ? r.int(1, PARAMS.lateDaysMax) : 0;
    const promised = r.int(PARAMS.deliveryDays[0], PARAMS.deliveryDays[1]);
    const tDelivered = startOfDay(tOrder) + (promised + daysLate) * DAY + r.int(9 * HOUR, 19 * HOUR);
    const refunded = r.chance(late ? PARAMS.refundProb.late : PARAMS.refundProb.onTime);
    if (late && r.chance(PARAMS.lateChatProb)) {
      const tChat = startOfDay(tOrder) + (promised + 1) * DAY + r.int(13 * HOUR, 23 * HOUR);
      this.schedule(tChat, () => {
        const v = this.serviceVisit(tChat);
        this.chat(v, tChat + 30_000, 'order status', 'experience');
      });
    }
    this.track(null, tDelivered, 'Order Delivered', {
      order_id: orderId,
      days_late: daysLate,
      carrier: late && this.region.name === 'Mountain' ? 'RidgeLine Freight' : 'ParcelWay',
    });
    if (refunded) {
      const tRefund = tDelivered + r.int(3, 15) * DAY;
      this.track(
        null,
        tRefund,
        'Order Refunded',
        { order_id: orderId, total, revenue, currency: 'USD', reason: late ? 'arrived late' : r.pick(REFUND_REASONS) },
        { k: 'refund' },
      );
    }
    if (r.chance(PARAMS.npsResponseProb)) {
      const score = refunded ? r.int(0, 6) : late ? r.int(2, 8) : r.chance(0.7) ? r.int(9, 10) : r.int(6, 8);
      this.survey(
        tDelivered + r.int(1, 3) * DAY,
        'NPS',
        score,
        first ? 'experience' : 'loyalty',
        late && score <= 6 ? 'Delivery was late again' : refunded ? 'Refund took too long' : undefined,
      );
    }
    if (!first) return;
    const repeatP = refunded ? PARAMS.repeatProb.refunded : late ? PARAMS.repeatProb.late : PARAMS.repeatProb.good;
    if (!r.chance(repeatP)) return;
    const repeats = 1 + Math.min(r.geometric(PARAMS.repeatStopProb), PARAMS.repeatMax - 1);
    let t = tDelivered;
    for (let k = 0; k < repeats; k++) {
      const anchor = t;
      t += 5 * DAY + r.exp(PARAMS.repeatGapMeanDays * DAY);
      const at = t;
      if (at > this.s.end && this.pendingRepeatAnchor === undefined) this.pendingRepeatAnchor = anchor;
      this.schedule(at, () => this.repeatOrder(at));
    }
  }

  private serviceVisit(t: number): Visit {
    const device = this.devices[0]!;
    return {
      device,
      t,
      touch: { t, kind: 'direct', campaign: undefined, keyword: '' },
      page: { url: `${SITE}/account/orders`, path: '/account/orders', referrer: '', title: `Your orders | ${BRAND}` },
      campaign: undefined,
      onLanding: false,
      category: 'outdoor',
      baseCategory: 'outdoor',
      product: undefined,
    };
  }

  private repeatOrder(t: number): void {
    const r = this.rng;
    const touch = this.gate(this.touch(t, RETURN_TOUCH, 'retargeting'), 'return')!;
    const at = t + (4 + r.exp(6)) * MINUTE;
    const u = r.next();
    const completes = u < this.checkoutProb(at);
    const shipIncremental = completes && u >= PARAMS.checkoutP0;
    this.visit({
      touch,
      device: this.pickDevice(),
      checkout: { at, completes, completeDelay: (1 + r.exp(3)) * MINUTE, first: false, shipIncremental, incremental: [] },
    });
  }

  private pickDevice(): Device {
    return this.devices.length > 1 && this.rng.chance(0.4) ? this.devices[1]! : this.devices[0]!;
  }

  // ------------------------------------------------------------------ journeys

  bot(): void {
    const r = this.rng;
    const t0 = this.arrival();
    const device: Device = {
      anonymousId: this.anonymousId(3),
      browser: { ua: r.pick(BOT_USER_AGENTS), mobile: false },
      ip: `66.249.${r.int(64, 95)}.${r.int(1, 254)}`,
      identified: false,
    };
    const v: Visit = {
      device,
      t: t0,
      touch: { t: t0, kind: 'direct', campaign: undefined, keyword: '' },
      page: { url: '', path: '', referrer: '', title: '' },
      campaign: undefined,
      onLanding: true,
      category: 'outdoor',
      baseCategory: 'outdoor',
      product: undefined,
    };
    let t = t0;
    const n = r.int(5, 40);
    for (let k = 0; k < n; k++) {
      const p = r.pick(PRODUCTS);
      const path = r.chance(0.7) ? `/product/${p.id}` : `/category/${r.pick(CATEGORIES).slug}`;
      const title = path.startsWith('/product/') ? `${p.name} | ${BRAND}` : BRAND;
      this.page(
        v,
        t,
        path,
        path.startsWith('/product/') ? 'Product' : 'Category',
        title,
        k === 0 ? { url: SITE + path, referrer: '' } : null,
      );
      t += r.int(300, 4000);
    }
  }

  person(): void {
    this.drawWhoAndDevices();
    const t1 = this.arrival();
    this.consider = this.rng.chance(PARAMS.considerProb);
    const arms = this.drawArms(t1);

    // Pre-decision touches: first, nurture, and the deciding one.
    const first = this.gate(this.touch(t1, FIRST_TOUCH, 'prospecting'), 'first');
    if (!first) return;
    if (!this.consider) {
      this.bounceOnly(t1, first, arms);
      return;
    }
    const { touches, signupTouch } = this.nurtureTouches(t1, first);
    const decision = touches[touches.length - 1]!;
    const draws = this.drawDecision();
    const plan = this.decideFirstOrder(touches, decision, draws, arms);
    this.scheduleDecisionVisits(touches, signupTouch, arms, plan);
    if (plan.intent && plan.retry) this.scheduleCheckoutRetry(plan);
    this.scheduleAfterDecision(decision, plan);
    this.runJobs();
  }

  /** Region, persona, city, name, and one or two devices. */
  private drawWhoAndDevices(): void {
    const r = this.rng;
    this.region = REGION_PICK.pick(r);
    this.persona = PERSONA_PICK.pick(r);
    this.city = r.pick(this.region.cities);
    this.firstName = r.pick(FIRST_NAMES);
    this.lastName = r.pick(LAST_NAMES);
    const main = BROWSERS.pick(r);
    this.devices.push(this.newDevice(0, main));
    if (r.chance(PARAMS.secondDeviceProb)) {
      let other = BROWSERS.pick(r);
      for (let k = 0; k < 5 && other.mobile === main.mobile; k++) other = BROWSERS.pick(r);
      this.devices.push(this.newDevice(1, other));
    }
    // The persona's device: the main browser drawn again from the persona's kind (phone or desktop).
    const wantsMobile = this.taste.chance(this.persona.mobile);
    let own = main;
    for (let k = 0; k < 20 && own.mobile !== wantsMobile; k++) own = BROWSERS.pick(this.taste);
    this.devices[0]!.browser = own;
  }

  /** The banner experiment's and the welcome offer's arms, drawn at arrival whether or not they run then. */
  private drawArms(t1: number): ArrivalArms {
    const r = this.rng;
    const s = this.s;
    const exposed = t1 >= s.expStart && t1 < s.expEnd;
    const arm: 0 | 1 = r.chance(PARAMS.experiment.weights[1]) ? 1 : 0;
    const offered = t1 >= s.offerStart && t1 < s.offerEnd;
    const offerArm: 0 | 1 = r.chance(PARAMS.offer.weights[1]) ? 1 : 0;
    return {
      exposed,
      arm,
      exposeAt: t1 + 900,
      offered,
      offerArm,
      offerAt: t1 + 1100,
      offerArmShown: offered ? offerArm : undefined,
    };
  }

  /** A person who does not consider buying: the first visit and maybe one return, no decision. */
  private bounceOnly(t1: number, first: Touch, arms: ArrivalArms): void {
    const r = this.rng;
    const touches: Touch[] = [first];
    if (r.chance(PARAMS.bounceReturnProb)) {
      const again = this.gate(this.touch(t1 + this.gap(), NURTURE_TOUCH, 'retargeting'), 'nurture');
      if (again) touches.push(again);
    }
    touches.forEach((touch, k) =>
      this.schedule(touch.t, () =>
        this.visit({
          touch,
          device: k === 0 ? this.devices[0]! : this.pickDevice(),
          exposeArm: k === 0 && arms.exposed ? arms.arm : undefined,
          offerArm: k === 0 ? arms.offerArmShown : undefined,
          pages: r.int(0, 2),
        }),
      ),
    );
    if (arms.exposed) this.exposure(arms.arm, false, false);
    if (arms.offered) this.offerRecord = { arm: arms.offerArm, p0: 0, p1: 0, y0: false, y1: false, uplift: 0 };
    this.record = {
      base: this.persona.baseIntent,
      unpaidKinds: [],
      m: 1,
      offerDelta: 0,
      u1: 1,
      completes: false,
      emailOnly: false,
      pFirst7: 0,
      pFirst30: 0,
    };
    this.runJobs();
  }

  /**
   * The nurture touches after the first, ending with the closing one. A signup happens on the k-th
   * visit drawn (k = 0 is the first); a touch that media drops is skipped.
   */
  private nurtureTouches(t1: number, first: Touch): { touches: Touch[]; signupTouch: Touch | undefined } {
    const r = this.rng;
    const touches: Touch[] = [first];
    const nurture = Math.min(r.geometric(PARAMS.nurtureStopProb), PARAMS.nurtureMax);
    const signupIdx = r.chance(PARAMS.signupProb) ? r.int(0, nurture) : -1;
    let t = t1;
    let signupTouch: Touch | undefined;
    let drawn: Touch = first;
    for (let k = 0; k <= nurture; k++) {
      if (k === signupIdx) {
        this.optIn = true;
        this.identifyAt = drawn.t + 10 * MINUTE;
        signupTouch = drawn;
      }
      t += this.gap();
      const isClosing = k === nurture;
      const next = this.gate(
        this.touch(t, isClosing ? CLOSING_TOUCH : NURTURE_TOUCH, 'retargeting'),
        isClosing ? 'closing' : 'nurture',
        k + 1 === signupIdx,
      );
      if (next) {
        touches.push(next);
        drawn = next;
      }
    }
    return { touches, signupTouch };
  }

  /** The random numbers of the purchase decision and everything after it, drawn up front in a fixed order. */
  private drawDecision(): DecisionDraws {
    const r = this.rng;
    const u1 = r.next();
    const browse = (3 + r.exp(8)) * MINUTE;
    const delay1 = (1 + r.exp(3)) * MINUTE;
    const u2a = r.next();
    const uRetry = r.next();
    const retryGap = (0.5 + r.exp(1.5)) * DAY;
    const retryBrowse = (2 + r.exp(4)) * MINUTE;
    const delay2 = (1 + r.exp(3)) * MINUTE;
    const u2b = r.next();
    const uOptIn = r.next();
    return { u1, browse, delay1, u2a, uRetry, retryGap, retryBrowse, delay2, u2b, uOptIn };
  }

  /**
   * Intent from the persona and the touches' lifts, the first-order path (independent of intent
   * and arm), and the bookkeeping of the ground truth: incremental channels, the experiments'
   * potential outcomes, the person's record.
   */
  private decideFirstOrder(touches: Touch[], decision: Touch, draws: DecisionDraws, arms: ArrivalArms): FirstOrderPlan {
    const s = this.s;
    const { u1, uRetry } = draws;
    const { lift, kinds, base } = this.intentLift(touches);
    const m = arms.exposed && arms.arm === 1 ? 1 + PARAMS.experiment.relativeLift : 1;
    const tau = PARAMS.offer.effectByPersona[this.persona.name] ?? 0;
    const offerDelta = arms.offered && arms.offerArm === 1 ? tau : 0;
    const intentP = clamp01(base * m + offerDelta);
    const intent = u1 < intentP;

    const path = this.firstOrderPath(decision, draws);
    const { firstOrderAt, orderInPeriod, done1, done2 } = path;
    if (intent) this.identifyAt = Math.min(this.identifyAt, path.at1 - 1000);

    // Which channels this first order owes its existence to (same random numbers, channel removed).
    const incremental: Ga4Channel[] = [];
    for (const ch of GA4_CHANNELS) {
      const l = lift.get(ch) ?? 0;
      if (l > 0 && u1 >= (base - l) * m) incremental.push(ch);
    }
    if (!done1 && done2 && this.optIn && uRetry >= PARAMS.retryBase && !incremental.includes('Email')) incremental.push('Email');
    if (decision.t <= s.end) for (const ch of lift.keys()) this.tallyTouched.push(ch);

    if (arms.exposed) {
      const converts = orderInPeriod && firstOrderAt <= arms.exposeAt + PARAMS.experiment.windowDays * DAY;
      this.exposure(arms.arm, converts && u1 < base, converts && u1 < base * (1 + PARAMS.experiment.relativeLift));
    }
    if (arms.offered) {
      // Potential outcomes of the offer's metric (first order within its window), same random numbers.
      const inWindow = orderInPeriod && firstOrderAt <= arms.offerAt + PARAMS.offer.windowDays * DAY;
      const p0 = clamp01(base * m);
      const p1 = clamp01(base * m + tau);
      this.offerRecord = { arm: arms.offerArm, p0, p1, y0: inWindow && u1 < p0, y1: inWindow && u1 < p1, uplift: inWindow ? p1 - p0 : 0 };
    }
    const unpaidKinds = [...kinds].filter((k) => !PAID_CHANNELS.includes(KIND_CHANNEL[k]) && INCREMENTAL_LIFT[k] > 0);
    const emailOnly = !done1 && done2 && this.optIn && uRetry >= PARAMS.retryBase;
    // Purchase probability of a first order still to come after the data ends (its timing drawn above).
    const pending = (h: number) => (firstOrderAt > s.end && firstOrderAt <= s.end + h * DAY ? intentP : 0);
    this.record = {
      base: this.persona.baseIntent,
      unpaidKinds,
      m,
      offerDelta,
      u1,
      completes: orderInPeriod,
      emailOnly,
      pFirst7: pending(7),
      pFirst30: pending(30),
    };
    return { ...path, intent, incremental, u2a: draws.u2a, u2b: draws.u2b };
  }

  /** Each touch kind's intent lift summed per channel, and the intent before the experiments. */
  private intentLift(touches: Touch[]): { lift: Map<Ga4Channel, number>; kinds: Set<TouchKind>; base: number } {
    const lift = new Map<Ga4Channel, number>();
    const kinds = new Set<TouchKind>(touches.map((x) => x.kind));
    for (const kind of kinds) {
      const ch = KIND_CHANNEL[kind];
      lift.set(ch, (lift.get(ch) ?? 0) + INCREMENTAL_LIFT[kind]);
    }
    const base = this.persona.baseIntent + [...lift.values()].reduce((a, b) => a + b, 0);
    return { lift, kinds, base };
  }

  /** When the first checkout happens and completes, and its retry (an abandoned cart), from the drawn numbers. */
  private firstOrderPath(decision: Touch, draws: DecisionDraws): FirstOrderPath {
    const { browse, delay1, u2a, uRetry, retryGap, retryBrowse, delay2, u2b, uOptIn } = draws;
    const at1 = decision.t + browse;
    if (!this.optIn) this.optIn = uOptIn < PARAMS.checkoutOptInProb;
    const done1 = u2a < this.checkoutProb(at1);
    const tOrder1 = at1 + delay1;
    const retryP = this.optIn ? PARAMS.retryWithEmail : PARAMS.retryBase;
    const retry = !done1 && uRetry < retryP;
    const tRetry = at1 + retryGap;
    const at2 = tRetry + retryBrowse;
    const done2 = retry && u2b < this.checkoutProb(at2);
    const tOrder2 = at2 + delay2;
    // Rounded like emitted timestamps, so the bookkeeping agrees with the messages exactly.
    const firstOrderAt = done1 ? Math.round(tOrder1) : done2 ? Math.round(tOrder2) : Infinity;
    return { at1, done1, delay1, retry, tRetry, at2, done2, delay2, firstOrderAt, orderInPeriod: firstOrderAt <= this.s.end };
  }

  /** The pre-decision visits; the deciding one checks out when the person intends to buy. */
  private scheduleDecisionVisits(touches: Touch[], signupTouch: Touch | undefined, arms: ArrivalArms, plan: FirstOrderPlan): void {
    touches.forEach((touch, k) => {
      const isDecision = k === touches.length - 1;
      this.schedule(touch.t, () => {
        const device = k === 0 ? this.devices[0]! : this.pickDevice();
        if (!isDecision || !plan.intent) {
          this.visit({
            touch,
            device,
            exposeArm: k === 0 && arms.exposed ? arms.arm : undefined,
            offerArm: k === 0 ? arms.offerArmShown : undefined,
            signup: touch === signupTouch,
          });
          return;
        }
        const p1 = this.checkoutProb(plan.at1);
        this.visit({
          touch,
          device,
          exposeArm: k === 0 && arms.exposed ? arms.arm : undefined,
          offerArm: k === 0 ? arms.offerArmShown : undefined,
          signup: touch === signupTouch,
          checkout: {
            at: plan.at1,
            completes: plan.done1,
            completeDelay: plan.delay1,
            first: true,
            shipIncremental: plan.done1 && p1 > PARAMS.checkoutP0 && plan.u2a >= PARAMS.checkoutP0,
            incremental: plan.incremental,
          },
        });
      });
    });
  }

  /** The abandoned checkout's second try: an abandoned-cart email for subscribers, else a direct visit. */
  private scheduleCheckoutRetry(plan: FirstOrderPlan): void {
    const { tRetry, at2 } = plan;
    this.schedule(tRetry, () => {
      const touch = this.optIn
        ? { t: tRetry, kind: 'email' as const, campaign: ABANDONED_CART_CAMPAIGN, keyword: '' }
        : { t: tRetry, kind: 'direct' as const, campaign: undefined, keyword: '' };
      const p2 = this.checkoutProb(at2);
      this.visit({
        touch,
        device: this.pickDevice(),
        pages: 0,
        checkout: {
          at: at2,
          completes: plan.done2,
          completeDelay: plan.delay2,
          first: true,
          shipIncremental: plan.done2 && p2 > PARAMS.checkoutP0 && plan.u2b >= PARAMS.checkoutP0,
          incremental: plan.incremental,
        },
      });
    });
  }

  /** Browsing after the decision (buyers come back more) and the weekly newsletter to subscribers. */
  private scheduleAfterDecision(decision: Touch, plan: FirstOrderPlan): void {
    const r = this.rng;
    const s = this.s;
    const after = decision.t + 2 * HOUR;
    const nReturn = r.poisson(plan.intent && plan.orderInPeriod ? PARAMS.returnVisitsMean.buyer : PARAMS.returnVisitsMean.considerer);
    for (let k = 0; k < nReturn; k++) {
      const tv = after + r.next() * Math.min(90 * DAY, Math.max(0, s.end - after));
      this.schedule(tv, () =>
        this.visit({ touch: this.gate(this.touch(tv, RETURN_TOUCH, 'retargeting'), 'return')!, device: this.pickDevice() }),
      );
    }
    // Weekly newsletter to subscribers; clicks show up as email visits above.
    if (this.optIn && this.identifyAt < s.end) {
      const from = this.identifyAt;
      this.schedule(from, () => this.newsletter(from));
    }
  }

  private newsletter(from: number): void {
    const r = this.rng;
    // Tuesdays 15:00 UTC
    let t = startOfDay(from) + 15 * HOUR;
    while (new Date(t).getUTCDay() !== 2 || t <= from) t += DAY;
    for (; t <= this.s.end; t += 7 * DAY) {
      if (!r.chance(PARAMS.newsletterOpenProb)) continue;
      const day = Math.floor((t - this.s.start) / DAY);
      this.track(null, t + r.int(5, 600) * MINUTE, 'Email Opened', {
        email_id: `em_weekly-digest_${day}`,
        email_subject: emailSubject('weekly-digest'),
        campaign_id: 'weekly-digest',
        campaign_name: 'weekly-digest',
      });
    }
  }

  // ------------------------------------------------------------------ bookkeeping

  private readonly tallyTouched: Ga4Channel[] = [];
  private exposureRecord: { arm: 0 | 1; y0: boolean; y1: boolean } | undefined;
  private offerRecord: PersonRecord['offer'];
  private readonly paidTouches: PaidTouchRecord[] = [];
  /** A prospecting first touch that media did not buy: this person never arrives. */
  private vanished = false;
  private pendingRepeatAnchor: number | undefined;
  private record:
    | (Pick<PersonRecord, 'base' | 'unpaidKinds' | 'm' | 'offerDelta' | 'u1' | 'completes' | 'emailOnly'> & {
        pFirst7: number;
        pFirst30: number;
      })
    | undefined;

  private exposure(arm: 0 | 1, y0: boolean, y1: boolean): void {
    this.exposureRecord = { arm, y0, y1 };
  }

  finish(tally: Tally, isBot: boolean): SegmentMessage[] {
    const s = this.s;
    if (this.vanished) {
      tally.vanished++;
      return [];
    }
    const kept = this.out.filter((e) => e.t >= s.start && e.t <= s.end);
    kept.sort((a, b) => a.t - b.t);
    const seen: SeenInMessages = { viewed: false, delivered: false, orders: 0, exposedSeen: false, offerSeen: false, personRevenue: 0 };
    const messages = this.stampAndTally(kept, tally, seen);
    tally.messages += messages.length;
    if (isBot) {
      tally.bots++;
      return messages;
    }
    tally.customers++;
    for (const ch of this.tallyTouched) tally.channels.get(ch)!.touched++;
    if (messages.length > 0) tally.stages[0]++;
    if (seen.viewed) tally.stages[1]++;
    if (seen.orders > 0) tally.stages[2]++;
    if (seen.delivered) tally.stages[3]++;
    if (seen.orders > 1) tally.stages[4]++;
    tallyResolvedPersons(messages, tally);
    this.tallyExperiments(tally, seen);
    if (this.record && messages.length > 0) this.recordPerson(tally, messages, seen);
    return messages;
  }

  /** Message ids and timestamps of the kept entries, counted by type and by their bookkeeping tags. */
  private stampAndTally(kept: Entry[], tally: Tally, seen: SeenInMessages): SegmentMessage[] {
    const s = this.s;
    const messages: SegmentMessage[] = new Array(kept.length);
    const idBase = `${s.seedTag}-${this.i.toString(36)}-`;
    for (let k = 0; k < kept.length; k++) {
      const e = kept[k]!;
      const m = e.m;
      m.messageId = idBase + k.toString(36);
      m.timestamp = isoTimestamp(s, e.t);
      messages[k] = m;
      const key = typeKey(m.type, m.event);
      tally.byType.set(key, (tally.byType.get(key) ?? 0) + 1);
      if (m.event === 'Product Viewed') seen.viewed = true;
      else if (m.event === 'Order Delivered') seen.delivered = true;
      else if (m.event === 'Experiment Viewed') {
        if (m.properties?.experiment_id === PARAMS.offer.id) seen.offerSeen = true;
        else seen.exposedSeen = true;
      }
      if (e.tag) this.tallyTag(e.tag, e.t, tally, seen);
    }
    return messages;
  }

  /** What one emitted message counts for: paid spend, a checkout, a refund, an order and its incremental channels. */
  private tallyTag(tag: Tag, t: number, tally: Tally, seen: SeenInMessages): void {
    if (tag.k === 'paid') tally.paid.get(tag.key)![Math.floor((t - this.s.start) / DAY)]!++;
    else if (tag.k === 'checkout') tally.checkout[tag.wave - 1]![tag.period]![0]++;
    else if (tag.k === 'refund') tally.refunds++;
    else if (tag.k === 'order') {
      seen.orders++;
      seen.personRevenue += tag.revenue;
      tally.orders++;
      tally.revenue += tag.revenue;
      tally.checkout[tag.wave - 1]![tag.period]![1]++;
      if (tag.shipIncremental) {
        tally.shipIncrementalOrders++;
        tally.shipIncrementalRevenue += tag.revenue;
      }
      if (tag.first) {
        tally.firstOrders++;
        for (const ch of tag.incremental) {
          const c = tally.channels.get(ch)!;
          c.incremental++;
          c.incrementalRevenue += tag.revenue;
        }
        tally.channels.get(tag.lastTouch)!.lastTouch++;
      }
    }
  }

  /** The banner experiment and the welcome offer count a person only when their exposure is in the data. */
  private tallyExperiments(tally: Tally, seen: SeenInMessages): void {
    const x = this.exposureRecord;
    if (x && seen.exposedSeen) {
      tally.experiment.exposed[x.arm]++;
      if (x.arm === 1 ? x.y1 : x.y0) tally.experiment.converted[x.arm]++;
      if (x.y0) tally.experiment.potentialControl++;
      if (x.y1) tally.experiment.potentialTreatment++;
    }
    const o = this.offerRecord;
    if (o && seen.offerSeen) {
      tally.offer.exposed[o.arm]++;
      if (o.arm === 1 ? o.y1 : o.y0) tally.offer.converted[o.arm]++;
    }
  }

  /** The person's row of the ground truth, with the probability of buying in the 7 and 30 days after the end. */
  private recordPerson(tally: Tally, messages: SegmentMessage[], seen: SeenInMessages): void {
    const s = this.s;
    const rec = this.record!;
    const o = this.offerRecord;
    const pc = this.checkoutProb(s.end);
    const repeat = (h: number) =>
      this.pendingRepeatAnchor === undefined ? 0 : pc * purchaseProbability(this.pendingRepeatAnchor, s.end, h, PARAMS.repeatGapMeanDays);
    tally.persons.push({
      index: this.i,
      userId: this.userId,
      anonymousIds: this.devices.map((d) => d.anonymousId),
      identified: messages.some((m) => m.userId !== undefined),
      persona: this.persona.name,
      region: this.region.name,
      considered: this.consider,
      ...rec,
      paid: this.paidTouches.slice(),
      revenue: Math.round(seen.personRevenue * 100) / 100,
      offer: o && seen.offerSeen ? o : undefined,
      pPurchase7: 1 - (1 - rec.pFirst7) * (1 - repeat(7)),
      pPurchase30: 1 - (1 - rec.pFirst30) * (1 - repeat(30)),
    });
  }
}

const PAD2 = Array.from({ length: 60 }, (_, k) => String(k).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, k) => String(k).padStart(3, '0'));
const dayPrefixes = new WeakMap<Schedule, string[]>();

/** Date#toISOString for in-period times, without a Date per message (the hot path). */
function isoTimestamp(s: Schedule, t: number): string {
  let prefixes = dayPrefixes.get(s);
  if (!prefixes) {
    prefixes = Array.from({ length: s.days }, (_, d) => new Date(s.start + d * DAY).toISOString().slice(0, 11));
    dayPrefixes.set(s, prefixes);
  }
  const d = Math.floor((t - s.start) / DAY);
  let ms = t - s.start - d * DAY;
  const h = Math.floor(ms / HOUR);
  ms -= h * HOUR;
  const min = Math.floor(ms / MINUTE);
  ms -= min * MINUTE;
  const sec = Math.floor(ms / 1000);
  return `${prefixes[d]}${PAD2[h]}:${PAD2[min]}:${PAD2[sec]}.${PAD3[ms - sec * 1000]}Z`;
}

function startOfDay(t: number): number {
  return t - (((t % DAY) + DAY) % DAY);
}

function productProps(p: Product, quantity: number, cartId?: string): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (cartId) o.cart_id = cartId;
  o.product_id = p.id;
  o.sku = p.sku;
  o.name = p.name;
  o.category = p.category;
  o.price = p.price;
  o.quantity = quantity;
  return o;
}

function emailSubject(campaign: string): string {
  switch (campaign) {
    case 'weekly-digest':
      return 'This week at Driftwood Supply';
    case 'new-arrivals':
      return 'Just landed: new arrivals';
    case 'win-back':
      return 'We miss you — 15% off your next order';
    case 'abandoned-cart':
      return 'You left something in your cart';
    default:
      return 'News from Driftwood Supply';
  }
}

/**
 * Stage reach per person as the store's identity resolution sees it: a device's messages belong
 * to the customer once any message carries both its anonymous id and the user id (identify,
 * alias, or a signed-in event); a device never linked is a person of its own.
 */
function tallyResolvedPersons(messages: SegmentMessage[], tally: Tally): void {
  const linked = new Set<string>();
  for (const m of messages) {
    if (m.userId && m.anonymousId) linked.add(m.anonymousId);
    if (m.userId && m.previousId) linked.add(m.previousId);
  }
  const persons = new Map<string, { viewed: boolean; orders: number; delivered: boolean }>();
  for (const m of messages) {
    const key = m.userId || (m.anonymousId && linked.has(m.anonymousId)) ? '' : m.anonymousId!;
    let p = persons.get(key);
    if (!p) persons.set(key, (p = { viewed: false, orders: 0, delivered: false }));
    if (m.event === 'Product Viewed') p.viewed = true;
    else if (m.event === 'Order Completed') p.orders++;
    else if (m.event === 'Order Delivered') p.delivered = true;
  }
  for (const [key, p] of persons) {
    const stages = key === '' ? tally.identifiedStages : tally.anonymousStages;
    stages[0]++;
    if (p.viewed) stages[1]++;
    if (p.orders > 0) stages[2]++;
    if (p.delivered) stages[3]++;
    if (p.orders > 1) stages[4]++;
  }
}
