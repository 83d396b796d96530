/**
 * SDK start-up cost in real Chromium: parse + execute of t.js on a page served
 * by the Worker, measured in the page with performance.now() around a
 * synchronous evaluation of the exact bundle the edge serves.
 */
import { launchBrowser, visitorUserAgent } from '../support/browser.ts';
import type { WorkerServer } from '../support/worker-server.ts';
import { quantile, type BenchRow } from './table.ts';

export async function benchSdkInit(worker: WorkerServer, runs = 25): Promise<BenchRow[]> {
  const browser = await launchBrowser();
  try {
    const ctx = await browser.newContext({ userAgent: visitorUserAgent(browser) });
    const page = await ctx.newPage();
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      // A fresh document each run; the script's own load is excluded (network), its work is not.
      await page.goto(`${worker.url}/cart.html`);
      const ms = await page.evaluate(async () => {
        const src = await (await fetch('/__tailor/t.js')).text();
        (window as unknown as { tailor?: unknown }).tailor = [];
        const t0 = performance.now();
        new Function(src)();
        return performance.now() - t0;
      });
      samples.push(ms);
    }
    samples.sort((a, b) => a - b);
    return [{ name: 'sdk: init in Chromium (parse + execute t.js)', value: quantile(samples, 0.5), p99: quantile(samples, 0.99), unit: 'ms', budget: 5, note: `${runs} fresh page loads` }];
  } finally {
    await browser.close();
  }
}
