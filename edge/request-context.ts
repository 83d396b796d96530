/** What a request tells us about the visitor, before any profile: pure helpers. */
import type { Settings } from './schema.ts';
import type { Profile, RequestContext } from './types.ts';

export type Consent = 'pending' | 'granted' | 'revoked';
export const CONSENT_COOKIE = 'tailor_consent';

/** Mobile / tablet / desktop from the user agent (Client Hints first when sent). */
export function deviceFromRequest(headers: Headers): NonNullable<RequestContext['device']> {
  const chMobile = headers.get('sec-ch-ua-mobile');
  if (chMobile === '?1') return 'mobile';
  const ua = headers.get('user-agent') ?? '';
  if (/iPad|Tablet|PlayBook|Silk|Kindle|Android(?!.*Mobile)/i.test(ua)) return 'tablet';
  if (/Mobi|iPhone|iPod|Android.*Mobile|Windows Phone|BlackBerry|Opera Mini/i.test(ua)) return 'mobile';
  return 'desktop';
}

/**
 * The consent state, the same rule as the SDK's: an explicit choice (cookie) wins;
 * otherwise `Sec-GPC: 1` means not granted (pending) unless the site opts out of
 * honouring it; otherwise the site's default.
 */
export function resolveConsent(cookie: string | undefined, gpc: boolean, settings: Pick<Settings, 'consentDefault' | 'honorGpc'>): Consent {
  if (cookie === 'granted' || cookie === 'revoked') return cookie;
  if (gpc && settings.honorGpc) return 'pending';
  return settings.consentDefault;
}

interface CfLike {
  country?: unknown;
  region?: unknown;
  city?: unknown;
}

const str = (v: unknown, max = 64): string | undefined => (typeof v === 'string' && v ? v.slice(0, max) : undefined);

/** Request-context leaves read the current session's source, and geography/device from the request. */
export function requestContext(profile: Profile, cf: CfLike | undefined, headers: Headers, path: string): RequestContext {
  return {
    country: str(cf?.country, 8),
    region: str(cf?.region),
    city: str(cf?.city),
    device: deviceFromRequest(headers),
    medium: profile.session?.medium,
    source: profile.session?.source ?? null,
    utm_campaign: profile.session?.campaign ?? undefined,
    path,
  };
}

/**
 * The path of the page a script request came from (its Referer), '/' when
 * unknown: requests under /__tailor/ are about the page the visitor is on.
 */
export function refererPath(headers: Headers): string {
  const referer = headers.get('referer');
  // Most script requests have a Referer; without one, skip the exception a failed parse costs.
  return (referer && URL.parse(referer)?.pathname) || '/';
}

/** A random url-safe id (pageview ids). */
export function randomId(bytes = 12): string {
  const a = crypto.getRandomValues(new Uint8Array(bytes));
  let s = '';
  for (const b of a) s += 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[b & 63];
  return s;
}
