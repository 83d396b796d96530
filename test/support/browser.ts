/**
 * Debian's Chromium driven by playwright-core. Under CI=true a missing browser
 * is a failure, never a silent skip.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export const hasChromium = existsSync(CHROMIUM_PATH);

export function assertBrowserAvailable(): void {
  if (!hasChromium && process.env.CI === 'true') {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: the browser suite must run under CI (apt-get install -y chromium)`);
  }
}

export async function launchBrowser(): Promise<Browser> {
  assertBrowserAvailable();
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS, headless: true });
}

/**
 * A desktop Chrome user agent for this Chromium: headless Chromium announces
 * itself as HeadlessChrome, which the edge (rightly) treats as a bot.
 */
export function visitorUserAgent(browser: Browser): string {
  return `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Safari/537.36`;
}
