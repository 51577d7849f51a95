/**
 * Exposures and per-variation metric sums of an experiment, aggregated in the database.
 * A person's first `Experiment Viewed` fixes the variation; persons seen in several
 * variations are left out (and counted), since their outcome belongs to no single arm.
 */
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import type { MetricSpec } from './experiments.ts';

export const EXPOSURE_EVENT = 'Experiment Viewed';
const DAY_SECONDS = 86_400;

export interface ExposureWindow {
  projectId: string;
  experimentId: string;
  /** Exposures from (inclusive) / until (exclusive); default unbounded. */
  from?: Date;
  to?: Date;
}

export interface ExposureCounts {
  /** Persons with one variation, by variation id. */
  byVariation: Record<string, number>;
  /** Persons who saw more than one variation (excluded). */
  multipleVariations: number;
}

/** Per variation sufficient statistics of one metric (persons with one variation only). */
export interface MetricSums {
  variation: string;
  n: number;
  sum: number;
  sumSquares: number;
  /** CUPED covariate sums, when a pre-period was asked for. */
  preSum?: number;
  preSumSquares?: number;
  sumProduct?: number;
}

/**
 * The persons an experiment report counts in one variation (drill-down of a variant's exposures):
 * first exposed to it in the window and never seen in another variation. One column, `person_id`.
 */
export function variationPersonsSql(q: QueryBuilder, w: ExposureWindow, variation: string): string {
  return `SELECT person_id FROM (${exposedPersonsSql(q, w)}) AS x WHERE x.variations_seen = 1 AND x.variation = ${q.str(variation)}`;
}

/** One row per exposed person: first exposure time, first variation, number of variations seen. */
function exposedPersonsSql(q: QueryBuilder, w: ExposureWindow): string {
  const d = q.d;
  const where = [
    `project_id = ${q.str(w.projectId)}`,
    `event = '${EXPOSURE_EVENT}'`,
    'is_bot = 0',
    `${d.jsonScalar('properties', ['experiment_id'])} = ${q.str(w.experimentId)}`,
  ];
  if (w.from) where.push(`timestamp >= ${q.time(w.from)}`);
  if (w.to) where.push(`timestamp < ${q.time(w.to)}`);
  return `SELECT person_id, min(timestamp) AS first_at, ${d.argMin('vid', 'timestamp')} AS variation, ${d.countDistinct('vid')} AS variations_seen
FROM (SELECT person_id, timestamp, ${d.jsonScalar('properties', ['variation_id'])} AS vid FROM events WHERE ${where.join(' AND ')}) AS ev
GROUP BY person_id`;
}

export async function exposureCounts(store: Store, w: ExposureWindow): Promise<ExposureCounts> {
  const q = new QueryBuilder(store.dialect);
  const rows = await store.query<{ variation: string; multi: number; persons: number }>(
    q.build(`SELECT vkey AS variation, multi, count(*) AS persons
FROM (SELECT CASE WHEN variations_seen > 1 THEN '' ELSE variation END AS vkey, CASE WHEN variations_seen > 1 THEN 1 ELSE 0 END AS multi FROM (${exposedPersonsSql(q, w)}) AS x) AS k
GROUP BY vkey, multi ORDER BY vkey`),
  );
  const out: ExposureCounts = { byVariation: {}, multipleVariations: 0 };
  for (const r of rows) {
    if (Number(r.multi) === 1) out.multipleVariations += Number(r.persons);
    else out.byVariation[r.variation] = Number(r.persons);
  }
  return out;
}

/** Σ metric, Σ metric², and with CUPED the pre-exposure covariate sums, per variation. */
export async function metricSums(store: Store, w: ExposureWindow, metric: MetricSpec): Promise<MetricSums[]> {
  const q = new QueryBuilder(store.dialect);
  const d = store.dialect;
  const windowEnd = d.addSeconds('x.first_at', q.num(metric.windowDays * DAY_SECONDS));
  const inPost = `m.ts >= x.first_at AND m.ts <= ${windowEnd}`;
  const value = (cond: string) =>
    metric.kind === 'conversion'
      ? `max(CASE WHEN ${cond} THEN 1 ELSE 0 END)`
      : metric.kind === 'count'
        ? `sum(CASE WHEN ${cond} THEN 1 ELSE 0 END)`
        : `sum(CASE WHEN ${cond} THEN coalesce(m.rev, 0) ELSE 0 END)`;
  const cuped = metric.cupedPreDays !== undefined;
  const inPre = cuped ? `m.ts >= ${d.addSeconds('x.first_at', q.num(-metric.cupedPreDays! * DAY_SECONDS))} AND m.ts < x.first_at` : '';
  const preCol = cuped ? `, ${value(inPre)} AS pre` : ', 0 AS pre';
  const perPerson = `SELECT x.person_id AS pid, x.variation AS variation, ${value(inPost)} AS v${preCol}
FROM (${exposedPersonsSql(q, w)}) AS x
LEFT JOIN (SELECT person_id AS mpid, timestamp AS ts, revenue AS rev FROM events WHERE project_id = ${q.str(w.projectId)} AND event = ${q.str(metric.event)} AND is_bot = 0) AS m ON m.mpid = x.person_id
WHERE x.variations_seen = 1
GROUP BY x.person_id, x.variation, x.first_at`;
  const rows = await store.query<{ variation: string; n: number; s: number; ss: number; ps: number; pss: number; sp: number }>(
    q.build(`SELECT variation, count(*) AS n, sum(v) AS s, sum(v * v) AS ss, sum(pre) AS ps, sum(pre * pre) AS pss, sum(v * pre) AS sp
FROM (${perPerson}) AS pp GROUP BY variation ORDER BY variation`),
  );
  return rows.map((r) => ({
    variation: r.variation,
    n: Number(r.n),
    sum: Number(r.s),
    sumSquares: Number(r.ss),
    ...(cuped ? { preSum: Number(r.ps), preSumSquares: Number(r.pss), sumProduct: Number(r.sp) } : {}),
  }));
}

export interface DiscoveredExperiment {
  experimentId: string;
  persons: number;
  views: number;
  firstSeen: string;
  lastSeen: string;
  variations: Array<{ id: string; persons: number; views: number }>;
}

/** Experiment ids seen in Experiment Viewed events, with persons and views per variation. */
export async function discoverExperiments(store: Store, projectId: string): Promise<DiscoveredExperiment[]> {
  const q = new QueryBuilder(store.dialect);
  const d = store.dialect;
  const rows = await store.query<{ eid: string; vid: string; persons: number; views: number; first_ts: string; last_ts: string }>(
    q.build(`SELECT eid, vid, ${d.countDistinct('person_id')} AS persons, count(*) AS views, min(timestamp) AS first_ts, max(timestamp) AS last_ts
FROM (SELECT person_id, timestamp, ${d.jsonScalar('properties', ['experiment_id'])} AS eid, ${d.jsonScalar('properties', ['variation_id'])} AS vid
  FROM events WHERE project_id = ${q.str(projectId)} AND event = '${EXPOSURE_EVENT}' AND is_bot = 0) AS ev
WHERE eid <> '' GROUP BY eid, vid ORDER BY eid, vid`),
  );
  const t = new QueryBuilder(d);
  const totals = await store.query<{ eid: string; persons: number }>(
    t.build(`SELECT eid, ${d.countDistinct('person_id')} AS persons FROM (SELECT person_id, ${d.jsonScalar('properties', ['experiment_id'])} AS eid
  FROM events WHERE project_id = ${t.str(projectId)} AND event = '${EXPOSURE_EVENT}' AND is_bot = 0) AS ev WHERE eid <> '' GROUP BY eid`),
  );
  const personsOf = new Map(totals.map((t) => [t.eid, Number(t.persons)]));
  const out = new Map<string, DiscoveredExperiment>();
  for (const r of rows) {
    const e = out.get(r.eid) ?? {
      experimentId: r.eid,
      persons: personsOf.get(r.eid) ?? 0,
      views: 0,
      firstSeen: r.first_ts,
      lastSeen: r.last_ts,
      variations: [],
    };
    e.views += Number(r.views);
    if (r.first_ts < e.firstSeen) e.firstSeen = r.first_ts;
    if (r.last_ts > e.lastSeen) e.lastSeen = r.last_ts;
    e.variations.push({ id: r.vid, persons: Number(r.persons), views: Number(r.views) });
    out.set(r.eid, e);
  }
  return [...out.values()];
}
