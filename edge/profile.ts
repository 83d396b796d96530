/**
 * The visitor profile: folding events (and the page request itself) into the
 * compact summary defined in types.ts, and its cookie encoding.
 *
 * Pure functions without I/O: they run unchanged in Node, in the Worker and in
 * the benchmarks. Every function returns a new profile and never mutates its
 * input; unchanged buckets may be shared between the two, so treat profiles as
 * immutable values.
 *
 * Stored resolution (what a profile holds after folding, so encode/decode
 * round-trips exactly): timestamps are whole seconds (ms values, multiples of
 * 1000) in [0, MAX_TS]; counters are non-negative integers (revenue in cents);
 * interest scores and numeric traits are rounded to 2 decimals.
 */
import type { IdentifyEvent, PageEvent, TailorEvent, TrackEvent } from './schema.ts';
import { MEDIA } from './types.ts';
import type { ApplyContext, Bucket, Counter, Counts, Medium, Profile, SourceInfo, TraitValue } from './types.ts';
import { classifySource } from './sources.ts';
import { DAY_MS, DEFAULT_HALF_LIFE_DAYS, dayOf, interestScore } from './metrics.ts';

// ---------------------------------------------------------------- constants

/** Inactivity that ends a session. */
export const SESSION_TIMEOUT_MS = 30 * 60_000;

/** Interests kept (highest decayed score first); entries decayed below 0.005 are dropped. */
export const MAX_INTERESTS = 12;
/** Named sources kept (most sessions first; ties keep the most recently seen). */
export const MAX_SOURCES = 8;
export const MAX_TRAITS = 12;
export const MAX_TRAIT_KEY = 32;
export const MAX_TRAIT_STRING = 40;
/** Numeric traits must satisfy |n| < this (longer numbers are more likely phone numbers than answers). */
export const MAX_TRAIT_NUMBER = 1e7;
export const MAX_EXP = 16;
export const MAX_EXPOSED = 16;
/** Interest categories, source names and campaigns (longer ones are cut to this length). */
export const MAX_NAME = 40;
/** Visitor id, page-view id, experiment and variant ids. */
export const MAX_ID = 64;
/** Interest points per signal: a page declaring the category, a product view, an add-to-cart, a purchase. */
export const INTEREST_WEIGHTS = { page: 1, click: 1, productView: 1, cartAdd: 2, purchase: 3 } as const;
export const MAX_SCORE = 1e6;
/** Largest single purchase value accepted (major units); larger values are clamped. */
export const MAX_PURCHASE_VALUE = 1e7;
/** Latest timestamp kept (ms, about the year 71,000): keeps every time delta a safe integer in the encoding. */
export const MAX_TS = 2 ** 51;

/**
 * Bucket ages. A day's activity lives in a 1-day bucket while it is less than
 * DAY_BUCKETS_DAYS old, then in the bucket of its calendar-aligned week
 * (day % 7 == 0 .. +6; the bucket covers the week's days that are already that
 * old, so it grows day by day to 7), and once that week ended WEEK_BUCKETS_DAYS
 * or more ago, in the bucket of its aligned 28-day block (4 such weeks, growing
 * week by week). Blocks that ended more than MAX_BUCKET_AGE_DAYS ago are dropped
 * (lifetime totals stay in `totals`). With countInWindow's midpoint rule the
 * 7-day window is exact, 30 and 90 are within ±3 days and 365 within ±14 days,
 * in at most ~35 buckets. Nested, calendar-aligned widths make merging
 * independent of when it happens.
 */
export const DAY_BUCKETS_DAYS = 7;
export const WEEK_BUCKETS_DAYS = 90;
export const MAX_BUCKET_AGE_DAYS = 400;
const WEEK = 7;
const BLOCK = 28;

/** Version byte of the cookie encoding (independent of Profile.v). */
export const ENCODING_VERSION = 1;
/**
 * Hard ceiling for an encoded profile: the signed cookie adds about 60 characters
 * and browsers drop cookies over 4096 bytes. Realistic profiles are far below it
 * (a heavy one is ~1 KB); a pathological one sheds data to fit (see encodeProfile).
 */
export const MAX_ENCODED_CHARS = 3500;

// ---------------------------------------------------------------- construction

/** A 16-character url-safe random id (96 bits). */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return toBase64Url(bytes, bytes.length);
}

export function emptyProfile(id: string = randomId()): Profile {
  return {
    v: 1,
    id,
    first: 0,
    last: 0,
    seq: 0,
    session: null,
    totals: {},
    buckets: [],
    sources: {},
    interests: {},
    lastPurchase: 0,
    traits: {},
    exp: {},
    exposed: [],
    edgeView: null,
  };
}

/** A deep copy; with `shareBuckets` the bucket objects are shared (a fold copies one before changing it). */
function cloneProfile(p: Profile, shareBuckets = false): Profile {
  const interests: Profile['interests'] = {};
  for (const k of Object.keys(p.interests)) {
    const e = p.interests[k]!;
    interests[k] = { score: e.score, t: e.t };
  }
  return {
    v: 1,
    id: p.id,
    first: p.first,
    last: p.last,
    seq: p.seq,
    session: p.session ? { ...p.session } : null,
    totals: { ...p.totals },
    buckets: shareBuckets ? [...p.buckets] : p.buckets.map(copyBucket),
    sources: { ...p.sources },
    interests,
    lastPurchase: p.lastPurchase,
    traits: { ...p.traits },
    exp: { ...p.exp },
    exposed: [...p.exposed],
    edgeView: p.edgeView ? { ...p.edgeView } : null,
  };
}

const copyBucket = (b: Bucket): Bucket => ({ day: b.day, width: b.width, counts: { ...b.counts } });

// ---------------------------------------------------------------- folding state

interface Fold {
  p: Profile;
  /** Buckets this fold created or copied, so it may change them; the others still belong to the input too. */
  owned: Set<Bucket>;
  /** Day used to place and age buckets for this fold. */
  today: number;
  host: string | undefined;
  halfLifeMs: number;
  /** Counter increments not yet applied (see count): (target, counter index, n) triples; target 0 is `p.totals`, t + 1 is `touched[t]`. */
  log: number[];
  /** Entries used in `log` (a reused array keeps its old length and capacity). */
  logEnd: number;
  /** Buckets counted into during the fold, in first-touch order. */
  touched: Bucket[];
}

/** A log array to reuse (folds run one at a time; one started from inside another, say by an event's getter, makes its own). */
let spareLog: number[] | null = [];

function startFold(profile: Profile, now: number, host: string | undefined, halfLifeDays: number | undefined): Fold {
  const p = cloneProfile(profile, true);
  const hl = halfLifeDays !== undefined && Number.isFinite(halfLifeDays) && halfLifeDays > 0 ? halfLifeDays : DEFAULT_HALF_LIFE_DAYS;
  // Never age buckets backwards: a profile touched later than `now` keeps its layout.
  const log = spareLog ?? [];
  spareLog = null;
  return { p, owned: new Set(), today: dayOf(Math.max(now, p.last)), host, halfLifeMs: hl * DAY_MS, log, logEnd: 0, touched: [] };
}

const clampMs = (ts: number): number => (Number.isFinite(ts) ? Math.min(MAX_TS, Math.max(0, Math.floor(ts))) : 0);
/** Folded times are whole seconds: finer is meaningless for sessions and decay, and seconds encode shorter. */
const clampTs = (ts: number): number => Math.floor(clampMs(ts) / 1000) * 1000;
const round2 = (x: number): number => Math.round(x * 100) / 100 + 0; // + 0 turns -0 into 0
const satAdd = (a: number | undefined, n: number): number => Math.min(Number.MAX_SAFE_INTEGER, (a ?? 0) + n);
const mod = (a: number, m: number): number => ((a % m) + m) % m;

/**
 * The bucket (start day, width) that `day` belongs to when today is `today`; null
 * when too old to keep. A week (block) that has only partly aged out of the
 * finer zone gets a bucket for its aged part only, growing as days pass.
 */
export function bucketFor(day: number, today: number): { day: number; width: number } | null {
  return placeBucket(day, today) ? { day: placed.day, width: placed.width } : null;
}

/** bucketFor without allocating (it runs for every bucket of every fold): the answer is left in `placed`. */
const placed = { day: 0, width: 0 };
function placeBucket(day: number, today: number): boolean {
  if (today - day < DAY_BUCKETS_DAYS) {
    placed.day = day;
    placed.width = 1;
    return true;
  }
  const week = day - mod(day, WEEK);
  if (today - (week + WEEK - 1) < WEEK_BUCKETS_DAYS) {
    placed.day = week;
    placed.width = Math.min(WEEK, today - DAY_BUCKETS_DAYS - week + 1);
    return true;
  }
  const block = day - mod(day, BLOCK);
  if (today - (block + BLOCK - 1) > MAX_BUCKET_AGE_DAYS) return false;
  const lastAgedWeekEnd = Math.floor((today - WEEK_BUCKETS_DAYS - (WEEK - 1)) / WEEK) * WEEK + WEEK - 1;
  placed.day = block;
  placed.width = Math.min(BLOCK, lastAgedWeekEnd - block + 1);
  return true;
}

function touch(f: Fold, ts: number): void {
  const p = f.p;
  if (p.first === 0 || ts < p.first) p.first = ts;
  if (ts > p.last) p.last = ts;
}

/**
 * Adds to a counter: lifetime total plus the bucket of the event's day. The increments
 * are logged and applied by applyCounts when the fold ends: Counts objects come in many
 * shapes, so each keyed read and write of one is slow, and a batch adds to the same few
 * counters of the same bucket over and over.
 */
function count(f: Fold, counter: Counter, ts: number, n = 1): void {
  const p = f.p;
  const c = counterIndex(counter);
  logCount(f, 0, c, n);
  const day = dayOf(ts);
  const first = p.buckets[0];
  // Most events land in the newest bucket (today's).
  const i = first && day >= first.day && day < first.day + first.width ? 0 : p.buckets.findIndex((b) => day >= b.day && day < b.day + b.width);
  let bucket: Bucket;
  if (i < 0) {
    const key = bucketFor(day, f.today);
    if (!key) return; // older than the retention: lifetime total only
    bucket = own(f, { day: key.day, width: key.width, counts: {} });
    p.buckets.push(bucket);
  } else bucket = p.buckets[i]!;
  const touched = f.touched;
  let t = touched.length - 1;
  if (t < 0 || touched[t] !== bucket) {
    t = touched.indexOf(bucket);
    if (t < 0) t = touched.push(bucket) - 1;
  }
  logCount(f, t + 1, c, n);
}

function logCount(f: Fold, target: number, c: number, n: number): void {
  const log = f.log;
  const at = f.logEnd;
  if (at < log.length) {
    log[at] = target;
    log[at + 1] = c;
    log[at + 2] = n;
  } else log.push(target, c, n);
  f.logEnd = at + 3;
}

/** Applies the logged increments (see count), copying each shared bucket before changing it. */
function applyCounts(f: Fold): void {
  const p = f.p;
  applyLog(p.totals, f.log, f.logEnd, 0);
  for (let t = 0; t < f.touched.length; t++) {
    let bucket = f.touched[t]!;
    if (!f.owned.has(bucket)) {
      const i = p.buckets.indexOf(bucket);
      p.buckets[i] = bucket = own(f, copyBucket(bucket));
    }
    applyLog(bucket.counts, f.log, f.logEnd, t + 1);
  }
  spareLog = f.log;
}

/**
 * Replays the target's increments on local values, exactly as adding one at a time
 * would, then writes each counter once, in first-touch order (the order new keys
 * would have been added in).
 */
function applyLog(counts: Counts, log: readonly number[], end: number, target: number): void {
  const v = logScratch;
  let seen = 0;
  for (let j = 0; j < end; j += 3) {
    if (log[j] !== target) continue;
    const c = log[j + 1]!;
    if (!(seen & (1 << c))) {
      seen |= 1 << c;
      v[c] = counts[COUNTER_ORDER[c]!];
    }
    v[c] = satAdd(v[c], log[j + 2]!);
  }
  for (let j = 0; j < end && seen !== 0; j += 3) {
    if (log[j] !== target) continue;
    const c = log[j + 1]!;
    if (!(seen & (1 << c))) continue;
    seen &= ~(1 << c);
    counts[COUNTER_ORDER[c]!] = v[c];
  }
}
const logScratch: (number | undefined)[] = [];

function own(f: Fold, b: Bucket): Bucket {
  f.owned.add(b);
  return b;
}

/** Name normalisation shared by categories, sources and campaigns: trimmed, lower-case, bounded, well-formed. */
function cleanName(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  if (isCleanAscii(raw)) return raw === '__proto__' ? null : raw;
  const s = wellFormed(raw.trim().toLowerCase().slice(0, MAX_NAME));
  return s && s !== '__proto__' ? s : null;
}

/**
 * True when cleanName would return `s` unchanged, judged without allocating: non-empty,
 * at most MAX_NAME long, ASCII without upper-case letters and no leading or trailing
 * space (the usual category). Anything else takes the full path.
 */
function isCleanAscii(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > MAX_NAME || s.charCodeAt(0) <= 32 || s.charCodeAt(n - 1) <= 32) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || (c >= 65 && c <= 90)) return false;
  }
  return true;
}

function addSource(f: Fold, source: string | null): void {
  const name = cleanName(source);
  if (!name) return;
  const s = f.p.sources;
  // Own properties only: a source named `constructor` must not read Object.prototype.
  if (!Object.hasOwn(s, name)) {
    s[name] = 1;
    return;
  }
  // Move the key last (key order records recency, the tie-breaker when pruning). A copy
  // rather than `delete`, which would turn the object into a slow dictionary.
  const next: Record<string, number> = {};
  for (const k of Object.keys(s)) if (k !== name) next[k] = s[k]!;
  next[name] = satAdd(s[name], 1);
  f.p.sources = next;
}

function addInterest(f: Fold, raw: unknown, weight: number, ts: number): void {
  const cat = cleanName(raw);
  if (cat) addCategory(f, cat, weight, ts);
}

/** Decays the category's score to the later of the two times, then adds the weight. */
function addCategory(f: Fold, cat: string, weight: number, ts: number): void {
  const e = Object.hasOwn(f.p.interests, cat) ? f.p.interests[cat] : undefined;
  if (!e) {
    f.p.interests[cat] = { score: round2(Math.min(MAX_SCORE, weight)), t: ts };
  } else if (ts >= e.t) {
    e.score = round2(Math.min(MAX_SCORE, e.score * Math.pow(2, -(ts - e.t) / f.halfLifeMs) + weight));
    e.t = ts;
  } else {
    // An older signal (out-of-order timestamp): add its weight decayed to the entry's time.
    e.score = round2(Math.min(MAX_SCORE, e.score + weight * Math.pow(2, -(e.t - ts) / f.halfLifeMs)));
  }
}

// ---------------------------------------------------------------- pages and sessions

/*
 * Product views are counted from `product_view` / `view_item` track events only:
 * product pages also send one (the demo store does), so counting product-looking
 * paths as well would count every view twice. Deal views come from the page
 * (a /sale, /sales, /deals, /outlet path segment, or a utm_campaign naming a
 * sale, deal, discount or coupon) and from `deal_view` / `coupon_applied` events;
 * send `deal_view` only for deals the page URL does not show.
 */
const DEAL_PATH = /\/(?:sales?|deals?|outlet)(?![a-z0-9])/i;
const DEAL_CAMPAIGN = /sale|deal|discount|coupon/;

const INTERNAL: SourceInfo = Object.freeze({ medium: 'internal', source: null });

/**
 * A click on the site's own link to a URL without query or fragment: campaign
 * tags and click ids live in the query, so classifySource can only answer
 * `internal` (its rule 4). Most page views are like this; skipping the
 * classifier for them halves the cost of a batch. Anything unusual goes to it.
 */
export function isPlainInternal(url: string, referrer: string | null | undefined, host: string | undefined): boolean {
  return !!referrer && !url.includes('?') && !url.includes('#') && isInternalReferrer(url, referrer, host);
}

/** Whether the referrer's host is the site's (`host`, else the URL's own host). */
function isInternalReferrer(url: string, referrer: string, host: string | undefined): boolean {
  const from = memoHostOf(referrer);
  if (from === null) return false;
  return from === (host ? memoBareHost(host) : hostOf(url));
}

// One-entry memos: a batch repeats the same referrer (the site itself) and host on most pages.
let hostIn = '';
let hostOut: string | null = null;
let bareIn = '';
let bareOut: string | null = null;

function memoHostOf(u: string): string | null {
  if (u !== hostIn) {
    hostOut = hostOf(u);
    hostIn = u;
  }
  return hostOut;
}

function memoBareHost(h: string): string | null {
  if (h !== bareIn) {
    bareOut = bareHost(h);
    bareIn = h;
  }
  return bareOut;
}

/** The host of an http(s) URL, lower-case, without port and `www.`; null for anything else. */
function hostOf(u: string): string | null {
  const start = u.startsWith('https://') ? 8 : u.startsWith('http://') ? 7 : -1;
  if (start < 0) return null;
  let end = start;
  for (; end < u.length; end++) {
    const c = u.charCodeAt(end);
    if (c === 47 || c === 63 || c === 35) break; // / ? #
    if (c === 64 || c === 92 || c === 91 || c === 37) return null; // @ \ [ % : leave to the classifier
  }
  return bareHost(u.slice(start, end));
}

function bareHost(h: string): string | null {
  if (h.includes('[')) return null;
  let s = h.toLowerCase();
  const colon = s.indexOf(':');
  if (colon >= 0) s = s.slice(0, colon);
  if (s.startsWith('www.')) s = s.slice(4);
  return s || null;
}

/**
 * What foldPage needs from a page URL (absolute or relative), found in one pass of
 * string operations (this runs for every page): where the path starts, where the
 * query and the fragment start (the URL's length when absent), and whether the path
 * may hold a deal segment (a `/` followed by s, d or o: most paths skip DEAL_PATH).
 */
const scan = { path: 0, query: 0, hash: 0, mayBeDeal: false };

function scanUrl(url: string): void {
  const n = url.length;
  let i = 0;
  const sep = schemeEnd(url);
  if (sep > 0) {
    for (i = sep + 3; i < n; i++) {
      const c = url.charCodeAt(i);
      if (c === 47 || c === 63 || c === 35) break; // / ? #
    }
  }
  let query = -1;
  let hash = n;
  let deal = false;
  for (let j = i; j < n; j++) {
    const c = url.charCodeAt(j);
    if (c === 35) {
      hash = j;
      break;
    }
    if (query >= 0) continue;
    if (c === 63) query = j;
    else if (c === 47 && j + 1 < n) {
      // The next character is in the path: `?` and `#` never match.
      const d = url.charCodeAt(j + 1) | 0x20;
      if (d === 115 || d === 100 || d === 111) deal = true;
    }
  }
  scan.path = i;
  scan.query = query < 0 ? hash : query;
  scan.hash = hash;
  scan.mayBeDeal = deal;
}

/** The utm_campaign of the URL scanUrl last scanned, cleaned, or null. */
function campaignOf(url: string): string | null {
  const { query, hash } = scan;
  if (query === hash) return null;
  for (let at = url.indexOf('utm_campaign=', query); at >= 0 && at < hash; at = url.indexOf('utm_campaign=', at + 1)) {
    const before = url.charCodeAt(at - 1);
    if (before !== 63 && before !== 38) continue; // must start a parameter (after ? or &)
    let end = url.indexOf('&', at);
    if (end < 0 || end > hash) end = hash;
    return cleanName(decodeParam(url.slice(at + 13, end)));
  }
  return null;
}

/**
 * Where a leading `scheme://` ends (the index of its `:`), or -1. A scheme is a letter,
 * then letters, digits, `+`, `-` or `.`, and shorter than 20 characters.
 */
function schemeEnd(url: string): number {
  const n = Math.min(url.length, 20);
  for (let i = 0; i < n; i++) {
    const c = url.charCodeAt(i);
    const letter = (c | 0x20) >= 97 && (c | 0x20) <= 122;
    if (letter || (i > 0 && ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46))) continue;
    return i > 0 && c === 58 && url.charCodeAt(i + 1) === 47 && url.charCodeAt(i + 2) === 47 ? i : -1;
  }
  return -1;
}

function decodeParam(s: string): string {
  if (!s.includes('%') && !s.includes('+')) return s; // nothing to decode (the usual campaign)
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * Starts or continues the session for a page at `ts`. A new session begins after
 * 30 minutes of inactivity, on a campaign source (anything but internal/direct)
 * different from the session's medium/source, or on a different utm_campaign.
 * A page older than the current session's start never changes the session.
 */
function sessionFor(f: Fold, src: SourceInfo, campaign: string | null, ts: number, deferEmail: boolean): boolean {
  const p = f.p;
  const s = p.session;
  const source = cleanName(src.source);
  if (s) {
    if (ts < s.start) return false;
    const tagged = src.medium !== 'internal' && src.medium !== 'direct';
    const fresh =
      ts - s.last > SESSION_TIMEOUT_MS ||
      (tagged && (src.medium !== s.medium || source !== s.source)) ||
      (campaign !== null && campaign !== s.campaign);
    if (!fresh) {
      if (ts > s.last) s.last = ts;
      return false;
    }
  }
  const medium: Medium = src.medium === 'internal' ? 'direct' : src.medium;
  p.session = { start: ts, last: ts, medium, source, campaign };
  count(f, 'sessions', ts);
  if (!(deferEmail && medium === 'email')) {
    count(f, `sessions.${medium}` as Counter, ts);
    addSource(f, source);
  }
  return true;
}

/**
 * Folds one page view; returns whether it started a session. `deferEmail`: folded
 * from the request, where an e-mail session is only counted once a script confirms it.
 */
function foldPage(f: Fold, url: string, referrer: string | null, ts: number, interests: readonly unknown[] | undefined, deferEmail: boolean): boolean {
  scanUrl(url);
  const plain = !!referrer && scan.query === url.length && isInternalReferrer(url, referrer, f.host);
  const deal = scan.mayBeDeal && DEAL_PATH.test(url.slice(scan.path, scan.query));
  const campaign = campaignOf(url);
  const src = plain ? INTERNAL : classifySource({ url, referrer, host: f.host });
  const started = sessionFor(f, src, campaign, ts, deferEmail);
  count(f, 'pageviews', ts);
  if (deal || (campaign !== null && DEAL_CAMPAIGN.test(campaign))) count(f, 'dealViews', ts);
  addPageInterests(f, interests, ts);
  return started;
}

function addPageInterests(f: Fold, interests: readonly unknown[] | undefined, ts: number): void {
  if (!Array.isArray(interests)) return;
  if (interests.length === 1) {
    // The usual page: one category, no duplicates to track.
    const cat = cleanName(interests[0]);
    if (cat) addCategory(f, cat, INTEREST_WEIGHTS.page, ts);
    return;
  }
  const seen: string[] = [];
  for (let i = 0; i < interests.length && i < 16; i++) {
    const cat = cleanName(interests[i]);
    if (!cat || seen.includes(cat)) continue;
    seen.push(cat);
    addCategory(f, cat, INTEREST_WEIGHTS.page, ts);
  }
}

/** Any event keeps a live session alive; only pages start one. */
function extendSession(f: Fold, ts: number): void {
  const s = f.p.session;
  if (s && ts > s.last && ts - s.last <= SESSION_TIMEOUT_MS) s.last = ts;
}

function applyPage(f: Fold, e: PageEvent, ts: number): void {
  const ev = f.p.edgeView;
  if (e.pvid && ev && e.pvid === ev.id) {
    // The edge already counted this view (and its session) from the request.
    if (!ev.confirmed) {
      f.p.edgeView = { ...ev, confirmed: true };
      if (ev.medium === 'email') {
        count(f, 'sessions.email', ts);
        addSource(f, ev.source);
      }
    }
    extendSession(f, ts);
    addPageInterests(f, e.interests, ts);
    return;
  }
  foldPage(f, String(e.url), e.referrer ?? null, ts, e.interests, false);
}

// ---------------------------------------------------------------- track and identify

function purchaseCents(value: unknown): number | null {
  const v = typeof value === 'number' ? value : typeof value === 'string' && /^\d+(?:\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isFinite(v) || v < 0) return null;
  return Math.round(Math.min(v, MAX_PURCHASE_VALUE) * 100);
}

/**
 * Track names (case-insensitive): product_view | view_item → productViews;
 * add_to_cart → cartAdds; checkout | begin_checkout → checkouts;
 * purchase → purchases, revenue, lastPurchase; deal_view | coupon_applied → dealViews.
 * A string `props.category` adds interest (product view +1, cart +2, purchase +3).
 * Other names only advance seq.
 */
function applyTrack(f: Fold, e: TrackEvent, ts: number): void {
  extendSession(f, ts);
  const props = e.props ?? {};
  switch (String(e.name).toLowerCase()) {
    case 'product_view':
    case 'view_item':
      count(f, 'productViews', ts);
      addInterest(f, props.category, INTEREST_WEIGHTS.productView, ts);
      break;
    case 'add_to_cart':
      count(f, 'cartAdds', ts);
      addInterest(f, props.category, INTEREST_WEIGHTS.cartAdd, ts);
      break;
    case 'checkout':
    case 'begin_checkout':
      count(f, 'checkouts', ts);
      break;
    case 'purchase': {
      count(f, 'purchases', ts);
      const cents = purchaseCents(props.value);
      if (cents) count(f, 'revenue', ts, cents);
      if (ts > f.p.lastPurchase) f.p.lastPurchase = ts;
      addInterest(f, props.category, INTEREST_WEIGHTS.purchase, ts);
      break;
    }
    case 'deal_view':
    case 'coupon_applied':
      count(f, 'dealViews', ts);
      break;
    case 'interest':
      // A click on a `data-tailor-interest` element: interest without a product view.
      addInterest(f, props.category, INTEREST_WEIGHTS.click, ts);
      break;
  }
}

const PII_KEY = /^(?:e-?mail(?:_?address)?|phone(?:_?number)?|mobile|tel(?:ephone)?|password|ssn)$/i;
const EMAIL_LIKE = /[^\s@]+@[^\s@]+/;
const PHONE_LIKE = /^(?:tel|phone|mobile)?[:\s]*[+\d\s\-().\/]+$/i;

/** A trait value worth keeping, or undefined (drop). E-mail addresses and phone numbers are never kept. */
export function cleanTrait(v: unknown): TraitValue | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    const n = round2(v);
    return Number.isFinite(n) && Math.abs(n) < MAX_TRAIT_NUMBER ? n : undefined;
  }
  if (typeof v !== 'string') return undefined;
  const s = wellFormed(v.trim());
  if (!s || s.length > MAX_TRAIT_STRING || EMAIL_LIKE.test(s)) return undefined;
  if (PHONE_LIKE.test(s) && (s.match(/\d/g)?.length ?? 0) >= 7) return undefined;
  return s;
}

function applyIdentify(f: Fold, e: IdentifyEvent, ts: number): void {
  extendSession(f, ts);
  const traits = f.p.traits;
  for (const [key, raw] of Object.entries(e.traits ?? {})) {
    if (!key || key.length > MAX_TRAIT_KEY || key === '__proto__' || key !== wellFormed(key) || PII_KEY.test(key)) continue;
    delete traits[key]; // a rejected new value also removes the stale old one; re-insertion orders by recency
    if (raw === null) continue;
    const v = cleanTrait(raw);
    if (v !== undefined) traits[key] = v;
  }
  const keys = Object.keys(traits);
  for (let i = 0; i < keys.length - MAX_TRAITS; i++) delete traits[keys[i]!]; // oldest first
}

// ---------------------------------------------------------------- finishing a fold

/** Ages buckets into wider ones, drops expired ones, keeps the top interests and sources. */
function finishFold(f: Fold, now: number): Profile {
  const p = f.p;
  applyCounts(f);
  p.buckets = compactBuckets(f);
  pruneInterests(p, Math.max(now, p.last), f.halfLifeMs / DAY_MS);
  pruneSources(p);
  return p;
}

/** Merges each bucket into the one its age now calls for (see bucketFor); newest first. */
function compactBuckets(f: Fold): Bucket[] {
  if (isCompact(f.p.buckets, f.today)) return f.p.buckets;
  const byDay = new Map<number, Bucket>();
  for (const b of f.p.buckets) {
    const key = bucketFor(b.day, f.today);
    if (!key) continue;
    // Never split: a bucket its target does not cover (e.g. one aged by a later clock) stays as is.
    const covers = key.day <= b.day && key.day + key.width >= b.day + b.width;
    const day = covers ? key.day : b.day;
    const width = covers ? key.width : b.width;
    let into = byDay.get(day);
    if (!into) {
      byDay.set(day, day === b.day && width === b.width ? b : own(f, { day, width, counts: { ...b.counts } }));
      continue;
    }
    if (!f.owned.has(into)) byDay.set(day, (into = own(f, copyBucket(into))));
    into.width = Math.max(into.width, width);
    for (const k in b.counts) {
      const c = k as Counter;
      const n = b.counts[c];
      if (n !== undefined) into.counts[c] = satAdd(into.counts[c], n);
    }
  }
  return [...byDay.values()].sort((a, b) => b.day - a.day);
}

/** True when every bucket already has the place its age calls for, newest first without overlap (the usual case). */
function isCompact(buckets: readonly Bucket[], today: number): boolean {
  let prevStart = Number.POSITIVE_INFINITY;
  for (const b of buckets) {
    if (!placeBucket(b.day, today) || placed.day !== b.day || placed.width !== b.width || b.day + b.width > prevStart) return false;
    prevStart = b.day;
  }
  return true;
}

function pruneInterests(p: Profile, now: number, halfLifeDays: number): void {
  // The usual case, without allocating: few enough entries and none faded.
  let n = 0;
  let keepAll = true;
  for (const k in p.interests) {
    if (++n > MAX_INTERESTS || !(interestScore(p, k, now, halfLifeDays) >= 0.005)) {
      keepAll = false;
      break;
    }
  }
  if (keepAll) return;
  const ranked = Object.keys(p.interests)
    .map((k) => ({ k, s: interestScore(p, k, now, halfLifeDays) }))
    .filter((x) => x.s >= 0.005)
    .sort((a, b) => b.s - a.s || (a.k < b.k ? -1 : 1));
  if (ranked.length === Object.keys(p.interests).length && ranked.length <= MAX_INTERESTS) return;
  const keep = new Set(ranked.slice(0, MAX_INTERESTS).map((x) => x.k));
  for (const k of Object.keys(p.interests)) if (!keep.has(k)) delete p.interests[k];
}

function pruneSources(p: Profile): void {
  const names = Object.keys(p.sources);
  if (names.length <= MAX_SOURCES) return;
  // Most sessions first; on a tie the later key (more recently seen) wins.
  const keep = new Set(
    names
      .map((k, i) => ({ k, i, n: p.sources[k]! }))
      .sort((a, b) => b.n - a.n || b.i - a.i)
      .slice(0, MAX_SOURCES)
      .map((x) => x.k),
  );
  for (const k of names) if (!keep.has(k)) delete p.sources[k];
}

// ---------------------------------------------------------------- public folding API

/**
 * Folds a batch of SDK events into the profile. Events are applied in seq order;
 * any event with seq <= the profile's seq (including a repeat inside the batch) is
 * a replay and ignored, so applying the same batch twice changes the profile once.
 * Event times are clamped to `context.now` when given: the edge should pass its
 * own clock, since a browser clock far ahead would otherwise age buckets early.
 * `duplicates` counts the replays ignored.
 */
export function applyEvents(
  profile: Profile,
  events: readonly TailorEvent[],
  context: ApplyContext = {},
): { profile: Profile; applied: number; duplicates: number } {
  const sorted = validInSeqOrder(events);
  const ctxNow = context.now !== undefined && Number.isFinite(context.now) ? clampTs(context.now) : undefined;
  // Fresh events: those with a seq above the profile's and every earlier one.
  let seq = profile.seq;
  let applied = 0;
  let latest = Number.NEGATIVE_INFINITY;
  for (const e of sorted) {
    if (e.seq <= seq) continue;
    seq = e.seq;
    applied++;
    if (ctxNow === undefined) latest = Math.max(latest, clampTs(e.ts));
  }
  const duplicates = sorted.length - applied;
  if (applied === 0) return { profile: cloneProfile(profile), applied: 0, duplicates };

  const now = ctxNow ?? latest;
  const f = startFold(profile, now, context.host, context.halfLifeDays);
  seq = profile.seq;
  for (const e of sorted) {
    if (e.seq <= seq) continue;
    seq = e.seq;
    const ts = ctxNow !== undefined ? Math.min(clampTs(e.ts), ctxNow) : clampTs(e.ts);
    touch(f, ts);
    f.p.seq = Math.min(Number.MAX_SAFE_INTEGER, Math.floor(e.seq));
    if (e.type === 'page') applyPage(f, e, ts);
    else if (e.type === 'track') applyTrack(f, e, ts);
    else if (e.type === 'identify') applyIdentify(f, e, ts);
  }
  return { profile: finishFold(f, now), applied, duplicates };
}

/** The events that have a finite seq, in seq order (stable); the input array itself when it already is that. */
function validInSeqOrder(events: readonly TailorEvent[]): readonly TailorEvent[] {
  let prev = Number.NEGATIVE_INFINITY;
  let i = 0;
  for (; i < events.length; i++) {
    const e = events[i];
    if (!e || typeof e !== 'object' || !Number.isFinite(e.seq) || e.seq < prev) break;
    prev = e.seq;
  }
  if (i === events.length) return events;
  const sorted: TailorEvent[] = [];
  let inOrder = true;
  for (const e of events) {
    if (!e || typeof e !== 'object' || !Number.isFinite(e.seq)) continue;
    if (sorted.length > 0 && e.seq < sorted[sorted.length - 1]!.seq) inOrder = false;
    sorted.push(e);
  }
  if (!inOrder) sorted.sort((a, b) => a.seq - b.seq); // stable: an in-order batch would come out unchanged
  return sorted;
}

export interface PageRequest {
  url: string;
  referrer?: string | null;
  /** The site's host, for internal referrers. */
  host?: string;
  /** Id the edge gives this page view; the SDK echoes it in its page event. */
  pvid: string;
  now: number;
  halfLifeDays?: number;
  /** Categories the edge knows for this page. Leave empty if the page declares them through the SDK (they would count twice). */
  interests?: string[];
}

/**
 * Folds the page request itself in before evaluation, exactly as a page event
 * would be, and records it as `edgeView` so the SDK's page event for the same
 * view (same pvid) is not counted again. A new e-mail session is counted in
 * `sessions` at once but in `sessions.email` and `sources` only when the SDK
 * confirms the view: mail scanners follow every link without running scripts.
 *
 * `edgeView.medium/source` describe the session start this view is waiting to
 * confirm: the new session's medium when the request started one, `email` again
 * when it continued a still-unconfirmed e-mail session, otherwise `internal`/null.
 * Folding the same pvid twice (a retried request) changes nothing.
 */
export function foldRequest(profile: Profile, req: PageRequest): Profile {
  const pvid = String(req.pvid).slice(0, MAX_ID);
  if (profile.edgeView?.id === pvid) return cloneProfile(profile);
  const now = clampTs(req.now);
  const f = startFold(profile, now, req.host, req.halfLifeDays);
  const prev = f.p.edgeView;
  const pendingEmail = prev && !prev.confirmed && prev.medium === 'email' ? prev : null;
  touch(f, now);
  const started = foldPage(f, String(req.url), req.referrer ?? null, now, req.interests, true);
  const s = f.p.session;
  f.p.edgeView =
    started && s
      ? { id: pvid, medium: s.medium, source: s.source, confirmed: false }
      : pendingEmail
        ? { id: pvid, medium: 'email', source: pendingEmail.source, confirmed: false }
        : { id: pvid, medium: 'internal', source: null, confirmed: false };
  return finishFold(f, now);
}

// ---------------------------------------------------------------- encoding

/*
 * Layout (all integers unsigned LEB128 varints unless noted; "zz" = zigzag signed):
 *   u8 version | u8 flags (1 session, 2 edgeView, 4 edgeView.confirmed, 8 times in seconds)
 *   str id | last | time first | seq | time lastPurchase
 *   [session: time start, time last, u8 medium, str source, str campaign]
 *   [edgeView: str id, u8 medium, str source]
 *   counts totals
 *   n buckets, then in nibble varints (3 bits + continuation, padded to a byte):
 *     (zz(gap)·4 + widthCode) [width when code 3], counts — newest first, gap in days
 *   n sources: str name, count | n interests: str name, score·100, time t
 *   n traits: str key, tag (0 false, 1 true, 2 string, 3 number), [str | zz(value·100)]
 *   n exp: str key, str variant | n exposed: str
 *   u32 CRC-32 (big-endian) of everything before
 * time(x) = 0 for 0, else zz(last − x) + 1, in seconds when flag 8 (every time is whole seconds), else ms. counts = presence mask (counters in
 * COUNTER_ORDER, most common first; in buckets XORed with the previous bucket's
 * mask) then the present values.
 * str: 0 = null, 2·len+2 = UTF-8 literal, 2·i+1 = the i-th literal already written.
 * The whole is base64url without padding (cookie-safe, no dots).
 */

/** Counter order inside a counts mask: the usual counters of a visit fit one varint byte. */
const COUNTER_ORDER: readonly Counter[] = [
  'sessions',
  'pageviews',
  'sessions.direct',
  'productViews',
  'sessions.search',
  'sessions.email',
  'sessions.social',
  'dealViews',
  'cartAdds',
  'checkouts',
  'purchases',
  'revenue',
  'sessions.referral',
  'sessions.paid',
  'sessions.chatbot',
];
const countScratch = new Float64Array(COUNTER_ORDER.length);
const ALL_COUNTERS = (1 << COUNTER_ORDER.length) - 1;
const WIDTH_CODES = [1, WEEK, BLOCK] as const;
const MAX_WIDTH = 10_000;
const MAX_LIST = 64;

class Writer {
  buf = new Uint8Array(2048);
  n = 0;
  /** 1000 when every time is whole seconds, else 1 (ms). */
  unit = 1;
  /** Literals written so far, by index (a cookie holds a few dozen: a linear scan beats a Map here). */
  strings: string[] = [];

  /** One writer is reused (encoding is synchronous): no buffer allocation per cookie. */
  reset(): Writer {
    this.n = 0;
    this.unit = 1;
    this.strings.length = 0;
    return this;
  }
  /** Room for `k` more bytes. */
  ensure(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf);
    this.buf = next;
  }
  byte(b: number): void {
    if (this.n === this.buf.length) this.ensure(1);
    this.buf[this.n++] = b;
  }
  uv(x: number): void {
    let v = x;
    if (v < 128) return this.byte(v);
    this.ensure(8);
    const buf = this.buf;
    let n = this.n;
    for (; v >= 0x80000000; v = Math.floor(v / 128)) buf[n++] = (v % 128) | 128;
    for (; v >= 128; v >>>= 7) buf[n++] = (v & 127) | 128;
    buf[n++] = v;
    this.n = n;
  }
  zz(x: number): void {
    this.uv(x >= 0 ? x * 2 : -x * 2 - 1);
  }
  str(s: string | null): void {
    if (s === null) return this.byte(0);
    const strings = this.strings;
    for (let i = 0; i < strings.length; i++) if (strings[i] === s) return this.uv(i * 2 + 1);
    strings.push(s);
    // Optimistically as ASCII (one pass); rewritten through TextEncoder on the first other character.
    const start = this.n;
    this.uv(s.length * 2 + 2);
    this.ensure(s.length);
    const buf = this.buf;
    let n = this.n;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 127) {
        this.n = start;
        const bytes = textEncoder.encode(s);
        this.uv(bytes.length * 2 + 2);
        for (const b of bytes) this.byte(b);
        return;
      }
      buf[n++] = c;
    }
    this.n = n;
  }
}

const writer = new Writer();

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** Thrown inside decoding; never escapes decodeProfile. */
class Malformed extends Error {}
const fail = (): never => {
  throw new Malformed();
};

class Reader {
  pos = 0;
  unit = 1;
  strings: string[] = [];
  bytes: Uint8Array;
  end: number;
  constructor(bytes: Uint8Array, end: number) {
    this.bytes = bytes;
    this.end = end;
  }
  byte(): number {
    if (this.pos >= this.end) fail();
    return this.bytes[this.pos++]!;
  }
  uv(max = Number.MAX_SAFE_INTEGER): number {
    let v = 0;
    let scale = 1;
    if (this.pos < this.end) {
      // Most integers are one byte.
      const b = this.bytes[this.pos]!;
      if (b < 128) {
        this.pos++;
        if (b > max) fail();
        return b;
      }
    }
    for (let i = 0; ; i++) {
      if (i === 8) fail();
      const b = this.byte();
      v += (b & 127) * scale;
      if (b < 128) break;
      scale *= 128;
    }
    if (v > max) fail();
    return v;
  }
  zz(maxAbs: number): number {
    const u = this.uv();
    const v = u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    if (Math.abs(v) > maxAbs) fail();
    return v + 0;
  }
  str(maxLen: number, nullable = false): string | null {
    const tag = this.uv();
    if (tag === 0) return nullable ? null : fail();
    if (tag % 2 === 1) {
      const s = this.strings[(tag - 1) / 2];
      if (s === undefined || s.length > maxLen) fail();
      return s!;
    }
    const len = (tag - 2) / 2;
    if (len > maxLen * 3 || this.pos + len > this.end) fail();
    const bytes = this.bytes;
    const start = this.pos;
    const stop = start + len;
    let h = len;
    let ascii = true;
    for (let i = start; i < stop; i++) {
      const b = bytes[i]!;
      if (b > 127) {
        ascii = false;
        break;
      }
      h = (Math.imul(h, 31) + b) | 0;
    }
    let s: string;
    if (!ascii) s = textDecoder.decode(bytes.subarray(start, stop));
    else {
      // Cookies repeat the same names (categories, sources, ids): most are found here without allocating.
      const slot = (h ^ (h >>> 8)) & (STR_CACHE_SIZE - 1);
      const cached = strCache[slot]!;
      if (cached.length === len && sameAscii(cached, bytes, start)) s = cached;
      else {
        s = '';
        for (let i = start; i < stop; i++) s += String.fromCharCode(bytes[i]!);
        strCache[slot] = s;
      }
    }
    this.pos = stop;
    if (s.length > maxLen) fail();
    this.strings.push(s);
    return s;
  }
  /** A record key not read before in this record: `seen` lists the record's keys so far (and gets this one). */
  key(maxLen: number, seen: string[]): string {
    const k = this.str(maxLen)!;
    if (k === '__proto__' || seen.includes(k)) fail();
    seen.push(k);
    return k;
  }
}

/** Recently decoded ASCII strings, by a hash of their bytes (see Reader.str). */
const STR_CACHE_SIZE = 256;
const strCache: string[] = new Array<string>(STR_CACHE_SIZE).fill('');

function sameAscii(s: string, bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== bytes[at + i]) return false;
  return true;
}

const intIn = (x: unknown, max: number): number => (typeof x === 'number' && x > 0 ? Math.min(max, Math.floor(x)) : 0);
const timeIn = (x: unknown): number => (typeof x === 'number' ? clampMs(x) : 0);
const mediumIndex = (m: unknown): number => Math.max(0, MEDIA.indexOf(m as Medium));
const clip = (s: unknown, max: number): string => (typeof s === 'string' ? s.slice(0, max) : '');

/** A time as its distance from `last`, in the profile's time unit (seconds when every time allows). */
function writeTime(w: Writer, last: number, x: unknown): void {
  const t = timeIn(x);
  if (t === 0) return w.byte(0);
  const d = (last - t) / w.unit;
  w.uv((d >= 0 ? d * 2 : -d * 2 - 1) + 1);
}

function readTime(r: Reader, last: number): number {
  const u = r.uv();
  if (u === 0) return 0;
  const d = (u - 1) % 2 === 0 ? (u - 1) / 2 : -u / 2;
  const t = last - d * r.unit;
  if (t <= 0 || t > MAX_TS) fail();
  return t;
}

/** Whether every time in the profile is whole seconds (they then encode in seconds). */
function allWholeSeconds(p: Profile): boolean {
  const whole = (t: unknown): boolean => timeIn(t) % 1000 === 0;
  if (!whole(p.last) || !whole(p.first) || !whole(p.lastPurchase)) return false;
  if (p.session && (!whole(p.session.start) || !whole(p.session.last))) return false;
  for (const k in p.interests) if (!whole(p.interests[k]?.t)) return false;
  return true;
}

/**
 * Gathers the counters present in `counts` into `countScratch` (as written: whole,
 * non-negative, safe) and returns their presence mask. for-in rather than one named read
 * per counter: Counts objects come in many shapes (keys are added in event order), and
 * 15 megamorphic reads cost several times more than enumerating the few keys present.
 */
function gatherCounts(counts: Counts): number {
  const v = countScratch;
  let mask = 0;
  for (const k in counts) {
    const i = counterIndex(k);
    if (i < 0) continue;
    const x = counts[k as Counter];
    if (x === undefined) continue;
    v[i] = intIn(x, Number.MAX_SAFE_INTEGER);
    mask |= 1 << i;
  }
  return mask;
}

/** Lifetime totals: the presence mask, then the present values (byte varints). */
function writeTotals(w: Writer, counts: Counts): void {
  const mask = gatherCounts(counts);
  w.uv(mask);
  for (let i = 0; mask >> i !== 0; i++) if (mask & (1 << i)) w.uv(countScratch[i]!);
}

function readTotals(r: Reader): Counts {
  const mask = r.uv(ALL_COUNTERS);
  const c = newCounts();
  for (let i = 0; mask >> i !== 0; i++) if (mask & (1 << i)) setCount(c, i, r.uv());
  return c;
}

/*
 * The bucket section is most of a cookie, so it is written and read with local state
 * rather than through Writer/Reader methods. Its integers are nibble varints: 3 bits plus
 * a continuation bit, two to a byte, low nibble first. `at` is the position in nibbles:
 * 2·(bytes used) + 1 while the last byte's high nibble is still free (or unread).
 */

/** Worst case of one bucket: head, width, mask and 15 counters of up to 18 nibbles each. */
const BUCKET_MAX_BYTES = 160;

function writeBuckets(w: Writer, all: readonly Bucket[], lastDay: number): void {
  const buckets = all.length > MAX_LIST ? all.slice(0, MAX_LIST) : all;
  w.uv(buckets.length);
  let at = w.n * 2;
  let prevStart = lastDay + 1;
  let prevMask = 0;
  for (const b of buckets) {
    w.n = at >> 1;
    w.ensure(BUCKET_MAX_BYTES);
    const buf = w.buf;
    const width = Math.max(1, intIn(b.width, MAX_WIDTH));
    const day = intIn(b.day, dayOf(MAX_TS));
    const gap = prevStart - (day + width);
    const code = width === 1 ? 0 : width === WEEK ? 1 : width === BLOCK ? 2 : 3; // WIDTH_CODES
    at = putNibbles(buf, at, (gap >= 0 ? gap * 2 : -gap * 2 - 1) * 4 + code);
    if (code === 3) at = putNibbles(buf, at, width);
    // Counts: the presence mask XORed with the previous bucket's (neighbours mostly share it), then the values.
    const mask = gatherCounts(b.counts ?? {});
    at = putNibbles(buf, at, mask ^ prevMask);
    for (let i = 0; mask >> i !== 0; i++) if (mask & (1 << i)) at = putNibbles(buf, at, countScratch[i]!);
    prevMask = mask;
    prevStart = day;
  }
  w.n = at >> 1; // a half-filled last byte keeps a zero high nibble
}

function putNibbles(buf: Uint8Array, at: number, x: number): number {
  let v = x;
  // Bit operations are exact below 2^31; larger values take the float path.
  for (; v >= 0x80000000; v = Math.floor(v / 8)) at = putNibble(buf, at, (v % 8) | 8);
  for (; v >= 8; v >>>= 3) at = putNibble(buf, at, (v & 7) | 8);
  return putNibble(buf, at, v);
}

function putNibble(buf: Uint8Array, at: number, x: number): number {
  if (at & 1) {
    buf[(at >> 1) - 1]! |= x << 4;
    return at - 1;
  }
  buf[at >> 1] = x;
  return at + 3;
}

function readBuckets(r: Reader, into: Bucket[], lastDay: number): void {
  const nb = r.uv(MAX_LIST);
  const bytes = r.bytes;
  const end = r.end;
  let at = r.pos * 2;
  let prevStart = lastDay + 1;
  let mask = 0;
  for (let i = 0; i < nb; i++) {
    const head = getNibbles(bytes, end, at, Number.MAX_SAFE_INTEGER);
    at = nibblesEnd;
    const code = head % 4;
    const z = (head - code) / 4;
    const gap = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    let width: number;
    if (code < 3) width = WIDTH_CODES[code]!;
    else {
      width = getNibbles(bytes, end, at, MAX_WIDTH);
      at = nibblesEnd;
      if (width < 1 || width === 1 || width === WEEK || width === BLOCK) fail(); // those have a code
    }
    const day = prevStart - gap - width;
    if (day < 0 || day > dayOf(MAX_TS)) fail();
    mask = getNibbles(bytes, end, at, ALL_COUNTERS) ^ mask;
    at = nibblesEnd;
    const counts = newCounts();
    for (let k = 0; mask >> k !== 0; k++) {
      if (!(mask & (1 << k))) continue;
      setCount(counts, k, getNibbles(bytes, end, at, Number.MAX_SAFE_INTEGER));
      at = nibblesEnd;
    }
    into.push({ day, width, counts });
    prevStart = day;
  }
  if (at & 1 && bytes[(at >> 1) - 1]! >> 4 !== 0) fail(); // padding must be zero
  r.pos = at >> 1;
}

/** Where the nibble varint getNibbles read last ended. */
let nibblesEnd = 0;

function getNibbles(bytes: Uint8Array, end: number, from: number, max: number): number {
  let at = from;
  let v = 0;
  let scale = 1;
  for (let i = 0; ; i++) {
    if (i === 18) fail();
    let x: number;
    if (at & 1) {
      x = bytes[(at >> 1) - 1]! >> 4;
      at -= 1;
    } else {
      if (at >> 1 >= end) fail();
      x = bytes[at >> 1]! & 15;
      at += 3;
    }
    v += (x & 7) * scale;
    if (x < 8) break;
    scale *= 8;
  }
  nibblesEnd = at;
  return v > max ? fail() : v;
}

/**
 * A plain object (its prototype is Object.prototype) that V8 allocates with room for
 * many properties in the object itself; `{}` has room for 4 and reallocates an
 * overflow store as decoded counters are added.
 */
const newCounts = (): Counts => new (CountsObject as unknown as new () => Counts)();
function CountsObject(): void {}
CountsObject.prototype = Object.prototype;

/**
 * The counter's place in COUNTER_ORDER, or -1. Keys are internalized strings, so
 * comparing against the candidates of the key's length (one to four) beats a Map.
 */
function counterIndex(k: string): number {
  switch (k.length) {
    case 7:
      return k === 'revenue' ? 11 : -1;
    case 8:
      return k === 'sessions' ? 0 : k === 'cartAdds' ? 8 : -1;
    case 9:
      return k === 'pageviews' ? 1 : k === 'purchases' ? 10 : k === 'dealViews' ? 7 : k === 'checkouts' ? 9 : -1;
    case 12:
      return k === 'productViews' ? 3 : -1;
    case 13:
      return k === 'sessions.paid' ? 13 : -1;
    case 14:
      return k === 'sessions.email' ? 5 : -1;
    case 15:
      return k === 'sessions.direct' ? 2 : k === 'sessions.search' ? 4 : k === 'sessions.social' ? 6 : -1;
    case 16:
      return k === 'sessions.chatbot' ? 14 : -1;
    case 17:
      return k === 'sessions.referral' ? 12 : -1;
    default:
      return -1;
  }
}
for (let i = 0; i < COUNTER_ORDER.length; i++) if (counterIndex(COUNTER_ORDER[i]!) !== i) throw new Error('counterIndex out of step with COUNTER_ORDER');

// Named property stores (below) are several times faster than keyed stores by a variable name.

function setCount(c: Counts, i: number, v: number): void {
  switch (i) {
    case 0: c.sessions = v; break;
    case 1: c.pageviews = v; break;
    case 2: c['sessions.direct'] = v; break;
    case 3: c.productViews = v; break;
    case 4: c['sessions.search'] = v; break;
    case 5: c['sessions.email'] = v; break;
    case 6: c['sessions.social'] = v; break;
    case 7: c.dealViews = v; break;
    case 8: c.cartAdds = v; break;
    case 9: c.checkouts = v; break;
    case 10: c.purchases = v; break;
    case 11: c.revenue = v; break;
    case 12: c['sessions.referral'] = v; break;
    case 13: c['sessions.paid'] = v; break;
    default: c['sessions.chatbot'] = v;
  }
}

/** The first `max` keys of a record that pass `ok` (hand-built profiles may exceed the caps). */
function keysOf<T>(o: Record<string, T> | undefined, max: number, ok: (k: string, v: T) => boolean): string[] {
  const out: string[] = [];
  if (!o) return out;
  for (const k of Object.keys(o)) {
    if (out.length === max) break;
    if (ok(k, o[k]!)) out.push(k);
  }
  return out;
}

// Record filters for writeProfile, hoisted so that encoding allocates no closures.
const nameOk = (k: string): boolean => k.length <= MAX_NAME;
const traitOk = (k: string, v: TraitValue): boolean => k.length <= MAX_TRAIT_KEY && cleanTrait(v) === v;
const expOk = (k: string, v: string): boolean => k.length <= MAX_ID && typeof v === 'string' && v.length <= MAX_ID;

function writeProfile(p: Profile): Uint8Array {
  const w = writer.reset();
  const last = timeIn(p.last);
  const s = p.session;
  const ev = p.edgeView;
  w.unit = allWholeSeconds(p) ? 1000 : 1;
  w.byte(ENCODING_VERSION);
  w.byte((s ? 1 : 0) | (ev ? 2 : 0) | (ev?.confirmed ? 4 : 0) | (w.unit === 1000 ? 8 : 0));
  w.str(clip(p.id, MAX_ID));
  w.uv(last / w.unit);
  writeTime(w, last, p.first);
  w.uv(intIn(p.seq, Number.MAX_SAFE_INTEGER));
  writeTime(w, last, p.lastPurchase);
  if (s) {
    writeTime(w, last, s.start);
    writeTime(w, last, s.last);
    w.byte(mediumIndex(s.medium));
    w.str(s.source === null ? null : clip(s.source, MAX_NAME));
    w.str(s.campaign === null ? null : clip(s.campaign, MAX_NAME));
  }
  if (ev) {
    w.str(clip(ev.id, MAX_ID));
    w.byte(mediumIndex(ev.medium));
    w.str(ev.source === null ? null : clip(ev.source, MAX_NAME));
  }
  writeTotals(w, p.totals ?? {});
  writeBuckets(w, p.buckets ?? [], dayOf(last));

  const sources = keysOf(p.sources, MAX_SOURCES, nameOk);
  w.uv(sources.length);
  for (const k of sources) {
    w.str(k);
    w.uv(intIn(p.sources[k], Number.MAX_SAFE_INTEGER));
  }
  const interests = keysOf(p.interests, MAX_INTERESTS, nameOk);
  w.uv(interests.length);
  for (const k of interests) {
    const e = p.interests[k];
    w.str(k);
    w.uv(Math.round(Math.min(MAX_SCORE, Math.max(0, Number(e?.score) || 0)) * 100));
    writeTime(w, last, e?.t);
  }
  const traits = keysOf(p.traits, MAX_TRAITS, traitOk);
  w.uv(traits.length);
  for (const k of traits) {
    const v = p.traits[k]!;
    w.str(k);
    if (typeof v === 'boolean') w.byte(v ? 1 : 0);
    else if (typeof v === 'string') {
      w.byte(2);
      w.str(v);
    } else {
      w.byte(3);
      w.zz(Math.round(v * 100));
    }
  }
  const exp = keysOf(p.exp, MAX_EXP, expOk);
  w.uv(exp.length);
  for (const k of exp) {
    w.str(k);
    w.str(p.exp[k]!);
  }
  const exposed = (p.exposed ?? []).slice(0, MAX_EXPOSED).filter((x) => typeof x === 'string' && x.length <= MAX_ID);
  w.uv(exposed.length);
  for (const x of exposed) w.str(x);

  const crc = crc32(w.buf, w.n);
  w.byte(crc >>> 24);
  w.byte((crc >>> 16) & 255);
  w.byte((crc >>> 8) & 255);
  w.byte(crc & 255);
  return w.buf.subarray(0, w.n);
}

function readProfile(bytes: Uint8Array): Profile {
  const n = bytes.length - 4;
  if (n < 2) fail();
  const stored = ((bytes[n]! << 24) | (bytes[n + 1]! << 16) | (bytes[n + 2]! << 8) | bytes[n + 3]!) >>> 0;
  if (crc32(bytes, n) !== stored) fail();
  const r = new Reader(bytes, n);
  if (r.byte() !== ENCODING_VERSION) fail();
  const flags = r.byte();
  if (flags > 15 || (flags & 4 && !(flags & 2))) fail();
  r.unit = flags & 8 ? 1000 : 1;
  const p = emptyProfile(r.str(MAX_ID)!);
  const last = (p.last = r.uv(MAX_TS / r.unit) * r.unit);
  p.first = readTime(r, last);
  p.seq = r.uv();
  p.lastPurchase = readTime(r, last);
  const medium = (): Medium => MEDIA[r.byte()] ?? fail();
  if (flags & 1) {
    p.session = { start: readTime(r, last), last: readTime(r, last), medium: medium(), source: r.str(MAX_NAME, true), campaign: r.str(MAX_NAME, true) };
  }
  if (flags & 2) {
    p.edgeView = { id: r.str(MAX_ID)!, medium: medium(), source: r.str(MAX_NAME, true), confirmed: (flags & 4) !== 0 };
  }
  p.totals = readTotals(r);
  readBuckets(r, p.buckets, dayOf(last));

  // Each record starts empty, so a key already in it is a key read before (a duplicate).
  const seen: string[] = [];
  const ns = r.uv(MAX_SOURCES);
  for (let i = 0; i < ns; i++) {
    const k = r.key(MAX_NAME, seen);
    p.sources[k] = r.uv();
  }
  seen.length = 0;
  const ni = r.uv(MAX_INTERESTS);
  for (let i = 0; i < ni; i++) {
    const k = r.key(MAX_NAME, seen);
    p.interests[k] = { score: r.uv(MAX_SCORE * 100) / 100, t: readTime(r, last) };
  }
  seen.length = 0;
  const nt = r.uv(MAX_TRAITS);
  for (let i = 0; i < nt; i++) {
    const k = r.key(MAX_TRAIT_KEY, seen);
    const tag = r.byte();
    let v: TraitValue;
    if (tag === 0 || tag === 1) v = tag === 1;
    else if (tag === 2) v = r.str(MAX_TRAIT_STRING)!;
    else if (tag === 3) v = r.zz(MAX_TRAIT_NUMBER * 100 - 1) / 100;
    else return fail();
    if (cleanTrait(v) !== v) fail();
    p.traits[k] = v;
  }
  seen.length = 0;
  const ne = r.uv(MAX_EXP);
  for (let i = 0; i < ne; i++) {
    const k = r.key(MAX_ID, seen);
    p.exp[k] = r.str(MAX_ID)!;
  }
  const nx = r.uv(MAX_EXPOSED);
  for (let i = 0; i < nx; i++) p.exposed.push(r.str(MAX_ID)!);
  if (r.pos !== n) fail();
  return p;
}

/**
 * Degraded copies tried in turn when a profile does not fit MAX_ENCODED_CHARS
 * (only possible with unusually long ids or values): older history and
 * zero-party extras go first, experiment assignments last.
 */
const SHED: ((p: Profile) => void)[] = [
  (p) => (p.buckets = p.buckets.filter((b) => b.day + b.width > dayOf(p.last) - 90)),
  (p) => (p.traits = {}),
  (p) => {
    p.sources = Object.fromEntries(Object.entries(p.sources).slice(-3));
    p.interests = Object.fromEntries(Object.entries(p.interests).slice(0, 4));
    p.buckets = p.buckets.filter((b) => b.width === 1);
  },
  (p) => (p.exposed = []),
  (p) => (p.exp = {}),
];

/**
 * The profile as a compact cookie-safe string (base64url). Values are written at
 * the resolution the fold keeps (ms timestamps, integer counters, 2-decimal
 * scores), so `decodeProfile(encodeProfile(p))` deep-equals any profile the fold
 * produced. Over-long strings or lists beyond the caps (possible only in
 * hand-built profiles) are cut or dropped rather than rejected.
 */
export function encodeProfile(p: Profile): string {
  let bytes = writeProfile(p);
  if (base64UrlLength(bytes.length) > MAX_ENCODED_CHARS) {
    const copy = cloneProfile(p);
    for (const shed of SHED) {
      shed(copy);
      bytes = writeProfile(copy);
      if (base64UrlLength(bytes.length) <= MAX_ENCODED_CHARS) break;
    }
  }
  return toBase64Url(bytes, bytes.length);
}

/** The profile in an encoded string, or null for anything malformed. Never throws. */
export function decodeProfile(s: string): Profile | null {
  if (typeof s !== 'string' || s.length > MAX_ENCODED_CHARS) return null;
  const bytes = fromBase64Url(s);
  if (!bytes) return null;
  try {
    return readProfile(bytes);
  } catch {
    return null; // Malformed, or invalid UTF-8 from TextDecoder
  }
}

// ---------------------------------------------------------------- base64url, CRC-32, strings

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_CODES = Uint8Array.from(B64, (c) => c.charCodeAt(0));
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_INDEX[B64.charCodeAt(i)] = i;
// Two characters per lookup: B64_PAIR maps 12 bits to their two characters as one
// 16-bit store (in platform byte order); B64_PAIR_INDEX maps two 7-bit character
// codes to their 12 bits, or -1 when either is not in the alphabet.
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const B64_PAIR = new Uint16Array(4096);
const B64_PAIR_INDEX = new Int16Array(128 * 128).fill(-1);
for (let i = 0; i < 64; i++) {
  for (let j = 0; j < 64; j++) {
    const a = B64_CODES[i]!;
    const b = B64_CODES[j]!;
    B64_PAIR[(i << 6) | j] = LITTLE_ENDIAN ? a | (b << 8) : (a << 8) | b;
    B64_PAIR_INDEX[(a << 7) | b] = (i << 6) | j;
  }
}

const base64UrlLength = (n: number): number => Math.ceil((n * 4) / 3);

// Native and several times faster than String.fromCharCode over the codes.
const asciiDecoder = new TextDecoder();

/** Reused output buffers (encoding is synchronous): allocating a typed array per cookie costs more than the loop. */
let b64Out = new Uint8Array(0);
let b64Out16 = new Uint16Array(0);
let b64In = new Uint8Array(0);

function toBase64Url(bytes: Uint8Array, n: number): string {
  const len = base64UrlLength(n);
  if (b64Out.length < len) {
    b64Out = new Uint8Array(Math.max(len + 1, 4096) & ~1);
    b64Out16 = new Uint16Array(b64Out.buffer);
  }
  const out = b64Out;
  const out16 = b64Out16;
  let i = 0;
  let k = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out16[k++] = B64_PAIR[v >> 12]!;
    out16[k++] = B64_PAIR[v & 4095]!;
  }
  let o = k * 2;
  if (n - i === 1) {
    const v = bytes[i]!;
    out[o++] = B64_CODES[v >> 2]!;
    out[o++] = B64_CODES[(v & 3) << 4]!;
  } else if (n - i === 2) {
    const v = (bytes[i]! << 8) | bytes[i + 1]!;
    out[o++] = B64_CODES[v >> 10]!;
    out[o++] = B64_CODES[(v >> 4) & 63]!;
    out[o++] = B64_CODES[(v & 15) << 2]!;
  }
  return asciiDecoder.decode(out.subarray(0, len));
}

/**
 * Strict: only the alphabet, no padding, and unused trailing bits must be zero (one string per byte sequence).
 * The result is a view of a buffer reused by the next call: decode it before decoding another string.
 */
function fromBase64Url(s: string): Uint8Array | null {
  const rem = s.length % 4;
  if (rem === 1) return null;
  const len = Math.floor((s.length * 3) / 4);
  if (b64In.length < len) b64In = new Uint8Array(Math.max(len, 4096));
  const out = b64In;
  let o = 0;
  let i = 0;
  // Whole groups of 4 characters (3 bytes) first; an invalid character makes `v` negative.
  for (const whole = s.length - rem; i < whole; i += 4) {
    const c0 = s.charCodeAt(i);
    const c1 = s.charCodeAt(i + 1);
    const c2 = s.charCodeAt(i + 2);
    const c3 = s.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) > 127) return null;
    const v = (B64_PAIR_INDEX[(c0 << 7) | c1]! << 12) | B64_PAIR_INDEX[(c2 << 7) | c3]!;
    if (v < 0) return null;
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  let acc = 0;
  let bits = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? B64_INDEX[c]! : -1;
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
    }
  }
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) return null;
  return out.subarray(0, len);
}

// Slicing-by-8 tables: CRC_T[k·256 + b] = the CRC of byte b followed by k zero bytes (k = 0 is the classic table).
const CRC_T = new Int32Array(8 * 256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_T[n] = c;
}
for (let n = 0; n < 256; n++) {
  for (let k = 1; k < 8; k++) {
    const prev = CRC_T[(k - 1) * 256 + n]!;
    CRC_T[k * 256 + n] = CRC_T[prev & 255]! ^ (prev >>> 8);
  }
}

function crc32(bytes: Uint8Array, n: number): number {
  const T = CRC_T;
  let c = -1;
  let i = 0;
  for (; i + 7 < n; i += 8) {
    c ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    const d = bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24);
    c =
      T[1792 + (c & 255)]! ^
      T[1536 + ((c >>> 8) & 255)]! ^
      T[1280 + ((c >>> 16) & 255)]! ^
      T[1024 + (c >>> 24)]! ^
      T[768 + (d & 255)]! ^
      T[512 + ((d >>> 8) & 255)]! ^
      T[256 + ((d >>> 16) & 255)]! ^
      T[d >>> 24]!;
  }
  for (; i < n; i++) c = T[(c ^ bytes[i]!) & 255]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** Replaces lone surrogates so the UTF-8 round trip is exact. */
function wellFormed(s: string): string {
  return s.isWellFormed() ? s : s.toWellFormed();
}
