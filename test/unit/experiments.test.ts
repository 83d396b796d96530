import { describe, expect, it } from 'vitest';
import {
  assignExperiments,
  attributeConversion,
  bucket,
  experimentSlotOffers,
  isRunning,
  murmur3,
  nextProfileExp,
  pickVariant,
} from '../../edge/experiments.ts';
import { DAY_MS } from '../../edge/metrics.ts';
import { experimentSchema, type Experiment } from '../../edge/schema.ts';
import { chiSquareSurvival } from '../../edge/stats.ts';

const NOW = Date.parse('2025-06-15T12:00:00Z');

/** A running 50/50 experiment, through the real schema so defaults apply. */
function experiment(overrides: Record<string, unknown> = {}): Experiment {
  return experimentSchema.parse({
    id: 'hero-test',
    name: 'Hero test',
    slot: 'hero',
    status: 'running',
    variants: [
      { id: 'a', weight: 0.5, html: '<p>A</p>', control: true },
      { id: 'b', weight: 0.5, html: '<p>B</p>' },
    ],
    goals: { primary: 'purchase' },
    ...overrides,
  });
}

const withWeights = (exp: Experiment, weights: number[]): Experiment => ({
  ...exp,
  variants: exp.variants.map((v, i) => ({ ...v, weight: weights[i]! })),
});

const profile = (id: string, exp: Record<string, string> = {}) => ({ id, exp });
const ids = (n: number, prefix = 'visitor-') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** Pearson chi-square p-value of observed counts against expected proportions. */
function goodnessOfFit(observed: number[], proportions: number[]): number {
  const n = observed.reduce((a, b) => a + b, 0);
  const chi2 = observed.reduce((s, o, i) => s + (o - n * proportions[i]!) ** 2 / (n * proportions[i]!), 0);
  return chiSquareSurvival(chi2, observed.length - 1);
}

function split(exp: Experiment, visitors: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const id of visitors) {
    const v = assignExperiments(profile(id), [exp], [], NOW).assignments[exp.id];
    const key = v ?? 'out';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('murmur3 and bucket', () => {
  it('matches the published MurmurHash3 x86_32 vectors (checked against an independent Python port)', () => {
    expect(murmur3('')).toBe(0);
    expect(murmur3('', 1)).toBe(0x514e28b7);
    expect(murmur3('', 0xffffffff)).toBe(0x81f16f39);
    expect(murmur3('test')).toBe(0xba6bd213);
    expect(murmur3('Hello, world!')).toBe(0xc0363e43);
    expect(murmur3('The quick brown fox jumps over the lazy dog')).toBe(0x2e4ff723);
    expect(murmur3('héllo ☃ 😀')).toBe(0x0be6aa5e); // hashes UTF-8 bytes, not UTF-16 units
  });

  it('agrees with a plain byte-array implementation on any string, long or odd', () => {
    // The textbook form over TextEncoder.encode(), to check the allocation-free version.
    const reference = (text: string): number => {
      const b = new TextEncoder().encode(text);
      let h = 0;
      const mixK = (k: number) => Math.imul(((x) => (x << 15) | (x >>> 17))(Math.imul(k, 0xcc9e2d51)), 0x1b873593);
      let i = 0;
      for (; i + 4 <= b.length; i += 4) {
        h ^= mixK(b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
        h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
      }
      let k = 0;
      for (let j = b.length - 1; j >= i; j--) k = (k << 8) | b[j]!;
      if (b.length > i) h ^= mixK(k);
      h ^= b.length;
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      return (h ^ (h >>> 16)) >>> 0;
    };
    const samples = ['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'é', '€uro', '😀', 'x\uD800y', '\uDC00', 'z'.repeat(1000), '☃'.repeat(300), 'a'];
    for (const s of samples) expect(murmur3(s)).toBe(reference(s));
  });

  it('is the documented key: "<seed ?? experimentId>:<visitorId>[:<salt>]" / 2^32', () => {
    expect(bucket('visitor-42', 'exp-1', undefined, 'variant')).toBe(0x2557fcf9 / 2 ** 32);
    expect(bucket('v', 'e')).toBe(murmur3('e:v') / 2 ** 32);
    expect(bucket('v', 'e', 'shared-seed')).toBe(murmur3('shared-seed:v') / 2 ** 32);
    expect(bucket('v', 'e', undefined, 'traffic')).not.toBe(bucket('v', 'e', undefined, 'variant'));
  });

  it('stays in [0, 1)', () => {
    for (const id of ids(2000)) {
      const u = bucket(id, 'x');
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    }
  });
});

describe('pickVariant', () => {
  const variants = experiment().variants.concat({ id: 'c', weight: 0, html: '' });
  it('walks cumulative weights, normalising them and skipping zero weights', () => {
    expect(pickVariant(variants, 0)).toBe('a');
    expect(pickVariant(variants, 0.4999)).toBe('a');
    expect(pickVariant(variants, 0.5)).toBe('b');
    expect(pickVariant(variants, 0.999999)).toBe('b');
    const unnormalised = [
      { id: 'x', weight: 1, html: '' },
      { id: 'y', weight: 3, html: '' },
    ];
    expect(pickVariant(unnormalised, 0.24)).toBe('x');
    expect(pickVariant(unnormalised, 0.26)).toBe('y');
    expect(pickVariant([{ id: 'z', weight: 0, html: '' }], 0.5)).toBeNull();
  });
});

describe('uniform, independent assignment (100,000 synthetic visitors)', () => {
  const visitors = ids(100_000);

  it('splits 50/50 within chi-square tolerance', () => {
    const c = split(experiment(), visitors);
    expect(c.a! + c.b!).toBe(100_000);
    expect(goodnessOfFit([c.a!, c.b!], [0.5, 0.5])).toBeGreaterThan(0.001);
  });

  it('splits 10/90 within chi-square tolerance, and the check has the power to see a wrong split', () => {
    const c = split(withWeights(experiment(), [0.1, 0.9]), visitors);
    expect(goodnessOfFit([c.a!, c.b!], [0.1, 0.9])).toBeGreaterThan(0.001);
    expect(goodnessOfFit([c.a!, c.b!], [0.11, 0.89])).toBeLessThan(0.001);
  });

  it('splits three ways with random-looking ids too', () => {
    const exp = experiment({
      variants: [
        { id: 'a', weight: 0.2, html: '', control: true },
        { id: 'b', weight: 0.3, html: '' },
        { id: 'c', weight: 0.5, html: '' },
      ],
    });
    // Deterministic UUID-shaped ids from a 32-bit LCG, like crypto.randomUUID() output.
    let s = 12345;
    const hex = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s.toString(16).padStart(8, '0'));
    const uuids = Array.from({ length: 60_000 }, () => `${hex()}-${hex().slice(0, 4)}-4${hex().slice(0, 3)}-${hex().slice(0, 4)}-${hex()}${hex().slice(0, 4)}`);
    const c = split(exp, uuids);
    expect(goodnessOfFit([c.a!, c.b!, c.c!], [0.2, 0.3, 0.5])).toBeGreaterThan(0.001);
  });

  it('admits about 20% at traffic 0.2, split evenly among those admitted', () => {
    const c = split(experiment({ traffic: 0.2 }), visitors);
    // ±4 standard deviations of Binomial(100000, 0.2) is ±506.
    expect(Math.abs(c.a! + c.b! - 20_000)).toBeLessThan(506);
    expect(goodnessOfFit([c.a!, c.b!], [0.5, 0.5])).toBeGreaterThan(0.001);
  });

  it('draws two experiments independently (2x2 contingency chi-square)', () => {
    const one = experiment({ id: 'one', slot: 'hero' });
    const two = experiment({ id: 'two', slot: 'banner' });
    const table = [
      [0, 0],
      [0, 0],
    ];
    for (const id of visitors) {
      const { assignments } = assignExperiments(profile(id), [one, two], [], NOW);
      table[assignments.one === 'a' ? 0 : 1]![assignments.two === 'a' ? 0 : 1]! += 1;
    }
    const rows = table.map((r) => r[0]! + r[1]!);
    const cols = [table[0]![0]! + table[1]![0]!, table[0]![1]! + table[1]![1]!];
    let chi2 = 0;
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) {
        const e = (rows[i]! * cols[j]!) / visitors.length;
        chi2 += (table[i]![j]! - e) ** 2 / e;
      }
    expect(chiSquareSurvival(chi2, 1)).toBeGreaterThan(0.001);
  });

  it('draws the traffic gate independently of the variant (2x2 contingency chi-square)', () => {
    const table = [0, 0, 0, 0];
    for (const id of visitors) {
      const admitted = bucket(id, 'hero-test', undefined, 'traffic') < 0.5 ? 0 : 2;
      const arm = bucket(id, 'hero-test', undefined, 'variant') < 0.5 ? 0 : 1;
      table[admitted + arm]! += 1;
    }
    // Independent uniform draws put 1/4 in each cell: a 3-dof test of margins and independence together.
    const e = visitors.length / 4;
    const chi2 = table.reduce((s, o) => s + (o - e) ** 2 / e, 0);
    expect(chiSquareSurvival(chi2, 3)).toBeGreaterThan(0.001);
  });

  it('raising traffic admits more visitors but never moves one already admitted', () => {
    const low = experiment({ traffic: 0.3 });
    const high = experiment({ traffic: 0.6 });
    for (const id of ids(5000)) {
      const before = assignExperiments(profile(id), [low], [], NOW).assignments['hero-test'];
      const after = assignExperiments(profile(id), [high], [], NOW).assignments['hero-test'];
      if (before !== undefined) expect(after).toBe(before);
    }
  });
});

describe('stickiness', () => {
  it('keeps earlier assignments when weights and traffic change', () => {
    const before = experiment();
    const after = { ...withWeights(before, [0.1, 0.9]), traffic: 0.5 };
    let moved = 0;
    let stored = 0;
    const fresh: Record<string, number> = {};
    for (const id of ids(4000)) {
      const first = assignExperiments(profile(id), [before], [], NOW);
      expect(first.newlyAssigned).toEqual(['hero-test']);
      const exp = nextProfileExp({}, first, [before]);
      stored++;
      const second = assignExperiments(profile(id, exp), [after], [], NOW);
      expect(second.newlyAssigned).toEqual([]);
      if (second.assignments['hero-test'] !== exp['hero-test']) moved++;
      // A brand-new visitor with the same id would now follow the new config.
      const v = assignExperiments(profile(id), [after], [], NOW).assignments['hero-test'] ?? 'out';
      fresh[v] = (fresh[v] ?? 0) + 1;
    }
    expect(stored).toBe(4000);
    expect(moved).toBe(0);
    expect(fresh.out).toBeGreaterThan(1700); // about half left out under the new config…
    expect(fresh.a!).toBeLessThan(fresh.b! / 4); // …and 10/90 among the rest
  });

  it('treats a stored variant that was removed from the config as not in the experiment, and keeps it out', () => {
    const exp = experiment({
      variants: [
        { id: 'a', weight: 0.5, html: '', control: true },
        { id: 'c', weight: 0.5, html: '' },
      ],
    });
    const result = assignExperiments(profile('v1', { 'hero-test': 'b' }), [exp], [], NOW);
    expect(result.assignments).toEqual({});
    expect(result.newlyAssigned).toEqual([]);
    expect(nextProfileExp({ 'hero-test': 'b' }, result, [exp])).toEqual({ 'hero-test': 'b' });
  });

  it('keeps assignments of paused experiments but drops deleted ones', () => {
    const paused = experiment({ id: 'paused', status: 'stopped' });
    const result = assignExperiments(profile('v1', { paused: 'a', deleted: 'b' }), [paused], [], NOW);
    expect(result.assignments).toEqual({});
    expect(nextProfileExp({ paused: 'a', deleted: 'b' }, result, [paused])).toEqual({ paused: 'a' });
  });
});

describe('eligibility', () => {
  it('respects targeting: not in the segment means no assignment', () => {
    const exp = experiment({ targeting: 'email-responders' });
    for (const id of ids(200)) {
      expect(assignExperiments(profile(id), [exp], ['interest-shoes'], NOW).assignments).toEqual({});
      expect(assignExperiments(profile(id), [exp], ['email-responders'], NOW).assignments['hero-test']).toMatch(/^[ab]$/);
    }
  });

  it('assigns nothing for draft, stopped, not-yet-started or ended experiments', () => {
    const cases = [
      experiment({ status: 'draft' }),
      experiment({ status: 'stopped' }),
      experiment({ start: '2025-06-16T00:00:00Z' }),
      experiment({ end: '2025-06-15T12:00:00Z' }), // end is exclusive
      experiment({ start: 'not a date' }),
    ];
    for (const exp of cases) {
      expect(isRunning(exp, NOW)).toBe(false);
      for (const id of ids(50)) expect(assignExperiments(profile(id), [exp], [], NOW)).toEqual({ assignments: {}, newlyAssigned: [], forced: [] });
    }
    expect(isRunning(experiment({ start: '2025-06-15T12:00:00Z', end: '2025-07-01' }), NOW)).toBe(true);
  });

  it('leaves a visitor out when every weight is zero', () => {
    expect(assignExperiments(profile('v1'), [withWeights(experiment(), [0, 0])], [], NOW).assignments).toEqual({});
  });

  it('puts a visitor in at most one experiment per slot, sticky ones first', () => {
    const first = experiment({ id: 'first' });
    const second = experiment({ id: 'second' });
    for (const id of ids(100)) {
      const r = assignExperiments(profile(id), [first, second], [], NOW);
      expect(Object.keys(r.assignments)).toEqual(['first']);
      const sticky = assignExperiments(profile(id, { second: 'b' }), [first, second], [], NOW);
      expect(sticky.assignments).toEqual({ second: 'b' });
    }
  });
});

describe('forced (preview) assignments', () => {
  it('overrides assignment, works for drafts, and is never stored or counted', () => {
    const live = experiment();
    const draft = experiment({ id: 'draft-test', slot: 'banner', status: 'draft' });
    const r = assignExperiments(profile('v1', { 'hero-test': 'a' }), [live, draft], [], NOW, { 'hero-test': 'b', 'draft-test': 'a' });
    expect(r.assignments).toEqual({ 'hero-test': 'b', 'draft-test': 'a' });
    expect(r.forced.sort()).toEqual(['draft-test', 'hero-test']);
    expect(r.newlyAssigned).toEqual([]);
    expect(nextProfileExp({ 'hero-test': 'a' }, r, [live, draft])).toEqual({ 'hero-test': 'a' });
  });

  it('ignores unknown experiments and variants', () => {
    const r = assignExperiments(profile('v1'), [experiment({ status: 'draft' })], [], NOW, { 'hero-test': 'zzz', other: 'a' });
    expect(r.assignments).toEqual({});
  });
});

describe('experimentSlotOffers', () => {
  it('gives each slot the assigned variant html, control included', () => {
    const hero = experiment();
    const banner = experiment({
      id: 'banner-test',
      slot: 'banner',
      variants: [
        { id: 'control', weight: 0.5, html: '<b>normal</b>', control: true },
        { id: 'bold', weight: 0.5, html: '<b>BOLD</b>' },
      ],
    });
    expect(experimentSlotOffers([hero, banner], { 'hero-test': 'b', 'banner-test': 'control' })).toEqual({
      hero: { experiment: 'hero-test', variant: 'b', html: '<p>B</p>' },
      banner: { experiment: 'banner-test', variant: 'control', html: '<b>normal</b>' },
    });
    expect(experimentSlotOffers([hero, banner], { 'hero-test': 'gone' })).toEqual({});
  });
});

describe('attributeConversion', () => {
  const exp = experiment({ goals: { primary: 'purchase', secondary: ['signup', 'purchase'], windowDays: 7 } });
  const exposed = NOW - 3 * DAY_MS;

  it('attributes primary and secondary goals within the window', () => {
    const exposures = [{ experiment: 'hero-test', variant: 'b', ts: exposed }];
    expect(attributeConversion('purchase', NOW, exposures, [exp])).toEqual([{ experiment: 'hero-test', variant: 'b', goal: 'primary', name: 'purchase' }]);
    expect(attributeConversion('signup', NOW, exposures, [exp])).toEqual([{ experiment: 'hero-test', variant: 'b', goal: 'secondary', name: 'signup' }]);
    expect(attributeConversion('page', NOW, exposures, [exp])).toEqual([]);
  });

  it('needs the event between 0 and windowDays after exposure, inclusive', () => {
    const at = (ts: number) => attributeConversion('purchase', ts, [{ experiment: 'hero-test', variant: 'a', ts: exposed }], [exp]).length;
    expect(at(exposed)).toBe(1);
    expect(at(exposed - 1)).toBe(0);
    expect(at(exposed + 7 * DAY_MS)).toBe(1);
    expect(at(exposed + 7 * DAY_MS + 1)).toBe(0);
  });

  it('attributes once per experiment and ignores experiments not in the config', () => {
    const exposures = [
      { experiment: 'hero-test', variant: 'a', ts: exposed + 1000 },
      { experiment: 'hero-test', variant: 'b', ts: exposed },
      { experiment: 'deleted', variant: 'a', ts: exposed },
    ];
    expect(attributeConversion('purchase', NOW, exposures, [exp])).toEqual([{ experiment: 'hero-test', variant: 'b', goal: 'primary', name: 'purchase' }]);
  });
});
