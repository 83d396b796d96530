/**
 * Wire protocol v1 and the config format, defined once with zod.
 * The SDK imports the inferred types with `import type`, so zod never reaches the browser.
 */
import { z } from 'zod';
import { COUNTERS, RECENCY_METRICS } from './types.ts';

// ---------------------------------------------------------------- limits

export const LIMITS = {
  batchBytes: 64 * 1024,
  batchEvents: 100,
  id: 64,
  url: 2048,
  title: 256,
  name: 64,
  propKeys: 32,
  propKey: 64,
  propString: 512,
  interests: 16,
  interest: 40,
} as const;

// ---------------------------------------------------------------- events

const propValue = z.union([z.string().max(LIMITS.propString), z.number().finite(), z.boolean(), z.null()]);
const props = z
  .record(z.string().min(1).max(LIMITS.propKey), propValue)
  .refine((o) => Object.keys(o).length <= LIMITS.propKeys, { message: `at most ${LIMITS.propKeys} properties` });

const eventBase = {
  id: z.string().min(1).max(LIMITS.id),
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  ts: z.number().int().nonnegative().max(8.64e15),
};

export const pageEventSchema = z.object({
  ...eventBase,
  type: z.literal('page'),
  url: z.string().min(1).max(LIMITS.url),
  referrer: z.string().max(LIMITS.url).optional(),
  title: z.string().max(LIMITS.title).optional(),
  interests: z.array(z.string().min(1).max(LIMITS.interest)).max(LIMITS.interests).optional(),
  /** The pageview id the edge handed the page, when the edge already folded this view from the request. */
  pvid: z.string().max(LIMITS.id).optional(),
});

export const trackEventSchema = z.object({
  ...eventBase,
  type: z.literal('track'),
  name: z.string().min(1).max(LIMITS.name),
  props: props.optional(),
});

export const identifyEventSchema = z.object({
  ...eventBase,
  type: z.literal('identify'),
  traits: props,
});

export const eventSchema = z.discriminatedUnion('type', [pageEventSchema, trackEventSchema, identifyEventSchema]);

/** The envelope is checked first; each event is then validated on its own so one bad event never sinks the batch. */
export const batchEnvelopeSchema = z.object({
  v: z.literal(1),
  events: z.array(z.unknown()).min(1).max(LIMITS.batchEvents),
});

export type PageEvent = z.infer<typeof pageEventSchema>;
export type TrackEvent = z.infer<typeof trackEventSchema>;
export type IdentifyEvent = z.infer<typeof identifyEventSchema>;
export type TailorEvent = z.infer<typeof eventSchema>;
export type EventBatch = { v: 1; events: TailorEvent[] };

/** Reply of POST /__tailor/collect. */
export interface CollectReply {
  segments: string[];
  experiments: Record<string, string>;
  slots: Record<string, { segment: string; html: string }>;
  accepted: number;
  rejected: { index: number; error: string }[];
}

/** Every 4xx body. */
export interface ErrorReply {
  error: { code: string; message: string };
}

// ---------------------------------------------------------------- segment rules

export const comparisonOps = ['gte', 'gt', 'lte', 'lt', 'eq'] as const;
export type ComparisonOp = (typeof comparisonOps)[number];

const metricName = z.enum([...COUNTERS, ...RECENCY_METRICS]);
const windowDays = z.union([z.literal(0), z.literal(7), z.literal(30), z.literal(90), z.literal(365)]);
const contextField = z.enum(['country', 'region', 'city', 'device', 'medium', 'source', 'utm_campaign', 'path']);

export type Rule =
  | { all: Rule[] }
  | { any: Rule[] }
  | { not: Rule }
  | { metric: z.infer<typeof metricName>; window?: z.infer<typeof windowDays>; op: ComparisonOp; value: number }
  | { interest: string; min?: number; top?: boolean }
  | { trend: z.infer<typeof metricName>; window: 30 | 90 | 365; change: 'fell' | 'rose'; by: number; minPrevious?: number }
  | { trait: string; eq?: string | number | boolean; in?: (string | number)[]; exists?: boolean; op?: ComparisonOp; value?: number }
  | { context: z.infer<typeof contextField>; eq?: string; in?: string[]; prefix?: string }
  | { segment: string };

/**
 * The rule language. Leaves:
 * - metric:   a profile count over a window (days; 0 = lifetime) compared with a number
 * - interest: interest score at least `min`, or (top: true) the visitor's top interest
 * - trend:    this window against the one before it fell/rose by at least `by` (0..1)
 * - trait:    zero-party traits (eq / in / exists / numeric compare)
 * - context:  the current request (country, device, medium, utm_campaign, path prefix, …)
 * - segment:  another segment's result
 */
export const ruleSchema: z.ZodType<Rule> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(ruleSchema).min(1) }),
    z.strictObject({ any: z.array(ruleSchema).min(1) }),
    z.strictObject({ not: ruleSchema }),
    z.strictObject({ metric: metricName, window: windowDays.optional(), op: z.enum(comparisonOps), value: z.number().finite() }),
    z.strictObject({ interest: z.string().min(1).max(LIMITS.interest), min: z.number().nonnegative().optional(), top: z.boolean().optional() }),
    z.strictObject({
      trend: metricName,
      window: z.union([z.literal(30), z.literal(90), z.literal(365)]),
      change: z.enum(['fell', 'rose']),
      by: z.number().min(0).max(10),
      minPrevious: z.number().nonnegative().optional(),
    }),
    z.strictObject({
      trait: z.string().min(1).max(LIMITS.propKey),
      eq: z.union([z.string(), z.number(), z.boolean()]).optional(),
      in: z.array(z.union([z.string(), z.number()])).optional(),
      exists: z.boolean().optional(),
      op: z.enum(comparisonOps).optional(),
      value: z.number().finite().optional(),
    }),
    z.strictObject({ context: contextField, eq: z.string().optional(), in: z.array(z.string()).optional(), prefix: z.string().optional() }),
    z.strictObject({ segment: z.string().min(1) }),
  ]),
) as z.ZodType<Rule>;

// ---------------------------------------------------------------- config

export const SEGMENT_GROUPS = [
  'online-behaviour',
  'interests',
  'needs',
  'journey',
  'purchase-behaviour',
  'value',
  'campaign-response',
  'geography',
  'demographic',
  'combined',
] as const;

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and dashes, at most 64');

export const segmentSchema = z.strictObject({
  id,
  name: z.string().min(1).max(80),
  group: z.enum(SEGMENT_GROUPS),
  description: z.string().max(240),
  rule: ruleSchema,
});

export const offerSchema = z.strictObject({
  segment: id,
  /** Higher wins when a visitor matches several segments with an offer for the same slot. */
  priority: z.number().int(),
  /** Admin-written HTML; `{{placeholders}}` are filled with escaped values. */
  html: z.string().max(16_384),
});

export const variantSchema = z.strictObject({
  id,
  weight: z.number().min(0).max(1),
  html: z.string().max(16_384),
  control: z.boolean().optional(),
});

/** Shape only here; behaviour lives in experiments.ts. */
export const experimentSchema = z.strictObject({
  id,
  name: z.string().min(1).max(120),
  slot: z.string().min(1).max(64),
  /** A segment id, or `everyone`. */
  targeting: z.string().min(1).default('everyone'),
  traffic: z.number().min(0).max(1).default(1),
  seed: z.string().max(64).optional(),
  variants: z.array(variantSchema).min(2).max(8),
  goals: z
    .strictObject({
      primary: z.string().min(1).max(LIMITS.name),
      secondary: z.array(z.string().min(1).max(LIMITS.name)).max(8).default([]),
      windowDays: z.number().int().min(1).max(90).default(14),
    }),
  status: z.enum(['draft', 'running', 'stopped']).default('draft'),
  start: z.string().optional(),
  end: z.string().optional(),
});

export const settingsSchema = z.strictObject({
  /** Consent before the visitor decides: `pending` persists nothing, `granted` persists at once. */
  consentDefault: z.enum(['pending', 'granted']).default('granted'),
  /** Treat `Sec-GPC: 1` / navigator.globalPrivacyControl as not granted. */
  honorGpc: z.boolean().default(true),
  /** Origins allowed to call collect cross-origin. */
  corsOrigins: z.array(z.string().url()).default([]),
  /** Interest score half-life in days. */
  interestHalfLifeDays: z.number().positive().max(365).default(7),
  /** Product categories the site has (drives the interest-<category> segments). */
  categories: z.array(z.string().min(1).max(LIMITS.interest)).default([]),
});

export const configSchema = z.strictObject({
  version: z.number().int().optional(),
  settings: settingsSchema.default(settingsSchema.parse({})),
  segments: z.array(segmentSchema).max(20_000),
  /** slot name -> offers (one per segment) */
  slots: z.record(z.string().min(1).max(64), z.array(offerSchema)).default({}),
  experiments: z.array(experimentSchema).default([]),
});

export type SegmentDef = z.infer<typeof segmentSchema>;
export type Offer = z.infer<typeof offerSchema>;
export type Experiment = z.infer<typeof experimentSchema>;
export type Settings = z.infer<typeof settingsSchema>;
export type TailorConfig = z.infer<typeof configSchema>;
export type TailorConfigInput = z.input<typeof configSchema>;
