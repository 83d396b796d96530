/**
 * Types shared by the engine modules (profile folding, sources, segments,
 * experiments). Pure data: no I/O, no runtime dependencies, so the SDK may
 * `import type` from here and the bench can load the engine in plain Node.
 */

export const MEDIA = ['email', 'social', 'search', 'paid', 'chatbot', 'referral', 'direct', 'internal'] as const;
export type Medium = (typeof MEDIA)[number];

export interface SourceInfo {
  medium: Medium;
  /** A stable lower-case name such as `facebook`, `gmail`, `mailchimp`, or null when unknown. */
  source: string | null;
}

/**
 * Counters kept per time bucket and in lifetime totals.
 * `sessions.<medium>` counts sessions that started from that medium.
 * `revenue` is in minor currency units (cents), so every counter is an integer.
 */
export const COUNTERS = [
  'sessions',
  'pageviews',
  'productViews',
  'cartAdds',
  'checkouts',
  'purchases',
  'revenue',
  'dealViews',
  'sessions.email',
  'sessions.social',
  'sessions.search',
  'sessions.paid',
  'sessions.chatbot',
  'sessions.referral',
  'sessions.direct',
] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counts = Partial<Record<Counter, number>>;

/** Metrics a segment rule can read: the counters plus recency measures (in whole days). */
export const RECENCY_METRICS = ['daysSinceFirstSeen', 'daysSinceLastSeen', 'daysSinceLastPurchase'] as const;
export type RecencyMetric = (typeof RECENCY_METRICS)[number];
export type MetricName = Counter | RecencyMetric;

/** Windows (in days) the profile can answer for; `0` means lifetime. */
export const WINDOWS = [0, 7, 30, 90, 365] as const;
export type WindowDays = (typeof WINDOWS)[number];

/**
 * One time bucket of activity. `day` is the first UTC day (days since the Unix
 * epoch) the bucket covers and `width` its length in days. Recent activity lives
 * in 1-day buckets that are merged into 7- and 30-day buckets as they age, so a
 * year of activity stays a few dozen buckets.
 */
export interface Bucket {
  day: number;
  width: number;
  counts: Counts;
}

export type TraitValue = string | number | boolean;

/** The visitor's compact behavioural summary. Travels as a signed cookie. */
export interface Profile {
  v: 1;
  /** Random visitor id (used for experiment assignment); never personal data. */
  id: string;
  /** First and last activity, ms since epoch (0 for a brand-new profile). */
  first: number;
  last: number;
  /** Highest event `seq` applied; events with seq <= this are ignored. */
  seq: number;
  /** The session in progress (30 minutes of inactivity or a new campaign source ends it). */
  session: {
    start: number;
    last: number;
    medium: Medium;
    source: string | null;
    campaign: string | null;
  } | null;
  /** Lifetime totals per counter. */
  totals: Counts;
  /** Time buckets, newest first, bounded (see profile.ts). */
  buckets: Bucket[];
  /** Sessions per named source (`facebook`, `newsletter`, …), top entries only. */
  sources: Record<string, number>;
  /** Interest score per category as of `t` (ms); decays exponentially with the configured half-life. */
  interests: Record<string, { score: number; t: number }>;
  /** Time of the last purchase, ms (0 = never). */
  lastPurchase: number;
  /** Zero-party traits from identify (bounded, no e-mail addresses kept). */
  traits: Record<string, TraitValue>;
  /** Sticky experiment assignments: experiment id -> variant id. */
  exp: Record<string, string>;
  /** Experiments whose exposure has been recorded for this visitor. */
  exposed: string[];
  /**
   * The page view the edge folded from the request itself, so the SDK's page
   * event for the same view is not counted twice. `confirmed` flips when the
   * SDK's pageview arrives; an e-mail click counts as an e-mail session only then
   * (mail scanners follow links but do not run scripts).
   */
  edgeView: { id: string; medium: Medium; source: string | null; confirmed: boolean } | null;
}

/** What the edge knows about the current request; used by context leaves and offer placeholders. */
export interface RequestContext {
  country?: string;
  region?: string;
  city?: string;
  device?: 'mobile' | 'tablet' | 'desktop';
  medium?: Medium;
  source?: string | null;
  utm_campaign?: string;
  path?: string;
}

/** Context for applyEvents: the site's host (for internal referrers), the interest half-life, the known categories. */
export interface ApplyContext {
  host?: string;
  /** Interest half-life in days (default 7). */
  halfLifeDays?: number;
  now?: number;
}
