/** Reads and sets the membership-report marker cookie (see reporting.ts). */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { serialize } from 'hono/utils/cookie';
import { COOKIE_MAX_AGE_S } from './cookie.ts';
import type { AppEnv } from './env.ts';
import { membershipMarker, REPORT_COOKIE } from './reporting.ts';

/** The segments to report now (null when this visitor already reported this set today) and the Set-Cookie for the new marker. */
export function membershipToReport(c: Context<AppEnv>, now: number, visitor: string, segments: string[]): { segments: string[] | undefined; setCookie: string | null } {
  const marker = membershipMarker(now, visitor, segments);
  if (getCookie(c, REPORT_COOKIE) === marker) return { segments: undefined, setCookie: null };
  const secure = new URL(c.req.url).protocol === 'https:';
  return { segments, setCookie: serialize(REPORT_COOKIE, marker, { path: '/', httpOnly: true, sameSite: 'Lax', secure, maxAge: COOKIE_MAX_AGE_S }) };
}

/** Revoking consent forgets the marker too: least data kept. */
export function clearMarkerCookie(c: Context<AppEnv>): string {
  const secure = new URL(c.req.url).protocol === 'https:';
  return serialize(REPORT_COOKIE, '', { path: '/', httpOnly: true, sameSite: 'Lax', secure, maxAge: 0 });
}
