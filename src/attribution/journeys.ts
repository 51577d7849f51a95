/**
 * Conversion journeys built in the database and returned as compact path aggregates.
 *
 * Touches. A touch is one of:
 *  - a web visit: the first event (by time, then message id) with a channel of each session;
 *    later events of the session (internal navigation, which GA4 grouping calls Direct) are not
 *    touches of their own;
 *  - a non-web touchpoint: an event whose own properties.channel (or context.touchpoint.channel)
 *    names its channel, such as a call ('Phone') or a chat ('Customer Service'); one touch per
 *    session and such channel, so Chat Started + Chat Ended count once.
 *  The conversion event itself is never a touch.
 *
 * Touch label per granularity (the same keys the spend join uses, see roi-report.ts):
 *  channel        the channel (GA4 default channel group, or 'Phone', …)
 *  source_medium  'source / medium' for web visits; the channel for non-web touchpoints
 *  campaign       the campaign, else the channel (Direct, Organic Search … have no campaign)
 *  keyword        the keyword (utm_term; a call's properties.keyword), else the campaign, else the channel
 *  A call's properties.campaign / properties.keyword take precedence over its traffic columns.
 *
 * Conversions: every `conversionEvent` in the scope's range; its path is the person's touches
 * at most `lookbackDays` before it (a touch at the same instant counts). A previous conversion
 * does not cut the window: touches before it still count for the next one while in the
 * lookback, so repeat orders share touches. Conversions without a touch get the empty path
 * (models credit them to "(no touchpoint)").
 * Null paths: each person with a touch in the range and no conversion in it contributes the
 * touches of their last lookback window (the lookback before their last touch in the range).
 * First order: the person's first conversion event ever (all history, ties by message id).
 */
import { type AnalysisScope, scopedEvents } from '../analysis/scope.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import type { PathAggregate } from './models/types.ts';

export const GRANULARITIES = ['channel', 'source_medium', 'campaign', 'keyword'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export interface JourneyOptions {
  /** Default 'Order Completed'. */
  conversionEvent?: string;
  /** Default 30. */
  lookbackDays?: number;
  /** Default 'channel'. */
  granularity?: Granularity;
  /** Group converting paths by touch ages too (rounded to 0.01 day), for time decay. */
  withAges?: boolean;
}

export interface JourneyPath extends PathAggregate {
  /** Converting journeys of this path that were the person's first conversion ever. */
  firstOrders: number;
}

export const DEFAULT_CONVERSION_EVENT = 'Order Completed';
export const DEFAULT_LOOKBACK_DAYS = 30;

/** Separates touch labels inside the SQL-built path key; a control character no label contains. */
const SEP = '\u001f';

function resolved(o: JourneyOptions): Required<JourneyOptions> {
  const lookbackDays = o.lookbackDays ?? DEFAULT_LOOKBACK_DAYS;
  if (!(lookbackDays > 0) || !Number.isFinite(lookbackDays)) throw new RangeError(`lookbackDays must be a positive number, got ${lookbackDays}`);
  return {
    conversionEvent: o.conversionEvent ?? DEFAULT_CONVERSION_EVENT,
    lookbackDays,
    granularity: o.granularity ?? 'channel',
    withAges: o.withAges ?? false,
  };
}

/** The CTEs shared by path and daily queries: touches, conversions and their pairing. */
function journeyCtes(q: QueryBuilder, scope: AnalysisScope, o: Required<JourneyOptions>): string {
  const d = q.d;
  const lookbackSeconds = q.num(o.lookbackDays * 86400);
  const conv = q.str(o.conversionEvent);
  const windowStart = new Date(scope.from.getTime() - o.lookbackDays * 86_400_000);
  const events = scopedEvents(q, scope, {
    ignoreTimeRange: true,
    extraWhere: [`timestamp >= ${q.time(windowStart)}`, `timestamp < ${q.time(scope.to)}`, `channel <> ''`, `event <> ${conv}`],
  });
  const own = `(${d.jsonString('properties', ['channel'])} <> '' OR ${d.jsonString('context', ['touchpoint', 'channel'])} <> '')`;
  const campaignOf = `CASE WHEN ${own} THEN coalesce(nullif(${d.jsonString('properties', ['campaign'])}, ''), campaign) ELSE campaign END`;
  const keywordOf = `CASE WHEN ${own} THEN coalesce(nullif(${d.jsonString('properties', ['keyword'])}, ''), term) ELSE term END`;
  const label = {
    channel: 'channel',
    source_medium: `CASE WHEN ${own} THEN channel ELSE concat(source, ' / ', medium) END`,
    campaign: `coalesce(nullif(${campaignOf}, ''), channel)`,
    keyword: `coalesce(nullif(${keywordOf}, ''), nullif(${campaignOf}, ''), channel)`,
  }[o.granularity];
  const conversions = scopedEvents(q, scope, { ignoreTimeRange: true, extraWhere: [`event = ${conv}`] });
  return `touch_events AS (
  SELECT person_id, timestamp AS ts, ${label} AS label,
    row_number() OVER (PARTITION BY person_id, session_id, CASE WHEN ${own} THEN channel ELSE '' END ORDER BY timestamp, message_id) AS touch_no
  FROM ${events} AS e
),
touches AS (SELECT person_id, ts AS touch_ts, label AS touch_label FROM touch_events WHERE touch_no = 1),
conv_all AS (
  SELECT person_id, message_id AS conv_id, timestamp AS conv_ts, coalesce(revenue, 0) AS conv_value,
    row_number() OVER (PARTITION BY person_id ORDER BY timestamp, message_id) AS order_no
  FROM ${conversions} AS c
),
conv AS (SELECT * FROM conv_all WHERE conv_ts >= ${q.time(scope.from)} AND conv_ts < ${q.time(scope.to)}),
conv_touch AS (
  SELECT c.conv_id AS conv_id, t.touch_ts AS touch_ts, t.touch_label AS touch_label, ${d.secondsBetween('t.touch_ts', 'c.conv_ts')} AS age_s
  FROM conv AS c INNER JOIN touches AS t ON t.person_id = c.person_id
  WHERE ${d.secondsBetween('t.touch_ts', 'c.conv_ts')} >= 0 AND ${d.secondsBetween('t.touch_ts', 'c.conv_ts')} <= ${lookbackSeconds}
)`;
}

/** Distinct paths with their conversions, value, null journeys and first orders. */
export async function buildJourneyPaths(store: Store, scope: AnalysisScope, options: JourneyOptions = {}): Promise<JourneyPath[]> {
  const o = resolved(options);
  const q = new QueryBuilder(store.dialect);
  const d = q.d;
  const ctes = journeyCtes(q, scope, o);
  const sep = q.str(SEP);
  const order = 'touch_ts, touch_label';
  const ages = o.withAges ? d.arrayJoinStrings(d.arrayAgg(d.toStr('CAST(round(age_s / 864.0) AS BIGINT)'), order), sep) : `''`;
  const lookbackSeconds = q.num(o.lookbackDays * 86400);
  const sql = `WITH ${ctes},
conv_paths AS (
  SELECT conv_id AS path_conv_id, ${d.arrayJoinStrings(d.arrayAgg('touch_label', order), sep)} AS path_str, ${ages} AS ages_str
  FROM conv_touch GROUP BY conv_id
),
conv_rows AS (
  SELECT coalesce(p.path_str, '') AS pkey, coalesce(p.ages_str, '') AS akey, c.conv_value AS conv_value,
    CASE WHEN c.order_no = 1 THEN 1 ELSE 0 END AS is_first
  FROM conv AS c LEFT JOIN conv_paths AS p ON p.path_conv_id = c.conv_id
),
last_touch AS (
  SELECT person_id AS last_person, max(touch_ts) AS last_ts FROM touches
  WHERE touch_ts >= ${q.time(scope.from)} AND person_id NOT IN (SELECT person_id FROM conv)
  GROUP BY person_id
),
null_rows AS (
  SELECT ${d.arrayJoinStrings(d.arrayAgg('t.touch_label', 't.touch_ts, t.touch_label'), sep)} AS pkey
  FROM touches AS t INNER JOIN last_touch AS l ON l.last_person = t.person_id
  WHERE ${d.secondsBetween('t.touch_ts', 'l.last_ts')} >= 0 AND ${d.secondsBetween('t.touch_ts', 'l.last_ts')} <= ${lookbackSeconds}
  GROUP BY t.person_id
),
all_rows AS (
  SELECT pkey, akey, 1 AS n_conv, conv_value AS v, 0 AS n_null, is_first AS n_first FROM conv_rows
  UNION ALL
  SELECT pkey, '' AS akey, 0 AS n_conv, 0.0 AS v, 1 AS n_null, 0 AS n_first FROM null_rows
)
SELECT pkey, akey, sum(n_conv) AS conversions, sum(v) AS total_value, sum(n_null) AS nulls, sum(n_first) AS first_orders
FROM all_rows GROUP BY pkey, akey ORDER BY pkey, akey${d.querySuffix}`;
  const rows = await store.query<{ pkey: string; akey: string; conversions: number; total_value: number; nulls: number; first_orders: number }>(q.build(sql));
  return rows.map((r) => {
    const path = r.pkey === '' ? [] : r.pkey.split(SEP);
    const out: JourneyPath = {
      path,
      conversions: Number(r.conversions),
      value: Math.round(Number(r.total_value) * 1e6) / 1e6,
      nulls: Number(r.nulls),
      firstOrders: Number(r.first_orders),
    };
    if (o.withAges && r.akey !== '') out.ageDays = r.akey.split(SEP).map((a) => Number(a) / 100);
    else if (o.withAges && path.length === 0) out.ageDays = [];
    return out;
  });
}

/**
 * Merges the age-split rows of the same path (for models that ignore ages), keeping the
 * order of first appearance.
 */
export function withoutAges(paths: JourneyPath[]): JourneyPath[] {
  const merged = new Map<string, JourneyPath>();
  for (const p of paths) {
    const key = p.path.join(SEP);
    const m = merged.get(key);
    if (m) {
      m.conversions += p.conversions;
      m.value += p.value;
      m.nulls += p.nulls;
      m.firstOrders += p.firstOrders;
    } else merged.set(key, { path: p.path, conversions: p.conversions, value: p.value, nulls: p.nulls, firstOrders: p.firstOrders });
  }
  return [...merged.values()];
}

export interface DailyTouchCredit {
  /** 'YYYY-MM-DD' of the touch. */
  date: string;
  touchpoint: string;
  /** Linear credit of conversions and value, dated by the touch (not the conversion). */
  conversions: number;
  value: number;
}

/**
 * Linear credit per touch day and touchpoint: each conversion's value is split equally among
 * its touches and dated on the day of each touch, so it lines up with that day's spend.
 */
export async function dailyTouchCredit(store: Store, scope: AnalysisScope, options: JourneyOptions = {}): Promise<DailyTouchCredit[]> {
  const o = resolved(options);
  const q = new QueryBuilder(store.dialect);
  const d = q.d;
  const ctes = journeyCtes(q, scope, o);
  const sql = `WITH ${ctes},
sized AS (SELECT conv_id AS sized_conv_id, count(*) AS n_touches FROM conv_touch GROUP BY conv_id)
SELECT ${d.formatDate('ct.touch_ts')} AS touch_day, ct.touch_label AS touchpoint,
  sum(1.0 / s.n_touches) AS credit_conversions, sum(c.conv_value / s.n_touches) AS credit_value
FROM conv_touch AS ct
INNER JOIN sized AS s ON s.sized_conv_id = ct.conv_id
INNER JOIN conv AS c ON c.conv_id = ct.conv_id
GROUP BY ${d.formatDate('ct.touch_ts')}, ct.touch_label
ORDER BY touch_day, touchpoint${d.querySuffix}`;
  const rows = await store.query<{ touch_day: string; touchpoint: string; credit_conversions: number; credit_value: number }>(q.build(sql));
  return rows.map((r) => ({ date: r.touch_day, touchpoint: r.touchpoint, conversions: Number(r.credit_conversions), value: Number(r.credit_value) }));
}

/** First and last event time of a project, for commands run without --from/--to. */
export async function projectTimeRange(store: Store, projectId: string): Promise<{ from: Date; to: Date } | undefined> {
  const q = new QueryBuilder(store.dialect);
  const rows = await store.query<{ first_ts: string | null; last_ts: string | null; n: number }>(
    q.build(`SELECT min(timestamp) AS first_ts, max(timestamp) AS last_ts, count(*) AS n FROM events WHERE project_id = ${q.str(projectId)}${store.dialect.querySuffix}`),
  );
  const r = rows[0];
  if (!r || Number(r.n) === 0 || !r.first_ts || !r.last_ts) return undefined;
  // `to` is exclusive: one millisecond past the last event keeps it in range.
  return { from: new Date(r.first_ts), to: new Date(Date.parse(r.last_ts) + 1) };
}

/** Spend rows are daily (dated at midnight UTC): a day counts when the range starts inside it. */
export function spendFrom(scope: { from: Date }): Date {
  const d = new Date(scope.from);
  d.setUTCHours(0, 0, 0, 0);
  return d;
}
