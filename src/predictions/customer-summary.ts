/**
 * Per-buyer repeat-purchase summaries for the customer models, computed in the database: one
 * compact row per buyer (frequency, recency, age, repeat spend, holdout purchases), which is the
 * level of detail BG/NBD and Gamma-Gamma need.
 *
 * Conventions (the lifetimes package's `summary_data_from_transaction_data(freq='D')` and
 * `calibration_and_holdout_data`): a purchase is a UTC day with at least one 'Order Completed'
 * event, its value the day's summed revenue. frequency = purchase days after the first, up to and
 * including the calibration end day; recency = days from the first to the last of those purchase
 * days; age = days from the first purchase day to the calibration end day; monetary value = mean
 * value of the repeat purchase days. Only persons whose first purchase in scope falls in the
 * calibration period are buyers; purchases before `scope.from` are not seen, so the scope should
 * cover the whole history. Holdout purchases are purchase days after the calibration end.
 *
 * Values are net of refunds: an order's value is its revenue less the Order Refunded amounts that
 * name its order_id and were paid by the end of the calibration day (later ones are not known
 * then). A fully refunded order still counts as a purchase (the customer transacted) worth 0, so
 * the monetary value is the expected net spend per repeat purchase.
 */
import { ORDER_EVENT, scopedEvents, type AnalysisScope } from '../scope/scope.ts';
import { refundsByOrderSql } from '../scope/money.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';

export const DAY_MS = 86_400_000;
/** Beyond this many buyers a deterministic hash sample of persons is summarised. */
export const DEFAULT_MAX_CUSTOMERS = 1_000_000;

export interface BuyerSummary {
  personId: string;
  frequency: number;
  recencyDays: number;
  ageDays: number;
  /** Mean value of the repeat purchase days (0 without repeat purchases). */
  monetaryValue: number;
  holdoutFrequency: number;
}

export interface CustomerSummaries {
  /** First and last UTC day with any event in scope. */
  dataStart: string | null;
  dataEnd: string | null;
  calibrationEnd: string | null;
  buyers: BuyerSummary[];
  /** Buyers before sampling, and the share kept (1 when all are kept). */
  totalBuyers: number;
  sampleFraction: number;
  /** Σ value of the buyers' repeat purchase days in the calibration period, net of refunds and gross (before them). */
  repeatValue: { net: number; gross: number };
}

const dayOf = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export async function summarizeCustomers(
  store: Store,
  scope: AnalysisScope,
  options: { calibrationEnd?: Date; maxCustomers?: number; persons?: string[] } = {},
): Promise<CustomerSummaries> {
  const d = store.dialect;
  const rangeQ = new QueryBuilder(d);
  const range = (
    await store.query<{ first_ts: string | null; last_ts: string | null }>(
      rangeQ.build(`SELECT min(timestamp) AS first_ts, max(timestamp) AS last_ts FROM ${scopedEvents(rangeQ, scope)} AS e`),
    )
  )[0];
  if (!range?.first_ts || !range.last_ts)
    return {
      dataStart: null,
      dataEnd: null,
      calibrationEnd: null,
      buyers: [],
      totalBuyers: 0,
      sampleFraction: 1,
      repeatValue: { net: 0, gross: 0 },
    };
  const dataEnd = dayOf(Date.parse(range.last_ts));
  const calibrationEnd = options.calibrationEnd ? dayOf(options.calibrationEnd.getTime()) : dataEnd;

  const q = new QueryBuilder(d);
  const cal = q.time(new Date(calibrationEnd));
  // `persons`: summaries of these buyers only (e.g. one page of a people list), each computed as in the whole set.
  const only = options.persons ? [d.inArray('person_id', q.list(options.persons))] : [];
  const orders = scopedEvents(q, scope, { extraWhere: [`event = '${ORDER_EVENT}'`, `person_id <> ''`, ...only] });
  // Refunds known by the end of the calibration day, matched to their orders by order_id.
  const refunds = refundsByOrderSql(q, scope.projectId, { until: new Date(calibrationEnd + DAY_MS) });
  const base = `WITH order_days AS (
      SELECT e.person_id AS buyer, ${d.dateTrunc('day', 'e.timestamp')} AS order_day, sum(coalesce(e.revenue, 0) - coalesce(rf.r_amount, 0)) AS day_value, sum(coalesce(e.revenue, 0)) AS day_gross
      FROM ${orders} AS e LEFT JOIN (${refunds}) AS rf ON rf.r_order = e.order_id GROUP BY e.person_id, ${d.dateTrunc('day', 'e.timestamp')}
    ), first_days AS (
      SELECT buyer, min(order_day) AS first_day FROM order_days GROUP BY buyer
    )`;
  const maxCustomers = options.maxCustomers ?? DEFAULT_MAX_CUSTOMERS;
  const countSql = `${base} SELECT count(*) AS buyers FROM first_days WHERE first_day <= ${cal}`;
  const totalBuyers = Number((await store.query<{ buyers: number }>(q.build(countSql)))[0]?.buyers ?? 0);
  const sampleFraction = totalBuyers > maxCustomers ? maxCustomers / totalBuyers : 1;
  const sample = sampleFraction < 1 ? ` AND ${d.hash01('f.buyer')} < ${q.num(sampleFraction)}` : '';
  const repeat = `o.order_day > f.first_day AND o.order_day <= ${cal}`;
  const sql = `${base}
    SELECT o.buyer AS person_key,
      ${d.countIf(repeat)} AS repeat_days,
      max(CASE WHEN o.order_day <= ${cal} THEN ${d.secondsBetween('f.first_day', 'o.order_day')} ELSE 0 END) / 86400.0 AS recency_days,
      ${d.secondsBetween('f.first_day', cal)} / 86400.0 AS age_days,
      ${d.sumIf('o.day_value', repeat)} AS repeat_value,
      ${d.sumIf('o.day_gross', repeat)} AS repeat_gross,
      ${d.countIf(`o.order_day > ${cal}`)} AS holdout_days
    FROM order_days AS o JOIN first_days AS f ON o.buyer = f.buyer
    WHERE f.first_day <= ${cal}${sample}
    GROUP BY o.buyer, f.first_day
    ORDER BY person_key`;
  const rows = await store.query<{
    person_key: string;
    repeat_days: number;
    recency_days: number;
    age_days: number;
    repeat_value: number;
    repeat_gross: number;
    holdout_days: number;
  }>(q.build(sql));
  return {
    dataStart: isoDay(dayOf(Date.parse(range.first_ts))),
    dataEnd: isoDay(dataEnd),
    calibrationEnd: isoDay(calibrationEnd),
    totalBuyers,
    sampleFraction,
    repeatValue: {
      net: rows.reduce((a, r) => a + Number(r.repeat_value ?? 0), 0),
      gross: rows.reduce((a, r) => a + Number(r.repeat_gross ?? 0), 0),
    },
    buyers: rows.map((r) => {
      const frequency = Number(r.repeat_days);
      return {
        personId: r.person_key,
        frequency,
        recencyDays: Math.round(Number(r.recency_days)),
        ageDays: Math.round(Number(r.age_days)),
        monetaryValue: frequency > 0 ? Number(r.repeat_value) / frequency : 0,
        holdoutFrequency: Number(r.holdout_days),
      };
    }),
  };
}
