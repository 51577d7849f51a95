/**
 * The journey model: a journey is a named, ordered list of stages; a person enters a stage at
 * the first event matching any of its rules. Validated with zod so that a bad definition is a
 * clear 400 (API) or message (CLI), never a broken query.
 */
import { z } from 'zod';
import { propertyFilterSchema } from '../scope/filters.ts';

const regexSchema = z
  .string()
  .min(1)
  .refine(
    (s) => {
      try {
        new RegExp(s);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid regular expression' },
  );

/** One rule: every condition given must hold (AND); a stage's rules are alternatives (OR). */
export const stageRuleSchema = z
  .object({
    events: z.array(z.string().min(1)).min(1).optional(),
    /** The event's own channel (events.channel), e.g. 'Paid Search', 'Phone'. */
    channels: z.array(z.string().min(1)).min(1).optional(),
    /** Any non-empty channel: a touch that came through some channel. */
    anyChannel: z.boolean().optional(),
    /** Any event at all (page, track, identify…): any interaction with the brand. */
    anyEvent: z.boolean().optional(),
    pathRegex: regexSchema.optional(),
    urlRegex: regexSchema.optional(),
    /** Conditions on the event in the shared property-filter language (scope/filters.ts). */
    properties: z.array(propertyFilterSchema).min(1).optional(),
    /** Enter at the nth matching event (2 = a repeat), not the first. */
    minOccurrence: z.number().int().min(1).max(100).default(1),
    /** Only events at or after entering this earlier stage count (e.g. a call after a purchase). */
    after: z.string().min(1).optional(),
  })
  .refine((r) => r.events || r.channels || r.anyChannel || r.anyEvent || r.pathRegex || r.urlRegex || r.properties, {
    message: 'a rule needs at least one condition (events, channels, anyChannel, anyEvent, pathRegex, urlRegex or properties)',
  });
export type StageRule = z.infer<typeof stageRuleSchema>;

export const stageSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'stage id: lowercase letters, digits, - and _, starting with a letter'),
  name: z.string().min(1),
  description: z.string().optional(),
  rules: z.array(stageRuleSchema).min(1),
});
export type Stage = z.infer<typeof stageSchema>;

export const touchpointConfigSchema = z.object({
  /** Channel of events that carry none of their own (server-side, internal navigation). */
  defaultChannel: z.string().min(1).default('Web'),
  /** Channel implied by an event name when the event has no channel (Email Opened → Email). */
  eventChannels: z.record(z.string(), z.string()).default({}),
  /** Technical events that are not customer interactions. */
  excludeEvents: z.array(z.string()).default([]),
});
export type TouchpointConfig = z.infer<typeof touchpointConfigSchema>;

export const journeySchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'journey id: letters, digits, - and _')
      .optional(),
    name: z.string().min(1),
    description: z.string().optional(),
    stages: z.array(stageSchema).min(2).max(12),
    touchpoints: touchpointConfigSchema.default({ defaultChannel: 'Web', eventChannels: {}, excludeEvents: [] }),
  })
  .superRefine((j, ctx) => {
    const seen = new Map<string, number>();
    j.stages.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['stages', i, 'id'], message: `duplicate stage id "${s.id}"` });
      seen.set(s.id, i);
    });
    j.stages.forEach((s, i) =>
      s.rules.forEach((r, k) => {
        if (r.after === undefined) return;
        const target = seen.get(r.after);
        const path = ['stages', i, 'rules', k, 'after'];
        if (target === undefined || target >= i)
          ctx.addIssue({ code: 'custom', path, message: `after: "${r.after}" must be an earlier stage` });
        // One level of dependency keeps the entry computation to two passes.
        else if (j.stages[target]!.rules.some((x) => x.after !== undefined))
          ctx.addIssue({ code: 'custom', path, message: `after: stage "${r.after}" itself uses after` });
      }),
    );
  });
export type JourneyInput = z.input<typeof journeySchema>;
export type Journey = z.infer<typeof journeySchema> & { id: string };

export const DEFAULT_JOURNEY_ID = 'default-b2c';

/**
 * The B2C retail template (online and in store) on the Segment e-commerce spec. Every stage is
 * defined by behaviour only: a survey answer is feedback about a stage, never a way into one, so
 * feedback can be read per stage without the stage being defined by it (a promoter score as a
 * loyalty trigger would make loyalty's NPS rise by construction).
 */
export const DEFAULT_JOURNEY: Journey = journeySchema.parse({
  id: DEFAULT_JOURNEY_ID,
  name: 'B2C retail with stores (default)',
  description:
    'Awareness → consideration → purchase → experience → loyalty, by behaviour: visits, product interest, orders, deliveries or pick-ups, repeat orders.',
  stages: [
    {
      id: 'awareness',
      name: 'Awareness',
      description: 'Any interaction with the brand: a visit, an email, an ad click, a call, a store visit.',
      rules: [{ anyEvent: true }],
    },
    {
      id: 'consideration',
      name: 'Consideration',
      // Looking at a product is the behaviour; a cart add without a product view on the same
      // (resolved) person means the view happened on a device not linked to them.
      description: 'Looks at a product, online or in store.',
      rules: [{ events: ['Product Viewed', 'Product Tried In Store'] }],
    },
    {
      id: 'purchase',
      name: 'Purchase',
      description: 'First completed order, online or in store.',
      rules: [{ events: ['Order Completed'] }],
    },
    {
      id: 'experience',
      name: 'Experience',
      description: 'Has the goods: an order delivered or picked up in store.',
      rules: [{ events: ['Order Delivered', 'Order Picked Up'] }],
    },
    {
      id: 'loyalty',
      name: 'Loyalty',
      description: 'A repeat order (the second or later).',
      rules: [{ events: ['Order Completed'], minOccurrence: 2 }],
    },
  ],
  touchpoints: {
    defaultChannel: 'Web',
    eventChannels: {
      'Email Opened': 'Email',
      'Email Link Clicked': 'Email',
      'Email Delivered': 'Email',
      'Email Unsubscribed': 'Email',
      'Push Notification Received': 'Push',
      'Push Notification Tapped': 'Push',
    },
    excludeEvents: ['Identify', 'Alias', 'Group', 'Experiment Viewed'],
  },
}) as Journey;

/** Parses a journey definition (API body or imported file); the id defaults to a slug of the name. */
export function parseJourney(input: unknown): Journey {
  const j = journeySchema.parse(input);
  const id =
    j.id ??
    (j.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 64) ||
      'journey');
  return { ...j, id };
}
