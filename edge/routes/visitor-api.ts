/**
 * The visitor's own endpoints: GET /__tailor/segments (segments, experiments and
 * an explanation of every segment, for the SDK and the "Why am I seeing this?"
 * panel) and POST /__tailor/consent (the consent cookie; revoking forgets the profile)
 * and POST /__tailor/reset (forget the profile).
 */
import type { Context } from 'hono';
import { requestCf, visitorNow } from '../clock.ts';
import { visitorCookie } from '../cookie.ts';
import type { AppEnv } from '../env.ts';
import { jsonError } from '../errors.ts';
import { evaluateVisitor } from '../evaluate.ts';
import { emptyProfile } from '../profile.ts';
import { CONSENT_COOKIE, refererPath, requestContext } from '../request-context.ts';
import { explainSegments } from '../segments.ts';
import { previewExplanations, previewOverrides } from '../preview.ts';
import { forgetVisitorCookies, readProfile, requestConsent } from '../visitor.ts';
import { previewGrant } from './preview.ts';

export async function segmentsRoute(c: Context<AppEnv>): Promise<Response> {
  const config = c.get('config');
  const grant = await previewGrant(c);
  // In preview the page shows the granted segments and persists nothing, so the same here.
  const consent = requestConsent(c, !!grant);
  const profile = (consent === 'granted' ? await readProfile(c) : null) ?? emptyProfile();
  const now = visitorNow(c);
  const context = requestContext(profile, requestCf(c), c.req.raw.headers, refererPath(c.req.raw.headers));
  const { segments, experiments } = evaluateVisitor(profile, config, now, context, grant ? previewOverrides(grant) : undefined);
  const explanations = grant ? previewExplanations(config, grant) : explainSegments(profile, config, now, context);
  c.header('cache-control', 'private, no-store');
  return c.json({ segments, experiments, consent, explanations, ...(grant && { preview: true }) });
}

export async function consentRoute(c: Context<AppEnv>): Promise<Response> {
  let state: unknown;
  try {
    state = ((await c.req.json()) as { state?: unknown }).state;
  } catch {
    return jsonError(c, 400, 'invalid_json', 'send { "state": "granted" | "revoked" }');
  }
  if (state !== 'granted' && state !== 'revoked') return jsonError(c, 400, 'invalid_state', 'state must be "granted" or "revoked"');
  // Readable by the SDK, which must know the choice before it sends anything.
  c.header('set-cookie', visitorCookie(c.req.url, CONSENT_COOKIE, state, { httpOnly: false }), { append: true });
  if (state === 'revoked') for (const cookie of forgetVisitorCookies(c)) c.header('set-cookie', cookie, { append: true });
  c.header('cache-control', 'no-store');
  return c.json({ consent: state });
}

/** POST /__tailor/reset (the SDK's reset()): forget this browser's profile; consent is unchanged. */
export function resetRoute(c: Context<AppEnv>): Response {
  for (const cookie of forgetVisitorCookies(c)) c.header('set-cookie', cookie, { append: true });
  c.header('cache-control', 'no-store');
  return c.json({ reset: true });
}
