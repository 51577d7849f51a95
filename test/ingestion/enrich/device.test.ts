import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDevice, type DeviceInfo } from '../../../src/ingestion/enrich/index.ts';

const CASES: Array<{ name: string; ua: string | undefined; want: DeviceInfo }> = [
  {
    name: 'Chrome on Windows is a desktop',
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    want: { browser: 'Chrome', os: 'Windows', deviceType: 'desktop', isBot: false },
  },
  {
    name: 'Edge on Windows is Edge, not Chrome',
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51',
    want: { browser: 'Edge', os: 'Windows', deviceType: 'desktop', isBot: false },
  },
  {
    name: 'Safari on iPhone is mobile iOS',
    ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    want: { browser: 'Mobile Safari', os: 'iOS', deviceType: 'mobile', isBot: false },
  },
  {
    name: 'Safari on iPad is a tablet',
    ua: 'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
    want: { browser: 'Mobile Safari', os: 'iOS', deviceType: 'tablet', isBot: false },
  },
  {
    name: 'Chrome on an Android phone is mobile',
    ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36',
    want: { browser: 'Mobile Chrome', os: 'Android', deviceType: 'mobile', isBot: false },
  },
  {
    name: 'Chrome on an Android tablet (no "Mobile" token) is a tablet',
    ua: 'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    want: { browser: 'Chrome', os: 'Android', deviceType: 'tablet', isBot: false },
  },
  {
    name: 'Firefox on Linux is a desktop',
    ua: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
    want: { browser: 'Firefox', os: 'Linux', deviceType: 'desktop', isBot: false },
  },
  {
    name: 'Safari on macOS is a desktop',
    ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
    want: { browser: 'Safari', os: 'macOS', deviceType: 'desktop', isBot: false },
  },
  {
    name: 'Googlebot is a bot',
    ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    want: { browser: '', os: '', deviceType: 'bot', isBot: true },
  },
  {
    name: 'Googlebot smartphone is a bot even though it looks like mobile Chrome',
    ua: 'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.155 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    want: { browser: 'Mobile Chrome', os: 'Android', deviceType: 'bot', isBot: true },
  },
  { name: 'curl is a bot', ua: 'curl/8.5.0', want: { browser: '', os: '', deviceType: 'bot', isBot: true } },
  {
    name: 'a smart TV is other',
    ua: 'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36',
    want: { browser: 'Samsung Internet', os: 'Tizen', deviceType: 'other', isBot: false },
  },
  { name: 'empty user agent is other, not a bot', ua: '', want: { browser: '', os: '', deviceType: 'other', isBot: false } },
  { name: 'missing user agent is other, not a bot', ua: undefined, want: { browser: '', os: '', deviceType: 'other', isBot: false } },
  {
    name: 'a browser-like string naming no known browser or OS is other',
    ua: 'Mozilla/5.0 (Unknown; Foo)',
    want: { browser: '', os: '', deviceType: 'other', isBot: false },
  },
  {
    name: 'a bare token without a browser signature counts as a bot (isbot verdict)',
    ua: 'x',
    want: { browser: '', os: '', deviceType: 'bot', isBot: true },
  },
  {
    name: 'an in-app user agent naming only the device is still classified by device',
    ua: 'MyApp/1.0 (iPhone; iOS 17.0)',
    want: { browser: '', os: 'iOS', deviceType: 'mobile', isBot: false },
  },
];

describe('parseDevice', () => {
  for (const c of CASES) {
    it(c.name, () => assert.deepEqual(parseDevice(c.ua), c.want));
  }

  it('returns a frozen object, so a caller mutating it cannot poison the cache', () => {
    const ua = CASES[0]!.ua;
    const first = parseDevice(ua) as DeviceInfo;
    assert.throws(() => {
      first.browser = 'tampered';
    }, TypeError);
    assert.equal(parseDevice(ua).browser, 'Chrome');
  });

  it('parses 20,000 user agents (repeating) well under a second', () => {
    const start = performance.now();
    for (let i = 0; i < 20_000; i++) parseDevice(CASES[i % CASES.length]!.ua);
    const ms = performance.now() - start;
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
  });
});
