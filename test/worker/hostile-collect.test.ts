/**
 * Hostile collect requests through the real Worker (SELF.fetch in workerd,
 * local D1): 1,000 generated requests with garbage content types, headers,
 * cookies and bodies always get a JSON answer of the documented shape, never
 * a 5xx; a mixed batch of k valid events among junk gets accepted === k and
 * applied === k, its replay applies 0, the profile counts each event once, and
 * D1 holds each valid event id exactly once and no junk. The parser alone is
 * fuzzed 10,000 times in test/unit/hostile-parse.test.ts.
 */
import { SELF, env } from 'cloudflare:test';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetConfigCache } from '../../edge/config-store.ts';
import { LIMITS } from '../../edge/schema.ts';
import { BASE, BROWSER_UA, Jar, settleReporting } from './helpers.ts';

const db = (env as unknown as { DB: D1Database }).DB;
const PROPERTY_TIMEOUT = 120_000;

beforeAll(() => resetConfigCache());
// The tests run in the Worker's own isolate: no body may have reached a shared prototype.
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort().join();
afterAll(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort().join()).toBe(PROTOTYPE_KEYS);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

// ---------------------------------------------------------------- generators

let run = 0;
/** Ids unique across the whole file, so D1 rows can be attributed to the run that sent them. */
const uid = (kind: string) => `${kind}-${(++run).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

type Ev = Record<string, unknown>;
/** A valid event of each type; purchases are what the profile check counts. */
const validEvent = fc.constantFrom<(id: string, seq: number, ts: number) => Ev>(
  (id, seq, ts) => ({ id, seq, ts, type: 'track', name: 'purchase', props: { value: 12.5, category: 'shoes', ['__proto__']: 1 } }),
  (id, seq, ts) => ({ id, seq, ts, type: 'page', url: 'https://shop.example/shoes/?utm_source=%3Cscript%3E', interests: ['shoes', 'constructor-x'] }),
  (id, seq, ts) => ({ id, seq, ts, type: 'identify', traits: { plan: 'pro', constructor: 'x', toString: 1 } }),
  (id, seq, ts) => ({ id, seq, ts, type: 'track', name: 'purchase', props: { value: -0 }, constructor: { prototype: { polluted: true } } }),
);
const isPurchase = (e: Ev) => e.type === 'track' && e.name === 'purchase';

/** Invalid by the wire protocol, whatever the id. */
const junkEvent = fc.constantFrom<(id: string, ts: number) => unknown>(
  (id, ts) => ({ id, seq: -1, ts, type: 'track', name: 'purchase' }),
  (id, ts) => ({ id, seq: 1.5, ts, type: 'page', url: '/' }),
  (id, ts) => ({ id, seq: '7', ts, type: 'page', url: '/' }),
  (id, ts) => ({ id, seq: 3, ts: 'NaN', type: 'page', url: '/' }),
  (id, ts) => ({ id, seq: 3, ts, type: 'purchase' }),
  (id, ts) => ({ id, seq: 3, ts, type: 'page', url: '' }),
  (id, ts) => ({ id, seq: 3, ts, type: 'page', url: 'x'.repeat(LIMITS.url + 1) }),
  (id, ts) => ({ id, seq: 3, ts, type: 'track', name: '', props: {} }),
  (id, ts) => ({ id, seq: 3, ts, type: 'track', name: 'purchase', props: { value: { $gt: 0 } } }),
  (id, ts) => ({ id, seq: 3, ts, type: 'track', name: 'purchase', props: ['value', 1e6] }),
  (id, ts) => ({ id, seq: 3, ts, type: 'identify' }),
  (id, ts) => ({ id, seq: 3, ts, type: 'identify', traits: { a: 'x'.repeat(LIMITS.propString + 1) } }),
  (id, ts) => ({ id: `${id}${'x'.repeat(LIMITS.id)}`, seq: 3, ts, type: 'track', name: 'purchase' }),
  () => null,
  () => 'purchase',
  () => [{ type: 'track' }],
  () => 1e308,
);

interface Batch {
  text: string;
  valid: Ev[];
  junkIds: string[];
  junkIndices: number[];
}

/** k valid events (distinct ids and seqs) and junk, interleaved. */
const mixedBatch = fc
  .tuple(fc.array(validEvent, { maxLength: 8 }), fc.array(junkEvent, { maxLength: 8 }), fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }))
  .filter(([v, j]) => v.length + j.length > 0)
  .map(([v, j, order]): Batch => {
    const ts = Date.now();
    const valid = v.map((make, i) => make(uid('ok'), i + 1, ts));
    const junkWithIds = j.map((make) => {
      const ev = make(uid('junk'), ts);
      const id = ev && typeof ev === 'object' && typeof (ev as Ev).id === 'string' ? ((ev as Ev).id as string) : null;
      return { id, ev };
    });
    const events: unknown[] = [];
    const junkIndices: number[] = [];
    let vi = 0;
    let ji = 0;
    for (let i = 0; vi < valid.length || ji < junkWithIds.length; i++) {
      if (ji >= junkWithIds.length || (vi < valid.length && order[i % order.length])) events.push(valid[vi++]);
      else {
        junkIndices.push(events.length);
        events.push(junkWithIds[ji++]!.ev);
      }
    }
    return { text: JSON.stringify({ v: 1, events }), valid, junkIds: junkWithIds.flatMap((x) => (x.id ? [x.id] : [])), junkIndices };
  });

/** Header-safe garbage: printable ASCII and tabs (fetch refuses CR, LF and NUL in header values). */
const headerJunk = fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.constant(9)).map((c) => String.fromCharCode(c)), maxLength: 80 });
/*
 * Wrong content types stay text-like (text/*, xml, +json): workerd logs a
 * warning for every non-text body the route reads, which would bury the
 * output. Arbitrary content-type strings go through parseBatch 1,000 times in
 * the unit test.
 */
const contentType = fc.oneof(
  fc.constantFrom('application/json', 'text/plain;charset=UTF-8', 'APPLICATION/JSON ; charset=utf-16', 'application/json;;;;', 'text/plain; boundary="x"'),
  fc.constantFrom('application/xml', 'text/html', 'text/json', 'application/ld+json', 'application/javascript', 'text/plain2'),
  fc.stringMatching(/^[a-z0-9.+-]{1,12}$/).map((sub) => `text/${sub}`),
  fc.tuple(fc.constantFrom('application/json', 'text/plain', 'text/csv'), headerJunk.map((j) => j.replace(/["\\;\t]/g, ''))).map(([t, j]) => `${t}; p="${j}"`),
  fc.constant(undefined),
);
const cookieHeader = fc.oneof(
  fc.constant(undefined),
  headerJunk.map((v) => `tailor_p=${v}`),
  fc.constantFrom(
    'tailor_p=AAAA.0.abcdef.' + 'A'.repeat(43),
    'tailor_p=%E0%A4%A; tailor_p=second',
    'tailor_preview=eyJwIjoiLyJ9.1.x.y; tailor_consent=maybe',
    'tailor_consent=revoked',
    'tailor_consent=granted; tailor_p="quoted"',
    `tailor_p=${'A'.repeat(5000)}`,
    'tailor_admin=admin-x.0.x.x',
  ),
);
const extraHeaders = fc.record(
  {
    referer: fc.oneof(headerJunk, fc.constantFrom('https://t.co/x', 'javascript:alert(1)', `https://x.example/${'a'.repeat(20_000)}`, 'http://[::1', '//evil')),
    origin: fc.oneof(headerJunk, fc.constant('https://evil.example')),
    'sec-gpc': fc.constantFrom('1', '0', 'yes'),
    'user-agent': fc.oneof(headerJunk, fc.constantFrom(BROWSER_UA, 'Googlebot/2.1', '')),
    'content-encoding': fc.constantFrom('gzip', 'br', 'identity', 'x'),
    'x-forwarded-for': headerJunk,
    // Test hooks (clock, cf) are off in this Worker: they must be ignored, never trusted or crash it.
    'x-tailor-now': fc.oneof(headerJunk, fc.constantFrom('1', '-1', '1e308', String(2 ** 53))),
    'x-tailor-cf': fc.oneof(headerJunk, fc.constantFrom('{"country":"<script>"}', '{"__proto__":{"x":1}}', 'null', '[')),
    accept: headerJunk,
  },
  { requiredKeys: [] },
);
/** Bodies that are not a batch at all, as small descriptors (a failure report stays readable). */
type JunkBody = { kind: 'text'; text: string } | { kind: 'big'; bytes: number } | { kind: 'nested'; depth: number } | { kind: 'bytes'; bytes: Uint8Array<ArrayBuffer> };
const junkBody: fc.Arbitrary<JunkBody> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => ({ kind: 'text' as const, text })),
  fc.jsonValue({ maxDepth: 3 }).map((v) => ({ kind: 'text' as const, text: JSON.stringify(v) })),
  fc.constantFrom('', '{', '{"v":1,"events":[]}', '{"v":1,"events":{}}', '{"v":"1","events":[{}]}', '[{"v":1}]', '{"__proto__":{"v":1},"events":[1]}').map((text) => ({ kind: 'text' as const, text })),
  fc.integer({ min: LIMITS.batchBytes - 64, max: LIMITS.batchBytes + 4096 }).map((bytes) => ({ kind: 'big' as const, bytes })),
  fc.integer({ min: 100, max: 30_000 }).map((depth) => ({ kind: 'nested' as const, depth })),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: 'bytes' as const, bytes: new Uint8Array(bytes) })),
);
function materialise(b: JunkBody): string | Uint8Array<ArrayBuffer> {
  switch (b.kind) {
    case 'text':
      return b.text;
    case 'bytes':
      return b.bytes;
    case 'nested':
      return `{"v":1,"events":[{"id":"n","seq":1,"ts":1,"type":"track","name":"x","deep":${'['.repeat(b.depth)}${']'.repeat(b.depth)}}]}`;
    case 'big': {
      const head = '{"v":1,"events":[{"id":"big","seq":1,"ts":1,"type":"track","name":"x"}],"pad":"';
      return `${head}${'p'.repeat(Math.max(0, b.bytes - head.length - 2))}"}`;
    }
  }
}
const byteLength = (body: string | Uint8Array) => (typeof body === 'string' ? new TextEncoder().encode(body).length : body.length);

// ---------------------------------------------------------------- reply shape

interface Reply {
  segments: string[];
  experiments: Record<string, string>;
  slots: Record<string, { segment: string; html: string }>;
  accepted: number;
  rejected: { index: number; error: string }[];
  applied: number;
}

/** The refusals collect documents; anything else would be an exception that app.onError papered over. */
const COLLECT_ERRORS = ['invalid_json', 'invalid_batch', 'unsupported_media_type', 'payload_too_large', 'consent_revoked'];

function checkShape(status: number, contentTypeHeader: string | null, body: unknown, what: string): void {
  expect(status, what).toBeLessThan(500);
  expect([200, 400, 403, 413, 415], what).toContain(status);
  expect(contentTypeHeader, what).toMatch(/^application\/json/);
  if (status === 200) {
    const r = body as Reply;
    expect(Array.isArray(r.segments) && r.segments.every((s) => typeof s === 'string'), what).toBe(true);
    expect(Object.values(r.experiments).every((v) => typeof v === 'string'), what).toBe(true);
    expect(Object.values(r.slots).every((s) => typeof s.segment === 'string' && typeof s.html === 'string'), what).toBe(true);
    expect(Number.isInteger(r.accepted) && Number.isInteger(r.applied) && r.applied <= r.accepted, what).toBe(true);
    expect(r.rejected.every((x) => Number.isInteger(x.index) && typeof x.error === 'string'), what).toBe(true);
  } else {
    const e = (body as { error: { code: unknown; message: unknown } }).error;
    expect(typeof e.message === 'string' && e.message.length > 0, what).toBe(true);
    // A specific code: app.onError answers an exception with a generic 400 `bad_request`, which must never happen here.
    expect(COLLECT_ERRORS, what).toContain(e.code);
  }
}

// ---------------------------------------------------------------- properties

describe('collect under hostile requests (workerd)', () => {
  it('1,000 garbage requests: always JSON of the documented shape, never a 5xx; valid events in a good envelope all count', async () => {
    let answered = 0;
    let goodEnvelopes = 0;
    await fc.assert(
      fc.asyncProperty(contentType, cookieHeader, extraHeaders, fc.oneof({ weight: 2, arbitrary: mixedBatch }, { weight: 1, arbitrary: junkBody }), async (ct, cookie, extra, body) => {
        const headers: Record<string, string> = { ...extra };
        if (ct !== undefined) headers['content-type'] = ct;
        if (cookie !== undefined) headers.cookie = cookie;
        const isBatch = 'valid' in body;
        const payload = isBatch ? body.text : materialise(body);
        const res = await SELF.fetch(`${BASE}/__tailor/collect`, { method: 'POST', headers, body: payload });
        const text = await res.text();
        const what = `${res.status} ${text.slice(0, 200)} for content-type=${JSON.stringify(ct)} cookie=${JSON.stringify(cookie?.slice(0, 80))}`;
        let json: unknown;
        expect(() => (json = JSON.parse(text)), what).not.toThrow();
        checkShape(res.status, res.headers.get('content-type'), json, what);
        answered++;

        // A good envelope with a JSON content type: exactly the valid events are accepted and applied.
        // fetch labels a string body without a content type text/plain, as browsers do.
        const effective = ct ?? (typeof payload === 'string' ? 'text/plain;charset=UTF-8' : '');
        const type = effective.split(';')[0]!.trim().toLowerCase();
        const okType = type === 'application/json' || type === 'text/plain';
        const revoked = /(?:^|;\s*)tailor_consent=revoked/.test(cookie ?? '');
        if (isBatch && okType) {
          if (revoked) {
            expect(res.status, what).toBe(403);
          } else {
            goodEnvelopes++;
            expect(res.status, what).toBe(200);
            const r = json as Reply;
            expect(r.accepted, what).toBe(body.valid.length);
            expect(r.applied, what).toBe(body.valid.length);
            expect(r.rejected.map((x) => x.index), what).toEqual(body.junkIndices);
          }
        }
        // The size limit is checked on the raw bytes first, then the type.
        if (byteLength(payload) > LIMITS.batchBytes) expect(res.status, what).toBe(413);
        else if (!okType) expect(res.status, what).toBe(415);
      }),
      { numRuns: 1_000 },
    );
    expect(answered).toBe(1_000);
    expect(goodEnvelopes).toBeGreaterThan(200); // the exactly-once branch really ran
  }, PROPERTY_TIMEOUT);

  it('mixed batches per visitor: accepted === k, the replay applies 0, purchases count once, D1 holds each valid id once and no junk', async () => {
    const sent: { valid: Ev[]; junkIds: string[] }[] = [];
    await fc.assert(
      fc.asyncProperty(mixedBatch, async (batch) => {
        const jar = new Jar();
        const post = async () => {
          const res = await SELF.fetch(`${BASE}/__tailor/collect`, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': BROWSER_UA, ...(jar.cookies.size ? { cookie: jar.header() } : {}) }, body: batch.text });
          jar.take(res);
          expect(res.status).toBe(200);
          return (await res.json()) as Reply;
        };
        const first = await post();
        expect(first.accepted).toBe(batch.valid.length);
        expect(first.applied).toBe(batch.valid.length);
        expect(first.rejected.map((x) => x.index)).toEqual(batch.junkIndices);
        const replay = await post();
        expect(replay.accepted).toBe(batch.valid.length);
        expect(replay.applied).toBe(0);
        // The profile counted each purchase once: the loyal-customers condition shows the 365-day count.
        const why = await SELF.fetch(`${BASE}/__tailor/segments`, { headers: { cookie: jar.header() } });
        const { explanations } = (await why.json()) as { explanations: { id: string; conditions: { actual: unknown }[] }[] };
        const loyal = explanations.find((x) => x.id === 'loyal-customers')!;
        expect(loyal.conditions[0]!.actual).toBe(batch.valid.filter(isPurchase).length);
        sent.push({ valid: batch.valid, junkIds: batch.junkIds });
      }),
      { numRuns: 60 },
    );

    // Reporting writes run in waitUntil: poll until every valid id has landed, then look for extras.
    const validIds = sent.flatMap((s) => s.valid.map((e) => e.id as string));
    const junkIds = sent.flatMap((s) => s.junkIds);
    const rows = async (ids: string[]) => {
      const out: { id: string; visitor: string; n: number }[] = [];
      for (let i = 0; i < ids.length; i += 90) {
        const part = ids.slice(i, i + 90);
        const r = await db.prepare(`SELECT id, visitor, COUNT(*) AS n FROM events WHERE id IN (${part.map(() => '?').join(',')}) GROUP BY id`).bind(...part).all<{ id: string; visitor: string; n: number }>();
        out.push(...r.results);
      }
      return out;
    };
    let found: { id: string; visitor: string; n: number }[] = [];
    for (let i = 0; i < 100 && found.length < validIds.length; i++) {
      found = await rows(validIds);
      if (found.length < validIds.length) await new Promise((r) => setTimeout(r, 30));
    }
    await settleReporting(); // let any late (replay) write land before counting
    found = await rows(validIds);
    expect(found.length).toBe(validIds.length);
    expect(found.every((r) => r.n === 1)).toBe(true);
    expect(await rows(junkIds)).toEqual([]);
    // One visitor per batch: the replay wrote nothing under another id.
    const visitorOf = new Map(found.map((r) => [r.id, r.visitor]));
    for (const s of sent) expect(new Set(s.valid.map((e) => visitorOf.get(e.id as string))).size).toBeLessThanOrEqual(1);
  }, PROPERTY_TIMEOUT);
});
