import { SELF } from 'cloudflare:test';
import { COALESCE_MS } from '../../edge/reporting.ts';

export const BASE = 'http://localhost';
export const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36';

/** A tiny cookie jar: what a browser would send back. */
export class Jar {
  cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export async function visit(path: string, opts: { jar?: Jar; headers?: Record<string, string>; cf?: Record<string, unknown>; method?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'user-agent': BROWSER_UA, accept: 'text/html', ...opts.headers };
  if (opts.jar?.cookies.size) headers.cookie = opts.jar.header();
  const init: RequestInit & { cf?: unknown } = { headers, method: opts.method ?? 'GET', redirect: 'manual' };
  if (opts.cf) init.cf = opts.cf;
  const res = await SELF.fetch(`${BASE}${path}`, init as RequestInit);
  opts.jar?.take(res);
  return res;
}

let seq = 0;
export function pageEvent(url: string, extra: Record<string, unknown> = {}) {
  seq++;
  return { id: `e${seq}-${Math.random().toString(36).slice(2)}`, seq, ts: Date.now(), type: 'page', url, ...extra };
}
export function trackEvent(name: string, props: Record<string, unknown> = {}) {
  seq++;
  return { id: `e${seq}-${Math.random().toString(36).slice(2)}`, seq, ts: Date.now(), type: 'track', name, props };
}

export async function collect(events: unknown[], opts: { jar?: Jar; contentType?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': opts.contentType ?? 'application/json', 'user-agent': BROWSER_UA, ...opts.headers };
  if (opts.jar?.cookies.size) headers.cookie = opts.jar.header();
  const res = await SELF.fetch(`${BASE}/__tailor/collect`, { method: 'POST', headers, body: opts.body ?? JSON.stringify({ v: 1, events }) });
  opts.jar?.take(res);
  return res;
}

/** The segment each slot was filled for, from the streamed HTML. */
export function filledSlots(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<[^>]*data-tailor-slot="([^"]+)"[^>]*>/g)) {
    const seg = /data-tailor-segment="([^"]+)"/.exec(m[0]);
    if (seg) out[m[1]!] = seg[1]!;
  }
  return out;
}

/**
 * Reporting writes run in waitUntil (which SELF.fetch does not await) after a
 * short coalescing delay: wait until those of earlier requests have landed.
 */
export const settleReporting = (): Promise<void> => new Promise((r) => setTimeout(r, COALESCE_MS + 200));
