/**
 * CallRail calls as Segment `Call Completed` track messages, so a call is a touchpoint like any
 * visit (properties.channel 'Phone').
 *
 * Fields read from a CallRail call (post-call webhook body or API/CSV export; first present wins):
 *   id          resource_id, id, call_id
 *   caller      customer_phone_number, caller_number, callernum
 *   start       start_time, created_at, datetime
 *   duration    duration (seconds)            answered  answered (true/false, "true"/"false")
 *   source      utm_source, source            medium    utm_medium, medium
 *   campaign    utm_campaign, campaign        keyword   keywords, utm_term, keyword
 *   tracking    tracking_phone_number, trackingnum
 *   also kept:  customer_name is dropped (personal data); first_call, value, direction, gclid.
 * The caller becomes anonymousId "phone:" + SHA-256 hex of the number's digits with a leading
 * "+" (E.164 as CallRail sends it), so the raw number is never stored and a site that knows
 * the number can send the same id in an alias to join the call to the web journey.
 */
import { createHash } from 'node:crypto';
import { BadRequestError } from '../errors.ts';

export type CallRecord = Record<string, unknown>;

export class CallRecordError extends BadRequestError {}

function first(r: CallRecord, ...keys: string[]): string {
  for (const k of keys) {
    const v = r[k];
    if (v !== undefined && v !== null && String(v).trim() !== '') return String(v).trim();
  }
  return '';
}

/** "+1 (404) 555-0100" → "+14045550100"; the hash input, so formatting never splits a caller. */
export function normalizePhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits ? `+${digits}` : '';
}

export function hashedCallerId(phone: string): string {
  const n = normalizePhone(phone);
  if (!n) throw new CallRecordError('the call has no caller number (customer_phone_number)');
  return `phone:${createHash('sha256').update(n).digest('hex')}`;
}

function bool(v: string): boolean | undefined {
  if (v === '') return undefined;
  return /^(true|1|yes)$/i.test(v);
}

export function callToMessage(call: CallRecord): Record<string, unknown> {
  const id = first(call, 'resource_id', 'id', 'call_id');
  if (!id) throw new CallRecordError('the call has no id (resource_id or id)');
  const start = first(call, 'start_time', 'created_at', 'datetime');
  const t = Date.parse(start.includes('T') || !start.includes(' ') ? start : start.replace(' ', 'T') + 'Z');
  if (!start || Number.isNaN(t)) throw new CallRecordError(`call ${id}: start_time must be an ISO 8601 time, got "${start}"`);
  const source = first(call, 'utm_source', 'source');
  const medium = first(call, 'utm_medium', 'medium');
  const campaign = first(call, 'utm_campaign', 'campaign');
  const keyword = first(call, 'keywords', 'utm_term', 'keyword');
  const duration = Number(first(call, 'duration'));
  const properties: Record<string, unknown> = {
    channel: 'Phone',
    provider: 'callrail',
    call_id: id,
    duration_seconds: Number.isFinite(duration) ? duration : 0,
    tracking_number: first(call, 'tracking_phone_number', 'trackingnum'),
  };
  const answered = bool(first(call, 'answered'));
  if (answered !== undefined) properties.answered = answered;
  if (campaign) properties.campaign = campaign;
  if (keyword) properties.keyword = keyword;
  if (source) properties.source = source;
  if (medium) properties.medium = medium;
  for (const k of ['first_call', 'direction', 'gclid', 'value']) {
    const v = first(call, k);
    if (v) properties[k] = v;
  }
  const context: Record<string, unknown> = {};
  if (source || medium || campaign || keyword) context.campaign = { source, medium, name: campaign, term: keyword };
  return {
    type: 'track',
    event: 'Call Completed',
    messageId: `callrail-${id}`,
    anonymousId: hashedCallerId(first(call, 'customer_phone_number', 'caller_number', 'callernum')),
    timestamp: new Date(t).toISOString(),
    properties,
    context,
  };
}
