/**
 * The script-tag SDK's budget: dist/t.js at most 2,200 bytes brotli (quality 11)
 * and 2,500 bytes gzip (level 9), minified with idb-keyval inside and every
 * feature present. Builds first with the real build script, so the numbers are
 * those of the file the Worker serves.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
let js = '';
let esm = '';

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
  js = read('dist/t.js');
  esm = read('dist/sdk.mjs');
});

describe('SDK bundle', () => {
  it('fits the budget: 2,200 B brotli and 2,500 B gzip', () => {
    const buf = Buffer.from(js);
    const brotli = brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    const gzip = gzipSync(buf, { level: 9 }).length;
    expect(brotli).toBeLessThanOrEqual(2200);
    expect(gzip).toBeLessThanOrEqual(2500);
  });

  it('is self-contained, with idb-keyval inside and no zod', () => {
    expect(js).toContain('indexedDB.open'); // idb-keyval bundled, not imported
    expect(js).not.toMatch(/\bimport\b|\brequire\(/);
    expect(js).not.toMatch(/zod/i);
    expect(esm).not.toMatch(/zod/i);
    expect(esm).not.toMatch(/from\s*["']/); // idb-keyval bundled in the ESM build too
  });

  it('keeps every feature (the budget is not met by leaving one out)', () => {
    for (const marker of [
      'sendBeacon', // pagehide / hidden delivery
      'locks', // one tab flushes at a time
      'pushState', // SPA page views
      'replaceState',
      'popstate',
      'visibilitychange',
      'pagehide',
      'retry-after', // back-off honours Retry-After
      'data-tailor-slot', // slot updates
      'data-tailor-interest', // clicked interests
      'meta[name="tailor:', // the edge's meta tags (consent, pvid, interests)
      'globalPrivacyControl',
      'getRandomValues', // random event ids
      '/__tailor/',
      'segments',
      'consent',
    ])
      expect(js, marker).toContain(marker);
  });

  it('writes the bundle the Worker serves, with a content ETag', async () => {
    const { SDK_JS, SDK_ETAG } = await import('../../edge/generated/sdk-bundle.ts');
    expect(SDK_JS).toBe(js);
    expect(SDK_ETAG).toBe(`"${createHash('sha256').update(js).digest('hex').slice(0, 16)}"`);
  });

  it('ships the ESM build with its types, inert outside a browser', async () => {
    expect(read('dist/sdk.d.ts')).toBe(read('sdk/sdk.d.ts'));
    const mod = await import(join(ROOT, 'dist/sdk.mjs'));
    for (const name of ['page', 'track', 'identify', 'consent', 'segments', 'on', 'flush', 'reset'])
      expect(typeof mod[name], name).toBe('function');
    expect(mod.default.track).toBe(mod.track);
  });
});
