/**
 * The dashboard's admin session: after a correct TAILOR_ADMIN_TOKEN the browser
 * gets an HttpOnly, SameSite=Strict cookie scoped to /__tailor/, signed with an
 * HMAC key derived from TAILOR_SECRET *and* the admin token (rotating either
 * signs everyone out), valid for 12 hours. The cookie format and the
 * constant-time verification are edge/cookie.ts's.
 *
 * Cookie-authenticated requests that change something must also come from the
 * dashboard's own origin (CSRF): SameSite=Strict already keeps the cookie off
 * cross-site requests; the Origin / Sec-Fetch-Site check is the second lock.
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { serialize } from 'hono/utils/cookie';
import { timingSafeEqual } from 'hono/utils/buffer';
import { deriveKeys, sign, verify, type SigningKeys } from './cookie.ts';
import { randomId } from './request-context.ts';
import type { AppEnv, Env } from './env.ts';

export const ADMIN_COOKIE = 'tailor_admin';
export const ADMIN_SESSION_TTL_S = 12 * 60 * 60;
export const ADMIN_PATH = '/__tailor/';
/** The admin API and the dashboard refuse tokens shorter than this. */
export const MIN_TOKEN_LENGTH = 16;

const isHttps = (url: string): boolean => url.startsWith('https:');
/** `__Secure-` over HTTPS (the browser then insists on Secure); the plain name on http:// (local development). */
export const adminCookieName = (url: string): string => (isHttps(url) ? `__Secure-${ADMIN_COOKIE}` : ADMIN_COOKIE);

/** Why the admin area is unavailable, or null when it is configured. */
export function adminUnavailable(env: Pick<Env, 'TAILOR_ADMIN_TOKEN' | 'TAILOR_SECRET'>): string | null {
  if (!env.TAILOR_ADMIN_TOKEN || env.TAILOR_ADMIN_TOKEN.length < MIN_TOKEN_LENGTH) {
    return `set TAILOR_ADMIN_TOKEN (${MIN_TOKEN_LENGTH}+ characters) to use the admin area`;
  }
  if (!env.TAILOR_SECRET) return 'set TAILOR_SECRET to sign admin sessions';
  return null;
}

/**
 * Compares a submitted token with the configured one in constant time, with the
 * same comparison the admin API's bearerAuth uses (both sides hashed first, so
 * neither the content nor the length of the secret leaks through timing).
 */
export async function tokensEqual(given: string, expected: string): Promise<boolean> {
  return given.length > 0 && (await timingSafeEqual(given, expected));
}

/** Session keys are separate from the profile cookie's (domain-separated), and tied to the admin token. */
function sessionKeys(env: Pick<Env, 'TAILOR_ADMIN_TOKEN' | 'TAILOR_SECRET' | 'TAILOR_SECRET_PREVIOUS'>): SigningKeys | null {
  if (adminUnavailable(env)) return null;
  return deriveKeys({ current: env.TAILOR_SECRET!, previous: env.TAILOR_SECRET_PREVIOUS }, 'tailor-admin-session', env.TAILOR_ADMIN_TOKEN!);
}

/** A signed session value (exported for tests, which also mint expired ones with `now`). */
export async function mintSession(env: Pick<Env, 'TAILOR_ADMIN_TOKEN' | 'TAILOR_SECRET' | 'TAILOR_SECRET_PREVIOUS'>, now = Date.now()): Promise<string | null> {
  const keys = sessionKeys(env);
  return keys ? sign(`admin-${randomId(16)}`, keys, now) : null;
}

export async function isValidSession(env: Pick<Env, 'TAILOR_ADMIN_TOKEN' | 'TAILOR_SECRET' | 'TAILOR_SECRET_PREVIOUS'>, value: string | undefined, now = Date.now()): Promise<boolean> {
  const keys = sessionKeys(env);
  if (!keys || !value) return false;
  const payload = await verify(value, keys, now, ADMIN_SESSION_TTL_S);
  return payload !== null && payload.startsWith('admin-');
}

/** Set-Cookie for a fresh session, or null when the admin area is not configured. */
export async function sessionCookie(c: Context<AppEnv>): Promise<string | null> {
  const value = await mintSession(c.env);
  if (!value) return null;
  return serialize(adminCookieName(c.req.url), value, {
    path: ADMIN_PATH,
    httpOnly: true,
    sameSite: 'Strict',
    secure: isHttps(c.req.url),
    maxAge: ADMIN_SESSION_TTL_S,
  });
}

export function clearSessionCookie(c: Context<AppEnv>): string {
  return serialize(adminCookieName(c.req.url), '', { path: ADMIN_PATH, httpOnly: true, sameSite: 'Strict', secure: isHttps(c.req.url), maxAge: 0 });
}

/** Whether the request carries a valid, unexpired admin session cookie. */
export async function hasAdminSession(c: Context<AppEnv>): Promise<boolean> {
  return isValidSession(c.env, getCookie(c, adminCookieName(c.req.url)));
}

/**
 * CSRF check for cookie-authenticated requests that change state: the browser
 * must say the request comes from this origin (Sec-Fetch-Site: same-origin, or
 * an Origin header equal to ours). Safe methods always pass.
 */
export function sameOriginRequest(c: Context): boolean {
  if (/^(GET|HEAD|OPTIONS)$/.test(c.req.method)) return true;
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin';
  const origin = c.req.header('origin');
  return origin !== undefined && origin === new URL(c.req.url).origin;
}
