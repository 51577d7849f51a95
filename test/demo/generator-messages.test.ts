import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isbot } from 'isbot';
import { generateDemo, DEFAULT_DEMO, type SegmentMessage } from '../../src/demo/generator.ts';

// One 2,000-customer world shared by the tests below (~100k messages).
// 2,600 would-be customers over the default year: about 2,000 arrive (the rest are prospects the media plan did not buy).
const options = { ...DEFAULT_DEMO, customers: 2600 };
const run = generateDemo(options);
const messages: SegmentMessage[] = [...run.messages()];
const truth = run.groundTruth();
const spend = [...run.spendRows()];

const periodStart = Date.parse(`${truth.generator.start_date}T00:00:00Z`);
const periodEnd = Date.parse(`${truth.generator.end_date}T23:59:59.999Z`);

function count(pred: (m: SegmentMessage) => boolean): number {
  let n = 0;
  for (const m of messages) if (pred(m)) n++;
  return n;
}
const track = (event: string) => count((m) => m.type === 'track' && m.event === event);

test('a 2,000-customer world produces about 50 messages per customer, mostly page views', () => {
  assert.ok(messages.length > 70_000 && messages.length < 130_000, `messages ${messages.length}`);
  assert.equal(truth.totals.messages, messages.length);
  const pages = count((m) => m.type === 'page');
  assert.ok(pages / messages.length > 0.5 && pages / messages.length < 0.7, `page share ${pages / messages.length}`);
});

test('event counts per type fall in ranges a small online retailer would see', () => {
  const ranges: Array<[string, number, number]> = [
    ['Product Viewed', 15_000, 40_000],
    ['Products Searched', 3_000, 12_000],
    ['Product Added', 700, 2_500],
    ['Checkout Started', 250, 600],
    ['Order Completed', 150, 400],
    ['Order Delivered', 140, 400],
    ['Order Refunded', 3, 60],
    ['Email Opened', 800, 3_000],
    ['Email Link Clicked', 250, 1_000],
    ['Survey Responded', 100, 400],
    ['Call Completed', 40, 200],
    ['Chat Started', 120, 450],
    ['Experiment Viewed', 350, 900],
  ];
  for (const [event, lo, hi] of ranges) {
    const n = track(event);
    assert.ok(n >= lo && n <= hi, `${event}: ${n} not in [${lo}, ${hi}]`);
  }
  assert.equal(track('Chat Started'), track('Chat Ended'));
  // Every order came from a checkout; not every checkout became an order.
  assert.ok(track('Order Completed') < track('Checkout Started'));
  const identifies = count((m) => m.type === 'identify');
  assert.ok(identifies > 300 && identifies < 1200, `identify ${identifies}`);
  assert.ok(count((m) => m.type === 'alias') > 10);
  // Ground-truth counts by type agree with the stream.
  for (const [key, n] of Object.entries(truth.totals.by_type)) {
    const [type, event] = key.split(':');
    assert.equal(
      count((m) => m.type === type && (event === undefined || m.event === event)),
      n,
      key,
    );
  }
});

test('every message carries the fields its Segment type requires, with unique message ids and UTC timestamps', () => {
  const ids = new Set<string>();
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
  for (const m of messages) {
    assert.equal(typeof m.messageId, 'string');
    assert.ok(!ids.has(m.messageId), `duplicate messageId ${m.messageId}`);
    ids.add(m.messageId);
    assert.match(m.timestamp, iso);
    const t = Date.parse(m.timestamp);
    assert.ok(t >= periodStart && t <= periodEnd, `timestamp outside period: ${m.timestamp}`);
    assert.ok(m.anonymousId || m.userId, `no identity on ${m.messageId}`);
    switch (m.type) {
      case 'track':
        assert.equal(typeof m.event, 'string');
        assert.equal(typeof m.properties, 'object');
        break;
      case 'page':
        assert.equal(typeof m.name, 'string');
        assert.match(String(m.properties?.path), /^\//);
        assert.match(String(m.properties?.url), /^https:\/\/shop\.example\.com\//);
        assert.equal(m.context?.page?.url, m.properties?.url);
        assert.ok(m.context?.userAgent);
        break;
      case 'identify':
        assert.ok(m.userId && m.anonymousId);
        assert.match(String(m.traits?.email), /@example\.com$/);
        break;
      case 'alias':
        assert.ok(m.userId && m.previousId);
        break;
      default:
        assert.fail(`unexpected type ${m.type}`);
    }
  }
});

test('e-commerce, survey, call and chat events carry their spec properties', () => {
  const regions = new Set<string>();
  for (const m of messages) {
    const p = m.properties ?? {};
    if (m.type === 'identify' && m.traits?.region) regions.add(String(m.traits.region));
    if (m.type !== 'track') continue;
    switch (m.event) {
      case 'Product Viewed':
        assert.ok(p.product_id && p.name && p.category && typeof p.price === 'number');
        break;
      case 'Order Completed': {
        assert.match(String(p.order_id), /^DS\d{7}-\d+$/);
        assert.equal(p.currency, 'USD');
        const products = p.products as Array<{ price: number; quantity: number }>;
        assert.ok(products.length >= 1);
        const subtotal = products.reduce((a, x) => a + x.price * x.quantity, 0);
        assert.ok(Math.abs(subtotal - (p.revenue as number)) < 0.01, `revenue ${p.revenue} vs ${subtotal}`);
        assert.ok(m.userId, 'orders are identified');
        break;
      }
      case 'Order Delivered':
        assert.ok(p.order_id && Number.isInteger(p.days_late) && (p.days_late as number) >= 0);
        break;
      case 'Survey Responded': {
        const score = p.score as number;
        if (p.survey === 'NPS') assert.ok(score >= 0 && score <= 10);
        else if (p.survey === 'CSAT') assert.ok(score >= 1 && score <= 5);
        else assert.fail(`survey ${p.survey}`);
        assert.ok(typeof p.stage === 'string');
        break;
      }
      case 'Call Completed':
        assert.equal(p.channel, 'Phone');
        assert.ok(p.campaign && typeof p.keyword === 'string' && typeof p.duration_seconds === 'number' && typeof p.answered === 'boolean');
        break;
      case 'Chat Started':
      case 'Chat Ended':
        assert.equal(p.channel, 'Customer Service');
        assert.ok(p.topic);
        break;
      case 'Experiment Viewed':
        assert.ok(p.experiment_id === 'free-shipping-banner' || p.experiment_id === 'welcome-offer', String(p.experiment_id));
        assert.ok(p.variation_id === 0 || p.variation_id === 1);
        break;
    }
  }
  assert.equal(regions.size, 8);
  const comments = new Set(messages.filter((m) => m.event === 'Survey Responded').map((m) => m.properties?.comment));
  assert.ok(comments.has('Delivery was late again') && comments.has('Checkout was so easy'));
});

test('acquisition touches carry the UTMs, click ids and referrers of their channel', () => {
  const landings = messages.filter((m) => m.type === 'page' && m.context?.campaign);
  const mediums = new Set(landings.map((m) => m.context!.campaign!.medium));
  for (const medium of ['cpc', 'paid_social', 'email', 'display', 'affiliate']) assert.ok(mediums.has(medium), medium);
  for (const m of landings) {
    const c = m.context!.campaign!;
    const url = String(m.properties!.url);
    assert.ok(url.includes(`utm_source=${c.source}`) && url.includes(`utm_medium=${c.medium}`));
    if (c.source === 'google') assert.match(url, /[?&]gclid=/);
    if (c.source === 'facebook' || c.source === 'instagram') assert.match(url, /[?&]fbclid=/);
  }
  const keywords = new Set(landings.filter((m) => m.context!.campaign!.source === 'google').map((m) => m.context!.campaign!.term));
  assert.ok(keywords.size >= 18, `paid search keywords ${keywords.size}`);
  const organic = count((m) => m.type === 'page' && !m.context?.campaign && m.properties?.referrer === 'https://www.google.com/');
  assert.ok(organic > 100, `organic landings ${organic}`);
});

test('a small share of page views come from bots, which never identify', () => {
  const pages = messages.filter((m) => m.type === 'page');
  const botPages = pages.filter((m) => isbot(m.context!.userAgent!));
  const share = botPages.length / pages.length;
  assert.ok(share > 0.005 && share < 0.08, `bot share ${share}`);
  const botIds = new Set(botPages.map((m) => m.anonymousId));
  assert.equal(
    count((m) => m.type === 'identify' && botIds.has(m.anonymousId)),
    0,
  );
  assert.equal(truth.population.bots, botIds.size);
});

test('identify links earlier anonymous events to the user, and later events on that device carry the userId', () => {
  const userOf = new Map<string, string>();
  let withAnonymousHistory = 0;
  let identified = 0;
  const seenAnonymous = new Set<string>();
  // Messages are grouped per customer and time-ordered within a customer.
  for (const m of messages) {
    if (m.anonymousId && !m.userId) {
      assert.ok(!userOf.has(m.anonymousId), `event after identify lacks userId: ${m.messageId}`);
      seenAnonymous.add(m.anonymousId);
    }
    if (m.type === 'identify') {
      const prev = userOf.get(m.anonymousId!);
      assert.ok(prev === undefined || prev === m.userId, 'one device belongs to one user');
      if (!prev) {
        identified++;
        if (seenAnonymous.has(m.anonymousId!)) withAnonymousHistory++;
      }
      userOf.set(m.anonymousId!, m.userId!);
    }
    if (m.anonymousId && m.userId && m.type !== 'alias') assert.equal(userOf.get(m.anonymousId), m.userId);
  }
  assert.ok(identified > 300);
  assert.ok(withAnonymousHistory / identified > 0.9, `${withAnonymousHistory}/${identified} identified devices had anonymous history`);
  // Some people use two devices: more identified devices than users.
  assert.ok(new Set(userOf.values()).size < userOf.size);
});

test('ground-truth stage counts match the persons seen in the stream', () => {
  const orders = new Map<string, number>();
  const delivered = new Set<string>();
  for (const m of messages) {
    if (m.event === 'Order Completed') orders.set(m.userId!, (orders.get(m.userId!) ?? 0) + 1);
    if (m.event === 'Order Delivered') delivered.add(m.userId!);
  }
  const stage = (name: string) => truth.stages.find((s) => s.stage === name)!.reached;
  assert.equal(stage('purchase'), orders.size);
  assert.equal(stage('experience'), delivered.size);
  assert.equal(stage('loyalty'), [...orders.values()].filter((n) => n >= 2).length);
  assert.equal(truth.totals.orders, track('Order Completed'));
  const consideration = truth.stages.find((s) => s.stage === 'consideration')!;
  assert.ok(Math.abs(consideration.realised_rate - (consideration.parameter as number)) < 0.04);
});

test('spend has a row for every day × paid campaign, and clicks cover the tracked paid landings', () => {
  const days = truth.generator.days;
  const channels = new Set(spend.map((r) => r.channel));
  assert.deepEqual([...channels].sort(), ['Affiliates', 'Display', 'Paid Search', 'Paid Social']);
  for (const channel of channels) {
    const dates = new Set(spend.filter((r) => r.channel === channel).map((r) => r.date));
    assert.equal(dates.size, days, channel);
  }
  const keys = new Set(spend.map((r) => `${r.channel}|${r.campaign}|${r.keyword}`));
  assert.equal(spend.length, days * keys.size);
  const searchKeywords = new Set(spend.filter((r) => r.channel === 'Paid Search').map((r) => r.keyword));
  assert.ok(searchKeywords.size >= 18 && searchKeywords.size <= 22);
  assert.ok(spend.some((r) => r.currency === 'EUR') && spend.some((r) => r.currency === 'USD'));

  // Tracked paid landings per row key from the stream.
  const channelOf = (source: string, medium: string) =>
    medium === 'display'
      ? 'Display'
      : medium === 'affiliate'
        ? 'Affiliates'
        : source === 'google'
          ? 'Paid Search'
          : source === 'facebook' || source === 'instagram'
            ? 'Paid Social'
            : null;
  const tracked = new Map<string, number>();
  for (const m of messages) {
    const c = m.type === 'page' ? m.context?.campaign : undefined;
    if (!c) continue;
    const ch = channelOf(c.source!, c.medium!);
    if (!ch) continue;
    const key = `${m.timestamp.slice(0, 10)}|${ch}|${c.name}|${c.term ?? ''}`;
    tracked.set(key, (tracked.get(key) ?? 0) + 1);
  }
  let trackedTotal = 0;
  let clicksTotal = 0;
  for (const r of spend) {
    const n = tracked.get(`${r.date}|${r.channel}|${r.campaign}|${r.keyword}`) ?? 0;
    // Untracked clicks (ad blockers, bounces before load) only add to the tracked ones.
    assert.ok(r.clicks >= n && r.clicks <= 2 * n + 4, `${r.date} ${r.campaign}: clicks ${r.clicks} vs tracked ${n}`);
    // Cost follows the media plan, not the clicks: zero only on the channel's dark days, when no
    // impression is bought (clicks then are late responses to earlier ads, carried by adstock).
    if (r.cost > 0) assert.ok(r.impressions > r.clicks);
    else assert.equal(r.impressions, 0);
    trackedTotal += n;
    clicksTotal += r.clicks;
  }
  assert.ok(trackedTotal > 1000);
  assert.ok(clicksTotal / trackedTotal > 1.05 && clicksTotal / trackedTotal < 1.15, `clicks/tracked ${clicksTotal / trackedTotal}`);
  const paidSpend = truth.channels
    .filter((c) => c.spend > 0)
    .map((c) => c.channel)
    .sort();
  assert.deepEqual(paidSpend, ['Affiliates', 'Display', 'Paid Search', 'Paid Social']);
});
