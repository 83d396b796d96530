/**
 * The Tailor SDK: captures page views and actions, keeps them in an IndexedDB
 * outbox shared by every tab, sends them to the edge in batches and redraws the
 * slots whose offer changed. Written for size (the script tag is budgeted at
 * 2.2 KB brotli): module-level closures and short locals rather than classes,
 * because only local names survive minification shortened.
 */
import { createStore, update, type UseStore } from 'idb-keyval';
import type { CollectReply, TailorEvent } from '../edge/schema.ts';
import type { Command, PageOptions, Props, SegmentExplanation, SegmentsListener, TailorGlobal } from './sdk.d.ts';
import { cleanUrl, list, scrub } from './privacy.ts';

type Ev = TailorEvent;
/** The outbox: last seq allocated, queued events (oldest first), events dropped to the bound. */
interface Box {
  s: number;
  q: Ev[];
  d: number;
}

const GRANTED = 'granted';
const REVOKED = 'revoked';
const PENDING = 'pending';
const MAX = 1000;
const BATCH = 20;

const box = (): Box => ({ s: 0, q: [], d: 0 });
const noop = () => {};

const base = '/__tailor/';
let consentState: string;
let store: UseStore | 0;
/** Memory outbox: used while consent is pending and whenever IndexedDB is unavailable. */
let mem = box();
/** This tab's events not yet handed to a request, for the beacon when the page hides. */
let pending: Ev[] = [];
/** Last seq this tab allocated; corrected inside the outbox transaction. */
let seq = 0;
/** No sending before this time (back-off after 5xx/429/network errors). */
let waitUntil = 0;
let failures = 0;
let timer: ReturnType<typeof setTimeout> | 0 = 0;
/** The flush chain (never rejects) and the queued, not yet started run. */
let chain: Promise<any> = Promise.resolve();
let queued: Promise<any> | 0 = 0;
let lastUrl = '';
/** The pageview id the edge folded from this document's request (first page event only). */
let pvid: string | undefined;
let lastSegments: string | undefined;
const listeners: SegmentsListener[] = [];

const meta = (name: string) => document.querySelector<HTMLMetaElement>(`meta[name="tailor:${name}"]`)?.content;
const warn = (a: unknown, b?: unknown) => console.warn('tailor:', a, b);
const body = (events: Ev[]) => JSON.stringify({ v: 1, events });
const ids = (events: Ev[]) => events.map((e) => e.id);
/**
 * Every request to the edge (same origin, so cookies travel). Bodies go as text/plain,
 * which the edge accepts like JSON. keepalive lets a request outlive the page, within
 * the browser's 64 KB budget: only bodies of at most 20,000 characters (60 KB of UTF-8)
 * use it (`body[2e4]` exists only for longer ones).
 */
const req = (path: string, body?: string) =>
  // A request that never answers must not hold the flush lock (and so every tab) for minutes.
  fetch(base + path, { method: body && 'POST', body, keepalive: !body?.[2e4], signal: AbortSignal.timeout?.(3e4) });
const segs = (): Promise<{ segments: string[]; explanations: SegmentExplanation[] }> => req('segments').then((r) => r.json());

/**
 * Runs `f` on the outbox in one IndexedDB readwrite transaction (atomic across
 * tabs), or on the memory outbox while consent is pending or when IndexedDB fails.
 */
const edit = async (f: (o: Box) => void): Promise<Box> => {
  if (store && consentState != PENDING)
    try {
      let r = mem;
      await update<Box>('o', (o = box()) => (f(o), (r = o)), store);
      return r;
    } catch {
      store = 0;
    }
  f(mem);
  return mem;
};

/** Appends an event: its seq is fixed in the same transaction, so outbox order is seq order in every tab. */
const put = (o: Box, e: Ev) => {
  e.seq = o.s = Math.max(o.s + 1, e.seq);
  o.d += o.q.splice(0, o.q.push(e) - MAX).length;
};

const add = (e: Partial<Ev>) => {
  if (consentState == REVOKED) return;
  const ts = Date.now();
  const ev = { ...e, id: crypto.getRandomValues(new Uint32Array(4)).join('-'), seq: (seq = Math.max(seq + 1, ts)), ts } as Ev;
  pending.push(ev);
  edit((o) => put(o, ev)).then((o) => {
    if (e.type == 'page' || o.q.length >= BATCH) flushSoon();
    else timer ||= setTimeout(() => ((timer = 0), flushSoon()), 2000);
  });
};

const sendBatch = async () => {
  let done: string[] = [];
  for (;;) {
    let batch: Ev[] = [];
    await edit((o) => {
      o.q = o.q.filter((e) => !done.includes(e.id));
      if (consentState == GRANTED && Date.now() >= waitUntil) {
        batch = o.q.slice(0, BATCH);
        // keepalive bodies must stay small (see req); a single larger event goes alone
        while (batch[1] && body(batch)[2e4]) batch.pop();
      }
      // Another tab may have sent our events: keep only what is still queued and not in this batch.
      const left = ids(o.q.slice(batch.length));
      pending = pending.filter((e) => left.includes(e.id));
    });
    if (!batch[0]) return;
    done = [];
    try {
      const r = await req('collect', body(batch));
      if (!(r.status < 500 && r.status != 429)) throw r;
      done = ids(batch);
      failures = 0;
      (r.ok ? (r.json() as Promise<CollectReply>).then(apply) : r.text().then((t) => warn(r.status, t))).catch(noop);
    } catch (x) {
      const ms = +(x as Response).headers?.get('retry-after')! * 1e3 || Math.min(6e4, 1e3 * 2 ** failures++) * (0.5 + Math.random());
      waitUntil = Date.now() + ms;
      setTimeout(flushSoon, ms);
    }
  }
};

/** One flush at a time per tab, and one tab at a time (Web Locks), so no event is sent twice. */
const flushSoon = () =>
  (queued ||= chain = chain
    .then((): Promise<unknown> => ((queued = 0), navigator.locks?.request('tailor', sendBatch) ?? sendBatch()))
    .catch(noop));

/**
 * The page is going away: beacon this tab's events that no request has taken yet.
 * A beacon is never confirmed, so the events stay in the outbox and the next page
 * sends them again if needed; the edge ignores an event id it has already applied.
 */
const hide = () => {
  if (consentState == GRANTED) for (let b; (b = pending.splice(0, BATCH))[0]; ) navigator.sendBeacon(base + 'collect', body(b));
};

const explain = (f?: SegmentsListener) =>
  segs()
    .then((r) => (f ? [f] : listeners).map((g) => g(r.segments, r.explanations)))
    .catch(noop);

/** Redraws only the slots whose offer changed, so a slot the edge already filled never flashes. */
const apply = (r: CollectReply) => {
  document.querySelectorAll<HTMLElement>('[data-tailor-slot]').forEach((el) => {
    const d = el.dataset;
    const s = r.slots[d.tailorSlot!];
    if (s && d.tailorSegment != s.segment) {
      el.innerHTML = s.html;
      d.tailorSegment = s.segment;
    }
  });
  if (r.rejected[0]) warn(r.rejected);
  if (r.segments + '' != lastSegments) {
    lastSegments = r.segments + '';
    if (listeners[0]) explain();
  }
};

const page = (p: PageOptions = {}) => {
  const url = location.href;
  add({
    type: 'page',
    url: cleanUrl(p.url || url, url),
    referrer: cleanUrl(p.referrer ?? (lastUrl || document.referrer), url),
    title: (p.title ?? document.title).slice(0, 256),
    interests: (p.interests || list(meta('interests'))).slice(0, 16),
    pvid,
  });
  pvid = undefined;
  lastUrl = url;
};

const track = (name: string, props?: Props) => add({ type: 'track', name, props: scrub(props) });

const reset = () => {
  mem = box();
  pending = [];
  lastSegments = undefined;
  return edit((o) => void (o.q = [])) as Promise<unknown> as Promise<void>;
};

export const tailor: TailorGlobal = {
  // The profile cookie is HttpOnly: the edge forgets it.
  reset: () => (req('reset', '{}').catch(noop), reset()),
  page,
  track,
  identify: (traits) => add({ type: 'identify', traits: scrub(traits) }),
  consent(granted) {
    const state = granted ? GRANTED : REVOKED;
    // Set here too, so the very next collect request already carries the choice; the edge's reply re-sets it.
    document.cookie = `tailor_consent=${state};path=/;max-age=34560000`;
    req('consent', `{"state":"${state}"}`).catch(noop);
    if (!granted) {
      consentState = state; // before reset, so the purge reaches IndexedDB too
      reset();
    } else if (consentState != GRANTED) {
      consentState = state;
      const held = mem.q;
      mem.q = [];
      edit((o) => held.map((e) => put(o, e))).then(flushSoon);
    }
  },
  segments: () => segs().then((r) => r.segments),
  on(_event, f) {
    listeners.push(f);
    explain(f);
    return () => void listeners.splice(listeners.indexOf(f) >>> 0, 1);
  },
  flush: () => ((waitUntil = 0), flushSoon()) as Promise<void>,
  push: (c) => (tailor as unknown as Record<string, (...a: unknown[]) => unknown>)[c[0]]?.(...c.slice(1)),
};

/**
 * Reads the consent state, records the first page view and starts listening, once
 * the document is parsed (the edge's meta tags, the title and the slots may follow
 * this script in the HTML). Then replays the calls the snippet
 * `window.tailor = window.tailor || []; tailor.push(['track', 'signup'])` queued, in
 * order, and replaces the queue with the API, whose `push` keeps working.
 */
export const start = () => (document.readyState == 'loading' ? addEventListener('DOMContentLoaded', init) : init());

const init = () => {
  // The edge's meta is authoritative (it read the tailor_consent cookie and Sec-GPC); without it, GPC means pending.
  consentState = meta('consent') || ((navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl ? PENDING : GRANTED);
  pvid = meta('pvid');
  store = createStore('tailor', 'outbox');
  if (consentState == REVOKED) reset();
  page();
  const nav = () => setTimeout(() => location.href != lastUrl && page());
  for (const m of ['pushState', 'replaceState'] as const) {
    const f = history[m];
    history[m] = function (this: History, ...a: Parameters<History['pushState']>) {
      f.apply(this, a);
      nav();
    };
  }
  addEventListener('popstate', nav);
  addEventListener('pagehide', hide);
  // Hidden may be the last moment a mobile page lives: send now, by keepalive fetch, confirmed.
  addEventListener('visibilitychange', () => document.hidden && flushSoon());
  addEventListener('online', tailor.flush);
  addEventListener(
    'click',
    (e) => {
      const el = (e.target as Element).closest?.<HTMLElement>('[data-tailor-interest]');
      if (el) list(el.dataset.tailorInterest).map((category) => track('interest', { category }));
    },
    true,
  );
  const queue = window.tailor;
  window.tailor = tailor;
  (queue as Command[] | undefined)?.map?.(tailor.push);
};
