// Numeric journey parameters of the demo world. The ground truth reports them verbatim, so a
// test or a demo viewer can compare an estimate with the value that generated the data.

export const PARAMS = {
  /** Share of generated "customers" that are crawlers: page views only, bot user agents. */
  botShare: 0.03,
  /** awareness → consideration: the visitor views at least one product. */
  considerProb: 0.62,
  /** A non-considering visitor comes back once more with this probability. */
  bounceReturnProb: 0.35,
  /** Visits between the first and the deciding one: geometric with this stop probability, capped. */
  nurtureStopProb: 0.4,
  nurtureMax: 6,
  /** Mean gap between journey visits (days); visits are hours to days apart. */
  touchGapMeanDays: 2.2,
  /** Considering visitors who sign up for the newsletter (identify + opt-in) on some visit. */
  signupProb: 0.3,
  /** Checkout identifies everyone; this share of non-subscribers also opt in there. */
  checkoutOptInProb: 0.5,
  /** Signups that also send an alias call (previousId = anonymousId). */
  aliasProb: 0.1,
  /** Customers browsing on a second device, with its own anonymousId. */
  secondDeviceProb: 0.25,
  /** Identified customers log in on an unidentified device on a visit with this probability. */
  loginProb: 0.6,
  /** Checkout Started → Order Completed before and after the streamlined checkout. */
  checkoutP0: 0.55,
  checkoutP1: 0.68,
  /** Ship date of wave 1 as a fraction of the period; wave 2 follows after this many days. */
  shipFraction: 2 / 3,
  wave2DelayDays: 28,
  shipCost: { oneOff: 40000, monthly: 2500 },
  /** An abandoned checkout is retried; the abandoned-cart email (opt-ins only) raises that. */
  retryBase: 0.2,
  retryWithEmail: 0.45,
  experiment: {
    id: 'free-shipping-banner',
    name: 'Free shipping banner',
    startFraction: 0.3,
    lengthDays: 35,
    weights: [0.5, 0.5] as const,
    /** Multiplies the checkout-intent probability in variation 1. */
    relativeLift: 0.1,
    windowDays: 14,
  },
  /**
   * A randomized welcome offer with a heterogeneous effect: new visitors whose first visit falls
   * in its window are split 50/50; the treated see the offer, which adds `effectByPersona` to their
   * checkout-intent probability (negative: the offer puts them off). It starts after the banner
   * experiment ends, so the two never overlap.
   */
  offer: {
    id: 'welcome-offer',
    name: 'Welcome offer',
    startFraction: 0.55,
    lengthDays: 60,
    weights: [0.5, 0.5] as const,
    windowDays: 14,
    effectByPersona: {
      'Bargain Hunter': 0.14,
      'Gift Shopper': 0.07,
      'Busy Parent': 0.03,
      'Outdoor Enthusiast': 0,
      'Brand Loyalist': -0.1,
    } as Record<string, number>,
  },
  /** Extra browsing visits after the journey's decision (Poisson mean). */
  returnVisitsMean: { considerer: 3.5, buyer: 5 },
  /** Pages per browsing visit beyond the landing page (1 + Poisson mean). */
  pagesMean: 4.6,
  deliveryDays: [2, 5] as const,
  lateDaysMax: 5,
  refundProb: { onTime: 0.06, late: 0.18 },
  /** experience → loyalty (at least one repeat order) by how the first order went. */
  repeatProb: { good: 0.45, late: 0.2, refunded: 0.1 },
  repeatStopProb: 0.45,
  repeatMax: 6,
  repeatGapMeanDays: 24,
  npsResponseProb: 0.35,
  checkoutCsatProb: 0.12,
  lateChatProb: 0.4,
  preChatProb: 0.03,
  callProb: 0.06,
  newsletterOpenProb: 0.2,
  casualAddProb: 0.1,
  taxRate: 0.07,
  freeShippingOver: 75,
  shippingFee: 6.95,
  /** USD per EUR for EUR-billed campaigns. */
  eurUsd: 1.08,
  /** Ad clicks that never produce a tracked page view (ad blockers, bounces before load). */
  untrackedClickShare: [0.05, 0.15] as const,
} as const;
