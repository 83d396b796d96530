import { describe, expect, it } from 'vitest';
import { controlVariant, defaultConfig, formatPath, loadConfig, parseConfig, type ConfigError } from '../../edge/config.ts';
import type { Rule, TailorConfigInput } from '../../edge/schema.ts';
import { compileConfig } from '../../edge/segments.ts';

const segment = (id: string, rule: Rule = { metric: 'sessions', op: 'gte', value: 1 }) => ({ id, name: `Segment ${id}`, group: 'combined' as const, description: '', rule });

const variants = (...weights: number[]) => weights.map((weight, i) => ({ id: `v${i}`, weight, html: `<b>${i}</b>` }));

const experiment = (over: Record<string, unknown> = {}) => ({
  id: 'hero-test',
  name: 'Hero test',
  slot: 'hero',
  variants: variants(0.5, 0.5),
  goals: { primary: 'purchase' },
  ...over,
});

/** The errors of a config that must not load. */
function errorsOf(input: unknown): ConfigError[] {
  const r = parseConfig(input);
  if (r.ok) throw new Error('expected the config to be refused');
  return r.errors;
}

const messages = (input: unknown) => errorsOf(input).map((e) => `${e.path}: ${e.message}`);

describe('parseConfig: valid input', () => {
  it('accepts a minimal config and fills the defaults', () => {
    const r = parseConfig({ segments: [segment('a')] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.slots).toEqual({});
    expect(r.config.experiments).toEqual([]);
    expect(r.config.settings.interestHalfLifeDays).toBe(7);
  });

  it('accepts references in any order, everyone-targeting and weights that sum to 1 within 1e-6', () => {
    const r = parseConfig({
      segments: [segment('a', { all: [{ segment: 'b' }, { not: { segment: 'c' } }] }), segment('b', { segment: 'c' }), segment('c')],
      slots: { hero: [{ segment: 'a', priority: 1, html: 'x' }] },
      experiments: [experiment({ variants: variants(0.3333333, 0.3333333, 0.3333334) }), experiment({ id: 'two', targeting: 'b' })],
    });
    expect(r.ok).toBe(true);
  });
});

describe('parseConfig: schema errors', () => {
  it('points at the offending field inside a nested rule', () => {
    const input = { segments: [segment('a'), segment('b'), segment('c'), segment('d', { all: [{ metric: 'sessions', op: 'more', value: 1 } as unknown as Rule] })] };
    expect(messages(input)).toEqual(['segments[3].rule.all[0].op: Invalid option: expected one of "gte"|"gt"|"lte"|"lt"|"eq"']);
  });

  it('names the allowed windows and the rule kinds', () => {
    const bad = { segments: [segment('a', { any: [{ trend: 'revenue', window: 60, change: 'fell', by: 0.5 }, { colour: 'red' }] } as unknown as Rule)] };
    expect(messages(bad)).toEqual([
      'segments[0].rule.any[0].window: Invalid option: expected one of 30|90|365',
      'segments[0].rule.any[1]: Invalid rule: expected exactly one of the keys all, any, not, metric, interest, trend, trait, context, segment (got colour)',
    ]);
  });

  it('reports unknown keys, bad ids and bad groups with their paths', () => {
    const errs = messages({ segments: [{ ...segment('Bad Id'), group: 'nope', rule: { metric: 'sessions', op: 'gte', value: 1, extra: 1 } }] });
    expect(errs).toContain('segments[0].id: lower-case letters, digits and dashes, at most 64');
    expect(errs.some((e) => e.startsWith('segments[0].group: Invalid option'))).toBe(true);
    expect(errs.some((e) => e.startsWith('segments[0].rule: Unrecognized key') && e.includes('extra'))).toBe(true);
  });

  it('refuses something that is not a config at all', () => {
    expect(errorsOf(null)[0]!.path).toBe('');
    expect(errorsOf({ segment: [] }).length).toBeGreaterThan(0);
  });
});

describe('parseConfig: cross-references', () => {
  it('refuses duplicate segment ids and the reserved id "everyone"', () => {
    expect(messages({ segments: [segment('a'), segment('b'), segment('a')] })).toEqual(['segments[2].id: duplicate segment id "a" (first defined at segments[0])']);
    expect(messages({ segments: [segment('everyone')] })[0]).toMatch(/"everyone" is reserved/);
  });

  it('names both the referencing segment and the missing one', () => {
    expect(messages({ segments: [segment('a'), segment('fans', { all: [{ segment: 'a' }, { not: { segment: 'ghost' } }] })] })).toEqual([
      'segments[1].rule.all[1].not.segment: segment "fans" refers to unknown segment "ghost"',
    ]);
  });

  it('names the segments in a reference cycle', () => {
    expect(messages({ segments: [segment('a', { segment: 'b' }), segment('b', { segment: 'a' })] })).toEqual(['segments[0].rule: segment "a" → "b" → "a" forms a cycle']);
    expect(messages({ segments: [segment('x'), segment('self', { any: [{ segment: 'x' }, { segment: 'self' }] })] })).toEqual([
      'segments[1].rule: segment "self" → "self" forms a cycle',
    ]);
    const three = messages({ segments: [segment('p', { segment: 'c' }), segment('c', { segment: 'a' }), segment('a', { segment: 'p' })] });
    expect(three).toEqual(['segments[0].rule: segment "p" → "c" → "a" → "p" forms a cycle']);
  });

  it('refuses a chain that only reaches a cycle, naming just the cycle', () => {
    const errs = messages({ segments: [segment('head', { segment: 'a' }), segment('a', { segment: 'b' }), segment('b', { segment: 'a' })] });
    expect(errs).toEqual(['segments[1].rule: segment "a" → "b" → "a" forms a cycle']);
  });

  it('handles a very long reference chain without overflowing the stack', () => {
    const n = 15_000;
    const segments = Array.from({ length: n }, (_, i) => segment(`s${i}`, i + 1 < n ? { segment: `s${i + 1}` } : undefined));
    const r = parseConfig({ segments });
    expect(r.ok).toBe(true);
    if (r.ok) expect(compileConfig(r.config).stats.segments).toBe(n);
  });

  it('refuses slot offers for unknown segments and two offers for one segment in a slot', () => {
    expect(messages({ segments: [segment('a')], slots: { hero: [{ segment: 'a', priority: 2, html: 'x' }, { segment: 'vips', priority: 1, html: 'y' }] } })).toEqual([
      'slots.hero[1].segment: slot "hero" has an offer for unknown segment "vips"',
    ]);
    expect(messages({ segments: [segment('a')], slots: { 'top-banner': [{ segment: 'a', priority: 2, html: 'x' }, { segment: 'a', priority: 1, html: 'y' }] } })).toEqual([
      'slots["top-banner"][1].segment: slot "top-banner" has more than one offer for segment "a"',
    ]);
  });

  it('refuses a trend over a recency measure and a trait comparison without a value', () => {
    const errs = messages({
      segments: [segment('a', { all: [{ trend: 'daysSinceLastSeen', window: 30, change: 'rose', by: 1 }, { trait: 'age', op: 'gte' }] })],
    });
    expect(errs).toEqual([
      'segments[0].rule.all[0].trend: a trend compares counts over two windows; "daysSinceLastSeen" is a recency measure',
      'segments[0].rule.all[1]: trait "age": "op" and "value" go together',
    ]);
  });
});

describe('parseConfig: experiments', () => {
  const base = (exp: Record<string, unknown>): TailorConfigInput =>
    ({ segments: [segment('a')], slots: { hero: [] }, experiments: [experiment(exp)] }) as TailorConfigInput;

  it('refuses targeting an unknown segment and a slot with no entry in slots', () => {
    expect(messages(base({ targeting: 'vips' }))).toEqual(['experiments[0].targeting: experiment "hero-test" targets unknown segment "vips" (use a segment id or "everyone")']);
    expect(messages(base({ slot: 'sidebar' }))).toEqual(['experiments[0].slot: experiment "hero-test" uses slot "sidebar", which has no entry in slots']);
  });

  it('refuses weights that do not sum to 1', () => {
    expect(messages(base({ variants: variants(0.5, 0.4) }))).toEqual(['experiments[0].variants: experiment "hero-test": variant weights sum to 0.9, not 1']);
    expect(messages(base({ variants: variants(0.6, 0.5) }))[0]).toMatch(/sum to 1\.1, not 1/);
  });

  it('refuses duplicate variant ids, two controls and duplicate experiment ids', () => {
    const dup = [...variants(0.5), { id: 'v0', weight: 0.5, html: '' }];
    expect(messages(base({ variants: dup }))).toEqual(['experiments[0].variants[1].id: experiment "hero-test": duplicate variant id "v0"']);
    const twoControls = variants(0.5, 0.5).map((v) => ({ ...v, control: true }));
    expect(messages(base({ variants: twoControls }))[0]).toMatch(/2 variants are marked control/);
    const twice = { segments: [segment('a')], slots: { hero: [] }, experiments: [experiment(), experiment()] };
    expect(messages(twice)).toEqual(['experiments[1].id: duplicate experiment id "hero-test"']);
  });

  it('takes the flagged variant as control, else the first', () => {
    expect(controlVariant({ variants: variants(0.5, 0.5) })).toBe('v0');
    expect(controlVariant({ variants: [...variants(0.5), { id: 'base', weight: 0.5, html: '', control: true }] })).toBe('base');
  });

  it('refuses start and end that are not dates', () => {
    expect(messages(base({ start: 'soon' }))).toEqual(['experiments[0].start: experiment "hero-test": start is not a date']);
  });
});

describe('loadConfig and defaultConfig', () => {
  it('loadConfig throws an error listing every problem', () => {
    expect(() => loadConfig({ segments: [segment('a', { segment: 'nope' }), segment('a')] })).toThrow(
      /Invalid Tailor config:\n- segments\[1\]\.id: duplicate segment id "a".*\n- segments\[0\]\.rule\.segment: segment "a" refers to unknown segment "nope"/,
    );
  });

  it('the shipped default validates, is shared and frozen, and its offers name real segments', () => {
    const c = defaultConfig();
    expect(defaultConfig()).toBe(c);
    expect(Object.isFrozen(c) && Object.isFrozen(c.segments[0]!.rule)).toBe(true);
    expect(parseConfig(structuredClone(c)).ok).toBe(true);
    expect(c.settings.categories).toEqual(['shoes', 'jackets', 'camping', 'bags']);
    const ids = new Set(c.segments.map((s) => s.id));
    for (const offers of Object.values(c.slots)) for (const o of offers) expect(ids.has(o.segment)).toBe(true);
    expect(Object.keys(c.slots).length).toBeGreaterThan(0);
  });

  it('formats paths like property access', () => {
    expect(formatPath(['segments', 3, 'rule', 'all', 0, 'op'])).toBe('segments[3].rule.all[0].op');
    expect(formatPath(['slots', 'hero', 0])).toBe('slots.hero[0]');
    expect(formatPath(['slots', 'top-banner'])).toBe('slots["top-banner"]');
    expect(formatPath([])).toBe('');
  });
});

describe('offer HTML safety', () => {
  it('refuses a placeholder at the start of a URL attribute, naming the offer', async () => {
    const { parseConfig, defaultConfig } = await import('../../edge/config.ts');
    const config = structuredClone(defaultConfig()) as ReturnType<typeof defaultConfig>;
    const slot = Object.keys(config.slots)[0]!;
    config.slots[slot]![0]!.html = '<a href="{{utm_campaign}}">go</a>';
    const r = parseConfig(config);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.message).join('\n')).toMatch(/may not start the href attribute/);
    config.slots[slot]![0]!.html = '<a href="/search?q={{interest}}">go</a>';
    expect(parseConfig(config).ok).toBe(true);
  });
});
