import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultConfig, loadConfig } from '../../edge/config.ts';
import { DEFAULT_SEGMENTS, SEGMENT_GROUP_LABELS } from '../../edge/default-segments.ts';
import { DAY_MS, dayOf } from '../../edge/metrics.ts';
import { emptyProfile } from '../../edge/profile.ts';
import { SEGMENT_GROUPS, type Rule, type TailorConfig } from '../../edge/schema.ts';
import { compileConfig, describeRule, evaluateSegments, explainSegments } from '../../edge/segments.ts';
import { COUNTERS, type Bucket, type Counts, type Profile, type RequestContext } from '../../edge/types.ts';

// ---------------------------------------------------------------- fixtures (no dependency on profile.ts)

const NOW = Date.UTC(2025, 5, 15, 12);
const TODAY = dayOf(NOW);
const HOUR = 3_600_000;

/** Activity `daysAgo` days before today, in a bucket `width` days wide starting that day. */
const act = (daysAgo: number, counts: Counts, width = 1): Bucket => ({ day: TODAY - daysAgo, width, counts });

/** A profile whose lifetime totals are the sum of its buckets unless given. */
function profile(p: Partial<Profile> = {}): Profile {
  const buckets = p.buckets ?? [];
  const totals: Counts = {};
  for (const b of buckets) for (const [k, v] of Object.entries(b.counts)) totals[k as keyof Counts] = (totals[k as keyof Counts] ?? 0) + (v ?? 0);
  return {
    ...emptyProfile('visitor-1'),
    first: buckets.length ? NOW - 400 * DAY_MS : 0,
    last: buckets.length ? NOW : 0,
    totals,
    buckets,
    ...p,
  };
}

/** A validated config with one segment per entry (id = key). */
function config(rules: Record<string, Rule>, settings: Partial<TailorConfig['settings']> = {}): TailorConfig {
  return loadConfig({
    settings,
    segments: Object.entries(rules).map(([id, rule]) => ({ id, name: `Segment ${id}`, group: 'combined', description: '', rule })),
  });
}

/** Does a single rule hold for this visitor? */
function holds(rule: Rule, p: Profile, context?: RequestContext, settings: Partial<TailorConfig['settings']> = {}): boolean {
  return evaluateSegments(p, config({ s: rule }, settings), NOW, context).includes('s');
}

// ---------------------------------------------------------------- leaves

describe('metric leaves', () => {
  const visits = profile({ buckets: [act(0, { sessions: 2 }), act(29, { sessions: 3 }), act(30, { sessions: 4 }), act(200, { sessions: 1 })] });

  it('counts a window including today and the day 29 days ago, not the day 30 days ago', () => {
    expect(holds({ metric: 'sessions', window: 30, op: 'eq', value: 5 }, visits)).toBe(true);
    expect(holds({ metric: 'sessions', window: 7, op: 'eq', value: 2 }, visits)).toBe(true);
    expect(holds({ metric: 'sessions', window: 90, op: 'eq', value: 9 }, visits)).toBe(true);
  });

  it('reads lifetime from the totals when the window is 0 or absent', () => {
    expect(holds({ metric: 'sessions', op: 'eq', value: 10 }, visits)).toBe(true);
    expect(holds({ metric: 'sessions', window: 0, op: 'gte', value: 10 }, visits)).toBe(true);
    // totals win over buckets (buckets expire; totals do not)
    expect(holds({ metric: 'sessions', op: 'eq', value: 50 }, profile({ ...visits, totals: { sessions: 50 } }))).toBe(true);
  });

  it('places a wide bucket by its midpoint', () => {
    // A 7-day bucket starting 33 days ago has its midpoint 30 days ago: outside 30d; one starting 32 days ago is inside.
    expect(holds({ metric: 'purchases', window: 30, op: 'gte', value: 1 }, profile({ buckets: [act(33, { purchases: 1 }, 7)] }))).toBe(false);
    expect(holds({ metric: 'purchases', window: 30, op: 'gte', value: 1 }, profile({ buckets: [act(32, { purchases: 1 }, 7)] }))).toBe(true);
  });

  it('applies each comparison operator', () => {
    const rule = (op: 'gte' | 'gt' | 'lte' | 'lt' | 'eq', value: number): Rule => ({ metric: 'sessions', window: 30, op, value });
    expect([holds(rule('gte', 5), visits), holds(rule('gte', 6), visits)]).toEqual([true, false]);
    expect([holds(rule('gt', 4), visits), holds(rule('gt', 5), visits)]).toEqual([true, false]);
    expect([holds(rule('lte', 5), visits), holds(rule('lte', 4), visits)]).toEqual([true, false]);
    expect([holds(rule('lt', 6), visits), holds(rule('lt', 5), visits)]).toEqual([true, false]);
    expect([holds(rule('eq', 5), visits), holds(rule('eq', 4), visits)]).toEqual([true, false]);
  });

  it('treats a purchase that never happened as infinitely long ago', () => {
    const never = profile({ buckets: [act(0, { sessions: 1 })] });
    expect(holds({ metric: 'daysSinceLastPurchase', op: 'lte', value: 90 }, never)).toBe(false);
    expect(holds({ metric: 'daysSinceLastPurchase', op: 'gt', value: 120 }, never)).toBe(true);
    const at = (days: number) => profile({ lastPurchase: NOW - days * DAY_MS });
    expect(holds({ metric: 'daysSinceLastPurchase', op: 'lte', value: 90 }, at(90))).toBe(true);
    expect(holds({ metric: 'daysSinceLastPurchase', op: 'lte', value: 90 }, at(91))).toBe(false);
  });

  it('ignores the window for recency measures', () => {
    const p = profile({ first: NOW - 40 * DAY_MS, last: NOW - 2 * DAY_MS });
    expect(holds({ metric: 'daysSinceFirstSeen', window: 7, op: 'eq', value: 40 }, p)).toBe(true);
    expect(holds({ metric: 'daysSinceLastSeen', op: 'eq', value: 2 }, p)).toBe(true);
  });
});

describe('trend leaves', () => {
  const spend = (previous: number, current: number) => profile({ buckets: [act(10, { revenue: current }), act(100, { revenue: previous })] });
  const fell = (by: number, minPrevious?: number): Rule => ({ trend: 'revenue', window: 90, change: 'fell', by, ...(minPrevious === undefined ? {} : { minPrevious }) });
  const rose = (by: number, minPrevious?: number): Rule => ({ trend: 'revenue', window: 90, change: 'rose', by, ...(minPrevious === undefined ? {} : { minPrevious }) });

  it('fell by at least `by`: the boundary is inclusive', () => {
    expect(holds(fell(0.5), spend(30_000, 15_000))).toBe(true);
    expect(holds(fell(0.5), spend(30_000, 15_001))).toBe(false);
    expect(holds(fell(0.5), spend(30_000, 0))).toBe(true);
  });

  it('cannot fall from nothing, and respects minPrevious', () => {
    expect(holds(fell(0), spend(0, 0))).toBe(false);
    expect(holds(fell(0.5, 20_000), spend(20_000, 5_000))).toBe(true);
    expect(holds(fell(0.5, 20_000), spend(19_999, 0))).toBe(false);
  });

  it('rose by at least `by` needs some current activity', () => {
    expect(holds(rose(1), spend(100, 200))).toBe(true);
    expect(holds(rose(1), spend(100, 199))).toBe(false);
    expect(holds(rose(0.5), spend(0, 1))).toBe(true);
    expect(holds(rose(0), spend(0, 0))).toBe(false);
    expect(holds(rose(0.5, 50), spend(40, 1_000))).toBe(false);
  });

  it('compares each window with the one just before it', () => {
    // The previous 30 days are 30..59 days ago; 10 → 2 is exactly an 80% fall (no floating-point surprise).
    const p = profile({ buckets: [act(45, { sessions: 10 }), act(5, { sessions: 2 })] });
    expect(holds({ trend: 'sessions', window: 30, change: 'fell', by: 0.8 }, p)).toBe(true);
    expect(holds({ trend: 'sessions', window: 90, change: 'fell', by: 0.1 }, p)).toBe(false); // all 12 are in the current 90 days
  });
});

describe('interest leaves', () => {
  const p = profile({ interests: { shoes: { score: 3, t: NOW }, jackets: { score: 2, t: NOW }, bags: { score: 4, t: NOW - 7 * DAY_MS } } });

  it('min defaults to 1 and reads the score decayed to now', () => {
    expect(holds({ interest: 'jackets' }, p)).toBe(true);
    expect(holds({ interest: 'camping' }, p)).toBe(false);
    expect(holds({ interest: 'bags', min: 2 }, p)).toBe(true); // 4 halved after one 7-day half-life
    expect(holds({ interest: 'bags', min: 2.01 }, p)).toBe(false);
  });

  it('uses the configured half-life', () => {
    expect(holds({ interest: 'bags', min: 2.8 }, p, undefined, { interestHalfLifeDays: 14 })).toBe(true); // 4 · 2^-0.5 ≈ 2.83
    expect(holds({ interest: 'bags', min: 2.9 }, p, undefined, { interestHalfLifeDays: 14 })).toBe(false);
  });

  it('top: true means the highest decayed score, whatever its size', () => {
    expect(holds({ interest: 'shoes', top: true }, p)).toBe(true);
    expect(holds({ interest: 'bags', top: true }, p)).toBe(false); // 2 after decay < shoes 3
    expect(holds({ interest: 'shoes', top: true }, profile())).toBe(false);
    expect(holds({ interest: 'shoes', top: true, min: 5 }, p)).toBe(false); // top and min together must both hold
  });

  it('breaks a tie by name', () => {
    const tie = profile({ interests: { shoes: { score: 2, t: NOW }, bags: { score: 2, t: NOW } } });
    expect(holds({ interest: 'bags', top: true }, tie)).toBe(true);
    expect(holds({ interest: 'shoes', top: true }, tie)).toBe(false);
  });
});

describe('trait leaves', () => {
  const p = profile({ traits: { experience: 'Pro', age: 34, height: '180', newsletter: true } });

  it('eq compares strings case-insensitively and other types exactly', () => {
    expect(holds({ trait: 'experience', eq: 'pro' }, p)).toBe(true);
    expect(holds({ trait: 'experience', eq: 'beginner' }, p)).toBe(false);
    expect(holds({ trait: 'age', eq: 34 }, p)).toBe(true);
    expect(holds({ trait: 'age', eq: '34' }, p)).toBe(false);
    expect(holds({ trait: 'newsletter', eq: true }, p)).toBe(true);
    expect(holds({ trait: 'newsletter', eq: false }, p)).toBe(false);
  });

  it('in, exists and numeric comparisons', () => {
    expect(holds({ trait: 'experience', in: ['beginner', 'PRO'] }, p)).toBe(true);
    expect(holds({ trait: 'experience', in: ['beginner'] }, p)).toBe(false);
    expect(holds({ trait: 'age', in: [30, 34] }, p)).toBe(true);
    expect(holds({ trait: 'experience', exists: true }, p)).toBe(true);
    expect(holds({ trait: 'shoeSize', exists: true }, p)).toBe(false);
    expect(holds({ trait: 'shoeSize', exists: false }, p)).toBe(true);
    expect(holds({ trait: 'age', op: 'gte', value: 30 }, p)).toBe(true);
    expect(holds({ trait: 'age', op: 'lt', value: 30 }, p)).toBe(false);
    expect(holds({ trait: 'height', op: 'gt', value: 170 }, p)).toBe(true); // a numeric string from a form
  });

  it('a missing or non-numeric trait fails every comparison, so its negation holds', () => {
    expect(holds({ trait: 'weight', op: 'lt', value: 1e9 }, p)).toBe(false);
    expect(holds({ trait: 'experience', op: 'gte', value: 0 }, p)).toBe(false);
    expect(holds({ not: { trait: 'weight', op: 'gte', value: 0 } }, p)).toBe(true);
  });

  it('does not see inherited object properties as traits', () => {
    expect(holds({ trait: 'constructor', exists: true }, p)).toBe(false);
    expect(holds({ trait: 'toString', exists: false }, p)).toBe(true);
  });
});

describe('context leaves', () => {
  const p = profile();

  it('eq and in are case-insensitive', () => {
    expect(holds({ context: 'country', eq: 'DE' }, p, { country: 'de' })).toBe(true);
    expect(holds({ context: 'country', in: ['de', 'at', 'ch'] }, p, { country: 'CH' })).toBe(true);
    expect(holds({ context: 'country', in: ['DE', 'AT', 'CH'] }, p, { country: 'FR' })).toBe(false);
    expect(holds({ context: 'medium', eq: 'email' }, p, { medium: 'email' })).toBe(true);
  });

  it('prefix matches the start of the path', () => {
    expect(holds({ context: 'path', prefix: '/shoes' }, p, { path: '/shoes/trail-runner' })).toBe(true);
    expect(holds({ context: 'path', prefix: '/shoes' }, p, { path: '/Shoes' })).toBe(true);
    expect(holds({ context: 'path', prefix: '/shoes' }, p, { path: '/jackets/shoes' })).toBe(false);
  });

  it('a missing field is false, and true under not', () => {
    expect(holds({ context: 'country', eq: 'DE' }, p, {})).toBe(false);
    expect(holds({ context: 'country', eq: 'DE' }, p)).toBe(false);
    expect(holds({ context: 'source', eq: 'facebook' }, p, { source: null })).toBe(false);
    expect(holds({ not: { context: 'country', eq: 'DE' } }, p)).toBe(true);
    expect(holds({ context: 'utm_campaign' }, p, { utm_campaign: 'spring' })).toBe(true); // a bare field: is known
    expect(holds({ context: 'utm_campaign' }, p, {})).toBe(false);
  });
});

describe('composition', () => {
  const p = profile({ buckets: [act(1, { sessions: 3, purchases: 1 })] });
  const T: Rule = { metric: 'sessions', op: 'gte', value: 1 };
  const F: Rule = { metric: 'sessions', op: 'gte', value: 100 };

  it('all / any / not and nesting', () => {
    expect([holds({ all: [T, T] }, p), holds({ all: [T, F] }, p), holds({ all: [F, T] }, p)]).toEqual([true, false, false]);
    expect([holds({ any: [F, F] }, p), holds({ any: [F, T] }, p), holds({ any: [T, F] }, p)]).toEqual([false, true, true]);
    expect([holds({ not: T }, p), holds({ not: F }, p), holds({ not: { not: T } }, p)]).toEqual([false, true, true]);
    expect(holds({ all: [{ any: [F, { not: F }] }, { not: { all: [T, F] } }] }, p)).toBe(true);
    expect(holds({ any: [{ all: [T, F] }, { not: { any: [F, T] } }] }, p)).toBe(false);
  });

  it('segment references, including chains defined after their users', () => {
    const c = config({
      a: { all: [{ segment: 'b' }, T] },
      b: { segment: 'c' },
      'not-c': { not: { segment: 'c' } },
      c: { metric: 'purchases', op: 'gte', value: 1 },
    });
    expect(evaluateSegments(p, c, NOW)).toEqual(['a', 'b', 'c']);
    expect(evaluateSegments(profile(), c, NOW)).toEqual(['not-c']);
  });
});

// ---------------------------------------------------------------- compilation

describe('compiled evaluation', () => {
  it('reads each distinct metric once however many segments use it', () => {
    const shared: Rule[] = [
      { metric: 'sessions', window: 30, op: 'gte', value: 1 },
      { metric: 'revenue', window: 365, op: 'gte', value: 1 },
      { metric: 'daysSinceLastPurchase', op: 'lte', value: 90 },
    ];
    const rules: Record<string, Rule> = {};
    for (let i = 0; i < 50; i++) rules[`s${i}`] = { all: [{ ...shared[i % 3]!, value: i } as Rule, shared[(i + 1) % 3]!] };
    const compiled = compileConfig(config(rules));
    expect(compiled.stats.metricSlots).toBe(3);
    // 50 distinct thresholds + the 3 shared tests, one of which (revenue ≥ 1) is also s1's threshold.
    expect(compiled.stats.leaves).toBe(52);
    expect(compiled.stats.clauses).toBe(100);
  });

  it('handles rules wider than a row: many tests, many any-groups, wide any-groups, helpers and levels', () => {
    const v = (metric: 'sessions' | 'purchases' | 'cartAdds', value: number): Rule => ({ metric, op: 'gte', value });
    const c = config({
      base: v('sessions', 1),
      wide: {
        all: [
          v('sessions', 1), v('sessions', 2), v('sessions', 3), v('purchases', 1), v('purchases', 2), // 5 single tests
          { any: [v('cartAdds', 1), v('purchases', 5)] },
          { any: [v('cartAdds', 2), v('purchases', 2)] },
          { any: [v('cartAdds', 9), { segment: 'base' }] }, // a third any-group, reading another level
          { any: [v('cartAdds', 9), v('purchases', 9), { not: { all: [v('sessions', 9), v('cartAdds', 0)] } }] }, // 3-way, with a helper
        ],
      },
    });
    const stats = compileConfig(c).stats;
    expect(stats.extraClauses).toBeGreaterThanOrEqual(3);
    expect(stats.helpers).toBe(1);
    expect(stats.levels).toBe(2);
    const p = (sessions: number, purchases: number, cartAdds: number) => profile({ totals: { sessions, purchases, cartAdds } });
    expect(evaluateSegments(p(3, 2, 1), c, NOW)).toEqual(['base', 'wide']);
    expect(evaluateSegments(p(2, 2, 1), c, NOW)).toEqual(['base']); // a single test fails
    expect(evaluateSegments(p(3, 2, 0), c, NOW)).toEqual(['base']); // the first any-group fails
    expect(evaluateSegments(p(3, 5, 0), c, NOW)).toEqual(['base', 'wide']); // …and holds through its other test
    expect(evaluateSegments(p(9, 5, 0), c, NOW)).toEqual(['base']); // the 3-way group fails: only its helper could hold
    expect(evaluateSegments(p(0, 5, 0), c, NOW)).toEqual([]); // the referenced segment fails too
  });

  it('touches the totals and each bucket once per evaluation', () => {
    const rules: Record<string, Rule> = {};
    const counters = ['sessions', 'purchases', 'revenue'] as const;
    for (let i = 0; i < 50; i++) {
      rules[`s${i}`] = {
        all: [
          { metric: counters[i % 3]!, op: 'gte', value: i % 5 },
          { metric: counters[(i + 1) % 3]!, window: ([7, 30, 90, 365] as const)[i % 4], op: 'gte', value: 1 },
        ],
      };
    }
    const c = config(rules);
    let totalsReads = 0;
    let bucketReads = 0;
    const watch = (b: Bucket): Bucket => new Proxy(b, { get: (t, k) => (k === 'counts' && bucketReads++, Reflect.get(t, k)) });
    const p = profile({ buckets: [act(0, { sessions: 1 }), act(20, { purchases: 1, revenue: 5000 }), act(100, { sessions: 2 }, 7)].map(watch) });
    p.totals = new Proxy({ sessions: 3, purchases: 1, revenue: 5000 }, { get: (t, k) => (totalsReads++, Reflect.get(t, k)) });
    bucketReads = 0;
    evaluateSegments(p, c, NOW);
    expect(totalsReads).toBe(3);
    expect(bucketReads).toBe(3); // one visit per bucket, not one per segment or per window
  });

  it('caches the compilation per config object and accepts a compiled config', () => {
    const c = config({ a: { metric: 'sessions', op: 'gte', value: 1 } });
    const compiled = compileConfig(c);
    expect(compileConfig(c)).toBe(compiled);
    expect(compileConfig(structuredClone(c))).not.toBe(compiled);
    const p = profile({ buckets: [act(0, { sessions: 1 })] });
    expect(evaluateSegments(p, compiled, NOW)).toEqual(['a']);
  });

  it('returns results in config order and fresh arrays', () => {
    const c = config({ z: { metric: 'sessions', op: 'gte', value: 0 }, a: { segment: 'z' }, m: { metric: 'sessions', op: 'gte', value: 0 } });
    const first = evaluateSegments(profile(), c, NOW);
    expect(first).toEqual(['z', 'a', 'm']);
    evaluateSegments(profile(), config({ x: { metric: 'sessions', op: 'gte', value: 1 } }), NOW);
    expect(first).toEqual(['z', 'a', 'm']);
  });

  // The compiled program and the plain reference readers (explain) must agree on every leaf.
  it('agrees with the reference evaluation used by explain (property)', () => {
    const metric = fc.constantFrom(...COUNTERS, 'daysSinceFirstSeen' as const, 'daysSinceLastSeen' as const, 'daysSinceLastPurchase' as const);
    const op = fc.constantFrom('gte' as const, 'gt' as const, 'lte' as const, 'lt' as const, 'eq' as const);
    const cat = fc.constantFrom('shoes', 'jackets', 'bags');
    const leaf: fc.Arbitrary<Rule> = fc.oneof(
      fc.record({ metric, window: fc.constantFrom(0 as const, 7 as const, 30 as const, 90 as const, 365 as const), op, value: fc.integer({ min: 0, max: 6 }) }),
      fc.record({ interest: cat, min: fc.option(fc.double({ min: 0, max: 4, noNaN: true }), { nil: undefined }), top: fc.option(fc.boolean(), { nil: undefined }) }),
      fc.record({ trend: fc.constantFrom('sessions' as const, 'revenue' as const), window: fc.constantFrom(30 as const, 90 as const, 365 as const), change: fc.constantFrom('fell' as const, 'rose' as const), by: fc.constantFrom(0, 0.25, 0.5, 1), minPrevious: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }) }),
      fc.record({ trait: fc.constantFrom('experience', 'age'), eq: fc.option(fc.constantFrom('pro', 'PRO', 'beginner', 30), { nil: undefined }), in: fc.option(fc.array(fc.constantFrom('pro', 'beginner', 30, 31)), { nil: undefined }), exists: fc.option(fc.boolean(), { nil: undefined }) }),
      fc.record({ trait: fc.constantFrom('experience', 'age'), op, value: fc.integer({ min: 25, max: 35 }) }),
      fc.record({ context: fc.constantFrom('country' as const, 'path' as const), eq: fc.option(fc.constantFrom('DE', 'fr', '/shoes'), { nil: undefined }), in: fc.option(fc.array(fc.constantFrom('de', 'AT', 'FR')), { nil: undefined }), prefix: fc.option(fc.constantFrom('/sh', '/'), { nil: undefined }) }),
    ).map((r) => JSON.parse(JSON.stringify(r)) as Rule); // drop undefined keys
    const rule: fc.Arbitrary<Rule> = fc.letrec<{ rule: Rule }>((tie) => ({
      rule: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.array(tie('rule'), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
        fc.array(tie('rule'), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
        tie('rule').map((not) => ({ not })),
      ),
    })).rule;
    const bucket = fc.record({
      day: fc.integer({ min: TODAY - 800, max: TODAY }),
      width: fc.constantFrom(1, 7, 30),
      counts: fc.record({ sessions: fc.integer({ min: 0, max: 3 }), revenue: fc.integer({ min: 0, max: 3 }), purchases: fc.integer({ min: 0, max: 2 }) }, { requiredKeys: [] }),
    });
    const visitor = fc.record({
      buckets: fc.array(bucket, { maxLength: 8 }),
      interests: fc.dictionary(cat, fc.record({ score: fc.double({ min: 0, max: 5, noNaN: true }), t: fc.integer({ min: NOW - 30 * DAY_MS, max: NOW }) })),
      traits: fc.record({ experience: fc.constantFrom('pro', 'Pro', 'beginner', ''), age: fc.oneof(fc.integer({ min: 20, max: 40 }), fc.constant('31')) }, { requiredKeys: [] }),
      lastPurchase: fc.oneof(fc.constant(0), fc.integer({ min: NOW - 400 * DAY_MS, max: NOW })),
    });
    const ctx = fc.record({ country: fc.constantFrom('DE', 'de', 'FR', ''), path: fc.constantFrom('/shoes/x', '/', '') }, { requiredKeys: [] });

    fc.assert(
      fc.property(fc.array(fc.tuple(rule, fc.nat(5), fc.nat(7)), { minLength: 1, maxLength: 5 }), visitor, fc.option(ctx, { nil: undefined }), (specs, v, context) => {
        // Some segments also refer to an earlier one (listed later in the config, so evaluation order matters).
        const rules = specs.map(([r, how, target], i): Rule => {
          if (i === 0 || how > 3) return r;
          const ref: Rule = { segment: `s${target % i}` };
          return [{ all: [r, ref] }, { any: [{ not: ref }, r] }, { not: { all: [ref, r] } }, { any: [{ all: [ref, r] }, { not: r }] }][how]!;
        });
        const c = config(Object.fromEntries(rules.map((r, i) => [`s${i}`, r]).reverse()));
        const p = profile({ ...v, first: NOW - 500 * DAY_MS, last: NOW - HOUR });
        for (const e of explainSegments(p, c, NOW, context)) {
          expect(e.matched).toBe(e.conditions.every((x) => x.held));
        }
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------- explanations

describe('explainSegments and describeRule', () => {
  const c = loadConfig({
    segments: [
      { id: 'loyal', name: 'Loyal customers', group: 'purchase-behaviour', description: 'd', rule: { metric: 'purchases', window: 365, op: 'gte', value: 3 } },
      {
        id: 'mix',
        name: 'Mix',
        group: 'combined',
        description: 'several conditions',
        rule: {
          all: [
            { metric: 'sessions', window: 30, op: 'gte', value: 3 },
            { metric: 'sessions.email', window: 90, op: 'gte', value: 1 },
            { interest: 'shoes', top: true },
            { trend: 'revenue', window: 90, change: 'fell', by: 0.5 },
            { context: 'country', in: ['DE', 'AT', 'CH'] },
            { segment: 'loyal' },
            { metric: 'daysSinceLastPurchase', op: 'lte', value: 30 },
            { any: [{ trait: 'experience', eq: 'pro' }, { not: { context: 'medium', eq: 'email' } }] },
          ],
        },
      },
    ],
  });
  const p = profile({
    buckets: [act(2, { sessions: 5, 'sessions.email': 1, revenue: 10_000 }), act(120, { purchases: 3, revenue: 40_000 })],
    interests: { shoes: { score: 2, t: NOW }, bags: { score: 1, t: NOW } },
    traits: { experience: 'beginner' },
  });

  it('gives each top-level condition in plain words with the actual value', () => {
    const [loyal, mix] = explainSegments(p, c, NOW, { country: 'FR' });
    expect(loyal).toMatchObject({ id: 'loyal', name: 'Loyal customers', group: 'purchase-behaviour', description: 'd', matched: true });
    expect(mix!.matched).toBe(false);
    expect(mix!.conditions.map((x) => x.text)).toEqual([
      'Visited at least 3 times in the last 30 days — actual: 5 ✓',
      'Arrived from an e-mail campaign in the last 90 days — actual: 1 ✓',
      'Top interest is shoes — actual: shoes ✓',
      'Spend in the last 90 days fell by at least 50% against the 90 days before — actual: 100.00 vs 400.00 before (−75%) ✓',
      'Country is one of DE, AT, CH — actual: FR ✗',
      "Is in segment 'Loyal customers' — actual: in segment ✓",
      'Last purchase was at most 30 days ago — actual: never ✗',
      'Any of: [Experience is pro — actual: beginner ✗] or [Not: [This visit came from an e-mail link — actual: unknown ✗] ✓] ✓',
    ]);
    expect(mix!.conditions.map((x) => [x.actual, x.held])).toEqual([
      [5, true],
      [1, true],
      ['shoes', true],
      ['100.00 vs 400.00 before (−75%)', true],
      ['FR', false],
      [true, true],
      [null, false],
      [null, true],
    ]);
    expect(mix!.conditions[0]!.label).toBe('Visited at least 3 times in the last 30 days');
  });

  it('shows an unknown context value and a satisfied segment', () => {
    const ctx = { country: 'AT' };
    const mix = explainSegments(p, c, NOW, {}).find((e) => e.id === 'mix')!;
    expect(mix.conditions[4]).toMatchObject({ text: 'Country is one of DE, AT, CH — actual: unknown ✗', actual: null, held: false });
    const mix2 = explainSegments(p, c, NOW, ctx).find((e) => e.id === 'mix')!;
    expect(mix2.conditions[4]!.held).toBe(true);
  });

  it('describes rules for the dashboard, naming referenced segments', () => {
    const byId = new Map(c.segments.map((s) => [s.id, s]));
    expect(describeRule({ context: 'country', in: ['DE', 'AT', 'CH'] })).toBe('Country is one of DE, AT, CH');
    expect(describeRule({ segment: 'loyal' }, byId)).toBe("Is in segment 'Loyal customers'");
    expect(describeRule({ segment: 'loyal' })).toBe("Is in segment 'loyal'");
    expect(describeRule({ trend: 'revenue', window: 90, change: 'fell', by: 0.5 })).toBe('Spend in the last 90 days fell by at least 50% against the 90 days before');
    expect(describeRule({ metric: 'sessions.email', window: 90, op: 'gte', value: 1 })).toBe('Arrived from an e-mail campaign in the last 90 days');
    expect(describeRule({ metric: 'purchases', op: 'eq', value: 0 })).toBe('Made no purchase yet');
    expect(describeRule({ metric: 'revenue', window: 365, op: 'gte', value: 50_000 })).toBe('Spent at least 500.00 in the last 365 days');
    expect(describeRule({ interest: 'shoes', min: 3 })).toBe('Shows interest in shoes (score at least 3)');
    expect(describeRule({ trait: 'shoe_size', op: 'gte', value: 42 })).toBe('Shoe size is at least 42');
    expect(describeRule({ not: { segment: 'loyal' } }, { loyal: { name: 'Loyal customers' } })).toBe("Is not in segment 'Loyal customers'");
    expect(
      describeRule({ all: [{ metric: 'sessions', window: 30, op: 'gte', value: 4 }, { any: [{ context: 'path', prefix: '/shoes' }, { interest: 'shoes', top: true }] }] }),
    ).toBe('Visited at least 4 times in the last 30 days and (page path starts with /shoes or top interest is shoes)');
    expect(describeRule({ any: [{ all: [{ context: 'country', eq: 'DE' }, { context: 'device', eq: 'mobile' }] }, { metric: 'sessions', op: 'gte', value: 2 }] })).toBe(
      '(Country is DE and device is mobile) or visited at least 2 times',
    );
  });
});

// ---------------------------------------------------------------- the shipped catalogue

describe('default segment catalogue', () => {
  const c = defaultConfig();
  const segmentsOf = (p: Profile, context?: RequestContext) => new Set(evaluateSegments(p, c, NOW, context));

  it('has exactly the documented ids, each named, grouped and described', () => {
    const ids = [
      'website-visitors', 'frequent-visitors', 'new-visitors', 'returning-visitors', 'social-users', 'email-responders', 'search-visitors',
      'interest-shoes', 'interest-jackets', 'interest-camping', 'interest-bags', 'deal-seekers',
      'journey-new', 'journey-evaluating', 'journey-deciding', 'journey-post-purchase',
      'potential-customers', 'active-customers', 'loyal-customers', 'lapsed-customers',
      'value-high', 'value-medium', 'value-low', 'win-back', 'prefers-email', 'prefers-social',
      'vip-shoe-fans-email', 'geo-dach', 'zero-party-outdoor-pro', 'campaign-newsletter-arrivals',
    ];
    expect(DEFAULT_SEGMENTS.map((s) => s.id).sort()).toEqual([...ids].sort());
    for (const s of DEFAULT_SEGMENTS) {
      expect(s.name.length).toBeGreaterThan(0);
      expect(s.description.length).toBeGreaterThan(10);
      expect(SEGMENT_GROUP_LABELS[s.group]).toBeTruthy();
    }
    expect(Object.keys(SEGMENT_GROUP_LABELS).sort()).toEqual([...SEGMENT_GROUPS].sort());
    expect(c.segments.map((s) => s.id)).toEqual(DEFAULT_SEGMENTS.map((s) => s.id));
  });

  it('a first visit from t.co: social, new, website visitor', () => {
    const s = segmentsOf(profile({ buckets: [act(0, { sessions: 1, 'sessions.social': 1, pageviews: 1 })] }), { medium: 'social', source: 'twitter' });
    expect(s).toEqual(new Set(['website-visitors', 'new-visitors', 'social-users', 'journey-new']));
  });

  it('a newsletter click: the request segment at once, e-mail responder only once the session is counted', () => {
    const unconfirmed = segmentsOf(profile({ last: NOW }), { medium: 'email', source: 'newsletter' });
    expect(unconfirmed.has('campaign-newsletter-arrivals')).toBe(true);
    expect(unconfirmed.has('email-responders')).toBe(false);
    const counted = segmentsOf(profile({ buckets: [act(60, { sessions: 1, 'sessions.email': 1 })] }));
    expect(counted.has('email-responders')).toBe(true);
    expect(counted.has('campaign-newsletter-arrivals')).toBe(false);
    expect(segmentsOf(profile({ buckets: [act(100, { sessions: 1, 'sessions.email': 1 })] })).has('email-responders')).toBe(false);
  });

  it('three shoe page views make an interest-shoes visitor; one or a stale interest does not', () => {
    // Each view adds 1 after decaying the score (a minute apart).
    const views = (n: number, agoMs: number) => {
      let score = 0;
      for (let i = 0; i < n; i++) score = score * Math.pow(2, -60_000 / (7 * DAY_MS)) + 1;
      return profile({ buckets: [act(0, { sessions: 1, productViews: n })], interests: { shoes: { score, t: NOW - agoMs } } });
    };
    expect(segmentsOf(views(3, 0)).has('interest-shoes')).toBe(true);
    expect(segmentsOf(views(1, 0)).has('interest-shoes')).toBe(false);
    expect(segmentsOf(views(3, 10 * DAY_MS)).has('interest-shoes')).toBe(false);
    // Top interest with a score of 2 is enough; a score of 2 that is not on top is not.
    expect(segmentsOf(profile({ interests: { shoes: { score: 2, t: NOW } } })).has('interest-shoes')).toBe(true);
    expect(segmentsOf(profile({ interests: { shoes: { score: 2, t: NOW }, bags: { score: 2.5, t: NOW } } })).has('interest-shoes')).toBe(false);
  });

  it('a high spender whose spend halved is in win-back; a small spender who stopped is not', () => {
    const halved = profile({ buckets: [act(20, { purchases: 1, revenue: 30_000 }), act(120, { purchases: 2, revenue: 60_000 })], lastPurchase: NOW - 20 * DAY_MS });
    expect(segmentsOf(halved).has('win-back')).toBe(true);
    const small = profile({ buckets: [act(120, { purchases: 1, revenue: 5_000 })], lastPurchase: NOW - 120 * DAY_MS });
    expect(segmentsOf(small).has('win-back')).toBe(false);
    const steady = profile({ buckets: [act(20, { purchases: 2, revenue: 60_000 }), act(120, { purchases: 2, revenue: 60_000 })], lastPurchase: NOW - 20 * DAY_MS });
    expect(segmentsOf(steady).has('win-back')).toBe(false);
  });

  it('a loyal customer who bought last week', () => {
    const p = profile({
      buckets: [act(7, { sessions: 1, purchases: 1, revenue: 20_000 }), act(60, { sessions: 1, purchases: 1, revenue: 20_000 }), act(200, { sessions: 2, purchases: 1, revenue: 20_000 })],
      lastPurchase: NOW - 7 * DAY_MS,
    });
    const s = segmentsOf(p);
    for (const id of ['loyal-customers', 'active-customers', 'value-high', 'journey-post-purchase', 'returning-visitors']) expect(s.has(id), id).toBe(true);
    for (const id of ['lapsed-customers', 'potential-customers', 'value-medium', 'value-low', 'win-back', 'new-visitors']) expect(s.has(id), id).toBe(false);
  });

  it('lapsed customers, potential customers, deciders', () => {
    const lapsed = segmentsOf(profile({ buckets: [act(200, { sessions: 1, purchases: 1, revenue: 4_000 })], lastPurchase: NOW - 200 * DAY_MS }));
    expect([lapsed.has('lapsed-customers'), lapsed.has('active-customers'), lapsed.has('value-low')]).toEqual([true, false, true]);
    const browsing = segmentsOf(profile({ buckets: [act(3, { sessions: 2, productViews: 3 })] }));
    expect([browsing.has('potential-customers'), browsing.has('journey-evaluating'), browsing.has('value-low')]).toEqual([true, true, false]);
    const carted = segmentsOf(profile({ buckets: [act(1, { sessions: 1, productViews: 1, cartAdds: 1 })] }));
    expect([carted.has('journey-deciding'), carted.has('journey-evaluating'), carted.has('journey-new')]).toEqual([true, false, false]);
  });

  it('geography, zero-party traits and the combined VIP segment', () => {
    expect(segmentsOf(profile(), { country: 'ch' }).has('geo-dach')).toBe(true);
    expect(segmentsOf(profile(), { country: 'FR' }).has('geo-dach')).toBe(false);
    expect(segmentsOf(profile({ traits: { experience: 'pro' } })).has('zero-party-outdoor-pro')).toBe(true);
    const vip = profile({
      buckets: [act(10, { sessions: 2, 'sessions.email': 2, purchases: 2, revenue: 60_000 })],
      lastPurchase: NOW - 10 * DAY_MS,
      interests: { shoes: { score: 4, t: NOW } },
    });
    expect(segmentsOf(vip).has('vip-shoe-fans-email')).toBe(true);
    expect(segmentsOf({ ...vip, interests: { bags: { score: 4, t: NOW } } }).has('vip-shoe-fans-email')).toBe(false);
  });

  it('journey stages, value bands and channel preference partition visitors (property)', () => {
    const counts = fc.record(
      { sessions: fc.nat(3), productViews: fc.nat(4), cartAdds: fc.nat(1), checkouts: fc.nat(1), purchases: fc.nat(2), revenue: fc.nat(40_000), 'sessions.email': fc.nat(9), 'sessions.social': fc.nat(9) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(400), counts), { maxLength: 6 }), (acts) => {
        // Revenue only comes with purchases.
        const buckets = acts.map(([ago, c]) => act(ago, c.purchases ? c : { ...c, revenue: 0 }));
        const bought = acts.filter(([, c]) => (c.purchases ?? 0) > 0).map(([ago]) => ago);
        const p = profile({ buckets, lastPurchase: bought.length ? NOW - Math.min(...bought) * DAY_MS : 0 });
        const s = segmentsOf(p);
        expect(['journey-new', 'journey-evaluating', 'journey-deciding', 'journey-post-purchase'].filter((id) => s.has(id))).toHaveLength(1);
        const bands = ['value-high', 'value-medium', 'value-low'].filter((id) => s.has(id));
        expect(bands).toHaveLength((p.totals.purchases ?? 0) > 0 ? 1 : 0);
        expect(s.has('prefers-email') && s.has('prefers-social')).toBe(false);
        expect(s.has('new-visitors')).toBe(!s.has('returning-visitors'));
      }),
      { numRuns: 200 },
    );
  });

  it('the catalogue explains itself in full sentences', () => {
    for (const e of explainSegments(profile(), c, NOW)) {
      expect(e.conditions.length).toBeGreaterThan(0);
      for (const x of e.conditions) expect(x.text).toMatch(/ [✓✗]$/);
    }
  });
});
