#!/usr/bin/env node
/**
 * `node scripts/screenshots.mjs`: PNG screenshots for the README into
 * docs/screenshots/. Starts its own Worker (wrangler dev on a free port with
 * fresh local storage), adds the sample experiment, seeds six weeks of traffic,
 * then drives Chromium:
 *   store-segments.png       the home page for a social arrival and a newsletter click, side by side
 *   dashboard-segments.png   the segment catalogue (sizes, sparklines, trends)
 *   dashboard-traffic.png    sessions by source medium
 *   dashboard-experiment.png the sample experiment's results
 *   dashboard-config.png     the config editor refusing an invalid config
 *   dashboard-preview.png    the preview-link generator with a link made
 *
 * Options: --out DIR (default docs/screenshots), --only store|dashboard.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

if (!process.features.typescript) {
  const r = spawnSync(process.execPath, ['--experimental-strip-types', '--no-warnings', ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const ROOT = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const OUT = resolve(arg('--out', join(ROOT, 'docs/screenshots')));
const ONLY = arg('--only', 'all');

const { startWorker, TEST_ADMIN_TOKEN } = await import('../test/support/worker-server.ts');
const { launchBrowser } = await import('../test/support/browser.ts');
const { withSampleExperiment } = await import('./seed/sample-experiment.mjs');

mkdirSync(OUT, { recursive: true });
const log = (m) => console.log(`screenshots: ${m}`);

log('starting the Worker…');
const server = await startWorker();
let browser;
try {
  const api = (path, init = {}) => fetch(`${server.url}/__tailor/api${path}`, { ...init, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json', ...init.headers } });
  // The sample experiment goes live through the API (so the running Worker serves it at once), then the seed simulates it.
  const config = await (await api('/config')).json();
  const put = await api('/config', { method: 'PUT', body: JSON.stringify(withSampleExperiment(config, Date.now(), 42)) });
  if (!put.ok) throw new Error(`could not save the sample experiment: ${await put.text()}`);
  log('seeding…');
  execFileSync(process.execPath, [join(ROOT, 'scripts/seed.mjs'), '--persist-to', server.persistDir], { cwd: ROOT, stdio: 'inherit' });

  browser = await launchBrowser();

  if (ONLY !== 'dashboard') {
    // Two first-time visitors: each gets a fresh browser context (no cookies).
    const shots = [];
    for (const [label, path] of [
      ['Arriving from social media', '/?utm_source=facebook&utm_medium=social&utm_campaign=trail-season'],
      ['Clicking the newsletter', '/?utm_source=newsletter&utm_medium=email&utm_campaign=weekly-picks&mc_cid=3f2a1b&mc_eid=9c8d7e'],
    ]) {
      const ctx = await browser.newContext({ viewport: { width: 760, height: 980 }, deviceScaleFactor: 1 });
      const page = await ctx.newPage();
      await page.goto(`${server.url}${path}`, { waitUntil: 'networkidle' });
      await page.waitForTimeout(300);
      const png = await page.screenshot();
      const segment = await page.evaluate(() => [...document.querySelectorAll('[data-tailor-segment]')].map((e) => `${e.getAttribute('data-tailor-slot')}: ${e.getAttribute('data-tailor-segment')}`).join(', '));
      shots.push({ label, path, png, segment });
      await ctx.close();
    }
    const ctx = await browser.newContext({ viewport: { width: 1600, height: 1120 }, deviceScaleFactor: 1 });
    const page = await ctx.newPage();
    const esc = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
    await page.setContent(`<!doctype html><html><head><style>
      body{margin:0;background:#0f172a;font:15px/1.4 system-ui,sans-serif;color:#e2e8f0;padding:24px 28px}
      h1{font-size:20px;margin:0 0 16px;color:#fff}
      .row{display:flex;gap:24px}
      figure{margin:0;flex:1}
      figcaption{margin:0 0 8px;font-weight:600}
      figcaption code{font-weight:400;color:#94a3b8;font-size:12.5px;display:block;margin-top:2px;word-break:break-all}
      img{display:block;width:100%;border-radius:10px;border:1px solid #334155}
    </style></head><body><h1>Same page, two audiences: Tailor fills the slots at the edge, in the first response</h1><div class="row">${shots
      .map((s) => `<figure><figcaption>${esc(s.label)}<code>${esc(s.path)}</code><code>${esc(s.segment || 'default content')}</code></figcaption><img src="data:image/png;base64,${s.png.toString('base64')}"></figure>`)
      .join('')}</div></body></html>`);
    await page.waitForTimeout(200);
    writeFileSync(join(OUT, 'store-segments.png'), await page.screenshot({ fullPage: true }));
    await ctx.close();
    log('store-segments.png');
  }

  if (ONLY !== 'store') {
    const ctx = await browser.newContext({ viewport: { width: 1360, height: 900 }, deviceScaleFactor: 1 });
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // 401 (sign-in page) and 422 (the refused config) are expected answers, not errors.
    page.on('console', (m) => m.type() === 'error' && !/status of (401|422)/.test(m.text()) && errors.push(m.text()));
    await page.goto(`${server.url}/__tailor/admin`);
    await page.fill('#token', TEST_ADMIN_TOKEN);
    await Promise.all([page.waitForURL(/\/__tailor\/admin$/), page.click('button[type=submit]')]);

    const shoot = async (name, clipHeight) => {
      await page.waitForTimeout(150);
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      writeFileSync(join(OUT, name), await page.screenshot({ fullPage: true, clip: { x: 0, y: 0, width: 1360, height: Math.min(height, clipHeight) } }));
      log(name);
    };
    await shoot('dashboard-segments.png', 1900);
    await page.goto(`${server.url}/__tailor/admin/traffic`);
    await shoot('dashboard-traffic.png', 1100);
    await page.goto(`${server.url}/__tailor/admin/experiments/reco-bundle`);
    await shoot('dashboard-experiment.png', 1300);

    await page.goto(`${server.url}/__tailor/admin/config`);
    const text = await page.inputValue('#config-text');
    const broken = JSON.parse(text);
    broken.segments[1].rule = { metric: 'sessions', window: 30, op: 'at-least', value: 4 };
    broken.segments[4].name = '';
    await page.fill('#config-text', JSON.stringify(broken, null, 2));
    await page.click('#config-save');
    // The editor scrolls to the first problem; show it with its note.
    await page.waitForSelector('#config-notes .note');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shoot('dashboard-config.png', 900);

    await page.goto(`${server.url}/__tailor/admin/preview`);
    for (const id of ['social-users', 'interest-camping']) await page.check(`input[value="${id}"]`);
    await page.fill('input[name=path]', '/camping/');
    await page.click('#preview-create');
    await page.waitForSelector('#preview-url, #preview-result .notice.error');
    await shoot('dashboard-preview.png', 1100);
    if (errors.length) log(`browser errors: ${errors.join(' | ')}`);
    await ctx.close();
  }
  log(`done: ${OUT}`);
} finally {
  await browser?.close();
  await server.stop();
}
