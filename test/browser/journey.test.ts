/**
 * A visitor's journey over weeks, in real Chromium against the Worker as
 * `npm start` runs it: from a social post, browsing one category, leaving,
 * returning from a newsletter, buying, returning again. At each step the FIRST
 * HTML (before any script runs) carries the expected offer, the why-panel
 * agrees, and personalisation never shifts the layout. The edge's clock and
 * cf data are driven through the Worker's test hooks (TAILOR_TEST_HOOKS=1).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SEGMENTS } from '../../edge/default-segments.ts';
import { launchBrowser, visitorUserAgent } from '../support/browser.ts';
import { startWorker, type WorkerServer } from '../support/worker-server.ts';

const DAY = 86_400_000;
const names = new Map(DEFAULT_SEGMENTS.map((s) => [s.id, s.name]));
let worker: WorkerServer;
let browser: Browser;

beforeAll(async () => {
  [worker, browser] = await Promise.all([startWorker({ vars: { TAILOR_TEST_HOOKS: '1' } }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

function slotSegments(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<[^>]*data-tailor-slot="([^"]+)"[^>]*>/g)) {
    const seg = /data-tailor-segment="([^"]+)"/.exec(m[0]);
    if (seg) out[m[1]!] = seg[1]!;
  }
  return out;
}

/** Sets the edge's clock (and the browser's) to `t`. */
async function at(ctx: BrowserContext, t: number, cf: Record<string, string> = {}): Promise<void> {
  await ctx.setExtraHTTPHeaders({ 'x-tailor-now': String(t), 'x-tailor-cf': JSON.stringify(cf) });
  await ctx.clock.setSystemTime(t);
}

/** Opens a page and returns the first HTML exactly as the edge streamed it. */
async function open(page: Page, path: string, referer?: string): Promise<{ html: string; slots: Record<string, string> }> {
  const res = await page.goto(worker.url + path, referer ? { referer } : {});
  expect(res?.status()).toBe(200);
  const html = await res!.text();
  return { html, slots: slotSegments(html) };
}

/** Waits for the SDK and flushes its outbox so the edge has every event. */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => typeof (window as unknown as { tailor?: { flush?: unknown } }).tailor?.flush === 'function');
  await page.evaluate(() => (window as unknown as { tailor: { flush(): Promise<void> } }).tailor.flush());
}

/** The why-panel's text, opened the way a visitor would. */
async function whyPanel(page: Page): Promise<string> {
  await page.locator('[data-tailor-why]').first().click();
  const panel = page.locator('#tailor-why');
  await expect.poll(async () => (await panel.innerText()).length, { timeout: 10_000 }).toBeGreaterThan(40);
  await expect.poll(async () => panel.innerText(), { timeout: 10_000 }).not.toMatch(/Looking up|Loading/i);
  return panel.innerText();
}

/** Layout shift attributed to slots, measured with PerformanceObserver from the first paint. */
const CLS_PROBE = `
  window.__slotShift = 0; window.__allShift = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.hadRecentInput) continue;
      window.__allShift += e.value;
      if ((e.sources || []).some((s) => s.node && s.node.closest && s.node.closest('[data-tailor-slot]'))) window.__slotShift += e.value;
    }
  }).observe({ type: 'layout-shift', buffered: true });
`;
async function slotShift(page: Page): Promise<number> {
  await page.waitForTimeout(300);
  return page.evaluate(() => (window as unknown as { __slotShift: number }).__slotShift);
}

describe('a visitor journey over weeks', () => {
  it('gets the right offer in the first HTML at every step, and the why-panel agrees', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: visitorUserAgent(browser) });
    await ctx.addInitScript(CLS_PROBE);
    let t0 = Date.UTC(2026, 9, 5, 9, 0);
    await ctx.clock.install({ time: t0 });
    await at(ctx, t0);
    let page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    // 1. Arrives from a social post.
    const social = await open(page, '/blog/packing-list.html', 'https://t.co/Xy12Ab');
    expect(Object.values(social.slots)).toContain('social-users');
    await settle(page);
    expect(await whyPanel(page)).toContain(names.get('social-users')!);
    expect(await slotShift(page)).toBe(0);

    // 2. Browses one category three times (a category page and two products).
    for (const path of ['/shoes/', '/products/trail-runner-x.html', '/shoes/']) {
      await at(ctx, (t0 += 3 * 60_000));
      await open(page, path);
      await settle(page);
      expect(await slotShift(page)).toBe(0);
    }
    await at(ctx, (t0 += 3 * 60_000));
    const shoes = await open(page, '/');
    expect(Object.values(shoes.slots)).toContain('interest-shoes');
    await settle(page);
    expect(await whyPanel(page)).toContain(names.get('interest-shoes')!);

    // 3. Leaves; three weeks later clicks a newsletter e-mail (interest has decayed).
    await page.close();
    const t1 = t0 + 21 * DAY;
    await at(ctx, t1);
    page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    const mail = await open(page, '/?utm_source=newsletter&utm_medium=email&utm_campaign=weekly-picks&mc_cid=3f2a1b&mc_eid=9c8d7e');
    expect(Object.values(mail.slots)).toContain('campaign-newsletter-arrivals');
    expect(Object.values(mail.slots)).not.toContain('interest-shoes');
    await settle(page);
    // The landing page's script confirmed a real browser: now an e-mail responder.
    const after = await whyPanel(page);
    expect(after).toContain(names.get('email-responders')!);
    expect(await slotShift(page)).toBe(0);

    // 4. Buys.
    await at(ctx, t1 + 5 * 60_000);
    await open(page, '/products/trail-runner-x.html');
    await settle(page);
    await page.locator('[data-add-to-cart], button:has-text("Add to cart")').first().click();
    await open(page, '/checkout.html');
    await settle(page);
    await page.locator('button:has-text("Place order"), [type=submit]').first().click();
    await page.waitForTimeout(200);
    await settle(page);

    // 5. Returns again ten days later: a customer now.
    await page.close();
    await at(ctx, t1 + 10 * DAY);
    page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    const back = await open(page, '/');
    const segs = Object.values(back.slots);
    // Active customers (priority 65) outranks the post-purchase and value offers.
    expect(back.slots.banner).toBe('active-customers');
    await settle(page);
    const panel = await whyPanel(page);
    expect(panel).toContain(names.get('active-customers')!);
    for (const s of new Set(segs)) expect(panel).toContain(names.get(s)!);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('with JavaScript disabled still gets the request-based offers (social, e-mail, geography)', async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, userAgent: visitorUserAgent(browser) });
    const page = await ctx.newPage();
    const social = await open(page, '/', 'https://www.facebook.com/');
    expect(Object.values(social.slots)).toContain('social-users');
    const mail = await open(page, '/?utm_source=newsletter&utm_medium=email&mc_cid=77aa');
    expect(Object.values(mail.slots)).toContain('campaign-newsletter-arrivals');
    const ctxDe = await browser.newContext({ javaScriptEnabled: false, userAgent: visitorUserAgent(browser), extraHTTPHeaders: { 'x-tailor-cf': JSON.stringify({ country: 'DE', city: 'Berlin' }) } });
    const pageDe = await ctxDe.newPage();
    const de = await open(pageDe, '/');
    expect(Object.values(de.slots)).toContain('geo-dach');
    await ctx.close();
    await ctxDe.close();
  });
});
