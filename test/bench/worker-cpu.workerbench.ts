/**
 * Worker CPU per personalised page, measured inside workerd (vitest project
 * `worker-bench`, run by `npm run bench`, not by `npm test`): the real app
 * serves a 100 KB page with five slots from an in-memory origin in batches of
 * 25; with no network I/O in the loop, the wall time per request is the
 * Worker's CPU for it (workerd's clock advances locally) plus the bench's own
 * read of the body, measured alongside and reported apart. Personalisation on
 * vs off in the same run. Prints one JSON line the bench runner parses.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { it } from 'vitest';
import { app } from '../../edge/app.ts';
import { largePage } from './large-page.ts';

const PAGE = largePage();
// Like Workers static assets: a strong ETag (a hash of the file), which lets the edge reuse the page's template.
const assets = { fetch: async () => new Response(PAGE, { headers: { 'content-type': 'text/html; charset=utf-8', etag: '"bench-page-1"' } }) } as unknown as Fetcher;
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36';
const URL_ = 'http://shop.test/?utm_source=newsletter&utm_medium=email';

/**
 * Per batch, the mean time per request (`gross`), and the mean time the bench
 * itself takes to read a plain 100 KB body the same way (`read`): in production
 * the runtime sends a response body to the network natively, so the Worker's
 * CPU is the difference. Each batch measures both, so both see the same machine.
 */
async function run(mode: 'on' | 'off', n: number): Promise<{ gross: number[]; read: number[] }> {
  // No DB binding: reporting writes are I/O, not Worker CPU, and are measured in the load runs.
  const appEnv = { ...env, DB: undefined, ASSETS: assets, TAILOR_PERSONALISATION: mode === 'off' ? 'off' : '' };
  const ctx = createExecutionContext();
  const first = await app.fetch(new Request(URL_, { headers: { 'user-agent': UA, accept: 'text/html' } }), appEnv, ctx);
  const plain = new TextEncoder().encode(await first.text());
  const cookie = first.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  // workerd's timers are coarse (1 ms), so time batches of 25 and report the per-request mean of each.
  const gross: number[] = [];
  const read: number[] = [];
  for (let b = 0; b < n / 25; b++) {
    const t0 = performance.now();
    for (let i = 0; i < 25; i++) {
      const res = await app.fetch(new Request(URL_, { headers: { 'user-agent': UA, accept: 'text/html', cookie } }), appEnv, ctx);
      const body = await res.text();
      if (body.length < 98_000) throw new Error('short body');
    }
    const t1 = performance.now();
    for (let i = 0; i < 25; i++) {
      const body = await new Response(plain, { headers: { 'content-type': 'text/html; charset=utf-8' } }).text();
      if (body.length < 98_000) throw new Error('short body');
    }
    gross.push((t1 - t0) / 25);
    read.push((performance.now() - t1) / 25);
  }
  await waitOnExecutionContext(ctx);
  return { gross, read };
}

/** Worker CPU per collect request (two events, returning visitor), and per trivial JSON route, the same way. */
async function runCollect(n: number): Promise<{ collect: number[]; trivial: number[] }> {
  const appEnv = { ...env, DB: undefined, ASSETS: assets };
  const ctx = createExecutionContext();
  const first = await app.fetch(new Request(URL_, { headers: { 'user-agent': UA, accept: 'text/html' } }), appEnv, ctx);
  await first.text();
  const cookie = first.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const collect: number[] = [];
  const trivial: number[] = [];
  let seq = 1;
  for (let b = 0; b < n / 25; b++) {
    let t0 = performance.now();
    for (let i = 0; i < 25; i++) {
      const ts = Date.now();
      const body = JSON.stringify({
        v: 1,
        events: [
          { id: `c${seq}`, seq: seq++, ts, type: 'page', url: 'http://shop.test/shoes/', interests: ['shoes'] },
          { id: `c${seq}`, seq: seq++, ts, type: 'track', name: 'add_to_cart', props: { value: 120, category: 'shoes' } },
        ],
      });
      // As browsers send it: with its length (sendBeacon and fetch always do) and the page as Referer.
      const headers = { 'user-agent': UA, 'content-type': 'application/json', 'content-length': String(body.length), referer: 'http://shop.test/shoes/', cookie };
      const res = await app.fetch(new Request('http://shop.test/__tailor/collect', { method: 'POST', headers, body }), appEnv, ctx);
      if (res.status !== 200) throw new Error(`collect ${res.status}`);
      await res.text();
    }
    collect.push((performance.now() - t0) / 25);
    t0 = performance.now();
    for (let i = 0; i < 25; i++) await (await app.fetch(new Request('http://shop.test/__tailor/health'), appEnv, ctx)).text();
    trivial.push((performance.now() - t0) / 25);
  }
  await waitOnExecutionContext(ctx);
  return { collect, trivial };
}

it('measures Worker CPU per page', async () => {
  await run('on', 100);
  await run('off', 100);
  const on = await run('on', 1000);
  const off = await run('off', 1000);
  await runCollect(100);
  const { collect, trivial } = await runCollect(1000);
  console.log(`WORKER_CPU_JSON ${JSON.stringify({ on, off, collect, trivial })}`);
}, 120_000);
