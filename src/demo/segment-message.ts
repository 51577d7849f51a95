// The Segment spec message shape (https://segment.com/docs/connections/spec/common/),
// restricted to the fields the demo world produces.

export type SegmentMessageType = 'track' | 'page' | 'identify' | 'alias';

export interface SegmentCampaign {
  name?: string;
  source?: string;
  medium?: string;
  term?: string;
  content?: string;
}

export interface SegmentPageContext {
  url: string;
  path: string;
  referrer: string;
  title: string;
  search?: string;
}

export interface SegmentContext {
  campaign?: SegmentCampaign;
  page?: SegmentPageContext;
  userAgent?: string;
  ip?: string;
}

export interface SegmentMessage {
  type: SegmentMessageType;
  messageId: string;
  /** ISO 8601 in UTC, always ending in Z. */
  timestamp: string;
  anonymousId?: string;
  userId?: string;
  /** track only */
  event?: string;
  /** page only */
  name?: string;
  properties?: Record<string, unknown>;
  /** identify only */
  traits?: Record<string, unknown>;
  /** alias only */
  previousId?: string;
  context?: SegmentContext;
}
