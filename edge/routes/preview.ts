/**
 * /__tailor/preview?t=<signed token>: verify, remember the grant in a session
 * cookie (HttpOnly, SameSite=Lax), redirect to the page. Pages requested with a
 * valid preview cookie are rendered as the granted segments with a toolbar,
 * never counted and never cached. POST /__tailor/api/preview-links (admin) mints links.
 */
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../env.ts';
import { jsonError } from '../errors.ts';
import { expiredPreviewPage, MAX_PREVIEW_TTL_MIN, PREVIEW_COOKIE, previewOverrides, previewToolbar, safePath, signPreview, unknownIds, verifyPreview, type PreviewGrant } from '../preview.ts';
import { refererPath } from '../request-context.ts';
import { signingKeys } from '../visitor.ts';
import type { PagePreview } from './page.ts';

const secure = (c: Context<AppEnv>) => new URL(c.req.url).protocol === 'https:';

function refuse(c: Context<AppEnv>): Response {
  deleteCookie(c, PREVIEW_COOKIE, { path: '/' });
  return c.html(expiredPreviewPage(), 403, { 'cache-control': 'no-store' });
}

async function setGrant(c: Context<AppEnv>, grant: PreviewGrant): Promise<void> {
  const keys = signingKeys(c.env)!;
  setCookie(c, PREVIEW_COOKIE, await signPreview(grant, keys), { path: '/', httpOnly: true, sameSite: 'Lax', secure: secure(c) });
}

/** The grant in this browser's preview cookie, if it is valid. */
export async function previewGrant(c: Context<AppEnv>): Promise<PreviewGrant | null> {
  const raw = getCookie(c, PREVIEW_COOKIE);
  const keys = signingKeys(c.env);
  return raw && keys ? verifyPreview(raw, keys) : null;
}

/** The preview a page request is in, if any, with its toolbar. */
export async function activePreview(c: Context<AppEnv>): Promise<PagePreview | null> {
  const grant = await previewGrant(c);
  if (!grant) return null;
  const toolbar = previewToolbar(grant, c.get('config'));
  return { overrides: previewOverrides(grant), ...toolbar };
}

export const previewRoutes = new Hono<AppEnv>();

previewRoutes.get('/', async (c) => {
  const keys = signingKeys(c.env);
  const grant = keys ? await verifyPreview(c.req.query('t'), keys) : null;
  if (!grant) return refuse(c);
  await setGrant(c, grant);
  c.header('cache-control', 'no-store');
  return c.redirect(grant.path, 303);
});

previewRoutes.get('/switch', async (c) => {
  const current = await previewGrant(c);
  if (!current) return refuse(c);
  const known = new Set(c.get('config').segments.map((s) => s.id));
  const segments = c.req.queries('s')?.filter((s) => known.has(s)) ?? [];
  // Same expiry: switching never extends a grant.
  await setGrant(c, { ...current, segments });
  c.header('cache-control', 'no-store');
  return c.redirect(safePath(refererPath(c.req.raw.headers)), 303);
});

previewRoutes.get('/exit', (c) => {
  deleteCookie(c, PREVIEW_COOKIE, { path: '/' });
  c.header('cache-control', 'no-store');
  return c.redirect('/', 303);
});

/** Admin: mint a preview link. */
export async function createPreviewLink(c: Context<AppEnv>): Promise<Response> {
  const keys = signingKeys(c.env);
  if (!keys) return jsonError(c, 409, 'no_secret', 'set TAILOR_SECRET to sign preview links');
  let body: { path?: unknown; segments?: unknown; variants?: unknown; ttlMinutes?: unknown };
  try {
    body = await c.req.json();
  } catch {
    return jsonError(c, 400, 'invalid_json', 'send { path, segments, variants?, ttlMinutes? }');
  }
  const segments = Array.isArray(body.segments) ? body.segments.filter((s): s is string => typeof s === 'string') : [];
  const variants = body.variants && typeof body.variants === 'object' ? Object.fromEntries(Object.entries(body.variants as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
  const unknown = unknownIds(c.get('config'), segments, variants);
  if (unknown.length) return jsonError(c, 400, 'unknown_ids', `unknown ${unknown.join(', ')}`);
  const ttl = Math.min(Math.max(Number(body.ttlMinutes ?? 60 * 24) || 60, 1), MAX_PREVIEW_TTL_MIN);
  const expires = Date.now() + ttl * 60_000;
  const token = await signPreview({ path: safePath(body.path), segments, variants, expires }, keys);
  const url = new URL(`/__tailor/preview?t=${encodeURIComponent(token)}`, c.req.url).toString();
  return c.json({ url, expires: new Date(expires).toISOString() });
}
