/**
 * /__tailor/admin: the server-rendered dashboard (segment catalogue, traffic,
 * experiments and results, preview links, config editor). Sign-in with the
 * admin token sets a 12-hour session cookie (edge/admin-session.ts); every page
 * needs it, and without it the answer is the sign-in page with 401, never data.
 * Pages read D1 directly; changes go through the admin API (/__tailor/api/*),
 * which accepts the same session for same-origin requests.
 */
import { Hono, type Context } from 'hono';
import {
  adminUnavailable,
  clearSessionCookie,
  hasAdminSession,
  sameOriginRequest,
  sessionCookie,
  tokensEqual,
} from '../admin-session.ts';
import type { AppEnv } from '../env.ts';
import { dayKey, segmentReach, segmentSizes, trafficByMedium } from '../reporting.ts';
import { CATALOGUE_SCRIPT, cataloguePage, type SegmentStats } from '../dashboard/catalogue.ts';
import { configPage, configScript, type ConfigVersion } from '../dashboard/config-editor.ts';
import { experimentsPage, resultsPage } from '../dashboard/experiments.ts';
import { html, type Safe } from '../dashboard/html.ts';
import { BASE, contentSecurityPolicy, newNonce, page, type Section } from '../dashboard/layout.ts';
import { loginPage } from '../dashboard/login.ts';
import { PREVIEW_SCRIPT, previewPage } from '../dashboard/preview-links.ts';
import { lastDays, trafficPage } from '../dashboard/traffic.ts';
import { experimentResults, exposureTotals } from './experiment-results.ts';

type C = Context<AppEnv>;
const DAY_MS = 86_400_000;

function respond(c: C, opts: { title: string; section?: Section; body: Safe; scripts?: string[]; signedIn?: boolean }, status: 200 | 401 | 403 | 404 = 200): Response {
  const nonce = newNonce();
  const headers = {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': contentSecurityPolicy(nonce),
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  return c.body(page({ ...opts, nonce }), status, headers);
}

const login = (c: C, status: 200 | 401 | 403, opts: Parameters<typeof loginPage>[0] = {}) =>
  respond(c, { title: 'Sign in', body: loginPage({ unavailable: adminUnavailable(c.env), ...opts }), signedIn: false }, status);

/** Only dashboard paths are followed after sign-in (no open redirect). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && (next === BASE || next.startsWith(`${BASE}/`)) && !next.includes('//') && !next.includes('\\') ? next : BASE;
}

export const dashboard = new Hono<AppEnv>();

dashboard.get('/login', async (c) => ((await hasAdminSession(c)) ? c.redirect(BASE, 303) : login(c, 200)));

dashboard.post('/login', async (c) => {
  if (adminUnavailable(c.env)) return login(c, 403);
  // Login CSRF: the form must be posted from this origin.
  if (!sameOriginRequest(c)) return login(c, 403, { error: 'Sign in from the dashboard page itself.' });
  const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const token = typeof form.token === 'string' ? form.token : '';
  const next = safeNext(form.next);
  if (!(await tokensEqual(token, c.env.TAILOR_ADMIN_TOKEN!))) {
    return login(c, 401, { error: 'That token is not right.', next: next === BASE ? undefined : next });
  }
  const cookie = await sessionCookie(c);
  if (!cookie) return login(c, 403);
  return c.body(null, 303, { location: next, 'set-cookie': cookie, 'cache-control': 'no-store' });
});

dashboard.post('/logout', (c) => c.body(null, 303, { location: `${BASE}/login`, 'set-cookie': clearSessionCookie(c), 'cache-control': 'no-store' }));

// Everything below needs a valid session.
dashboard.use('*', async (c, next) => {
  if (adminUnavailable(c.env)) return login(c, 403);
  if (!(await hasAdminSession(c))) {
    const path = new URL(c.req.url).pathname;
    return login(c, 401, { next: path === BASE ? undefined : safeNext(path) });
  }
  await next();
});

function noDb(c: C, title: string, section: Section): Response {
  return respond(c, { title, section, body: html`<div class="notice warn">No D1 database is bound (binding <code>DB</code>), so there are no reports.</div>` });
}

dashboard.get('/', async (c) => {
  const db = c.env.DB;
  if (!db) return noDb(c, 'Segments', 'segments');
  const now = Date.now();
  const days = lastDays(30, now);
  const since7 = dayKey(now - 6 * DAY_MS);
  const todayKey = dayKey(now);
  const fullWeek = dayKey(now - 7 * DAY_MS);
  const fullWeekBefore = dayKey(now - 14 * DAY_MS);
  const [daily, today, week, month, visitors, sessions] = await Promise.all([
    segmentSizes(db, days[0]!),
    segmentReach(db, todayKey),
    segmentReach(db, since7),
    segmentReach(db, days[0]!),
    db
      .prepare(
        `SELECT COUNT(DISTINCT CASE WHEN day >= ?1 THEN visitor END) AS today, COUNT(DISTINCT CASE WHEN day >= ?2 THEN visitor END) AS last7,
                COUNT(DISTINCT visitor) AS last30 FROM segment_members WHERE day >= ?3`,
      )
      .bind(todayKey, since7, days[0])
      .first<{ today: number; last7: number; last30: number }>(),
    // Whole days only for the weekly comparison: today is still running.
    db
      .prepare('SELECT COALESCE(SUM(CASE WHEN day >= ?1 THEN sessions END), 0) AS last7, COALESCE(SUM(CASE WHEN day < ?1 THEN sessions END), 0) AS prev7 FROM traffic WHERE day >= ?2 AND day < ?3')
      .bind(fullWeek, fullWeekBefore, todayKey)
      .first<{ last7: number; prev7: number }>(),
  ]);
  const index = new Map(days.map((d, i) => [d, i] as const));
  const stats = new Map<string, SegmentStats>();
  const entry = (id: string): SegmentStats => {
    let s = stats.get(id);
    if (!s) stats.set(id, (s = { daily: days.map(() => 0), today: today[id] ?? 0, last7: week[id] ?? 0, last30: month[id] ?? 0 }));
    return s;
  };
  for (const s of c.get('config').segments) entry(s.id);
  for (const row of daily) {
    const i = index.get(row.day);
    if (i !== undefined) entry(row.segment).daily[i] = row.visitors;
  }
  const body = cataloguePage(c.get('config'), stats, {
    visitors: { today: visitors?.today ?? 0, last7: visitors?.last7 ?? 0, last30: visitors?.last30 ?? 0 },
    sessions7: sessions?.last7 ?? 0,
    sessionsPrev7: sessions?.prev7 ?? 0,
  });
  return respond(c, { title: 'Segments', section: 'segments', body, scripts: [CATALOGUE_SCRIPT] });
});

dashboard.get('/traffic', async (c) => {
  if (!c.env.DB) return noDb(c, 'Traffic', 'traffic');
  const n = [7, 30, 90].includes(Number(c.req.query('days'))) ? Number(c.req.query('days')) : 30;
  const days = lastDays(n, Date.now());
  const rows = await trafficByMedium(c.env.DB, days[0]!);
  return respond(c, { title: 'Traffic', section: 'traffic', body: trafficPage(rows, days) });
});

dashboard.get('/experiments', async (c) => {
  const exposed = c.env.DB ? await exposureTotals(c.env.DB) : {};
  return respond(c, { title: 'Experiments', section: 'experiments', body: experimentsPage(c.get('config'), exposed) });
});

dashboard.get('/experiments/:id', async (c) => {
  const config = c.get('config');
  const exp = config.experiments.find((e) => e.id === c.req.param('id'));
  if (!exp) {
    return respond(c, { title: 'Not found', section: 'experiments', body: html`<div class="notice warn">No experiment <code>${c.req.param('id')}</code> in the live config. <a href="${BASE}/experiments">All experiments</a></div>` }, 404);
  }
  if (!c.env.DB) return noDb(c, exp.name, 'experiments');
  const results = await experimentResults(c.env.DB, exp);
  return respond(c, { title: exp.name, section: 'experiments', body: resultsPage(config, results) });
});

dashboard.get('/preview', (c) => respond(c, { title: 'Preview links', section: 'preview', body: previewPage(c.get('config')), scripts: [PREVIEW_SCRIPT] }));

dashboard.get('/config', async (c) => {
  const versions = c.env.DB
    ? (await c.env.DB.prepare('SELECT version, saved_at, length(body) AS size FROM config_versions ORDER BY version DESC LIMIT 50').all<ConfigVersion>()).results
    : [];
  const body = configPage(c.get('config'), versions, { saved: c.req.query('saved') === '1', restored: /^\d+$/.test(c.req.query('restored') ?? '') ? c.req.query('restored') : undefined });
  return respond(c, { title: 'Config', section: 'config', body, scripts: [configScript()] });
});

dashboard.all('*', (c) => {
  const path = new URL(c.req.url).pathname;
  // `/__tailor/admin/` and `/traffic/`: the same page without the slash.
  if (c.req.method === 'GET' && path.endsWith('/') && !path.endsWith('//')) return c.redirect(path.slice(0, -1) + new URL(c.req.url).search, 308);
  return respond(c, { title: 'Not found', body: html`<div class="notice warn">No such dashboard page. <a href="${BASE}">Back to segments</a></div>` }, 404);
});
