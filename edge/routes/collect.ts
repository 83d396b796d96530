/**
 * POST /__tailor/collect: validate the batch (envelope, then each event on its
 * own), fold the valid events into the profile, re-evaluate, set a fresh cookie
 * and answer with segments and rendered slots. Reporting goes to D1 off the
 * response path. Bad input is a 4xx JSON error; valid events in a partly bad
 * batch still count.
 */
import { requestCf, visitorNow } from '../clock.ts';
import type { Context } from 'hono';
import type { AppEnv } from '../env.ts';
import { jsonError } from '../errors.ts';
import { evaluateVisitor } from '../evaluate.ts';
import { applyEvents, emptyProfile } from '../profile.ts';
import { writeReport } from '../reporting.ts';
import { refererPath, requestContext } from '../request-context.ts';
import { batchEnvelopeSchema, eventSchema, LIMITS, type CollectReply, type TailorConfig, type TailorEvent } from '../schema.ts';
import type { Profile } from '../types.ts';
import { profileCookie, readProfile, requestConsent } from '../visitor.ts';
import { previewOverrides } from '../preview.ts';
import { previewGrant } from './preview.ts';
import { sessionDeltas } from './session-deltas.ts';
import { membershipToReport } from '../report-marker.ts';

export type ParsedBatch =
  | { ok: true; events: TailorEvent[]; rejected: { index: number; error: string }[] }
  | { ok: false; status: 400 | 413 | 415; code: string; message: string };

const UNSUPPORTED = { ok: false, status: 415, code: 'unsupported_media_type', message: 'send the batch as application/json or text/plain' } as const;

/** JSON, or text/plain (what sendBeacon sends). */
export function acceptedContentType(contentType: string | null): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || type === 'text/plain';
}

/** Parses a raw collect body. Pure, so it can be fuzzed in Node. */
export function parseBatch(contentType: string | null, text: string): ParsedBatch {
  if (!acceptedContentType(contentType)) return UNSUPPORTED;
  if (text.length > LIMITS.batchBytes) return { ok: false, status: 413, code: 'payload_too_large', message: `a batch is at most ${LIMITS.batchBytes} bytes` };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, code: 'invalid_json', message: 'the body is not valid JSON' };
  }
  const envelope = batchEnvelopeSchema.safeParse(body);
  if (!envelope.success) {
    const issue = envelope.error.issues[0];
    return { ok: false, status: 400, code: 'invalid_batch', message: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'} (expected { "v": 1, "events": [1..${LIMITS.batchEvents}] })` };
  }
  const events: TailorEvent[] = [];
  const rejected: { index: number; error: string }[] = [];
  const seen = new Set<string>();
  envelope.data.events.forEach((raw, index) => {
    const r = eventSchema.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      rejected.push({ index, error: `${issue?.path.join('.') || 'event'}: ${issue?.message ?? 'invalid'}`.slice(0, 200) });
    } else if (seen.has(r.data.id)) {
      rejected.push({ index, error: 'duplicate event id in batch' });
    } else {
      seen.add(r.data.id);
      events.push(r.data);
    }
  });
  return { ok: true, events, rejected };
}

export async function collectRoute(c: Context<AppEnv>): Promise<Response> {
  const contentType = c.req.header('content-type') ?? null;
  // Refuse before reading: a body of another type is never read as text.
  if (!acceptedContentType(contentType)) return jsonError(c, UNSUPPORTED.status, UNSUPPORTED.code, UNSUPPORTED.message);
  const parsed = parseBatch(contentType, await c.req.text());
  if (!parsed.ok) return jsonError(c, parsed.status, parsed.code, parsed.message);

  const config = c.get('config');
  // Preview traffic is never counted: evaluate as the grant, persist nothing.
  const grant = await previewGrant(c);
  const consent = requestConsent(c, !!grant);
  if (consent === 'revoked') return jsonError(c, 403, 'consent_revoked', 'the visitor revoked consent; nothing is collected');

  const now = visitorNow(c);
  const url = new URL(c.req.url);
  const before: Profile = (consent === 'granted' ? await readProfile(c) : null) ?? emptyProfile();
  const { profile, applied } = applyEvents(before, parsed.events, { host: url.host, halfLifeDays: config.settings.interestHalfLifeDays, now });
  const context = requestContext(profile, requestCf(c), c.req.raw.headers, refererPath(c.req.raw.headers));
  const result = evaluateVisitor(profile, config, now, context, grant ? previewOverrides(grant) : undefined);

  if (consent === 'granted') {
    const cookie = await profileCookie(c, result.profile);
    if (cookie) c.header('set-cookie', cookie, { append: true });
    const membership = membershipToReport(c, now, profile.id, result.segments);
    if (membership.setCookie) c.header('set-cookie', membership.setCookie, { append: true });
    c.executionCtx.waitUntil(
      writeReport(c.env.DB, {
        visitor: profile.id,
        now,
        events: parsed.events,
        segments: membership.segments,
        sessions: sessionDeltas(before, profile),
        medium: profile.session?.medium ?? null,
        // The SDK renders newly assigned variants from this reply.
        exposures: result.newlyAssigned.map((experiment) => ({ experiment, variant: result.experiments[experiment]! })),
        goals: goalEvents(config, result.profile.exp, parsed.events, now),
      }),
    );
  }
  const reply: CollectReply = {
    segments: result.segments,
    experiments: result.experiments,
    slots: result.slots,
    accepted: parsed.events.length,
    rejected: parsed.rejected,
  };
  c.header('cache-control', 'no-store');
  return c.json({ ...reply, applied }, 200);
}

/** Track events that are a goal of an experiment the visitor is assigned to. */
function goalEvents(config: TailorConfig, assigned: Record<string, string>, events: TailorEvent[], now: number) {
  const out: { experiment: string; goal: string; ts: number; windowDays: number }[] = [];
  for (const exp of config.experiments) {
    if (!assigned[exp.id]) continue;
    const goals = new Set([exp.goals.primary, ...exp.goals.secondary]);
    for (const e of events) {
      if (e.type === 'track' && goals.has(e.name)) out.push({ experiment: exp.id, goal: e.name, ts: Math.min(e.ts, now), windowDays: exp.goals.windowDays });
    }
  }
  return out;
}
