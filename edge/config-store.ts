/**
 * The live config: KV key `config` in the CONFIG namespace, else the shipped
 * default. Each isolate keeps the parsed config in memory and refreshes it in
 * the background (waitUntil) once it is older than REFRESH_MS, so a warm
 * isolate's page request never waits on KV and a saved change is live
 * everywhere within a minute. A corrupt stored config never replaces a good one.
 */
import { defaultConfig, parseConfig } from './config.ts';
import type { TailorConfig } from './schema.ts';

export const CONFIG_KEY = 'config';
export const REFRESH_MS = 30_000;

interface Cached {
  config: TailorConfig;
  /** The KV text it came from (null = the shipped default). */
  raw: string | null;
  loadedAt: number;
}

let cached: Cached | null = null;
let refreshing: Promise<void> | null = null;
let fallback: TailorConfig | null = null;

export function shippedConfig(): TailorConfig {
  return (fallback ??= defaultConfig());
}

async function load(kv: KVNamespace | undefined, log: (msg: string) => void): Promise<void> {
  let raw: string | null = null;
  try {
    raw = kv ? await kv.get(CONFIG_KEY) : null;
  } catch (error) {
    log(`config: KV read failed (${String(error)}); keeping the current config`);
    // Serve what we have (or the shipped default) and try KV again at the next refresh.
    if (cached) cached.loadedAt = Date.now();
    else cached = { config: shippedConfig(), raw: null, loadedAt: Date.now() };
    return;
  }
  if (cached && raw === cached.raw) {
    cached.loadedAt = Date.now();
    return;
  }
  if (raw === null) {
    cached = { config: shippedConfig(), raw: null, loadedAt: Date.now() };
    return;
  }
  let parsed: ReturnType<typeof parseConfig>;
  try {
    parsed = parseConfig(JSON.parse(raw));
  } catch {
    parsed = { ok: false, errors: [{ path: '', message: 'not valid JSON' }] };
  }
  if (parsed.ok) {
    cached = { config: parsed.config, raw, loadedAt: Date.now() };
  } else {
    log(`config: stored config is invalid (${parsed.errors.slice(0, 3).map((e) => `${e.path} ${e.message}`).join('; ')}); serving the last good config`);
    cached = { config: cached?.config ?? shippedConfig(), raw, loadedAt: Date.now() };
  }
}

/**
 * The config for this request. Only a cold isolate waits for KV; a stale cache
 * is served at once while `waitUntil` refreshes it.
 */
export async function getConfig(
  kv: KVNamespace | undefined,
  waitUntil: (p: Promise<unknown>) => void,
  log: (msg: string) => void = console.warn,
): Promise<TailorConfig> {
  if (!cached) {
    await (refreshing ??= load(kv, log).finally(() => (refreshing = null)));
    return cached!.config;
  }
  if (Date.now() - cached.loadedAt > REFRESH_MS && !refreshing) {
    refreshing = load(kv, log).finally(() => (refreshing = null));
    waitUntil(refreshing);
  }
  return cached.config;
}

/** After the admin API saves a config, this isolate serves it at once. */
export function setLiveConfig(config: TailorConfig, raw: string): void {
  cached = { config, raw, loadedAt: Date.now() };
}

/** For tests: forget the isolate cache. */
export function resetConfigCache(): void {
  cached = null;
  refreshing = null;
}
