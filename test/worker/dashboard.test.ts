/**
 * The dashboard and its session inside workerd: sign-in, what is refused
 * without a valid session, config save/refuse/restore through the session, and
 * experiment results computed from exposures and conversions written to D1.
 */
import { SELF, env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { mintSession } from '../../edge/admin-session.ts';
import { resetConfigCache } from '../../edge/config-store.ts';
import { defaultConfig } from '../../edge/config.ts';
import { DEFAULT_SEGMENTS } from '../../edge/default-segments.ts';
import { escapeHtml } from '../../edge/render.ts';
import type { TailorConfig } from '../../edge/schema.ts';
import { analyseExperiment, twoProportionZTest } from '../../edge/stats.ts';
import { TEST_ADMIN_TOKEN, TEST_SECRET } from '../support/constants.ts';

const e = env as unknown as { DB: D1Database; CONFIG: KVNamespace };
const ORIGIN = 'http://localhost';
const ADMIN = `${ORIGIN}/__tailor/admin`;
const API = `${ORIGIN}/__tailor/api`;

beforeEach(async () => {
  resetConfigCache();
  await e.CONFIG.delete('config');
  await e.DB.batch(['exposures', 'conversions', 'config_versions'].map((t) => e.DB.prepare(`DELETE FROM ${t}`)));
});

async function signIn(token = TEST_ADMIN_TOKEN, headers: Record<string, string> = { origin: ORIGIN }, base = ORIGIN): Promise<Response> {
  return SELF.fetch(`${base}/__tailor/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ token }).toString(),
    redirect: 'manual',
  });
}

/** The `name=value` pair of the admin session cookie set by a sign-in. */
async function session(): Promise<string> {
  const res = await signIn();
  const line = res.headers.getSetCookie().find((c) => c.startsWith('tailor_admin='));
  expect(line).toBeDefined();
  return line!.split(';')[0]!;
}

const withCookie = (cookie: string, init: RequestInit = {}) => ({ ...init, headers: { ...(init.headers as Record<string, string>), cookie }, redirect: 'manual' as const });

function editable(): TailorConfig {
  return structuredClone(defaultConfig()) as TailorConfig;
}

function withExperiment(): TailorConfig {
  const config = editable();
  config.experiments = [
    {
      id: 'hero-test',
      name: 'Hero headline',
      slot: 'hero',
      targeting: 'everyone',
      traffic: 1,
      status: 'running',
      variants: [
        { id: 'control', weight: 0.5, html: '<h1>A</h1>', control: true },
        { id: 'bold', weight: 0.5, html: '<h1>B</h1>' },
      ],
      goals: { primary: 'purchase', secondary: ['add_to_cart'], windowDays: 14 },
    },
  ];
  return config;
}

async function putConfig(config: unknown, cookie: string): Promise<Response> {
  return SELF.fetch(`${API}/config`, withCookie(cookie, { method: 'PUT', headers: { 'content-type': 'application/json', origin: ORIGIN }, body: JSON.stringify(config) }));
}

describe('signing in', () => {
  it('shows the sign-in page (401) and no data without a session', async () => {
    for (const path of ['', '/traffic', '/config', '/experiments', '/preview']) {
      const res = await SELF.fetch(`${ADMIN}${path}`);
      expect(res.status, path).toBe(401);
      const body = await res.text();
      expect(body).toContain('name="token"');
      expect(body).not.toContain(DEFAULT_SEGMENTS[0]!.name);
      expect(body).not.toContain('"segments"');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('refuses a wrong token with 401 and sets no cookie', async () => {
    const res = await signIn('not-the-admin-token-at-all');
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await res.text()).toContain('That token is not right.');
  });

  it('refuses a sign-in posted from another site (CSRF)', async () => {
    for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, {}]) {
      const res = await signIn(TEST_ADMIN_TOKEN, headers as Record<string, string>);
      expect(res.status).toBe(403);
      expect(res.headers.getSetCookie()).toEqual([]);
    }
  });

  it('sets an HttpOnly, SameSite=Strict, /__tailor/-scoped 12-hour cookie and the catalogue lists every default segment', async () => {
    const res = await signIn();
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/__tailor/admin');
    const line = res.headers.getSetCookie().find((c) => c.startsWith('tailor_admin='))!;
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/SameSite=Strict/);
    expect(line).toMatch(/Path=\/__tailor\//);
    expect(line).toMatch(/Max-Age=43200/);
    expect(line).not.toMatch(/Secure/);

    const page = await SELF.fetch(ADMIN, withCookie(line.split(';')[0]!));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'nonce-/);
    const body = await page.text();
    for (const s of DEFAULT_SEGMENTS) {
      expect(body).toContain(escapeHtml(s.name));
      expect(body).toContain(`data-segment="${s.id}"`);
    }
    expect(body).toContain('<svg class="sparkline"');
  });

  it('uses a __Secure- cookie marked Secure over https', async () => {
    const res = await signIn(TEST_ADMIN_TOKEN, { origin: 'https://shop.example' }, 'https://shop.example');
    const line = res.headers.getSetCookie()[0]!;
    expect(line).toMatch(/^__Secure-tailor_admin=/);
    expect(line).toMatch(/Secure/);
  });

  it('only follows dashboard paths after sign-in', async () => {
    const post = (next: string) =>
      SELF.fetch(`${ADMIN}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
        body: new URLSearchParams({ token: TEST_ADMIN_TOKEN, next }).toString(),
        redirect: 'manual',
      });
    expect((await post('/__tailor/admin/config')).headers.get('location')).toBe('/__tailor/admin/config');
    expect((await post('https://evil.example/')).headers.get('location')).toBe('/__tailor/admin');
    expect((await post('/__tailor/admin//evil.example')).headers.get('location')).toBe('/__tailor/admin');
  });

  it('serves every dashboard page with a session, and the trailing-slash root', async () => {
    const cookie = await session();
    for (const path of ['', '/traffic', '/traffic?days=7', '/experiments', '/preview', '/config']) {
      const res = await SELF.fetch(`${ADMIN}${path}`, withCookie(cookie));
      expect(res.status, path).toBe(200);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
    const slash = await SELF.fetch(`${ADMIN}/`, withCookie(cookie));
    expect(slash.status).toBe(308);
    expect(slash.headers.get('location')).toBe('/__tailor/admin');
    expect((await SELF.fetch(`${ADMIN}/nope`, withCookie(cookie))).status).toBe(404);
  });

  it('signs out', async () => {
    const cookie = await session();
    const res = await SELF.fetch(`${ADMIN}/logout`, withCookie(cookie, { method: 'POST', headers: { origin: ORIGIN } }));
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie()[0]).toMatch(/^tailor_admin=;.*Max-Age=0/);
  });
});

describe('credentials on the admin API and the dashboard', () => {
  const secrets = { TAILOR_SECRET: TEST_SECRET, TAILOR_ADMIN_TOKEN: TEST_ADMIN_TOKEN };

  it('refuses a missing, wrong or expired credential', async () => {
    const expired = `tailor_admin=${await mintSession(secrets, Date.now() - 12 * 3600_000 - 60_000)}`;
    const otherToken = `tailor_admin=${await mintSession({ ...secrets, TAILOR_ADMIN_TOKEN: 'another-admin-token-0123456789' })}`;
    // Flip the signature's first character (the last one partly encodes padding bits).
    const [payload, iat, kid, sig] = (await session()).slice('tailor_admin='.length).split('.') as [string, string, string, string];
    const forged = `tailor_admin=${payload}.${iat}.${kid}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    const attempts: [string, Record<string, string>][] = [
      ['none', {}],
      ['wrong bearer', { authorization: 'Bearer wrong-token-0123456789abc' }],
      ['expired session', { cookie: expired }],
      ['session for an old token', { cookie: otherToken }],
      ['forged session', { cookie: forged }],
      ['garbage session', { cookie: 'tailor_admin=admin-x.1.abc.def' }],
    ];
    for (const [what, headers] of attempts) {
      for (const path of ['/config', '/reports/segments', '/experiments/x/results', '/config/versions']) {
        const res = await SELF.fetch(`${API}${path}`, { headers });
        expect(res.status, `${what} ${path}`).toBe(401);
      }
      if (headers.cookie) {
        const page = await SELF.fetch(ADMIN, { headers });
        expect(page.status, what).toBe(401);
        expect(await page.text()).toContain('name="token"');
      }
    }
  });

  it('accepts a session that is almost 12 hours old', async () => {
    const cookie = `tailor_admin=${await mintSession(secrets, Date.now() - 12 * 3600_000 + 60_000)}`;
    expect((await SELF.fetch(`${API}/config`, { headers: { cookie } })).status).toBe(200);
  });

  it('accepts the session for reads, and for changes only from the same origin', async () => {
    const cookie = await session();
    expect((await SELF.fetch(`${API}/config`, withCookie(cookie))).status).toBe(200);
    const body = JSON.stringify(editable());
    const put = (headers: Record<string, string>) => SELF.fetch(`${API}/config`, withCookie(cookie, { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body }));
    expect((await put({})).status).toBe(403);
    expect((await put({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await put({ 'sec-fetch-site': 'same-site', origin: ORIGIN })).status).toBe(403);
    expect((await put({ origin: ORIGIN })).status).toBe(200);
    expect((await put({ 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    // The bearer token needs no Origin (not an ambient credential).
    const bearer = await SELF.fetch(`${API}/config`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` }, body });
    expect(bearer.status).toBe(200);
  });
});

describe('config editing through the session', () => {
  it('refuses an invalid config with 422 and its issues; the live config is unchanged', async () => {
    const cookie = await session();
    const before = await (await SELF.fetch(`${API}/config`, withCookie(cookie))).json();
    const bad = editable() as unknown as { segments: { rule: unknown }[] };
    bad.segments[3]!.rule = { all: [{ metric: 'sessions', window: 30, op: 'bigger', value: 3 }] };
    const res = await putConfig(bad, cookie);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; issues: { path: string; message: string }[] } };
    expect(body.error.code).toBe('invalid_config');
    expect(body.error.issues.map((i) => i.path)).toContain('segments[3].rule.all[0].op');
    resetConfigCache();
    expect(await (await SELF.fetch(`${API}/config`, withCookie(cookie))).json()).toEqual(before);
  });

  it('saves a valid config and restores the previous version', async () => {
    const cookie = await session();
    const first = editable();
    first.segments[0]!.name = 'Everyone seen (v1)';
    const second = editable();
    second.segments[0]!.name = 'Everyone seen (v2)';
    expect((await putConfig(first, cookie)).status).toBe(200);
    expect((await putConfig(second, cookie)).status).toBe(200);

    const page = await (await SELF.fetch(`${ADMIN}/config`, withCookie(cookie))).text();
    expect(page).toContain('Everyone seen (v2)');
    const versions = (await (await SELF.fetch(`${API}/config/versions`, withCookie(cookie))).json()) as { versions: { version: number }[] };
    expect(versions.versions).toHaveLength(1);
    expect(page).toContain(`data-restore="${versions.versions[0]!.version}"`);

    const restore = await SELF.fetch(`${API}/config/versions/${versions.versions[0]!.version}/restore`, withCookie(cookie, { method: 'POST', headers: { origin: ORIGIN } }));
    expect(restore.status).toBe(200);
    const live = (await (await SELF.fetch(`${API}/config`, withCookie(cookie))).json()) as TailorConfig;
    expect(live.segments[0]!.name).toBe('Everyone seen (v1)');
    resetConfigCache();
    expect(await (await SELF.fetch(ADMIN, withCookie(cookie))).text()).toContain('Everyone seen (v1)');
  });

  it('escapes segment names and descriptions from the config', async () => {
    const cookie = await session();
    const config = editable();
    config.segments[0]!.name = '<img src=x onerror=alert(1)>';
    config.segments[0]!.description = '"><script>alert(2)</script>';
    expect((await putConfig(config, cookie)).status).toBe(200);
    for (const path of ['', '/preview', '/config']) {
      const html = await (await SELF.fetch(`${ADMIN}${path}`, withCookie(cookie))).text();
      expect(html, path).not.toContain('<img src=x');
      expect(html, path).not.toContain('<script>alert(2)');
      expect(html, path).toContain('&lt;img src=x onerror=alert(1)&gt;');
    }
  });
});

describe('experiment results', () => {
  /** Exposes `n` visitors to `variant` on `day`, converting the first `conv` for `goal`. */
  function rows(variant: string, day: string, n: number, conv: number, goal = 'purchase', prefix = variant): D1PreparedStatement[] {
    const ts = Date.parse(`${day}T12:00:00Z`);
    const out: D1PreparedStatement[] = [];
    for (let i = 0; i < n; i++) {
      const visitor = `${prefix}-${day}-${i}`;
      out.push(e.DB.prepare('INSERT INTO exposures (experiment, visitor, variant, ts, day) VALUES (?, ?, ?, ?, ?)').bind('hero-test', visitor, variant, ts, day));
      if (i < conv) out.push(e.DB.prepare('INSERT INTO conversions (experiment, visitor, variant, goal, ts, day) VALUES (?, ?, ?, ?, ?, ?)').bind('hero-test', visitor, variant, goal, ts + 1000, day));
    }
    return out;
  }

  it('counts exposed and converted visitors per variant and analyses them', async () => {
    const cookie = await session();
    expect((await putConfig(withExperiment(), cookie)).status).toBe(200);
    await e.DB.batch([
      ...rows('control', '2026-11-01', 60, 6),
      ...rows('control', '2026-11-03', 60, 6),
      ...rows('bold', '2026-11-01', 50, 9),
      ...rows('bold', '2026-11-02', 70, 12),
      // Not the primary goal, and another experiment: neither counts as a primary conversion.
      e.DB.prepare("INSERT INTO conversions VALUES ('hero-test', 'control-2026-11-01-59', 'control', 'add_to_cart', 1, '2026-11-01')"),
      e.DB.prepare("INSERT INTO exposures VALUES ('other', 'x1', 'control', 1, '2026-11-01')"),
      e.DB.prepare("INSERT INTO conversions VALUES ('other', 'x1', 'control', 'purchase', 1, '2026-11-01')"),
    ]);
    const res = await SELF.fetch(`${API}/experiments/hero-test/results`, withCookie(cookie));
    expect(res.status).toBe(200);
    const r = (await res.json()) as {
      control: string;
      variants: { id: string; visitors: number; conversions: number; rate: number; pValue: number | null; interval: [number, number] }[];
      secondary: { goal: string; variants: { id: string; conversions: number }[] }[];
      daily: { day: string; variant: string; visitors: number; conversions: number; rate: number | null }[];
      srm: { mismatch: boolean };
      verdict: string;
    };
    expect(r.control).toBe('control');
    const [control, bold] = r.variants;
    expect(control).toMatchObject({ id: 'control', visitors: 120, conversions: 12, rate: 0.1 });
    expect(bold).toMatchObject({ id: 'bold', visitors: 120, conversions: 21, rate: 21 / 120 });
    expect(bold!.pValue).toBeCloseTo(twoProportionZTest(12, 120, 21, 120).p, 12);
    const expected = analyseExperiment(withExperiment().experiments[0]!, [
      { variant: 'control', visitors: 120, conversions: 12 },
      { variant: 'bold', visitors: 120, conversions: 21 },
    ]);
    expect(r.verdict).toBe(expected.verdict);
    expect(r.srm.mismatch).toBe(false);
    expect(r.secondary[0]).toMatchObject({ goal: 'add_to_cart' });
    expect(r.secondary[0]!.variants.find((v) => v.id === 'control')!.conversions).toBe(1);

    // Cumulative per day, with the gap day filled: Nov 1 .. Nov 3 for each variant.
    const series = (v: string) => r.daily.filter((d) => d.variant === v).map((d) => [d.day, d.visitors, d.conversions]);
    expect(series('control')).toEqual([
      ['2026-11-01', 60, 6],
      ['2026-11-02', 60, 6],
      ['2026-11-03', 120, 12],
    ]);
    expect(series('bold')).toEqual([
      ['2026-11-01', 50, 9],
      ['2026-11-02', 120, 21],
      ['2026-11-03', 120, 21],
    ]);

    const page = await (await SELF.fetch(`${ADMIN}/experiments/hero-test`, withCookie(cookie))).text();
    expect(page).toContain('data-variant="bold"');
    expect(page).toContain('17.50%');
    expect(page).toContain('class="chart chart-line"');
    expect(page).toContain(escapeHtml(expected.verdict));
    const list = await (await SELF.fetch(`${ADMIN}/experiments`, withCookie(cookie))).text();
    expect(list).toMatch(/data-experiment="hero-test"[\s\S]*?<td class="num">240<\/td>/);
  });

  it('answers 404 for an experiment that is not in the config', async () => {
    const cookie = await session();
    const res = await SELF.fetch(`${API}/experiments/nope/results`, withCookie(cookie));
    expect(res.status).toBe(404);
    expect((await SELF.fetch(`${ADMIN}/experiments/nope`, withCookie(cookie))).status).toBe(404);
  });

  it('shows no-data states before anything is recorded', async () => {
    const cookie = await session();
    expect((await putConfig(withExperiment(), cookie)).status).toBe(200);
    const r = (await (await SELF.fetch(`${API}/experiments/hero-test/results`, withCookie(cookie))).json()) as { daily: unknown[]; period: unknown; verdict: string };
    expect(r.daily).toEqual([]);
    expect(r.period).toBeNull();
    expect(r.verdict).toMatch(/^Not enough data yet/);
    const page = await (await SELF.fetch(`${ADMIN}/experiments/hero-test`, withCookie(cookie))).text();
    expect(page).toContain('No data yet');
  });
});
