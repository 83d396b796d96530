/**
 * The Tailor Worker: a Hono app in front of the site. Everything Tailor serves
 * lives under /__tailor/; every other request is the site, personalised.
 */
import { requestCf, visitorNow } from './clock.ts';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { cors } from 'hono/cors';
import { serialize } from 'hono/utils/cookie';
import { getConfig } from './config-store.ts';
import { COOKIE_MAX_AGE_S } from './cookie.ts';
import type { AppEnv } from './env.ts';
import { jsonError } from './errors.ts';
import { explainSegments } from './segments.ts';
import { SDK_ETAG, SDK_JS } from './generated/sdk-bundle.ts';
import { CONSENT_COOKIE, requestContext, resolveConsent } from './request-context.ts';
import { adminApi } from './routes/admin.ts';
import { dashboard } from './routes/dashboard.ts';
import { collectRoute } from './routes/collect.ts';
import { pageRoute } from './routes/page.ts';
import { fetchOrigin } from './origin.ts';
import { activePreview, previewRoutes } from './routes/preview.ts';
import { LIMITS } from './schema.ts';
import { emptyProfile } from './profile.ts';
import { evaluateVisitor } from './evaluate.ts';
import { clearProfileCookie, readProfile } from './visitor.ts';
import { clearMarkerCookie } from './report-marker.ts';

export const app = new Hono<AppEnv>();

// The config is held in isolate memory; only a cold isolate waits for KV.
app.use('*', async (c, next) => {
  c.set('config', await getConfig(c.env.CONFIG, (p) => c.executionCtx.waitUntil(p)));
  await next();
});

app.onError((err, c) => {
  if (err instanceof HTTPException) return err.getResponse();
  console.error('tailor: unhandled error', err instanceof Error ? err.message : String(err));
  return jsonError(c, 400, 'bad_request', 'the request could not be handled');
});

app.get('/__tailor/health', (c) => c.json({ ok: true }));

app.get('/__tailor/t.js', (c) => {
  const headers = { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300, stale-while-revalidate=86400', etag: SDK_ETAG };
  if (c.req.header('if-none-match') === SDK_ETAG) return c.body(null, 304, headers);
  return c.body(SDK_JS, 200, headers);
});

// Collect and the visitor endpoints answer cross-origin only for origins listed in config.
const tailorCors = cors({
  origin: (origin, c) => ((c.get('config') as AppEnv['Variables']['config']).settings.corsOrigins.includes(origin) ? origin : null),
  credentials: true,
  allowMethods: ['GET', 'POST'],
  allowHeaders: ['content-type'],
  maxAge: 600,
});
app.use('/__tailor/collect', tailorCors);
app.use('/__tailor/segments', tailorCors);
app.use('/__tailor/consent', tailorCors);

app.post(
  '/__tailor/collect',
  bodyLimit({ maxSize: LIMITS.batchBytes, onError: (c) => jsonError(c, 413, 'payload_too_large', `a batch is at most ${LIMITS.batchBytes} bytes`) }),
  collectRoute,
);
app.all('/__tailor/collect', (c) => jsonError(c, 405, 'method_not_allowed', 'POST a batch to /__tailor/collect'));

app.get('/__tailor/segments', async (c) => {
  const config = c.get('config');
  const consent = resolveConsent(getCookie(c, CONSENT_COOKIE), c.req.header('sec-gpc') === '1', config.settings);
  const profile = (consent === 'granted' ? await readProfile(c) : null) ?? emptyProfile();
  const now = visitorNow(c);
  let path: string | undefined;
  try {
    path = new URL(c.req.header('referer') ?? '').pathname;
  } catch {}
  const context = requestContext(profile, requestCf(c), c.req.raw.headers, path ?? '/');
  const { segments, experiments } = evaluateVisitor(profile, config, now, context);
  const explanations = explainSegments(profile, config, now, context);
  c.header('cache-control', 'private, no-store');
  return c.json({ segments, experiments, consent, explanations });
});

app.post('/__tailor/consent', bodyLimit({ maxSize: 1024, onError: (c) => jsonError(c, 413, 'payload_too_large', 'too large') }), async (c) => {
  let state: unknown;
  try {
    state = ((await c.req.json()) as { state?: unknown }).state;
  } catch {
    return jsonError(c, 400, 'invalid_json', 'send { "state": "granted" | "revoked" }');
  }
  if (state !== 'granted' && state !== 'revoked') return jsonError(c, 400, 'invalid_state', 'state must be "granted" or "revoked"');
  const secure = new URL(c.req.url).protocol === 'https:';
  c.header('set-cookie', serialize(CONSENT_COOKIE, state, { path: '/', sameSite: 'Lax', secure, maxAge: COOKIE_MAX_AGE_S }), { append: true });
  if (state === 'revoked') {
    c.header('set-cookie', clearProfileCookie(c), { append: true });
    c.header('set-cookie', clearMarkerCookie(c), { append: true });
  }
  c.header('cache-control', 'no-store');
  return c.json({ consent: state });
});

app.route('/__tailor/preview', previewRoutes);
app.route('/__tailor/api', adminApi);
app.route('/__tailor/admin', dashboard);

app.all('/__tailor/*', (c) => jsonError(c, 404, 'not_found', 'no such Tailor endpoint'));

app.all('*', async (c) => {
  try {
    return await pageRoute(c, (await activePreview(c)) ?? undefined);
  } catch (error) {
    // A Tailor bug must never take the site down: serve the page unpersonalised.
    console.error('tailor: page personalisation failed; serving the origin as is', error instanceof Error ? error.message : String(error));
    return fetchOrigin(c.req.raw, { originUrl: c.env.ORIGIN_URL || undefined, assets: c.env.ASSETS, forPersonalisation: false, waitUntil: (p) => c.executionCtx.waitUntil(p) });
  }
});
