/**
 * Hostile input for the collect parser, in Node: 10,000 generated bodies and
 * content types through `parseBatch` (edge/routes/collect.ts), checked against
 * a reference validator written from the wire protocol (DESIGN.md, LIMITS), not
 * from the zod schema. Every input must give a 4xx error object or an accepted
 * batch whose accepted/rejected split is exactly the reference's; nothing may
 * throw; no prototype may change. Mixed batches are then folded with
 * applyEvents: every valid event is applied once, and a replay applies none.
 * The Worker-level counterpart is test/worker/hostile-collect.test.ts.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { applyEvents, emptyProfile } from '../../edge/profile.ts';
import { parseBatch } from '../../edge/routes/collect.ts';
import { LIMITS } from '../../edge/schema.ts';

// ---------------------------------------------------------------- reference validator (from the protocol text)

type Json = unknown;
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown, min: number, max: number) => typeof x === 'string' && x.length >= min && x.length <= max;
const optStr = (x: unknown, max: number) => x === undefined || str(x, 0, max);
const int = (x: unknown, max: number) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= max;

/** Props and traits: at most 32 keys of 1..64 characters with primitive values. A `__proto__` key is dropped unread (it could not be kept safely). */
function validProps(x: unknown): boolean {
  if (!isObject(x)) return false;
  const keys = Object.keys(x).filter((k) => k !== '__proto__');
  return (
    keys.length <= LIMITS.propKeys &&
    keys.every((k) => {
      const v = x[k];
      return k.length >= 1 && k.length <= LIMITS.propKey && (v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || str(v, 0, LIMITS.propString));
    })
  );
}

/** Is this one event valid under wire protocol v1? */
function validEvent(e: Json): boolean {
  if (!isObject(e) || !str(e.id, 1, LIMITS.id) || !int(e.seq, Number.MAX_SAFE_INTEGER) || !int(e.ts, 8.64e15)) return false;
  switch (e.type) {
    case 'page':
      return (
        str(e.url, 1, LIMITS.url) &&
        optStr(e.referrer, LIMITS.url) &&
        optStr(e.title, LIMITS.title) &&
        optStr(e.pvid, LIMITS.id) &&
        (e.interests === undefined || (Array.isArray(e.interests) && e.interests.length <= LIMITS.interests && e.interests.every((i) => str(i, 1, LIMITS.interest))))
      );
    case 'track':
      return str(e.name, 1, LIMITS.name) && (e.props === undefined || validProps(e.props));
    case 'identify':
      return validProps(e.traits);
    default:
      return false;
  }
}

type Expected =
  | { ok: true; accepted: number[]; rejected: number[] }
  | { ok: false; status: number; code: string };

/** What parseBatch must answer, decided independently of its implementation. */
function expected(contentType: string | null, text: string): Expected {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && type !== 'text/plain') return { ok: false, status: 415, code: 'unsupported_media_type' };
  if (text.length > LIMITS.batchBytes) return { ok: false, status: 413, code: 'payload_too_large' };
  let body: Json;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, code: 'invalid_json' };
  }
  if (!isObject(body) || body.v !== 1 || !Array.isArray(body.events) || body.events.length < 1 || body.events.length > LIMITS.batchEvents) {
    return { ok: false, status: 400, code: 'invalid_batch' };
  }
  const accepted: number[] = [];
  const rejected: number[] = [];
  const seen = new Set<string>();
  body.events.forEach((e, i) => {
    if (validEvent(e) && !seen.has((e as { id: string }).id)) {
      seen.add((e as { id: string }).id);
      accepted.push(i);
    } else rejected.push(i);
  });
  return { ok: true, accepted, rejected };
}

// ---------------------------------------------------------------- the oracle

const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype];
const ownNames = () => PROTOTYPES.map((p) => Object.getOwnPropertyNames(p).sort().join(','));
const pristine = ownNames();

/** A cheap assertion for the hot path (vitest's expect costs more than parseBatch itself). */
function assert(ok: boolean, message: () => string): asserts ok {
  if (!ok) throw new Error(message());
}
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Runs parseBatch on one input and checks everything the protocol promises about the answer. */
function check(contentType: string | null, text: string): ReturnType<typeof parseBatch> {
  let r: ReturnType<typeof parseBatch>;
  try {
    r = parseBatch(contentType, text);
  } catch (error) {
    throw new Error(`parseBatch threw ${String(error)}`);
  }
  const want = expected(contentType, text);
  const got = () => JSON.stringify(r).slice(0, 300);
  if (!want.ok) {
    assert(!r.ok && r.status === want.status && r.code === want.code && r.message.length > 0, () => `expected ${want.status} ${want.code}, got ${got()}`);
  } else {
    assert(r.ok, () => `expected an accepted envelope, got ${got()}`);
    const events = (JSON.parse(text) as { events: { id: string }[] }).events;
    assert(same(r.rejected.map((x) => x.index), want.rejected), () => `rejected ${got()}, expected indices ${want.rejected}`);
    assert(same(r.events.map((e) => e.id), want.accepted.map((i) => events[i]!.id)), () => `accepted ${got()}, expected indices ${want.accepted}`);
    for (const x of r.rejected) assert(typeof x.error === 'string' && x.error.length > 0 && x.error.length <= 200, () => `error text ${JSON.stringify(x)}`);
    for (const e of r.events) {
      // Parsed objects are plain: hostile keys are stripped, never turned into prototypes.
      for (const o of [e, 'props' in e ? e.props : undefined, 'traits' in e ? e.traits : undefined]) {
        if (o === undefined) continue;
        assert(Object.getPrototypeOf(o) === Object.prototype && !Object.hasOwn(o, '__proto__'), () => `odd object in ${JSON.stringify(e)}`);
      }
    }
  }
  // The reply is JSON-serialisable whatever went in.
  JSON.stringify(r);
  return r;
}

// ---------------------------------------------------------------- generators

const NOW = Date.UTC(2026, 0, 15, 12);
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'then', 'length'];
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
/** Strings a browser could send: unicode (astral too), lone surrogates, control characters, hostile keys. */
const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.array(fc.oneof(loneSurrogate, fc.constantFrom('\u0000', '\u2028', '\ufeff', '"', '\\', '<', '{{')), { maxLength: 6 }).map((a) => a.join('')),
  fc.constantFrom(...HOSTILE_KEYS),
);
const propValue = fc.oneof(nastyString, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 5e-324), fc.boolean(), fc.constant(null));
/** A props/traits object that is valid: at most 32 keys of 1..64 characters, primitive values. */
const validPropsArb = fc
  .uniqueArray(fc.tuple(fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }), fc.constantFrom(...HOSTILE_KEYS, 'value', 'category')), propValue), {
    maxLength: 8,
    selector: (t) => t[0],
  })
  .map((entries) => {
    const o: Record<string, unknown> = {};
    // defineProperty: an own "__proto__" key, as JSON.parse would produce.
    for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    return o;
  });

const seqArb = fc.integer({ min: 1, max: 1e9 });
const tsArb = fc.oneof(fc.integer({ min: 0, max: NOW + 86_400_000 }), fc.constantFrom(0, 8.64e15, NOW));

// fc.webUrl with query parameters is slow to generate; a fixed set of hostile URLs covers the query forms.
const urlArb = fc.oneof(
  fc.webUrl(),
  fc.constantFrom(
    'https://shop.example/?utm_source=%3Cscript%3E&utm_medium=email&utm_campaign=__proto__',
    'https://shop.example/?gclid=1&fbclid=2&utm_source=constructor',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    '//evil.example/',
    '/relative?utm_campaign=sale',
    'https://[::1]:99999/%%%',
    'android-app://com.google.android.gm/',
  ),
);

/** One valid event (any type), sometimes with extra hostile keys the schema must strip. */
const validEventArb = fc
  .tuple(
    fc.string({ minLength: 1, maxLength: 64 }),
    seqArb,
    tsArb,
    fc.oneof(
      fc.record(
        {
          type: fc.constant('page' as const),
          url: fc.oneof(urlArb, nastyString.filter((s) => s.length > 0)),
          referrer: fc.oneof(urlArb, nastyString),
          title: nastyString,
          interests: fc.array(fc.oneof(fc.constantFrom('shoes', 'bags', '__proto__', 'constructor'), nastyString.filter((s) => s.length > 0 && s.length <= 40)), { maxLength: 16 }),
          pvid: fc.string({ maxLength: 64 }),
        },
        { requiredKeys: ['type', 'url'] },
      ),
      fc.record({ type: fc.constant('track' as const), name: fc.oneof(fc.constantFrom('purchase', 'add_to_cart', 'product_view', 'constructor'), fc.string({ minLength: 1, maxLength: 64 })), props: validPropsArb }, { requiredKeys: ['type', 'name'] }),
      fc.record({ type: fc.constant('identify' as const), traits: validPropsArb }),
    ),
    fc.uniqueArray(fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra'), { maxLength: 2 }),
    fc.constantFrom<unknown>({ polluted: true }, { isAdmin: true, __proto__: null }, null, 1, 'x', [], { toString: 'x' }),
  )
  .map(([id, seq, ts, body, extraKeys, junk]) => {
    const e: Record<string, unknown> = { id, seq, ts, ...body };
    for (const k of extraKeys) Object.defineProperty(e, k, { value: junk, enumerable: true, writable: true, configurable: true });
    return e;
  });

/** Breaks one field of a valid event so that the protocol says it is invalid. */
const BREAKERS: Record<string, unknown[]> = {
  id: ['', 'x'.repeat(65), 1, null, [], {}, true],
  seq: [-1, 1.5, '1', 'NaN', null, 2 ** 53, 1e308, true, {}],
  ts: [-1, 0.5, '2026-01-01', 8.64e15 + 1, 1e308, null, 'NaN'],
  type: ['pageview', 'PAGE', '', 1, null, ['page'], undefined],
};
const PAGE_BREAKERS: Record<string, unknown[]> = {
  url: ['', undefined, 'x'.repeat(2049), 1, null],
  referrer: ['x'.repeat(2049), 1, null],
  title: ['x'.repeat(257), 5, null],
  interests: ['shoes', [''], ['x'.repeat(41)], Array(17).fill('a'), [1], null, {}],
  pvid: ['x'.repeat(65), 1, null],
};
const PROPS_BREAKERS: unknown[] = [
  null,
  'x',
  [],
  [1, 2],
  5,
  Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])),
  { '': 1 },
  { ['k'.repeat(65)]: 1 },
  { a: {} },
  { a: [] },
  { a: 'x'.repeat(513) },
  { value: { $gt: 0 } },
];
const invalidEventArb = fc.tuple(validEventArb, fc.nat(), fc.nat()).map(([e, a, b]) => {
  const out: Record<string, unknown> = { ...e };
  const fields = Object.keys(BREAKERS);
  const t = out.type;
  const specific = t === 'page' ? Object.keys(PAGE_BREAKERS) : t === 'track' ? ['name', 'props'] : ['traits'];
  const all = [...fields, ...specific];
  const field = all[a % all.length]!;
  let values: unknown[];
  if (field === 'name') values = ['', 'x'.repeat(65), 1, null, undefined];
  else if (field === 'props' || field === 'traits') values = field === 'traits' ? [...PROPS_BREAKERS, undefined] : PROPS_BREAKERS;
  else values = BREAKERS[field] ?? PAGE_BREAKERS[field]!;
  const v = values[b % values.length];
  if (v === undefined) delete out[field];
  else out[field] = v;
  return out;
});

/** Anything that is not even an object with a known type. */
const notAnEventArb = fc.oneof(fc.jsonValue({ maxDepth: 3 }).filter((v) => !isObject(v) || !['page', 'track', 'identify'].includes(String((v as { type?: unknown }).type))), fc.constantFrom(null, 0, '', [], {}, 'page', [{ type: 'page' }]));

const hasGoodId = (e: Record<string, unknown>) => str(e.id, 1, LIMITS.id);
const withIds = (events: Record<string, unknown>[], prefix: string) => events.map((e, i) => ({ ...e, id: `${prefix}${i}` }));

/** Numbers written the way hostile clients write them, as JSON text. */
const NUMBER_TEXTS = ['1e308', '1e309', '-1e309', '-0', '0.0', '1.0', '1E0', '"1"', '"NaN"', '"Infinity"', '9007199254740993', '1e-400', '0x10', '01', '.5', 'NaN', 'Infinity'];

// ---------------------------------------------------------------- properties

const JSON_TYPES = ['application/json', 'text/plain', 'application/json; charset=utf-8', 'text/plain;charset=UTF-8', 'APPLICATION/JSON', '  text/plain  ; x=y'];
const validTypeArb = fc.constantFrom(...JSON_TYPES);

/** Property runs are CPU-bound; on a loaded 2-core machine they can take several times their usual second. */
const PROPERTY_TIMEOUT = 60_000;

afterAll(() => {
  // Nothing any input did may have changed a built-in prototype.
  expect(ownNames()).toEqual(pristine);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('parseBatch under hostile input (10,000 generated inputs)', () => {
  it('random JSON values and random text: a 4xx error or a consistent split, never a throw (2,000)', () => {
    fc.assert(
      fc.property(validTypeArb, fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'), fc.string({ unit: 'binary', maxLength: 200 }), fc.anything().map((v) => { try { return JSON.stringify(v) ?? ''; } catch { return String(v); } })), (ct, text) => {
        check(ct, text);
      }),
      { numRuns: 2_000 },
    );
  }, PROPERTY_TIMEOUT);

  it('truncated and byte-mutated valid batches (2,000)', () => {
    const batchText = fc.array(validEventArb, { minLength: 1, maxLength: 10 }).map((evs) => JSON.stringify({ v: 1, events: withIds(evs, 'm').map((e, i) => ({ ...e, seq: i + 1, ts: NOW })) }));
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), ch: fc.constantFrom('"', '{', '}', '[', ']', ',', ':', '\\', '0', '-', 'e', ' ', '\u0000', '\ud800', 'x') }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 8 }) }),
      fc.record({ kind: fc.constant('number' as const), at: fc.nat(), num: fc.constantFrom(...NUMBER_TEXTS) }),
    );
    fc.assert(
      fc.property(validTypeArb, batchText, fc.array(mutation, { minLength: 1, maxLength: 3 }), (ct, text, muts) => {
        let t = text;
        for (const m of muts) {
          const at = m.at % (t.length + 1);
          if (m.kind === 'truncate') t = t.slice(0, at);
          else if (m.kind === 'replace') t = t.slice(0, at) + m.ch + t.slice(at + 1);
          else if (m.kind === 'delete') t = t.slice(0, at) + t.slice(at + m.n);
          else {
            // Replace the next number in the text with a hostile spelling of one.
            const re = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
            re.lastIndex = at;
            const hit = re.exec(t);
            if (hit) t = t.slice(0, hit.index) + m.num + t.slice(hit.index + hit[0].length);
          }
        }
        check(ct, t);
      }),
      { numRuns: 2_000 },
    );
  }, PROPERTY_TIMEOUT);

  it('wrong types per field, hostile keys and numbers: exactly the invalid events are rejected (2,000)', () => {
    fc.assert(
      fc.property(validTypeArb, fc.array(fc.oneof(validEventArb, invalidEventArb, notAnEventArb), { minLength: 1, maxLength: 12 }), fc.boolean(), (ct, raw, dupes) => {
        // Well-formed ids become unique, or (dupes) collide in threes: later valid copies must be rejected.
        const events = raw.map((e, i) => (isObject(e) && hasGoodId(e) ? { ...e, id: dupes ? `d${i % 3}` : `u${i}` } : e));
        check(ct, JSON.stringify({ v: 1, events }));
      }),
      { numRuns: 2_000 },
    );
  }, PROPERTY_TIMEOUT);

  it('mixed batches: k valid events among junk are accepted, applied once, and a replay applies none (2,000)', () => {
    fc.assert(
      fc.property(
        fc.array(validEventArb, { minLength: 0, maxLength: 10 }),
        fc.array(fc.oneof(invalidEventArb, notAnEventArb), { minLength: 0, maxLength: 10 }),
        fc.uniqueArray(seqArb, { minLength: 10, maxLength: 10 }),
        tsArb,
        fc.integer({ min: 0, max: 3 }),
        fc.nat(),
        (valid, junk, seqs, ts, duplicates, shuffleSeed) => {
          fc.pre(valid.length + junk.length > 0);
          const good = valid.map((e, i) => ({ ...e, id: `ok-${i}`, seq: seqs[i]!, ts })).filter(validEvent);
          // Junk may reuse a valid id: being invalid, it must not shadow the valid event.
          const bad = junk.map((e, i) => (isObject(e) && hasGoodId(e) && i % 2 === 0 ? { ...e, id: `ok-${i}` } : e));
          // Exact copies of valid events after their original: rejected as duplicates.
          const copies = good.slice(0, duplicates);
          const all: unknown[] = [...good, ...bad];
          let s = shuffleSeed;
          for (let i = all.length - 1; i > 0; i--) {
            s = (s * 1103515245 + 12345) % 2 ** 31;
            const j = s % (i + 1);
            [all[i], all[j]] = [all[j], all[i]];
          }
          all.push(...copies);
          const text = JSON.stringify({ v: 1, events: all });
          const r = check('application/json', text);
          assert(r.ok, () => 'a mixed batch is a valid envelope');
          const ids = r.events.map((e) => e.id).sort();
          assert(same(ids, good.map((e) => e.id).sort()), () => `accepted ${ids}, expected the ${good.length} valid ones`);
          assert(r.rejected.filter((x) => x.error === 'duplicate event id in batch').length === copies.length, () => 'each copy is rejected as a duplicate');
          // Folding: each valid event once; the same batch again changes nothing.
          const first = applyEvents(emptyProfile('fuzz'), r.events, { host: 'shop.example', now: NOW });
          assert(first.applied === good.length, () => `applied ${first.applied} of ${good.length}`);
          assert(first.profile.seq === (good.length ? Math.max(...good.map((e) => e.seq)) : 0), () => 'profile seq is the highest applied');
          const again = applyEvents(first.profile, r.events, { host: 'shop.example', now: NOW });
          assert(again.applied === 0 && same(again.profile, first.profile), () => `a replay applied ${again.applied}`);
        },
      ),
      { numRuns: 2_000 },
    );
  }, PROPERTY_TIMEOUT);

  it('size limits: >100 events, >64 KB, huge strings and deep nesting (1,000)', () => {
    const big = fc.oneof(
      // Event count around the limit.
      fc.integer({ min: 95, max: 130 }).map((n) => JSON.stringify({ v: 1, events: Array.from({ length: n }, (_, i) => ({ id: `n${i}`, seq: i + 1, ts: NOW, type: 'track', name: 'x' })) })),
      // Body length around 64 KB (characters), in one huge string.
      fc.integer({ min: LIMITS.batchBytes - 200, max: LIMITS.batchBytes + 200 }).map((n) => {
        const shell = JSON.stringify({ v: 1, events: [{ id: 'h', seq: 1, ts: NOW, type: 'page', url: 'https://x.test/', title: '' }] });
        return shell.replace('"title":""', `"title":"${'t'.repeat(Math.max(0, n - shell.length))}"`);
      }),
      // Fields just over and under their limits.
      fc.constantFrom(...[LIMITS.url, LIMITS.title, LIMITS.propString].flatMap((n) => [n - 1, n, n + 1])).map((n) =>
        JSON.stringify({ v: 1, events: [{ id: 'l', seq: 1, ts: NOW, type: 'page', url: 'u'.repeat(Math.min(n, 4000)), title: 't'.repeat(Math.min(n, 300)) }, { id: 'p', seq: 2, ts: NOW, type: 'track', name: 'x', props: { s: 's'.repeat(n) } }] }),
      ),
      // Deep nesting, in the envelope and inside an event (within and beyond 64 KB).
      fc.integer({ min: 1, max: 20_000 }).map((d) => `{"v":1,"events":[{"id":"z","seq":1,"ts":1,"type":"track","name":"x","extra":${'['.repeat(d)}${']'.repeat(d)}}]}`),
      fc.integer({ min: 1, max: 5_000 }).map((d) => '{"v":1,"events":'.repeat(d) + '[]' + '}'.repeat(d)),
      // Many keys, many events with many props.
      fc.integer({ min: 1, max: 30 }).map((n) => JSON.stringify({ v: 1, events: Array.from({ length: n }, (_, i) => ({ id: `k${i}`, seq: i + 1, ts: NOW, type: 'identify', traits: Object.fromEntries(Array.from({ length: 33 - (i % 3) }, (_, j) => [`t${j}`, j])) })) })),
    );
    fc.assert(
      fc.property(validTypeArb, big, (ct, text) => {
        check(ct, text);
      }),
      { numRuns: 1_000 },
    );
  }, PROPERTY_TIMEOUT);

  it('content types: only application/json and text/plain are parsed, whatever the decoration (1,000)', () => {
    const ctArb = fc.oneof(
      fc.constant(null),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/json-patch+json', 'text/html', 'application/jsonp', 'text/plain2', 'json', '', ';', 'application/json\u0000', 'application/ json'),
      fc.tuple(fc.constantFrom('application/json', 'text/plain', 'Application/Json', 'TEXT/PLAIN'), fc.string({ maxLength: 20 })).map(([t, tail]) => `${t};${tail}`),
      fc.tuple(fc.constantFrom(' ', '\t', ''), fc.constantFrom('application/json', 'text/plain'), fc.constantFrom(' ', '\t', '')).map(([a, t, b]) => a + t + b),
    );
    const body = JSON.stringify({ v: 1, events: [{ id: 'c', seq: 1, ts: NOW, type: 'track', name: 'x' }] });
    fc.assert(
      fc.property(ctArb, (ct) => {
        const r = check(ct, body);
        const type = (ct ?? '').split(';')[0]!.trim().toLowerCase();
        assert(r.ok === (type === 'application/json' || type === 'text/plain'), () => `content type ${JSON.stringify(ct)}`);
      }),
      { numRuns: 1_000 },
    );
  }, PROPERTY_TIMEOUT);
});

describe('hostile names folded into the profile', () => {
  // BUG (edge/profile.ts addCategory/addSource): a category or source named
  // `constructor` reads the inherited Object.prototype.constructor instead of
  // "no entry yet", so the interest is lost, the source count becomes NaN and
  // `Object.score` is written on the global Object constructor. Flip to `it`
  // once profile.ts checks Object.hasOwn (or uses null-prototype maps).
  it('a category or source called "constructor" is counted like any other and built-ins stay untouched', () => {
    const ev = (seq: number, e: Record<string, unknown>) => ({ id: `c${seq}`, seq, ts: NOW, ...e }) as never;
    const { profile } = applyEvents(
      emptyProfile('proto'),
      [
        ev(1, { type: 'page', url: 'https://shop.example/?utm_source=constructor&utm_medium=social', interests: ['constructor'] }),
        ev(2, { type: 'track', name: 'purchase', props: { value: 10, category: 'constructor' } }),
      ],
      { host: 'shop.example', now: NOW },
    );
    expect((Object as unknown as Record<string, unknown>).score).toBeUndefined();
    expect(Object.hasOwn(profile.interests, 'constructor')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(profile.interests, 'constructor')?.value).toMatchObject({ score: expect.any(Number) });
    expect(profile.sources.constructor).toBe(1);
  });
});
