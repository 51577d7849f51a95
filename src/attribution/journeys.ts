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
import { type AnalysisScope, ORDER_EVENT, scopedEvents } from '../scope/scope.ts';
import { refundsByOrderSql } from '../scope/money.ts';
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
  /**
   * The path's value before refunds, present only when refunds lowered it: `value` is net of the
   * refunds that name their order (src/scope/money.ts refundsByOrderSql) when the conversion event
   * is Order Completed.
   */
  grossValue?: number;
}

export const DEFAULT_CONVERSION_EVENT = 'Order Completed';
export const DEFAULT_LOOKBACK_DAYS = 30;

/** Separates touch labels inside the SQL-built path key; a control character no label contains. */
const SEP = '\u001f';

function resolved(o: JourneyOptions): Required<JourneyOptions> {
  const lookbackDays = o.lookbackDays ?? DEFAULT_LOOKBACK_DAYS;
  if (!(lookbackDays > 0) || !Number.isFinite(lookbackDays))
    throw new RangeError(`lookbackDays must be a positive number, got ${lookbackDays}`);
  return {
    conversionEvent: o.conversionEvent ?? DEFAULT_CONVERSION_EVENT,
    lookbackDays,
    granularity: o.granularity ?? 'channel',
    withAges: o.withAges ?? false,
  };
}

/** Touch label per granularity, from the columns of one touch row (`own`: a non-web touchpoint). */
function labelSql(q: QueryBuilder, granularity: Granularity, own: string): string {
  const d = q.d;
  const campaignOf = `CASE WHEN ${own} THEN coalesce(nullif(${d.jsonString('properties', ['campaign'])}, ''), campaign) ELSE campaign END`;
  const keywordOf = `CASE WHEN ${own} THEN coalesce(nullif(${d.jsonString('properties', ['keyword'])}, ''), term) ELSE term END`;
  return {
    channel: 'channel',
    source_medium: `CASE WHEN ${own} THEN channel ELSE concat(source, ' / ', medium) END`,
    campaign: `coalesce(nullif(${campaignOf}, ''), channel)`,
    keyword: `coalesce(nullif(${keywordOf}, ''), nullif(${campaignOf}, ''), channel)`,
  }[granularity];
}

/**
 * The CTEs `touches` (t_person, t_ts, t_label: one row per touch) and `conv` (c_person, c_id,
 * c_ts, c_ms, c_value, c_gross, c_first: conversions in the range). An order's value is net of
 * the refunds that name it (whenever refunded), its gross value beside it; other conversion
 * events keep their revenue as both. Each reads the events once: a
 * session's first touch comes from a GROUP BY (no window over every event), and the first-order
 * flag from a window over conversion rows only.
 */
function touchAndConversionCtes(q: QueryBuilder, scope: AnalysisScope, o: Required<JourneyOptions>): string {
  const d = q.d;
  const conv = q.str(o.conversionEvent);
  const windowStart = new Date(scope.from.getTime() - o.lookbackDays * 86_400_000);
  const events = scopedEvents(q, scope, {
    ignoreTimeRange: true,
    extraWhere: [`timestamp >= ${q.time(windowStart)}`, `timestamp < ${q.time(scope.to)}`, `channel <> ''`, `event <> ${conv}`],
  });
  // The substring tests skip JSON parsing on the many rows that cannot name a channel of their
  // own (the stored JSON is serialised by the loader, so a "channel" key appears literally).
  const own = `((position('channel' IN properties) > 0 AND ${d.jsonString('properties', ['channel'])} <> '')
      OR (position('touchpoint' IN context) > 0 AND ${d.jsonString('context', ['touchpoint', 'channel'])} <> ''))`;
  const conversions = scopedEvents(q, scope, { ignoreTimeRange: true, extraWhere: [`event = ${conv}`] });
  // Refunds name their order by order_id; only orders can be refunded.
  const refunds =
    o.conversionEvent === ORDER_EVENT
      ? `LEFT JOIN (${refundsByOrderSql(q, scope.projectId)}) AS rf ON rf.r_order = numbered.order_id AND numbered.order_id <> ''`
      : '';
  const refunded = refunds ? 'coalesce(rf.r_amount, 0)' : '0';
  return `touch_rows AS (
  SELECT person_id, session_id, timestamp, message_id, channel, ${labelSql(q, o.granularity, 'is_own')} AS label,
    CASE WHEN is_own THEN channel ELSE '' END AS own_channel
  FROM (SELECT person_id, session_id, timestamp, message_id, channel, source, medium, campaign, term, properties, ${own} AS is_own FROM ${events} AS e) AS r
),
touches AS (
  SELECT person_id AS t_person, min(timestamp) AS t_ts, ${d.argMin('label', '(timestamp, message_id)')} AS t_label
  FROM touch_rows GROUP BY person_id, session_id, own_channel
),
conv AS (
  SELECT person_id AS c_person, message_id AS c_id, timestamp AS c_ts, ${d.epochMillis('timestamp')} AS c_ms,
    coalesce(revenue, 0) - ${refunded} AS c_value, coalesce(revenue, 0) AS c_gross,
    CASE WHEN order_no = 1 THEN 1 ELSE 0 END AS c_first
  FROM (
    SELECT person_id, message_id, timestamp, revenue, order_id, row_number() OVER (PARTITION BY person_id ORDER BY timestamp, message_id) AS order_no
    FROM ${conversions} AS c
  ) AS numbered ${refunds}
  WHERE numbered.timestamp >= ${q.time(scope.from)} AND numbered.timestamp < ${q.time(scope.to)}
)`;
}

/**
 * Distinct paths with their conversions, value, null journeys and first orders.
 *
 * Each person's touches become two arrays sorted by (time, label); every conversion of the
 * person (and, for a person without one, the last touch) picks its lookback window as a slice of
 * them. The window is contiguous in sorted order, so two counts give its ends: no join of
 * touches × conversions, and the events are read once for touches and once for conversions.
 */
export async function buildJourneyPaths(store: Store, scope: AnalysisScope, options: JourneyOptions = {}): Promise<JourneyPath[]> {
  const o = resolved(options);
  const q = new QueryBuilder(store.dialect);
  const d = q.d;
  const ctes = touchAndConversionCtes(q, scope, o);
  const sep = q.str(SEP);
  const lookbackSeconds = q.num(o.lookbackDays * 86400);
  // The same arithmetic as secondsBetween (milliseconds / 1000.0), so edges fall where they did.
  const age = (k: string) => `(j_end - ${k}) / 1000.0`;
  // The lookback window of a journey: elements n_before + 1 … n_upto of the sorted touches.
  const slice = (arr: string) => d.arraySlice(arr, 'n_before + 1', 'n_upto');
  const ages = o.withAges
    ? `CASE WHEN is_conv = 1 THEN coalesce(${d.arrayJoinStrings(d.arrayMap(slice('t_ms'), 'k', d.toStr(`CAST(round(${age('k')} / 864.0) AS BIGINT)`)), sep)}, '') ELSE '' END`
    : `''`;
  const sql = `WITH ${ctes},
person_touches AS (
  SELECT t_person, ${d.arrayAgg('t_ms1', 't_ms1')} AS t_ms, ${d.arrayAgg('t_label', 't_ms1, t_label')} AS t_labels, max(t_ms1) AS last_ms
  FROM (SELECT t_person, ${d.epochMillis('t_ts')} AS t_ms1, t_label FROM touches) AS tm GROUP BY t_person
),
journeys AS (
  SELECT t_ms, t_labels, CASE WHEN c_ms IS NULL THEN 0 ELSE 1 END AS is_conv, coalesce(c_ms, last_ms, 0) AS j_end,
    coalesce(c_value, 0) AS j_value, coalesce(c_gross, 0) AS j_gross, coalesce(c_first, 0) AS j_first
  FROM person_touches AS p FULL OUTER JOIN conv AS c ON c.c_person = p.t_person
  WHERE c_ms IS NOT NULL OR last_ms >= ${d.epochMillis(q.time(scope.from))}
),
windows AS (
  SELECT t_ms, t_labels, is_conv, j_end, j_value, j_gross, j_first,
    ${d.arrayCount('t_ms', 'k', `${age('k')} > ${lookbackSeconds}`)} AS n_before,
    ${d.arrayCount('t_ms', 'k', `k <= j_end`)} AS n_upto
  FROM journeys
),
all_rows AS (
  SELECT coalesce(${d.arrayJoinStrings(slice('t_labels'), sep)}, '') AS pkey, ${ages} AS akey,
    is_conv AS n_conv, CASE WHEN is_conv = 1 THEN j_value ELSE 0.0 END AS v, CASE WHEN is_conv = 1 THEN j_gross ELSE 0.0 END AS gv,
    1 - is_conv AS n_null, j_first AS n_first
  FROM windows
)
SELECT pkey, akey, sum(n_conv) AS conversions, sum(v) AS total_value, sum(gv) AS total_gross, sum(n_null) AS nulls, sum(n_first) AS first_orders
FROM all_rows GROUP BY pkey, akey ORDER BY pkey, akey`;
  const rows = await store.query<{
    pkey: string;
    akey: string;
    conversions: number;
    total_value: number;
    total_gross: number;
    nulls: number;
    first_orders: number;
  }>(q.build(sql));
  return rows.map((r) => {
    const path = r.pkey === '' ? [] : r.pkey.split(SEP);
    const out: JourneyPath = {
      path,
      conversions: Number(r.conversions),
      value: Math.round(Number(r.total_value) * 1e6) / 1e6,
      nulls: Number(r.nulls),
      firstOrders: Number(r.first_orders),
    };
    const gross = Math.round(Number(r.total_gross) * 1e6) / 1e6;
    if (gross !== out.value) out.grossValue = gross;
    if (o.withAges && r.akey !== '') out.ageDays = r.akey.split(SEP).map((a) => Number(a) / 100);
    else if (o.withAges && path.length === 0) out.ageDays = [];
    return out;
  });
}

/**
 * Drill-down of attribution rows: the converters a touchpoint touched. A person counts for a
 * touchpoint when one of their conversions in the range has a touch with that label in its
 * lookback window (the same window the models credit), and for "(no touchpoint)" when one of
 * their conversions has no touch at all. One column, `person_id`, distinct.
 */
export function touchedConvertersSql(q: QueryBuilder, scope: AnalysisScope, options: JourneyOptions, touchpoint: string): string {
  const o = resolved(options);
  const pairs = convTouchPairs(q, scope, o);
  if (touchpoint === NO_TOUCHPOINT)
    return `WITH ${pairs}
SELECT DISTINCT c.c_person AS person_id FROM conv AS c LEFT JOIN (SELECT DISTINCT ct_conv FROM conv_touch) AS w ON w.ct_conv = c.c_id
WHERE w.ct_conv IS NULL`;
  return `WITH ${pairs}
SELECT DISTINCT ct_person AS person_id FROM conv_touch WHERE ct_label = ${q.str(touchpoint)}`;
}

/** Where the models credit a conversion without touches (models/common.ts NO_TOUCH). */
const NO_TOUCHPOINT = '(no touchpoint)';

/** The CTEs of touchAndConversionCtes plus `conv_touch`: each conversion with each touch in its lookback window. */
function convTouchPairs(q: QueryBuilder, scope: AnalysisScope, o: Required<JourneyOptions>): string {
  const age = q.d.secondsBetween('t.t_ts', 'c.c_ts');
  return `${touchAndConversionCtes(q, scope, o)},
conv_touch AS (
  SELECT c.c_id AS ct_conv, c.c_person AS ct_person, t.t_label AS ct_label
  FROM conv AS c INNER JOIN touches AS t ON t.t_person = c.c_person
  WHERE ${age} >= 0 AND ${age} <= ${q.num(o.lookbackDays * 86400)}
)`;
}

/**
 * How many distinct converters each touchpoint touched (the size of touchedConvertersSql per
 * label), with "(no touchpoint)" and every converter under `total`.
 */
export async function touchedConverterCounts(
  store: Store,
  scope: AnalysisScope,
  options: JourneyOptions = {},
): Promise<{ byTouchpoint: Map<string, number>; total: number }> {
  const o = resolved(options);
  const q = new QueryBuilder(store.dialect);
  const d = q.d;
  const rows = await store.query<{ label: string; people: number }>(
    q.build(`WITH ${convTouchPairs(q, scope, o)}
SELECT ct_label AS label, ${d.countDistinct('ct_person')} AS people FROM conv_touch GROUP BY ct_label
UNION ALL
SELECT ${q.str(NO_TOUCHPOINT)} AS label, ${d.countDistinct('c.c_person')} AS people
FROM conv AS c LEFT JOIN (SELECT DISTINCT ct_conv FROM conv_touch) AS w ON w.ct_conv = c.c_id WHERE w.ct_conv IS NULL
UNION ALL
SELECT '' AS label, ${d.countDistinct('c_person')} AS people FROM conv`),
  );
  const byTouchpoint = new Map<string, number>();
  let total = 0;
  for (const r of rows) {
    if (r.label === '') total = Number(r.people);
    else if (Number(r.people) > 0) byTouchpoint.set(r.label, Number(r.people));
  }
  return { byTouchpoint, total };
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
      if (m.grossValue !== undefined || p.grossValue !== undefined) m.grossValue = (m.grossValue ?? m.value) + (p.grossValue ?? p.value);
      m.conversions += p.conversions;
      m.value += p.value;
      m.nulls += p.nulls;
      m.firstOrders += p.firstOrders;
    } else {
      const first: JourneyPath = { path: p.path, conversions: p.conversions, value: p.value, nulls: p.nulls, firstOrders: p.firstOrders };
      if (p.grossValue !== undefined) first.grossValue = p.grossValue;
      merged.set(key, first);
    }
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
  const ctes = touchAndConversionCtes(q, scope, o);
  const lookbackSeconds = q.num(o.lookbackDays * 86400);
  const age = d.secondsBetween('t.t_ts', 'c.c_ts');
  const sql = `WITH ${ctes},
conv_touch AS (
  SELECT c.c_id AS ct_conv, t.t_ts AS touch_ts, t.t_label AS touch_label, c.c_value AS ct_value
  FROM conv AS c INNER JOIN touches AS t ON t.t_person = c.c_person
  WHERE ${age} >= 0 AND ${age} <= ${lookbackSeconds}
),
sized AS (SELECT ct_conv, ${d.formatDate('touch_ts')} AS touch_day, touch_label, ct_value, count(*) OVER (PARTITION BY ct_conv) AS n_touches FROM conv_touch)
SELECT touch_day, touch_label AS touchpoint, sum(1.0 / n_touches) AS credit_conversions, sum(ct_value / n_touches) AS credit_value
FROM sized GROUP BY touch_day, touch_label
ORDER BY touch_day, touchpoint`;
  const rows = await store.query<{ touch_day: string; touchpoint: string; credit_conversions: number; credit_value: number }>(q.build(sql));
  return rows.map((r) => ({
    date: r.touch_day,
    touchpoint: r.touchpoint,
    conversions: Number(r.credit_conversions),
    value: Number(r.credit_value),
  }));
}

/** Spend rows are daily (dated at midnight UTC): a day counts when the range starts inside it. */
export function spendFrom(scope: { from: Date }): Date {
  const d = new Date(scope.from);
  d.setUTCHours(0, 0, 0, 0);
  return d;
}
