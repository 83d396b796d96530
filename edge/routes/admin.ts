/**
 * /__tailor/api/*: the admin API behind `Authorization: Bearer <TAILOR_ADMIN_TOKEN>`
 * (hono bearerAuth, constant-time compare). Config reads/replacement (validated;
 * a bad config is refused with its issues and the live config is kept), config
 * history and reports.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { HTTPException } from 'hono/http-exception';
import { parseConfig } from '../config.ts';
import { CONFIG_KEY, setLiveConfig, shippedConfig } from '../config-store.ts';
import type { AppEnv } from '../env.ts';
import { jsonError } from '../errors.ts';
import { createPreviewLink } from './preview.ts';
import { dayKey, eventCount, reportingHealth, segmentReach, segmentSizes, trafficByMedium } from '../reporting.ts';
import { hasAdminSession, sameOriginRequest } from '../admin-session.ts';
import { experimentResultsRoute } from './experiment-results.ts';

const unauthorized = { error: { code: 'unauthorized', message: 'send Authorization: Bearer <TAILOR_ADMIN_TOKEN>' } };
const DAY = 86_400_000;

export const adminApi = new Hono<AppEnv>();

adminApi.use('*', async (c, next) => {
  const token = c.env.TAILOR_ADMIN_TOKEN;
  if (!token || token.length < 16) return jsonError(c, 403, 'admin_disabled', 'set TAILOR_ADMIN_TOKEN (16+ characters) to use the admin API');
  c.header('cache-control', 'no-store');
  const auth = bearerAuth({
    token,
    noAuthenticationHeader: { message: unauthorized },
    invalidAuthenticationHeader: { message: { error: { code: 'bad_authorization', message: 'malformed Authorization header' } } },
    invalidToken: { message: unauthorized },
  }) as unknown as MiddlewareHandler<AppEnv>;
  // The dashboard's signed session cookie is the alternative to the bearer token; changes made with it must come from the dashboard's own origin (CSRF).
  if (!c.req.header('authorization') && (await hasAdminSession(c))) {
    return sameOriginRequest(c) ? next() : jsonError(c, 403, 'cross_origin', 'cookie-authenticated changes must come from the dashboard itself');
  }
  try {
    return await auth(c, next);
  } catch (err) {
    // bearerAuth refuses by throwing its 401/400 response; answer with it (app.onError would turn it into a generic 400).
    if (err instanceof HTTPException) return err.getResponse();
    throw err;
  }
});

adminApi.get('/experiments/:id/results', experimentResultsRoute);

adminApi.get('/config', (c) => c.json(c.get('config')));

adminApi.put('/config', async (c) => {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return jsonError(c, 400, 'invalid_json', 'the body is not valid JSON');
  }
  const parsed = parseConfig(body);
  if (!parsed.ok) return c.json({ error: { code: 'invalid_config', message: 'the config was refused; the live config is unchanged', issues: parsed.errors } }, 422);
  if (!c.env.CONFIG) return jsonError(c, 409, 'no_kv', 'no CONFIG KV namespace is bound');
  const raw = JSON.stringify(parsed.config);
  const previous = await c.env.CONFIG.get(CONFIG_KEY);
  if (previous && c.env.DB) {
    await c.env.DB.prepare('INSERT INTO config_versions (saved_at, body) VALUES (?, ?)').bind(Date.now(), previous).run().catch(() => {});
  }
  await c.env.CONFIG.put(CONFIG_KEY, raw);
  setLiveConfig(parsed.config, raw);
  return c.json({ ok: true, segments: parsed.config.segments.length });
});

adminApi.get('/config/default', (c) => c.json(shippedConfig()));

adminApi.get('/config/versions', async (c) => {
  if (!c.env.DB) return c.json({ versions: [] });
  const r = await c.env.DB.prepare('SELECT version, saved_at FROM config_versions ORDER BY version DESC LIMIT 50').all();
  return c.json({ versions: r.results });
});

adminApi.post('/config/versions/:version/restore', async (c) => {
  if (!c.env.DB || !c.env.CONFIG) return jsonError(c, 409, 'no_storage', 'D1 and KV are needed to restore versions');
  const row = await c.env.DB.prepare('SELECT body FROM config_versions WHERE version = ?').bind(Number(c.req.param('version'))).first<{ body: string }>();
  if (!row) return jsonError(c, 404, 'not_found', 'no such config version');
  const parsed = parseConfig(JSON.parse(row.body));
  if (!parsed.ok) return c.json({ error: { code: 'invalid_config', message: 'that version no longer validates', issues: parsed.errors } }, 422);
  const current = await c.env.CONFIG.get(CONFIG_KEY);
  if (current) await c.env.DB.prepare('INSERT INTO config_versions (saved_at, body) VALUES (?, ?)').bind(Date.now(), current).run();
  await c.env.CONFIG.put(CONFIG_KEY, row.body);
  setLiveConfig(parsed.config, row.body);
  return c.json({ ok: true });
});

adminApi.get('/reports/segments', async (c) => {
  const db = c.env.DB;
  if (!db) return jsonError(c, 409, 'no_db', 'no DB binding');
  const days = Math.min(Math.max(Number(c.req.query('days') ?? 30) || 30, 1), 365);
  const now = Date.now();
  const [daily, today, week, month] = await Promise.all([
    segmentSizes(db, dayKey(now - (days - 1) * DAY)),
    segmentReach(db, dayKey(now)),
    segmentReach(db, dayKey(now - 6 * DAY)),
    segmentReach(db, dayKey(now - 29 * DAY)),
  ]);
  return c.json({ daily, reach: { today, last7: week, last30: month } });
});

adminApi.get('/reports/traffic', async (c) => {
  if (!c.env.DB) return jsonError(c, 409, 'no_db', 'no DB binding');
  const days = Math.min(Math.max(Number(c.req.query('days') ?? 30) || 30, 1), 365);
  return c.json({ daily: await trafficByMedium(c.env.DB, dayKey(Date.now() - (days - 1) * DAY)) });
});

adminApi.get('/events/count', async (c) => {
  if (!c.env.DB) return jsonError(c, 409, 'no_db', 'no DB binding');
  return c.json(await eventCount(c.env.DB));
});

adminApi.get('/health', (c) => c.json({ reporting: reportingHealth }));

adminApi.post('/preview-links', createPreviewLink);
