/**
 * Ten million events for the analysis benchmarks, generated inside the store with one
 * INSERT … SELECT (loading them through HTTP would measure ingestion, not analyses).
 * Each person browses, and goes down a shop funnel to a depth drawn per person; a share
 * returns in later weeks; events carry channels, pages, sessions and order revenue.
 */
import type { Store } from '../src/store/store.ts';

export interface SyntheticOptions {
  projectId: string;
  persons: number;
  eventsPerPerson: number;
  start: string;
}

const FUNNEL = ['Page Viewed', 'Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed'];
const CHANNELS = ['Paid Search', 'Organic Search', 'Email', 'Paid Social', 'Direct', 'Referral', 'Display', 'Affiliates'];

export async function generateSyntheticEvents(store: Store, o: SyntheticOptions): Promise<number> {
  const d = store.dialect;
  const total = o.persons * o.eventsPerPerson;
  const n = 'r.n';
  const person = `floor(${n} / ${o.eventsPerPerson})`;
  const k = `(${n} % ${o.eventsPerPerson})`;
  const depth = `floor(${d.hash01(`${person} * 7 + 1`)} * 6)`; // 0..5 funnel steps reached
  const week = `floor(${d.hash01(`${person} * 13 + ${k}`)} * ${d.hash01(`${person} * 17`)} * 12)`; // returning visits spread over weeks
  const stepIndex = `least(${k}, 4)`;
  const event = `CASE WHEN ${k} < ${depth} AND ${week} = 0 THEN (CASE ${stepIndex} ${FUNNEL.map((e, i) => `WHEN ${i} THEN '${e}'`).join(' ')} END) WHEN ${d.hash01(`${n} * 3`)} < 0.5 THEN 'Page Viewed' ELSE 'Product Viewed' END`;
  const channel = `CASE floor(${d.hash01(`${person} * 5 + ${week}`)} * ${CHANNELS.length}) ${CHANNELS.map((c, i) => `WHEN ${i} THEN '${c}'`).join(' ')} END`;
  const personStart = `${d.addSeconds(`CAST('${o.start}' AS TIMESTAMP)`, `floor(${d.hash01(`${person} * 11`)} * 86400 * 28)`)}`;
  const ts = d.addSeconds(personStart, `${week} * 604800 + ${k} * 90 + floor(${d.hash01(`${n} * 19`)} * 60)`);
  const pid = `concat('p', ${d.toStr(person)})`;
  const sql = `INSERT INTO events_raw (project_id, message_id, type, event, anonymous_id, user_id, timestamp, received_at, channel, source, medium, campaign, term, content, click_id, referrer, url, path, revenue, currency, order_id, browser, os, device_type, is_bot, properties, context, session_id)
SELECT '${o.projectId}', concat('m', ${d.toStr('g.n')}), CASE WHEN ev = 'Page Viewed' THEN 'page' ELSE 'track' END, ev, pid, '', ts, ts,
  ch, lower(ch), '', '', '', '', '', '', concat('https://shop.example.com/product/', ${d.toStr('g.n % 500')}), concat('/product/', ${d.toStr('g.n % 500')}),
  CASE WHEN ev = 'Order Completed' THEN 20 + floor(${d.hash01('g.n * 23')} * 180) ELSE NULL END, 'USD', '', 'Chrome', 'Windows', 'desktop', 0, '{}', '{}',
  concat(pid, ':', ${d.toStr('wk')})
FROM (SELECT ${n} AS n, ${event} AS ev, ${channel} AS ch, ${ts} AS ts, ${pid} AS pid, ${week} AS wk FROM ${d.range(String(total))} AS r) AS g`;
  await store.exec(sql);
  return total;
}
