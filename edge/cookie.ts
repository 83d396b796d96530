/**
 * The profile cookie: `<payload>.<issued-at base36>.<key id>.<HMAC-SHA256 base64url>`.
 * The key id lets TAILOR_SECRET_PREVIOUS keep verifying during a rotation; the
 * issue time lets old cookies expire even if a browser ignores Max-Age.
 * Verification is constant-time (crypto.subtle.verify). Anything that does not
 * verify is treated as absent: a new visitor, never an error.
 */
import { serialize } from 'hono/utils/cookie';

export const COOKIE_MAX_AGE_S = 400 * 24 * 60 * 60;
const enc = new TextEncoder();

export interface SigningKeys {
  current: string;
  previous?: string | undefined;
}

interface Key {
  id: string;
  key: CryptoKey;
}

/**
 * Keys for another kind of signed value, derived from the site's secrets under its
 * own label (and any context, such as the admin token): nothing signed for one
 * purpose ever verifies for another, and TAILOR_SECRET_PREVIOUS keeps working.
 */
export function deriveKeys(keys: SigningKeys, label: string, ...context: string[]): SigningKeys {
  const derive = (secret: string) => [label, secret, ...context].join('\u0000');
  return { current: derive(keys.current), previous: keys.previous ? derive(keys.previous) : undefined };
}

// Imported keys are cached per isolate: importKey + digest per request would dominate the hot path.
const keyCache = new Map<string, Promise<Key>>();

function b64url(bytes: ArrayBuffer | Uint8Array): string {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = '';
  for (const b of u8) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromB64url(s: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return null;
  try {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4));
    const out = new Uint8Array(new ArrayBuffer(bin.length));
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

function importKey(secret: string): Promise<Key> {
  let k = keyCache.get(secret);
  if (!k) {
    k = (async () => {
      const digest = await crypto.subtle.digest('SHA-256', enc.encode(`tailor-kid:${secret}`));
      const id = b64url(digest).slice(0, 6);
      const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
      return { id, key };
    })();
    keyCache.set(secret, k);
  }
  return k;
}

/** Signs a cookie-safe payload (no dots). */
export async function sign(payload: string, keys: SigningKeys, now = Date.now()): Promise<string> {
  const { id, key } = await importKey(keys.current);
  const body = `${payload}.${Math.floor(now / 1000).toString(36)}.${id}`;
  const sig = await crypto.subtle.sign('HMAC', key, enc.encode(body));
  return `${body}.${b64url(sig)}`;
}

/** The payload of a valid, unexpired cookie signed by the current or previous key; otherwise null. */
export async function verify(value: string | undefined | null, keys: SigningKeys, now = Date.now(), maxAgeS = COOKIE_MAX_AGE_S): Promise<string | null> {
  if (!value || value.length > 4096) return null;
  const parts = value.split('.');
  if (parts.length !== 4) return null;
  const [payload, iat36, kid, sig64] = parts as [string, string, string, string];
  if (!/^[0-9a-z]{1,10}$/.test(iat36)) return null;
  const iat = parseInt(iat36, 36) * 1000;
  if (!(iat <= now + 5 * 60_000) || now - iat > maxAgeS * 1000) return null;
  const sig = fromB64url(sig64);
  // Canonical encoding only: the last character carries 2 unused bits, so 4 spellings would decode to one signature.
  if (!sig || sig.length !== 32 || b64url(sig) !== sig64) return null;
  for (const secret of [keys.current, keys.previous]) {
    if (!secret) continue;
    const k = await importKey(secret);
    if (k.id !== kid) continue;
    const ok = await crypto.subtle.verify('HMAC', k.key, sig, enc.encode(`${payload}.${iat36}.${kid}`));
    return ok ? payload : null;
  }
  return null;
}

/**
 * A Set-Cookie for one of Tailor's visitor cookies (profile, report marker,
 * consent): Path=/, SameSite=Lax, 400 days (maxAge 0 clears it), Secure over
 * HTTPS, HttpOnly unless the SDK must read it.
 */
export function visitorCookie(requestUrl: string, name: string, value: string, opts: { maxAge?: number; httpOnly?: boolean } = {}): string {
  return serialize(name, value, {
    path: '/',
    sameSite: 'Lax',
    httpOnly: opts.httpOnly ?? true,
    secure: requestUrl.startsWith('https:'),
    maxAge: opts.maxAge ?? COOKIE_MAX_AGE_S,
  });
}
