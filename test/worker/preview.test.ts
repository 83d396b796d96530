import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { signPreview } from '../../edge/preview.ts';
import { TEST_ADMIN_TOKEN, TEST_SECRET } from '../support/constants.ts';
import { Jar, collect, filledSlots, pageEvent, settleReporting, visit } from './helpers.ts';

const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' };

async function mint(body: unknown): Promise<Response> {
  const { SELF } = await import('cloudflare:test');
  return SELF.fetch('http://localhost/__tailor/api/preview-links', { method: 'POST', headers: admin, body: JSON.stringify(body) });
}

async function rowCount(table: string): Promise<number> {
  await settleReporting();
  return (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())!.n;
}

describe('marketer preview', () => {
  it('a signed link opens the page as the chosen segment, with the toolbar, uncounted and uncached', async () => {
    const r = await mint({ path: '/', segments: ['interest-camping'], ttlMinutes: 30 });
    expect(r.status).toBe(200);
    const { url } = (await r.json()) as { url: string };
    const jar = new Jar();
    const enter = await visit(new URL(url).pathname + new URL(url).search, { jar });
    expect(enter.status).toBe(303);
    expect(enter.headers.get('location')).toBe('/');
    const membersBefore = await rowCount('segment_members');
    const page = await visit('/', { jar, headers: { referer: 'https://t.co/x' } });
    const html = await page.text();
    expect(Object.values(filledSlots(html))).toContain('interest-camping');
    expect(Object.values(filledSlots(html))).not.toContain('social-users');
    expect(html).toContain('id="tailor-preview"');
    expect(page.headers.get('cache-control')).toMatch(/no-store/);
    expect(page.headers.getSetCookie().some((c) => c.startsWith('tailor_p='))).toBe(false);
    // The SDK's events from a preview page are not counted either.
    const c = await collect([pageEvent('http://localhost/')], { jar });
    expect(c.headers.getSetCookie().some((x) => x.startsWith('tailor_p='))).toBe(false);
    expect(await rowCount('segment_members')).toBe(membersBefore);
  });

  it('"why am I seeing this?" and collect answer as the preview, not as the marketer\'s own profile', async () => {
    const jar = new Jar();
    // The marketer's own browser is a social visitor with a profile of its own.
    await (await visit('/', { jar, headers: { referer: 'https://t.co/x' } })).text();
    const own = (await (await visit('/__tailor/segments', { jar, headers: { accept: 'application/json' } })).json()) as { segments: string[] };
    expect(own.segments).toContain('social-users');

    const { url } = (await (await mint({ path: '/', segments: ['interest-camping'], variants: {} })).json()) as { url: string };
    await visit(new URL(url).pathname + new URL(url).search, { jar });
    const why = await visit('/__tailor/segments', { jar, headers: { accept: 'application/json' } });
    const body = (await why.json()) as { segments: string[]; consent: string; preview?: boolean; explanations: { id: string; matched: boolean; conditions: { label: string; held: boolean }[] }[] };
    expect(body.preview).toBe(true);
    expect(body.consent).toBe('pending');
    expect(body.segments).toEqual(['interest-camping']);
    expect(body.explanations.map((x) => x.id)).toEqual(['interest-camping']);
    expect(body.explanations[0]!.matched).toBe(true);
    expect(body.explanations[0]!.conditions[0]!.label).toMatch(/^Chosen in the preview link; real visitors: .*camping/i);
    // An SDK batch from the preview page gets the previewed offers back, and sets no cookie.
    const reply = await collect([pageEvent('http://localhost/')], { jar });
    const data = (await reply.json()) as { segments: string[]; slots: Record<string, { segment: string }> };
    expect(data.segments).toEqual(['interest-camping']);
    expect(Object.values(data.slots).map((x) => x.segment)).toContain('interest-camping');
    expect(Object.values(data.slots).map((x) => x.segment)).not.toContain('social-users');

    // Leaving preview: the browser is itself again.
    await visit('/__tailor/preview/exit', { jar });
    const after = (await (await visit('/__tailor/segments', { jar, headers: { accept: 'application/json' } })).json()) as { segments: string[]; preview?: boolean };
    expect(after.preview).toBeUndefined();
    expect(after.segments).toContain('social-users');
  });

  it('an expired link gets a clear 403 page', async () => {
    const token = await signPreview({ path: '/', segments: ['interest-bags'], variants: {}, expires: Date.now() - 1000 }, { current: TEST_SECRET });
    const res = await visit(`/__tailor/preview?t=${encodeURIComponent(token)}`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('expired or is not valid');
  });

  it('a tampered link gets a 403 page', async () => {
    const { url } = (await (await mint({ path: '/', segments: ['interest-bags'] })).json()) as { url: string };
    const t = new URL(url).searchParams.get('t')!;
    const forged = await signPreview({ path: '/', segments: ['value-high'], variants: {}, expires: Date.now() + 60_000 }, { current: 'another-secret-another-secret-000' });
    for (const bad of [t.slice(0, -3) + 'AAA', forged, '']) {
      const res = await visit(`/__tailor/preview?t=${encodeURIComponent(bad)}`);
      expect(res.status).toBe(403);
    }
  });

  it('minting refuses unknown segments by name and requires the admin token', async () => {
    const bad = await mint({ path: '/', segments: ['no-such-segment'] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('no-such-segment');
    const { SELF } = await import('cloudflare:test');
    const anon = await SELF.fetch('http://localhost/__tailor/api/preview-links', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(anon.status).toBe(401);
  });

  it('exit clears the preview', async () => {
    const { url } = (await (await mint({ path: '/', segments: ['interest-bags'] })).json()) as { url: string };
    const jar = new Jar();
    await visit(new URL(url).pathname + new URL(url).search, { jar });
    expect(jar.cookies.has('tailor_preview')).toBe(true);
    await visit('/__tailor/preview/exit', { jar });
    expect(jar.cookies.has('tailor_preview')).toBe(false);
  });
});
