/**
 * Faults: D1 failing, KV holding a corrupt config. The app runs in workerd with
 * the real bindings, except the one this test breaks on purpose.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { app } from '../../edge/app.ts';
import { resetConfigCache } from '../../edge/config-store.ts';
import { reportingHealth } from '../../edge/reporting.ts';
import { BROWSER_UA, filledSlots, pageEvent } from './helpers.ts';

/** A D1 binding that fails every call, as an outage would. */
const brokenDb = new Proxy({} as D1Database, {
  get: () => () => {
    throw new Error('D1_ERROR: simulated outage');
  },
});

async function call(path: string, init: RequestInit, bindings: Partial<typeof env>): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`http://localhost${path}`, init), { ...env, ...bindings }, ctx);
  const body = await res.text();
  await waitOnExecutionContext(ctx);
  return new Response(body, res);
}

beforeEach(() => resetConfigCache());

describe('D1 unavailable', () => {
  it('pages are still personalised and collect still answers 200; failed writes are counted', async () => {
    const failuresBefore = reportingHealth.failures;
    const page = await call('/', { headers: { 'user-agent': BROWSER_UA, referer: 'https://t.co/x' } }, { DB: brokenDb });
    expect(page.status).toBe(200);
    expect(Object.values(filledSlots(await page.text()))).toContain('social-users');
    const res = await call(
      '/__tailor/collect',
      { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': BROWSER_UA }, body: JSON.stringify({ v: 1, events: [pageEvent('http://localhost/shoes/', { interests: ['shoes'] })] }) },
      { DB: brokenDb },
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { accepted: number }).accepted).toBe(1);
    expect(reportingHealth.failures).toBeGreaterThanOrEqual(failuresBefore + 2);
  });
});

describe('KV returns a corrupt config', () => {
  it('serves the shipped default when nothing good was ever loaded', async () => {
    await env.CONFIG.put('config', '{"segments": [ this is not json');
    const page = await call('/', { headers: { 'user-agent': BROWSER_UA, referer: 'https://t.co/x' } }, {});
    expect(page.status).toBe(200);
    expect(Object.values(filledSlots(await page.text()))).toContain('social-users');
    await env.CONFIG.delete('config');
  });

  it('serves the shipped default when the stored config fails validation', async () => {
    await env.CONFIG.put('config', JSON.stringify({ segments: [{ id: 'x', name: 'X', group: 'nope', description: '', rule: {} }] }));
    const page = await call('/', { headers: { 'user-agent': BROWSER_UA, referer: 'https://t.co/x' } }, {});
    expect(Object.values(filledSlots(await page.text()))).toContain('social-users');
    await env.CONFIG.delete('config');
  });

  it('a KV read that throws leaves the site up', async () => {
    const brokenKv = new Proxy({} as KVNamespace, {
      get: () => () => Promise.reject(new Error('KV unavailable')),
    });
    const page = await call('/', { headers: { 'user-agent': BROWSER_UA } }, { CONFIG: brokenKv });
    expect(page.status).toBe(200);
  });
});
