import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countInWindow, interestScore, topInterest } from '../../edge/metrics.ts';
import {
  MAX_ENCODED_CHARS,
  MAX_INTERESTS,
  MAX_SOURCES,
  MAX_TRAITS,
  SESSION_TIMEOUT_MS,
  applyEvents,
  cleanTrait,
  decodeProfile,
  emptyProfile,
  encodeProfile,
  foldRequest,
  isPlainInternal,
} from '../../edge/profile.ts';
import { classifySource } from '../../edge/sources.ts';
import type { TailorEvent } from '../../edge/schema.ts';
import { COUNTERS, MEDIA, type Profile } from '../../edge/types.ts';

const DAY = 86_400_000;
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0); // a Monday morning, whole seconds
const HOST = 'shop.test';
const SITE = `https://${HOST}`;
const EMAIL_URL = `${SITE}/?utm_source=newsletter&utm_medium=email&utm_campaign=spring`;

/** Builds events with increasing seq numbers. */
function events() {
  let seq = 0;
  const base = (ts: number) => ({ id: `e${++seq}`, seq, ts });
  return {
    page: (ts: number, url = `${SITE}/`, extra: { referrer?: string; interests?: string[]; pvid?: string } = {}): TailorEvent => ({
      ...base(ts),
      type: 'page',
      url,
      ...extra,
    }),
    track: (ts: number, name: string, props?: Record<string, string | number | boolean | null>): TailorEvent => ({
      ...base(ts),
      type: 'track',
      name,
      ...(props ? { props } : {}),
    }),
    identify: (ts: number, traits: Record<string, string | number | boolean | null>): TailorEvent => ({ ...base(ts), type: 'identify', traits }),
  };
}

/** Freezes a profile deeply, so any mutation by the code under test throws (modules are strict). */
function deepFreeze<T>(x: T): T {
  if (x && typeof x === 'object' && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

const apply = (p: Profile, evs: TailorEvent[], now?: number) => applyEvents(p, evs, { host: HOST, ...(now ? { now } : {}) }).profile;

describe('emptyProfile', () => {
  it('gives a random 16-character url-safe id unless one is passed', () => {
    const a = emptyProfile();
    const b = emptyProfile();
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(a.id).not.toBe(b.id);
    expect(emptyProfile('visitor-1').id).toBe('visitor-1');
    expect(a).toMatchObject({ v: 1, first: 0, last: 0, seq: 0, session: null, buckets: [], edgeView: null });
  });
});

describe('applyEvents: replays and purity', () => {
  const e = events();
  const batch = [e.page(T0), e.track(T0 + MIN, 'add_to_cart', { category: 'shoes' }), e.track(T0 + 2 * MIN, 'product_view')];

  it('applies a batch once; the same batch again changes nothing', () => {
    const first = applyEvents(emptyProfile('x'), batch, { host: HOST });
    expect(first).toMatchObject({ applied: 3, duplicates: 0 });
    const again = applyEvents(first.profile, batch, { host: HOST, now: T0 + DAY });
    expect(again).toMatchObject({ applied: 0, duplicates: 3 });
    expect(again.profile).toEqual(first.profile);
    expect(first.profile.totals).toMatchObject({ pageviews: 1, cartAdds: 1, productViews: 1, sessions: 1 });
    expect(first.profile.seq).toBe(3);
  });

  it('applies in seq order, skips repeats inside a batch and only the new part of an overlapping one', () => {
    const shuffled = [batch[2]!, batch[0]!, batch[1]!, batch[0]!];
    const r = applyEvents(emptyProfile('x'), shuffled, { host: HOST });
    expect(r).toMatchObject({ applied: 3, duplicates: 1 });
    expect(r.profile).toEqual(applyEvents(emptyProfile('x'), batch, { host: HOST }).profile);

    const partial = applyEvents(emptyProfile('x'), batch.slice(0, 2), { host: HOST }).profile;
    const rest = applyEvents(partial, batch, { host: HOST });
    expect(rest).toMatchObject({ applied: 1, duplicates: 2 });
    expect(rest.profile.totals.productViews).toBe(1);
  });

  it('never mutates its input', () => {
    const p = applyEvents(emptyProfile('x'), batch, { host: HOST }).profile;
    const before = JSON.stringify(p);
    const e2 = events();
    for (let i = 0; i < 3; i++) e2.page(0); // seq 1..3 taken
    applyEvents(p, [e2.page(T0 + 40 * MIN, EMAIL_URL, { interests: ['bags'] }), e2.identify(T0 + 41 * MIN, { plan: 'gold' })], { host: HOST });
    foldRequest(p, { url: EMAIL_URL, pvid: 'pv1', now: T0 + 50 * MIN, host: HOST });
    expect(JSON.stringify(p)).toBe(before);
  });

  it('clamps event times to context.now (a fast browser clock creates no future buckets)', () => {
    const e2 = events();
    const p = applyEvents(emptyProfile('x'), [e2.page(T0 + 3 * DAY)], { host: HOST, now: T0 }).profile;
    expect(p.last).toBe(T0);
    expect(p.buckets.map((b) => b.day)).toEqual([Math.floor(T0 / DAY)]);
  });
});

describe('sessions', () => {
  it('continues within 30 minutes of inactivity and starts a new one after', () => {
    const e = events();
    const p = apply(emptyProfile('x'), [
      e.page(T0),
      e.page(T0 + 20 * MIN, `${SITE}/a`, { referrer: `${SITE}/` }),
      e.page(T0 + 20 * MIN + SESSION_TIMEOUT_MS, `${SITE}/b`, { referrer: `${SITE}/a` }), // exactly 30 min: same session
      e.page(T0 + 51 * MIN + SESSION_TIMEOUT_MS, `${SITE}/c`, { referrer: `${SITE}/b` }), // 31 min: new
    ]);
    expect(p.totals.sessions).toBe(2);
    // A session started by an internal referrer counts as direct.
    expect(p.totals['sessions.direct']).toBe(2);
    expect(p.session).toMatchObject({ start: T0 + 81 * MIN, medium: 'direct', source: null });
  });

  it('starts a new session on a new campaign source or utm_campaign, not on internal navigation', () => {
    const e = events();
    const p = apply(emptyProfile('x'), [
      e.page(T0),
      e.page(T0 + 1 * MIN, `${SITE}/list`, { referrer: `${SITE}/` }),
      e.page(T0 + 2 * MIN, EMAIL_URL), // email click: new session
      e.page(T0 + 3 * MIN, `${SITE}/list`, { referrer: EMAIL_URL }),
      e.page(T0 + 4 * MIN, EMAIL_URL), // the same link again: same session
      e.page(T0 + 5 * MIN, EMAIL_URL.replace('spring', 'summer')), // another campaign: new
      e.page(T0 + 6 * MIN, `${SITE}/`, { referrer: 'https://www.google.com/' }), // search: new
      e.page(T0 + 7 * MIN, `${SITE}/x`), // typed URL (direct) continues
    ]);
    expect(p.totals).toMatchObject({ sessions: 4, 'sessions.direct': 1, 'sessions.email': 2, 'sessions.search': 1, pageviews: 8 });
    expect(p.sources).toEqual({ newsletter: 2, google: 1 });
    expect(p.session).toMatchObject({ medium: 'search', source: 'google', campaign: null, last: T0 + 7 * MIN });
  });

  it('skips the classifier only where it could only say internal', () => {
    const cases: [string, string | null, string | undefined][] = [
      [`${SITE}/products/a`, `${SITE}/`, HOST],
      [`${SITE}/products/a`, 'https://www.shop.test:8443/list?page=2', HOST],
      ['https://WWW.Shop.test/a', 'http://shop.test/', undefined],
      [`${SITE}/a`, `${SITE}/`, 'shop.test:8787'],
    ];
    for (const [url, referrer, host] of cases) {
      expect(isPlainInternal(url, referrer, host)).toBe(true);
      expect(classifySource({ url, referrer, ...(host ? { host } : {}) }).medium).toBe('internal');
    }
    const others: [string, string | null, string | undefined][] = [
      [`${SITE}/a?utm_source=newsletter&utm_medium=email`, `${SITE}/`, HOST],
      [`${SITE}/a?gclid=x`, `${SITE}/`, HOST],
      [`${SITE}/a#x`, `${SITE}/`, HOST],
      [`${SITE}/a`, null, HOST],
      [`${SITE}/a`, 'https://www.google.com/', HOST],
      [`${SITE}/a`, 'https://evil.test@shop.test/', HOST],
      [`${SITE}/a`, 'https://shop.test.evil.test/', HOST],
      [`${SITE}/a`, 'android-app://shop.test/', HOST],
      [`${SITE}/a`, `${SITE}/`, 'other.test'],
    ];
    for (const [url, referrer, host] of others) expect(isPlainInternal(url, referrer, host)).toBe(false);
  });

  it('track events keep a live session alive but never start one', () => {
    const e = events();
    const p = apply(emptyProfile('x'), [
      e.page(T0),
      e.track(T0 + 25 * MIN, 'add_to_cart'),
      e.page(T0 + 50 * MIN, `${SITE}/cart`, { referrer: `${SITE}/` }), // 25 min after the track event
      e.track(T0 + 3 * 60 * MIN, 'add_to_cart'), // after the timeout: no session
    ]);
    expect(p.totals.sessions).toBe(1);
    expect(p.session?.last).toBe(T0 + 50 * MIN);
  });
});

describe('e-mail clicks folded from the request', () => {
  const req = (pvid: string, now: number, url = EMAIL_URL, referrer: string | null = null) => ({ url, referrer, pvid, now, host: HOST });

  it('defers sessions.email until the SDK confirms the view, then counts it exactly once', () => {
    const e = events();
    const folded = foldRequest(emptyProfile('x'), req('pv1', T0));
    expect(folded.totals).toMatchObject({ sessions: 1, pageviews: 1 });
    expect(folded.totals['sessions.email']).toBeUndefined();
    expect(folded.sources).toEqual({});
    expect(folded.session).toMatchObject({ medium: 'email', source: 'newsletter', campaign: 'spring' });
    expect(folded.edgeView).toEqual({ id: 'pv1', medium: 'email', source: 'newsletter', confirmed: false });

    const batch = [e.page(T0 + 2000, EMAIL_URL, { pvid: 'pv1', interests: ['jackets'] })];
    const confirmed = apply(folded, batch);
    expect(confirmed.totals).toMatchObject({ sessions: 1, pageviews: 1, 'sessions.email': 1 });
    expect(confirmed.sources).toEqual({ newsletter: 1 });
    expect(confirmed.edgeView?.confirmed).toBe(true);
    expect(confirmed.seq).toBe(1);
    expect(confirmed.interests.jackets?.score).toBe(1);
    expect(countInWindow(confirmed, 'sessions.email', 7, T0)).toBe(1);

    // The same batch again, and another page event with the same pvid: nothing more.
    expect(apply(confirmed, batch)).toEqual(confirmed);
    const again = apply(confirmed, [e.page(T0 + 3000, EMAIL_URL, { pvid: 'pv1' })]);
    expect(again.totals).toEqual(confirmed.totals);
    expect(again.seq).toBe(2);
  });

  it('leaves a scanner click (no script ran) out of sessions.email', () => {
    const scanned = foldRequest(emptyProfile('x'), req('pv1', T0));
    const later = foldRequest(scanned, req('pv2', T0 + 2 * DAY, `${SITE}/`));
    expect(later.totals).toMatchObject({ sessions: 2, 'sessions.direct': 1, pageviews: 2 });
    expect(later.totals['sessions.email']).toBeUndefined();
    expect(later.edgeView).toEqual({ id: 'pv2', medium: 'direct', source: null, confirmed: false });
  });

  it('keeps the deferral across further views of the same session', () => {
    const e = events();
    let p = foldRequest(emptyProfile('x'), req('pv1', T0));
    p = foldRequest(p, req('pv2', T0 + MIN, `${SITE}/products/tent`, EMAIL_URL));
    expect(p.edgeView).toEqual({ id: 'pv2', medium: 'email', source: 'newsletter', confirmed: false });
    expect(p.totals).toMatchObject({ sessions: 1, pageviews: 2 });
    // The first view's event arrives unmatched (only the latest view is remembered); it does not start a session.
    p = apply(p, [e.page(T0 + 1000, EMAIL_URL, { pvid: 'pv1' }), e.page(T0 + MIN + 1000, `${SITE}/products/tent`, { pvid: 'pv2' })]);
    expect(p.totals).toMatchObject({ sessions: 1, 'sessions.email': 1 });
    expect(p.sources).toEqual({ newsletter: 1 });
  });

  it('does not defer again for a view that continues an already confirmed e-mail session', () => {
    const e = events();
    let p = foldRequest(emptyProfile('x'), req('pv1', T0));
    p = apply(p, [e.page(T0, EMAIL_URL, { pvid: 'pv1' })]);
    p = foldRequest(p, req('pv2', T0 + MIN, EMAIL_URL)); // the same link again, same session
    expect(p.edgeView).toMatchObject({ id: 'pv2', medium: 'internal' });
    p = apply(p, [e.page(T0 + MIN, EMAIL_URL, { pvid: 'pv2' })]);
    expect(p.totals).toMatchObject({ sessions: 1, 'sessions.email': 1, pageviews: 2 });
  });

  it('counts other media at once, and an SDK e-mail page without an edge view immediately', () => {
    const social = foldRequest(emptyProfile('x'), req('pv1', T0, `${SITE}/?utm_source=facebook&utm_medium=social`));
    expect(social.totals).toMatchObject({ sessions: 1, 'sessions.social': 1 });
    expect(social.sources).toEqual({ facebook: 1 });

    const e = events();
    const sdkOnly = apply(emptyProfile('x'), [e.page(T0, EMAIL_URL, { pvid: 'unknown' })]);
    expect(sdkOnly.totals).toMatchObject({ sessions: 1, 'sessions.email': 1, pageviews: 1 });
  });

  it('ignores a retried request for the same view', () => {
    const p = foldRequest(emptyProfile('x'), req('pv1', T0, `${SITE}/`));
    expect(foldRequest(p, req('pv1', T0 + 1000, `${SITE}/`))).toEqual(p);
  });
});

describe('interests', () => {
  it('adds page interests and decays them with the half-life', () => {
    const e = events();
    let p = apply(emptyProfile('x'), [e.page(T0, `${SITE}/`, { interests: ['Shoes', 'shoes', 'bags'] })]);
    expect(p.interests).toEqual({ shoes: { score: 1, t: T0 }, bags: { score: 1, t: T0 } });
    p = apply(p, [e.page(T0 + 7 * DAY, `${SITE}/`, { interests: ['shoes'] })]);
    expect(p.interests.shoes).toEqual({ score: 1.5, t: T0 + 7 * DAY });
    expect(interestScore(p, 'shoes', T0 + 14 * DAY)).toBeCloseTo(0.75, 10);
    expect(interestScore(p, 'bags', T0 + 14 * DAY)).toBeCloseTo(0.25, 10);
    expect(topInterest(p, T0 + 14 * DAY)).toBe('shoes');
    // A custom half-life applies to both folding and reading.
    const q = applyEvents(p, [e.page(T0 + 21 * DAY, `${SITE}/`, { interests: ['bags'] })], { halfLifeDays: 14 }).profile;
    expect(q.interests.bags).toEqual({ score: 1.35, t: T0 + 21 * DAY }); // 1 · 2^(−21/14) + 1, to 2 decimals
  });

  it('weights product views, cart adds and purchases by their category', () => {
    const e = events();
    const p = apply(emptyProfile('x'), [
      e.track(T0, 'product_view', { category: 'tents' }),
      e.track(T0, 'add_to_cart', { category: 'tents' }),
      e.track(T0, 'purchase', { category: 'tents', value: 10 }),
      e.track(T0, 'product_view', { category: 42 }),
    ]);
    expect(p.interests).toEqual({ tents: { score: 6, t: T0 } });
  });

  it('adds an out-of-order older signal decayed to the newer time', () => {
    const e = events();
    const p = apply(emptyProfile('x'), [e.page(T0 + 7 * DAY, `${SITE}/`, { interests: ['bags'] }), e.page(T0, `${SITE}/`, { interests: ['bags'] })]);
    expect(p.interests.bags).toEqual({ score: 1.5, t: T0 + 7 * DAY });
  });

  it(`keeps the top ${MAX_INTERESTS} by decayed score and forgets faded ones`, () => {
    const e = events();
    const evs = Array.from({ length: 30 }, (_, i) => e.page(T0 + i * MIN, `${SITE}/`, { interests: [`cat-${i}`, ...(i % 2 ? ['cat-0'] : [])] }));
    const p = apply(emptyProfile('x'), evs);
    const names = Object.keys(p.interests);
    expect(names).toHaveLength(MAX_INTERESTS);
    expect(names).toContain('cat-0');
    expect(names).toContain('cat-29'); // newest of the score-1 ones
    expect(names).not.toContain('cat-1');
    // A year later every interest has faded away.
    expect(apply(p, [e.page(T0 + 365 * DAY)]).interests).toEqual({});
  });
});

describe('commerce counters', () => {
  it('counts purchases, revenue in cents and the last purchase time', () => {
    const e = events();
    const p = apply(emptyProfile('x'), [
      e.track(T0, 'purchase', { value: 19.99 }),
      e.track(T0 + DAY, 'purchase', { value: '25.5' }),
      e.track(T0 + 2 * DAY, 'purchase', { value: -5 }),
      e.track(T0 + 3 * DAY, 'purchase', { value: 1e12 }),
      e.track(T0 + DAY / 2, 'purchase'), // older than the last one: lastPurchase stays
      e.track(T0 + 3 * DAY, 'checkout'),
      e.track(T0 + 3 * DAY, 'begin_checkout'),
      e.track(T0 + 3 * DAY, 'newsletter_signup'),
    ]);
    expect(p.totals).toMatchObject({ purchases: 5, revenue: 1999 + 2550 + 1e9, checkouts: 2 });
    expect(p.lastPurchase).toBe(T0 + 3 * DAY);
    expect(p.seq).toBe(8);
    expect(countInWindow(p, 'revenue', 7, T0 + 3 * DAY)).toBe(1999 + 2550 + 1e9);
  });

  it('counts product views from track events only (product pages send one) and deal views from paths, campaigns and events', () => {
    const e = events();
    const p = apply(emptyProfile('x'), [
      e.page(T0, `${SITE}/products/trail-runner.html`),
      e.track(T0, 'product_view', { category: 'shoes' }),
      e.track(T0, 'view_item'),
      e.page(T0, `${SITE}/sale.html`),
      e.page(T0, `${SITE}/sale/jackets`),
      e.page(T0, `${SITE}/deals`),
      e.page(T0, `${SITE}/salesforce`),
      e.page(T0, `${SITE}/?utm_source=fb&utm_medium=social&utm_campaign=Winter-Discount`),
      e.track(T0, 'coupon_applied'),
    ]);
    expect(p.totals).toMatchObject({ productViews: 2, dealViews: 5, pageviews: 6 });
  });
});

describe('traits', () => {
  it('merges, deletes with null and never keeps e-mail addresses or phone numbers', () => {
    const e = events();
    const p = apply(emptyProfile('x'), [
      e.identify(T0, { plan: 'gold', size: 42.126, newsletter: true, contact: 'jo@example.com', mobileNo: '+44 20 7946 0958', email: 'nope', zip: '10115' }),
      e.identify(T0 + 1, { newsletter: null, plan: 'silver', note: 'x'.repeat(41), ['__proto__']: 'x', phone: 'call me' }),
    ]);
    expect(p.traits).toEqual({ size: 42.13, zip: '10115', plan: 'silver' });
    expect(Object.getPrototypeOf(p.traits)).toBe(Object.prototype);
  });

  it(`keeps at most ${MAX_TRAITS}, dropping the least recently set`, () => {
    const e = events();
    const traits = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`t${i}`, i]));
    let p = apply(emptyProfile('x'), [e.identify(T0, traits)]);
    p = apply(p, [e.identify(T0 + 1, { t0: 'again' })]);
    expect(Object.keys(p.traits)).toHaveLength(MAX_TRAITS);
    expect(p.traits.t0).toBe('again');
    expect(p.traits.t3).toBeUndefined();
    expect(p.traits.t4).toBe(4);
  });
});

describe('sources', () => {
  it(`keeps the ${MAX_SOURCES} with the most sessions, the newest winning a tie`, () => {
    const e = events();
    const evs: TailorEvent[] = [];
    for (let i = 0; i < 10; i++) evs.push(e.page(T0 + i * 2 * SESSION_TIMEOUT_MS, `${SITE}/?utm_source=src${i}&utm_medium=email`));
    evs.push(e.page(T0 + 30 * SESSION_TIMEOUT_MS, `${SITE}/?utm_source=src0&utm_medium=email`));
    const p = apply(emptyProfile('x'), evs);
    expect(Object.keys(p.sources).sort()).toEqual(['src0', 'src3', 'src4', 'src5', 'src6', 'src7', 'src8', 'src9']);
    expect(p.sources.src0).toBe(2);
  });
});

describe('buckets and windowed counts', () => {
  it('keeps 7 days exact and 30/90/365 close over a year of daily visits, in a few dozen buckets', () => {
    const e = events();
    let p = emptyProfile('x');
    const visitDays: number[] = [];
    for (let d = 0; d < 420; d++) {
      // Skip some days so that errors would show.
      if (d % 11 === 3 || d % 4 === 1) continue;
      const ts = T0 + d * DAY + (d % 5) * 60 * MIN;
      visitDays.push(Math.floor(ts / DAY));
      p = apply(p, [e.page(ts)], ts);
      const today = Math.floor(ts / DAY);
      const expected = (w: number) => visitDays.filter((v) => v > today - w).length;
      expect(countInWindow(p, 'sessions', 7, ts)).toBe(expected(7));
      expect(Math.abs(countInWindow(p, 'sessions', 30, ts) - expected(30))).toBeLessThanOrEqual(3);
      expect(Math.abs(countInWindow(p, 'sessions', 90, ts) - expected(90))).toBeLessThanOrEqual(3);
      expect(Math.abs(countInWindow(p, 'sessions', 365, ts) - expected(365))).toBeLessThanOrEqual(14);
      expect(p.buckets.length).toBeLessThanOrEqual(40);
    }
    expect(p.totals.sessions).toBe(visitDays.length);
    // Newest first, non-overlapping, widths 1/7/28 (or the growing part of one), nothing older than ~400 days.
    for (let i = 1; i < p.buckets.length; i++) expect(p.buckets[i]!.day + p.buckets[i]!.width).toBeLessThanOrEqual(p.buckets[i - 1]!.day);
    const today = Math.floor(p.last / DAY);
    expect(p.buckets.at(-1)!.day).toBeGreaterThan(today - 430);
    expect(p.buckets.filter((b) => ![1, 7, 28].includes(b.width)).length).toBeLessThanOrEqual(2);
  });

  it('puts an out-of-order older event into its own day, or the wider bucket that now holds that day', () => {
    const e = events();
    let p = apply(emptyProfile('x'), [e.page(T0 + 60 * DAY)]);
    p = apply(p, [e.track(T0 + 58 * DAY, 'add_to_cart'), e.track(T0 + 20 * DAY, 'add_to_cart'), e.track(T0 - 500 * DAY, 'add_to_cart')], T0 + 60 * DAY);
    expect(countInWindow(p, 'cartAdds', 7, T0 + 60 * DAY)).toBe(1);
    expect(countInWindow(p, 'cartAdds', 90, T0 + 60 * DAY)).toBe(2);
    expect(p.totals.cartAdds).toBe(3); // the 500-day-old one only in the lifetime total
    expect(p.first).toBe(T0 - 500 * DAY);
    const holder = p.buckets.find((b) => b.counts.cartAdds && b.width > 1)!;
    const day20 = Math.floor((T0 + 20 * DAY) / DAY);
    expect(holder.day <= day20 && day20 < holder.day + holder.width).toBe(true);
  });
});

// ---------------------------------------------------------------- encoding

const CATEGORIES = (
  'shoes jackets camping bags tents sleeping-bags backpacks hiking-boots trail-running rain-gear fleece base-layers socks gloves ' +
  'hats headlamps stoves cookware water-filters trekking-poles climbing ropes harnesses helmets kayaks paddles bikes bike-parts ' +
  'skis snowboards goggles sunglasses watches gps maps first-aid insulation down-jackets shorts kids'
).split(' ');

/** Where the heavy visitor's sessions come from: [share in %, landing URL, referrer]. */
const LANDINGS: [number, string, string?][] = [
  [28, `${SITE}/`],
  [25, `${SITE}/`, 'https://www.google.com/'],
  [15, `${SITE}/?utm_source=newsletter&utm_medium=email&utm_campaign=weekly-deals`],
  [10, `${SITE}/?utm_source=facebook&utm_medium=social&utm_campaign=autumn-launch`],
  [5, `${SITE}/?utm_source=instagram&utm_medium=social`],
  [5, `${SITE}/`, 'https://www.bing.com/'],
  [4, `${SITE}/`, 'https://chatgpt.com/'],
  [3, `${SITE}/`, 'https://www.reddit.com/r/camping/'],
  [3, `${SITE}/`, 'https://duckduckgo.com/'],
  [2, `${SITE}/`, 'https://www.outdoorgearlab.com/reviews'],
];
const landingFor = (d: number) => {
  let x = (d * 37) % 100;
  for (const l of LANDINGS) if ((x -= l[0]) < 0) return l;
  return LANDINGS[0]!;
};

/** A year of daily visits, 1,000 events, 40 categories, 4 traits, 3 experiments. */
function heavyProfile(): { profile: Profile; events: number } {
  const e = events();
  const cats = CATEGORIES;
  expect(cats).toHaveLength(40);
  let p = emptyProfile();
  let n = 0;
  for (let d = 0; d < 365; d++) {
    const ts = T0 + d * DAY + (d % 7) * 37 * MIN;
    const [, url, referrer] = landingFor(d);
    const batch = [e.page(ts, url, referrer ? { referrer } : {}), e.page(ts + MIN, `${SITE}/products/item-${d}`, { referrer: url, interests: [cats[(d * 3) % 40]!] })];
    if (d % 3 === 0) batch.push(e.track(ts + 2 * MIN, 'product_view', { category: cats[(d * 7 + 1) % 40]! }));
    if (d % 4 === 1) batch.push(e.track(ts + 3 * MIN, 'add_to_cart', { category: cats[d % 4]! }));
    if (d % 14 === 2) batch.push(e.track(ts + 4 * MIN, 'purchase', { value: 89.9 + d, category: cats[d % 4]! }));
    if (d % 30 === 5) batch.push(e.page(ts + 5 * MIN, `${SITE}/sale`, { referrer: url }));
    n += batch.length;
    p = apply(p, batch, ts + 10 * MIN);
  }
  const end = T0 + 364 * DAY + 12 * 60 * MIN;
  const e2 = [e.identify(end, { plan: 'outdoor-club', shoeSize: 43, newsletter: true, activity: 'trail running' })];
  while (n + e2.length < 1000) e2.push(e.page(end, `${SITE}/products/extra`, { referrer: `${SITE}/` }));
  n += e2.length;
  p = apply(p, e2, end);
  p = { ...p, exp: { 'hero-headline-test': 'variant-b', 'free-shipping-banner': 'control', 'reco-layout-2026': 'grid' } };
  p = { ...p, exposed: Object.keys(p.exp) };
  p = foldRequest(p, { url: `${SITE}/products/tent`, referrer: `${SITE}/`, pvid: 'pv_8f3k2m9x4q7w1z5c', now: end + MIN, host: HOST });
  return { profile: p, events: n };
}

const cookieSafe = /^[A-Za-z0-9_-]+$/;

describe('encodeProfile / decodeProfile', () => {
  it('fits a heavy profile (a year of daily visits, 1,000 events) in 1,200 bytes', () => {
    const { profile, events: n } = heavyProfile();
    expect(n).toBe(1000);
    expect(Object.keys(profile.sources)).toHaveLength(MAX_SOURCES);
    expect(Object.keys(profile.interests)).toHaveLength(MAX_INTERESTS);
    const s = encodeProfile(profile);
    console.log(`heavy profile: ${s.length} bytes encoded, ${profile.buckets.length} buckets`);
    expect(s).toMatch(cookieSafe);
    expect(s.length).toBeLessThanOrEqual(1200);
    expect(decodeProfile(s)).toEqual(profile);
  });

  it('round-trips an empty profile and hand-built profiles with ms times and odd values', () => {
    const empty = emptyProfile();
    expect(decodeProfile(encodeProfile(empty))).toEqual(empty);
    const p: Profile = {
      ...emptyProfile('Ünïcødé 🎒'),
      first: 1,
      last: T0 + 123,
      seq: Number.MAX_SAFE_INTEGER,
      session: { start: T0 + 999, last: T0 + 123, medium: 'chatbot', source: 'chatgpt', campaign: '' },
      totals: { revenue: 2 ** 52, sessions: 0 },
      buckets: [
        { day: Math.floor(T0 / DAY) + 3, width: 1, counts: { pageviews: 1 } }, // after `last`
        { day: 10, width: 5, counts: {} },
        { day: 900, width: 28, counts: { 'sessions.chatbot': 7 } }, // out of order
      ],
      sources: { chatgpt: 3 },
      interests: { 'tents ⛺': { score: 0.01, t: T0 + 5000 }, old: { score: 1e6, t: 0 } },
      lastPurchase: T0 - 7,
      traits: { a: -9_999_999.99, b: false, c: 'chatgpt' },
      exp: { 'exp-1': 'b' },
      exposed: ['exp-1', 'exp-1', 'other'],
      edgeView: { id: 'chatgpt', medium: 'internal', source: null, confirmed: true },
    };
    expect(decodeProfile(encodeProfile(p))).toEqual(p);
  });

  it('round-trips any profile folded from random events (folding frozen inputs)', () => {
    const url = fc.constantFrom(`${SITE}/`, `${SITE}/products/a`, `${SITE}/sale`, EMAIL_URL, `${SITE}/?utm_source=x&utm_medium=social&utm_campaign=c1`);
    const event = fc.oneof(
      fc.record({ type: fc.constant('page' as const), url, referrer: fc.option(fc.constantFrom(`${SITE}/`, 'https://www.google.com/', 'https://ex.test/'), { nil: undefined }), interests: fc.option(fc.array(fc.string({ maxLength: 12 }), { maxLength: 4 }), { nil: undefined }), pvid: fc.option(fc.constantFrom('pv1', 'pv2'), { nil: undefined }) }),
      fc.record({ type: fc.constant('track' as const), name: fc.constantFrom('purchase', 'add_to_cart', 'product_view', 'checkout', 'other'), props: fc.record({ value: fc.double({ min: -10, max: 1e8, noNaN: true }), category: fc.string({ maxLength: 10 }) }) }),
      fc.record({ type: fc.constant('identify' as const), traits: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.oneof(fc.string({ maxLength: 50 }), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null)), { maxKeys: 6 }) }),
    );
    const step = fc.record({ gap: fc.integer({ min: -2 * DAY, max: 60 * DAY }), ev: event, request: fc.boolean() });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.integer({ min: 1, max: 3 }), (steps, batch) => {
        let p = emptyProfile();
        let ts = T0;
        let seq = 0;
        let pending: TailorEvent[] = [];
        for (const { gap, ev, request } of steps) {
          ts = Math.max(0, ts + gap);
          deepFreeze(p);
          if (request && ev.type === 'page') p = foldRequest(p, { url: ev.url, referrer: ev.referrer ?? null, pvid: ev.pvid ?? 'pv3', now: ts, host: HOST });
          else pending.push({ ...ev, id: `e${++seq}`, seq, ts } as TailorEvent);
          if (pending.length >= batch) {
            p = apply(p, pending);
            pending = [];
          }
        }
        p = apply(deepFreeze(p), pending);
        const s = encodeProfile(p);
        expect(s).toMatch(cookieSafe);
        expect(decodeProfile(s)).toEqual(p);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips random profiles within the stored resolution', () => {
    const time = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2 ** 51 }));
    const count = fc.oneof(fc.nat(100), fc.nat());
    const counts = fc.dictionary(fc.constantFrom(...COUNTERS), count);
    const medium = fc.constantFrom('email', 'social', 'search', 'paid', 'chatbot', 'referral', 'direct', 'internal' as const);
    const wellFormed = (s: string) => !/[\ud800-\udfff]/.test(s);
    const name = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 })).filter((s) => s !== '__proto__' && wellFormed(s) && s.length <= 40);
    const profile = fc.record({
      v: fc.constant(1 as const),
      id: fc.string({ unit: 'binary', maxLength: 32 }).filter((s) => wellFormed(s) && s.length <= 64),
      first: time,
      last: time,
      seq: fc.nat(),
      session: fc.option(fc.record({ start: time, last: time, medium, source: fc.option(name, { nil: null }), campaign: fc.option(name, { nil: null }) }), { nil: null }),
      totals: counts,
      buckets: fc.array(fc.record({ day: fc.nat(30_000), width: fc.integer({ min: 1, max: 60 }), counts }), { maxLength: 30 }),
      sources: fc.dictionary(name, count, { maxKeys: 8 }),
      interests: fc.dictionary(name, fc.record({ score: fc.nat(100_000_000).map((n) => n / 100), t: time }), { maxKeys: 12 }),
      lastPurchase: time,
      traits: fc.dictionary(
        fc.string({ minLength: 1, maxLength: 32 }).filter((s) => s !== '__proto__'),
        fc.oneof(
          fc.boolean(),
          fc.integer({ min: -999_999_999, max: 999_999_999 }).map((n) => n / 100),
          fc.string({ minLength: 1, maxLength: 40 }).filter((v) => cleanTrait(v) === v),
        ),
        { maxKeys: 12 },
      ),
      exp: fc.dictionary(fc.string({ maxLength: 64 }).filter((s) => s !== '__proto__'), fc.string({ maxLength: 64 }), { maxKeys: 8 }),
      exposed: fc.array(fc.string({ maxLength: 64 }), { maxLength: 8 }),
      edgeView: fc.option(fc.record({ id: fc.string({ maxLength: 64 }), medium, source: fc.option(name, { nil: null }), confirmed: fc.boolean() }), { nil: null }),
    });
    fc.assert(
      fc.property(profile, (p) => {
        const s = encodeProfile(p);
        expect(s).toMatch(cookieSafe);
        expect(decodeProfile(s)).toEqual(p);
      }),
      { numRuns: 200 },
    );
  });

  it('sheds old history rather than exceed the cookie ceiling', () => {
    const long = (i: number) => `${i}-${'x'.repeat(60)}`;
    const p: Profile = {
      ...heavyProfile().profile,
      exp: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [long(i), long(i + 100)])),
      exposed: Array.from({ length: 16 }, (_, i) => long(i + 200)),
      traits: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`trait-${i}-${'k'.repeat(20)}`, 'v'.repeat(40)])),
    };
    const s = encodeProfile(p);
    expect(s.length).toBeLessThanOrEqual(MAX_ENCODED_CHARS);
    const d = decodeProfile(s)!;
    expect(d.exp).toEqual(p.exp);
    expect(d.totals).toEqual(p.totals);
    expect(d.buckets.length).toBeLessThan(p.buckets.length);
  });

  describe('rejects malformed input with null, never throwing', () => {
    const valid = encodeProfile(heavyProfile().profile);

    it('garbage, wrong types and huge strings', () => {
      for (const bad of ['', 'a', 'AAAA', '!!!!', 'eyJ2IjoxfQ', valid + '.', valid.replace(/./, '+'), 'A'.repeat(1e6)]) expect(decodeProfile(bad)).toBeNull();
      for (const bad of [undefined, null, 42, {}, ['x']]) expect(decodeProfile(bad as unknown as string)).toBeNull();
      fc.assert(
        fc.property(fc.string({ maxLength: 2000 }), (s) => {
          expect(decodeProfile(s)).toBeNull();
        }),
      );
    });

    it('every truncation and every single-bit flip', () => {
      for (let i = 0; i < valid.length; i++) expect(decodeProfile(valid.slice(0, i))).toBeNull();
      for (let i = 0; i < valid.length; i++) {
        for (let bit = 0; bit < 7; bit++) {
          const flipped = valid.slice(0, i) + String.fromCharCode(valid.charCodeAt(i) ^ (1 << bit)) + valid.slice(i + 1);
          expect(decodeProfile(flipped)).toBeNull();
        }
      }
    });

    // Payloads with a correct checksum, so the structural checks themselves are exercised.
    const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64url');
    const seal = (body: number[]) => {
      const c = crc32(Uint8Array.from(body));
      return b64([...body, c >>> 24, (c >>> 16) & 255, (c >>> 8) & 255, c & 255]);
    };
    const bytesOf = (s: string) => [...Buffer.from(s, 'base64url')];
    const body = (s: string) => bytesOf(s).slice(0, -4);
    // version 1, flags (8: times in seconds), id "x", last, first, seq, lastPurchase, totals mask, then 6 empty lists:
    // indexes 9 buckets, 10 sources, 11 interests, 12 traits, 13 exp, 14 exposed
    const minimal = [1, 8, 4, 120, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    it('accepts a hand-sealed minimal payload (so the cases below fail for the reason they name)', () => {
      expect(decodeProfile(seal(minimal))).toEqual(emptyProfile('x'));
      expect(body(encodeProfile(emptyProfile('x')))).toEqual(minimal);
    });

    it('wrong version, unknown flags, bad medium, trailing bytes', () => {
      expect(decodeProfile(seal([2, ...minimal.slice(1)]))).toBeNull();
      expect(decodeProfile(seal([1, 16, ...minimal.slice(2)]))).toBeNull();
      expect(decodeProfile(seal([1, 12, ...minimal.slice(2)]))).toBeNull(); // edgeView confirmed without an edgeView
      expect(decodeProfile(seal([...minimal, 0]))).toBeNull();
      expect(decodeProfile(seal(minimal.slice(0, -1)))).toBeNull();
      const withEdgeView = body(encodeProfile({ ...emptyProfile('x'), edgeView: { id: 'p', medium: 'email', source: null, confirmed: false } }));
      expect(decodeProfile(seal(withEdgeView))).not.toBeNull();
      expect(withEdgeView[10]).toBe(MEDIA.indexOf('email'));
      withEdgeView[10] = MEDIA.length; // no such medium
      expect(decodeProfile(seal(withEdgeView))).toBeNull();
    });

    it('huge values, counts beyond the safe range and lists beyond their caps', () => {
      const huge = [255, 255, 255, 255, 255, 255, 255, 255, 1]; // a 9-byte varint
      expect(decodeProfile(seal([1, 0, 4, 120, ...huge, ...minimal.slice(5)]))).toBeNull();
      const unsafe = [255, 255, 255, 255, 255, 255, 255, 127]; // 2^56 - 1
      expect(decodeProfile(seal([...minimal.slice(0, 8), 1, ...unsafe, ...minimal.slice(9)]))).toBeNull(); // totals.sessions
      expect(decodeProfile(seal([...minimal.slice(0, 8), 1, 5, ...minimal.slice(9)]))).toEqual({ ...emptyProfile('x'), totals: { sessions: 5 } });
      expect(decodeProfile(seal([...minimal.slice(0, 10), 9, ...minimal.slice(11)]))).toBeNull(); // 9 sources > cap
      const tooManyInterests = [...minimal.slice(0, 11), 13, ...minimal.slice(12)];
      expect(decodeProfile(seal(tooManyInterests))).toBeNull();
    });

    it('duplicate keys, __proto__ keys, invalid UTF-8 and values the fold never keeps', () => {
      const sourceEntry = (name: string) => [name.length * 2 + 2, ...Buffer.from(name)];
      const withSources = (...entries: number[][]) => [...minimal.slice(0, 10), entries.length, ...entries.flat(), ...minimal.slice(11)];
      expect(decodeProfile(seal(withSources([...sourceEntry('a'), 1])))).toMatchObject({ sources: { a: 1 } });
      expect(decodeProfile(seal(withSources([...sourceEntry('a'), 1], [3, 2])))).toBeNull(); // "a" again by reference
      expect(decodeProfile(seal(withSources([...sourceEntry('__proto__'), 1])))).toBeNull();
      expect(decodeProfile(seal(withSources([6, 0xc3, 0x28, 1])))).toBeNull(); // invalid UTF-8
      const withTrait = (tag: number, ...value: number[]) => [...minimal.slice(0, 12), 1, ...sourceEntry('k'), tag, ...value, ...minimal.slice(13)];
      expect(decodeProfile(seal(withTrait(2, ...sourceEntry('ok'))))).toMatchObject({ traits: { k: 'ok' } });
      expect(decodeProfile(seal(withTrait(2, ...sourceEntry('a@b.example'))))).toBeNull(); // an e-mail address
      expect(decodeProfile(seal(withTrait(2, ...sourceEntry(' padded'))))).toBeNull();
      expect(decodeProfile(seal(withTrait(7)))).toBeNull(); // unknown trait type
    });

    it('random sealed bytes: null or a profile that re-encodes to itself', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 80 }), (tail) => {
          const d = decodeProfile(seal([1, tail[0] ?? 0, ...tail.slice(1)]));
          if (d) expect(decodeProfile(encodeProfile(d))).toEqual(d);
        }),
        { numRuns: 2000 },
      );
    });
  });
});

describe('interest clicks', () => {
  it("a track('interest', { category }) adds interest without counting a product view", () => {
    const t = Date.UTC(2026, 0, 10);
    const { profile } = applyEvents(emptyProfile('click'), [{ id: 'c1', seq: 1, ts: t, type: 'track', name: 'interest', props: { category: 'bags' } }], { now: t });
    expect(profile.interests.bags?.score).toBe(1);
    expect(profile.totals.productViews ?? 0).toBe(0);
  });
});
