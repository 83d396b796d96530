/**
 * XSS: every payload of test/support/xss-corpus.ts placed wherever a visitor
 * (or a URL someone sends a visitor) can put text: path and query (UTM tags,
 * click ids), Referer, cf geo values, event props, interests and identify
 * traits sent through collect. The HTML Tailor serves (personalised pages
 * with an offer using every placeholder in text and quoted-attribute
 * positions, the preview toolbar, the dashboard, error pages) must never
 * contain a payload unescaped, and must have the same tag/attribute structure
 * as the same response built with a harmless value; JSON answers must be valid
 * JSON served as application/json. The page's own content must still be there.
 */
import { SELF, env } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetConfigCache } from '../../edge/config-store.ts';
import { defaultConfig } from '../../edge/config.ts';
import { escapeHtml } from '../../edge/render.ts';
import type { TailorConfig } from '../../edge/schema.ts';
import { TEST_ADMIN_TOKEN } from '../support/constants.ts';
import { injectionProblems, XSS_PAYLOADS, type XssPayload } from '../support/xss-corpus.ts';
import { BASE, BROWSER_UA, Jar } from './helpers.ts';

const kv = (env as unknown as { CONFIG: KVNamespace }).CONFIG;
const BENIGN: XssPayload = { name: 'benign', payload: 'benign value', forbidden: [] };
const ADMIN = { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' };

/** Every placeholder, in text and in double- and single-quoted attributes, as a marketer would write an offer. */
const OFFER_HTML =
  '<div class="xss-offer">' +
  ['country', 'region', 'city', 'utm_campaign', 'source', 'interest', 'medium', 'device'].map((p) => `<span data-p="${p}" title="{{${p}}}" data-alt='{{${p}|none}}'>{{${p}}}</span>`).join('') +
  '<a class="xss-link" href="/search?q={{utm_campaign}}&amp;from={{source}}">Shop {{interest|gear}} in {{city|your city}}</a>' +
  '<img alt="{{country}} {{region}}" src="/assets/art.svg">' +
  '</div>';

function hostileConfig(): TailorConfig {
  const config = structuredClone(defaultConfig()) as TailorConfig;
  config.segments.push({ id: 'xss-all', name: 'Everyone (xss test)', group: 'combined', description: 'Matches every visitor.', rule: { metric: 'pageviews', window: 0, op: 'gte', value: 0 } });
  for (const slot of ['banner', 'hero', 'recommendation']) config.slots[slot] = [...(config.slots[slot] ?? []), { segment: 'xss-all', priority: 1_000_000, html: OFFER_HTML }];
  config.experiments = [];
  return config;
}

beforeAll(async () => {
  resetConfigCache();
  const res = await SELF.fetch(`${BASE}/__tailor/api/config`, { method: 'PUT', headers: ADMIN, body: JSON.stringify(hostileConfig()) });
  expect(res.status).toBe(200);
});

afterAll(async () => {
  await kv.delete('config');
  resetConfigCache();
});

// ---------------------------------------------------------------- helpers

/** encodeURIComponent, after replacing lone surrogates (which it refuses) as a browser would. */
const q = (v: string) => encodeURIComponent(v.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
async function get(url: string, init: { headers?: Record<string, string>; cf?: Record<string, unknown>; jar?: Jar } = {}): Promise<{ status: number; type: string; text: string; res: Response }> {
  const headers: Record<string, string> = { 'user-agent': BROWSER_UA, accept: 'text/html', ...init.headers };
  if (init.jar?.cookies.size) headers.cookie = init.jar.header();
  const req: RequestInit & { cf?: unknown } = { headers, redirect: 'manual' };
  if (init.cf) req.cf = init.cf;
  const res = await SELF.fetch(url.startsWith('http') ? url : `${BASE}${url}`, req as RequestInit);
  init.jar?.take(res);
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text(), res };
}

/** Personalised page: the site's own content is intact and the offer was rendered into the slots. */
function expectPersonalisedPage(html: string, what: string): void {
  expect(html, what).toContain('Trailhead Supply');
  expect(html.trimEnd().endsWith('</html>'), `${what}: the whole document was streamed`).toBe(true);
  expect(html, what).toContain('class="xss-offer"');
}

function expectSafe(markup: string, payload: XssPayload, baseline: string | undefined, what: string): void {
  expect(injectionProblems(markup, payload, baseline), `${payload.name} via ${what}`).toEqual([]);
}

// ---------------------------------------------------------------- vectors

/** A vector renders one hostile value into HTML (returns the markup) for a value; the same call with BENIGN is its baseline. */
type Vector = { name: string; html: (value: string) => Promise<string> };

const PAGE_VECTORS: Vector[] = [
  {
    name: 'utm_source / utm_campaign / click ids in the query',
    html: async (v) => {
      const r = await get(`/?utm_source=${q(v)}&utm_medium=email&utm_campaign=${q(v)}&gclid=${q(v)}&fbclid=${q(v)}&mc_cid=${q(v)}`);
      expectPersonalisedPage(r.text, 'utm page');
      return r.text;
    },
  },
  {
    name: 'utm tags on a category page, campaign without medium',
    html: async (v) => {
      const r = await get(`/shoes/?utm_campaign=${q(v)}&utm_source=${q(v)}&utm_content=${q(v)}&utm_term=${q(v)}`);
      expectPersonalisedPage(r.text, 'category page');
      return r.text;
    },
  },
  {
    name: 'Referer header',
    html: async (v) => {
      const r = await get('/', { headers: { referer: `https://evil.example/${q(v)}?q=${q(v)}` } });
      expectPersonalisedPage(r.text, 'referer page');
      const raw = await get('/', { headers: { referer: v.replace(/[^\x20-\x7e]/g, '?') } });
      expectPersonalisedPage(raw.text, 'raw referer page');
      return r.text + raw.text;
    },
  },
  {
    name: 'cf country / region / city',
    html: async (v) => {
      const r = await get('/', { cf: { country: v, region: v, city: v, regionCode: v } });
      expectPersonalisedPage(r.text, 'cf page');
      return r.text;
    },
  },
  {
    name: 'interests, props and traits sent through collect, then the next page',
    html: async (v) => {
      const jar = new Jar();
      await get('/', { jar });
      const events = [
        { id: `x-${Math.random()}`, seq: 1, ts: Date.now(), type: 'page', url: `http://localhost/?utm_campaign=${q(v)}`, title: v, referrer: v, interests: [v.slice(0, 40) || 'x'] },
        { id: `y-${Math.random()}`, seq: 2, ts: Date.now(), type: 'track', name: 'add_to_cart', props: { category: v.slice(0, 40), [v.slice(0, 64) || 'k']: v } },
        { id: `z-${Math.random()}`, seq: 3, ts: Date.now(), type: 'identify', traits: { nickname: v.slice(0, 40), [v.slice(0, 32) || 'k']: 'x' } },
      ];
      const c = await SELF.fetch(`${BASE}/__tailor/collect`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: jar.header(), 'user-agent': BROWSER_UA }, body: JSON.stringify({ v: 1, events }) });
      jar.take(c);
      expect(c.status).toBe(200);
      expect(c.headers.get('content-type')).toMatch(/^application\/json/);
      // The SDK puts each slot's html into the page with innerHTML: it is markup too.
      const reply = (await c.json()) as { slots: Record<string, { html: string }> };
      const slotsHtml = Object.values(reply.slots).map((s) => s.html).join('\n');
      const page = await get('/', { jar });
      expectPersonalisedPage(page.text, 'page after collect');
      return `${slotsHtml}\n${page.text}`;
    },
  },
];

describe('personalised pages never carry a payload unescaped', () => {
  const baselines = new Map<string, string>();
  beforeAll(async () => {
    for (const v of PAGE_VECTORS) baselines.set(v.name, await v.html(BENIGN.payload));
  });

  it('the test offer really renders visitor values, escaped (the oracle is not vacuous)', async () => {
    const html = await PAGE_VECTORS[0]!.html('<script>alert(1)</script>');
    expect(html).toContain(escapeHtml('<script>alert(1)</script>'));
    expect(injectionProblems('<p title="x" onclick="alert(1)">', XSS_PAYLOADS[0]!)).not.toEqual([]);
    expect(injectionProblems('<p><b>x</b></p>', BENIGN, '<p>x</p>')).not.toEqual([]);
  });

  for (const vector of PAGE_VECTORS) {
    it(`via ${vector.name}: ${XSS_PAYLOADS.length} payloads`, async () => {
      for (const p of XSS_PAYLOADS) expectSafe(await vector.html(p.payload), p, baselines.get(vector.name), vector.name);
    });
  }

  it('via the path: the page (or the site 404) never echoes a payload', async () => {
    const baseline = await get(`/${q(BENIGN.payload)}`);
    for (const p of XSS_PAYLOADS) {
      const r = await get(`/${q(p.payload)}`);
      expect(r.status).toBeLessThan(500);
      expectSafe(r.text, p, baseline.text, 'path');
    }
  });
});

describe('the why-panel JSON', () => {
  it('is valid JSON served as application/json, whatever the cookie, cf values and Referer hold', async () => {
    for (const p of XSS_PAYLOADS) {
      const jar = new Jar();
      await get(`/?utm_source=${q(p.payload)}&utm_medium=social&utm_campaign=${q(p.payload)}`, { jar });
      const r = await get('/__tailor/segments', { jar, cf: { country: p.payload, city: p.payload }, headers: { referer: `http://localhost/${q(p.payload)}`, accept: 'application/json' } });
      expect(r.status).toBe(200);
      expect(r.type).toMatch(/^application\/json/);
      const body = JSON.parse(r.text) as { explanations: { conditions: { text: string }[] }[] };
      expect(Array.isArray(body.explanations)).toBe(true);
    }
  });
});

describe('preview pages', () => {
  it('the toolbar and the previewed page escape hostile segment names and URL values', async () => {
    // Config text is admin-written, but a hostile name must not become markup either.
    const config = hostileConfig();
    const names = XSS_PAYLOADS.filter((p) => p.payload.length <= 80 && p.forbidden.length);
    config.segments.push(...names.map((p, i) => ({ id: `hostile-${i}`, name: p.payload, group: 'combined' as const, description: p.payload, rule: { segment: 'xss-all' } })));
    expect((await SELF.fetch(`${BASE}/__tailor/api/config`, { method: 'PUT', headers: ADMIN, body: JSON.stringify(config) })).status).toBe(200);
    try {
      for (const p of XSS_PAYLOADS) {
        const mint = await SELF.fetch(`${BASE}/__tailor/api/preview-links`, {
          method: 'POST',
          headers: ADMIN,
          body: JSON.stringify({ path: `/?utm_campaign=${q(p.payload)}&utm_source=${q(p.payload)}&utm_medium=email`, segments: ['xss-all', ...names.map((_, i) => `hostile-${i}`)], ttlMinutes: 5 }),
        });
        expect(mint.status).toBe(200);
        const { url } = (await mint.json()) as { url: string };
        const jar = new Jar();
        const enter = await get(url, { jar });
        expect(enter.status).toBe(303);
        const page = await get(enter.res.headers.get('location')!, { jar });
        expectPersonalisedPage(page.text, 'preview page');
        expect(page.text).toContain('id="tailor-preview"');
        for (const n of [p, ...names]) expectSafe(page.text, n, undefined, 'preview page');
        // Switching segments keeps escaping what the toolbar shows.
        const sw = await get(`/__tailor/preview/switch?s=${q(p.payload)}&s=hostile-0`, { jar, headers: { referer: `http://localhost/${q(p.payload)}` } });
        expect(sw.status).toBe(303);
        const after = await get('/', { jar });
        for (const n of [p, ...names]) expectSafe(after.text, n, undefined, 'preview after switch');
      }
    } finally {
      await SELF.fetch(`${BASE}/__tailor/api/config`, { method: 'PUT', headers: ADMIN, body: JSON.stringify(hostileConfig()) });
    }
  });

  it('an invalid preview token gets the static 403 page, not an echo', async () => {
    for (const p of XSS_PAYLOADS) {
      const r = await get(`/__tailor/preview?t=${q(p.payload)}`);
      expect(r.status).toBe(403);
      expectSafe(r.text, p, undefined, 'preview 403');
    }
  });
});

describe('the dashboard and error answers', () => {
  let session = '';
  beforeAll(async () => {
    const res = await SELF.fetch(`${BASE}/__tailor/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: BASE },
      body: new URLSearchParams({ token: TEST_ADMIN_TOKEN }).toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    session = res.headers.getSetCookie().find((c) => c.startsWith('tailor_admin='))!.split(';')[0]!;
  });

  const dashboardUrls = (v: string) => [
    `/__tailor/admin/experiments/${q(v)}`,
    `/__tailor/admin/${q(v)}`,
    `/__tailor/admin/traffic?days=${q(v)}`,
    `/__tailor/admin/config?saved=${q(v)}&restored=${q(v)}`,
    `/__tailor/admin?x=${q(v)}`,
  ];

  it('signed-in pages echo URL values escaped, with the same structure as for a harmless value', async () => {
    const baselines = await Promise.all(dashboardUrls(BENIGN.payload).map(async (u) => (await get(u, { headers: { cookie: session } })).text));
    for (const p of XSS_PAYLOADS) {
      const urls = dashboardUrls(p.payload);
      for (let i = 0; i < urls.length; i++) {
        const r = await get(urls[i]!, { headers: { cookie: session } });
        expect(r.status, urls[i]).toBeLessThan(500);
        expect(r.type, `${r.status} ${urls[i]}`).toMatch(/^text\/html/);
        expectSafe(r.text, p, baselines[i], urls[i]!);
      }
    }
  });

  it('the sign-in page (no session) reflects the requested path only escaped', async () => {
    const baseline = (await get(`/__tailor/admin/${q(BENIGN.payload)}`)).text;
    for (const p of XSS_PAYLOADS) {
      // Unencoded too: a path keeps quotes and backticks the URL parser does not escape.
      for (const path of [`/__tailor/admin/${q(p.payload)}`, `/__tailor/admin/${p.payload.replace(/[^\x21-\x7e]/g, '').replace(/[?#]/g, '')}`]) {
        const r = await get(path);
        expect(r.status).toBe(401);
        expectSafe(r.text, p, path.endsWith(q(p.payload)) ? baseline : undefined, 'sign-in page');
      }
    }
  });

  it('catalogue, preview-links and config pages escape hostile segment names and descriptions', async () => {
    const config = hostileConfig();
    const named = XSS_PAYLOADS.filter((p) => p.payload.length <= 80);
    config.segments.push(...named.map((p, i) => ({ id: `hostile-${i}`, name: p.payload, group: 'combined' as const, description: p.payload, rule: { segment: 'xss-all' } })));
    const put = await SELF.fetch(`${BASE}/__tailor/api/config`, { method: 'PUT', headers: ADMIN, body: JSON.stringify(config) });
    expect(put.status).toBe(200);
    try {
      for (const path of ['/__tailor/admin', '/__tailor/admin/preview', '/__tailor/admin/config', '/__tailor/admin/experiments']) {
        const r = await get(path, { headers: { cookie: session } });
        expect(r.status).toBe(200);
        for (const p of named) expectSafe(r.text, p, undefined, path);
      }
    } finally {
      await SELF.fetch(`${BASE}/__tailor/api/config`, { method: 'PUT', headers: ADMIN, body: JSON.stringify(hostileConfig()) });
    }
  });

  it('JSON errors that quote the input stay JSON (application/json, parseable)', async () => {
    for (const p of XSS_PAYLOADS) {
      const answers = [
        await SELF.fetch(`${BASE}/__tailor/${q(p.payload)}`),
        await SELF.fetch(`${BASE}/__tailor/api/preview-links`, { method: 'POST', headers: ADMIN, body: JSON.stringify({ path: '/', segments: [p.payload] }) }),
        await SELF.fetch(`${BASE}/__tailor/api/config`, { method: 'PUT', headers: ADMIN, body: JSON.stringify({ segments: [{ id: p.payload, name: p.payload }] }) }),
        await SELF.fetch(`${BASE}/__tailor/collect`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ v: 1, events: [{ type: p.payload, props: { [p.payload]: {} } }] }) }),
        await SELF.fetch(`${BASE}/__tailor/api/experiments/${q(p.payload)}/results`, { headers: ADMIN }),
      ];
      for (const res of answers) {
        expect(res.status).toBeLessThan(500);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        const body = JSON.parse(await res.text()) as { error?: { code?: unknown } };
        if (res.status >= 400) expect(typeof body.error?.code).toBe('string');
      }
    }
  });
});

describe('placeholders in unquoted attributes', () => {
  // In an unquoted attribute a space ends the value; placeholder values encode
  // whitespace and `=`, so a visitor-controlled utm_source cannot add attributes.
  it('an unquoted attribute placeholder cannot gain an event handler', async () => {
    const config = hostileConfig();
    config.slots.banner = [{ segment: 'xss-all', priority: 1_000_000, html: '<a class="unquoted" title={{source}} href="/">x</a>' }];
    expect((await SELF.fetch(`${BASE}/__tailor/api/config`, { method: 'PUT', headers: ADMIN, body: JSON.stringify(config) })).status).toBe(200);
    try {
      const r = await get(`/?utm_source=${q('x onmouseover=alert(1) y')}&utm_medium=social`);
      expect(r.text).toContain('class="unquoted"');
      expect(injectionProblems(r.text, { name: 'unquoted', payload: '', forbidden: ['onmouseover=alert'] })).toEqual([]);
    } finally {
      await SELF.fetch(`${BASE}/__tailor/api/config`, { method: 'PUT', headers: ADMIN, body: JSON.stringify(hostileConfig()) });
    }
  });
});
