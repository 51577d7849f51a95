/**
 * Per exposed person of an experiment, from the database: the arm, the outcome within the window
 * after the first exposure, and covariates fixed before treatment could act (the device seen up to
 * the first exposure, the channel that brought them, what they had done before it). Post-exposure
 * behaviour is never a covariate, the device included (a treated person who comes back on a phone
 * to buy would otherwise teach the model that mobile persons respond).
 */
import { EXPOSURE_EVENT } from '../experiments/exposures.ts';
import { ORDER_EVENT } from '../scope/scope.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';

export interface UpliftRow {
  personId: string;
  variation: string;
  y: number;
  x: number[];
}

export interface UpliftData {
  covariates: string[];
  rows: UpliftRow[];
  channels: string[];
}

export async function upliftRows(
  store: Store,
  projectId: string,
  experimentId: string,
  options: { event?: string; windowDays: number },
): Promise<UpliftData> {
  const d = store.dialect;
  const q = new QueryBuilder(d);
  const p = q.str(projectId);
  const exposed = `SELECT person_id, min(timestamp) AS first_at, ${d.argMin('vid', 'timestamp')} AS variation, ${d.countDistinct('vid')} AS seen
FROM (SELECT person_id, timestamp, ${d.jsonScalar('properties', ['variation_id'])} AS vid FROM events WHERE project_id = ${p} AND event = '${EXPOSURE_EVENT}' AND is_bot = 0 AND ${d.jsonScalar('properties', ['experiment_id'])} = ${q.str(experimentId)}) AS ev GROUP BY person_id`;
  const ev = q.str(options.event ?? ORDER_EVENT);
  const windowEnd = d.addSeconds('x.first_at', q.num(options.windowDays * 86_400));
  const perPerson = `SELECT x.person_id AS person_id, x.variation AS variation,
  max(CASE WHEN e.event = ${ev} AND e.timestamp >= x.first_at AND e.timestamp <= ${windowEnd} THEN 1 ELSE 0 END) AS y,
  ${d.countIf('e.timestamp < x.first_at')} AS prior_events,
  ${d.countIf(`e.event = ${ev} AND e.timestamp < x.first_at`)} AS prior_orders,
  ${d.argMin("CASE WHEN e.channel <> '' AND e.timestamp <= x.first_at THEN e.channel ELSE 'zzz' END", "CASE WHEN e.channel <> '' AND e.timestamp <= x.first_at THEN e.timestamp ELSE x.first_at END")} AS first_channel_raw,
  max(CASE WHEN e.device_type = 'mobile' AND e.timestamp <= x.first_at THEN 1 ELSE 0 END) AS mobile
FROM (${exposed}) AS x JOIN (SELECT person_id, event, timestamp, channel, device_type FROM events WHERE project_id = ${p} AND is_bot = 0) AS e ON e.person_id = x.person_id
WHERE x.seen = 1 GROUP BY x.person_id, x.variation`;
  const rows = await store.query<{
    person_id: string;
    variation: string;
    y: number;
    prior_events: number;
    prior_orders: number;
    first_channel_raw: string;
    mobile: number;
  }>(q.build(`SELECT * FROM (${perPerson}) AS pp ORDER BY person_id`));
  const channelCounts = new Map<string, number>();
  for (const r of rows)
    if (r.first_channel_raw !== 'zzz') channelCounts.set(r.first_channel_raw, (channelCounts.get(r.first_channel_raw) ?? 0) + 1);
  // One indicator per channel that brought at least 2% of the exposed (the rest share the baseline).
  const channels = [...channelCounts]
    .filter(([, n]) => n >= rows.length * 0.02)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 8)
    .map(([c]) => c);
  const covariates = ['mobile', 'log_prior_events', 'log_prior_orders', ...channels.map((c) => `first channel ${c}`)];
  return {
    covariates,
    channels,
    rows: rows.map((r) => ({
      personId: r.person_id,
      variation: String(r.variation),
      y: Number(r.y) > 0 ? 1 : 0,
      x: [
        Number(r.mobile),
        Math.log1p(Number(r.prior_events)),
        Math.log1p(Number(r.prior_orders)),
        ...channels.map((c) => (r.first_channel_raw === c ? 1 : 0)),
      ],
    })),
  };
}
