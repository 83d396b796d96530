/** Reading and building the visitor's signed profile cookie. */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { sign, verify, visitorCookie, type SigningKeys } from './cookie.ts';
import type { AppEnv } from './env.ts';
import { decodeProfile, encodeProfile } from './profile.ts';
import { REPORT_COOKIE } from './reporting.ts';
import { CONSENT_COOKIE, resolveConsent, type Consent } from './request-context.ts';
import type { Profile } from './types.ts';

export const PROFILE_COOKIE = 'tailor_p';

/** `__Host-` (Secure, Path=/, no Domain) over HTTPS; the plain name only on http:// for local development. */
const profileCookieName = (requestUrl: string) => (requestUrl.startsWith('https:') ? `__Host-${PROFILE_COOKIE}` : PROFILE_COOKIE);

export function signingKeys(env: AppEnv['Bindings']): SigningKeys | null {
  if (!env.TAILOR_SECRET) return null;
  return { current: env.TAILOR_SECRET, previous: env.TAILOR_SECRET_PREVIOUS || undefined };
}

/** The verified profile, or null for a new visitor (missing, expired, forged or corrupt cookie). */
export async function readProfile(c: Context<AppEnv>): Promise<Profile | null> {
  const keys = signingKeys(c.env);
  if (!keys) return null;
  const payload = await verify(getCookie(c, profileCookieName(c.req.url)), keys);
  return payload ? decodeProfile(payload) : null;
}

/** A Set-Cookie value carrying the signed profile (null when no secret is configured). */
export async function profileCookie(c: Context<AppEnv>, profile: Profile): Promise<string | null> {
  const keys = signingKeys(c.env);
  if (!keys) return null;
  return visitorCookie(c.req.url, profileCookieName(c.req.url), await sign(encodeProfile(profile), keys));
}

/** Set-Cookies that forget this browser's profile and its report marker (revoked consent, SDK reset()). */
export function forgetVisitorCookies(c: Context<AppEnv>): string[] {
  return [profileCookieName(c.req.url), REPORT_COOKIE].map((name) => visitorCookie(c.req.url, name, '', { maxAge: 0 }));
}

/** This request's consent: pending in preview (evaluate, persist nothing), else the consent cookie, Sec-GPC and the site's default. */
export function requestConsent(c: Context<AppEnv>, inPreview: boolean): Consent {
  return inPreview ? 'pending' : resolveConsent(getCookie(c, CONSENT_COOKIE), c.req.header('sec-gpc') === '1', c.get('config').settings);
}
