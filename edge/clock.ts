/**
 * What the edge knows about "now" and where the visitor is. In production:
 * Date.now() and `request.cf`. End-to-end tests that follow a visitor over days
 * and countries start the Worker with TAILOR_TEST_HOOKS=1 (never set in
 * production; wrangler.toml does not) and send `x-tailor-now: <ms>` and
 * `x-tailor-cf: {"country":"DE",...}` with each request: `wrangler dev` cannot
 * fetch real cf data offline.
 */
import type { Context } from 'hono';
import type { AppEnv } from './env.ts';

const hooks = (c: Context<AppEnv>) => c.env.TAILOR_TEST_HOOKS === '1';

export function visitorNow(c: Context<AppEnv>): number {
  if (hooks(c)) {
    const t = Number(c.req.header('x-tailor-now'));
    if (Number.isSafeInteger(t) && t > 0) return t;
  }
  return Date.now();
}

export function requestCf(c: Context<AppEnv>): Record<string, unknown> | undefined {
  if (hooks(c)) {
    const raw = c.req.header('x-tailor-cf');
    if (raw) {
      try {
        const v = JSON.parse(raw) as unknown;
        if (v && typeof v === 'object') return v as Record<string, unknown>;
      } catch {}
    }
  }
  return c.req.raw.cf as Record<string, unknown> | undefined;
}
