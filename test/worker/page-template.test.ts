/// <reference types="vite/client" />
/**
 * Page templates (edge/page-template.ts) inside workerd, against the real
 * HTMLRewriter: a template must write exactly the bytes `personalise()` writes,
 * for every demo page and for awkward HTML, or not exist at all; and the page
 * route must use it for a document it has seen before.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from '../../edge/app.ts';
import { buildTemplate, fillTemplate, templateStats, type PageTemplate } from '../../edge/page-template.ts';
import { personalise, type PageAnnotations } from '../../edge/personalise.ts';
import type { RenderedSlot } from '../../edge/render.ts';
import { largePage } from '../bench/large-page.ts';
import { BROWSER_UA } from './helpers.ts';

const demoPages = import.meta.glob<string>('../../demo-site/**/*.html', { query: '?raw', import: 'default', eager: true });
const encode = (s: string) => new TextEncoder().encode(s);

const awkward: Record<string, string> = {
  'quoting and case': `<!DOCTYPE html><HTML><HEAD><TITLE>x</TITLE></HEAD><BODY><DIV DATA-TAILOR-SLOT='hero' class=a>one</DIV><p data-tailor-slot=banner   id="b" >two</p><section data-tailor-slot="x" data-tailor-segment="old">three</section></BODY></HTML>`,
  'no head, no body tags': `<div data-tailor-slot="hero">default</div><p>tail`,
  'implicit end tags': `<html><head><title>t</title><body><ul><li data-tailor-slot="hero">a<li data-tailor-slot="banner">b</ul><p data-tailor-slot="sidebar">c<p>d</body>`,
  'slot-like text in scripts, comments and templates': `<html><head><script>const s = '<div data-tailor-slot="hero">x</div>';</script></head><body><!-- <div data-tailor-slot="hero">--><template><div data-tailor-slot="banner">t</div></template><textarea><div data-tailor-slot="hero"></textarea><div data-tailor-slot="hero">real</div></body></html>`,
  'two head and body elements': `<html><head><title>a</title></head><head></head><body><div data-tailor-slot="hero">h</div></body><body></body></html>`,
  'empty and unknown slot names': `<html><head></head><body><div data-tailor-slot="">e</div><div data-tailor-slot>f</div><div data-tailor-slot="constructor">g</div><div data-tailor-slot="hero"></div></body></html>`,
  'unicode everywhere': `<html><head><title>Grüße 🏔️</title></head><body><h1>Ünïcødé ✓</h1><div data-tailor-slot="hero">Prêt-à-porter 日本語</div>\u2028</body></html>`,
  'nested slots': `<html><head></head><body><div data-tailor-slot="hero"><p data-tailor-slot="banner">inner</p></div></body></html>`,
  'a slot on a void element': `<html><head></head><body><img data-tailor-slot="hero" src="a.png"><div data-tailor-slot="banner">b</div></body></html>`,
  'a slot inside head': `<html><head><title data-tailor-slot="hero">t</title></head><body></body></html>`,
};

/** Deterministic pseudo-random fills: subsets of slots, offers with markup, unicode and a broken surrogate. */
function fills(names: string[], count: number): [Record<string, RenderedSlot>, PageAnnotations][] {
  let state = 7;
  const next = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const offers = ['<b>Sale</b>', 'Grüße 🥾 <a href="/x?a=1&amp;b=2">go</a>', '', '<p>unterminated', 'bad \ud800 surrogate', '<script>x</script>'];
  const out: [Record<string, RenderedSlot>, PageAnnotations][] = [];
  for (let i = 0; i < count; i++) {
    const slots: Record<string, RenderedSlot> = {};
    for (const name of [...names, 'hero', 'banner', 'sidebar'])
      if (next() < 0.6) slots[name] = { segment: next() < 0.2 ? 'exp:hero-test:b' : `seg-${i}`, html: offers[Math.floor(next() * offers.length)]! };
    const page: PageAnnotations = { pvid: next() < 0.7 ? `pv${i}` : null, consent: next() < 0.8 ? 'granted' : 'pending' };
    if (next() < 0.3) page.headHtml = '<style>.t{}</style>';
    if (next() < 0.3) page.bodyHtml = '<div id="toolbar">ü</div>';
    out.push([slots, page]);
  }
  return out;
}

async function viaRewriter(html: string, slots: Record<string, RenderedSlot>, page: PageAnnotations) {
  const filled: string[] = [];
  const bytes = new Uint8Array(await personalise(new Response(html), slots, page, { onSlot: (name) => filled.push(name) }).arrayBuffer());
  return { bytes, filled };
}

function viaTemplate(template: PageTemplate, slots: Record<string, RenderedSlot>, page: PageAnnotations) {
  const filled: string[] = [];
  let ended = 0;
  const chunks = fillTemplate(template, slots, page, { onSlot: (name) => filled.push(name), onEnd: () => ended++ });
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((at, c) => (bytes.set(c, at), at + c.length), 0);
  expect(ended).toBe(1);
  return { bytes, filled };
}

const slotNames = (html: string) => [...html.matchAll(/data-tailor-slot\s*=\s*["']?([\w-]*)/gi)].map((m) => m[1]!);

describe('page templates write exactly what HTMLRewriter writes', () => {
  const pages = Object.entries(demoPages);

  it('covers the whole demo store', () => expect(pages.length).toBeGreaterThanOrEqual(20));

  it.each(pages.map(([path]) => path))('%s: builds a template, and every fill matches the rewriter byte for byte', async (path) => {
    const html = demoPages[path]!;
    const template = await buildTemplate(encode(html));
    expect(template).not.toBeNull();
    for (const [slots, page] of fills(slotNames(html), 12)) {
      const [a, b] = [await viaRewriter(html, slots, page), viaTemplate(template!, slots, page)];
      expect(new TextDecoder().decode(b.bytes)).toBe(new TextDecoder().decode(a.bytes));
      expect(b.filled).toEqual(a.filled);
    }
  });

  it('the 100 KB benchmark page', async () => {
    const html = largePage();
    const template = await buildTemplate(encode(html));
    expect(template).not.toBeNull();
    for (const [slots, page] of fills(['hero', 'banner', 'recommendation', 'sidebar', 'footer-offer'], 8)) {
      expect(viaTemplate(template!, slots, page).bytes).toEqual((await viaRewriter(html, slots, page)).bytes);
    }
  });

  it.each(Object.keys(awkward))('awkward HTML (%s): either no template, or an exact one', async (name) => {
    const html = awkward[name]!;
    const template = await buildTemplate(encode(html));
    if (!template) return;
    for (const [slots, page] of fills(slotNames(html), 20)) {
      const [a, b] = [await viaRewriter(html, slots, page), viaTemplate(template, slots, page)];
      expect(new TextDecoder().decode(b.bytes)).toBe(new TextDecoder().decode(a.bytes));
      expect(b.filled).toEqual(a.filled);
    }
  });

  it('keeps the rewriter for nested slots, slots without an end tag, and pages that are not UTF-8', async () => {
    expect(await buildTemplate(encode(awkward['nested slots']!))).toBeNull();
    expect(await buildTemplate(encode(awkward['implicit end tags']!))).toBeNull();
    const latin1 = new Uint8Array([...encode('<html><head></head><body><div data-tailor-slot="hero">Gr'), 0xfc, ...encode('\u00df</div></body></html>')]);
    expect(await buildTemplate(latin1)).toBeNull();
  });

  it('the ordinary awkward cases still get a template', async () => {
    for (const name of ['quoting and case', 'slot-like text in scripts, comments and templates', 'unicode everywhere'])
      expect(await buildTemplate(encode(awkward[name]!)), name).not.toBeNull();
  });
});

describe('the page route', () => {
  const UA = { 'user-agent': BROWSER_UA, accept: 'text/html' };
  const normalise = (html: string) => html.replace(/(name="tailor:pvid" content=")[^"]+/, '$1…');

  const pageRequest = (path: string, headers: Record<string, string> = {}) => new Request(`http://shop.test${path}`, { headers: { ...UA, ...headers } });

  async function get(path: string, headers: Record<string, string> = {}) {
    const ctx = createExecutionContext();
    const res = await app.fetch(pageRequest(path, headers), env, ctx);
    const html = await res.text();
    await waitOnExecutionContext(ctx);
    return { res, html };
  }

  it('fills a static page it has seen before from its template, with the same result', async () => {
    const first = await get('/jackets/', { referer: 'https://t.co/abc' });
    const hits = templateStats.hits;
    const again = await get('/jackets/', { referer: 'https://t.co/abc' });
    expect(templateStats.hits).toBe(hits + 1);
    expect(normalise(again.html)).toBe(normalise(first.html));
    expect(again.html).toContain('data-tailor-segment="social-users"');
    expect(again.res.headers.get('cache-control')).toBe('private, no-cache');
    expect(again.res.headers.get('etag')).toBeNull();
    // Another visitor, another offer, from the same template.
    const email = await get('/jackets/?utm_source=newsletter&utm_medium=email');
    expect(templateStats.hits).toBe(hits + 2);
    expect(email.html).toContain('data-tailor-segment="campaign-newsletter-arrivals"');
    expect(email.html).not.toContain('data-tailor-segment="social-users"');
    // The template's bytes go out as they are, request after request: none is consumed by a response.
    const third = await get('/jackets/', { referer: 'https://t.co/abc' });
    expect(templateStats.hits).toBe(hits + 3);
    expect(normalise(third.html)).toBe(normalise(first.html));
  });

  it('a template hit keeps its bytes when the next hit is filled before it is read', async () => {
    const { html: social } = await get('/jackets/', { referer: 'https://t.co/abc' });
    const ctx = createExecutionContext();
    const fetchPage = (headers: Record<string, string>) => app.fetch(pageRequest('/jackets/', headers), env, ctx);
    const hits = templateStats.hits;
    const first = await fetchPage({ referer: 'https://t.co/abc' });
    const second = await fetchPage({ referer: 'https://mail.google.com/' });
    const third = await fetchPage({});
    expect(templateStats.hits).toBe(hits + 3);
    // Read in reverse: each body must still be its own, not the last one filled.
    const [thirdHtml, secondHtml, firstHtml] = [await third.text(), await second.text(), await first.text()];
    await waitOnExecutionContext(ctx);
    expect(normalise(firstHtml)).toBe(normalise(social));
    expect(firstHtml).toContain('data-tailor-segment="social-users"');
    expect(secondHtml).not.toContain('data-tailor-segment="social-users"');
    expect(thirdHtml).not.toContain('data-tailor-segment="social-users"');
    expect(firstHtml).toMatch(/<\/html>\s*$/);
  });
});
