import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  resolveTrafficSource,
  ga4DefaultChannel,
  GA4_CHANNELS,
  type TrafficInput,
  type TrafficSource,
} from '../../../src/ingestion/enrich/index.ts';

interface Case {
  name: string;
  input: TrafficInput;
  // source, medium and channel are always stated; the other fields default to ''.
  want: Pick<TrafficSource, 'source' | 'medium' | 'channel'> & Partial<TrafficSource>;
}

const SITE = 'https://www.waymark-shop.com';

const CASES: Case[] = [
  // --- Direct -------------------------------------------------------------------------------
  { name: 'no url, no referrer, no campaign is direct', input: {}, want: { source: '(direct)', medium: '(none)', channel: 'Direct' } },
  {
    name: 'untagged landing page without referrer is direct',
    input: { url: `${SITE}/pricing` },
    want: { source: '(direct)', medium: '(none)', channel: 'Direct' },
  },
  {
    name: 'referrer on the same host (www stripped on both sides) is internal navigation: no source of its own, so the session keeps its source',
    input: { url: `${SITE}/checkout`, referrer: 'https://waymark-shop.com/cart' },
    want: { source: '', medium: '', channel: '' },
  },
  {
    name: 'a landing URL with UTM as the referrer of the next page is internal navigation, not Direct',
    input: { url: `${SITE}/product/1`, referrer: `${SITE}/?utm_source=google&utm_medium=cpc` },
    want: { source: '', medium: '', channel: '' },
  },
  {
    name: "RudderStack's $direct referrer means no referrer",
    input: { url: `${SITE}/`, referrer: '$direct' },
    want: { source: '(direct)', medium: '(none)', channel: 'Direct' },
  },
  {
    name: "a referrer on one of the project's own domains (or a subdomain of one) is internal",
    input: { url: `${SITE}/`, referrer: 'https://checkout.waymark-pay.com/done', ownDomains: ['waymark-pay.com'] },
    want: { source: '', medium: '', channel: '' },
  },
  {
    name: 'unparseable referrer is ignored',
    input: { url: `${SITE}/`, referrer: 'https://not a url' },
    want: { source: '(direct)', medium: '(none)', channel: 'Direct' },
  },

  // --- UTM from context.campaign and from the URL ----------------------------------------------
  {
    name: 'context.campaign google/cpc is Paid Search with campaign, term and content',
    input: { campaign: { source: 'google', medium: 'cpc', name: 'spring_sale', term: 'running shoes', content: 'ad_a' } },
    want: { source: 'google', medium: 'cpc', campaign: 'spring_sale', term: 'running shoes', content: 'ad_a', channel: 'Paid Search' },
  },
  {
    name: 'UTM parameters in the URL are used when context.campaign is absent',
    input: { url: `${SITE}/?utm_source=facebook&utm_medium=paid_social&utm_campaign=retarget_q2` },
    want: { source: 'facebook', medium: 'paid_social', campaign: 'retarget_q2', channel: 'Paid Social' },
  },
  {
    name: 'context.campaign wins over URL UTM field by field, URL fills the gaps',
    input: { campaign: { source: 'newsletter', medium: 'email' }, url: `${SITE}/?utm_source=other&utm_campaign=weekly_42` },
    want: { source: 'newsletter', medium: 'email', campaign: 'weekly_42', channel: 'Email' },
  },
  {
    name: 'UTM values are trimmed and lower-cased, parameter names case-insensitive',
    input: { url: `${SITE}/?UTM_SOURCE=%20Google%20&Utm_Medium=CPC&utm_campaign=Brand+Terms` },
    want: { source: 'google', medium: 'cpc', campaign: 'brand terms', channel: 'Paid Search' },
  },
  {
    name: 'a relative page URL still yields its UTM parameters',
    input: { url: '/landing?utm_source=bing&utm_medium=ppc' },
    want: { source: 'bing', medium: 'ppc', channel: 'Paid Search' },
  },
  {
    name: 'utm_id stands in for a missing campaign name',
    input: { url: `${SITE}/?utm_source=google&utm_medium=cpc&utm_id=8812345` },
    want: { source: 'google', medium: 'cpc', campaign: '8812345', channel: 'Paid Search' },
  },
  {
    name: 'a tagged touch keeps its UTM source even with an external referrer, and records the referrer host',
    input: { url: `${SITE}/?utm_source=partner_blog&utm_medium=referral`, referrer: 'https://www.partnerblog.io/post/1' },
    want: { source: 'partner_blog', medium: 'referral', referrerHost: 'partnerblog.io', channel: 'Referral' },
  },
  {
    name: 'source without medium gets (not set) and is Unassigned',
    input: { campaign: { source: 'newsletter' } },
    want: { source: 'newsletter', medium: '(not set)', channel: 'Unassigned' },
  },
  {
    name: 'campaign name alone does not fall back to the referrer: (not set)/(not set), Unassigned',
    input: { url: `${SITE}/?utm_campaign=launch`, referrer: 'https://www.google.com/' },
    want: { source: '(not set)', medium: '(not set)', campaign: 'launch', referrerHost: 'google.com', channel: 'Unassigned' },
  },

  // --- Click ids ---------------------------------------------------------------------------------
  {
    name: 'gclid is google/cpc, Paid Search, click id kept verbatim (case preserved)',
    input: { url: `${SITE}/?gclid=EAIaIQobChMI_Abc-123` },
    want: { source: 'google', medium: 'cpc', clickId: 'EAIaIQobChMI_Abc-123', channel: 'Paid Search' },
  },
  {
    name: 'gbraid is google/cpc',
    input: { url: `${SITE}/?gbraid=0AAAAAo` },
    want: { source: 'google', medium: 'cpc', clickId: '0AAAAAo', channel: 'Paid Search' },
  },
  {
    name: 'wbraid is google/cpc',
    input: { url: `${SITE}/?wbraid=CjkKCQ` },
    want: { source: 'google', medium: 'cpc', clickId: 'CjkKCQ', channel: 'Paid Search' },
  },
  {
    name: 'dclid is google/cpc',
    input: { url: `${SITE}/?dclid=CJjX4` },
    want: { source: 'google', medium: 'cpc', clickId: 'CJjX4', channel: 'Paid Search' },
  },
  {
    name: 'msclkid is bing/cpc, Paid Search',
    input: { url: `${SITE}/?msclkid=9f1b2c` },
    want: { source: 'bing', medium: 'cpc', clickId: '9f1b2c', channel: 'Paid Search' },
  },
  {
    name: 'fbclid is facebook/paid, Paid Social',
    input: { url: `${SITE}/?fbclid=IwAR3xyz` },
    want: { source: 'facebook', medium: 'paid', clickId: 'IwAR3xyz', channel: 'Paid Social' },
  },
  {
    name: 'ttclid is tiktok/paid, Paid Social',
    input: { url: `${SITE}/?ttclid=E.C.P.abc` },
    want: { source: 'tiktok', medium: 'paid', clickId: 'E.C.P.abc', channel: 'Paid Social' },
  },
  {
    name: 'li_fat_id is linkedin/paid, Paid Social',
    input: { url: `${SITE}/?li_fat_id=5e7c-11` },
    want: { source: 'linkedin', medium: 'paid', clickId: '5e7c-11', channel: 'Paid Social' },
  },
  {
    name: 'gclid wins over fbclid when both are present, whatever their order',
    input: { url: `${SITE}/?fbclid=FB1&gclid=G1` },
    want: { source: 'google', medium: 'cpc', clickId: 'G1', channel: 'Paid Search' },
  },
  {
    name: 'explicit UTM source/medium win over a click id, which is still recorded',
    input: { url: `${SITE}/?utm_source=newsletter&utm_medium=email&gclid=G2` },
    want: { source: 'newsletter', medium: 'email', clickId: 'G2', channel: 'Email' },
  },
  {
    name: 'click id supplies source/medium when UTM has only a campaign',
    input: { url: `${SITE}/?utm_campaign=brand&gclid=G3` },
    want: { source: 'google', medium: 'cpc', campaign: 'brand', clickId: 'G3', channel: 'Paid Search' },
  },
  {
    name: 'click id wins over a search-engine referrer',
    input: { url: `${SITE}/?gclid=G4`, referrer: 'https://www.google.com/' },
    want: { source: 'google', medium: 'cpc', clickId: 'G4', referrerHost: 'google.com', channel: 'Paid Search' },
  },

  // --- Referrers -----------------------------------------------------------------------------------
  {
    name: 'google.com referrer is google/organic, Organic Search',
    input: { url: `${SITE}/`, referrer: 'https://www.google.com/' },
    want: { source: 'google', medium: 'organic', referrerHost: 'google.com', channel: 'Organic Search' },
  },
  {
    name: 'country Google domain google.co.uk is google/organic',
    input: { referrer: 'https://www.google.co.uk/' },
    want: { source: 'google', medium: 'organic', referrerHost: 'google.co.uk', channel: 'Organic Search' },
  },
  {
    name: 'bing referrer is bing/organic',
    input: { referrer: 'https://www.bing.com/search?q=waymark' },
    want: { source: 'bing', medium: 'organic', referrerHost: 'bing.com', channel: 'Organic Search' },
  },
  {
    name: 'duckduckgo referrer',
    input: { referrer: 'https://duckduckgo.com/' },
    want: { source: 'duckduckgo', medium: 'organic', referrerHost: 'duckduckgo.com', channel: 'Organic Search' },
  },
  {
    name: 'regional yahoo search referrer',
    input: { referrer: 'https://uk.search.yahoo.com/search?p=x' },
    want: { source: 'yahoo', medium: 'organic', referrerHost: 'uk.search.yahoo.com', channel: 'Organic Search' },
  },
  {
    name: 'yandex.ru referrer',
    input: { referrer: 'https://yandex.ru/search/?text=x' },
    want: { source: 'yandex', medium: 'organic', referrerHost: 'yandex.ru', channel: 'Organic Search' },
  },
  {
    name: 'ecosia referrer',
    input: { referrer: 'https://www.ecosia.org/search?q=x' },
    want: { source: 'ecosia', medium: 'organic', referrerHost: 'ecosia.org', channel: 'Organic Search' },
  },
  {
    name: 'baidu referrer',
    input: { referrer: 'https://www.baidu.com/link?url=x' },
    want: { source: 'baidu', medium: 'organic', referrerHost: 'baidu.com', channel: 'Organic Search' },
  },
  {
    name: 'naver search referrer',
    input: { referrer: 'https://search.naver.com/search.naver?query=x' },
    want: { source: 'naver', medium: 'organic', referrerHost: 'search.naver.com', channel: 'Organic Search' },
  },
  {
    name: 'a smaller engine on the search list (so.com) is organic with its host as source',
    input: { referrer: 'https://www.so.com/s?q=x' },
    want: { source: 'so.com', medium: 'organic', referrerHost: 'so.com', channel: 'Organic Search' },
  },
  {
    name: 'Android Google app referrer is google/organic',
    input: { referrer: 'android-app://com.google.android.googlequicksearchbox/' },
    want: { source: 'google', medium: 'organic', referrerHost: 'com.google.android.googlequicksearchbox', channel: 'Organic Search' },
  },
  {
    name: 'Gmail web (mail.google.com) is a plain referral, not search',
    input: { referrer: 'https://mail.google.com/' },
    want: { source: 'mail.google.com', medium: 'referral', referrerHost: 'mail.google.com', channel: 'Referral' },
  },
  {
    name: 'l.facebook.com referrer is facebook/referral, Organic Social',
    input: { url: `${SITE}/`, referrer: 'https://l.facebook.com/l.php?u=x' },
    want: { source: 'facebook', medium: 'referral', referrerHost: 'l.facebook.com', channel: 'Organic Social' },
  },
  {
    name: 't.co referrer is twitter',
    input: { referrer: 'https://t.co/AbC' },
    want: { source: 'twitter', medium: 'referral', referrerHost: 't.co', channel: 'Organic Social' },
  },
  {
    name: 'x.com referrer is twitter',
    input: { referrer: 'https://x.com/waymark' },
    want: { source: 'twitter', medium: 'referral', referrerHost: 'x.com', channel: 'Organic Social' },
  },
  {
    name: 'linkedin referrer',
    input: { referrer: 'https://www.linkedin.com/feed/' },
    want: { source: 'linkedin', medium: 'referral', referrerHost: 'linkedin.com', channel: 'Organic Social' },
  },
  {
    name: 'reddit referrer',
    input: { referrer: 'https://old.reddit.com/r/analytics' },
    want: { source: 'reddit', medium: 'referral', referrerHost: 'old.reddit.com', channel: 'Organic Social' },
  },
  {
    name: 'regional pinterest referrer',
    input: { referrer: 'https://de.pinterest.com/pin/1' },
    want: { source: 'pinterest', medium: 'referral', referrerHost: 'de.pinterest.com', channel: 'Organic Social' },
  },
  {
    name: 'a listed social host without a canonical name keeps its host as source (scheme-less referrer)',
    input: { referrer: 'news.ycombinator.com' },
    want: { source: 'news.ycombinator.com', medium: 'referral', referrerHost: 'news.ycombinator.com', channel: 'Organic Social' },
  },
  {
    name: 'youtube referrer is Organic Video',
    input: { referrer: 'https://www.youtube.com/watch?v=1' },
    want: { source: 'youtube', medium: 'referral', referrerHost: 'youtube.com', channel: 'Organic Video' },
  },
  {
    name: 'amazon.com referrer is Organic Shopping',
    input: { referrer: 'https://www.amazon.com/dp/B0' },
    want: { source: 'amazon.com', medium: 'referral', referrerHost: 'amazon.com', channel: 'Organic Shopping' },
  },
  {
    name: 'other external site is a referral with its host as source',
    input: { url: `${SITE}/blog`, referrer: 'https://www.analytics-weekly.org/issue/12' },
    want: { source: 'analytics-weekly.org', medium: 'referral', referrerHost: 'analytics-weekly.org', channel: 'Referral' },
  },
  {
    name: "a sibling subdomain is a referral, not internal, unless the project's domains name it",
    input: { url: `${SITE}/`, referrer: 'https://blog.waymark-shop.com/post' },
    want: { source: 'blog.waymark-shop.com', medium: 'referral', referrerHost: 'blog.waymark-shop.com', channel: 'Referral' },
  },

  // --- GA4 channel groups and their precedence -----------------------------------------------------------
  {
    name: 'campaign containing cross-network is Cross-network, ahead of Paid Search',
    input: { campaign: { source: 'google', medium: 'cpc', name: 'PMax Cross-Network Q3' } },
    want: { source: 'google', medium: 'cpc', campaign: 'pmax cross-network q3', channel: 'Cross-network' },
  },
  {
    name: 'shopping source with paid medium is Paid Shopping',
    input: { campaign: { source: 'amazon', medium: 'cpc' } },
    want: { source: 'amazon', medium: 'cpc', channel: 'Paid Shopping' },
  },
  {
    name: 'shopping campaign name beats a search source: Paid Shopping ahead of Paid Search',
    input: { campaign: { source: 'google', medium: 'cpc', name: 'summer_shopping' } },
    want: { source: 'google', medium: 'cpc', campaign: 'summer_shopping', channel: 'Paid Shopping' },
  },
  {
    name: "campaign 'eshop' matches the shop pattern (e is allowed before shop)",
    input: { campaign: { source: 'partner', medium: 'ppc', name: 'eshop-launch' } },
    want: { source: 'partner', medium: 'ppc', campaign: 'eshop-launch', channel: 'Paid Shopping' },
  },
  {
    name: "campaign 'workshop' does not match the shop pattern: Paid Other",
    input: { campaign: { source: 'partner', medium: 'ppc', name: 'workshop' } },
    want: { source: 'partner', medium: 'ppc', campaign: 'workshop', channel: 'Paid Other' },
  },
  {
    name: 'video source with cpv medium is Paid Video',
    input: { campaign: { source: 'youtube', medium: 'cpv' } },
    want: { source: 'youtube', medium: 'cpv', channel: 'Paid Video' },
  },
  {
    name: 'medium display with an unlisted source is Display',
    input: { campaign: { source: 'dv360', medium: 'display' } },
    want: { source: 'dv360', medium: 'display', channel: 'Display' },
  },
  {
    name: 'cpm with an unlisted source is Display (Display is checked before Paid Other)',
    input: { campaign: { source: 'adnetwork', medium: 'cpm' } },
    want: { source: 'adnetwork', medium: 'cpm', channel: 'Display' },
  },
  {
    name: 'cpm with a search source is Paid Search (cpm matches .*cp.*)',
    input: { campaign: { source: 'google', medium: 'cpm' } },
    want: { source: 'google', medium: 'cpm', channel: 'Paid Search' },
  },
  {
    name: 'retargeting with an unlisted source is Paid Other',
    input: { campaign: { source: 'criteo', medium: 'retargeting' } },
    want: { source: 'criteo', medium: 'retargeting', channel: 'Paid Other' },
  },
  {
    name: 'shopping campaign without paid medium is Organic Shopping, ahead of Email',
    input: { campaign: { source: 'newsletter', medium: 'email', name: 'shop-week' } },
    want: { source: 'newsletter', medium: 'email', campaign: 'shop-week', channel: 'Organic Shopping' },
  },
  {
    name: 'social medium with an unlisted source is Organic Social',
    input: { campaign: { source: 'community', medium: 'social-media' } },
    want: { source: 'community', medium: 'social-media', channel: 'Organic Social' },
  },
  {
    name: 'medium containing video is Organic Video',
    input: { campaign: { source: 'webinar_platform', medium: 'video_embed' } },
    want: { source: 'webinar_platform', medium: 'video_embed', channel: 'Organic Video' },
  },
  {
    name: 'medium organic with an unlisted source is Organic Search',
    input: { campaign: { source: 'kagi', medium: 'organic' } },
    want: { source: 'kagi', medium: 'organic', channel: 'Organic Search' },
  },
  {
    name: 'medium app is Referral',
    input: { campaign: { source: 'partner_app', medium: 'app' } },
    want: { source: 'partner_app', medium: 'app', channel: 'Referral' },
  },
  {
    name: 'source email with another medium is Email',
    input: { campaign: { source: 'e-mail', medium: 'newsletter' } },
    want: { source: 'e-mail', medium: 'newsletter', channel: 'Email' },
  },
  {
    name: 'medium affiliate is Affiliates',
    input: { url: `${SITE}/?utm_source=couponsite&utm_medium=affiliate` },
    want: { source: 'couponsite', medium: 'affiliate', channel: 'Affiliates' },
  },
  {
    name: 'medium audio is Audio',
    input: { campaign: { source: 'spotify', medium: 'audio', name: 'podcast_q1' } },
    want: { source: 'spotify', medium: 'audio', campaign: 'podcast_q1', channel: 'Audio' },
  },
  {
    name: 'source sms is SMS',
    input: { campaign: { source: 'sms', medium: 'text' } },
    want: { source: 'sms', medium: 'text', channel: 'SMS' },
  },
  {
    name: 'medium sms is SMS',
    input: { campaign: { source: 'twilio', medium: 'sms' } },
    want: { source: 'twilio', medium: 'sms', channel: 'SMS' },
  },
  {
    name: 'medium ending in push is Mobile Push Notifications',
    input: { campaign: { source: 'braze', medium: 'web-push' } },
    want: { source: 'braze', medium: 'web-push', channel: 'Mobile Push Notifications' },
  },
  {
    name: 'medium containing notification is Mobile Push Notifications',
    input: { campaign: { source: 'app', medium: 'in_app_notification' } },
    want: { source: 'app', medium: 'in_app_notification', channel: 'Mobile Push Notifications' },
  },
  {
    name: 'source firebase is Mobile Push Notifications',
    input: { campaign: { source: 'firebase', medium: 'alert' } },
    want: { source: 'firebase', medium: 'alert', channel: 'Mobile Push Notifications' },
  },
  {
    name: 'unrecognised source/medium pair is Unassigned',
    input: { campaign: { source: 'flyer', medium: 'print' } },
    want: { source: 'flyer', medium: 'print', channel: 'Unassigned' },
  },
  {
    name: 'numeric campaign values are stringified',
    input: { campaign: { source: 'google', medium: 'cpc', name: 2024 } },
    want: { source: 'google', medium: 'cpc', campaign: '2024', channel: 'Paid Search' },
  },

  // --- Non-web touchpoints -------------------------------------------------------------------------
  {
    name: "override 'Phone' is its own channel",
    input: { channelOverride: 'Phone' },
    want: { source: '(direct)', medium: '(none)', channel: 'Phone' },
  },
  {
    name: 'override is title-cased word by word',
    input: { channelOverride: '  customer   service ' },
    want: { source: '(direct)', medium: '(none)', channel: 'Customer Service' },
  },
  {
    name: "override keeps the rest verbatim ('In-store', not 'In-Store')",
    input: { channelOverride: 'In-store' },
    want: { source: '(direct)', medium: '(none)', channel: 'In-store' },
  },
  {
    name: 'override replaces the channel but source/medium/click id are still resolved',
    input: { url: `${SITE}/?gclid=G5`, channelOverride: 'Phone' },
    want: { source: 'google', medium: 'cpc', clickId: 'G5', channel: 'Phone' },
  },
  {
    name: 'blank override is ignored',
    input: { referrer: 'https://www.google.com/', channelOverride: '   ' },
    want: { source: 'google', medium: 'organic', referrerHost: 'google.com', channel: 'Organic Search' },
  },
];

const EMPTY = { campaign: '', term: '', content: '', referrerHost: '', clickId: '' };

describe('resolveTrafficSource', () => {
  for (const c of CASES) {
    it(c.name, () => {
      assert.deepEqual(resolveTrafficSource(c.input), { ...EMPTY, ...c.want });
    });
  }

  it('covers every GA4 default channel group at least once', () => {
    const seen = new Set(CASES.map((c) => c.want.channel));
    const missing = GA4_CHANNELS.filter((ch) => !seen.has(ch));
    assert.deepEqual(missing, []);
    assert.ok(CASES.length >= 40);
  });

  it('resolves 20,000 touches well under a second', () => {
    const inputs = CASES.map((c) => c.input);
    const start = performance.now();
    for (let i = 0; i < 20_000; i++) resolveTrafficSource(inputs[i % inputs.length]!);
    const ms = performance.now() - start;
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
  });
});

describe('ga4DefaultChannel', () => {
  it('lists the 19 groups in Google’s evaluation order', () => {
    assert.equal(GA4_CHANNELS.length, 19);
    assert.equal(GA4_CHANNELS[0], 'Direct');
    assert.equal(GA4_CHANNELS[GA4_CHANNELS.length - 1], 'Unassigned');
  });

  it('needs both (direct) and (none)/(not set) for Direct', () => {
    assert.equal(ga4DefaultChannel('(direct)', '(not set)', ''), 'Direct');
    assert.equal(ga4DefaultChannel('(direct)', 'email', ''), 'Email');
  });

  it('matches list entries written with a www. prefix', () => {
    assert.equal(ga4DefaultChannel('www.facebook.com', 'cpc', ''), 'Paid Social');
  });

  it('puts Organic Search ahead of Referral for a search source with medium referral', () => {
    assert.equal(ga4DefaultChannel('bing', 'referral', ''), 'Organic Search');
  });
});
