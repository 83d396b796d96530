/**
 * Hot pages in ORIGIN_URL mode (edge/page-template.ts, "recent documents"): once
 * an isolate holds the template of an edge-cached page, it serves that page
 * without asking the Cache API again, only while the cached copy is fresh and
 * for at most DOCUMENT_REUSE_MS, and never to a request the edge cache would
 * not serve (credentials). The origin here refuses connections, so any request
 * that really goes past the edge cache gets Tailor's 502 page.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from '../../edge/app.ts';
import { DOCUMENT_ID } from '../../edge/origin.ts';
import { templateStats } from '../../edge/page-template.ts';
import { BROWSER_UA, filledSlots } from './helpers.ts';

const ORIGIN = 'http://127.0.0.1:9';
const originEnv = { ...env, ORIGIN_URL: ORIGIN };
/** The Workers edge cache (`caches.default`, which the DOM's CacheStorage type lacks). */
const edgeCache = (caches as unknown as { default: Cache }).default;
const PAGE = `<!doctype html><html><head><title>Jackets</title></head><body><div data-tailor-slot="hero">Our jackets</div></body></html>`;

/** Stores a copy of PAGE in the edge cache, as origin.ts does after an origin fetch. */
async function cachePage(path: string, headers: Record<string, string>): Promise<void> {
  const copy = new Response(PAGE, { headers: { 'content-type': 'text/html; charset=utf-8', [DOCUMENT_ID]: `doc-${path}`, ...headers } });
  await edgeCache.put(new Request(ORIGIN + path), copy);
}

async function get(path: string, headers: Record<string, string> = {}) {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`http://shop.test${path}`, { headers: { 'user-agent': BROWSER_UA, accept: 'text/html', ...headers } }), originEnv, ctx);
  const html = await res.text();
  await waitOnExecutionContext(ctx);
  return { res, html };
}

describe('hot pages skip the edge cache while their copy is fresh', () => {
  it('serves a page it holds the template of without the Cache API, personalised per visitor', async () => {
    const path = '/jackets/?hot=1';
    await cachePage(path, { 'cache-control': 'public, max-age=60' });
    const first = await get(path, { referer: 'https://t.co/abc' });
    expect(filledSlots(first.html)).toEqual({ hero: 'social-users' });
    const reused = templateStats.reused;
    await edgeCache.delete(new Request(ORIGIN + path));
    // The edge cache no longer has it: only this isolate's copy can answer.
    const social = await get(path, { referer: 'https://t.co/abc' });
    const email = await get(path + '&utm_source=newsletter&utm_medium=email');
    expect(templateStats.reused).toBe(reused + 1);
    expect(social.res.status).toBe(200);
    expect(social.html).toBe(first.html.replace(/(name="tailor:pvid" content=")[^"]+/, `$1${/name="tailor:pvid" content="([^"]+)/.exec(social.html)![1]}`));
    expect(social.res.headers.get('cache-control')).toBe('private, no-cache');
    expect(social.res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(social.res.headers.get(DOCUMENT_ID)).toBeNull();
    // Another URL is another cache key: it went to the edge cache, then the (unreachable) origin.
    expect(email.res.status).toBe(502);
  });

  it('never reuses a copy past its own freshness', async () => {
    const path = '/jackets/?stale-soon=1';
    // 60 s old with a 61 s lifetime: one second of freshness left, less than DOCUMENT_REUSE_MS.
    await cachePage(path, { 'cache-control': 'public, max-age=61', age: '60' });
    await get(path);
    await edgeCache.delete(new Request(ORIGIN + path));
    expect((await get(path)).res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await get(path)).res.status).toBe(502);
  });

  it('requests the edge cache would not serve never get the isolate copy', async () => {
    const path = '/jackets/?private=1';
    await cachePage(path, { 'cache-control': 'public, max-age=60' });
    await get(path);
    await edgeCache.delete(new Request(ORIGIN + path));
    expect((await get(path)).res.status).toBe(200);
    // The site's own session cookie or credentials: straight to the origin, as fetchOrigin does.
    expect((await get(path, { cookie: 'session=abc' })).res.status).toBe(502);
    expect((await get(path, { authorization: 'Bearer x' })).res.status).toBe(502);
    // Tailor's own cookies do not make a request private.
    expect((await get(path, { cookie: 'tailor_consent=granted' })).res.status).toBe(200);
  });
});
