/**
 * Segment evaluation: which segments a visitor is in, and why.
 *
 * A config is compiled once (cached per config object) into three stages that
 * run per evaluation:
 *  1. Reads: every distinct profile read the rules need (a counter over a window,
 *     a trend's previous window, an interest score, the top interest, a trait, a
 *     request-context field) has one slot in a Float64Array, filled once —
 *     windowed counters in a single pass over the buckets. Non-numeric values
 *     (top interest, traits, context) are interned to integer codes at compile
 *     time, so every test below is numeric.
 *  2. Leaves: every distinct test (slot, operator, constant) is evaluated once,
 *     grouped by operator, into a table of 0/1 literals — no per-leaf dispatch,
 *     however many segments share the test.
 *  3. Segments: each rule is compiled to clauses (an AND of ORs of literals; a
 *     group that does not fit, like `not (a and b)`, becomes a hidden helper
 *     node). Each node is one fixed-width row of literal loads combined with
 *     `&` / `|` and stored once, level by level so a `{segment}` literal is read
 *     after it is complete.
 * With random visitors the branch predictor cannot learn a per-leaf dispatch or a
 * short-circuit, so branch-free table work beats a tree walk or a bytecode
 * interpreter several times over at 1,000+ segments (an interpreter with jump
 * targets per leaf measured ~4× slower at 10,000; test/bench/segments.bench.ts).
 *
 * explainSegments is the slow, readable path: it re-reads each condition with
 * the plain metric readers and says what held, for previews and the dashboard.
 */
import { DAY_MS, dayOf, daysSince, DEFAULT_HALF_LIFE_DAYS, interestScore, readMetric, topInterest, trendPair } from './metrics.ts';
import type { ComparisonOp, Rule, SegmentDef, TailorConfig } from './schema.ts';
import { COUNTERS, RECENCY_METRICS, type Bucket, type Counter, type MetricName, type Profile, type RecencyMetric, type RequestContext } from './types.ts';

// ---------------------------------------------------------------- leaf kinds

const K_GTE = 0;
const K_GT = 1;
const K_LTE = 2;
const K_LT = 3;
const K_EQ = 4;
const K_IN = 5; // vals[slot] is one of inList[slot2 .. slot2 + k)
const K_FELL = 6; // slot = current, slot2 = previous, k = by, k2 = minPrevious
const K_ROSE = 7;
const KINDS = 8;

/**
 * Relative slack for trend thresholds: 10 → 2 is a fall of exactly 80%, but
 * 10 × (1 − 0.8) is 1.9999999999999996 in floating point. Counts are integers,
 * so the slack only absorbs rounding.
 */
const TREND_SLACK = 1e-9;

/** Codes of non-numeric slots: a value no rule mentions, and no value at all. */
const CODE_OTHER = -1;
const CODE_MISSING = -2;

const COMPARE: Record<ComparisonOp, number> = { gte: K_GTE, gt: K_GT, lte: K_LTE, lt: K_LT, eq: K_EQ };

const RECENCY_FIELD: Record<RecencyMetric, 'first' | 'last' | 'lastPurchase'> = {
  daysSinceFirstSeen: 'first',
  daysSinceLastSeen: 'last',
  daysSinceLastPurchase: 'lastPurchase',
};

const isRecency = (m: MetricName): m is RecencyMetric => (RECENCY_METRICS as readonly string[]).includes(m);

/**
 * Interned codes of trait and context values (strings compare case-insensitively).
 * Kept per type so the hot path looks a value up without building a key string.
 */
class Codes {
  readonly strings = new Map<string, number>();
  readonly numbers = new Map<number, number>();
  readonly booleans = new Map<boolean, number>();
  #next = 0;

  /** At compile time: the code of a constant in a rule. */
  intern(v: string | number | boolean): number {
    const [map, key] = this.#slot(v);
    let code = map.get(key as never);
    if (code === undefined) map.set(key as never, (code = this.#next++));
    return code;
  }

  /** At evaluation time: CODE_MISSING for no value, CODE_OTHER for a value no rule names. */
  of(v: unknown): number {
    switch (typeof v) {
      case 'string':
        return v === '' ? CODE_MISSING : (this.strings.get(v.toLowerCase()) ?? CODE_OTHER);
      case 'number':
        return this.numbers.get(v) ?? CODE_OTHER;
      case 'boolean':
        return this.booleans.get(v) ?? CODE_OTHER;
      default:
        return CODE_MISSING;
    }
  }

  #slot(v: string | number | boolean): [Map<unknown, number>, unknown] {
    if (typeof v === 'string') return [this.strings as Map<unknown, number>, v.toLowerCase()];
    if (typeof v === 'number') return [this.numbers as Map<unknown, number>, v];
    return [this.booleans as Map<unknown, number>, v];
  }
}

/** Comparison key of a trait or context value for the reference path (explain); strings compare case-insensitively. */
function token(v: unknown): string | null {
  switch (typeof v) {
    case 'string':
      return `s:${v.toLowerCase()}`;
    case 'number':
      return `n:${v}`;
    case 'boolean':
      return `b:${v}`;
    default:
      return null;
  }
}

/** A trait as a number for numeric comparisons: numbers, and strings that read as one ("34"); NaN otherwise (every comparison false). */
function traitNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return Number.NaN;
}

export interface CompileStats {
  segments: number;
  /** Distinct leaf tests, each evaluated once per evaluation. */
  leaves: number;
  /** Clauses (ORs of literals) over all segments and helpers. */
  clauses: number;
  /** Clauses that did not fit a node's row (more than 4 single tests or 2 any-groups, or an any-group of 3+) and run in a general loop. */
  extraClauses: number;
  /** Hidden nodes for groups that are not plain clauses (e.g. `not (a and b)`). */
  helpers: number;
  /** Dependency levels (1 when no segment refers to another). */
  levels: number;
  /** All value slots filled per evaluation. */
  slots: number;
  /** Distinct profile metric reads: counter × window, recency measures and trend previous windows. */
  metricSlots: number;
  interestSlots: number;
  traitSlots: number;
  contextSlots: number;
}

type Windowed = { counter: Counter; slots: number[] }; // pairs of (range index, slot)

/** Windowed counter reads laid out for the bucket pass (see #fillWindows). */
interface WindowLayout {
  /** Every windowed slot (zeroed per evaluation). */
  slots: Int32Array;
  /** Distinct range boundaries, ascending, as day offsets from today: interval e is [cuts[e], cuts[e + 1]). */
  cuts: Float64Array;
  /** Scratch: the cuts as absolute days for this evaluation. */
  bounds: Float64Array;
  /** Slots a count of COUNTERS[c] goes to for a bucket in interval e: targets[targetStart[i] .. targetStart[i + 1]) with i = e·COUNTERS.length + c. */
  targetStart: Int32Array;
  targets: Int32Array;
}

function windowLayout(ranges: readonly [number, number][], windowed: readonly Windowed[]): WindowLayout {
  const cuts = [...new Set(ranges.flat())].sort((a, b) => a - b);
  const at = new Map(cuts.map((c, e) => [c, e]));
  const C = COUNTERS.length;
  const lists: number[][] = Array.from({ length: (cuts.length - 1) * C }, () => []);
  for (const w of windowed) {
    const c = COUNTERS.indexOf(w.counter);
    for (let k = 0; k < w.slots.length; k += 2) {
      const [from, to] = ranges[w.slots[k]!]!;
      for (let e = at.get(from)!, end = at.get(to)!; e < end; e++) lists[e * C + c]!.push(w.slots[k + 1]!);
    }
  }
  const targetStart = new Int32Array(lists.length + 1);
  lists.forEach((l, i) => (targetStart[i + 1] = targetStart[i]! + l.length));
  return {
    slots: Int32Array.from(windowed.flatMap((w) => w.slots.filter((_, k) => k % 2 === 1))),
    cuts: Float64Array.from(cuts),
    bounds: new Float64Array(cuts.length),
    targetStart,
    targets: Int32Array.from(lists.flat()),
  };
}

/**
 * COUNTERS.indexOf(key), −1 for other keys. A switch on the property names
 * for-in yields (interned strings, compared by pointer) measured faster than a
 * Map lookup per key; counters it does not list fall back to the Map.
 */
function counterIndex(key: string): number {
  switch (key) {
    case 'sessions':
      return 0;
    case 'pageviews':
      return 1;
    case 'productViews':
      return 2;
    case 'cartAdds':
      return 3;
    case 'checkouts':
      return 4;
    case 'purchases':
      return 5;
    case 'revenue':
      return 6;
    case 'dealViews':
      return 7;
    case 'sessions.email':
      return 8;
    case 'sessions.social':
      return 9;
    case 'sessions.search':
      return 10;
    case 'sessions.paid':
      return 11;
    case 'sessions.chatbot':
      return 12;
    case 'sessions.referral':
      return 13;
    case 'sessions.direct':
      return 14;
    default:
      return COUNTER_INDEX.get(key) ?? -1;
  }
}

const COUNTER_INDEX = new Map<string, number>(COUNTERS.map((c, i) => [c, i]));
// The switch must agree with COUNTERS; fail at load, not with wrong counts.
COUNTERS.forEach((c, i) => {
  if (counterIndex(c) !== i) throw new Error(`segments.ts: counterIndex('${c}') is not ${i}; update the switch`);
});

/**
 * From how many lifetime counters on, one for-in over the totals beats a read
 * per counter: a read by a computed name costs several for-in steps on the
 * many-shaped counts objects, but a for-in visits every key (measured: one
 * counter read directly ~30 ns faster, eleven via for-in clearly faster).
 */
const FOR_IN_FROM = 4;

/** The last value read into a slot and its code. */
type Memo = { value: unknown; code: number };
const newMemo = (): Memo => ({ value: undefined, code: CODE_MISSING });

const CONTEXT_FIELDS = ['country', 'region', 'city', 'device', 'medium', 'source', 'utm_campaign', 'path'] as const satisfies readonly (keyof RequestContext)[];
// Fails to typecheck when RequestContext gains a field CONTEXT_FIELDS (and contextValue) lack.
const everyContextField: Record<Exclude<keyof RequestContext, (typeof CONTEXT_FIELDS)[number]>, never> = {};
void everyContextField;

/** context[CONTEXT_FIELDS[field]] with a fixed property name per case, cheaper than a read by a computed name. */
function contextValue(context: RequestContext, field: number): unknown {
  switch (field) {
    case 0:
      return context.country;
    case 1:
      return context.region;
    case 2:
      return context.city;
    case 3:
      return context.device;
    case 4:
      return context.medium;
    case 5:
      return context.source;
    case 6:
      return context.utm_campaign;
    case 7:
      return context.path;
    default:
      return undefined;
  }
}

/** A config compiled for fast evaluation. Build with `compileConfig`. */
export class CompiledConfig {
  readonly config: TailorConfig;
  readonly ids: readonly string[];
  readonly stats: CompileStats;

  /** Literal table: leaves [0, L), a constant 1 at L, then node results by position (copied in level by level). */
  readonly #lit: Uint8Array;
  /** Node results by position. */
  readonly #out: Uint8Array;
  /** Position of config.segments[i] in #out. */
  readonly #segmentPos: Int32Array;
  readonly #levels: Level[];
  readonly #result: Uint8Array;
  readonly #matchIndex: Int32Array;

  // leaves, sorted by kind: kind k occupies [kindStart[k], kindStart[k + 1])
  readonly #kindStart: Int32Array;
  readonly #leafSlot: Int32Array;
  readonly #leafSlot2: Int32Array;
  readonly #leafK: Float64Array;
  readonly #leafK2: Float64Array;
  readonly #inList: Float64Array;

  // reads
  readonly #vals: Float64Array;
  readonly #halfLife: number;
  /** Lifetime counters rules read, their slots, and the slot per counter (COUNTERS order, −1 when unread). */
  readonly #lifetime: Counter[];
  readonly #lifetimeSlots: Int32Array;
  readonly #lifetimeSlot: Int32Array;
  /** Slots of daysSince(first / last / lastPurchase), −1 when unused. */
  readonly #firstSlot: number;
  readonly #lastSlot: number;
  readonly #lastPurchaseSlot: number;
  readonly #windows: WindowLayout | null;
  readonly #interests: { category: string; slot: number }[];
  readonly #interestSlot: Map<string, number>;
  readonly #topSlot: number;
  readonly #topCode: Map<string, number>;
  readonly #traits: { key: string; numSlot: number; codeSlot: number; memo: Memo }[];
  readonly #context: { field: number; slot: number; memo: Memo }[];
  readonly #prefixes: { field: number; prefix: string; slot: number }[];
  readonly #codes: Codes;

  /** @internal use compileConfig */
  constructor(config: TailorConfig) {
    const b = new Builder(config);
    config.segments.forEach((s, i) => b.segment(i, s.rule));
    const p = b.finish();

    this.config = config;
    this.ids = config.segments.map((s) => s.id);
    this.#halfLife = config.settings?.interestHalfLifeDays ?? DEFAULT_HALF_LIFE_DAYS;

    this.#lit = p.lit;
    this.#out = p.out;
    this.#segmentPos = p.segmentPos;
    this.#levels = p.levels;
    this.#result = new Uint8Array(config.segments.length);
    this.#matchIndex = new Int32Array(config.segments.length);
    this.#kindStart = p.kindStart;
    this.#leafSlot = p.leafSlot;
    this.#leafSlot2 = p.leafSlot2;
    this.#leafK = p.leafK;
    this.#leafK2 = p.leafK2;
    this.#inList = p.inList;

    this.#vals = new Float64Array(b.slotCount);
    this.#lifetimeSlot = new Int32Array(COUNTERS.length).fill(-1);
    for (const { counter, slot } of b.lifetime) this.#lifetimeSlot[COUNTERS.indexOf(counter)] = slot;
    this.#lifetimeSlots = Int32Array.from(b.lifetime, (l) => l.slot);
    this.#lifetime = b.lifetime.map((l) => l.counter);
    const recency = (field: 'first' | 'last' | 'lastPurchase') => b.recency.find((r) => r.field === field)?.slot ?? -1;
    this.#firstSlot = recency('first');
    this.#lastSlot = recency('last');
    this.#lastPurchaseSlot = recency('lastPurchase');
    this.#windows = b.windowed.size ? windowLayout(b.ranges, [...b.windowed.values()]) : null;
    this.#interestSlot = b.interests;
    this.#interests = [...b.interests].map(([category, slot]) => ({ category, slot }));
    this.#topSlot = b.topSlot;
    this.#topCode = b.topCodes;
    this.#traits = [...b.traits].map(([key, t]) => ({ key, ...t, memo: newMemo() }));
    this.#context = [...b.context].map(([field, slot]) => ({ field: CONTEXT_FIELDS.indexOf(field), slot, memo: newMemo() }));
    this.#prefixes = b.prefixes.map((p) => ({ ...p, field: CONTEXT_FIELDS.indexOf(p.field) }));
    this.#codes = b.codes;

    this.stats = {
      segments: config.segments.length,
      leaves: p.leafCount,
      clauses: p.clauseCount,
      extraClauses: p.extraCount,
      helpers: p.out.length - config.segments.length,
      levels: p.levels.length,
      slots: b.slotCount,
      metricSlots: b.metricSlots,
      interestSlots: b.interests.size + (b.topSlot >= 0 ? 1 : 0),
      traitSlots: [...b.traits.values()].reduce((n, t) => n + (t.numSlot >= 0 ? 1 : 0) + (t.codeSlot >= 0 ? 1 : 0), 0),
      contextSlots: b.context.size + b.prefixes.length,
    };
  }

  /**
   * Evaluate every segment; result[i] is 1 when config.segments[i] matches.
   * @internal The buffer is reused by the next call; copy what you keep.
   */
  run(profile: Profile, now: number, context?: RequestContext): Uint8Array {
    this.#evaluate(profile, now, context);
    const out = this.#out;
    const pos = this.#segmentPos;
    const res = this.#result;
    for (let i = 0; i < res.length; i++) res[i] = out[pos[i]!]!;
    return res;
  }

  /** Indexes of the matching segments (config order) in a reused buffer, and how many. */
  matchIndexes(profile: Profile, now: number, context?: RequestContext): { indexes: Int32Array; count: number } {
    this.#evaluate(profile, now, context);
    const out = this.#out;
    const pos = this.#segmentPos;
    const idx = this.#matchIndex;
    let n = 0;
    for (let i = 0; i < pos.length; i++) {
      idx[n] = i;
      n += out[pos[i]!]!; // branch-free: the write is overwritten when the segment did not match
    }
    return { indexes: idx, count: n };
  }

  #evaluate(profile: Profile, now: number, context: RequestContext | undefined): void {
    this.#fill(profile, now, context);
    this.#evaluateLeaves();
    const lit = this.#lit;
    const out = this.#out;
    for (const level of this.#levels) {
      andRows(lit, out, level);
      if (level.extraDst.length) andExtra(lit, out, level);
      if (level.publish) level.publish.set(level.results);
    }
  }

  #evaluateLeaves(): void {
    const lit = this.#lit;
    const vals = this.#vals;
    const start = this.#kindStart;
    const slot = this.#leafSlot;
    const k = this.#leafK;
    let j = start[K_GTE]!;
    for (let end = start[K_GTE + 1]!; j < end; j++) lit[j] = +(vals[slot[j]!]! >= k[j]!);
    for (let end = start[K_GT + 1]!; j < end; j++) lit[j] = +(vals[slot[j]!]! > k[j]!);
    for (let end = start[K_LTE + 1]!; j < end; j++) lit[j] = +(vals[slot[j]!]! <= k[j]!);
    for (let end = start[K_LT + 1]!; j < end; j++) lit[j] = +(vals[slot[j]!]! < k[j]!);
    for (let end = start[K_EQ + 1]!; j < end; j++) lit[j] = +(vals[slot[j]!]! === k[j]!);
    const slot2 = this.#leafSlot2;
    const inList = this.#inList;
    for (let end = start[K_IN + 1]!; j < end; j++) {
      const v = vals[slot[j]!]!;
      let hit = 0;
      for (let q = slot2[j]!, qEnd = q + k[j]!; q < qEnd; q++) hit |= +(inList[q] === v);
      lit[j] = hit;
    }
    const k2 = this.#leafK2;
    for (let end = start[K_FELL + 1]!; j < end; j++) {
      const cur = vals[slot[j]!]!;
      const prev = vals[slot2[j]!]!;
      lit[j] = +(prev > 0 && prev >= k2[j]! && cur <= prev * (1 - k[j]!) + prev * TREND_SLACK);
    }
    for (let end = start[K_ROSE + 1]!; j < end; j++) {
      const cur = vals[slot[j]!]!;
      const prev = vals[slot2[j]!]!;
      lit[j] = +(cur > 0 && prev >= k2[j]! && cur >= prev * (1 + k[j]!) - prev * TREND_SLACK);
    }
  }

  /** One pass per source: buckets once, interests once, each trait and context field once. */
  #fill(profile: Profile, now: number, context: RequestContext | undefined): void {
    const vals = this.#vals;

    const totals = profile.totals;
    const lifetime = this.#lifetime;
    if (lifetime.length < FOR_IN_FROM) {
      for (let k = 0; k < lifetime.length; k++) vals[this.#lifetimeSlots[k]!] = totals[lifetime[k]!] ?? 0;
    } else {
      // Many counters: for-in, for the same reason as in #fillWindows.
      const slots = this.#lifetimeSlots;
      for (let k = 0; k < slots.length; k++) vals[slots[k]!] = 0;
      const slotOf = this.#lifetimeSlot;
      for (const key in totals) {
        const c = counterIndex(key);
        if (c < 0 || slotOf[c]! < 0) continue;
        vals[slotOf[c]!] = totals[key as Counter] ?? 0;
      }
    }
    if (this.#firstSlot >= 0) vals[this.#firstSlot] = daysSince(profile.first, now);
    if (this.#lastSlot >= 0) vals[this.#lastSlot] = daysSince(profile.last, now);
    if (this.#lastPurchaseSlot >= 0) vals[this.#lastPurchaseSlot] = daysSince(profile.lastPurchase, now);

    if (this.#windows) this.#fillWindows(this.#windows, profile.buckets, now);

    if (this.#interests.length || this.#topSlot >= 0) this.#fillInterests(profile, now);

    if (this.#traits.length) {
      const traits = profile.traits;
      for (const { key, numSlot, codeSlot, memo } of this.#traits) {
        const v = Object.hasOwn(traits, key) ? traits[key] : undefined;
        if (numSlot >= 0) vals[numSlot] = traitNumber(v);
        if (codeSlot >= 0) vals[codeSlot] = this.#code(memo, v);
      }
    }

    for (const { field, slot, memo } of this.#context) vals[slot] = this.#code(memo, context == null ? undefined : contextValue(context, field));
    for (const { field, prefix, slot } of this.#prefixes) {
      const v = context == null ? undefined : contextValue(context, field);
      vals[slot] = typeof v === 'string' && v !== '' && v.toLowerCase().startsWith(prefix) ? 1 : 0;
    }
  }

  /**
   * Windowed counters in one pass over the buckets. Same rule as
   * metrics.countBetween: a bucket counts when its midpoint lies in [from, to).
   * The range boundaries cut the timeline into intervals; a bucket's midpoint
   * falls in at most one, whose (counter → slots) lists say where each count
   * goes, so a bucket costs one interval search and one read per counter some
   * rule needs there. Each slot still sums its buckets in bucket order.
   */
  #fillWindows(w: WindowLayout, buckets: readonly Bucket[], now: number): void {
    const vals = this.#vals;
    const slots = w.slots;
    for (let k = 0; k < slots.length; k++) vals[slots[k]!] = 0;
    const today = dayOf(now);
    const cuts = w.cuts;
    const bounds = w.bounds;
    const last = cuts.length - 1;
    for (let k = 0; k <= last; k++) bounds[k] = today + cuts[k]!;
    const lo = bounds[0]!;
    const hi = bounds[last]!;
    const start = w.targetStart;
    const targets = w.targets;
    for (let b = 0; b < buckets.length; b++) {
      const bucket = buckets[b]!;
      const mid = bucket.day + (bucket.width - 1) / 2;
      if (!(mid >= lo && mid < hi)) continue;
      let e = 0;
      while (mid >= bounds[e + 1]!) e++;
      const base = e * COUNTERS.length;
      const counts = bucket.counts;
      // for-in, not a read per needed counter: V8 reads counts[key] inside it
      // straight from the enumeration cache, while a read by a computed name is
      // a slow lookup on these many-shaped objects (the pass measured 2–4× slower).
      for (const key in counts) {
        const c = counterIndex(key);
        if (c < 0) continue;
        let q = start[base + c]!;
        const end = start[base + c + 1]!;
        if (q === end) continue;
        const v = counts[key as Counter];
        if (!v) continue;
        for (; q < end; q++) vals[targets[q]!]! += v;
      }
    }
  }

  /** codes.of(v), remembering the last value per slot: a request's country or a visitor's trait mostly repeats the previous one, and this skips lower-casing it again. */
  #code(memo: Memo, v: unknown): number {
    if (v !== memo.value) {
      memo.value = v;
      memo.code = this.#codes.of(v);
    }
    return memo.code;
  }

  /** Decayed scores exactly as metrics.interestScore / topInterest compute them, each entry decayed once. */
  #fillInterests(profile: Profile, now: number): void {
    const vals = this.#vals;
    const halfLife = this.#halfLife;
    const interests = profile.interests;
    const slots = this.#interestSlot;
    const top = this.#topSlot >= 0;
    for (const { slot } of this.#interests) vals[slot] = 0;
    let best: string | null = null;
    let bestScore = 0;
    for (const category of Object.keys(interests)) {
      const slot = slots.get(category);
      if (slot === undefined && !top) continue; // only the categories rules name, unless the top one is needed
      const entry = interests[category]!;
      const age = Math.max(0, now - entry.t) / DAY_MS;
      const s = entry.score * Math.pow(2, -age / halfLife);
      if (slot !== undefined) vals[slot] = s;
      if (s > bestScore || (s === bestScore && best !== null && category < best)) {
        best = category;
        bestScore = s;
      }
    }
    if (top) vals[this.#topSlot] = best === null ? CODE_MISSING : (this.#topCode.get(best) ?? CODE_OTHER);
  }
}


// ---------------------------------------------------------------- clause rows
//
// A literal l reads lit[l >>> 1] ^ (l & 1). Each node (segment or helper) is one
// row: up to four single-test clauses and up to two any-groups of two, padded with
// the constant-1 literal (AND and OR are idempotent), so a row is a fixed sequence
// of loads and one store: no per-node loop, no branch for the predictor to miss,
// and no read-modify-write of the result. Rows of a level write #out; the level's
// results are then copied into the literal table for the levels above it (a
// separate output buffer measured ~1.5× faster than writing into the table being read).

interface Level {
  /** Position of this level's first node in #out. */
  base: number;
  /** Rows [0, plain) have single tests only; rows [plain, count) also two any-groups. */
  plain: number;
  count: number;
  s0: Int32Array;
  s1: Int32Array;
  s2: Int32Array;
  s3: Int32Array;
  /** Any-groups of rows [plain, count), indexed from 0: (p0 | p1) & (p2 | p3). */
  p0: Int32Array;
  p1: Int32Array;
  p2: Int32Array;
  p3: Int32Array;
  /** Clauses that do not fit a row: the OR of extraLits[extraStart[c] .. extraStart[c + 1]) is ANDed into #out[extraDst[c]]. */
  extraStart: Int32Array;
  extraLits: Int32Array;
  extraDst: Int32Array;
  /** This level's results, and where they are copied in the literal table (null when no level above reads them). */
  results: Uint8Array;
  publish: Uint8Array | null;
}

function andRows(lit: Uint8Array, out: Uint8Array, level: Level): void {
  const { base, plain, count, s0, s1, s2, s3, p0, p1, p2, p3 } = level;
  for (let i = 0; i < plain; i++) {
    const a = s0[i]!;
    const b = s1[i]!;
    const c = s2[i]!;
    const d = s3[i]!;
    out[base + i] = (lit[a >>> 1]! ^ (a & 1)) & (lit[b >>> 1]! ^ (b & 1)) & (lit[c >>> 1]! ^ (c & 1)) & (lit[d >>> 1]! ^ (d & 1));
  }
  for (let i = plain, j = 0; i < count; i++, j++) {
    const a = s0[i]!;
    const b = s1[i]!;
    const c = s2[i]!;
    const d = s3[i]!;
    const e = p0[j]!;
    const f = p1[j]!;
    const g = p2[j]!;
    const h = p3[j]!;
    out[base + i] =
      (lit[a >>> 1]! ^ (a & 1)) &
      (lit[b >>> 1]! ^ (b & 1)) &
      (lit[c >>> 1]! ^ (c & 1)) &
      (lit[d >>> 1]! ^ (d & 1)) &
      ((lit[e >>> 1]! ^ (e & 1)) | (lit[f >>> 1]! ^ (f & 1))) &
      ((lit[g >>> 1]! ^ (g & 1)) | (lit[h >>> 1]! ^ (h & 1)));
  }
}

function andExtra(lit: Uint8Array, out: Uint8Array, { extraStart, extraLits, extraDst }: Level): void {
  for (let c = 0; c < extraDst.length; c++) {
    let any = 0;
    for (let q = extraStart[c]!, end = extraStart[c + 1]!; q < end; q++) {
      const l = extraLits[q]!;
      any |= lit[l >>> 1]! ^ (l & 1);
    }
    out[extraDst[c]!]! &= any;
  }
}

/** A literal while compiling: a leaf (ref ≥ 0) or a node (ref = −1 − node), possibly negated. */
interface Lit {
  ref: number;
  neg: boolean;
}

interface Leaf {
  kind: number;
  slot: number;
  slot2: number;
  k: number;
  k2: number;
  list: number[] | null;
}

interface Program {
  leafCount: number;
  clauseCount: number;
  extraCount: number;
  lit: Uint8Array;
  out: Uint8Array;
  segmentPos: Int32Array;
  levels: Level[];
  kindStart: Int32Array;
  leafSlot: Int32Array;
  leafSlot2: Int32Array;
  leafK: Float64Array;
  leafK2: Float64Array;
  inList: Float64Array;
}

/** Collects slots, distinct leaves and clauses while compiling one config. */
class Builder {
  readonly index = new Map<string, number>();
  slotCount = 0;
  metricSlots = 0;
  readonly #slotByKey = new Map<string, number>();
  readonly lifetime: { counter: Counter; slot: number }[] = [];
  readonly recency: { field: 'first' | 'last' | 'lastPurchase'; slot: number }[] = [];
  readonly ranges: [number, number][] = [];
  readonly #rangeByKey = new Map<string, number>();
  readonly windowed = new Map<Counter, Windowed>();
  readonly interests = new Map<string, number>();
  topSlot = -1;
  readonly topCodes = new Map<string, number>();
  readonly traits = new Map<string, { numSlot: number; codeSlot: number }>();
  readonly context = new Map<keyof RequestContext, number>();
  readonly prefixes: { field: keyof RequestContext; prefix: string; slot: number }[] = [];
  readonly codes = new Codes();

  readonly #leaves: Leaf[] = [];
  readonly #leafByKey = new Map<string, number>();
  /** Clauses per node: segments first (config order), then helpers. */
  readonly #nodes: Lit[][][] = [];

  constructor(config: TailorConfig) {
    config.segments.forEach((s, i) => {
      if (this.index.has(s.id)) throw new Error(`duplicate segment id "${s.id}"`);
      this.index.set(s.id, i);
      this.#nodes.push([]);
    });
  }

  segment(i: number, rule: Rule): void {
    this.#nodes[i] = this.#clauses(rule);
  }

  // ------------------------------------------------ rules to clauses

  /** The rule as an AND of clauses (each an OR of literals). */
  #clauses(rule: Rule): Lit[][] {
    if ('all' in rule) return rule.all.flatMap((r) => this.#clauses(r));
    if ('any' in rule) return [this.#disjunction(rule.any)];
    const parts = this.#leafParts(rule);
    return parts ? parts.map((l) => [l]) : [[this.#literal(rule)]];
  }

  #disjunction(rules: readonly Rule[]): Lit[] {
    return rules.flatMap((r) => ('any' in r ? this.#disjunction(r.any) : [this.#literal(r)]));
  }

  /** The rule as one literal; a group that is not a single literal becomes a helper node. */
  #literal(rule: Rule): Lit {
    if ('not' in rule) {
      const l = this.#literal(rule.not);
      return { ref: l.ref, neg: !l.neg };
    }
    if ('segment' in rule) {
      const target = this.index.get(rule.segment);
      if (target === undefined) throw new Error(`unknown segment "${rule.segment}"`);
      return { ref: -1 - target, neg: false };
    }
    if ('any' in rule) {
      const d = this.#disjunction(rule.any);
      return d.length === 1 ? d[0]! : this.#helper([d]);
    }
    const clauses = this.#clauses(rule);
    return clauses.length === 1 && clauses[0]!.length === 1 ? clauses[0]![0]! : this.#helper(clauses);
  }

  #helper(clauses: Lit[][]): Lit {
    this.#nodes.push(clauses);
    return { ref: -this.#nodes.length, neg: false };
  }

  /** A leaf rule as its tests (several when it combines, e.g. eq and exists: all must hold); null for groups and references. */
  #leafParts(rule: Rule): Lit[] | null {
    if ('metric' in rule) return [this.#leaf(COMPARE[rule.op], this.#metricSlot(rule.metric, rule.window ?? 0), rule.value)];
    if ('interest' in rule) {
      const parts: Lit[] = [];
      if (rule.top) parts.push(this.#leaf(K_EQ, this.#topInterestSlot(), this.#topInterestCode(rule.interest)));
      if (!rule.top || rule.min !== undefined) parts.push(this.#leaf(K_GTE, this.#interestSlot(rule.interest), rule.min ?? 1));
      return parts;
    }
    if ('trend' in rule) {
      if (isRecency(rule.trend)) throw new Error(`trend needs a counter, not "${rule.trend}"`);
      const kind = rule.change === 'fell' ? K_FELL : K_ROSE;
      return [this.#leaf(kind, this.#metricSlot(rule.trend, rule.window), rule.by, this.#previousSlot(rule.trend, rule.window), rule.minPrevious ?? 0)];
    }
    if ('trait' in rule) {
      const parts: Lit[] = [];
      if (rule.eq !== undefined) parts.push(this.#leaf(K_EQ, this.#traitCodeSlot(rule.trait), this.codes.intern(rule.eq)));
      if (rule.in !== undefined) parts.push(this.#inLeaf(this.#traitCodeSlot(rule.trait), rule.in));
      if (rule.exists !== undefined) parts.push(this.#leaf(rule.exists ? K_GTE : K_EQ, this.#traitCodeSlot(rule.trait), rule.exists ? CODE_OTHER : CODE_MISSING));
      if (rule.op !== undefined && rule.value !== undefined) parts.push(this.#leaf(COMPARE[rule.op], this.#traitNumSlot(rule.trait), rule.value));
      if (!parts.length) parts.push(this.#leaf(K_GTE, this.#traitCodeSlot(rule.trait), CODE_OTHER)); // bare trait: is known
      return parts;
    }
    if ('context' in rule) {
      const field = rule.context;
      const parts: Lit[] = [];
      if (rule.eq !== undefined) parts.push(this.#leaf(K_EQ, this.#contextSlot(field), this.codes.intern(rule.eq)));
      if (rule.in !== undefined) parts.push(this.#inLeaf(this.#contextSlot(field), rule.in));
      if (rule.prefix !== undefined) parts.push(this.#leaf(K_EQ, this.#prefixSlot(field, rule.prefix), 1));
      if (!parts.length) parts.push(this.#leaf(K_GTE, this.#contextSlot(field), CODE_OTHER)); // bare field: is known
      return parts;
    }
    return null;
  }

  /** A distinct test, shared by every rule that makes it. */
  #leaf(kind: number, slot: number, k: number, slot2 = 0, k2 = 0, list: number[] | null = null): Lit {
    const key = `${kind}:${slot}:${k}:${slot2}:${k2}:${list?.join(',') ?? ''}`;
    let ref = this.#leafByKey.get(key);
    if (ref === undefined) {
      ref = this.#leaves.length;
      this.#leaves.push({ kind, slot, slot2, k, k2, list });
      this.#leafByKey.set(key, ref);
    }
    return { ref, neg: false };
  }

  #inLeaf(slot: number, values: readonly (string | number)[]): Lit {
    const codes = [...new Set(values.map((v) => this.codes.intern(v)))].sort((a, b) => a - b);
    return this.#leaf(K_IN, slot, codes.length, 0, 0, codes);
  }

  // ------------------------------------------------ layout

  finish(): Program {
    const leaves = this.#leaves;
    const nodes = this.#nodes;

    // Leaves sorted by kind, so each kind is one tight loop.
    const order = leaves.map((_, i) => i).sort((a, b) => leaves[a]!.kind - leaves[b]!.kind || a - b);
    const position = new Int32Array(leaves.length);
    order.forEach((leaf, pos) => (position[leaf] = pos));
    const kindStart = new Int32Array(KINDS + 1);
    for (const l of leaves) kindStart[l.kind + 1]!++;
    for (let k = 0; k < KINDS; k++) kindStart[k + 1]! += kindStart[k]!;
    const leafSlot = new Int32Array(leaves.length);
    const leafSlot2 = new Int32Array(leaves.length);
    const leafK = new Float64Array(leaves.length);
    const leafK2 = new Float64Array(leaves.length);
    const inList: number[] = [];
    order.forEach((i, pos) => {
      const l = leaves[i]!;
      leafSlot[pos] = l.slot;
      leafSlot2[pos] = l.list ? inList.length : l.slot2;
      leafK[pos] = l.k;
      leafK2[pos] = l.k2;
      if (l.list) inList.push(...l.list);
    });

    // Nodes by level, and within a level single-test-only rows first; a node's position is its row.
    const L = leaves.length;
    const level = nodeLevels(nodes);
    const levelCount = nodes.length ? Math.max(...level) + 1 : 1;
    const isPlain = nodes.map((clauses) => !clauses.some((c) => c.length === 2));
    const byLevel: number[][] = Array.from({ length: levelCount }, () => []);
    nodes.forEach((_, n) => byLevel[level[n]!]!.push(n));
    const nodePos = new Int32Array(nodes.length);
    let next = 0;
    for (const members of byLevel) {
      members.sort((a, b) => Number(isPlain[b]) - Number(isPlain[a]) || a - b);
      for (const n of members) nodePos[n] = next++;
    }

    const ONE = L << 1; // the constant-1 entry, just after the leaves
    const encode = (l: Lit): number => ((l.ref >= 0 ? position[l.ref]! : L + 1 + nodePos[-1 - l.ref]!) << 1) | (l.neg ? 1 : 0);
    const lit = new Uint8Array(L + 1 + nodes.length);
    lit[L] = 1;
    const out = new Uint8Array(nodes.length);

    let clauseCount = 0;
    let extraCount = 0;
    const levels: Level[] = byLevel.map((members, lv) => {
      const base = members.length ? nodePos[members[0]!]! : 0;
      const plain = members.filter((n) => isPlain[n]).length;
      const count = members.length;
      const s = [0, 1, 2, 3].map(() => new Int32Array(count).fill(ONE));
      const p = [0, 1, 2, 3].map(() => new Int32Array(count - plain).fill(ONE));
      const extraStart: number[] = [0];
      const extraLits: number[] = [];
      const extraDst: number[] = [];
      members.forEach((n, i) => {
        let singles = 0;
        let pairs = 0;
        for (const clause of nodes[n]!) {
          clauseCount++;
          const lits = [...new Set(clause.map(encode))];
          if (lits.length === 1 && singles < 4) s[singles++]![i] = lits[0]!;
          else if (lits.length === 2 && pairs < 2 && i >= plain) {
            p[pairs * 2]![i - plain] = lits[0]!;
            p[pairs * 2 + 1]![i - plain] = lits[1]!;
            pairs++;
          } else {
            extraCount++;
            extraLits.push(...lits);
            extraStart.push(extraLits.length);
            extraDst.push(base + i);
          }
        }
      });
      return {
        base,
        plain,
        count,
        s0: s[0]!,
        s1: s[1]!,
        s2: s[2]!,
        s3: s[3]!,
        p0: p[0]!,
        p1: p[1]!,
        p2: p[2]!,
        p3: p[3]!,
        extraStart: Int32Array.from(extraStart),
        extraLits: Int32Array.from(extraLits),
        extraDst: Int32Array.from(extraDst),
        results: out.subarray(base, base + count),
        publish: lv + 1 < levelCount ? lit.subarray(L + 1 + base, L + 1 + base + count) : null,
      };
    });

    return {
      leafCount: L,
      clauseCount,
      extraCount,
      lit,
      out,
      segmentPos: nodePos.slice(0, this.index.size),
      levels,
      kindStart,
      leafSlot,
      leafSlot2,
      leafK,
      leafK2,
      inList: Float64Array.from(inList),
    };
  }

  // ------------------------------------------------ value slots

  #slot(key: string, onNew: (slot: number) => void): number {
    let slot = this.#slotByKey.get(key);
    if (slot === undefined) {
      slot = this.slotCount++;
      this.#slotByKey.set(key, slot);
      onNew(slot);
    }
    return slot;
  }

  #range(fromRel: number, toRel: number): number {
    const key = `${fromRel}:${toRel}`;
    let r = this.#rangeByKey.get(key);
    if (r === undefined) {
      r = this.ranges.length;
      if (r >= 31) throw new Error('too many distinct windows');
      this.ranges.push([fromRel, toRel]);
      this.#rangeByKey.set(key, r);
    }
    return r;
  }

  #windowedSlot(key: string, counter: Counter, fromRel: number, toRel: number): number {
    return this.#slot(key, (slot) => {
      this.metricSlots++;
      let w = this.windowed.get(counter);
      if (!w) this.windowed.set(counter, (w = { counter, slots: [] }));
      w.slots.push(this.#range(fromRel, toRel), slot);
    });
  }

  #metricSlot(metric: MetricName, window: number): number {
    if (isRecency(metric)) {
      // Recency ignores the window.
      return this.#slot(`m:${metric}`, (slot) => {
        this.metricSlots++;
        this.recency.push({ field: RECENCY_FIELD[metric], slot });
      });
    }
    if (!window) {
      return this.#slot(`m:${metric}:0`, (slot) => {
        this.metricSlots++;
        this.lifetime.push({ counter: metric, slot });
      });
    }
    // The last `window` days including today: [today − window + 1, today + 1).
    return this.#windowedSlot(`m:${metric}:${window}`, metric, 1 - window, 1);
  }

  /** The `window` days before the last `window` days (for trends). */
  #previousSlot(counter: Counter, window: number): number {
    return this.#windowedSlot(`p:${counter}:${window}`, counter, 1 - 2 * window, 1 - window);
  }

  #interestSlot(category: string): number {
    return this.#slot(`i:${category}`, (slot) => this.interests.set(category, slot));
  }

  #topInterestSlot(): number {
    return this.#slot('top', (slot) => (this.topSlot = slot));
  }

  #topInterestCode(category: string): number {
    let code = this.topCodes.get(category);
    if (code === undefined) {
      code = this.topCodes.size;
      this.topCodes.set(category, code);
    }
    return code;
  }

  #trait(key: string): { numSlot: number; codeSlot: number } {
    let t = this.traits.get(key);
    if (!t) this.traits.set(key, (t = { numSlot: -1, codeSlot: -1 }));
    return t;
  }

  #traitCodeSlot(key: string): number {
    return this.#slot(`tc:${key}`, (slot) => (this.#trait(key).codeSlot = slot));
  }

  #traitNumSlot(key: string): number {
    return this.#slot(`tn:${key}`, (slot) => (this.#trait(key).numSlot = slot));
  }

  #contextSlot(field: keyof RequestContext): number {
    return this.#slot(`c:${field}`, (slot) => this.context.set(field, slot));
  }

  #prefixSlot(field: keyof RequestContext, prefix: string): number {
    const p = prefix.toLowerCase();
    return this.#slot(`cp:${field}:${p}`, (slot) => this.prefixes.push({ field, prefix: p, slot }));
  }
}

/**
 * Level of each node: 0 without node literals, else 1 + the deepest node it
 * reads, so a level only reads complete results. Iterative post-order; throws
 * on a cycle (parseConfig rejects those with a readable message first).
 */
function nodeLevels(nodes: readonly Lit[][][]): Int32Array {
  const deps = nodes.map((clauses) => [...new Set(clauses.flat().filter((l) => l.ref < 0).map((l) => -1 - l.ref))]);
  const level = new Int32Array(nodes.length);
  const state = new Uint8Array(nodes.length); // 0 new, 1 on the path, 2 done
  for (let root = 0; root < nodes.length; root++) {
    if (state[root]) continue;
    const path = [root];
    const next = [0];
    state[root] = 1;
    while (path.length) {
      const n = path[path.length - 1]!;
      const k = next[next.length - 1]!;
      const d = deps[n]!;
      if (k >= d.length) {
        let lv = 0;
        for (const t of d) lv = Math.max(lv, level[t]! + 1);
        level[n] = lv;
        state[n] = 2;
        path.pop();
        next.pop();
        continue;
      }
      next[next.length - 1] = k + 1;
      const t = d[k]!;
      if (state[t] === 1) throw new Error('segments refer to each other in a cycle');
      if (state[t] === 0) {
        state[t] = 1;
        path.push(t);
        next.push(0);
      }
    }
  }
  return level;
}

// ---------------------------------------------------------------- public API


const cache = new WeakMap<TailorConfig, CompiledConfig>();

/** Compile a (validated) config; cached per config object, so call it freely. */
export function compileConfig(config: TailorConfig): CompiledConfig {
  let compiled = cache.get(config);
  if (!compiled) {
    compiled = new CompiledConfig(config);
    cache.set(config, compiled);
  }
  return compiled;
}

const compiledOf = (config: TailorConfig | CompiledConfig): CompiledConfig =>
  config instanceof CompiledConfig ? config : compileConfig(config);

/** The ids of the segments the visitor is in, in config order. */
export function evaluateSegments(profile: Profile, config: TailorConfig | CompiledConfig, now: number, context?: RequestContext): string[] {
  const compiled = compiledOf(config);
  const { indexes, count } = compiled.matchIndexes(profile, now, context);
  const ids = compiled.ids;
  const out = new Array<string>(count);
  for (let j = 0; j < count; j++) out[j] = ids[indexes[j]!]!;
  return out;
}

export interface ConditionExplanation {
  /** Plain words with the visitor's value and a mark, e.g. "Visited at least 3 times in the last 30 days — actual: 5 ✓". */
  text: string;
  /** The same condition without the actual value, e.g. "Visited at least 3 times in the last 30 days". */
  label: string;
  /** The visitor's value (money in cents; null when unknown or never). */
  actual: string | number | boolean | null;
  held: boolean;
}

export interface SegmentExplanation {
  id: string;
  name: string;
  group: SegmentDef['group'];
  description: string;
  matched: boolean;
  /** The rule's top-level conditions (the parts of a top-level `all`, else the rule itself); matched ⇔ all held. */
  conditions: ConditionExplanation[];
}

/** Why the visitor is, or is not, in each segment (config order). */
export function explainSegments(profile: Profile, config: TailorConfig | CompiledConfig, now: number, context?: RequestContext): SegmentExplanation[] {
  const compiled = compiledOf(config);
  const results = Uint8Array.from(compiled.run(profile, now, context));
  const segments = compiled.config.segments;
  const byId = new Map(segments.map((s, i) => [s.id, { def: s, matched: results[i] === 1 }] as const));
  const env: Env = {
    profile,
    now,
    context,
    halfLife: compiled.config.settings?.interestHalfLifeDays ?? DEFAULT_HALF_LIFE_DAYS,
    member: (id) => byId.get(id)?.matched ?? false,
    names: new Map(segments.map((s) => [s.id, s.name])),
  };
  return segments.map((s, i) => {
    const parts = 'all' in s.rule ? s.rule.all : [s.rule];
    return {
      id: s.id,
      name: s.name,
      group: s.group,
      description: s.description,
      matched: results[i] === 1,
      conditions: parts.map((r) => explainCondition(r, env)),
    };
  });
}

/** The rule in plain words, e.g. "Visited at least 3 times in the last 30 days and Country is one of DE, AT, CH". */
export function describeRule(rule: Rule, segmentsById?: ReadonlyMap<string, { name: string }> | Readonly<Record<string, { name: string }>>): string {
  const names = new Map<string, string>();
  if (segmentsById instanceof Map) for (const [id, s] of segmentsById) names.set(id, s.name);
  else if (segmentsById) for (const [id, s] of Object.entries(segmentsById)) names.set(id, s.name);
  return describe(rule, names, true);
}

// ---------------------------------------------------------------- plain words

const COUNTER_WORDS: Record<Counter, { verb: string; unit: [string, string]; once: string; never: string; noun: string }> = {
  sessions: { verb: 'Visited', unit: ['time', 'times'], once: 'Visited', never: 'Did not visit', noun: 'Visits' },
  pageviews: { verb: 'Viewed', unit: ['page', 'pages'], once: 'Viewed a page', never: 'Viewed no pages', noun: 'Page views' },
  productViews: { verb: 'Viewed', unit: ['product page', 'product pages'], once: 'Viewed a product page', never: 'Viewed no product pages', noun: 'Product views' },
  cartAdds: { verb: 'Added to cart', unit: ['time', 'times'], once: 'Added something to the cart', never: 'Added nothing to the cart', noun: 'Cart adds' },
  checkouts: { verb: 'Started checkout', unit: ['time', 'times'], once: 'Started a checkout', never: 'Started no checkout', noun: 'Checkouts' },
  purchases: { verb: 'Purchased', unit: ['time', 'times'], once: 'Made a purchase', never: 'Made no purchase', noun: 'Purchases' },
  revenue: { verb: 'Spent', unit: ['', ''], once: 'Spent something', never: 'Spent nothing', noun: 'Spend' },
  dealViews: { verb: 'Viewed deals', unit: ['time', 'times'], once: 'Viewed a deal', never: 'Viewed no deals', noun: 'Deal views' },
  'sessions.email': medium('an e-mail campaign', 'Visits from e-mail'),
  'sessions.social': medium('social media', 'Visits from social media'),
  'sessions.search': medium('a search engine', 'Visits from search'),
  'sessions.paid': medium('a paid ad', 'Visits from paid ads'),
  'sessions.chatbot': medium('an AI assistant', 'Visits from AI assistants'),
  'sessions.referral': medium('a link on another website', 'Visits from other websites'),
  'sessions.direct': { verb: 'Came straight to the site', unit: ['time', 'times'], once: 'Came straight to the site', never: 'Never came straight to the site', noun: 'Direct visits' },
};

function medium(from: string, noun: string) {
  return { verb: `Arrived from ${from}`, unit: ['time', 'times'] as [string, string], once: `Arrived from ${from}`, never: `Did not arrive from ${from}`, noun };
}

const RECENCY_WORDS: Record<RecencyMetric, string> = {
  daysSinceFirstSeen: 'First visit was',
  daysSinceLastSeen: 'Last visit was',
  daysSinceLastPurchase: 'Last purchase was',
};

const OP_WORDS: Record<ComparisonOp, string> = { gte: 'at least', gt: 'more than', lte: 'at most', lt: 'fewer than', eq: 'exactly' };

const CONTEXT_WORDS: Record<keyof RequestContext, string> = {
  country: 'Country',
  region: 'Region',
  city: 'City',
  device: 'Device',
  medium: 'Channel of this visit',
  source: 'Source of this visit',
  utm_campaign: 'Campaign (utm_campaign)',
  path: 'Page path',
};

const MEDIUM_WORDS: Record<string, string> = {
  email: 'an e-mail link',
  social: 'social media',
  search: 'a search engine',
  paid: 'a paid ad',
  chatbot: 'an AI assistant',
  referral: 'another website',
  direct: 'nowhere (typed or bookmarked)',
  internal: 'another page of this site',
};

const money = (cents: number): string =>
  (cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

const round2 = (n: number): number => Math.round(n * 100) / 100;

function quantity(metric: Counter, op: ComparisonOp, value: number): string {
  if (metric === 'revenue') return `${op === 'lt' ? 'less than' : OP_WORDS[op]} ${money(value)}`;
  return `${OP_WORDS[op]} ${value}`;
}

function windowWords(window: number): string {
  return window ? ` in the last ${window} days` : '';
}

function metricLabel(metric: MetricName, window: number, op: ComparisonOp, value: number): string {
  if (isRecency(metric)) return `${RECENCY_WORDS[metric]} ${OP_WORDS[op]} ${value} ${value === 1 ? 'day' : 'days'} ago`;
  const w = COUNTER_WORDS[metric];
  if ((op === 'gte' && value === 1) || (op === 'gt' && value === 0)) return `${w.once}${windowWords(window)}`;
  if ((op === 'eq' && value === 0) || (op === 'lt' && value === 1) || (op === 'lte' && value === 0)) return `${w.never}${window ? windowWords(window) : ' yet'}`;
  const unit = w.unit[value === 1 ? 0 : 1];
  return `${w.verb} ${quantity(metric, op, value)}${unit ? ` ${unit}` : ''}${windowWords(window)}`;
}

/** "experience" → "Experience", "shoe_size" / "shoeSize" → "Shoe size". */
function traitWords(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .trim()
    .toLowerCase();
  return words ? words[0]!.toUpperCase() + words.slice(1) : key;
}

function leafLabel(rule: Rule, names: ReadonlyMap<string, string>): string {
  if ('metric' in rule) return metricLabel(rule.metric, isRecency(rule.metric) ? 0 : (rule.window ?? 0), rule.op, rule.value);
  if ('interest' in rule) {
    const top = `Top interest is ${rule.interest}`;
    const min = `Shows interest in ${rule.interest} (score at least ${rule.min ?? 1})`;
    return rule.top ? (rule.min !== undefined ? `${top}, ${min[0]!.toLowerCase()}${min.slice(1)}` : top) : min;
  }
  if ('trend' in rule) {
    const noun = isRecency(rule.trend) ? rule.trend : COUNTER_WORDS[rule.trend].noun;
    const from = rule.minPrevious ? ` (from at least ${rule.trend === 'revenue' ? money(rule.minPrevious) : rule.minPrevious})` : '';
    return `${noun} in the last ${rule.window} days ${rule.change} by at least ${round2(rule.by * 100)}% against the ${rule.window} days before${from}`;
  }
  if ('trait' in rule) {
    const name = traitWords(rule.trait);
    const parts: string[] = [];
    if (rule.eq !== undefined) parts.push(`${name} is ${String(rule.eq)}`);
    if (rule.in !== undefined) parts.push(`${name} is one of ${rule.in.join(', ')}`);
    if (rule.exists !== undefined) parts.push(`${name} is ${rule.exists ? '' : 'not '}known`);
    if (rule.op !== undefined && rule.value !== undefined) parts.push(`${name} is ${OP_WORDS[rule.op]} ${rule.value}`);
    return parts.length ? parts.join(' and ') : `${name} is known`;
  }
  if ('context' in rule) {
    const name = CONTEXT_WORDS[rule.context];
    const parts: string[] = [];
    if (rule.eq !== undefined) {
      const m = rule.context === 'medium' ? MEDIUM_WORDS[rule.eq.toLowerCase()] : undefined;
      parts.push(m ? `This visit came from ${m}` : `${name} is ${rule.eq}`);
    }
    if (rule.in !== undefined) parts.push(`${name} is one of ${rule.in.join(', ')}`);
    if (rule.prefix !== undefined) parts.push(`${name} starts with ${rule.prefix}`);
    return parts.length ? parts.join(' and ') : `${name} is known`;
  }
  if ('segment' in rule) return `Is in segment '${names.get(rule.segment) ?? rule.segment}'`;
  return '';
}

/** "Top interest is shoes" → "top interest is shoes" (inside a sentence), also after an opening parenthesis. */
const lowerFirst = (text: string): string => text.replace(/^(\(*)(\p{Lu})(?!\p{Lu})/u, (_, open: string, c: string) => open + c.toLowerCase());

function describe(rule: Rule, names: ReadonlyMap<string, string>, top = false): string {
  const wrap = (s: string) => (top ? s : `(${s})`);
  const join = (rules: readonly Rule[], word: string) => rules.map((r, i) => (i ? lowerFirst(describe(r, names)) : describe(r, names))).join(word);
  if ('all' in rule) return rule.all.length === 1 ? describe(rule.all[0]!, names, top) : wrap(join(rule.all, ' and '));
  if ('any' in rule) return rule.any.length === 1 ? describe(rule.any[0]!, names, top) : wrap(join(rule.any, ' or '));
  if ('not' in rule) {
    if ('segment' in rule.not) return `Is not in segment '${names.get(rule.not.segment) ?? rule.not.segment}'`;
    return `Not ${describe(rule.not, names, false).replace(/^(?!\()(.*)$/, '($1)')}`;
  }
  return leafLabel(rule, names);
}

// ---------------------------------------------------------------- explanations (reference evaluation)

interface Env {
  profile: Profile;
  now: number;
  context: RequestContext | undefined;
  halfLife: number;
  member: (id: string) => boolean;
  names: ReadonlyMap<string, string>;
}

type Value = string | number | boolean | null;

function compare(op: ComparisonOp, a: number, b: number): boolean {
  switch (op) {
    case 'gte':
      return a >= b;
    case 'gt':
      return a > b;
    case 'lte':
      return a <= b;
    case 'lt':
      return a < b;
    case 'eq':
      return a === b;
  }
}

const sameText = (a: unknown, b: unknown): boolean => token(a) !== null && token(a) === token(b);

/** One leaf read with the plain metric readers: whether it holds, the visitor's value and how to show it. */
function evaluateLeaf(rule: Rule, env: Env): { held: boolean; actual: Value; shown: string } {
  const { profile, now } = env;
  if ('metric' in rule) {
    const v = readMetric(profile, rule.metric, isRecency(rule.metric) ? 0 : (rule.window ?? 0), now);
    const finite = Number.isFinite(v);
    return { held: compare(rule.op, v, rule.value), actual: finite ? v : null, shown: !finite ? 'never' : rule.metric === 'revenue' ? money(v) : String(v) };
  }
  if ('interest' in rule) {
    const score = Object.hasOwn(profile.interests, rule.interest) ? interestScore(profile, rule.interest, now, env.halfLife) : 0;
    const scoreHeld = score >= (rule.min ?? 1);
    if (!rule.top) return { held: scoreHeld, actual: round2(score), shown: String(round2(score)) };
    const best = topInterest(profile, now, env.halfLife);
    const held = best === rule.interest && (rule.min === undefined || scoreHeld);
    const shown = best ?? 'none';
    return { held, actual: best, shown: rule.min === undefined ? shown : `${shown} (score ${round2(score)})` };
  }
  if ('trend' in rule) {
    const { current, previous } = trendPair(profile, rule.trend as Counter, rule.window, now);
    const minPrevious = rule.minPrevious ?? 0;
    const held =
      rule.change === 'fell'
        ? previous > 0 && previous >= minPrevious && current <= previous * (1 - rule.by) + previous * TREND_SLACK
        : current > 0 && previous >= minPrevious && current >= previous * (1 + rule.by) - previous * TREND_SLACK;
    const fmt = (n: number) => (rule.trend === 'revenue' ? money(n) : String(n));
    const change = previous > 0 ? ` (${current >= previous ? '+' : '−'}${round2((Math.abs(current - previous) / previous) * 100)}%)` : '';
    const shown = `${fmt(current)} vs ${fmt(previous)} before${change}`;
    return { held, actual: shown, shown };
  }
  if ('trait' in rule) {
    const raw = Object.hasOwn(profile.traits, rule.trait) ? profile.traits[rule.trait] : undefined;
    const v = token(raw) === null || raw === '' ? undefined : raw; // an empty answer counts as not given
    let held = true;
    if (rule.eq !== undefined) held &&= sameText(v, rule.eq);
    if (rule.in !== undefined) held &&= rule.in.some((x) => sameText(v, x));
    if (rule.exists !== undefined) held &&= (v !== undefined) === rule.exists;
    if (rule.op !== undefined && rule.value !== undefined) held &&= compare(rule.op, traitNumber(v), rule.value);
    if (rule.eq === undefined && rule.in === undefined && rule.exists === undefined && rule.op === undefined) held = v !== undefined;
    return { held, actual: v ?? null, shown: v === undefined ? 'unknown' : String(v) };
  }
  if ('context' in rule) {
    const raw = env.context?.[rule.context];
    const v = raw === undefined || raw === null || raw === '' ? undefined : String(raw);
    let held = v !== undefined;
    if (rule.eq !== undefined) held &&= sameText(v, rule.eq);
    if (rule.in !== undefined) held &&= rule.in.some((x) => sameText(v, x));
    if (rule.prefix !== undefined) held &&= v !== undefined && v.toLowerCase().startsWith(rule.prefix.toLowerCase());
    return { held, actual: v ?? null, shown: v ?? 'unknown' };
  }
  if ('segment' in rule) {
    const held = env.member(rule.segment);
    return { held, actual: held, shown: held ? 'in segment' : 'not in segment' };
  }
  throw new Error('not a leaf');
}

function evaluateRule(rule: Rule, env: Env): boolean {
  if ('all' in rule) return rule.all.every((r) => evaluateRule(r, env));
  if ('any' in rule) return rule.any.some((r) => evaluateRule(r, env));
  if ('not' in rule) return !evaluateRule(rule.not, env);
  return evaluateLeaf(rule, env).held;
}

const mark = (held: boolean): string => (held ? '✓' : '✗');

function explainCondition(rule: Rule, env: Env): ConditionExplanation {
  const label = describe(rule, env.names, true);
  const leaf = 'not' in rule && !('all' in rule.not || 'any' in rule.not || 'not' in rule.not) ? rule.not : rule;
  if (!('all' in leaf || 'any' in leaf || 'not' in leaf)) {
    const r = evaluateLeaf(leaf, env);
    const held = leaf === rule ? r.held : !r.held;
    return { text: `${label} — actual: ${r.shown} ${mark(held)}`, label, actual: r.actual, held };
  }
  // A nested group: show each part with its own value, then the group's result.
  const held = evaluateRule(rule, env);
  return { text: `${groupText(rule, env)} ${mark(held)}`, label, actual: null, held };
}

function groupText(rule: Rule, env: Env): string {
  if ('all' in rule || 'any' in rule) {
    const parts = 'all' in rule ? rule.all : rule.any;
    const join = 'all' in rule ? ' and ' : ' or ';
    return `${'all' in rule ? 'All of' : 'Any of'}: ${parts.map((r) => `[${partText(r, env)}]`).join(join)}`;
  }
  if ('not' in rule) return `Not: [${partText(rule.not, env)}]`;
  return partText(rule, env);
}

function partText(rule: Rule, env: Env): string {
  if ('all' in rule || 'any' in rule || 'not' in rule) {
    if ('not' in rule && 'segment' in rule.not) {
      const held = !env.member(rule.not.segment);
      return `${describe(rule, env.names, true)} — actual: ${held ? 'not in segment' : 'in segment'} ${mark(held)}`;
    }
    return `${groupText(rule, env)} ${mark(evaluateRule(rule, env))}`;
  }
  const r = evaluateLeaf(rule, env);
  return `${leafLabel(rule, env.names)} — actual: ${r.shown} ${mark(r.held)}`;
}

