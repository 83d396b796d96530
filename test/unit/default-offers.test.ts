/**
 * The shipped offers and the demo store they are written for: every segment has
 * an offer with a recognisable marker, the priorities put specific before generic,
 * the HTML only uses what the store defines (classes, pages, illustrations), and the
 * real engine serves the right offer to a social arrival, a newsletter click and a
 * category browser on their first pages.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../edge/config.ts';
import { DEFAULT_CATEGORIES, DEFAULT_OFFERS, OFFER_MARKERS, OFFER_PRIORITIES } from '../../edge/default-offers.ts';
import { DEFAULT_SEGMENTS } from '../../edge/default-segments.ts';
import { evaluateVisitor } from '../../edge/evaluate.ts';
import { applyEvents, emptyProfile, foldRequest } from '../../edge/profile.ts';
import { requestContext } from '../../edge/request-context.ts';
import { offerSchema, type TailorEvent } from '../../edge/schema.ts';
import type { Profile } from '../../edge/types.ts';

const SITE = join(import.meta.dirname, '../../demo-site');

/** The segment ids the demo's offers are written for (edge/default-segments.ts). */
const OFFER_SEGMENTS = [
  'social-users', 'email-responders', 'campaign-newsletter-arrivals', 'frequent-visitors', 'new-visitors', 'returning-visitors',
  'interest-shoes', 'interest-jackets', 'interest-camping', 'interest-bags', 'deal-seekers',
  'journey-new', 'journey-evaluating', 'journey-deciding', 'journey-post-purchase',
  'potential-customers', 'active-customers', 'loyal-customers', 'lapsed-customers',
  'value-high', 'value-medium', 'value-low', 'win-back', 'prefers-email', 'prefers-social',
  'geo-dach', 'zero-party-outdoor-pro', 'vip-shoe-fans-email',
];
const INTERESTS = DEFAULT_CATEGORIES.map((c) => `interest-${c}`);
const SLOT_ROOT: Record<string, string> = { banner: 'banner', hero: 'hero', recommendation: 'reco' };

const allOffers = Object.entries(DEFAULT_OFFERS).flatMap(([slot, offers]) => offers.map((o) => ({ slot, ...o })));
const offerFor = (slot: string, segment: string) => DEFAULT_OFFERS[slot]?.find((o) => o.segment === segment);
const prio = (segment: string) => OFFER_PRIORITIES[segment]!;

function sitePages(dir = SITE): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sitePages(full);
    return name.endsWith('.html') && name !== 'placeholder.html' ? [full] : [];
  });
}
const pages = sitePages();
const page = (path: string) => readFileSync(join(SITE, path), 'utf8');
const css = readFileSync(join(SITE, 'assets/store.css'), 'utf8');
const sprite = readFileSync(join(SITE, 'assets/art.svg'), 'utf8');

/** The tags of an HTML fragment must nest properly (void elements aside). */
function unbalancedTags(html: string): string[] {
  const VOID = new Set(['br', 'img', 'input', 'meta', 'link', 'hr', 'source', 'wbr']);
  const stack: string[] = [];
  const problems: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-z][a-z0-9-]*)\b[^>]*?(\/?)>/gi)) {
    const [, close, rawName, selfClose] = m;
    const name = rawName!.toLowerCase();
    if (VOID.has(name) || selfClose) continue;
    if (!close) stack.push(name);
    else if (stack.pop() !== name) problems.push(`</${name}>`);
  }
  return [...problems, ...stack.map((n) => `<${n}> not closed`)];
}

/** Local page a link points at, as a file under demo-site/ (null for anchors on the same page). */
function linkedFile(href: string): string | null {
  const path = href.split('#')[0]!;
  if (!path) return null;
  return join(SITE, path.endsWith('/') ? `${path}index.html` : path);
}

describe('default offers: coverage and markers', () => {
  it('validates as config offers, refers only to shipped segments and loads as the default config', () => {
    const known = new Set(DEFAULT_SEGMENTS.map((s) => s.id));
    for (const o of allOffers) {
      expect(offerSchema.safeParse({ segment: o.segment, priority: o.priority, html: o.html }).success, `${o.slot}/${o.segment}`).toBe(true);
      expect(known.has(o.segment), `${o.slot}/${o.segment} is not a shipped segment`).toBe(true);
    }
    expect(Object.keys(defaultConfig().slots).sort()).toEqual(['banner', 'hero', 'recommendation']);
  });

  it('has a banner offer carrying its marker for every segment, and a marker for nothing else', () => {
    expect(Object.keys(OFFER_MARKERS).sort()).toEqual([...OFFER_SEGMENTS].sort());
    for (const id of OFFER_SEGMENTS) {
      expect(offerFor('banner', id)?.html, id).toContain(OFFER_MARKERS[id]);
    }
  });

  it('gives hero and banner offers to social arrivals, newsletter arrivals and every interest', () => {
    for (const id of ['social-users', 'campaign-newsletter-arrivals', ...INTERESTS]) {
      expect(offerFor('hero', id), `hero/${id}`).toBeDefined();
      expect(offerFor('banner', id), `banner/${id}`).toBeDefined();
    }
  });

  it('keeps each marker unique: no other offer and no page of the store contains it', () => {
    for (const [id, marker] of Object.entries(OFFER_MARKERS)) {
      const needle = marker.toLowerCase();
      for (const o of allOffers) {
        if (o.segment !== id) expect(o.html.toLowerCase().includes(needle), `"${marker}" also in ${o.slot}/${o.segment}`).toBe(false);
      }
      for (const file of pages) {
        expect(readFileSync(file, 'utf8').toLowerCase().includes(needle), `"${marker}" in ${relative(SITE, file)}`).toBe(false);
      }
    }
  });
});

describe('default offers: priorities', () => {
  it('ranks specific and valuable segments above generic ones', () => {
    const chain = [['win-back'], ['vip-shoe-fans-email'], ['loyal-customers'], INTERESTS, ['social-users', 'email-responders', 'campaign-newsletter-arrivals'],
      ['journey-new', 'journey-evaluating', 'journey-deciding', 'journey-post-purchase'], ['new-visitors', 'returning-visitors']];
    for (let i = 0; i + 1 < chain.length; i++) {
      for (const higher of chain[i]!) for (const lower of chain[i + 1]!) expect(prio(higher), `${higher} > ${lower}`).toBeGreaterThan(prio(lower));
    }
  });

  it('lets a first-visit arrival (social, newsletter, DACH) beat every segment a brand-new visitor is also in', () => {
    for (const arrival of ['social-users', 'campaign-newsletter-arrivals', 'geo-dach']) {
      for (const generic of ['new-visitors', 'journey-new', 'potential-customers']) expect(prio(arrival)).toBeGreaterThan(prio(generic));
    }
  });

  it('uses one priority per segment across slots', () => {
    for (const o of allOffers) expect(o.priority, `${o.slot}/${o.segment}`).toBe(prio(o.segment));
  });
});

describe('default offers: HTML fits the demo store', () => {
  it('has one root element of the slot’s default shape and balanced tags', () => {
    for (const o of allOffers) {
      const root = SLOT_ROOT[o.slot]!;
      expect(o.html, `${o.slot}/${o.segment}`).toMatch(new RegExp(`^<div class="${root} ${root}--[a-z]+">`));
      expect(o.html.endsWith('</div>'), `${o.slot}/${o.segment}`).toBe(true);
      expect(unbalancedTags(o.html), `${o.slot}/${o.segment}`).toEqual([]);
    }
  });

  it('uses only the documented placeholders', () => {
    for (const o of allOffers) {
      for (const m of o.html.matchAll(/\{\{\s*([^}|\s]+)/g)) expect(['country', 'interest', 'utm_campaign', 'source'], `${o.slot}/${o.segment}`).toContain(m[1]);
    }
  });

  it('uses only CSS classes that store.css defines', () => {
    for (const o of allOffers) {
      for (const m of o.html.matchAll(/class="([^"]+)"/g)) {
        for (const cls of m[1]!.split(/\s+/)) expect(css.includes(`.${cls}`), `.${cls} (${o.slot}/${o.segment})`).toBe(true);
      }
    }
  });

  it('links only to pages and illustrations that exist', () => {
    for (const o of allOffers) {
      for (const m of o.html.matchAll(/href="([^"]+)"/g)) {
        const href = m[1]!;
        if (href.startsWith('/assets/art.svg#')) {
          expect(sprite.includes(`<symbol id="${href.slice('/assets/art.svg#'.length)}"`), href).toBe(true);
          continue;
        }
        expect(href.startsWith('/'), `${href} (${o.slot}/${o.segment})`).toBe(true);
        const file = linkedFile(href);
        if (file) expect(existsSync(file), `${href} (${o.slot}/${o.segment})`).toBe(true);
      }
    }
  });

  it('stays close to the default size: banners are one short sentence, heroes a short paragraph', () => {
    const words = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\{\{[^}]+\}\}/g, 'placeholder').trim().split(/\s+/).length;
    for (const o of DEFAULT_OFFERS.banner!) expect(words(o.html), o.segment).toBeLessThanOrEqual(24);
    for (const o of DEFAULT_OFFERS.hero!) expect(words(o.html), o.segment).toBeLessThanOrEqual(55);
    for (const o of DEFAULT_OFFERS.recommendation!) expect((o.html.match(/class="reco-card"/g) ?? []).length, o.segment).toBe(2);
  });
});

describe('demo store pages', () => {
  it('has every page the design names', () => {
    const names = pages.map((f) => relative(SITE, f)).sort();
    for (const p of ['index.html', 'cart.html', 'checkout.html', 'newsletter.html', 'sale.html', 'blog/packing-list.html', ...DEFAULT_CATEGORIES.map((c) => `${c}/index.html`)]) {
      expect(names).toContain(p);
    }
    for (const c of DEFAULT_CATEGORIES) {
      const products = names.filter((n) => n.startsWith('products/') && page(n).includes(`<meta name="tailor:interests" content="${c}">`));
      expect(products.length, c).toBeGreaterThanOrEqual(2);
    }
  });

  it('puts the SDK snippet, a banner slot, the why-panel and the header cart count on every page', () => {
    for (const file of pages) {
      const html = readFileSync(file, 'utf8');
      const name = relative(SITE, file);
      const stub = html.indexOf('<script>window.tailor=window.tailor||[];</script>');
      expect(stub, name).toBeGreaterThan(-1);
      expect(html.indexOf('<script src="/__tailor/t.js" async></script>'), name).toBeGreaterThan(stub);
      expect(html, name).toContain('<div data-tailor-slot="banner">');
      expect(html, name).toContain('<aside id="tailor-why" class="why-panel" hidden');
      expect(html, name).toContain('data-tailor-why ');
      expect(html, name).toContain('data-cart-count');
      for (const c of DEFAULT_CATEGORIES) expect(html, name).toContain(`href="/${c}/"`);
    }
  });

  it('has a hero slot on the home and newsletter pages and product pages with price, cart button and recommendation', () => {
    expect(page('index.html')).toContain('data-tailor-slot="hero"');
    expect(page('newsletter.html')).toContain('data-tailor-slot="hero"');
    for (const file of pages.filter((f) => relative(SITE, f).startsWith('products/'))) {
      const html = readFileSync(file, 'utf8');
      const category = /<meta name="tailor:interests" content="([a-z]+)">/.exec(html)?.[1];
      expect(DEFAULT_CATEGORIES as readonly string[]).toContain(category);
      expect(html).toContain('data-tailor-slot="recommendation"');
      expect(html).toMatch(new RegExp(`<button[^>]*data-add-to-cart[^>]*data-price="\\d+"[^>]*data-tailor-interest="${category}"`));
      expect(html).toMatch(/class="product-price">€\d+/);
    }
  });
});

// ---------------------------------------------------------------- the real engine, end to end

const HOST = 'shop.test';
const NOW = Date.UTC(2026, 10, 20, 12);

/** A visitor's first request, as the edge folds and evaluates it. */
function firstRequest(url: string, referrer: string | null, country?: string) {
  const profile = foldRequest(emptyProfile('v1'), { url, referrer, host: HOST, pvid: 'pv1', now: NOW });
  return evaluate(profile, new URL(url).pathname, country);
}

function evaluate(profile: Profile, path: string, country?: string) {
  const context = requestContext(profile, country ? { country } : undefined, new Headers(), path);
  return evaluateVisitor(profile, defaultConfig(), NOW, context);
}

describe('default offers served by the engine', () => {
  it('greets a visitor arriving from a social post with the social offer on the first page', () => {
    const r = firstRequest(`https://${HOST}/blog/packing-list.html?utm_source=instagram&utm_medium=social`, 'https://www.instagram.com/');
    expect(r.slots.banner?.segment).toBe('social-users');
    expect(r.slots.banner?.html).toContain(OFFER_MARKERS['social-users']);
    expect(r.slots.hero?.segment).toBe('social-users');
  });

  it('greets a newsletter click with the campaign offer, naming the campaign escaped', () => {
    const r = firstRequest(`https://${HOST}/newsletter.html?utm_source=newsletter&utm_medium=email&utm_campaign=weekly<picks>`, null);
    expect(r.slots.hero?.segment).toBe('campaign-newsletter-arrivals');
    expect(r.slots.banner?.html).toContain(OFFER_MARKERS['campaign-newsletter-arrivals']);
    expect(r.slots.banner?.html).toContain('weekly&lt;picks&gt;');
    expect(r.slots.banner?.html).not.toContain('weekly<picks>');
  });

  it('switches to the category offer once a visitor browses one category', () => {
    let profile = foldRequest(emptyProfile('v2'), { url: `https://${HOST}/shoes/`, referrer: null, host: HOST, pvid: 'pv1', now: NOW });
    const events: TailorEvent[] = [
      { id: 'e1', seq: 1, ts: NOW, type: 'page', url: `https://${HOST}/shoes/`, interests: ['shoes'], pvid: 'pv1' },
      { id: 'e2', seq: 2, ts: NOW + 20_000, type: 'page', url: `https://${HOST}/products/trail-runner-x.html`, referrer: `https://${HOST}/shoes/`, interests: ['shoes'] },
      { id: 'e3', seq: 3, ts: NOW + 21_000, type: 'track', name: 'product_view', props: { sku: 'trail-runner-x', category: 'shoes' } },
    ];
    profile = applyEvents(profile, events, { host: HOST, now: NOW + 22_000 }).profile;
    const r = evaluate(profile, '/products/trail-runner-x.html');
    expect(r.segments).toContain('interest-shoes');
    for (const slot of ['banner', 'hero', 'recommendation']) expect(r.slots[slot]?.segment, slot).toBe('interest-shoes');
    expect(r.slots.banner?.html).toContain(OFFER_MARKERS['interest-shoes']);
  });

  it('serves visitors from Germany the DACH offer with their country filled in', () => {
    const r = firstRequest(`https://${HOST}/`, null, 'DE');
    expect(r.slots.banner?.segment).toBe('geo-dach');
    expect(r.slots.banner?.html).toContain('<span class="tag">DE</span>');
  });
});
