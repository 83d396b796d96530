/**
 * The demo store in real Chromium, served as plain static files (no edge, so the
 * SDK is absent and `window.tailor` stays the queue array: what the pages push is
 * exactly what the SDK would receive):
 * - every slot keeps its height whatever shipped offer fills it, on desktop and
 *   phone widths, so personalisation never shifts the layout (CLS from slots = 0);
 * - a visitor can click through product -> cart -> checkout, and the page queues
 *   product_view, add_to_cart and purchase with the right properties;
 * - the "Why am I seeing this?" panel explains segments and never renders data as HTML.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OFFERS, OFFER_MARKERS } from '../../edge/default-offers.ts';
import { fillPlaceholders } from '../../edge/render.ts';
import { hasChromium, launchBrowser } from '../support/browser.ts';

const SITE = join(import.meta.dirname, '../../demo-site');
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml' };

/** Placeholder values on the long side, so a fit with them is a fit with typical ones. */
const SAMPLE = { country: 'CH', interest: 'camping', utm_campaign: 'autumn-weekly-picks-2026', source: 'instagram' };

const WIDTHS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];

/** Pages and the slots on them; every slot on every page is checked with every offer for that slot. */
const SLOT_PAGES = [
  '/', '/newsletter.html', '/shoes/', '/products/trail-runner-x.html', '/products/nightfall-sleeping-bag.html',
  '/cart.html', '/checkout.html', '/sale.html', '/blog/packing-list.html',
];

let server: Server;
let base = '';
let browser: Browser;

function serveStatic(): Promise<Server> {
  const srv = createServer(async (req, res) => {
    let path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(SITE, path));
    try {
      if (!file.startsWith(SITE) || path.startsWith('/__tailor/')) throw new Error('not found');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

beforeAll(async () => {
  if (!hasChromium) return;
  server = await serveStatic();
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
});

async function open(path: string, width = 1280, height = 900): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  await page.goto(base + path, { waitUntil: 'load' });
  return page;
}

describe.skipIf(!hasChromium)('demo store in Chromium', () => {
  for (const vp of WIDTHS) {
    it(`keeps every slot's height for its default and every shipped offer (${vp.name})`, async () => {
      const problems: string[] = [];
      const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height } });
      const page = await context.newPage();
      const offersChecked = new Set<string>();
      for (const path of SLOT_PAGES) {
        await page.goto(base + path, { waitUntil: 'load' });
        const slots = await page.$$eval('[data-tailor-slot]', (els) => els.map((e) => e.getAttribute('data-tailor-slot')!));
        for (const slot of slots) {
          // A slot has the same width on every page, so its offers are tried on the first page that has it.
          const offers = offersChecked.has(slot) ? [] : (DEFAULT_OFFERS[slot] ?? []).map((o) => ({ segment: o.segment, html: fillPlaceholders(o.html, SAMPLE) }));
          offersChecked.add(slot);
          const result = await page.evaluate(
            ({ slot, offers }) => {
              const el = document.querySelector<HTMLElement>(`[data-tailor-slot="${slot}"]`)!;
              const reserved = parseFloat(getComputedStyle(el).minHeight);
              const heights: Record<string, number> = { default: el.getBoundingClientRect().height };
              for (const o of offers) {
                el.innerHTML = o.html; // trusted shipped offers, as the edge's HTMLRewriter inserts them
                heights[o.segment] = el.getBoundingClientRect().height;
              }
              return { reserved, heights };
            },
            { slot, offers },
          );
          expect(result.reserved, `${path} ${slot} reserves no height`).toBeGreaterThan(0);
          for (const [who, h] of Object.entries(result.heights)) {
            if (Math.abs(h - result.reserved) > 0.5) problems.push(`${path} ${slot} ${who}: ${h}px, reserved ${result.reserved}px`);
          }
        }
      }
      await context.close();
      expect(offersChecked).toEqual(new Set(['banner', 'hero', 'recommendation']));
      expect(problems).toEqual([]);
    });
  }

  for (const vp of [...WIDTHS, { name: 'tablet', width: 1024, height: 768 }]) {
    it(`shows every shipped offer in full, without clamped or clipped text (${vp.name})`, async () => {
      const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height } });
      const page = await context.newPage();
      const clipped: string[] = [];
      for (const [path, slot] of [['/', 'banner'], ['/', 'hero'], ['/products/trail-runner-x.html', 'recommendation']] as const) {
        await page.goto(base + path, { waitUntil: 'load' });
        const offers = DEFAULT_OFFERS[slot]!.map((o) => ({ segment: o.segment, html: fillPlaceholders(o.html, SAMPLE) }));
        clipped.push(
          ...(await page.evaluate(
            ({ slot, offers }) => {
              const el = document.querySelector<HTMLElement>(`[data-tailor-slot="${slot}"]`)!;
              const out: string[] = [];
              for (const o of offers) {
                el.innerHTML = o.html;
                // Clamped blocks (line-clamp) overflow vertically, one-line ones (nowrap + ellipsis) horizontally.
                for (const t of el.querySelectorAll<HTMLElement>('.banner-copy, .hero-title, .hero-text, .hero-eyebrow, .reco-kicker, .reco-kicker small, .reco-name, .reco-meta')) {
                  if (t.scrollHeight > t.clientHeight + 1 || t.scrollWidth > t.clientWidth + 1) out.push(`${slot}/${o.segment} .${t.className || t.tagName}`);
                }
                // Buttons and links stay inside their column's content box (the hero's copy, else the slot).
                for (const b of el.querySelectorAll<HTMLElement>('.btn, .banner-cta')) {
                  if (getComputedStyle(b).display === 'none') continue;
                  const column = b.closest<HTMLElement>('.hero-copy') ?? el;
                  const style = getComputedStyle(column);
                  const box = column.getBoundingClientRect();
                  const right = box.right - parseFloat(style.paddingRight);
                  const left = box.left + parseFloat(style.paddingLeft);
                  const r = b.getBoundingClientRect();
                  if (r.right > right + 1 || r.left < left - 1) out.push(`${slot}/${o.segment} "${b.textContent}" outside its column`);
                }
              }
              return out;
            },
            { slot, offers },
          )),
        );
      }
      await context.close();
      expect(clipped).toEqual([]);
    });
  }

  it('records no layout shift when the slots are filled after the page has rendered', async () => {
    const page = await open('/products/trail-runner-x.html', 390, 844);
    const cls = await page.evaluate(
      async (fill) => {
        let total = 0;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries() as (PerformanceEntry & { value: number })[]) total += e.value;
        }).observe({ type: 'layout-shift', buffered: false });
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)));
        for (const [slot, html] of Object.entries(fill)) document.querySelector(`[data-tailor-slot="${slot}"]`)!.innerHTML = html;
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 200)));
        return total;
      },
      {
        banner: fillPlaceholders(DEFAULT_OFFERS.banner!.find((o) => o.segment === 'campaign-newsletter-arrivals')!.html, SAMPLE),
        recommendation: DEFAULT_OFFERS.recommendation!.find((o) => o.segment === 'deal-seekers')!.html,
      },
    );
    expect(cls).toBe(0);
    expect(await page.textContent('[data-tailor-slot="banner"]')).toContain(OFFER_MARKERS['campaign-newsletter-arrivals']);
    await page.context().close();
  });

  it('lets a visitor buy: product page -> add to cart -> cart -> checkout -> thank you, queuing the Tailor events', async () => {
    const page = await open('/products/trail-runner-x.html');
    expect(await page.textContent('[data-cart-count]')).toBe('0');
    await page.click('[data-add-to-cart]');
    await page.click('[data-add-to-cart]');
    expect(await page.textContent('[data-cart-count]')).toBe('2');

    const queued = await page.evaluate(() => JSON.parse(JSON.stringify(window.tailor)) as unknown[]);
    expect(queued).toContainEqual(['track', 'product_view', { sku: 'trail-runner-x', category: 'shoes' }]);
    expect(queued).toContainEqual(['track', 'add_to_cart', { sku: 'trail-runner-x', value: 139, category: 'shoes' }]);

    await page.goto(`${base}/products/ridge-shell-jacket.html`);
    await page.click('[data-add-to-cart]');
    await page.goto(`${base}/cart.html`);
    expect(await page.locator('.cart-item').count()).toBe(2);
    expect(await page.textContent('.summary')).toContain('€527.00'); // 2 × 139 + 249, free shipping
    await page.click('.cart-item:first-child [data-qty="-1"]');
    expect(await page.textContent('[data-cart-count]')).toBe('2');

    await page.click('text=Checkout');
    await page.waitForURL(/checkout\.html$/);
    expect(await page.textContent('[data-summary-totals]')).toContain('€388.00');
    await page.click('[data-place-order]');
    await page.waitForSelector('[data-thanks]:not([hidden])');
    expect(await page.textContent('[data-order-total]')).toBe('€388.00');
    expect(await page.textContent('[data-cart-count]')).toBe('0');
    expect(await page.evaluate(() => localStorage.getItem('trailhead:cart'))).toBeNull();

    const after = await page.evaluate(() => JSON.parse(JSON.stringify(window.tailor)) as unknown[]);
    expect(after).toContainEqual(['track', 'begin_checkout', { value: 388, currency: 'EUR' }]);
    // The order spent most on jackets, so that is the purchase's category.
    expect(after).toContainEqual(['track', 'purchase', { value: 388, currency: 'EUR', items: 2, category: 'jackets' }]);
    await page.context().close();
  });

  it('records the survey answer as a zero-party trait', async () => {
    const page = await open('/newsletter.html');
    await page.check('input[name="experience"][value="pro"]');
    await page.click('form[data-tailor-identify] button[type="submit"]');
    const queued = await page.evaluate(() => JSON.parse(JSON.stringify(window.tailor)) as unknown[]);
    expect(queued).toContainEqual(['identify', { experience: 'pro' }]);
    await page.context().close();
  });

  it('explains segments in the why-panel as text, never as HTML', async () => {
    const page = await open('/');
    await page.route('**/__tailor/segments', (route) =>
      route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({
          segments: ['social-users'],
          explanations: [
            {
              id: 'social-users',
              name: 'Social <img src=x onerror="window.__pwned=1">',
              group: 'online-behaviour',
              description: 'Arrived from a social network.',
              matched: true,
              conditions: [{ text: 'Social visits at least 1 in 90 days — actual: 1 ✓', label: 'Social visits at least 1 in 90 days', actual: 1, held: true }],
            },
            { id: 'new-visitors', name: 'New visitors', group: 'online-behaviour', description: '', matched: false, conditions: [] },
          ],
        }),
      }),
    );
    const panel = page.locator('#tailor-why');
    expect(await panel.isHidden()).toBe(true);
    await page.click('.why-fab');
    await page.waitForSelector('#tailor-why .why-seg');
    const text = await panel.textContent();
    expect(text).toContain('Social <img src=x onerror="window.__pwned=1">');
    expect(text).toContain('Social visits at least 1 in 90 days');
    expect(text).toContain('You: 1');
    expect(text).not.toContain('New visitors'); // only matched segments are listed
    expect(await page.locator('#tailor-why img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.getAttribute('.why-fab', 'aria-expanded')).toBe('true');
    await page.keyboard.press('Escape');
    expect(await panel.isHidden()).toBe(true);
    await page.context().close();
  });

  it('says so in the why-panel when the store runs without the edge', async () => {
    const page = await open('/shoes/');
    await page.click('.why-link');
    await page.waitForFunction(() => !document.querySelector('[data-why-body]')?.textContent?.includes('Looking up'));
    expect(await page.textContent('#tailor-why')).toContain('Personalisation is not running on this server');
    await page.context().close();
  });
});
