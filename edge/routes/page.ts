/**
 * Every non-Tailor request: fetch the site (ASSETS or ORIGIN_URL), and when it
 * is HTML for a real visitor, fold the request into the profile, evaluate, and
 * stream the page back with the slots filled.
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { isbot } from 'isbot';
import type { AppEnv } from '../env.ts';
import { evaluateVisitor } from '../evaluate.ts';
import { fetchOrigin, isHtml } from '../origin.ts';
import { personalise } from '../personalise.ts';
import { emptyProfile, foldRequest } from '../profile.ts';
import { writeReport } from '../reporting.ts';
import { CONSENT_COOKIE, randomId, requestContext, resolveConsent } from '../request-context.ts';
import type { Profile } from '../types.ts';
import { clearProfileCookie, profileCookie, readProfile } from '../visitor.ts';
import { sessionDeltas } from './session-deltas.ts';

export async function pageRoute(c: Context<AppEnv>): Promise<Response> {
  const req = c.req.raw;
  const method = req.method;
  const maybePage = (method === 'GET' || method === 'HEAD') && !/\.[a-z0-9]{1,8}$/i.test(new URL(req.url).pathname.replace(/\.html?$/i, ''));
  const ua = req.headers.get('user-agent') ?? '';
  const bot = isbot(ua);
  const personalisable = maybePage && !bot && method === 'GET' && c.env.TAILOR_PERSONALISATION !== 'off';
  const waitUntil = (p: Promise<unknown>) => c.executionCtx.waitUntil(p);

  const origin = await fetchOrigin(req, {
    originUrl: c.env.ORIGIN_URL || undefined,
    assets: c.env.ASSETS,
    forPersonalisation: personalisable,
    waitUntil,
    cache: c.env.ORIGIN_URL ? (globalThis as unknown as { caches?: { default: Cache } }).caches?.default : undefined,
  });
  if (!personalisable || origin.status !== 200 || !isHtml(origin) || !origin.body) return origin;

  const config = c.get('config');
  const url = new URL(req.url);
  const consent = resolveConsent(getCookie(c, CONSENT_COOKIE), req.headers.get('sec-gpc') === '1', config.settings);
  const now = Date.now();

  const res = new Response(origin.body, origin);
  res.headers.delete('etag');
  res.headers.delete('last-modified');
  res.headers.delete('content-length');
  res.headers.set('cache-control', 'private, no-cache');
  res.headers.append('vary', 'Cookie');

  if (consent === 'revoked') {
    res.headers.append('set-cookie', clearProfileCookie(c));
    return personalise(res, {}, { pvid: null, consent });
  }

  // Pending consent personalises from this request alone and persists nothing.
  const before: Profile = (consent === 'granted' ? await readProfile(c) : null) ?? emptyProfile();
  const pvid = randomId();
  const profile = foldRequest(before, {
    url: req.url,
    referrer: req.headers.get('referer'),
    host: url.host,
    pvid,
    now,
    halfLifeDays: config.settings.interestHalfLifeDays,
  });
  const context = requestContext(profile, req.cf as Record<string, unknown> | undefined, req.headers, url.pathname);
  const result = evaluateVisitor(profile, config, now, context);

  if (consent === 'granted') {
    const cookie = await profileCookie(c, profile);
    if (cookie) res.headers.append('set-cookie', cookie);
    waitUntil(writeReport(c.env.DB, { visitor: profile.id, now, segments: result.segments, sessions: sessionDeltas(before, profile) }));
  }
  return personalise(res, result.slots, { pvid, consent }, (e) => console.error('tailor: slot rewrite failed', String(e)));
}
