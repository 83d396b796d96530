import type { TailorConfig } from './schema.ts';
import type { Consent } from './request-context.ts';

/** Bindings and secrets (wrangler.toml, .dev.vars, `wrangler secret put`). */
export interface Env {
  ASSETS: Fetcher;
  CONFIG?: KVNamespace;
  DB?: D1Database;
  /** HMAC key for the profile cookie and preview links (required; at least 32 characters). */
  TAILOR_SECRET?: string;
  /** The key being rotated out: still verifies cookies signed with it. */
  TAILOR_SECRET_PREVIOUS?: string;
  /** Bearer token for /__tailor/api/* and the dashboard. */
  TAILOR_ADMIN_TOKEN?: string;
  /** Proxy this origin instead of serving demo-site/ from ASSETS. */
  ORIGIN_URL?: string;
  /** How long to wait for ORIGIN_URL before answering 504 (default 20000). */
  ORIGIN_TIMEOUT_MS?: string;
  /** Kill switch: `off` serves the site untouched (no cookie, no rewrite). Also used by the bench as the baseline. */
  TAILOR_PERSONALISATION?: string;
  /** Tests only: honour `x-tailor-now` / `x-tailor-cf` request headers (see clock.ts). */
  TAILOR_TEST_HOOKS?: string;
}

export interface Vars {
  config: TailorConfig;
  consent: Consent;
}

export type AppEnv = { Bindings: Env; Variables: Vars };
