// Browser, OS and device class of a user agent, with bot detection. Pure; memoised because the
// same few hundred user-agent strings make up almost all traffic and parsing one costs far more
// than a map lookup.
import { UAParser } from 'ua-parser-js';
import { isbot } from 'isbot';

export type DeviceType = 'desktop' | 'mobile' | 'tablet' | 'bot' | 'other';

export interface DeviceInfo {
  /** Browser name as ua-parser-js reports it ('Chrome', 'Mobile Safari', 'Firefox'); '' if unknown. */
  browser: string;
  /** OS name ('Windows', 'iOS', 'Android', 'macOS', 'Linux', ...); '' if unknown. */
  os: string;
  deviceType: DeviceType;
  isBot: boolean;
}

const EMPTY: Readonly<DeviceInfo> = Object.freeze({ browser: '', os: '', deviceType: 'other', isBot: false });

const CACHE_LIMIT = 5000;
const cache = new Map<string, Readonly<DeviceInfo>>();

function classify(userAgent: string): DeviceInfo {
  const result = UAParser(userAgent);
  const browser = result.browser.name ?? '';
  const os = result.os.name ?? '';
  const bot = isbot(userAgent);
  let deviceType: DeviceType;
  if (bot) deviceType = 'bot';
  else if (result.device.type === 'mobile') deviceType = 'mobile';
  else if (result.device.type === 'tablet') deviceType = 'tablet';
  // ua-parser-js leaves desktop without a type; smart TVs, consoles, wearables, XR and embedded
  // devices carry their own type and count as 'other', as does a string it cannot read at all.
  else if (result.device.type === undefined && (browser || os)) deviceType = 'desktop';
  else deviceType = 'other';
  return { browser, os, deviceType, isBot: bot };
}

/**
 * Parses a user agent into browser, OS, device class and bot flag. An absent or blank user
 * agent yields empty names, 'other' and isBot false (no evidence either way). iPadOS Safari
 * in its default desktop mode sends a Mac user agent and is reported as macOS desktop.
 */
export function parseDevice(userAgent: string | undefined): Readonly<DeviceInfo> {
  const ua = userAgent?.trim() ?? '';
  if (!ua) return EMPTY;
  let hit = cache.get(ua);
  if (!hit) {
    hit = Object.freeze(classify(ua));
    // Bounded: drop the oldest entry so a flood of unique (often bot) strings cannot grow memory.
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(ua, hit);
  }
  // Frozen and shared: callers read it, and a copy per event would only feed the garbage collector.
  return hit;
}
