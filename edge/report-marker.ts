/** Reads and sets the membership-report marker cookie (see reporting.ts). */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { visitorCookie } from './cookie.ts';
import type { AppEnv } from './env.ts';
import { membershipMarker, REPORT_COOKIE } from './reporting.ts';

/** The segments to report now (null when this visitor already reported this set today) and the Set-Cookie for the new marker. */
export function membershipToReport(c: Context<AppEnv>, now: number, visitor: string, segments: string[]): { segments: string[] | undefined; setCookie: string | null } {
  const marker = membershipMarker(now, visitor, segments);
  if (getCookie(c, REPORT_COOKIE) === marker) return { segments: undefined, setCookie: null };
  return { segments, setCookie: visitorCookie(c.req.url, REPORT_COOKIE, marker) };
}
