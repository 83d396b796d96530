/**
 * The collect endpoint is down for minutes, then comes back: the outbox keeps
 * every event, backs off while it is down, and delivers each one exactly once.
 * The outage is injected at the network layer (Playwright routing answers 503
 * for /__tailor/collect); everything else is the real Worker and the real SDK.
 * The browser clock is Playwright's, so minutes of back-off take seconds.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, visitorUserAgent } from '../support/browser.ts';
import { TEST_ADMIN_TOKEN } from '../support/constants.ts';
import { startWorker, type WorkerServer } from '../support/worker-server.ts';

let worker: WorkerServer;
let browser: Browser;

beforeAll(async () => {
  [worker, browser] = await Promise.all([startWorker(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

async function trackCount(): Promise<number> {
  const r = await fetch(`${worker.url}/__tailor/api/events/count`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  return ((await r.json()) as { byType: Record<string, number> }).byType.track ?? 0;
}

it('delivers every event exactly once after a five-minute collect outage', async () => {
  const ctx = await browser.newContext({ userAgent: visitorUserAgent(browser) });
  await ctx.clock.install();
  let down = true;
  let refused = 0;
  const sentIds: string[] = [];
  await ctx.route('**/__tailor/collect', async (route) => {
    if (down) {
      refused++;
      return route.fulfill({ status: 503, headers: { 'retry-after': '30' }, body: '{"error":{"code":"unavailable","message":"down"}}' });
    }
    const body = JSON.parse(route.request().postData() ?? '{}') as { events?: { id: string; type: string }[] };
    for (const e of body.events ?? []) if (e.type === 'track') sentIds.push(e.id);
    return route.continue();
  });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(worker.url + '/');
  await page.waitForFunction(() => typeof (window as unknown as { tailor?: { track?: unknown } }).tailor?.track === 'function');

  const before = await trackCount();
  // 60 events spread over five minutes of outage.
  for (let minute = 0; minute < 5; minute++) {
    await page.evaluate((m) => {
      const t = (window as unknown as { tailor: { track(n: string, p: object): void } }).tailor;
      for (let i = 0; i < 12; i++) t.track('outage_probe', { minute: m, i });
    }, minute);
    await ctx.clock.runFor(60_000);
  }
  expect(refused).toBeGreaterThan(0);
  // Backing off: far fewer attempts than one per batch timer tick (2 s) over five minutes.
  expect(refused).toBeLessThan(40);
  expect(await trackCount()).toBe(before);

  down = false;
  // Let the back-off timers fire a few seconds at a time: one long jump of the fake clock
  // would also expire the 30 s timeout of a request still in flight, and its resend would
  // be a (harmless, deduplicated) duplicate on the wire that this test is here to rule out.
  await expect
    .poll(
      async () => {
        await ctx.clock.runFor(5_000);
        return trackCount();
      },
      { timeout: 30_000, interval: 100 },
    )
    .toBe(before + 60);
  // No late duplicates on the wire either.
  await ctx.clock.runFor(60_000);
  await page.evaluate(() => (window as unknown as { tailor: { flush(): Promise<void> } }).tailor.flush());
  expect(new Set(sentIds).size).toBe(sentIds.length);
  expect(await trackCount()).toBe(before + 60);
  expect(errors).toEqual([]);
  await ctx.close();
});
