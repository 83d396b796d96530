/**
 * Marketer preview: signed, expiring links that open any page as a chosen set
 * of segments (and optionally forced experiment variants) without touching the
 * marketer's own profile. The link is exchanged for a session cookie so the
 * marketer can click around the site in preview; preview traffic is never
 * counted and never cached.
 */
import { deriveKeys, sign, verify, type SigningKeys } from './cookie.ts';
import { escapeHtml } from './render.ts';
import type { TailorConfig } from './schema.ts';
import { describeRule, type SegmentExplanation } from './segments.ts';

export const PREVIEW_COOKIE = 'tailor_preview';
export const MAX_PREVIEW_TTL_MIN = 7 * 24 * 60;

export interface PreviewGrant {
  /** Page path to open first. */
  path: string;
  segments: string[];
  /** experiment id -> variant id */
  variants: Record<string, string>;
  /** Expiry, ms since epoch. */
  expires: number;
}

const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const unb64 = (s: string) => new TextDecoder().decode(Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));

export function safePath(path: unknown): string {
  return typeof path === 'string' && path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/__tailor/') && path.length <= 512 ? path : '/';
}

/** Preview grants have keys of their own, so a profile cookie can never verify as one, whatever its payload. */
export const previewKeys = (keys: SigningKeys): SigningKeys => deriveKeys(keys, 'tailor-preview');

export async function signPreview(grant: PreviewGrant, keys: SigningKeys, now = Date.now()): Promise<string> {
  const payload = b64(JSON.stringify({ p: grant.path, s: grant.segments, v: grant.variants, e: grant.expires }));
  return sign(payload, previewKeys(keys), now);
}

/** The grant of a valid, unexpired token, else null (tampered, expired, other key). */
export async function verifyPreview(token: string | undefined | null, keys: SigningKeys, now = Date.now()): Promise<PreviewGrant | null> {
  const payload = await verify(token, previewKeys(keys), now, MAX_PREVIEW_TTL_MIN * 60);
  if (!payload) return null;
  try {
    const o = JSON.parse(unb64(payload)) as { p?: unknown; s?: unknown; v?: unknown; e?: unknown };
    if (typeof o.e !== 'number' || o.e <= now) return null;
    if (!Array.isArray(o.s) || !o.s.every((x) => typeof x === 'string')) return null;
    const variants = o.v && typeof o.v === 'object' ? (o.v as Record<string, unknown>) : {};
    if (!Object.values(variants).every((x) => typeof x === 'string')) return null;
    return { path: safePath(o.p), segments: o.s as string[], variants: variants as Record<string, string>, expires: o.e };
  } catch {
    return null;
  }
}

/** What a preview evaluates as: the granted segments and forced variants, whatever the browser's own profile. */
export const previewOverrides = (grant: PreviewGrant) => ({ segments: grant.segments, variants: grant.variants });

/**
 * The "why am I seeing this?" explanations in preview: the page shows the granted
 * segments, so those are what is explained (not the marketer's own profile), each
 * with the rule a real visitor has to meet, in config order.
 */
export function previewExplanations(config: TailorConfig, grant: PreviewGrant): SegmentExplanation[] {
  const granted = new Set(grant.segments);
  const byId = new Map(config.segments.map((s) => [s.id, s]));
  return config.segments
    .filter((s) => granted.has(s.id))
    .map((s) => {
      const label = `Chosen in the preview link; real visitors: ${describeRule(s.rule, byId)}`;
      return { id: s.id, name: s.name, group: s.group, description: s.description, matched: true, conditions: [{ text: `${label} ✓`, label, actual: null, held: true }] };
    });
}

/** Unknown segment or variant ids in a grant request (so the API can refuse them with names). */
export function unknownIds(config: TailorConfig, segments: string[], variants: Record<string, string>): string[] {
  const seg = new Set(config.segments.map((s) => s.id));
  const out = segments.filter((s) => !seg.has(s)).map((s) => `segment "${s}"`);
  for (const [e, v] of Object.entries(variants)) {
    const exp = config.experiments.find((x) => x.id === e);
    if (!exp) out.push(`experiment "${e}"`);
    else if (!exp.variants.some((x) => x.id === v)) out.push(`variant "${v}" of experiment "${e}"`);
  }
  return out;
}

/** The toolbar shown on previewed pages: what is previewed, switch segments, exit. All values escaped. */
export function previewToolbar(grant: PreviewGrant, config: TailorConfig, now = Date.now()): { headHtml: string; bodyHtml: string } {
  const names = new Map(config.segments.map((s) => [s.id, s.name]));
  const chosen = new Set(grant.segments);
  const minutes = Math.max(0, Math.round((grant.expires - now) / 60_000));
  const what = grant.segments.length ? grant.segments.map((s) => escapeHtml(names.get(s) ?? s)).join(', ') : 'no segments (default content)';
  const variants = Object.entries(grant.variants)
    .map(([e, v]) => `${escapeHtml(e)} → ${escapeHtml(v)}`)
    .join(', ');
  const boxes = config.segments
    .map((s) => `<label><input type="checkbox" name="s" value="${escapeHtml(s.id)}"${chosen.has(s.id) ? ' checked' : ''}> ${escapeHtml(s.name)}</label>`)
    .join('');
  const headHtml = `<style>#tailor-preview{position:fixed;left:0;right:0;bottom:0;z-index:2147483647;background:#1d2433;color:#fff;font:14px/1.4 system-ui,sans-serif;padding:8px 14px;display:flex;gap:12px;align-items:center;flex-wrap:wrap;box-shadow:0 -2px 8px rgba(0,0,0,.3)}#tailor-preview a,#tailor-preview button{color:#1d2433;background:#ffd166;border:0;border-radius:4px;padding:4px 10px;font:inherit;cursor:pointer;text-decoration:none}#tailor-preview details{position:relative}#tailor-preview form{position:absolute;bottom:2.2em;left:0;background:#fff;color:#1d2433;padding:10px;border-radius:6px;max-height:60vh;overflow:auto;width:280px;display:grid;gap:4px}body{padding-bottom:56px}</style>`;
  const bodyHtml =
    `<div id="tailor-preview" role="region" aria-label="Tailor preview">` +
    `<strong>Preview</strong><span data-tailor-preview-segments>As: ${what}</span>` +
    (variants ? `<span>Variants: ${variants}</span>` : '') +
    `<span>Expires in ${minutes} min · not counted</span>` +
    `<details><summary>Switch segments</summary><form method="get" action="/__tailor/preview/switch">${boxes}<button type="submit">Apply</button></form></details>` +
    `<a href="/__tailor/preview/exit">Exit preview</a></div>`;
  return { headHtml, bodyHtml };
}

export function expiredPreviewPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Preview link not valid</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:10vh auto;padding:0 1rem;color:#1d2433}h1{font-size:1.4rem}</style></head>
<body><h1>This preview link has expired or is not valid</h1><p>Preview links are signed and expire. Ask for a new link from the Tailor dashboard (<code>/__tailor/admin</code> → Preview links).</p><p><a href="/">Go to the site</a></p></body></html>`;
}
