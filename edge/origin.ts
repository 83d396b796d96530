/**
 * Fetching the site: the ASSETS binding (demo-site/) by default, or the origin in
 * ORIGIN_URL when Tailor sits in front of an existing site. Origin responses are
 * cached at the edge (Cache API) as their own headers allow, *before*
 * personalisation, so one cached copy serves every segment.
 */
import { randomId } from './request-context.ts';

const TAILOR_COOKIE = /^(?:__Host-)?tailor_/;

/** Carried by the edge-cache copy of an HTML page: which stored document it is (see page-template.ts). */
export const DOCUMENT_ID = 'x-tailor-document';
const documentIds = new WeakMap<Response, string>();

/**
 * A stable id for the exact bytes of this response, when it has one: the copy
 * in the edge cache, or a static asset (its ETag is a hash of the file).
 * Uncached origin responses have none: the origin may answer differently each time.
 */
export const documentIdOf = (res: Response): string | undefined => documentIds.get(res);

/** The visitor's cookies minus Tailor's own: the origin never sees the profile. */
export function stripTailorCookies(cookieHeader: string | null): string | null {
  if (!cookieHeader) return null;
  const kept = cookieHeader
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s && !TAILOR_COOKIE.test(s.split('=')[0] ?? ''));
  return kept.length ? kept.join('; ') : null;
}

/** Whether a shared cache may keep this origin response (RFC 9111, the parts that matter here). */
export function isSharedCacheable(res: Response): boolean {
  if (res.status !== 200) return false;
  if (res.headers.has('set-cookie')) return false;
  const cc = (res.headers.get('cache-control') ?? '').toLowerCase();
  if (/(?:^|,)\s*(?:private|no-store|no-cache)\b/.test(cc)) return false;
  const vary = (res.headers.get('vary') ?? '').toLowerCase();
  if (vary.includes('*') || vary.includes('cookie')) return false;
  return /(?:s-maxage|max-age)\s*=\s*[1-9]/.test(cc);
}

/**
 * What is left of a shared-cacheable response's freshness (RFC 9111 §4.2), in ms:
 * its s-maxage or max-age less its current age (the later of `Age` and the time
 * since `Date`). 0 when it has no lifetime or is already stale.
 */
export function freshnessLeftMs(headers: Headers, now: number): number {
  const cc = (headers.get('cache-control') ?? '').toLowerCase();
  const lifetime = /(?:^|,)\s*s-maxage\s*=\s*(\d+)/.exec(cc) ?? /(?:^|,)\s*max-age\s*=\s*(\d+)/.exec(cc);
  if (!lifetime) return 0;
  const date = Date.parse(headers.get('date') ?? '');
  const age = Math.max(Number(headers.get('age')) || 0, Number.isNaN(date) ? 0 : (now - date) / 1000);
  return Math.max(0, (Number(lifetime[1]) - age) * 1000);
}

/**
 * The edge-cache key of a request through ORIGIN_URL, or null when the request
 * bypasses the edge cache: only anonymous GETs (no Authorization, no cookies but
 * Tailor's own) are shared-cacheable.
 */
export function sharedCacheKey(request: Request, opts: Pick<OriginOptions, 'originUrl' | 'cache'>): string | null {
  if (!opts.originUrl || !opts.cache || request.method !== 'GET') return null;
  if (request.headers.has('authorization') || stripTailorCookies(request.headers.get('cookie'))) return null;
  return originTarget(request.url, opts.originUrl);
}

const originTarget = (requestUrl: string, originUrl: string): string => {
  const url = new URL(requestUrl);
  return new URL(url.pathname + url.search, originUrl).toString();
};

/** How long Tailor waits for the origin (headers and body) before answering 504. */
export const ORIGIN_TIMEOUT_MS = 20_000;

export interface OriginOptions {
  originUrl?: string | undefined;
  assets: Fetcher;
  /** Drop If-None-Match / If-Modified-Since: a 304 would let the browser reuse another visit's personalised copy. */
  forPersonalisation: boolean;
  waitUntil: (p: Promise<unknown>) => void;
  cache?: Cache | undefined;
  timeoutMs?: number;
}

export async function fetchOrigin(request: Request, opts: OriginOptions): Promise<Response> {
  const headers = new Headers(request.headers);
  const cookies = stripTailorCookies(headers.get('cookie'));
  if (cookies) headers.set('cookie', cookies);
  else headers.delete('cookie');
  if (opts.forPersonalisation) {
    headers.delete('if-none-match');
    headers.delete('if-modified-since');
  }
  if (!opts.originUrl) {
    const res = await opts.assets.fetch(new Request(request.url, { method: request.method, headers, redirect: 'manual' }));
    const etag = res.headers.get('etag');
    if (res.status === 200 && etag && !etag.startsWith('W/') && isHtml(res)) documentIds.set(res, `asset ${new URL(request.url).pathname} ${etag}`);
    return res;
  }
  const sharedKey = sharedCacheKey(request, opts);
  const target = sharedKey ?? originTarget(request.url, opts.originUrl);
  const init: RequestInit = { method: request.method, headers, redirect: 'manual', signal: AbortSignal.timeout(opts.timeoutMs ?? ORIGIN_TIMEOUT_MS) };
  if (request.method !== 'GET' && request.method !== 'HEAD') init.body = request.body;
  const originReq = new Request(target, init);

  // Only anonymous GETs are shared-cacheable; anything with credentials goes straight through.
  if (sharedKey) {
    const cacheKey = new Request(target, { method: 'GET' });
    const hit = await opts.cache!.match(cacheKey).catch(() => undefined);
    const id = hit?.headers.get(DOCUMENT_ID);
    if (!hit || !id) return hit ?? fetchAndCache(originReq, cacheKey, opts);
    const res = new Response(hit.body, hit);
    res.headers.delete(DOCUMENT_ID);
    documentIds.set(res, id);
    return res;
  }
  return fetch(originReq);
}

async function fetchAndCache(originReq: Request, cacheKey: Request, opts: OriginOptions): Promise<Response> {
  const res = await fetch(originReq);
  if (!isSharedCacheable(res)) return res;
  const copy = new Response(res.clone().body, res);
  if (isHtml(res)) {
    const id = randomId();
    copy.headers.set(DOCUMENT_ID, id);
    documentIds.set(res, id);
  }
  opts.waitUntil(opts.cache!.put(cacheKey, copy).catch(() => {}));
  return res;
}

export function isHtml(res: Response): boolean {
  return (res.headers.get('content-type') ?? '').toLowerCase().includes('text/html');
}
