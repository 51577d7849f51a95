/**
 * Money in SQL, from the one event vocabulary (vocabulary.ts): an order's revenue is money in, a
 * refund's revenue (Segment's Order Refunded; ingestion keeps its revenue, else its total) is money
 * out. Every figure that values persons or orders (journey map, initiative ROI, CLV inputs) uses
 * these, so "net" means the same thing everywhere: orders minus refunds.
 */
import type { Dialect, QueryBuilder } from '../store/dialect/dialect.ts';
import { ORDER_EVENT, REFUND_EVENT } from './vocabulary.ts';

/** `event = 'Order Completed'` on an optional table alias (e.g. 'e.'). */
export const orderCond = (alias = ''): string => `${alias}event = '${ORDER_EVENT}'`;
/** `event = 'Order Refunded'` on an optional table alias. */
export const refundCond = (alias = ''): string => `${alias}event = '${REFUND_EVENT}'`;

/** Σ order revenue (gross) as an aggregate. */
export function grossRevenueSql(d: Dialect, alias = ''): string {
  return d.sumIf(`coalesce(${alias}revenue, 0)`, orderCond(alias));
}

/** Σ refunded amounts as an aggregate. */
export function refundedSql(d: Dialect, alias = ''): string {
  return d.sumIf(`coalesce(${alias}revenue, 0)`, refundCond(alias));
}

/** Σ order revenue − Σ refunded amounts as an aggregate (each refund dated by itself). */
export function netRevenueSql(d: Dialect, alias = ''): string {
  return `(${grossRevenueSql(d, alias)} - ${refundedSql(d, alias)})`;
}

/**
 * Refunded amount per order id of one project: `SELECT r_order, r_amount`. A refund names the order
 * it returns by `order_id` (Segment's spec); refunds without one cannot be tied to an order and are
 * left to the aggregates above. Several partial refunds of one order add up.
 */
export function refundsByOrderSql(q: QueryBuilder, projectId: string, options: { until?: Date } = {}): string {
  // `until` (exclusive): only refunds known by then, so a model calibrated at a date sees no later refund.
  const until = options.until ? ` AND timestamp < ${q.time(options.until)}` : '';
  return `SELECT order_id AS r_order, sum(coalesce(revenue, 0)) AS r_amount FROM events
WHERE project_id = ${q.str(projectId)} AND ${refundCond()} AND order_id <> '' AND is_bot = 0${until} GROUP BY order_id`;
}
