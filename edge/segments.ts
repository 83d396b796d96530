/**
 * Segment evaluation: which segments a visitor is in, and why.
 *
 * A config is compiled once (cached per config object) into
 *  - a read plan: every distinct profile read the rules need (a counter over a
 *    window, a trend's previous window, an interest score, the top interest, a
 *    trait, a request-context field) gets one slot in a Float64Array, filled once
 *    per evaluation — windowed counters in a single pass over the buckets; and
 *  - a flat program: each leaf is one fixed-width instruction comparing a slot
 *    with a constant and naming where to go when it holds and when it does not
 *    (`all`/`any`/`not` are compiled away into those jump targets, so there is
 *    no tree walking and no object lookup per leaf).
 * Segments are run in dependency order, so a `{segment}` leaf reads a result
 * already computed. Non-numeric values (top interest, traits, context) are
 * interned to integer codes at compile time and compared as numbers.
 *
 * explainSegments is the slow, readable path: it re-reads each condition with
 * the plain metric readers and says what held, for previews and the dashboard.
 */
import { DAY_MS, dayOf, daysSince, DEFAULT_HALF_LIFE_DAYS, interestScore, readMetric, topInterest, trendPair } from './metrics.ts';
import type { ComparisonOp, Rule, SegmentDef, TailorConfig } from './schema.ts';
import { RECENCY_METRICS, type Counter, type MetricName, type Profile, type RecencyMetric, type RequestContext } from './types.ts';

// ---------------------------------------------------------------- program format

const OP_GTE = 0;
const OP_GT = 1;
const OP_LTE = 2;
const OP_LT = 3;
const OP_EQ = 4;
const OP_IN = 5; // vals[a] is one of consts[b .. b+c)
const OP_FELL = 6; // a = current slot, b = previous slot, consts[c] = by, consts[c+1] = minPrevious
const OP_ROSE = 7;
const OP_SEG = 8; // result of segment a

/** Instruction width: op, a, b, c, next-if-true, next-if-false. */
const W = 6;
/** Jump targets below zero end the segment with that result. */
const END_TRUE = -1;
const END_FALSE = -2;

/** Codes of non-numeric slots: a value no rule mentions, and no value at all. */
const CODE_OTHER = -1;
const CODE_MISSING = -2;

const COMPARE: Record<ComparisonOp, number> = { gte: OP_GTE, gt: OP_GT, lte: OP_LTE, lt: OP_LT, eq: OP_EQ };

const RECENCY_FIELD: Record<RecencyMetric, 'first' | 'last' | 'lastPurchase'> = {
  daysSinceFirstSeen: 'first',
  daysSinceLastSeen: 'last',
  daysSinceLastPurchase: 'lastPurchase',
};

const isRecency = (m: MetricName): m is RecencyMetric => (RECENCY_METRICS as readonly string[]).includes(m);

/** Interning key of a trait or context value; strings compare case-insensitively. */
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
  /** Leaf instructions in the program. */
  instructions: number;
  /** All value slots filled per evaluation. */
  slots: number;
  /** Distinct profile metric reads: counter × window, recency measures and trend previous windows. */
  metricSlots: number;
  interestSlots: number;
  traitSlots: number;
  contextSlots: number;
}

type Windowed = { counter: Counter; slots: number[] }; // pairs of (range index, slot)

/** A config compiled for fast evaluation. Build with `compileConfig`. */
export class CompiledConfig {
  readonly config: TailorConfig;
  readonly ids: readonly string[];
  readonly stats: CompileStats;

  // program
  readonly #code: Int32Array;
  readonly #consts: Float64Array;
  readonly #entry: Int32Array;
  readonly #order: Int32Array;

  // read plan
  readonly #vals: Float64Array;
  readonly #res: Uint8Array;
  readonly #halfLife: number;
  readonly #lifetime: { counter: Counter; slot: number }[];
  readonly #recency: { field: 'first' | 'last' | 'lastPurchase'; slot: number }[];
  /** [fromRel, toRel) day offsets from today, per range. */
  readonly #ranges: Float64Array;
  readonly #rangeBounds: Float64Array;
  readonly #windowed: { counter: Counter; targets: Int32Array }[];
  readonly #windowedSlots: Int32Array;
  readonly #interests: { category: string; slot: number }[];
  readonly #interestSlot: Map<string, number>;
  readonly #topSlot: number;
  readonly #topCode: Map<string, number>;
  readonly #traits: { key: string; numSlot: number; codeSlot: number }[];
  readonly #context: { field: keyof RequestContext; slot: number }[];
  readonly #prefixes: { field: keyof RequestContext; prefix: string; slot: number }[];
  readonly #tokens: Map<string, number>;

  /** @internal use compileConfig */
  constructor(config: TailorConfig) {
    const b = new Builder(config);
    this.config = config;
    this.ids = config.segments.map((s) => s.id);
    this.#halfLife = config.settings?.interestHalfLifeDays ?? DEFAULT_HALF_LIFE_DAYS;

    const entry = new Int32Array(config.segments.length);
    config.segments.forEach((s, i) => {
      entry[i] = b.compile(s.rule, END_TRUE, END_FALSE);
    });
    this.#entry = entry;
    this.#order = dependencyOrder(config.segments, b.index);
    this.#code = Int32Array.from(b.code);
    this.#consts = Float64Array.from(b.consts);

    this.#vals = new Float64Array(b.slotCount);
    this.#res = new Uint8Array(config.segments.length);
    this.#lifetime = b.lifetime;
    this.#recency = b.recency;
    this.#ranges = Float64Array.from(b.ranges.flat());
    this.#rangeBounds = new Float64Array(b.ranges.length * 2);
    this.#windowed = [...b.windowed.values()].map((w: Windowed) => ({ counter: w.counter, targets: Int32Array.from(w.slots) }));
    this.#windowedSlots = Int32Array.from([...b.windowed.values()].flatMap((w) => w.slots.filter((_, k) => k % 2 === 1)));
    this.#interestSlot = b.interests;
    this.#interests = [...b.interests].map(([category, slot]) => ({ category, slot }));
    this.#topSlot = b.topSlot;
    this.#topCode = b.topCodes;
    this.#traits = [...b.traits].map(([key, t]) => ({ key, ...t }));
    this.#context = [...b.context].map(([field, slot]) => ({ field, slot }));
    this.#prefixes = b.prefixes;
    this.#tokens = b.tokens;

    this.stats = {
      segments: config.segments.length,
      instructions: b.code.length / W,
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
    this.#fill(profile, now, context);
    const code = this.#code;
    const consts = this.#consts;
    const vals = this.#vals;
    const res = this.#res;
    const entry = this.#entry;
    const order = this.#order;
    for (let i = 0; i < order.length; i++) {
      const s = order[i]!;
      let pc = entry[s]!;
      while (pc >= 0) {
        let ok: boolean;
        switch (code[pc]) {
          case OP_GTE:
            ok = vals[code[pc + 1]!]! >= consts[code[pc + 2]!]!;
            break;
          case OP_GT:
            ok = vals[code[pc + 1]!]! > consts[code[pc + 2]!]!;
            break;
          case OP_LTE:
            ok = vals[code[pc + 1]!]! <= consts[code[pc + 2]!]!;
            break;
          case OP_LT:
            ok = vals[code[pc + 1]!]! < consts[code[pc + 2]!]!;
            break;
          case OP_EQ:
            ok = vals[code[pc + 1]!]! === consts[code[pc + 2]!]!;
            break;
          case OP_SEG:
            ok = res[code[pc + 1]!] === 1;
            break;
          case OP_FELL: {
            const cur = vals[code[pc + 1]!]!;
            const prev = vals[code[pc + 2]!]!;
            const c = code[pc + 3]!;
            ok = prev > 0 && prev >= consts[c + 1]! && cur <= prev * (1 - consts[c]!);
            break;
          }
          case OP_ROSE: {
            const cur = vals[code[pc + 1]!]!;
            const prev = vals[code[pc + 2]!]!;
            const c = code[pc + 3]!;
            ok = cur > 0 && prev >= consts[c + 1]! && cur >= prev * (1 + consts[c]!);
            break;
          }
          default: {
            // OP_IN
            const v = vals[code[pc + 1]!]!;
            const from = code[pc + 2]!;
            const to = from + code[pc + 3]!;
            ok = false;
            for (let k = from; k < to; k++) {
              if (consts[k] === v) {
                ok = true;
                break;
              }
            }
          }
        }
        pc = ok ? code[pc + 4]! : code[pc + 5]!;
      }
      res[s] = pc === END_TRUE ? 1 : 0;
    }
    return res;
  }

  /** One pass per source: buckets once, interests once, each trait and context field once. */
  #fill(profile: Profile, now: number, context: RequestContext | undefined): void {
    const vals = this.#vals;

    const totals = profile.totals;
    for (const { counter, slot } of this.#lifetime) vals[slot] = totals[counter] ?? 0;
    for (const { field, slot } of this.#recency) vals[slot] = daysSince(profile[field], now);

    const windowed = this.#windowed;
    if (windowed.length) {
      // Same rule as metrics.countBetween: a bucket counts when its midpoint lies in [from, to).
      const slots = this.#windowedSlots;
      for (let k = 0; k < slots.length; k++) vals[slots[k]!] = 0;
      const today = dayOf(now);
      const ranges = this.#ranges;
      const bounds = this.#rangeBounds;
      for (let k = 0; k < ranges.length; k++) bounds[k] = today + ranges[k]!;
      for (const bucket of profile.buckets) {
        const mid = bucket.day + (bucket.width - 1) / 2;
        let mask = 0;
        for (let r = 0, k = 0; k < bounds.length; r++, k += 2) {
          if (mid >= bounds[k]! && mid < bounds[k + 1]!) mask |= 1 << r;
        }
        if (mask === 0) continue;
        const counts = bucket.counts;
        for (let w = 0; w < windowed.length; w++) {
          const { counter, targets } = windowed[w]!;
          const v = counts[counter];
          if (!v) continue;
          for (let k = 0; k < targets.length; k += 2) {
            if (mask & (1 << targets[k]!)) vals[targets[k + 1]!]! += v;
          }
        }
      }
    }

    if (this.#interests.length || this.#topSlot >= 0) this.#fillInterests(profile, now);

    if (this.#traits.length) {
      const traits = profile.traits;
      for (const { key, numSlot, codeSlot } of this.#traits) {
        const v = Object.hasOwn(traits, key) ? traits[key] : undefined;
        if (numSlot >= 0) vals[numSlot] = traitNumber(v);
        if (codeSlot >= 0) {
          const t = token(v);
          vals[codeSlot] = t === null ? CODE_MISSING : (this.#tokens.get(t) ?? CODE_OTHER);
        }
      }
    }

    for (const { field, slot } of this.#context) {
      const v = context?.[field];
      vals[slot] = v === undefined || v === null || v === '' ? CODE_MISSING : (this.#tokens.get(`s:${String(v).toLowerCase()}`) ?? CODE_OTHER);
    }
    for (const { field, prefix, slot } of this.#prefixes) {
      const v = context?.[field];
      vals[slot] = typeof v === 'string' && v !== '' && v.toLowerCase().startsWith(prefix) ? 1 : 0;
    }
  }

  /** Decayed scores exactly as metrics.interestScore / topInterest compute them, each entry decayed once. */
  #fillInterests(profile: Profile, now: number): void {
    const vals = this.#vals;
    const halfLife = this.#halfLife;
    const interests = profile.interests;
    for (const { slot } of this.#interests) vals[slot] = 0;
    if (this.#topSlot < 0) {
      for (const { category, slot } of this.#interests) {
        if (Object.hasOwn(interests, category)) vals[slot] = interestScore(profile, category, now, halfLife);
      }
      return;
    }
    let best: string | null = null;
    let bestScore = 0;
    for (const category of Object.keys(interests)) {
      const entry = interests[category]!;
      const age = Math.max(0, now - entry.t) / DAY_MS;
      const s = entry.score * Math.pow(2, -age / halfLife);
      const slot = this.#interestSlot.get(category);
      if (slot !== undefined) vals[slot] = s;
      if (s > bestScore || (s === bestScore && best !== null && category < best)) {
        best = category;
        bestScore = s;
      }
    }
    vals[this.#topSlot] = best === null ? CODE_MISSING : (this.#topCode.get(best) ?? CODE_OTHER);
  }
}

/** Collects slots, constants and instructions while compiling one config. */
class Builder {
  readonly index = new Map<string, number>();
  readonly code: number[] = [];
  readonly consts: number[] = [];
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
  readonly tokens = new Map<string, number>();
  readonly #constByValue = new Map<number, number>();

  constructor(config: TailorConfig) {
    config.segments.forEach((s, i) => {
      if (this.index.has(s.id)) throw new Error(`duplicate segment id "${s.id}"`);
      this.index.set(s.id, i);
    });
  }

  /** Emits the rule's instructions; returns its entry point. */
  compile(rule: Rule, onTrue: number, onFalse: number): number {
    if ('all' in rule) {
      let next = onTrue;
      for (let i = rule.all.length - 1; i >= 0; i--) next = this.compile(rule.all[i]!, next, onFalse);
      return next;
    }
    if ('any' in rule) {
      let next = onFalse;
      for (let i = rule.any.length - 1; i >= 0; i--) next = this.compile(rule.any[i]!, onTrue, next);
      return next;
    }
    if ('not' in rule) return this.compile(rule.not, onFalse, onTrue);
    if ('metric' in rule) return this.#emit(COMPARE[rule.op], this.#metricSlot(rule.metric, rule.window ?? 0), this.#const(rule.value), 0, onTrue, onFalse);
    if ('interest' in rule) {
      const parts: [number, number, number][] = [];
      if (rule.top) parts.push([OP_EQ, this.#topInterestSlot(), this.#const(this.#topInterestCode(rule.interest))]);
      if (!rule.top || rule.min !== undefined) parts.push([OP_GTE, this.#interestSlot(rule.interest), this.#const(rule.min ?? 1)]);
      return this.#chain(parts, onTrue, onFalse);
    }
    if ('trend' in rule) {
      if (isRecency(rule.trend)) throw new Error(`trend needs a counter, not "${rule.trend}"`);
      const cur = this.#metricSlot(rule.trend, rule.window);
      const prev = this.#previousSlot(rule.trend, rule.window);
      const c = this.consts.length;
      this.consts.push(rule.by, rule.minPrevious ?? 0);
      return this.#emit(rule.change === 'fell' ? OP_FELL : OP_ROSE, cur, prev, c, onTrue, onFalse);
    }
    if ('trait' in rule) {
      const parts: [number, number, number, number?][] = [];
      if (rule.eq !== undefined) parts.push([OP_EQ, this.#traitCodeSlot(rule.trait), this.#const(this.#tokenCode(token(rule.eq)!))]);
      if (rule.in !== undefined) parts.push(this.#inList(this.#traitCodeSlot(rule.trait), rule.in));
      if (rule.exists !== undefined) parts.push([rule.exists ? OP_GTE : OP_EQ, this.#traitCodeSlot(rule.trait), this.#const(rule.exists ? CODE_OTHER : CODE_MISSING)]);
      if (rule.op !== undefined && rule.value !== undefined) parts.push([COMPARE[rule.op], this.#traitNumSlot(rule.trait), this.#const(rule.value)]);
      if (!parts.length) parts.push([OP_GTE, this.#traitCodeSlot(rule.trait), this.#const(CODE_OTHER)]); // bare trait: is known
      return this.#chain(parts, onTrue, onFalse);
    }
    if ('context' in rule) {
      const field = rule.context;
      const parts: [number, number, number, number?][] = [];
      if (rule.eq !== undefined) parts.push([OP_EQ, this.#contextSlot(field), this.#const(this.#tokenCode(token(rule.eq)!))]);
      if (rule.in !== undefined) parts.push(this.#inList(this.#contextSlot(field), rule.in));
      if (rule.prefix !== undefined) parts.push([OP_EQ, this.#prefixSlot(field, rule.prefix), this.#const(1)]);
      if (!parts.length) parts.push([OP_GTE, this.#contextSlot(field), this.#const(CODE_OTHER)]); // bare field: is known
      return this.#chain(parts, onTrue, onFalse);
    }
    const target = this.index.get(rule.segment);
    if (target === undefined) throw new Error(`unknown segment "${rule.segment}"`);
    return this.#emit(OP_SEG, target, 0, 0, onTrue, onFalse);
  }

  /** Several tests that must all hold (a leaf with e.g. both eq and exists). */
  #chain(parts: [number, number, number, number?][], onTrue: number, onFalse: number): number {
    let next = onTrue;
    for (let i = parts.length - 1; i >= 0; i--) {
      const [op, a, b, c] = parts[i]!;
      next = this.#emit(op, a, b, c ?? 0, next, onFalse);
    }
    return next;
  }

  #emit(op: number, a: number, b: number, c: number, onTrue: number, onFalse: number): number {
    const pc = this.code.length;
    this.code.push(op, a, b, c, onTrue, onFalse);
    return pc;
  }

  #const(v: number): number {
    let i = this.#constByValue.get(v);
    if (i === undefined) {
      i = this.consts.length;
      this.consts.push(v);
      this.#constByValue.set(v, i);
    }
    return i;
  }

  #inList(slot: number, values: readonly (string | number)[]): [number, number, number, number] {
    const from = this.consts.length;
    const codes = values.map((v) => this.#tokenCode(token(v)!));
    this.consts.push(...codes);
    return [OP_IN, slot, from, codes.length];
  }

  #tokenCode(t: string): number {
    let code = this.tokens.get(t);
    if (code === undefined) {
      code = this.tokens.size;
      this.tokens.set(t, code);
    }
    return code;
  }

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
 * Segment indexes ordered so every segment comes after the segments it refers to
 * (config order otherwise). Iterative depth-first post-order; throws on a cycle
 * (parseConfig rejects those with a readable message first).
 */
function dependencyOrder(segments: readonly SegmentDef[], index: ReadonlyMap<string, number>): Int32Array {
  const deps = segments.map((s) => refsOf(s.rule).map((id) => index.get(id)!));
  const state = new Uint8Array(segments.length); // 0 new, 1 on the path, 2 done
  const order: number[] = [];
  for (let root = 0; root < segments.length; root++) {
    if (state[root]) continue;
    const path = [root];
    const next = [0];
    state[root] = 1;
    while (path.length) {
      const s = path[path.length - 1]!;
      const k = next[next.length - 1]!;
      const d = deps[s]!;
      if (k >= d.length) {
        state[s] = 2;
        order.push(s);
        path.pop();
        next.pop();
        continue;
      }
      next[next.length - 1] = k + 1;
      const t = d[k]!;
      if (state[t] === 1) throw new Error(`segment "${segments[t]!.id}" is part of a reference cycle`);
      if (state[t] === 0) {
        state[t] = 1;
        path.push(t);
        next.push(0);
      }
    }
  }
  return Int32Array.from(order);
}

function refsOf(rule: Rule, out: string[] = []): string[] {
  if ('all' in rule) for (const r of rule.all) refsOf(r, out);
  else if ('any' in rule) for (const r of rule.any) refsOf(r, out);
  else if ('not' in rule) refsOf(rule.not, out);
  else if ('segment' in rule) out.push(rule.segment);
  return out;
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
  const res = compiled.run(profile, now, context);
  const ids = compiled.ids;
  const out: string[] = [];
  for (let i = 0; i < res.length; i++) if (res[i]) out.push(ids[i]!);
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

function describe(rule: Rule, names: ReadonlyMap<string, string>, top = false): string {
  const wrap = (s: string) => (top ? s : `(${s})`);
  if ('all' in rule) return rule.all.length === 1 ? describe(rule.all[0]!, names, top) : wrap(rule.all.map((r) => describe(r, names)).join(' and '));
  if ('any' in rule) return rule.any.length === 1 ? describe(rule.any[0]!, names, top) : wrap(rule.any.map((r) => describe(r, names)).join(' or '));
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
        ? previous > 0 && previous >= minPrevious && current <= previous * (1 - rule.by)
        : current > 0 && previous >= minPrevious && current >= previous * (1 + rule.by);
    const fmt = (n: number) => (rule.trend === 'revenue' ? money(n) : String(n));
    const change = previous > 0 ? ` (${current >= previous ? '+' : '−'}${round2((Math.abs(current - previous) / previous) * 100)}%)` : '';
    const shown = `${fmt(current)} vs ${fmt(previous)} before${change}`;
    return { held, actual: shown, shown };
  }
  if ('trait' in rule) {
    const raw = Object.hasOwn(profile.traits, rule.trait) ? profile.traits[rule.trait] : undefined;
    const v = token(raw) === null ? undefined : raw;
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
