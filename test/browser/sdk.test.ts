/**
 * The SDK (dist/t.js, served by the Worker as /__tailor/t.js) in real Chromium,
 * against the Worker exactly as `npm start` runs it (wrangler dev, local D1):
 * offline delivery across a reload, two tabs sharing one outbox, IndexedDB
 * unavailable, SPA page views and slot updates, the pagehide beacon, 4xx and
 * 503 handling, consent, the queue snippet, URL scrubbing and segment listeners.
 *
 * What reached the edge is read two ways: the D1 `events` table through the admin
 * API (deduplicated by event id, so it proves nothing was lost), and the bodies of
 * the collect requests that got a reply (proves nothing was sent twice).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../support/browser.ts';
import { ROOT, startWorker, TEST_ADMIN_TOKEN, type WorkerServer } from '../support/worker-server.ts';

interface SentEvent {
  id: string;
  seq: number;
  type: string;
  name?: string;
  url?: string;
  referrer?: string;
  pvid?: string;
  props?: Record<string, unknown>;
  traits?: Record<string, unknown>;
}
interface Visitor {
  ctx: BrowserContext;
  page: Page;
  /** Events of collect requests that got a reply, with the reply status, in arrival order. */
  sent: { status: number; kind: string; contentType: string; events: SentEvent[] }[];
  errors: string[];
  warnings: string[];
  /** Accepted events (2xx replies), optionally of one track name. */
  accepted(name?: string): SentEvent[];
  watch(page: Page): Page;
}

let worker: WorkerServer;
let browser: Browser;
let userAgent = '';

// Under CI a missing Chromium must fail (launchBrowser throws), never skip.
const enabled = hasChromium || process.env.CI === 'true';

beforeAll(async () => {
  if (!enabled) return;
  [worker, browser] = await Promise.all([startWorker(), launchBrowser()]);
  // A desktop Chrome user agent: the edge leaves bots (HeadlessChrome) unpersonalised.
  userAgent = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Safari/537.36`;
});

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

async function counts(): Promise<{ page: number; track: number; identify: number }> {
  const r = await fetch(`${worker.url}/__tailor/api/events/count`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  const body = (await r.json()) as { byType: Record<string, number> };
  return { page: 0, track: 0, identify: 0, ...body.byType };
}

/**
 * The counts once earlier writes have landed: the edge writes reports after a
 * short coalescing delay (off the response path), so a page view answered a moment
 * ago may not be in D1 yet. Reads until two reads 300 ms apart agree.
 */
async function settledCounts(): Promise<Awaited<ReturnType<typeof counts>>> {
  let last = await counts();
  for (;;) {
    await new Promise((r) => setTimeout(r, 300));
    const now = await counts();
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
  }
}

/** Polls D1 until the type counts grew by `delta`, then checks they stay there (no late duplicates). */
async function expectStored(before: Awaited<ReturnType<typeof counts>>, delta: Partial<Awaited<ReturnType<typeof counts>>>, timeout = 15_000) {
  const grown = async () => {
    const now = await counts();
    return Object.fromEntries(Object.keys(delta).map((k) => [k, now[k as keyof typeof now] - before[k as keyof typeof before]]));
  };
  await expect.poll(grown, { timeout, interval: 200 }).toEqual(delta);
  await new Promise((r) => setTimeout(r, 600));
  expect(await grown()).toEqual(delta);
}

async function newVisitor(opts: { gpc?: boolean; init?: () => void } = {}): Promise<Visitor> {
  const ctx = await browser.newContext({ userAgent, extraHTTPHeaders: opts.gpc ? { 'sec-gpc': '1' } : {} });
  if (opts.init) await ctx.addInitScript(opts.init);
  const v: Visitor = {
    ctx,
    page: undefined as unknown as Page,
    sent: [],
    errors: [],
    warnings: [],
    accepted: (name) =>
      v.sent
        .filter((s) => s.status === 200)
        .flatMap((s) => s.events)
        .filter((e) => name === undefined || e.name === name),
    watch(page) {
      page.on('pageerror', (e) => v.errors.push(String(e)));
      page.on('console', async (m) => {
        if (m.type() !== 'warning' || !m.text().startsWith('tailor:')) return;
        v.warnings.push(JSON.stringify(await Promise.all(m.args().map((a) => a.jsonValue()))));
      });
      return page;
    },
  };
  ctx.on('requestfinished', async (req) => {
    if (req.method() !== 'POST' || !req.url().endsWith('/__tailor/collect')) return;
    const res = await req.response();
    v.sent.push({
      status: res?.status() ?? 0,
      kind: req.resourceType(),
      contentType: (await req.allHeaders())['content-type'] ?? '',
      events: (JSON.parse(req.postData() ?? '{}') as { events?: SentEvent[] }).events ?? [],
    });
  });
  v.page = v.watch(await ctx.newPage());
  return v;
}

/** Opens a page and waits until the SDK has started and its first page event was answered. */
async function open(page: Page, path = '/'): Promise<void> {
  const answered = page.waitForResponse((r) => r.url().endsWith('/__tailor/collect'));
  await page.goto(worker.url + path);
  await page.waitForFunction(() => window.tailor && !Array.isArray(window.tailor));
  await answered;
}

/** The IndexedDB outbox as the SDK stored it (null when nothing was ever stored). */
function outbox(page: Page): Promise<{ q: SentEvent[]; d: number } | null> {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const req = indexedDB.open('tailor');
        req.onupgradeneeded = () => req.result.createObjectStore('outbox');
        req.onsuccess = () => {
          const get = req.result.transaction('outbox').objectStore('outbox').get('o');
          get.onsuccess = () => {
            req.result.close();
            resolve(get.result ?? null);
          };
        };
      }),
  );
}
const queued = async (page: Page) => (await outbox(page))?.q.length ?? 0;

/**
 * The accepted events once at least `n` have been observed. Playwright reports a
 * request after its reply, through CDP and an async handler: on a loaded machine that
 * can lag D1 already holding the events, so wait for the client-side view to catch up.
 * Extra (duplicate) events still fail the exact assertions that follow.
 */
async function acceptedAtLeast(v: Visitor, n: number, name?: string): Promise<SentEvent[]> {
  await expect.poll(() => v.accepted(name).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(n);
  return v.accepted(name);
}

const ids = (events: SentEvent[]) => events.map((e) => e.id);

describe.skipIf(!enabled)('SDK in Chromium against the Worker', () => {
  it('delivers 100 events tracked offline exactly once after a reload', async () => {
    const v = await newVisitor();
    await open(v.page);
    const before = await settledCounts();
    await v.ctx.setOffline(true);
    await v.page.evaluate(() => {
      for (let i = 0; i < 100; i++) window.tailor!.push(['track', 'offline', { i }]);
    });
    await expect.poll(() => queued(v.page)).toBe(100);
    await v.page.reload().catch(() => {}); // offline: the reload fails and the events exist only in IndexedDB
    // Close Chromium's error page (it would reload by itself once online); a new tab of the same browser sends.
    await v.page.close();
    await v.ctx.setOffline(false);
    v.page = v.watch(await v.ctx.newPage());
    await open(v.page, '/shoes/');
    await expectStored(before, { track: 100, page: 1 });
    const offline = await acceptedAtLeast(v, 100, 'offline');
    expect(offline).toHaveLength(100);
    expect(new Set(ids(offline)).size).toBe(100);
    expect(offline.map((e) => e.props!.i)).toEqual([...Array(100).keys()]); // in order, oldest first
    await expect.poll(() => queued(v.page)).toBe(0);
    expect((await outbox(v.page))!.d).toBe(0);
    expect(v.errors).toEqual([]);
    await v.ctx.close();
  });

  it('bounds the outbox at 1,000 events, dropping the oldest and counting them; reset() empties it', async () => {
    const v = await newVisitor();
    await open(v.page);
    await v.ctx.setOffline(true);
    await v.page.evaluate(() => {
      for (let i = 0; i < 1010; i++) window.tailor!.push(['track', 'bounded', { i }]);
    });
    await expect.poll(async () => (await outbox(v.page))?.d, { timeout: 30_000 }).toBe(10);
    const box = (await outbox(v.page))!;
    expect(box.q).toHaveLength(1000);
    expect(box.q[0]!.props!.i).toBe(10);
    expect(box.q.at(-1)!.props!.i).toBe(1009);
    await v.page.evaluate(() => window.tailor!.push(['reset']));
    expect(await queued(v.page)).toBe(0); // reset() forgets the unsent events
    // Online again with nothing left to send, reset() also has the edge forget the HttpOnly profile cookie.
    expect((await v.ctx.cookies()).some((c) => c.name === 'tailor_p')).toBe(true);
    await v.ctx.setOffline(false);
    await v.page.evaluate(() => (window.tailor as unknown as { reset(): Promise<void> }).reset());
    await expect.poll(async () => (await v.ctx.cookies()).some((c) => c.name === 'tailor_p')).toBe(false);
    expect(v.errors).toEqual([]);
    await v.ctx.close();
  });

  it('shares one outbox between two tabs without losing or doubling an event', async () => {
    const v = await newVisitor();
    const second = v.watch(await v.ctx.newPage());
    await Promise.all([v.page.goto(worker.url + '/'), second.goto(worker.url + '/shoes/')]);
    // Either tab may send both page views: the outbox is shared.
    await expect.poll(() => v.accepted().filter((e) => e.type === 'page').length, { timeout: 10_000 }).toBe(2);
    const before = await settledCounts();
    await Promise.all(
      [v.page, second].map((p, tab) =>
        p.evaluate(
          (tab) =>
            new Promise<void>((done) => {
              let i = 0;
              const tick = () => {
                window.tailor!.push(['track', 'tabs', { tab, i }]);
                if (++i < 60) setTimeout(tick, Math.random() * 15);
                else done();
              };
              tick();
            }),
          tab,
        ),
      ),
    );
    await expectStored(before, { track: 120 });
    const tabs = await acceptedAtLeast(v, 120, 'tabs');
    expect(new Set(ids(tabs)).size).toBe(120);
    expect(tabs).toHaveLength(120); // Web Locks: one tab sends at a time, each event once
    // seq is allocated in the outbox transaction, so it increases in outbox (= send) order
    const seqs = v.accepted().map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(v.errors).toEqual([]);
    await v.ctx.close();
  });

  const blocked: [string, () => void][] = [
    ['window.indexedDB is undefined', () => Object.defineProperty(window, 'indexedDB', { value: undefined })],
    [
      'indexedDB.open throws',
      () => {
        IDBFactory.prototype.open = () => {
          throw new DOMException('The operation is insecure.', 'SecurityError');
        };
      },
    ],
    [
      'opening fails asynchronously (private mode)',
      () => {
        IDBFactory.prototype.open = function () {
          const req = { error: new DOMException('blocked', 'InvalidStateError') } as unknown as IDBOpenDBRequest & { onerror?: () => void };
          setTimeout(() => req.onerror?.());
          return req;
        };
      },
    ],
  ];
  for (const [what, init] of blocked) {
    it(`keeps working in memory when ${what}`, async () => {
      const v = await newVisitor({ init });
      await open(v.page);
      const before = await settledCounts();
      await v.page.evaluate(() => {
        for (let i = 0; i < 3; i++) window.tailor!.push(['track', 'no_idb', { i }]);
        return window.tailor!.push(['flush']);
      });
      await expectStored(before, { track: 3 });
      expect(await acceptedAtLeast(v, 3, 'no_idb')).toHaveLength(3);
      expect(v.accepted().filter((e) => e.type === 'page')).toHaveLength(1);
      expect(v.errors).toEqual([]);
      await v.ctx.close();
    });
  }

  it('counts SPA navigations, and redraws only the slots whose offer changed', async () => {
    // Record slot changes from the moment the parsed page is complete (the edge's own fill is parsing, not a redraw).
    const v = await newVisitor({
      init: () =>
        document.addEventListener('DOMContentLoaded', () => {
          const w = window as unknown as { slotChanges: string[] };
          w.slotChanges = [];
          new MutationObserver((records) => {
            for (const r of records) {
              const slot = (r.target as Element).closest?.('[data-tailor-slot]') ?? r.target.parentElement?.closest('[data-tailor-slot]');
              if (slot) w.slotChanges.push(slot.getAttribute('data-tailor-slot')!);
            }
          }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
        }),
    });
    await open(v.page);
    const banner = v.page.locator('[data-tailor-slot="banner"]');
    const edgeSegment = await banner.getAttribute('data-tailor-segment');
    expect(edgeSegment).toBeTruthy(); // the edge filled it in the HTML
    await v.page.waitForTimeout(300);
    expect(await v.page.evaluate(() => (window as unknown as { slotChanges: string[] }).slotChanges)).toEqual([]); // same offer: no flash

    // A stale slot is redrawn from the reply to the next page event.
    await banner.evaluate((el) => {
      el.setAttribute('data-tailor-segment', 'stale');
      el.innerHTML = '<p>stale</p>';
    });
    const before = await settledCounts();
    const reply = v.page.waitForResponse((r) => r.url().endsWith('/__tailor/collect'));
    await v.page.evaluate(() => history.pushState({}, '', '/spa/step-1?email=jo%40example.com&ref=2'));
    await reply;
    await expect.poll(() => banner.getAttribute('data-tailor-segment')).toBe(edgeSegment);
    expect(await banner.innerHTML()).not.toContain('stale');

    await v.page.evaluate(() => history.replaceState({ step: 1 }, '')); // same URL: not a page view
    await v.page.evaluate(() => history.back()); // popstate
    await expectStored(before, { page: 2 });
    const pageEvents = () => v.accepted().filter((e) => e.type === 'page');
    await expect.poll(() => pageEvents().length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3); // see acceptedAtLeast
    const pages = pageEvents();
    expect(pages.map((e) => [e.url, e.referrer])).toEqual([
      [`${worker.url}/`, ''],
      [`${worker.url}/spa/step-1?ref=2`, `${worker.url}/`],
      [`${worker.url}/`, `${worker.url}/spa/step-1?ref=2`],
    ]);
    expect(pages[0]!.pvid).toBe(await v.page.locator('meta[name="tailor:pvid"]').getAttribute('content'));
    expect(pages.slice(1).every((e) => e.pvid === undefined)).toBe(true);
    await v.ctx.close();
  });

  it('beacons unsent events on pagehide, and delivers them when the page goes away', async () => {
    const v = await newVisitor();
    await open(v.page);
    // A live page: the beacon is observable (Chromium reports requests of documents that are gone to no one).
    await v.page.evaluate(() => {
      window.tailor!.push(['track', 'hidden']);
      dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    });
    await expect.poll(() => v.sent.filter((s) => s.kind === 'ping').flatMap((s) => s.events.map((e) => e.name))).toEqual(['hidden']);
    const ping = v.sent.find((s) => s.kind === 'ping')!;
    expect([ping.status, ping.contentType]).toEqual([200, 'text/plain;charset=UTF-8']);

    const before = await settledCounts();
    await v.page.evaluate(() => window.tailor!.push(['track', 'leaving']));
    await v.page.goto('about:blank'); // runs no SDK: only what left during pagehide can deliver the event
    await expectStored(before, { track: 1 });
    await v.ctx.close();
  });

  it('drops a batch the edge refuses (4xx) with one warning, and keeps sending', async () => {
    const v = await newVisitor();
    await open(v.page);
    const before = await settledCounts();
    await v.page.evaluate(() => {
      window.tailor!.push(['track', 'too_big', { blob: 'x'.repeat(70_000) }]); // over the 64 KB batch limit: 413
      window.tailor!.push(['track', 'after_big']);
      return window.tailor!.push(['flush']);
    });
    await expectStored(before, { track: 1 });
    await acceptedAtLeast(v, 1, 'after_big');
    expect(v.sent.filter((s) => s.status === 413).flatMap((s) => s.events.map((e) => e.name))).toEqual(['too_big']);
    expect(v.accepted('after_big')).toHaveLength(1);
    expect(v.warnings).toHaveLength(1);
    expect(v.warnings[0]).toContain('413');
    await expect.poll(() => queued(v.page)).toBe(0);
    await v.ctx.close();
  });

  it('warns once about events the edge rejected inside an accepted batch', async () => {
    const v = await newVisitor();
    await open(v.page);
    await v.page.evaluate(() => {
      window.tailor!.push(['track', '']); // a name is required
      window.tailor!.push(['track', 'fine']);
      return window.tailor!.push(['flush']);
    });
    await expect.poll(() => v.warnings.length).toBe(1);
    expect(v.warnings[0]).toContain('name');
    expect(v.accepted('fine')).toHaveLength(1);
    await expect.poll(() => queued(v.page)).toBe(0);
    await v.ctx.close();
  });

  it('retries a 503 after Retry-After and then delivers', async () => {
    const v = await newVisitor();
    const attempts: number[] = [];
    // Fault injection on the wire only: the first attempt gets a 503, the retry reaches the real Worker.
    await v.ctx.route('**/__tailor/collect', async (route) => {
      attempts.push(Date.now());
      if (attempts.length === 1) await route.fulfill({ status: 503, headers: { 'retry-after': '1' }, body: '' });
      else await route.continue();
    });
    const before = await settledCounts();
    await v.page.goto(worker.url + '/');
    await expectStored(before, { page: 1 });
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(950);
    expect(v.warnings).toEqual([]);
    expect(v.errors).toEqual([]);
    await v.ctx.close();
  });

  it('holds events in memory while consent is pending, sends them when granted, purges on revoke', async () => {
    const v = await newVisitor({ gpc: true }); // Sec-GPC: 1 → the edge says pending
    await v.page.goto(worker.url + '/');
    await v.page.waitForFunction(() => window.tailor && !Array.isArray(window.tailor));
    expect(await v.page.locator('meta[name="tailor:consent"]').getAttribute('content')).toBe('pending');
    await v.page.evaluate(() => window.tailor!.push(['track', 'held', { n: 1 }]));
    await v.page.waitForTimeout(2500); // past the 2 s batch window
    expect(v.sent).toEqual([]);
    expect(await v.page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).not.toContain('tailor');

    const before = await settledCounts();
    const consented = v.page.waitForResponse((r) => r.url().endsWith('/__tailor/consent'));
    await v.page.evaluate(() => window.tailor!.push(['consent', true]));
    expect((await consented).status()).toBe(200);
    await expectStored(before, { page: 1, track: 1 });
    expect((await v.ctx.cookies()).find((c) => c.name === 'tailor_consent')?.value).toBe('granted');

    await v.page.evaluate(() => window.tailor!.push(['track', 'unsent']));
    const revoked = v.page.waitForResponse((r) => r.url().endsWith('/__tailor/consent'));
    await v.page.evaluate(() => window.tailor!.push(['consent', false]));
    await revoked;
    await v.page.evaluate(() => window.tailor!.push(['track', 'after_revoke']));
    await v.page.waitForTimeout(2500);
    expect(v.accepted('unsent')).toEqual([]);
    expect(v.accepted('after_revoke')).toEqual([]);
    expect(await queued(v.page)).toBe(0);
    const cookies = await v.ctx.cookies();
    expect(cookies.find((c) => c.name === 'tailor_consent')?.value).toBe('revoked');
    expect(v.errors).toEqual([]);
    await v.ctx.close();
  });

  it('replays the queue snippet in order after the page view, and push keeps working', async () => {
    const v = await newVisitor({
      init: () => {
        const q: unknown[] = ((window as unknown as { tailor: unknown[] }).tailor = []);
        q.push(['track', 'queued', { n: 1 }], ['identify', { plan: 'pro', contact: 'jo@example.com' }]);
      },
    });
    await open(v.page);
    await v.page.evaluate(() => window.tailor!.push(['track', 'pushed_later']));
    await v.page.evaluate(() => window.tailor!.push(['flush']));
    await expect.poll(() => v.accepted().length).toBeGreaterThanOrEqual(4);
    const events = v.accepted();
    expect(events.map((e) => e.name ?? e.type)).toEqual(['page', 'queued', 'identify', 'pushed_later']);
    expect(events.map((e) => e.seq)).toEqual(events.map((e) => e.seq).sort((a, b) => a - b));
    expect(events[2]!.traits).toEqual({ plan: 'pro' }); // the e-mail address never left the browser
    await v.ctx.close();
  });

  it('removes personal data from the landing URL and keeps campaign tags and click ids', async () => {
    const v = await newVisitor();
    await open(v.page, '/?utm_source=newsletter&utm_medium=email&email=jo%40example.com&name=Jo&gclid=abc&q=jo%2Bx%40example.org#access_token=s3cret');
    await expect.poll(() => v.accepted().length).toBe(1);
    const [first] = v.accepted();
    expect(first!.url).toBe(`${worker.url}/?utm_source=newsletter&utm_medium=email&gclid=abc`);
    expect(JSON.stringify(await outbox(v.page))).not.toContain('example');
    await v.ctx.close();
  });

  it('tells segment listeners the segments with explanations, and tracks clicked interests', async () => {
    const v = await newVisitor();
    await open(v.page, '/sale.html');
    const heard = await v.page.evaluate(
      () =>
        new Promise<{ segments: string[]; explanations: { id: string; matched: boolean }[] }>((resolve) =>
          window.tailor!.push(['on', 'segments', (segments, explanations) => resolve({ segments, explanations })]),
        ),
    );
    expect(heard.segments.length).toBeGreaterThan(0);
    expect(heard.explanations.filter((e) => e.matched).map((e) => e.id).sort()).toEqual([...heard.segments].sort());
    expect(await v.page.evaluate(() => window.tailor!.push(['segments']))).toEqual(heard.segments);

    await v.page.locator('[data-tailor-interest="jackets"]').first().click();
    await v.page.evaluate(() => window.tailor!.push(['flush']));
    await expect.poll(() => v.accepted('interest').map((e) => e.props)).toEqual([{ category: 'jackets' }]);
    await v.ctx.close();
  });

  it('ESM build: works when imported as a module, and without the edge meta honours GPC', async () => {
    const esm = readFileSync(join(ROOT, 'dist/sdk.mjs'), 'utf8');
    // A bare page that imports dist/sdk.mjs; only these two files are not from the Worker, collect is.
    const bare = async (v: Visitor) => {
      await v.ctx.route('**/__esm/**', (route) =>
        route.request().url().endsWith('.mjs')
          ? route.fulfill({ contentType: 'text/javascript', body: esm })
          : route.fulfill({
              contentType: 'text/html',
              body: '<!doctype html><title>ESM</title><script type="module">import tailor, { track } from "/__esm/sdk.mjs"; window.esm = { same: tailor.track === track };</script>',
            }),
      );
      await v.page.goto(`${worker.url}/__esm/page.html`);
      await v.page.waitForFunction(() => (window as unknown as { esm?: unknown }).esm);
    };

    const v = await newVisitor();
    await bare(v);
    expect(await v.page.evaluate(() => (window as unknown as { esm: { same: boolean } }).esm.same)).toBe(true);
    await v.page.evaluate(() => window.tailor!.push(['track', 'from_esm']));
    await v.page.evaluate(() => window.tailor!.push(['flush']));
    await expect.poll(() => v.accepted().map((e) => e.name ?? e.type)).toEqual(['page', 'from_esm']);
    await v.ctx.close();

    const gpc = await newVisitor({ init: () => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }) });
    await bare(gpc);
    await gpc.page.evaluate(() => window.tailor!.push(['track', 'gpc']));
    await gpc.page.waitForTimeout(2500);
    expect(gpc.sent).toEqual([]); // pending: held in memory, nothing sent
    await gpc.ctx.close();
  });
});
