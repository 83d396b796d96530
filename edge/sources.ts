// PLACEHOLDER — being replaced by the full classifier (issue 2). Signature is fixed by DESIGN.md.
import type { SourceInfo } from './types.ts';

export interface ClassifyInput {
  url: string;
  referrer?: string | null;
  host?: string;
}

export function classifySource({ url, referrer, host }: ClassifyInput): SourceInfo {
  let u: URL | null = null;
  try {
    u = new URL(url);
  } catch {}
  const medium = u?.searchParams.get('utm_medium')?.toLowerCase();
  const source = u?.searchParams.get('utm_source')?.toLowerCase() ?? null;
  if (medium === 'email' || u?.searchParams.has('mc_cid')) return { medium: 'email', source: source ?? 'mailchimp' };
  if (medium === 'social' || u?.searchParams.has('fbclid')) return { medium: 'social', source: source ?? 'facebook' };
  if (!referrer) return { medium: 'direct', source: null };
  let r: URL;
  try {
    r = new URL(referrer);
  } catch {
    return { medium: 'direct', source: null };
  }
  if (r.hostname === (host ?? u?.hostname)) return { medium: 'internal', source: null };
  if (r.hostname === 't.co') return { medium: 'social', source: 'twitter' };
  return { medium: 'referral', source: r.hostname };
}
