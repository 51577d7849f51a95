import { sqlTimestamp } from '../../store/dialect/dialect.ts';
import { parseDevice } from '../enrich/device.ts';
import { resolveTrafficSource } from '../enrich/traffic-source.ts';
import type { EventRow, SegmentMessage } from '../message.ts';
import { isMoneyEvent } from '../../scope/vocabulary.ts';

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function num(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

/** Event names for the non-track calls, so every analysis can treat all messages as events. */
export function eventName(m: SegmentMessage): string {
  switch (m.type) {
    case 'track':
      return String(m.event).trim();
    case 'page':
      return 'Page Viewed';
    case 'screen':
      return 'Screen Viewed';
    case 'identify':
      return 'Identify';
    case 'alias':
      return 'Alias';
    case 'group':
      return 'Group';
  }
}

/**
 * Revenue of an order-like event, Segment e-commerce spec order: revenue, then total, then
 * Σ price × quantity of its products.
 */
export function orderRevenue(props: Record<string, unknown>): number | null {
  const direct = num(props.revenue) ?? num(props.total);
  if (direct !== null) return direct;
  if (Array.isArray(props.products) && props.products.length > 0) {
    let sum = 0;
    let any = false;
    for (const p of props.products) {
      const price = num(obj(p).price);
      if (price === null) continue;
      sum += price * (num(obj(p).quantity) ?? 1);
      any = true;
    }
    if (any) return Math.round(sum * 100) / 100;
  }
  return null;
}

/**
 * The context kept in the row: fields already promoted to columns (UTM campaign → source, medium,
 * campaign, term, content) and page fields repeated in properties or the url column are dropped.
 * analytics.js sends the page's url, path, search, referrer and title in both places; storing
 * them once keeps rows small, which is what the spool, the bulk load and every scan pay for.
 */
function storedContext(context: Record<string, unknown>, props: Record<string, unknown>, url: string): Record<string, unknown> {
  // Built key by key (no rest/spread): this runs for every event collected.
  const kept: Record<string, unknown> = {};
  let keptPage: Record<string, unknown> | undefined;
  for (const key in context) {
    if (!Object.hasOwn(context, key) || key === 'campaign') continue;
    if (key !== 'page') {
      kept[key] = context[key];
      continue;
    }
    const p = obj(context.page);
    for (const k in p) {
      if (!Object.hasOwn(p, k)) continue;
      const v = p[k];
      if (v === props[k] || (k === 'url' && v === url) || (k === 'search' && typeof v === 'string' && url.endsWith(v))) continue;
      (keptPage ??= {})[k] = v;
    }
  }
  if (keptPage) kept.page = keptPage;
  return kept;
}

// Every message of a request shares one receivedAt: format it once per request, not per message.
let lastReceivedAt: Date | undefined;
let lastReceivedText = '';
function receivedText(receivedAt: Date): string {
  if (receivedAt !== lastReceivedAt) {
    lastReceivedAt = receivedAt;
    lastReceivedText = sqlTimestamp(receivedAt);
  }
  return lastReceivedText;
}

/**
 * The properties column: the message's properties, plus what identify/alias/group/page calls
 * carry elsewhere. Copied only when something is added, so most events reuse the parsed object.
 */
function storedProperties(m: SegmentMessage, context: Record<string, unknown>): Record<string, unknown> {
  const own = obj(m.properties);
  switch (m.type) {
    case 'identify':
      return { ...own, ...obj(context.traits), ...obj(m.traits) };
    case 'alias':
      return { ...own, previous_id: m.previousId };
    case 'group':
      return { ...own, group_id: m.groupId, ...obj(m.traits) };
    case 'page':
    case 'screen':
      return m.name && own.name === undefined ? { ...own, name: m.name } : own;
    default:
      return own;
  }
}

/** Enrich one validated message into its events_raw row: traffic source, channel, device. */
export function toEventRow(
  projectId: string,
  m: SegmentMessage,
  timestamp: Date,
  receivedAt: Date,
  ownDomains?: readonly string[],
): EventRow {
  const context = obj(m.context);
  const page = obj(context.page);
  const props = storedProperties(m, context);

  const url = str(page.url) || str(props.url);
  const referrer = str(page.referrer) || str(props.referrer);
  const channelOverride = str(props.channel) || str(obj(context.touchpoint).channel);
  const hasTraffic = Boolean(url || referrer || context.campaign || channelOverride);
  // A server-side track without any web context is not a touch: it carries no channel of its own.
  const traffic =
    hasTraffic || m.type === 'page' || m.type === 'screen'
      ? resolveTrafficSource({ campaign: obj(context.campaign), url, referrer, channelOverride: channelOverride || undefined, ownDomains })
      : undefined;
  const device = parseDevice(str(context.userAgent) || undefined);
  let path = str(page.path) || str(props.path);
  if (!path && url) {
    try {
      path = new URL(url).pathname;
    } catch {
      path = '';
    }
  }
  // Revenue is kept for the events analyses count as money (one vocabulary: scope/vocabulary.ts).
  const isOrder = m.type === 'track' && isMoneyEvent(String(m.event));
  return {
    project_id: projectId,
    message_id: String(m.messageId),
    type: m.type,
    event: eventName(m),
    anonymous_id: str(m.anonymousId),
    user_id: str(m.userId),
    timestamp: sqlTimestamp(timestamp),
    received_at: receivedText(receivedAt),
    channel: traffic?.channel ?? '',
    source: traffic?.source ?? '',
    medium: traffic?.medium ?? '',
    campaign: traffic?.campaign ?? '',
    term: traffic?.term ?? '',
    content: traffic?.content ?? '',
    click_id: traffic?.clickId ?? '',
    referrer: traffic?.referrerHost ?? '',
    url,
    path,
    revenue: isOrder || props.revenue !== undefined ? orderRevenue(props) : null,
    currency: str(props.currency).toUpperCase(),
    order_id: str(props.order_id) || str(props.orderId),
    browser: device.browser,
    os: device.os,
    device_type: device.deviceType,
    is_bot: device.isBot ? 1 : 0,
    properties: JSON.stringify(props),
    context: JSON.stringify(storedContext(context, props, url)),
  };
}
