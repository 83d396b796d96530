import { SELF, env } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../edge/config.ts';
import { resetConfigCache } from '../../edge/config-store.ts';
import { TEST_ADMIN_TOKEN } from '../support/constants.ts';
import { Jar, collect, filledSlots, settleReporting, trackEvent, visit } from './helpers.ts';

const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' };

function withExperiment(traffic = 1) {
  const base = structuredClone(defaultConfig()) as ReturnType<typeof defaultConfig>;
  return {
    ...base,
    experiments: [
      {
        id: 'hero-copy',
        name: 'Hero copy',
        slot: 'hero',
        targeting: 'everyone',
        traffic,
        variants: [
          { id: 'control', weight: 0.5, control: true, html: '<p>CONTROL-HERO</p>' },
          { id: 'b', weight: 0.5, html: '<p>VARIANT-B-HERO</p>' },
        ],
        goals: { primary: 'purchase', secondary: [], windowDays: 14 },
        status: 'running',
      },
    ],
  };
}

async function putConfig(config: unknown): Promise<Response> {
  const r = await SELF.fetch('http://localhost/__tailor/api/config', { method: 'PUT', headers: admin, body: JSON.stringify(config) });
  resetConfigCache();
  return r;
}

beforeAll(async () => {
  expect((await putConfig(withExperiment())).status).toBe(200);
});
afterAll(async () => {
  await env.CONFIG.delete('config');
  resetConfigCache();
});

describe('experiments at the edge', () => {
  it('renders the assigned variant in the first HTML, sticky across visits, and records one exposure', async () => {
    const jar = new Jar();
    const first = await (await visit('/', { jar })).text();
    const segment = filledSlots(first).hero!;
    expect(segment).toMatch(/^exp:hero-copy:(control|b)$/);
    const variant = segment.split(':')[2];
    for (let i = 0; i < 3; i++) {
      const again = await (await visit('/', { jar })).text();
      expect(filledSlots(again).hero).toBe(segment);
    }
    await settleReporting();
    const rows = await env.DB.prepare("SELECT variant FROM exposures WHERE experiment = 'hero-copy'").all<{ variant: string }>();
    const mine = rows.results.filter((r) => r.variant === variant);
    expect(mine.length).toBeGreaterThanOrEqual(1);
    // One row per visitor: this visitor's four page views made one exposure.
    const visitors = await env.DB.prepare("SELECT COUNT(*) AS n, COUNT(DISTINCT visitor) AS d FROM exposures WHERE experiment = 'hero-copy'").first<{ n: number; d: number }>();
    expect(visitors!.n).toBe(visitors!.d);
  });

  it('splits visitors across both variants', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 24; i++) seen.add(filledSlots(await (await visit('/')).text()).hero!);
    expect(seen).toEqual(new Set(['exp:hero-copy:control', 'exp:hero-copy:b']));
  });

  it('attributes a purchase to the exposed variant once, however often it is replayed', async () => {
    const jar = new Jar();
    const html = await (await visit('/', { jar })).text();
    const variant = filledSlots(html).hero!.split(':')[2];
    await settleReporting();
    const purchase = trackEvent('purchase', { value: 120, currency: 'EUR' });
    await collect([purchase], { jar });
    await collect([purchase], { jar });
    await collect([trackEvent('purchase', { value: 80 })], { jar });
    await settleReporting();
    const visitor = (await env.DB.prepare("SELECT visitor FROM exposures WHERE experiment='hero-copy' ORDER BY ts DESC LIMIT 1").first<{ visitor: string }>())!.visitor;
    const conv = await env.DB.prepare("SELECT variant, COUNT(*) AS n FROM conversions WHERE experiment='hero-copy' AND visitor = ? GROUP BY variant").bind(visitor).all<{ variant: string; n: number }>();
    expect(conv.results).toEqual([{ variant, n: 1 }]);
  });

  it('keeps a visitor on their variant when the weights change', async () => {
    // Find a visitor on control, then give control no weight at all.
    let jar = new Jar();
    let before = '';
    for (let i = 0; i < 40 && before !== 'exp:hero-copy:control'; i++) {
      jar = new Jar();
      before = filledSlots(await (await visit('/', { jar })).text()).hero!;
    }
    expect(before).toBe('exp:hero-copy:control');
    const changed = withExperiment();
    changed.experiments[0]!.variants[0]!.weight = 0;
    changed.experiments[0]!.variants[1]!.weight = 1;
    expect((await putConfig(changed)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect(filledSlots(await (await visit('/', { jar })).text()).hero).toBe(before);
    // A new visitor now only ever gets b.
    expect(filledSlots(await (await visit('/')).text()).hero).toBe('exp:hero-copy:b');
    await putConfig(withExperiment());
  });

  it('refuses an experiment whose weights do not sum to 1 and keeps the live config', async () => {
    const bad = withExperiment();
    bad.experiments[0]!.variants[1]!.weight = 0.7;
    const r = await putConfig(bad);
    expect(r.status).toBe(422);
    const body = (await r.json()) as { error: { issues: { path: string; message: string }[] } };
    expect(JSON.stringify(body.error.issues)).toMatch(/weight/i);
    const live = filledSlots(await (await visit('/')).text()).hero;
    expect(live).toMatch(/^exp:hero-copy:/);
  });

  it('bots never see or count a variant', async () => {
    await settleReporting();
    const before = (await env.DB.prepare('SELECT COUNT(*) AS n FROM exposures').first<{ n: number }>())!.n;
    const html = await (await visit('/', { headers: { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' } })).text();
    expect(filledSlots(html).hero).toBeUndefined();
    await settleReporting();
    expect((await env.DB.prepare('SELECT COUNT(*) AS n FROM exposures').first<{ n: number }>())!.n).toBe(before);
  });
});
