/** Reading and building the visitor's signed profile cookie. */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { serialize } from 'hono/utils/cookie';
import { COOKIE_MAX_AGE_S, sign, verify, type SigningKeys } from './cookie.ts';
import type { AppEnv } from './env.ts';
import { decodeProfile, encodeProfile } from './profile.ts';
import type { Profile } from './types.ts';

export const PROFILE_COOKIE = 'tailor_p';

const isHttps = (url: URL) => url.protocol === 'https:';
/** `__Host-` (Secure, Path=/, no Domain) over HTTPS; the plain name only on http:// for local development. */
const profileCookieName = (url: URL) => (isHttps(url) ? `__Host-${PROFILE_COOKIE}` : PROFILE_COOKIE);

export function signingKeys(env: AppEnv['Bindings']): SigningKeys | null {
  if (!env.TAILOR_SECRET) return null;
  return { current: env.TAILOR_SECRET, previous: env.TAILOR_SECRET_PREVIOUS || undefined };
}

/** The verified profile, or null for a new visitor (missing, expired, forged or corrupt cookie). */
export async function readProfile(c: Context<AppEnv>): Promise<Profile | null> {
  const keys = signingKeys(c.env);
  if (!keys) return null;
  const payload = await verify(getCookie(c, profileCookieName(new URL(c.req.url))), keys);
  return payload ? decodeProfile(payload) : null;
}

/** A Set-Cookie value carrying the signed profile (null when no secret is configured). */
export async function profileCookie(c: Context<AppEnv>, profile: Profile): Promise<string | null> {
  const keys = signingKeys(c.env);
  if (!keys) return null;
  const url = new URL(c.req.url);
  const value = await sign(encodeProfile(profile), keys);
  return serialize(profileCookieName(url), value, { path: '/', httpOnly: true, sameSite: 'Lax', secure: isHttps(url), maxAge: COOKIE_MAX_AGE_S });
}

export function clearProfileCookie(c: Context<AppEnv>): string {
  const url = new URL(c.req.url);
  return serialize(profileCookieName(url), '', { path: '/', httpOnly: true, sameSite: 'Lax', secure: isHttps(url), maxAge: 0 });
}
