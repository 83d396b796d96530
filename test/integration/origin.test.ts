/**
 * Tailor in front of an existing site (ORIGIN_URL), as `wrangler dev` runs it:
 * the origin's HTML is cached at the edge as its headers allow and personalised
 * after the cache; non-HTML, redirects, 304s, HEAD and errors pass through.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type WorkerServer } from '../support/worker-server.ts';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36';
let origin: Server;
let worker: WorkerServer;
const hits: Record<string, number> = {};
const seenCookies: string[] = [];

const page = (title: string) =>
  `<!doctype html><html><head><title>${title}</title></head><body><div data-tailor-slot="hero">Default hero</div><div data-tailor-slot="banner">Default banner</div></body></html>`;

beforeAll(async () => {
  origin = createServer((req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    hits[url] = (hits[url] ?? 0) + 1;
    seenCookies.push(req.headers.cookie ?? '');
    if (path === '/cached') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=120' });
      res.end(page('cached'));
    } else if (path === '/private') {
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'private, max-age=120' });
      res.end(page('private'));
    } else if (path === '/moved') {
      res.writeHead(301, { location: '/cached' });
      res.end();
    } else if (path === '/style.css') {
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' });
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'text/css', etag: '"v1"', 'cache-control': 'public, max-age=60' });
      res.end('body{color:red}');
    } else if (path === '/boom') {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<h1>origin error</h1>');
    } else if (path === '/stream') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<!doctype html><html><body><div data-tailor-slot="banner">x</div>');
      setTimeout(() => res.end('<p>late part</p></body></html>'), 300);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
  const { port } = origin.address() as { port: number };
  worker = await startWorker({ vars: { ORIGIN_URL: `http://127.0.0.1:${port}` } });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await new Promise((r) => origin?.close(r));
});

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  fetch(worker.url + path, { method, headers: { 'user-agent': UA, accept: 'text/html', ...headers }, redirect: 'manual' });

describe('ORIGIN_URL mode', () => {
  it('fetches the origin once while its Cache-Control allows, and personalises every hit', async () => {
    const social = await get('/cached', { referer: 'https://t.co/x' });
    const html1 = await social.text();
    const email = await get('/cached?utm_source=newsletter&utm_medium=email');
    const html2 = await email.text();
    const plain = await get('/cached');
    await plain.text();
    expect(html1).toContain('data-tailor-segment="social-users"');
    expect(html2).toContain('data-tailor-segment="campaign-newsletter-arrivals"');
    // The two plain /cached requests (different visitors, different offers) share one origin fetch.
    expect(hits['/cached']).toBe(1);
    expect(hits['/cached?utm_source=newsletter&utm_medium=email']).toBe(1);
    expect(social.headers.get('cache-control')).toMatch(/private/);
  });

  it('keeps personalising each visitor once the cached page is served from its template', async () => {
    const pvid = (html: string) => html.replace(/(name="tailor:pvid" content=")[^"]+/, '$1…');
    const first = await (await get('/cached', { referer: 'https://t.co/x' })).text();
    for (let i = 0; i < 4; i++) {
      const res = await get('/cached', { referer: 'https://t.co/x' });
      expect(res.headers.get('x-tailor-document')).toBeNull(); // the cache copy's id stays inside the edge
      expect(pvid(await res.text())).toBe(pvid(first));
      const email = await (await get('/cached?utm_source=newsletter&utm_medium=email')).text();
      expect(email).toContain('data-tailor-segment="campaign-newsletter-arrivals"');
    }
    expect(hits['/cached']).toBe(1);
  });

  it('does not cache what the origin marks private', async () => {
    await (await get('/private')).text();
    await (await get('/private')).text();
    expect(hits['/private']).toBe(2);
  });

  it('never forwards the Tailor profile cookie to the origin', async () => {
    const first = await get('/private');
    const cookie = first.headers.getSetCookie().find((c) => c.startsWith('tailor_p='))!.split(';')[0]!;
    await first.text();
    await (await get('/private', { cookie: `${cookie}; session=abc` })).text();
    expect(seenCookies.at(-1)).toBe('session=abc');
  });

  it('passes redirects, 304s, HEAD and origin errors through', async () => {
    const moved = await get('/moved');
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe('/cached');
    const css = await get('/style.css', { accept: 'text/css', 'if-none-match': '"v1"' });
    expect(css.status).toBe(304);
    const head = await get('/cached', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const boom = await get('/boom');
    expect(boom.status).toBe(500);
    expect(await boom.text()).toContain('origin error');
  });

  it('streams: a slow origin body still arrives whole and personalised', async () => {
    const res = await get('/stream', { referer: 'https://t.co/x' });
    const html = await res.text();
    expect(html).toContain('late part');
    expect(html).toContain('data-tailor-segment=');
  });
});
