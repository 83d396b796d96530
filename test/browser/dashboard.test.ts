/**
 * The dashboard in real Chromium against `wrangler dev`, after `npm run seed`
 * filled that server's local D1: sign-in, charts with data, experiment results,
 * a preview link, and the config editor refusing an invalid config with the
 * problem shown next to its line.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser, visitorUserAgent } from '../support/browser.ts';
import { signPreview } from '../../edge/preview.ts';
import { TEST_SECRET } from '../support/constants.ts';
import { ROOT, startWorker, TEST_ADMIN_TOKEN, type WorkerServer } from '../support/worker-server.ts';
// @ts-expect-error: a plain .mjs helper without types
import { withSampleExperiment } from '../../scripts/seed/sample-experiment.mjs';

const run = hasChromium || process.env.CI === 'true';

describe.runIf(run)('dashboard in Chromium', () => {
  let server: WorkerServer;
  let browser: Browser;
  let page: Page;
  /** Console errors and CSP violations; 401 (the sign-in page) and 422 (a refused config) are answers, not errors. */
  const errors: string[] = [];

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}/__tailor/api${path}`, { ...init, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });

  beforeAll(async () => {
    server = await startWorker();
    // The sample experiment goes live through the API, then the seed simulates traffic for it.
    const config = await (await api('/config')).json();
    expect((await api('/config', { method: 'PUT', body: JSON.stringify(withSampleExperiment(config, Date.now(), 42)) })).status).toBe(200);
    execFileSync(process.execPath, [join(ROOT, 'scripts/seed.mjs'), '--persist-to', server.persistDir, '--visitors', '1500'], { cwd: ROOT, stdio: 'pipe' });
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of (401|422)/.test(m.text())) errors.push(m.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('asks for the token, then shows the segment catalogue with sparklines of seeded data', async () => {
    const login = await page.goto(`${server.url}/__tailor/admin`);
    expect(login!.status()).toBe(401);
    await page.fill('#token', 'wrong-token-0123456789');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('#login-error')).toContain('not right');

    await page.fill('#token', TEST_ADMIN_TOKEN);
    await Promise.all([page.waitForURL(/\/__tailor\/admin$/), page.click('button[type=submit]')]);
    expect(await page.textContent('h1')).toBe('Segment catalogue');
    // Every segment row has a sparkline, and the seeded ones have a drawn line.
    const rows = await page.locator('tr[data-segment]').count();
    expect(rows).toBeGreaterThanOrEqual(25);
    expect(await page.locator('tr[data-segment] svg.sparkline').count()).toBe(rows);
    const website = page.locator('tr[data-segment="website-visitors"]');
    expect(await website.locator('svg.sparkline path').count()).toBeGreaterThanOrEqual(2);
    expect(Number((await website.locator('td.num').nth(2).textContent())!.replace(/,/g, ''))).toBeGreaterThan(300);
    expect(await page.locator('.badge.up, .badge.down, .badge.flat').count()).toBeGreaterThan(0);

    // The filter narrows the catalogue in place.
    await page.fill('#seg-filter', 'win-back');
    expect(await page.locator('tr[data-segment]:visible').count()).toBe(1);
  });

  it('draws traffic by medium as stacked areas with a legend', async () => {
    await page.goto(`${server.url}/__tailor/admin/traffic`);
    const chart = page.locator('svg.chart-stacked');
    expect(await chart.count()).toBe(1);
    expect(await chart.locator('path.area').count()).toBeGreaterThanOrEqual(6);
    const legend = await chart.locator('.legend-item text').allTextContents();
    expect(legend).toEqual(expect.arrayContaining(['Social', 'E-mail', 'Search', 'Direct']));
    // Areas have real extent: the chart is not flat.
    const box = await chart.locator('path.area').first().boundingBox();
    expect(box!.height).toBeGreaterThan(40);
  });

  it('shows the experiment results table and the cumulative chart', async () => {
    await page.goto(`${server.url}/__tailor/admin/experiments`);
    await Promise.all([page.waitForURL(/experiments\/reco-bundle$/), page.click('a.btn:has-text("Results")')]);
    expect(await page.locator('tr[data-variant]').count()).toBe(2);
    const visitors = await page.locator('tr[data-variant] td.num').first().textContent();
    expect(Number(visitors!.replace(/,/g, ''))).toBeGreaterThan(50);
    expect(await page.locator('svg.chart-line path.line').count()).toBe(2);
    expect(await page.locator('svg.chart-interval g.interval').count()).toBe(2);
    expect(await page.textContent('.verdict')).toMatch(/\S/);
  });

  it('makes a preview link for the chosen segments', async () => {
    await page.goto(`${server.url}/__tailor/admin/preview`);
    await page.check('input[value="social-users"]');
    await page.fill('input[name=path]', '/shoes/');
    await page.click('#preview-create');
    const url = await page.locator('#preview-url').inputValue();
    expect(url).toMatch(/\/__tailor\/preview\?t=/);

    // A marketer opens it: the page renders as the chosen segment, with the toolbar.
    const marketer = await browser.newContext({ userAgent: visitorUserAgent(browser) });
    const view = await marketer.newPage();
    await view.goto(url);
    expect(new URL(view.url()).pathname).toBe('/shoes/');
    await expect.poll(() => view.locator('[data-tailor-slot="banner"]').getAttribute('data-tailor-segment')).toBe('social-users');
    await expect.poll(() => view.locator('#tailor-preview').isVisible()).toBe(true);
    expect(await view.locator('#tailor-preview').innerText()).toContain('Social');
    // "Why am I seeing this?" explains the previewed segment, not the marketer's own visits.
    await view.locator('[data-tailor-why]').first().click();
    await view.waitForSelector('#tailor-why .why-seg');
    const why = await view.locator('#tailor-why').innerText();
    expect(why).toContain('chosen in the preview link');
    expect(await view.locator('#tailor-why .why-seg h3').allInnerTexts()).toEqual([expect.stringMatching(/^Social/)]);
    await view.keyboard.press('Escape');
    // Exit leaves preview: the same browser sees the page as itself again.
    await view.click('#tailor-preview a[href="/__tailor/preview/exit"]');
    await expect.poll(() => view.locator('#tailor-preview').count()).toBe(0);

    // An expired link is refused with a readable page.
    const expired = await signPreview({ path: '/', segments: ['social-users'], variants: {}, expires: Date.now() - 60_000 }, { current: TEST_SECRET });
    const res = await view.goto(`${server.url}/__tailor/preview?t=${encodeURIComponent(expired)}`);
    expect(res?.status()).toBe(403);
    expect(await view.locator('h1').innerText()).toMatch(/expired or is not valid/);
    await marketer.close();
  });

  it('refuses an invalid config and shows the problem next to its line; the live config is unchanged', async () => {
    await page.goto(`${server.url}/__tailor/admin/config`);
    const config = JSON.parse(await page.inputValue('#config-text'));
    config.segments[2].rule = { metric: 'sessions', window: 0, op: 'at-most', value: 1 };
    const text = JSON.stringify(config, null, 2);
    const lines = text.split('\n');
    const expected = lines.findIndex((l) => l.includes('"op": "at-most"')) + 1;
    await page.fill('#config-text', text);
    await page.click('#config-save');

    const note = page.locator(`#config-notes .note[data-line="${expected}"]`);
    await note.waitFor();
    expect(await note.textContent()).toMatch(/Invalid option/);
    expect(await note.isVisible()).toBe(true);
    // The gutter marks the same line, and the list names the path.
    expect(await page.locator('#config-gutter div.err').allTextContents()).toEqual([String(expected)]);
    expect(await page.textContent('#config-issues')).toContain(`Line ${expected} · segments[2].rule.op`);
    expect(await page.textContent('#config-status')).toContain('The live config is unchanged');
    // Note and line are level on screen.
    const noteBox = (await note.boundingBox())!;
    const gutterBox = (await page.locator('#config-gutter div.err').boundingBox())!;
    expect(Math.abs(noteBox.y - gutterBox.y)).toBeLessThan(2);

    const live = (await (await api('/config')).json()) as { segments: { rule: unknown }[] };
    expect(live.segments[2]!.rule).not.toEqual(config.segments[2].rule);
    expect(errors).toEqual([]);
  });
});
