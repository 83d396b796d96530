/**
 * Every non-Tailor request: fetch the site (ASSETS or ORIGIN_URL), and when it
 * is HTML for a real visitor, fold the request into the profile, evaluate, and
 * stream the page back with the slots filled.
 */
import { requestCf, visitorNow } from '../clock.ts';
import type { Context } from 'hono';
import { isbot } from 'isbot';
import type { AppEnv } from '../env.ts';
import { evaluateVisitor, type Overrides } from '../evaluate.ts';
import { documentIdOf, fetchOrigin, isHtml, sharedCacheKey, type OriginOptions } from '../origin.ts';
import { personaliseDocument, recentPage, rememberDocument } from '../page-template.ts';
import type { PageAnnotations, PersonaliseHooks } from '../personalise.ts';
import { emptyProfile, foldRequest } from '../profile.ts';
import { isEmptyReport, writeReport } from '../reporting.ts';
import { randomId, requestContext } from '../request-context.ts';
import type { RenderedSlot } from '../render.ts';
import type { Profile } from '../types.ts';
import { forgetVisitorCookies, profileCookie, readProfile, requestConsent } from '../visitor.ts';
import { sessionDeltas } from './session-deltas.ts';
import { membershipToReport } from '../report-marker.ts';

/** A page request a preview link turned into "as these segments / variants" (see preview.ts). */
export interface PagePreview {
  overrides: Overrides;
  headHtml: string;
  bodyHtml: string;
}

const ASSET_PATH = /\.(?!html?$)[a-z0-9]{1,8}$/i;

/** How this deployment reaches its site: ASSETS, or ORIGIN_URL through the edge cache with a timeout. */
export function originOptions(c: Context<AppEnv>, forPersonalisation: boolean): OriginOptions {
  return {
    originUrl: c.env.ORIGIN_URL || undefined,
    assets: c.env.ASSETS,
    forPersonalisation,
    waitUntil: (p) => c.executionCtx.waitUntil(p),
    cache: c.env.ORIGIN_URL ? (globalThis as unknown as { caches?: { default: Cache } }).caches?.default : undefined,
    timeoutMs: Number(c.env.ORIGIN_TIMEOUT_MS) || undefined,
  };
}

export async function pageRoute(c: Context<AppEnv>, preview?: PagePreview): Promise<Response> {
  const req = c.req.raw;
  const url = new URL(req.url);
  const maybePage = req.method === 'GET' && !ASSET_PATH.test(url.pathname);
  const bot = isbot(req.headers.get('user-agent') ?? '');
  const personalisable = maybePage && !bot && c.env.TAILOR_PERSONALISATION !== 'off';
  const waitUntil = (p: Promise<unknown>) => c.executionCtx.waitUntil(p);

  const opts = originOptions(c, personalisable);
  // A hot page this isolate holds the template of is served without asking the edge cache again (page-template.ts).
  const cacheKey = personalisable ? sharedCacheKey(req, opts) : null;
  const recent = cacheKey ? recentPage(cacheKey, Date.now()) : undefined;
  let origin: Response;
  if (recent) origin = recent.head;
  else {
    try {
      origin = await fetchOrigin(req, opts);
    } catch (error) {
      // The origin is down or too slow: say so plainly, as a proxy would; never a Tailor crash.
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      console.error('tailor: origin fetch failed', error instanceof Error ? error.name : 'unknown');
      return c.html(originErrorPage(timedOut), timedOut ? 504 : 502, { 'cache-control': 'no-store' });
    }
    if (cacheKey) rememberDocument(cacheKey, documentIdOf(origin), origin, Date.now());
    if (!personalisable || origin.status !== 200 || !isHtml(origin) || !origin.body) return origin;
  }

  const config = c.get('config');
  const consent = requestConsent(c, !!preview);
  const now = visitorNow(c);
  // The same document again (edge-cached copy, static asset): filled from its template, not re-parsed.
  const documentId = documentIdOf(origin);
  const personalise = (res: Response, slots: Record<string, RenderedSlot>, page: PageAnnotations, hooks: PersonaliseHooks = {}) =>
    recent ? recent.personalise(res, slots, page, hooks) : personaliseDocument(res, documentId, slots, page, { ...hooks, waitUntil });

  const res = new Response(origin.body, origin);
  res.headers.delete('etag');
  res.headers.delete('last-modified');
  res.headers.delete('content-length');
  res.headers.set('cache-control', preview ? 'private, no-store' : 'private, no-cache');
  res.headers.append('vary', 'Cookie');

  if (consent === 'revoked') {
    for (const cookie of forgetVisitorCookies(c)) res.headers.append('set-cookie', cookie);
    return personalise(res, {}, { pvid: null, consent });
  }

  // Pending consent (and preview) personalises from this request alone and persists nothing.
  const before: Profile = (consent === 'granted' ? await readProfile(c) : null) ?? emptyProfile();
  const pvid = randomId();
  const folded = foldRequest(before, {
    url: req.url,
    referrer: req.headers.get('referer'),
    host: url.host,
    pvid,
    now,
    halfLifeDays: config.settings.interestHalfLifeDays,
  });
  const context = requestContext(folded, requestCf(c), req.headers, url.pathname);
  const result = evaluateVisitor(folded, config, now, context, preview?.overrides);
  const annotations: PageAnnotations = { pvid: preview ? null : pvid, consent, headHtml: preview?.headHtml, bodyHtml: preview?.bodyHtml };

  if (consent !== 'granted' || preview) {
    return personalise(res, result.slots, annotations, { onError: logRewriteError });
  }

  const cookie = await profileCookie(c, result.profile);
  if (cookie) res.headers.append('set-cookie', cookie);
  const membership = membershipToReport(c, now, folded.id, result.segments);
  if (membership.setCookie) res.headers.append('set-cookie', membership.setCookie);
  // Exposure = the variant was really rendered into a slot of this page; the
  // exposures table's key (experiment, visitor) keeps it once per visitor.
  const exposures: { experiment: string; variant: string }[] = [];
  const report = () => ({ visitor: folded.id, now, segments: membership.segments, sessions: sessionDeltas(before, folded), exposures });
  let ended = false;
  let finished!: () => void;
  const documentEnd = new Promise<void>((resolve) => (finished = resolve));
  const out = personalise(res, result.slots, annotations, {
    onError: logRewriteError,
    onSlot: (_name, slot) => {
      const [kind, experiment, variant] = slot.segment.split(':');
      if (kind === 'exp' && experiment && variant) exposures.push({ experiment, variant });
    },
    onEnd: () => ((ended = true), finished()),
  });
  if (ended) {
    // Filled from a template: the exposures are known now, and most views have nothing to report.
    const r = report();
    if (!isEmptyReport(r)) waitUntil(writeReport(c.env.DB, r));
  } else {
    // A visitor who aborts the page never reaches the document end: report anyway after a while.
    const timer = setTimeout(finished, 10_000);
    waitUntil(documentEnd.then(() => (clearTimeout(timer), writeReport(c.env.DB, report()))));
  }
  return out;
}

function originErrorPage(timedOut: boolean): string {
  const what = timedOut ? 'did not answer in time' : 'could not be reached';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Site unavailable</title></head><body style="font:16px system-ui,sans-serif;max-width:34rem;margin:12vh auto;padding:0 1rem"><h1>This site is unavailable</h1><p>The website ${what}. Please try again in a moment.</p></body></html>`;
}

function logRewriteError(error: unknown): void {
  console.error('tailor: slot rewrite failed; default content kept', error instanceof Error ? error.message : String(error));
}
