/**
 * The event names Waymark gives meaning to (Segment's e-commerce and survey specs). Ingestion
 * and every analysis read them from here, so "an order" means the same event when revenue is
 * taken in and when orders are counted.
 */
export const ORDER_EVENT = 'Order Completed';
export const REFUND_EVENT = 'Order Refunded';
export const SURVEY_EVENT = 'Survey Responded';
export const CHECKOUT_EVENT = 'Checkout Started';

/** Events whose revenue is money in (orders) or out (refunds): ingestion keeps `revenue` only for these. */
export const MONEY_EVENTS: readonly string[] = [ORDER_EVENT, REFUND_EVENT];

export function isMoneyEvent(event: string): boolean {
  return MONEY_EVENTS.includes(event);
}
