// Traffic source (source / medium / campaign / click id / referrer) and GA4 default channel
// group for one touch. Pure and allocation-light: it runs on every ingested message, so every
// regex and lookup table below is built once at module load.

export interface TrafficInput {
  /** Segment `context.campaign`: {name, source, medium, term, content, id}. */
  campaign?: Record<string, unknown>;
  /** Page URL (`context.page.url` or `properties.url`). */
  url?: string;
  /** `context.page.referrer` or `properties.referrer`. */
  referrer?: string;
  /** `properties.channel` for non-web touchpoints, e.g. 'Phone', 'Customer Service', 'In-store'. */
  channelOverride?: string;
  /** The project's own domains (settings.domains): a referrer on one of them, or a subdomain of one, is internal navigation. */
  ownDomains?: readonly string[];
}

export interface TrafficSource {
  source: string;
  medium: string;
  campaign: string;
  term: string;
  content: string;
  /** External referrer host without `www.`; '' when absent or internal navigation. */
  referrerHost: string;
  /** Ad click id value as received (case preserved); '' when none. */
  clickId: string;
  channel: string;
}

/** GA4 default channel groups in Google's published evaluation order (first match wins). */
export const GA4_CHANNELS = [
  'Direct',
  'Cross-network',
  'Paid Shopping',
  'Paid Search',
  'Paid Social',
  'Paid Video',
  'Display',
  'Paid Other',
  'Organic Shopping',
  'Organic Social',
  'Organic Video',
  'Organic Search',
  'Referral',
  'Email',
  'Affiliates',
  'Audio',
  'SMS',
  'Mobile Push Notifications',
  'Unassigned',
] as const;
export type Ga4Channel = (typeof GA4_CHANNELS)[number];

export type SourceCategory = 'search' | 'social' | 'video' | 'shopping';

// ---------------------------------------------------------------------------------------------
// Source category lists. Base: Google's published GA4 source-category list (the one the default
// channel group rules refer to), lower-cased because sources are lower-cased here. Additions
// beyond Google's list are marked; they are the canonical names this module emits for
// referrers (e.g. 'ecosia', 'twitter' for x.com) and a few large sites missing from the list.

const SEARCH_SITES = `
360.cn alice aol ar.search.yahoo.com ask at.search.yahoo.com au.search.yahoo.com auone avg
babylon baidu biglobe biglobe.co.jp biglobe.ne.jp bing br.search.yahoo.com ca.search.yahoo.com
centrum.cz ch.search.yahoo.com cl.search.yahoo.com cn.bing.com cnn co.search.yahoo.com comcast
conduit cse.google.com daum daum.net de.search.yahoo.com dk.search.yahoo.com dogpile dogpile.com
duckduckgo ecosia.org email.seznam.cz eniro es.search.yahoo.com espanol.search.yahoo.com
exalead.com excite.com fi.search.yahoo.com firmy.cz fr.search.yahoo.com globo go.mail.ru google
google-play google.com googlemybusiness hk.search.yahoo.com id.search.yahoo.com in.search.yahoo.com
incredimail it.search.yahoo.com kvasir lite.qwant.com lycos m.baidu.com m.naver.com
m.search.naver.com m.sogou.com mail.rambler.ru mail.yandex.ru malaysia.search.yahoo.com msn
msn.com mx.search.yahoo.com najdi naver naver.com news.google.com nl.search.yahoo.com
no.search.yahoo.com ntp.msn.com nz.search.yahoo.com onet onet.pl pe.search.yahoo.com
ph.search.yahoo.com pl.search.yahoo.com qwant qwant.com rakuten rakuten.co.jp rambler rambler.ru
se.search.yahoo.com search-results search.aol.co.uk search.aol.com search.google.com
search.smt.docomo.ne.jp search.ukr.net secureurl.ukr.net seznam seznam.cz sg.search.yahoo.com
so.com sogou sogou.com sp-web.search.auone.jp startsiden startsiden.no suche.aol.de terra
th.search.yahoo.com tr.search.yahoo.com tut.by tw.search.yahoo.com uk.search.yahoo.com ukr
us.search.yahoo.com virgilio vn.search.yahoo.com wap.sogou.com webmaster.yandex.ru
websearch.rakuten.co.jp yahoo yahoo.co.jp yahoo.com yandex yandex.by yandex.com yandex.com.tr
yandex.fr yandex.kz yandex.ru yandex.ua yandex.uz zen.yandex.ru
ecosia brave startpage bing.com baidu.com duckduckgo.com ask.com
`;

const SOCIAL_SITES = `
43things 43things.com 51.com 5ch.net hatena academia.edu activerain activerain.com addthis
addthis.com allnurses.com allrecipes.com amp.reddit.com ameba.jp ameblo.jp answers.yahoo.com
apps.facebook.com ar.pinterest.com artstation.com askubuntu askubuntu.com away.vk.com awe.sm
b.hatena.ne.jp badoo badoo.com bebo bebo.com bit.ly blog.naver.com blogger blogger.com blogspot
blogspot.com br.pinterest.com business.facebook.com buzzfeed buzzfeed.com cafe.naver.com
chat.zalo.me co.pinterest.com crunchyroll crunchyroll.com cz.pinterest.com deviantart
deviantart.com digg digg.com disqus disqus.com douban douban.com draft.blogger.com fandom.com
facebook facebook.com fb fb.me flickr flickr.com flipboard flipboard.com foursquare
foursquare.com free.facebook.com getpocket.com glassdoor glassdoor.com goo.gl goodreads
goodreads.com google+ googlegroups.com googleplus groups.google.com houzz houzz.com hu.pinterest.com
id.pinterest.com ig in.pinterest.com instagram instagram.com instapaper instapaper.com is.gd
kakao kakao.com kakaocorp.com kin.naver.com l.facebook.com l.instagram.com l.messenger.com
last.fm line line.me linkedin linkedin.com livejournal livejournal.com lm.facebook.com lnkd.in
m.blog.naver.com m.cafe.naver.com m.facebook.com m.kin.naver.com m.vk.com m.yelp.com medium.com
meetup meetup.com messages.google.com messenger messenger.com mix.com mixi.jp
mobile.facebook.com myspace myspace.com news.ycombinator.com nicovideo.jp nl.pinterest.com
odnoklassniki.ru old.reddit.com out.reddit.com paper.li pinterest pinterest.at pinterest.ca
pinterest.ch pinterest.cl pinterest.co.kr pinterest.co.uk pinterest.com pinterest.com.au
pinterest.com.mx pinterest.de pinterest.es pinterest.fr pinterest.it pinterest.jp pinterest.nz
pinterest.ph pinterest.pt pinterest.ru pinterest.se pixiv.net pl.pinterest.com plurk plurk.com
plus.google.com plus.url.google.com pocket.co quora quora.com qzone.qq.com reddit reddit.com
renren renren.com researchgate.net scoop.it scribd scribd.com sharethis sharethis.com
sites.google.com skype slashdot.org slideshare.net smartnews.com snapchat snapchat.com
stackexchange stackexchange.com stackoverflow stackoverflow.com superuser superuser.com t.co
t.me tagged tagged.com techmeme techmeme.com tencent tencent.com tiktok tiktok.com tinyurl
tinyurl.com touch.facebook.com tr.pinterest.com tripadvisor tripadvisor.com tumblr tumblr.com
tweetdeck tweetdeck.com twitter twitter.com typepad typepad.com vk.com vkontakte.ru wattpad
wattpad.com web.facebook.com web.skype.com wechat wechat.com weebly weebly.com weibo weibo.com
whatsapp whatsapp.com wikihow.com wordpress wordpress.com wordpress.org xing xing.com yammer
yammer.com yelp yelp.co.uk yelp.com za.pinterest.com zalo
x x.com vk telegram threads threads.net bluesky bsky.app mastodon mastodon.social
`;

const VIDEO_SITES = `
blog.twitch.tv crackle crackle.com curiositystream curiositystream.com d.tube dailymotion
dailymotion.com dashboard.twitch.tv disneyplus disneyplus.com fast.wistia.net help.hulu.com
help.netflix.com hulu hulu.com id.twitch.tv iq.com iqiyi iqiyi.com jobs.netflix.com justin.tv
m.twitch.tv m.youtube.com music.youtube.com netflix netflix.com player.twitch.tv player.vimeo.com
ted ted.com twitch twitch.tv utreon utreon.com veoh veoh.com viadeo.journaldunet.com vimeo
vimeo.com wistia wistia.com youku youku.com youtube youtube.com
youtu.be
`;

const SHOPPING_SITES = `
google%20shopping igshopping aax-us-east.amazon-adsystem.com aax.amazon-adsystem.com alibaba
alibaba.com amazon amazon.co.uk amazon.com apps.shopify.com checkout.shopify.com
checkout.stripe.com cr.shopping.naver.com cr2.shopping.naver.com ebay ebay.co.uk ebay.com
ebay.com.au ebay.de etsy etsy.com m.alibaba.com m.shopping.naver.com mercadolibre
mercadolibre.com mercadolibre.com.ar mercadolibre.com.mx message.alibaba.com
msearch.shopping.naver.com nl.shopping.net no.shopping.net offer.alibaba.com one.walmart.com
order.shopping.yahoo.co.jp partners.shopify.com s3.amazonaws.com se.shopping.net shop.app shopify
shopify.com shopping.naver.com shopping.yahoo.co.jp shopping.yahoo.com shopzilla shopzilla.com
simplycodes.com store.shopping.yahoo.co.jp stripe stripe.com uk.shopping.net walmart walmart.com
amazon.de amazon.fr amazon.it amazon.es amazon.ca amazon.co.jp amazon.in amazon.com.au
`;

const SOURCE_CATEGORIES: ReadonlyMap<string, SourceCategory> = (() => {
  const map = new Map<string, SourceCategory>();
  const add = (list: string, category: SourceCategory) => {
    // '%20' stands for a space inside a whitespace-separated list ('google shopping').
    for (const entry of list.split(/\s+/)) if (entry) map.set(entry.replace(/%20/g, ' '), category);
  };
  add(SEARCH_SITES, 'search');
  add(SOCIAL_SITES, 'social');
  add(VIDEO_SITES, 'video');
  add(SHOPPING_SITES, 'shopping');
  return map;
})();

/** GA4 source category of a (lower-cased) source, or undefined when it is on no list. */
export function sourceCategory(source: string): SourceCategory | undefined {
  const hit = SOURCE_CATEGORIES.get(source);
  if (hit !== undefined || !source.startsWith('www.')) return hit;
  return SOURCE_CATEGORIES.get(source.slice(4));
}

// ---------------------------------------------------------------------------------------------
// GA4 default channel group. Regexes are Google's, anchored and matched on lower-cased values.

const PAID_MEDIUM = /^(.*cp.*|ppc|retargeting|paid.*)$/;
const DISPLAY_MEDIUM = new Set(['display', 'banner', 'expandable', 'interstitial', 'cpm']);
// `[^a-df-z]` deliberately lets 'e' through so 'eshop' / 'e-shop' match but 'workshop' does not.
const SHOPPING_CAMPAIGN = /^(.*(([^a-df-z]|^)shop|shopping).*)$/;
const SOCIAL_MEDIUM = new Set(['social', 'social-network', 'social-media', 'sm', 'social network', 'social media']);
const VIDEO_MEDIUM = /^(.*video.*)$/;
const REFERRAL_MEDIUM = new Set(['referral', 'app', 'link']);
const EMAIL_VALUES = new Set(['email', 'e-mail', 'e_mail', 'e mail']);
const PUSH_MEDIUM = /(push$|mobile|notification)/;

/**
 * GA4 default channel group of a source / medium / campaign name, following Google's published
 * rules in their published order. Inputs are expected lower-cased and trimmed.
 */
export function ga4DefaultChannel(source: string, medium: string, campaign: string): Ga4Channel {
  if (source === '(direct)' && (medium === '(none)' || medium === '(not set)')) return 'Direct';
  if (campaign.includes('cross-network')) return 'Cross-network';

  const category = sourceCategory(source);
  const paid = PAID_MEDIUM.test(medium);
  const shoppingCampaign = SHOPPING_CAMPAIGN.test(campaign);

  if (paid) {
    if (category === 'shopping' || shoppingCampaign) return 'Paid Shopping';
    if (category === 'search') return 'Paid Search';
    if (category === 'social') return 'Paid Social';
    if (category === 'video') return 'Paid Video';
  }
  if (DISPLAY_MEDIUM.has(medium)) return 'Display';
  if (paid) return 'Paid Other';
  if (category === 'shopping' || shoppingCampaign) return 'Organic Shopping';
  if (category === 'social' || SOCIAL_MEDIUM.has(medium)) return 'Organic Social';
  if (category === 'video' || VIDEO_MEDIUM.test(medium)) return 'Organic Video';
  if (category === 'search' || medium === 'organic') return 'Organic Search';
  if (REFERRAL_MEDIUM.has(medium)) return 'Referral';
  if (EMAIL_VALUES.has(source) || EMAIL_VALUES.has(medium)) return 'Email';
  if (medium === 'affiliate') return 'Affiliates';
  if (medium === 'audio') return 'Audio';
  if (source === 'sms' || medium === 'sms') return 'SMS';
  if (PUSH_MEDIUM.test(medium) || source === 'firebase') return 'Mobile Push Notifications';
  return 'Unassigned';
}

// ---------------------------------------------------------------------------------------------
// Referrer hosts → canonical source names. Search engines get medium 'organic' (as GA4 does);
// social and video sites get a canonical name and medium 'referral', so a referral from
// l.facebook.com and a utm_source=facebook link share one source value.

interface HostRule {
  pattern: RegExp;
  name: string;
  search: boolean;
}

const search = (pattern: RegExp, name: string): HostRule => ({ pattern, name, search: true });
const site = (pattern: RegExp, name: string): HostRule => ({ pattern, name, search: false });

const HOST_RULES: readonly HostRule[] = [
  // Search engines. Only the search hosts of each brand: mail.google.com is not a search.
  search(/^(?:(?:images|news|search|cse)\.)?google\.(?:com?\.)?[a-z]{2,3}$|^com\.google\.android\.googlequicksearchbox$/, 'google'),
  search(/(?:^|\.)bing\.com$/, 'bing'),
  search(/(?:^|\.)search\.yahoo\.(?:com|co\.jp)$|^yahoo\.co(?:m|\.jp)$/, 'yahoo'),
  search(/(?:^|\.)duckduckgo\.com$/, 'duckduckgo'),
  search(/(?:^|\.)baidu\.com$/, 'baidu'),
  search(/(?:^|\.)yandex\.(?:com?\.)?[a-z]{2,3}$|^ya\.ru$/, 'yandex'),
  search(/(?:^|\.)ecosia\.org$/, 'ecosia'),
  search(/(?:^|\.)ask\.com$/, 'ask'),
  search(/^(?:m\.)?(?:search\.)?naver\.com$/, 'naver'),
  search(/^(?:search\.)?seznam\.cz$/, 'seznam'),
  search(/^(?:search\.)?daum\.net$/, 'daum'),
  search(/(?:^|\.)sogou\.com$/, 'sogou'),
  search(/(?:^|\.)qwant\.com$/, 'qwant'),
  search(/(?:^|\.)startpage\.com$/, 'startpage'),
  search(/^search\.brave\.com$/, 'brave'),
  search(/^search\.aol\.(?:com|co\.uk)$|^suche\.aol\.de$/, 'aol'),
  // Social and video sites.
  site(/(?:^|\.)facebook\.com$|^fb\.(?:me|com)$/, 'facebook'),
  site(/(?:^|\.)instagram\.com$/, 'instagram'),
  site(/(?:^|\.)(?:twitter|x)\.com$|^t\.co$/, 'twitter'),
  site(/(?:^|\.)linkedin\.com$|^lnkd\.in$/, 'linkedin'),
  site(/(?:^|\.)pinterest\.(?:com?\.)?[a-z]{2,3}$|^pin\.it$/, 'pinterest'),
  site(/(?:^|\.)reddit\.com$|^redd\.it$/, 'reddit'),
  site(/(?:^|\.)tiktok\.com$/, 'tiktok'),
  site(/(?:^|\.)snapchat\.com$/, 'snapchat'),
  site(/(?:^|\.)quora\.com$/, 'quora'),
  site(/(?:^|\.)tumblr\.com$/, 'tumblr'),
  site(/(?:^|\.)vk\.com$/, 'vk'),
  site(/(?:^|\.)whatsapp\.com$|^wa\.me$/, 'whatsapp'),
  site(/^t\.me$/, 'telegram'),
  site(/(?:^|\.)threads\.(?:net|com)$/, 'threads'),
  site(/^bsky\.app$/, 'bluesky'),
  site(/(?:^|\.)weibo\.com$/, 'weibo'),
  site(/(?:^|\.)youtube\.com$|^youtu\.be$/, 'youtube'),
  site(/(?:^|\.)vimeo\.com$/, 'vimeo'),
  site(/(?:^|\.)twitch\.tv$/, 'twitch'),
  site(/(?:^|\.)dailymotion\.com$/, 'dailymotion'),
];

function classifyReferrerHost(host: string): { source: string; medium: string } {
  for (const rule of HOST_RULES) {
    if (rule.pattern.test(host)) return { source: rule.name, medium: rule.search ? 'organic' : 'referral' };
  }
  // Smaller engines on Google's search list (so.com, rambler.ru, ...) are still organic search.
  return { source: host, medium: sourceCategory(host) === 'search' ? 'organic' : 'referral' };
}

// ---------------------------------------------------------------------------------------------
// Click ids, in precedence order when several are present.

interface ClickIdRule {
  source: string;
  medium: string;
}

// fbclid is appended by Facebook to organic outbound links as well as to ads, so 'paid' here
// over-counts Paid Social for organic posts; tag ads with UTMs to make the split exact.
// 'paid' (not 'paid_social') keeps one medium for every paid-social click id; it matches GA4's
// `paid.*` medium pattern, and facebook/tiktok/linkedin are on the social list: Paid Social.
const CLICK_IDS: ReadonlyMap<string, ClickIdRule> = new Map([
  ['gclid', { source: 'google', medium: 'cpc' }],
  ['gbraid', { source: 'google', medium: 'cpc' }],
  ['wbraid', { source: 'google', medium: 'cpc' }],
  ['dclid', { source: 'google', medium: 'cpc' }],
  ['msclkid', { source: 'bing', medium: 'cpc' }],
  ['fbclid', { source: 'facebook', medium: 'paid' }],
  ['ttclid', { source: 'tiktok', medium: 'paid' }],
  ['li_fat_id', { source: 'linkedin', medium: 'paid' }],
]);
const CLICK_ID_ORDER = [...CLICK_IDS.keys()];

const UTM_KEYS = new Set(['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'utm_id']);

// ---------------------------------------------------------------------------------------------

const WWW = /^www\./;
const TRAILING_DOT = /\.$/;
const WHITESPACE = /\s+/;
const HAS_SPACE = /\s/;

function normalizeHost(hostname: string): string {
  return hostname.toLowerCase().replace(TRAILING_DOT, '').replace(WWW, '');
}

function clean(value: unknown): string {
  if (typeof value === 'string') return value.trim().toLowerCase();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

/** Parses an absolute URL, a scheme-less host/path, or a path; null when unusable. */
function parseUrl(raw: string | undefined): URL | null {
  if (!raw) return null;
  const value = raw.trim();
  if (!value) return null;
  if (URL.canParse(value)) return new URL(value);
  // A bare path still carries a query string worth reading; its host is unknown ('').
  if (value.startsWith('/') || value.startsWith('?')) return new URL(value, 'relative:/');
  // A bare host ('news.ycombinator.com'); anything with a scheme or spaces was malformed above.
  if (value.includes('://') || HAS_SPACE.test(value)) return null;
  const withScheme = `https://${value}`;
  return URL.canParse(withScheme) ? new URL(withScheme) : null;
}

const DIRECT_REFERRERS = new Set(['$direct', '(direct)', 'direct']);

function isOwnDomain(host: string, own: readonly string[] | undefined): boolean {
  if (!own) return false;
  for (const raw of own) {
    const d = normalizeHost(
      raw
        .trim()
        .toLowerCase()
        .replace(/^https?:\/\//, '')
        .split('/')[0]!,
    );
    if (d && (host === d || host.endsWith(`.${d}`))) return true;
  }
  return false;
}

function hostOf(url: URL | null): string {
  if (!url) return '';
  // Non-http referrers such as android-app://com.google.android.gm keep their package as host.
  return normalizeHost(url.hostname);
}

/** Title-cases each space-separated word and keeps the rest as given ('in-store' → 'In-store'). */
function titleCase(value: string): string {
  return value
    .trim()
    .split(WHITESPACE)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

/**
 * Resolves source, medium, campaign, click id and referrer host of a touch, and its channel.
 *
 * Precedence: UTM values (context.campaign, field by field, else the URL query) → ad click id
 * → referrer host (search engine → organic, social/video → canonical name) → (direct) / (none).
 * A referrer on the page's own host or on one of the project's own domains (or their subdomains)
 * is internal navigation: source, medium and channel stay '' so the session keeps its source
 * (GA convention). RudderStack's '$direct' referrer means no referrer. When any UTM value is present the touch counts as
 * tagged: missing source/medium come from a click id if there is one, else '(not set)', and
 * the referrer does not fill them (a tagged newsletter link opened from webmail is still the
 * newsletter). A non-empty channelOverride replaces the GA4 channel, title-cased.
 */
export function resolveTrafficSource(input: TrafficInput): Readonly<TrafficSource> {
  const key = memoKey(input);
  if (key === undefined) return resolveUncached(input);
  let hit = memo.get(key);
  if (!hit) {
    hit = Object.freeze(resolveUncached(input));
    // Bounded like the device cache: unique click ids cannot grow memory, they only miss.
    if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value as string);
    memo.set(key, hit);
  }
  return hit;
}

// Parsing two URLs was the largest cost of ingesting a message; pages, referrers and campaigns
// repeat, so the resolution is memoised on its inputs (it is a pure function of them).
const MEMO_LIMIT = 20_000;
const memo = new Map<string, Readonly<TrafficSource>>();
const CAMPAIGN_FIELDS = ['source', 'medium', 'name', 'id', 'term', 'content'] as const;

/**
 * The inputs as one string, each length-prefixed so no two different inputs share a key (a
 * client controls every part); undefined when a campaign value is not a plain string (rare: not cached).
 */
function part(v: string | undefined): string {
  return v === undefined ? '-' : `${v.length}:${v}`;
}

// A project's domain list is one array kept by the project directory: its key part is built once
// per array, not once per event.
const domainKeys = new WeakMap<readonly string[], string>();
function domainsKey(own: readonly string[] | undefined): string {
  if (!own) return '-';
  let k = domainKeys.get(own);
  if (k === undefined) domainKeys.set(own, (k = part(own.join(' '))));
  return k;
}

function memoKey(input: TrafficInput): string | undefined {
  let key = part(input.url) + part(input.referrer) + part(input.channelOverride) + domainsKey(input.ownDomains);
  const campaign = input.campaign;
  if (campaign) {
    key += 'c';
    for (const f of CAMPAIGN_FIELDS) {
      const v = campaign[f];
      if (v === undefined || v === null) key += '-';
      else if (typeof v === 'string') key += part(v);
      else return undefined;
    }
  }
  return key.length > 4096 ? undefined : key;
}

function resolveUncached(input: TrafficInput): TrafficSource {
  const campaignObj = input.campaign ?? {};
  const pageUrl = parseUrl(input.url);

  // One pass over the query string collects UTM values and click ids (keys case-insensitive).
  let urlUtm: Record<string, string> | null = null;
  let clickParam = '';
  let clickId = '';
  if (pageUrl && pageUrl.search.length > 1) {
    let clickRank = CLICK_ID_ORDER.length;
    for (const [rawKey, rawValue] of pageUrl.searchParams) {
      const key = rawKey.toLowerCase();
      if (UTM_KEYS.has(key)) {
        const value = clean(rawValue);
        if (value) (urlUtm ??= {})[key] ??= value;
      } else if (CLICK_IDS.has(key)) {
        const value = rawValue.trim();
        const rank = CLICK_ID_ORDER.indexOf(key);
        if (value && rank < clickRank) {
          clickRank = rank;
          clickParam = key;
          clickId = value;
        }
      }
    }
  }

  const pick = (field: string, utmKey: string): string => clean(campaignObj[field]) || (urlUtm?.[utmKey] ?? '');
  let source = pick('source', 'utm_source');
  let medium = pick('medium', 'utm_medium');
  // utm_id stands in for the campaign name when no name was given, so the touch stays groupable.
  const campaign = pick('name', 'utm_campaign') || pick('id', 'utm_id');
  const term = pick('term', 'utm_term');
  const content = pick('content', 'utm_content');
  const tagged = Boolean(source || medium || campaign || term || content);

  let referrerHost = '';
  let internal = false;
  // RudderStack's SDK sends '$direct' when the browser gave no referrer.
  const referrerUrl = DIRECT_REFERRERS.has((input.referrer ?? '').trim().toLowerCase()) ? null : parseUrl(input.referrer);
  if (referrerUrl) {
    const host = hostOf(referrerUrl);
    // Same host as the page, or one of the project's own domains: internal navigation, not an acquisition source.
    if (host && (host === hostOf(pageUrl) || isOwnDomain(host, input.ownDomains))) internal = true;
    else if (host) referrerHost = host;
  }

  const click = clickParam ? CLICK_IDS.get(clickParam) : undefined;
  if (!source && !medium && click) {
    source = click.source;
    medium = click.medium;
  } else if (tagged) {
    source ||= '(not set)';
    medium ||= '(not set)';
  } else if (referrerHost) {
    ({ source, medium } = classifyReferrerHost(referrerHost));
  } else if (internal) {
    // No source of its own: the session continues with the source it has (GA convention), and
    // the event is not a channel touch. An internal page view is not a direct visit.
    source = '';
    medium = '';
  } else {
    source = '(direct)';
    medium = '(none)';
  }

  const override = typeof input.channelOverride === 'string' ? input.channelOverride.trim() : '';
  const channel = override ? titleCase(override) : source === '' ? '' : ga4DefaultChannel(source, medium, campaign);

  return { source, medium, campaign, term, content, referrerHost, clickId, channel };
}
