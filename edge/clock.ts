/**
 * The visitor-facing clock. In production it is Date.now(). End-to-end tests
 * that follow a visitor over days set TAILOR_TEST_CLOCK=1 (never in production:
 * wrangler.toml does not) and send `x-tailor-now: <ms>` with each request.
 */
import type { Context } from 'hono';
import type { AppEnv } from './env.ts';

export function visitorNow(c: Context<AppEnv>): number {
  if (c.env.TAILOR_TEST_CLOCK === '1') {
    const t = Number(c.req.header('x-tailor-now'));
    if (Number.isSafeInteger(t) && t > 0) return t;
  }
  return Date.now();
}
