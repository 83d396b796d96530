/**
 * A/B test assignment, slot content and conversion attribution.
 * Pure functions with no I/O and no Node-only APIs: the same code runs in the
 * Worker, in Node tests and in benchmarks.
 *
 * Assignment is deterministic: a visitor's bucket is a hash of the experiment's
 * seed and the visitor id, so any server computes the same variant without
 * storage, and the profile cookie then makes it sticky.
 */
import { DAY_MS } from './metrics.ts';
import type { Experiment } from './schema.ts';
import type { Profile } from './types.ts';

// ---------------------------------------------------------------- hashing

const utf8 = new TextEncoder();
let scratch = new Uint8Array(256); // reused by murmur3 so hashing allocates nothing

/**
 * MurmurHash3 x86 32-bit (Austin Appleby, public domain) over the UTF-8 bytes of
 * `text`, as an unsigned 32-bit integer. Not cryptographic: it only has to spread
 * ids uniformly, be fast and be synchronous (WebCrypto digests are async).
 * Reference vectors: "" → 0, "test" → 0xba6bd213,
 * "The quick brown fox jumps over the lazy dog" → 0x2e4ff723 (seed 0).
 */
export function murmur3(text: string, seed = 0): number {
  if (text.length * 3 > scratch.length) scratch = new Uint8Array(text.length * 3); // UTF-8 needs at most 3 bytes per UTF-16 unit
  const bytes = scratch;
  const len = utf8.encodeInto(text, bytes).written;
  const blocks = len & ~3;
  let h = seed >>> 0;
  let k: number;
  for (let i = 0; i < blocks; i += 4) {
    k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = len & 3;
  if (tail > 0) {
    k = bytes[blocks]!;
    if (tail > 1) k ^= bytes[blocks + 1]! << 8;
    if (tail > 2) k ^= bytes[blocks + 2]! << 16;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The visitor's position in [0, 1) for one experiment:
 * `murmur3("<seed ?? experimentId>:<visitorId>[:<salt>]") / 2^32`.
 * Assignment uses two salts, `traffic` (is the visitor in the test at all?) and
 * `variant` (which arm?), so the two draws are independent; a different
 * experiment id gives an independent draw. Experiments that share a `seed`
 * deliberately share buckets (e.g. to rerun a test with the same split).
 */
export function bucket(visitorId: string, experimentId: string, seed?: string, salt?: string): number {
  const key = `${seed ?? experimentId}:${visitorId}${salt === undefined ? '' : `:${salt}`}`;
  return murmur3(key) / 4294967296;
}

// ---------------------------------------------------------------- assignment

/** Running means status `running` and start <= now < end (ISO dates; either may be absent). An unparseable date fails closed. */
export function isRunning(exp: Experiment, now: number): boolean {
  if (exp.status !== 'running') return false;
  if (exp.start !== undefined) {
    const start = Date.parse(exp.start);
    if (!(now >= start)) return false;
  }
  if (exp.end !== undefined) {
    const end = Date.parse(exp.end);
    if (!(now < end)) return false;
  }
  return true;
}

/**
 * Picks a variant with cumulative weights, given u in [0, 1). Weights need not
 * sum to 1 (they are normalised); zero-weight variants are never picked.
 * Returns null when every weight is zero.
 */
export function pickVariant(variants: Experiment['variants'], u: number): string | null {
  let total = 0;
  for (const v of variants) total += v.weight;
  if (!(total > 0)) return null;
  const target = u * total;
  let acc = 0;
  let last: string | null = null;
  for (const v of variants) {
    if (v.weight <= 0) continue;
    acc += v.weight;
    last = v.id;
    if (target < acc) return v.id;
  }
  return last; // only reached through floating-point rounding at the top end
}

export interface AssignmentResult {
  /** experiment id -> variant id for every experiment this visitor is in right now (running or forced). */
  assignments: Record<string, string>;
  /** Experiments first assigned by this call: store them in profile.exp and record an exposure. */
  newlyAssigned: string[];
  /** Experiments whose variant came from a preview link: show it, never store or count it. */
  forced: string[];
}

const hasVariant = (exp: Experiment, variant: string | undefined): variant is string =>
  variant !== undefined && exp.variants.some((v) => v.id === variant);

/**
 * Assigns the visitor to running experiments. Order of precedence, one
 * experiment per slot per visitor (so a visitor counted in a test also sees it):
 * 1. `force` (from a signed preview link): any experiment in the config, running
 *    or not, so a marketer can preview a draft; never stored or counted.
 * 2. Sticky: the variant already in `profile.exp` is kept, whatever the weights
 *    or traffic say now. If that variant was removed from the config the visitor
 *    stays out of the experiment (re-drawing would bias the arms).
 * 3. New: targeting (a segment id in `segments`, or `everyone`), then the
 *    traffic gate (bucket ':traffic' < traffic), then the variant by weight
 *    (bucket ':variant'). A visitor left out is not stored, so raising traffic
 *    later can admit them; that never moves anyone already in.
 */
export function assignExperiments(
  profile: Pick<Profile, 'id' | 'exp'>,
  experiments: readonly Experiment[],
  segments: readonly string[],
  now: number,
  force?: Readonly<Record<string, string>>,
): AssignmentResult {
  const assignments: Record<string, string> = {};
  const newlyAssigned: string[] = [];
  const forced: string[] = [];
  const slotTaken = new Set<string>();
  const claim = (exp: Experiment, variant: string): void => {
    assignments[exp.id] = variant;
    slotTaken.add(exp.slot);
  };

  if (force) {
    for (const exp of experiments) {
      const variant = Object.hasOwn(force, exp.id) ? force[exp.id] : undefined;
      if (!hasVariant(exp, variant) || slotTaken.has(exp.slot)) continue;
      claim(exp, variant);
      forced.push(exp.id);
    }
  }

  const running = experiments.filter((exp) => !Object.hasOwn(assignments, exp.id) && isRunning(exp, now));
  const segmentSet = new Set(segments);
  const fresh: Experiment[] = [];
  for (const exp of running) {
    if (!Object.hasOwn(profile.exp, exp.id)) {
      fresh.push(exp);
      continue;
    }
    const variant = profile.exp[exp.id];
    if (hasVariant(exp, variant) && !slotTaken.has(exp.slot)) claim(exp, variant);
  }

  for (const exp of fresh) {
    if (slotTaken.has(exp.slot)) continue;
    if (exp.targeting !== 'everyone' && !segmentSet.has(exp.targeting)) continue;
    if (bucket(profile.id, exp.id, exp.seed, 'traffic') >= exp.traffic) continue;
    const variant = pickVariant(exp.variants, bucket(profile.id, exp.id, exp.seed, 'variant'));
    if (variant === null) continue;
    claim(exp, variant);
    newlyAssigned.push(exp.id);
  }
  return { assignments, newlyAssigned, forced };
}

/**
 * The next `profile.exp`: earlier assignments for experiments still in the
 * config (any status, so a paused test resumes with the same split; a removed
 * variant stays recorded so the visitor stays out) plus the new ones. Forced
 * preview assignments are never stored; experiments deleted from the config are
 * dropped to keep the cookie small.
 */
export function nextProfileExp(
  previous: Readonly<Record<string, string>>,
  result: AssignmentResult,
  experiments: readonly Experiment[],
): Record<string, string> {
  const known = new Set(experiments.map((e) => e.id));
  const next: Record<string, string> = {};
  for (const [id, variant] of Object.entries(previous)) if (known.has(id)) next[id] = variant;
  for (const id of result.newlyAssigned) {
    const variant = result.assignments[id];
    if (variant !== undefined) next[id] = variant;
  }
  return next;
}

// ---------------------------------------------------------------- content

export interface ExperimentOffer {
  experiment: string;
  variant: string;
  html: string;
}

/**
 * Slot name -> the assigned variant's HTML (the control's own HTML too). An
 * experiment offer overrides the segment offer for its slot. `assignments`
 * comes from assignExperiments, which already keeps one experiment per slot;
 * should two still collide, the first in config order wins.
 */
export function experimentSlotOffers(
  experiments: readonly Experiment[],
  assignments: Readonly<Record<string, string>>,
): Record<string, ExperimentOffer> {
  const offers: Record<string, ExperimentOffer> = {};
  for (const exp of experiments) {
    if (!Object.hasOwn(assignments, exp.id) || Object.hasOwn(offers, exp.slot)) continue;
    const variantId = assignments[exp.id];
    const variant = exp.variants.find((v) => v.id === variantId);
    if (variant) offers[exp.slot] = { experiment: exp.id, variant: variant.id, html: variant.html };
  }
  return offers;
}

// ---------------------------------------------------------------- attribution

export interface Exposure {
  experiment: string;
  variant: string;
  /** ms since epoch of the first exposure. */
  ts: number;
}

export interface Attribution {
  experiment: string;
  variant: string;
  goal: 'primary' | 'secondary';
  name: string;
}

/**
 * Which experiments an event converts: for every exposure of an experiment in
 * the config whose primary or secondary goal is `eventName`, when the event
 * happened 0..windowDays days (inclusive) after the exposure. At most one
 * attribution per experiment (the earliest qualifying exposure); a name that is
 * both primary and secondary counts as primary. Counting converting visitors
 * once (not events) is the reporting store's job.
 */
export function attributeConversion(
  eventName: string,
  eventTs: number,
  exposures: readonly Exposure[],
  experiments: readonly Experiment[],
): Attribution[] {
  const byId = new Map(experiments.map((e) => [e.id, e] as const));
  const best = new Map<string, Exposure>();
  for (const exposure of exposures) {
    const exp = byId.get(exposure.experiment);
    if (!exp) continue;
    const age = eventTs - exposure.ts;
    if (!(age >= 0 && age <= exp.goals.windowDays * DAY_MS)) continue;
    const seen = best.get(exp.id);
    if (!seen || exposure.ts < seen.ts) best.set(exp.id, exposure);
  }
  const out: Attribution[] = [];
  for (const [id, exposure] of best) {
    const goals = byId.get(id)!.goals;
    const goal = goals.primary === eventName ? 'primary' : goals.secondary.includes(eventName) ? 'secondary' : null;
    if (goal) out.push({ experiment: id, variant: exposure.variant, goal, name: eventName });
  }
  return out;
}
