/**
 * Reading a profile: windowed counts, recency, trends and interests.
 * Pure functions of (profile, now); the segment evaluator calls these once per
 * distinct metric per evaluation.
 */
import type { Counter, MetricName, Profile, WindowDays } from './types.ts';

export const DAY_MS = 86_400_000;
export const DEFAULT_HALF_LIFE_DAYS = 7;

export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);

/**
 * Sum of a counter over the last `window` days including today (0 = lifetime).
 * Buckets older than a few days are 7 or 30 days wide; a bucket counts when its
 * midpoint falls inside the window, so a window edge is exact for recent days
 * and within half a bucket for old ones.
 */
export function countInWindow(profile: Profile, counter: Counter, window: WindowDays | number, now: number): number {
  if (!window) return profile.totals[counter] ?? 0;
  return countBetween(profile, counter, dayOf(now) - window + 1, dayOf(now) + 1);
}

/** Sum of a counter over buckets whose midpoint lies in [fromDay, toDay). */
export function countBetween(profile: Profile, counter: Counter, fromDay: number, toDay: number): number {
  let sum = 0;
  for (const b of profile.buckets) {
    const mid = b.day + (b.width - 1) / 2;
    if (mid >= fromDay && mid < toDay) sum += b.counts[counter] ?? 0;
  }
  return sum;
}

/** Whole days since a timestamp; Infinity when it never happened. */
export function daysSince(ts: number, now: number): number {
  return ts > 0 ? Math.max(0, Math.floor((now - ts) / DAY_MS)) : Number.POSITIVE_INFINITY;
}

/** Any metric a rule can name. */
export function readMetric(profile: Profile, metric: MetricName, window: WindowDays | number, now: number): number {
  switch (metric) {
    case 'daysSinceFirstSeen':
      return daysSince(profile.first, now);
    case 'daysSinceLastSeen':
      return daysSince(profile.last, now);
    case 'daysSinceLastPurchase':
      return daysSince(profile.lastPurchase, now);
    default:
      return countInWindow(profile, metric, window, now);
  }
}

/** This window's and the previous window's totals, for trend leaves (e.g. spend in the last 90 days vs the 90 before). */
export function trendPair(profile: Profile, counter: Counter, window: number, now: number): { current: number; previous: number } {
  const today = dayOf(now);
  return {
    current: countBetween(profile, counter, today - window + 1, today + 1),
    previous: countBetween(profile, counter, today - 2 * window + 1, today - window + 1),
  };
}

/** Interest score decayed to `now`: score · 2^(−Δt / halfLife). */
export function interestScore(profile: Profile, category: string, now: number, halfLifeDays = DEFAULT_HALF_LIFE_DAYS): number {
  const entry = Object.hasOwn(profile.interests, category) ? profile.interests[category] : undefined;
  if (!entry) return 0;
  const age = Math.max(0, now - entry.t) / DAY_MS;
  return entry.score * Math.pow(2, -age / halfLifeDays);
}

/**
 * The category with the highest decayed score (null when none). Every entry decays
 * by the same factor only if all share `t`, so decay each one.
 */
export function topInterest(profile: Profile, now: number, halfLifeDays = DEFAULT_HALF_LIFE_DAYS): string | null {
  let best: string | null = null;
  let bestScore = 0;
  for (const category of Object.keys(profile.interests)) {
    const s = interestScore(profile, category, now, halfLifeDays);
    if (s > bestScore || (s === bestScore && best !== null && category < best)) {
      best = category;
      bestScore = s;
    }
  }
  return best;
}
