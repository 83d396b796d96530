/**
 * The Tailor Worker: a Hono app in front of the site. Everything Tailor serves
 * lives under /__tailor/; every other request is the site, personalised.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { getConfig } from './config-store.ts';
import type { AppEnv } from './env.ts';
import { jsonError } from './errors.ts';
import { SDK_ETAG, SDK_JS } from './generated/sdk-bundle.ts';
import { fetchOrigin } from './origin.ts';
import { adminApi } from './routes/admin.ts';
import { collectRoute } from './routes/collect.ts';
import { dashboard } from './routes/dashboard.ts';
import { originOptions, pageRoute } from './routes/page.ts';
import { activePreview, previewRoutes } from './routes/preview.ts';
import { consentRoute, resetRoute, segmentsRoute } from './routes/visitor-api.ts';
import { LIMITS } from './schema.ts';

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
// CORS headers only mean something to other origins: the SDK on the site itself skips the middleware.
const crossOriginCors: MiddlewareHandler<AppEnv> = (c, next) => {
  const origin = c.req.header('origin');
  return origin && !c.req.url.startsWith(`${origin}/`) ? tailorCors(c, next) : next();
};
app.use('/__tailor/collect', crossOriginCors);
app.use('/__tailor/segments', crossOriginCors);
app.use('/__tailor/consent', crossOriginCors);
app.use('/__tailor/reset', crossOriginCors);

app.post(
  '/__tailor/collect',
  bodyLimit({ maxSize: LIMITS.batchBytes, onError: (c) => jsonError(c, 413, 'payload_too_large', `a batch is at most ${LIMITS.batchBytes} bytes`) }),
  collectRoute,
);
app.all('/__tailor/collect', (c) => jsonError(c, 405, 'method_not_allowed', 'POST a batch to /__tailor/collect'));

app.get('/__tailor/segments', segmentsRoute);
app.post('/__tailor/reset', resetRoute);
app.post('/__tailor/consent', bodyLimit({ maxSize: 1024, onError: (c) => jsonError(c, 413, 'payload_too_large', 'send { "state": "granted" | "revoked" }') }), consentRoute);

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
    return fetchOrigin(c.req.raw, originOptions(c, false));
  }
});
