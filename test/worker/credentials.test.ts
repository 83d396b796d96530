/**
 * Admin and preview credentials. Every admin API route (enumerated from the
 * Hono router, so a new route is covered the day it is added) refuses a
 * missing, wrong, malformed or expired credential with a JSON 4xx and changes
 * nothing; every dashboard page answers the sign-in page (401) without a valid
 * session; preview links refuse missing, tampered, expired and other-key tokens
 * with the 403 page. Valid credentials are the control: the same requests with
 * them are not refused, so each refusal is about the credential.
 */
import { SELF, env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_SESSION_TTL_S, mintSession } from '../../edge/admin-session.ts';
import { resetConfigCache } from '../../edge/config-store.ts';
import { defaultConfig } from '../../edge/config.ts';
import { sign } from '../../edge/cookie.ts';
import { MAX_PREVIEW_TTL_MIN, previewKeys, signPreview } from '../../edge/preview.ts';
import { emptyProfile, encodeProfile } from '../../edge/profile.ts';
import { adminApi } from '../../edge/routes/admin.ts';
import { dashboard } from '../../edge/routes/dashboard.ts';
import { TEST_ADMIN_TOKEN, TEST_SECRET } from '../support/constants.ts';
import { BASE, BROWSER_UA, Jar } from './helpers.ts';

const e = env as unknown as { CONFIG: KVNamespace; DB: D1Database };
const OTHER_SECRET = 'another-secret-another-secret-another-00';
const MARKER = 'credential-test-marker';

/** Concrete paths for the routes the routers declare (parameters filled with plausible values). */
function concrete(path: string): string {
  return path.replace(':id', 'hero-test').replace(':version', '1');
}
const apiRoutes = () => adminApi.routes.filter((r) => r.method !== 'ALL').map((r) => ({ method: r.method, path: `/__tailor/api${concrete(r.path)}` }));
const dashboardRoutes = () =>
  dashboard.routes
    .filter((r) => r.method !== 'ALL' && !/^\/(login|logout)$/.test(r.path))
    .map((r) => ({ method: r.method, path: `/__tailor/admin${r.path === '/' ? '' : concrete(r.path)}` }));

/** A body each write route would accept from an admin: a config carrying a marker segment, a preview link. */
function bodyFor(method: string, path: string): string | undefined {
  if (method === 'GET') return undefined;
  if (path.endsWith('/config')) {
    const config = structuredClone(defaultConfig()) as ReturnType<typeof defaultConfig>;
    config.segments.push({ id: MARKER, name: 'Marker', group: 'combined', description: '', rule: { segment: 'new-visitors' } });
    return JSON.stringify(config);
  }
  if (path.endsWith('/preview-links')) return JSON.stringify({ path: '/', segments: ['value-high'] });
  return '{}';
}

const call = (method: string, path: string, headers: Record<string, string>) =>
  SELF.fetch(`${BASE}${path}`, { method, headers: { 'content-type': 'application/json', 'user-agent': BROWSER_UA, ...headers }, body: bodyFor(method, path), redirect: 'manual' });

interface Sessions {
  valid: string;
  expired: string;
  otherSecret: string;
  otherToken: string;
  tampered: string;
  profileCookie: string;
  previewToken: string;
}
let sessions: Sessions;

beforeAll(async () => {
  resetConfigCache();
  const envs = { TAILOR_SECRET: TEST_SECRET, TAILOR_ADMIN_TOKEN: TEST_ADMIN_TOKEN };
  const valid = (await mintSession(envs))!;
  sessions = {
    valid,
    expired: (await mintSession(envs, Date.now() - (ADMIN_SESSION_TTL_S + 60) * 1000))!,
    otherSecret: (await mintSession({ ...envs, TAILOR_SECRET: OTHER_SECRET }))!,
    // Rotating the admin token signs every session out.
    otherToken: (await mintSession({ ...envs, TAILOR_ADMIN_TOKEN: 'a-previous-admin-token-0000' }))!,
    tampered: valid.replace(/^admin-./, 'admin-X'),
    // Genuine tokens of other kinds, signed with TAILOR_SECRET itself.
    profileCookie: await sign(encodeProfile(emptyProfile('admin-lookalike')), { current: TEST_SECRET }),
    previewToken: await signPreview({ path: '/', segments: [], variants: {}, expires: Date.now() + 3_600_000 }, { current: TEST_SECRET }),
  };
});

const BAD_AUTHORIZATION: [string, string | undefined][] = [
  ['missing', undefined],
  ['empty', ''],
  ['wrong token', 'Bearer wrong-token-wrong-token-wrong'],
  ['token plus a character', `Bearer ${TEST_ADMIN_TOKEN}x`],
  ['token minus a character', `Bearer ${TEST_ADMIN_TOKEN.slice(0, -1)}`],
  ['token in upper case', `Bearer ${TEST_ADMIN_TOKEN.toUpperCase()}`],
  ['the signing secret instead', `Bearer ${TEST_SECRET}`],
  ['Basic scheme', `Basic ${btoa(`admin:${TEST_ADMIN_TOKEN}`)}`],
  ['scheme only', 'Bearer'],
  ['no scheme', TEST_ADMIN_TOKEN],
  ['token with a space inside', `Bearer ${TEST_ADMIN_TOKEN.slice(0, 5)} ${TEST_ADMIN_TOKEN.slice(5)}`],
  ['two tokens', `Bearer wrong, Bearer ${TEST_ADMIN_TOKEN}`],
  ['markup', 'Bearer <script>alert(1)</script>'],
  ['huge', `Bearer ${'A'.repeat(20_000)}`],
];

describe('the admin API', () => {
  it('enumerates the routes it protects', () => {
    const routes = apiRoutes().map((r) => `${r.method} ${r.path}`);
    expect(routes).toEqual(expect.arrayContaining(['GET /__tailor/api/config', 'PUT /__tailor/api/config', 'POST /__tailor/api/preview-links', 'GET /__tailor/api/events/count']));
    expect(routes.length).toBeGreaterThanOrEqual(10);
  });

  it('with the right bearer token no route refuses (the control)', async () => {
    for (const r of apiRoutes().filter((x) => x.method === 'GET')) {
      const res = await call(r.method, r.path, { authorization: `Bearer ${TEST_ADMIN_TOKEN}` });
      expect([401, 403], `${r.method} ${r.path}`).not.toContain(res.status);
      await res.body?.cancel();
    }
  });

  it.each(BAD_AUTHORIZATION)('every route refuses Authorization: %s with a JSON 4xx and no data', async (_name, authorization) => {
    for (const r of [...apiRoutes(), { method: 'GET', path: '/__tailor/api/no-such-route' }, { method: 'DELETE', path: '/__tailor/api/config' }]) {
      const headers: Record<string, string> = {};
      if (authorization !== undefined) headers.authorization = authorization;
      const res = await call(r.method, r.path, headers);
      const what = `${r.method} ${r.path}`;
      expect([400, 401, 403], what).toContain(res.status);
      expect(res.headers.get('content-type'), what).toMatch(/^application\/json/);
      const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
      expect(typeof body.error?.code, what).toBe('string');
      expect(typeof body.error?.message, what).toBe('string');
      expect(Object.keys(body), what).toEqual(['error']);
    }
  });

  it.each<[string, keyof Sessions]>([
    ['expired', 'expired'],
    ['signed with another secret', 'otherSecret'],
    ['from before an admin-token rotation', 'otherToken'],
    ['tampered', 'tampered'],
    ['a genuine profile cookie', 'profileCookie'],
    ['a genuine preview token', 'previewToken'],
  ])('a dashboard session cookie that is %s is no credential either', async (_name, key) => {
    for (const r of apiRoutes()) {
      const res = await call(r.method, r.path, { cookie: `tailor_admin=${sessions[key]}`, origin: BASE, 'sec-fetch-site': 'same-origin' });
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
  });

  it('a valid session works only from the dashboard origin for changes, and a bad bearer token is not rescued by it', async () => {
    const cookie = `tailor_admin=${sessions.valid}`;
    const get = await call('GET', '/__tailor/api/config', { cookie });
    expect(get.status).toBe(200);
    await get.body?.cancel();
    const crossSite: Record<string, string>[] = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site', origin: BASE }, {}];
    for (const headers of crossSite) {
      const put = await call('PUT', '/__tailor/api/config', { cookie, ...headers });
      expect(put.status, JSON.stringify(headers)).toBe(403);
      await put.body?.cancel();
    }
    const both = await call('GET', '/__tailor/api/config', { cookie, authorization: 'Bearer wrong-token-wrong-token-wrong' });
    expect(both.status).toBe(401);
    await both.body?.cancel();
  });

  it('refused writes changed nothing: no marker segment in the live config, in KV or in the version history', async () => {
    const res = await call('GET', '/__tailor/api/config', { authorization: `Bearer ${TEST_ADMIN_TOKEN}` });
    expect(JSON.stringify(await res.json())).not.toContain(MARKER);
    expect((await e.CONFIG.get('config')) ?? '').not.toContain(MARKER);
    const versions = await e.DB.prepare('SELECT COUNT(*) AS n FROM config_versions WHERE body LIKE ?').bind(`%${MARKER}%`).first<{ n: number }>();
    expect(versions?.n).toBe(0);
  });
});

describe('the dashboard', () => {
  const isSignIn = async (res: Response, what: string) => {
    expect(res.status, what).toBe(401);
    expect(res.headers.get('content-type'), what).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html, what).toContain('name="token"');
    // No data: not a segment name from the catalogue, not a config key.
    expect(html, what).not.toContain('High value');
    expect(html, what).not.toContain('"segments"');
  };

  it('with a valid session every page answers (the control)', async () => {
    for (const r of dashboardRoutes().filter((x) => x.method === 'GET')) {
      const res = await SELF.fetch(`${BASE}${r.path}`, { headers: { cookie: `tailor_admin=${sessions.valid}` }, redirect: 'manual' });
      expect([200, 404], r.path).toContain(res.status);
      await res.body?.cancel();
    }
  });

  it.each<[string, string | undefined]>([
    ['no cookie', undefined],
    ['garbage', 'tailor_admin=garbage'],
    ['empty', 'tailor_admin='],
    ['the admin token itself', `tailor_admin=${TEST_ADMIN_TOKEN}`],
    ['an expired session', 'expired'],
    ['a session signed with another secret', 'otherSecret'],
    ['a session from before an admin-token rotation', 'otherToken'],
    ['a tampered session', 'tampered'],
    ['a genuine profile cookie', 'profileCookie'],
    ['a genuine preview token', 'previewToken'],
    ['a valid session under another cookie name', 'rename'],
  ])('every page shows the sign-in page (401) for %s', async (_name, which) => {
    // Literal cookie headers contain '='; other entries name a session from the fixture.
    const cookie =
      which === undefined || which.includes('=')
        ? which
        : which === 'rename'
          ? `tailor_admin_x=${sessions.valid}; __Secure-tailor_admin=${sessions.valid}` // __Secure- is the https name
          : `tailor_admin=${sessions[which as keyof Sessions]}`;
    for (const r of [...dashboardRoutes(), { method: 'GET', path: '/__tailor/admin/no-such-page' }]) {
      const res = await SELF.fetch(`${BASE}${r.path}`, { method: r.method, headers: cookie ? { cookie } : {}, redirect: 'manual' });
      await isSignIn(res, `${r.method} ${r.path} with ${_name}`);
    }
  });

  it('sign-in refuses wrong, missing, overridden and near-miss tokens, and sets no cookie', async () => {
    const post = (body: string) =>
      SELF.fetch(`${BASE}/__tailor/admin/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: BASE }, body, redirect: 'manual' });
    for (const body of [
      '',
      'token=',
      `token=${encodeURIComponent(TEST_ADMIN_TOKEN.slice(0, -1))}`,
      `token=${encodeURIComponent(`${TEST_ADMIN_TOKEN} `)}`,
      `token=${encodeURIComponent(TEST_SECRET)}`,
      `token=${encodeURIComponent(TEST_ADMIN_TOKEN)}&token=wrong`, // a repeated field: the last value counts
      `tok=${encodeURIComponent(TEST_ADMIN_TOKEN)}`,
      `token=${'A'.repeat(50_000)}`,
    ]) {
      const res = await post(body);
      expect([401, 400], body.slice(0, 40)).toContain(res.status);
      expect(res.headers.getSetCookie().some((c) => c.includes('tailor_admin=') && !/max-age=0/i.test(c)), body.slice(0, 40)).toBe(false);
      await res.body?.cancel();
    }
    // The control: the right token signs in.
    const ok = await post(`token=${encodeURIComponent(TEST_ADMIN_TOKEN)}`);
    expect(ok.status).toBe(303);
    expect(ok.headers.getSetCookie().some((c) => c.startsWith('tailor_admin='))).toBe(true);
  });
});

describe('preview links', () => {
  const KEYS = { current: TEST_SECRET };
  const grant = (over: Partial<Parameters<typeof signPreview>[0]> = {}) => ({ path: '/', segments: ['value-high'], variants: {}, expires: Date.now() + 3_600_000, ...over });
  const open = (token: string | null) => SELF.fetch(`${BASE}/__tailor/preview${token === null ? '' : `?t=${encodeURIComponent(token)}`}`, { headers: { 'user-agent': BROWSER_UA }, redirect: 'manual' });

  it('a genuine link opens the preview (the control)', async () => {
    const res = await open(await signPreview(grant(), KEYS));
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('tailor_preview='))).toBe(true);
  });

  it('refuses missing, tampered, expired, other-key and other-kind tokens with the 403 page', async () => {
    const good = await signPreview(grant(), KEYS);
    const [payload, iat, kid, sig] = good.split('.') as [string, string, string, string];
    const forgedPayload = btoa(JSON.stringify({ p: '/', s: ['value-high', 'loyal-customers'], v: {}, e: Date.now() + 86_400_000 })).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const bad: [string, string | null][] = [
      ['missing', null],
      ['empty', ''],
      ['truncated', good.slice(0, -4)],
      ['payload swapped, signature kept', `${forgedPayload}.${iat}.${kid}.${sig}`],
      ['signature of another link', `${payload}.${iat}.${kid}.${(await signPreview(grant({ segments: [] }), KEYS)).split('.')[3]}`],
      ['non-canonical signature spelling', `${payload}.${iat}.${kid}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`],
      ['grant expired', await signPreview(grant({ expires: Date.now() - 1000 }), KEYS)],
      ['issued more than the maximum lifetime ago', await signPreview(grant({ expires: Date.now() + 3_600_000 }), KEYS, Date.now() - (MAX_PREVIEW_TTL_MIN + 10) * 60_000)],
      ['issued in the future', await signPreview(grant(), KEYS, Date.now() + 3_600_000)],
      ['signed with another key', await signPreview(grant(), { current: OTHER_SECRET })],
      ['another key under the real key id', (await signPreview(grant(), { current: OTHER_SECRET })).replace(/^([^.]*\.[^.]*)\.[^.]*\./, `$1.${kid}.`)],
      ['a genuine profile cookie', sessions.profileCookie],
      ['a genuine admin session', sessions.valid],
      ['a genuine grant signed with the profile key', await sign(forgedPayload, KEYS)],
      ['signed payload that is not JSON', await sign('bm90IGpzb24', previewKeys(KEYS))],
      ['signed JSON of the wrong shape', await sign(btoa(JSON.stringify({ p: '/', s: 'value-high', e: Date.now() + 60_000 })).replace(/=+$/, ''), previewKeys(KEYS))],
    ];
    for (const [name, token] of bad) {
      const res = await open(token);
      expect(res.status, name).toBe(403);
      expect(res.headers.get('content-type'), name).toMatch(/^text\/html/);
      expect(await res.text(), name).toContain('expired or is not valid');
      expect(res.headers.getSetCookie().some((c) => c.startsWith('tailor_preview=') && !/max-age=0|expires=Thu, 01 Jan 1970/i.test(c)), name).toBe(false);
    }
  });

  it('a tampered preview cookie previews nothing and cannot switch segments', async () => {
    const jar = new Jar();
    const enter = await open(await signPreview(grant({ segments: ['interest-bags'] }), KEYS));
    jar.take(enter);
    const cookie = jar.cookies.get('tailor_preview')!;
    const forged = cookie.replace(/^[^.]+/, btoa(JSON.stringify({ p: '/', s: ['value-high'], v: {}, e: Date.now() + 86_400_000 })).replace(/=+$/, ''));
    const page = await SELF.fetch(`${BASE}/`, { headers: { cookie: `tailor_preview=${forged}`, 'user-agent': BROWSER_UA, accept: 'text/html' } });
    const html = await page.text();
    expect(html).not.toContain('id="tailor-preview"');
    expect(html).not.toContain('data-tailor-segment="value-high"');
    const sw = await SELF.fetch(`${BASE}/__tailor/preview/switch?s=value-high`, { headers: { cookie: `tailor_preview=${forged}` }, redirect: 'manual' });
    expect(sw.status).toBe(403);
    // The control: the genuine cookie does preview.
    const genuine = await SELF.fetch(`${BASE}/`, { headers: { cookie: `tailor_preview=${cookie}`, 'user-agent': BROWSER_UA, accept: 'text/html' } });
    expect(await genuine.text()).toContain('id="tailor-preview"');
  });

  it('minting a link needs the admin credential', async () => {
    for (const [, authorization] of BAD_AUTHORIZATION) {
      const res = await call('POST', '/__tailor/api/preview-links', authorization === undefined ? {} : { authorization });
      expect([400, 401], String(authorization).slice(0, 30)).toContain(res.status);
      expect(JSON.stringify(await res.json())).not.toContain('/__tailor/preview?t=');
    }
  });
});
