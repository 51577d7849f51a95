/**
 * Journey templates a project starts from. Every stage is defined by behaviour (what people do),
 * never by what they answer in a survey: feedback is read per stage, so it cannot also decide the stage.
 */
import { DEFAULT_JOURNEY, type Journey, journeySchema } from './definition.ts';

const touchpoints = DEFAULT_JOURNEY.touchpoints;

/** Online shop without stores: browsing, cart and checkout as their own stages. */
export const ECOMMERCE_JOURNEY: Journey = journeySchema.parse({
  id: 'ecommerce',
  name: 'E-commerce',
  description: 'Visit → browse products → cart → checkout → first order → repeat order, on Segment e-commerce events.',
  stages: [
    { id: 'visit', name: 'Visit', description: 'Any interaction: a visit, an email, an ad click.', rules: [{ anyEvent: true }] },
    {
      id: 'browse',
      name: 'Browse',
      description: 'Searches or looks at products.',
      rules: [{ events: ['Product Viewed', 'Products Searched', 'Product List Viewed'] }],
    },
    { id: 'cart', name: 'Cart', description: 'Adds to the cart or looks at it.', rules: [{ events: ['Product Added', 'Cart Viewed'] }] },
    {
      id: 'checkout',
      name: 'Checkout',
      description: 'Starts checking out.',
      rules: [{ events: ['Checkout Started', 'Payment Info Entered'] }],
    },
    { id: 'purchase', name: 'First order', rules: [{ events: ['Order Completed'] }] },
    { id: 'repeat', name: 'Repeat order', rules: [{ events: ['Order Completed'], minOccurrence: 2 }] },
  ],
  touchpoints,
}) as Journey;

/** Subscription or service business: trial, subscription, activation and renewal. */
export const SUBSCRIPTION_JOURNEY: Journey = journeySchema.parse({
  id: 'subscription',
  name: 'Subscription / service',
  description: 'Awareness → evaluation → sign-up → subscribed → active use → renewal, on Segment B2B SaaS and subscription events.',
  stages: [
    { id: 'awareness', name: 'Awareness', rules: [{ anyEvent: true }] },
    {
      id: 'evaluation',
      name: 'Evaluation',
      description: 'Looks at plans or pricing, or asks for a demo.',
      rules: [{ pathRegex: '(^|/)(pricing|plans)(/|$)' }, { events: ['Demo Requested', 'Pricing Viewed', 'Plan Viewed'] }],
    },
    {
      id: 'signup',
      name: 'Sign-up',
      description: 'Creates an account or starts a trial.',
      rules: [{ events: ['Signed Up', 'Account Created', 'Trial Started'] }],
    },
    {
      id: 'subscribed',
      name: 'Subscribed',
      description: 'Pays: a subscription starts or a first order completes.',
      rules: [{ events: ['Subscription Started', 'Trial Converted', 'Order Completed'] }],
    },
    {
      id: 'active',
      name: 'Active use',
      description: 'Uses the service after subscribing.',
      rules: [{ events: ['Feature Used', 'Session Started', 'Service Used'], after: 'subscribed' }],
    },
    {
      id: 'renewal',
      name: 'Renewal',
      description: 'Renews, upgrades, or pays again.',
      rules: [{ events: ['Subscription Renewed', 'Subscription Upgraded'] }, { events: ['Order Completed'], minOccurrence: 2 }],
    },
  ],
  touchpoints,
}) as Journey;

export const JOURNEY_TEMPLATES: readonly Journey[] = [DEFAULT_JOURNEY, ECOMMERCE_JOURNEY, SUBSCRIPTION_JOURNEY];
