/**
 * Forged and corrupted profile cookies. A real high-value profile (purchases,
 * revenue: `value-high`, `loyal-customers`) is signed with the test secret;
 * 1,000 mutations of it (bit flips, truncation, re-encodings, old and wrong
 * keys, expired and future issue times, huge values, parts of two valid
 * cookies swapped, a valid signature over another payload, another Tailor
 * token signed with the same key) are checked in-process with verify() +
 * decodeProfile() + evaluateSegments(), and 300 more through the Worker. Every
 * one must leave the visitor new (`new-visitors`), never high-value, never a 5xx.
 */
import { SELF } from 'cloudflare:test';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { mintSession } from '../../edge/admin-session.ts';
import { defaultConfig } from '../../edge/config.ts';
import { resetConfigCache } from '../../edge/config-store.ts';
import { COOKIE_MAX_AGE_S, sign, verify } from '../../edge/cookie.ts';
import { signPreview } from '../../edge/preview.ts';
import { applyEvents, decodeProfile, emptyProfile, encodeProfile } from '../../edge/profile.ts';
import type { TailorEvent } from '../../edge/schema.ts';
import { evaluateSegments } from '../../edge/segments.ts';
import type { Profile } from '../../edge/types.ts';
import { TEST_ADMIN_TOKEN, TEST_SECRET } from '../support/constants.ts';
import { BASE, BROWSER_UA } from './helpers.ts';

const KEYS = { current: TEST_SECRET };
const VIP_SEGMENTS = ['value-high', 'loyal-customers'];
const PROPERTY_TIMEOUT = 120_000;
const config = defaultConfig();
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A profile built the way the Worker builds one: events folded with applyEvents. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
function profileFrom(events: DistributiveOmit<TailorEvent, 'id' | 'seq' | 'ts'>[], now: number): Profile {
  const full = events.map((e, i) => ({ ...e, id: `v${i}`, seq: i + 1, ts: now - (events.length - i) * 60_000 }) as TailorEvent);
  return applyEvents(emptyProfile(), full, { host: 'localhost', now }).profile;
}

const segmentsOf = (p: Profile | null, now: number) => evaluateSegments(p ?? emptyProfile(), config, now, { device: 'desktop' });

interface Fixture {
  now: number;
  vipPayload: string;
  vip: string;
  /** The same VIP profile signed a minute later: another genuine cookie. */
  vip2: string;
  low: string;
  lowPayload: string;
  preview: string;
  adminSession: string;
}
let fx: Fixture;

beforeAll(async () => {
  resetConfigCache();
  const now = Date.now();
  const purchase = { type: 'track', name: 'purchase', props: { value: 250, category: 'shoes' } } as const;
  const vipProfile = profileFrom([{ type: 'page', url: 'http://localhost/shoes/', interests: ['shoes'] }, purchase, purchase, purchase, purchase], now);
  const lowProfile = profileFrom([{ type: 'page', url: 'http://localhost/' }], now);
  const vipPayload = encodeProfile(vipProfile);
  const lowPayload = encodeProfile(lowProfile);
  fx = {
    now,
    vipPayload,
    vip: await sign(vipPayload, KEYS, now - 120_000),
    vip2: await sign(vipPayload, KEYS, now - 60_000),
    // Signed at another second than the VIP cookie, so no mix of their parts is a genuine cookie.
    low: await sign(lowPayload, KEYS, now - 90_000),
    lowPayload,
    preview: await signPreview({ path: '/', segments: VIP_SEGMENTS, variants: {}, expires: now + 3_600_000 }, KEYS, now - 1000),
    adminSession: (await mintSession({ TAILOR_SECRET: TEST_SECRET, TAILOR_ADMIN_TOKEN: TEST_ADMIN_TOKEN }, now - 1000))!,
  };
});

// ---------------------------------------------------------------- mutations

/** Standard base64 with padding, from base64url. */
const toStd = (s: string) => s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
const bytesOf = (b64url: string) => Uint8Array.from(atob(toStd(b64url)), (c) => c.charCodeAt(0));
const b64urlOf = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const parts = (c: string) => c.split('.') as [string, string, string, string];

type Mutation =
  | { kind: 'bitflip'; flips: { at: number; bit: number }[] }
  | { kind: 'truncate'; keep: number; fromStart: boolean }
  | { kind: 'splice'; at: number; remove: number; insert: string }
  | { kind: 'reencode'; how: number }
  | { kind: 'oldKey'; key: string; realKid: boolean }
  | { kind: 'expired'; extraS: number }
  | { kind: 'future'; aheadS: number }
  | { kind: 'huge'; n: number; where: number }
  | { kind: 'swap'; mask: number; withVip2: boolean }
  | { kind: 'payloadByte'; at: number; value: number }
  | { kind: 'randomSig'; sig: number[] }
  | { kind: 'sigTail'; bits: number }
  | { kind: 'forged'; purchases: number; key: string }
  | { kind: 'otherToken'; which: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('bitflip' as const), flips: fc.array(fc.record({ at: fc.nat(), bit: fc.integer({ min: 0, max: 6 }) }), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat(), fromStart: fc.boolean() }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), remove: fc.integer({ min: 0, max: 4 }), insert: fc.string({ maxLength: 4 }) }),
  fc.record({ kind: fc.constant('reencode' as const), how: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('oldKey' as const), key: fc.string({ minLength: 1, maxLength: 48 }), realKid: fc.boolean() }),
  fc.record({ kind: fc.constant('expired' as const), extraS: fc.integer({ min: 1, max: 10 * 365 * 86_400 }) }),
  // More than the 5 minutes of allowed clock skew, with room for the Worker's clock having moved on since `fx.now`.
  fc.record({ kind: fc.constant('future' as const), aheadS: fc.integer({ min: 420, max: 10 * 365 * 86_400 }) }),
  fc.record({ kind: fc.constant('huge' as const), n: fc.integer({ min: 1, max: 60_000 }), where: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('swap' as const), mask: fc.integer({ min: 1, max: 14 }), withVip2: fc.boolean() }),
  fc.record({ kind: fc.constant('payloadByte' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('randomSig' as const), sig: fc.array(fc.integer({ min: 0, max: 63 }), { minLength: 43, maxLength: 43 }) }),
  fc.record({ kind: fc.constant('sigTail' as const), bits: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('forged' as const), purchases: fc.integer({ min: 3, max: 500 }), key: fc.string({ minLength: 1, maxLength: 40 }) }),
  fc.record({ kind: fc.constant('otherToken' as const), which: fc.integer({ min: 0, max: 3 }) }),
);

/** Applies a mutation to the VIP cookie. */
async function mutate(m: Mutation): Promise<string> {
  const { vip, vipPayload, now } = fx;
  const [payload, iat36, kid, sig] = parts(vip);
  switch (m.kind) {
    case 'bitflip': {
      const chars = [...vip];
      for (const f of m.flips) {
        const i = f.at % chars.length;
        chars[i] = String.fromCharCode(chars[i]!.charCodeAt(0) ^ (1 << f.bit));
      }
      return chars.join('');
    }
    case 'truncate': {
      const n = m.keep % vip.length;
      return m.fromStart ? vip.slice(vip.length - n) : vip.slice(0, n);
    }
    case 'splice': {
      const at = m.at % (vip.length + 1);
      return vip.slice(0, at) + m.insert + vip.slice(at + m.remove);
    }
    case 'reencode': {
      const reencoded = [
        toStd(payload), // standard alphabet and padding
        `${payload}==`,
        [...bytesOf(payload)].map((b) => b.toString(16).padStart(2, '0')).join(''),
        b64urlOf(new TextEncoder().encode(payload)), // base64 of the base64
        encodeURIComponent(payload).replace(/-/g, '%2D'),
        payload.toUpperCase() === payload ? payload.toLowerCase() : payload.toUpperCase(),
        b64urlOf(new TextEncoder().encode(JSON.stringify(decodeProfile(payload)))),
        `${payload}A`,
      ][m.how]!;
      return `${reencoded}.${iat36}.${kid}.${sig}`;
    }
    case 'oldKey': {
      if (m.key === TEST_SECRET) return `x${vip}`;
      const other = await sign(vipPayload, { current: m.key }, now - 1000);
      // With the real key id the Worker picks the right key and the signature must still fail.
      return m.realKid ? other.replace(/^([^.]*\.[^.]*)\.[^.]*\./, `$1.${kid}.`) : other;
    }
    case 'expired':
      return sign(vipPayload, KEYS, now - COOKIE_MAX_AGE_S * 1000 - m.extraS * 1000);
    case 'future':
      return sign(vipPayload, KEYS, now + m.aheadS * 1000);
    case 'huge': {
      const pad = 'A'.repeat(m.n);
      return [`${payload}${pad}.${iat36}.${kid}.${sig}`, `${vip}${pad}`, `${pad}${vip}`, `${payload}.${iat36}.${kid}${pad}.${sig}`][m.where]!;
    }
    case 'swap': {
      // Each of the four parts from the VIP cookie or from another genuine cookie; never all from one.
      const other = parts(m.withVip2 ? fx.vip2 : fx.low);
      const mine = parts(vip);
      return mine.map((p, i) => (m.mask & (1 << i) ? other[i] : p)).join('.');
    }
    case 'payloadByte': {
      const bytes = bytesOf(payload);
      const i = m.at % bytes.length;
      bytes[i] = bytes[i] === m.value ? (m.value + 1) % 256 : m.value;
      return `${b64urlOf(bytes)}.${iat36}.${kid}.${sig}`;
    }
    case 'randomSig':
      return `${payload}.${iat36}.${kid}.${m.sig.map((i) => B64[i]).join('')}`;
    case 'sigTail': {
      // The last of 43 characters carries 2 bits the 32-byte signature does not use: a non-canonical spelling.
      const last = B64.indexOf(sig[sig.length - 1]!);
      return `${payload}.${iat36}.${kid}.${sig.slice(0, -1)}${B64[last ^ m.bits]}`;
    }
    case 'forged': {
      // A richer profile than the real one, signed with a guessed key under the real key id.
      const p = emptyProfile('forged');
      p.totals = { purchases: m.purchases, revenue: m.purchases * 100_000, sessions: 9 };
      p.buckets = [{ day: Math.floor(now / 86_400_000), width: 1, counts: { purchases: m.purchases, revenue: m.purchases * 100_000 } }];
      p.lastPurchase = now;
      const forged = await sign(encodeProfile(p), { current: m.key === TEST_SECRET ? `${m.key}!` : m.key }, now);
      return forged.replace(/^([^.]*\.[^.]*)\.[^.]*\./, `$1.${kid}.`);
    }
    case 'otherToken':
      // Genuine tokens of other kinds: a preview link (same key!), an admin session, the low cookie's signature on the VIP payload and the reverse.
      return [fx.preview, fx.adminSession, `${vipPayload}.${parts(fx.low).slice(1).join('.')}`, `${fx.lowPayload}.${iat36}.${kid}.${sig}`][m.which]!;
  }
}

/** The untouched genuine cookies (a mix of parts can land on one of them). */
const genuine = (value: string) => value === fx.vip || value === fx.vip2 || value === fx.low;

/** The outcome the Worker would reach for this cookie value, in-process. */
async function outcome(value: string): Promise<{ verified: string | null; profile: Profile | null; segments: string[] }> {
  const verified = await verify(value, KEYS, fx.now);
  const profile = verified === null ? null : decodeProfile(verified);
  return { verified, profile, segments: segmentsOf(profile, fx.now) };
}

describe('the profile cookie under forgery (in-process)', () => {
  it('the genuine VIP cookie is high-value; the genuine low cookie is not (the oracle can tell them apart)', async () => {
    const vip = await outcome(fx.vip);
    expect(vip.segments).toEqual(expect.arrayContaining(VIP_SEGMENTS));
    expect((await outcome(fx.vip2)).segments).toEqual(expect.arrayContaining(VIP_SEGMENTS));
    const low = await outcome(fx.low);
    expect(low.profile).not.toBeNull();
    expect(low.segments).not.toContain('value-high');
  });

  it('1,000 mutations of a VIP cookie: none verifies to a profile, none is high-value', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(mutationArb, async (m) => {
        const value = await mutate(m);
        fc.pre(!genuine(value));
        seen.add(m.kind);
        const r = await outcome(value);
        // Only a whole genuine token verifies: a preview link, signed with the same key. It is not a profile.
        if (r.verified !== null) expect(value, `${m.kind} verified`).toBe(fx.preview);
        expect(r.profile, `${m.kind} → ${value.slice(0, 80)}`).toBeNull();
        expect(r.segments).toContain('new-visitors');
        for (const s of VIP_SEGMENTS) expect(r.segments).not.toContain(s);
      }),
      { numRuns: 1_000 },
    );
    expect(seen.size).toBe(14); // every kind of mutation was exercised
  }, PROPERTY_TIMEOUT);
});

describe('the profile cookie under forgery (through the Worker)', () => {
  const asCookie = (value: string) => `tailor_p=${encodeURIComponent(value)}`;
  const segmentsFor = async (cookie: string, url = `${BASE}/__tailor/segments`) => {
    const res = await SELF.fetch(url, { headers: { cookie, 'user-agent': BROWSER_UA } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { segments: string[] }).segments;
  };

  it('the genuine VIP cookie is high-value through the Worker too', async () => {
    expect(await segmentsFor(asCookie(fx.vip))).toEqual(expect.arrayContaining(VIP_SEGMENTS));
  });

  it('300 mutated cookies (segments endpoint and collect): a new visitor every time, never a 5xx', async () => {
    let viaCollect = 0;
    await fc.assert(
      fc.asyncProperty(mutationArb, fc.integer({ min: 0, max: 2 }), async (m, route) => {
        const value = await mutate(m);
        fc.pre(!genuine(value));
        let segments: string[];
        if (route === 0) {
          viaCollect++;
          const res = await SELF.fetch(`${BASE}/__tailor/collect`, {
            method: 'POST',
            headers: { cookie: asCookie(value), 'content-type': 'application/json', 'user-agent': BROWSER_UA },
            body: JSON.stringify({ v: 1, events: [{ id: `c-${Math.random()}`, seq: 1, ts: Date.now(), type: 'track', name: 'noop' }] }),
          });
          expect(res.status).toBe(200);
          segments = ((await res.json()) as { segments: string[] }).segments;
        } else {
          segments = await segmentsFor(asCookie(value));
        }
        expect(segments, m.kind).toContain('new-visitors');
        for (const s of VIP_SEGMENTS) expect(segments, m.kind).not.toContain(s);
      }),
      { numRuns: 300 },
    );
    expect(viaCollect).toBeGreaterThan(50);
  }, PROPERTY_TIMEOUT);

  it('a VIP cookie under the wrong name, or behind a forged first copy, is not used', async () => {
    // Over https the cookie must carry the __Host- prefix (no cookie tossing from a sibling subdomain).
    const https = await SELF.fetch('https://shop.example/__tailor/segments', { headers: { cookie: asCookie(fx.vip), 'user-agent': BROWSER_UA } });
    const httpsSegments = ((await https.json()) as { segments: string[] }).segments;
    expect(httpsSegments).not.toContain('value-high');
    // Two cookies of one name: the first wins, so a forged one placed first hides the genuine one.
    expect(await segmentsFor(`tailor_p=forged.0.x.y; ${asCookie(fx.vip)}`)).not.toContain('value-high');
    // Quoted and percent-encoded spellings of the genuine value are the same cookie.
    expect(await segmentsFor(`tailor_p="${fx.vip}"`)).toContain('value-high');
  });

  it('an expired VIP cookie stays expired whatever clock the request claims', async () => {
    const expired = await sign(fx.vipPayload, KEYS, fx.now - COOKIE_MAX_AGE_S * 1000 - 86_400_000);
    const res = await SELF.fetch(`${BASE}/__tailor/segments`, { headers: { cookie: asCookie(expired), 'user-agent': BROWSER_UA, 'x-tailor-now': String(fx.now - 30 * 86_400_000), date: 'Thu, 01 Jan 2025 00:00:00 GMT' } });
    expect(((await res.json()) as { segments: string[] }).segments).not.toContain('value-high');
  });

  it('huge and odd Cookie headers never cause a 5xx', async () => {
    for (const cookie of [`tailor_p=${'A'.repeat(60_000)}`, `${'x=1; '.repeat(3000)}${asCookie(fx.vip)}`, 'tailor_p', 'tailor_p=;;;', '=; =; tailor_p==', `tailor_p=%${'%'.repeat(100)}`]) {
      const res = await SELF.fetch(`${BASE}/__tailor/segments`, { headers: { cookie, 'user-agent': BROWSER_UA } });
      expect(res.status, cookie.slice(0, 40)).toBe(200);
      await res.body?.cancel();
      const page = await SELF.fetch(`${BASE}/`, { headers: { cookie, 'user-agent': BROWSER_UA, accept: 'text/html' } });
      expect(page.status, cookie.slice(0, 40)).toBe(200);
      await page.body?.cancel();
    }
  });
});
