import { describe, expect, it } from 'vitest';
import { sign, verify } from '../../edge/cookie.ts';

const OLD = 'old-secret-old-secret-old-secret-00';
const NEW = 'new-secret-new-secret-new-secret-11';

describe('signed cookie values', () => {
  it('round-trips with the current key', async () => {
    expect(await verify(await sign('payload', { current: NEW }), { current: NEW })).toBe('payload');
  });

  it('keeps verifying cookies of the previous key during a rotation, and not after', async () => {
    const old = await sign('payload', { current: OLD });
    expect(await verify(old, { current: NEW, previous: OLD })).toBe('payload');
    expect(await verify(old, { current: NEW })).toBeNull();
  });

  it('refuses a flipped bit anywhere, a swapped key id and truncation', async () => {
    const good = await sign('abcdef', { current: NEW });
    for (let i = 0; i < good.length; i++) {
      const ch = good[i] === 'A' ? 'B' : 'A';
      const bad = good.slice(0, i) + ch + good.slice(i + 1);
      if (bad === good) continue;
      expect(await verify(bad, { current: NEW })).toBeNull();
    }
    expect(await verify(good.slice(0, -1), { current: NEW })).toBeNull();
    expect(await verify(good.split('.').slice(0, 3).join('.'), { current: NEW })).toBeNull();
  });

  it('expires after the maximum age even if the browser keeps it', async () => {
    const now = Date.now();
    const v = await sign('p', { current: NEW }, now - 401 * 86_400_000);
    expect(await verify(v, { current: NEW }, now)).toBeNull();
    const fresh = await sign('p', { current: NEW }, now - 399 * 86_400_000);
    expect(await verify(fresh, { current: NEW }, now)).toBe('p');
  });

  it('never throws on junk', async () => {
    for (const junk of ['', '.', '...', 'a.b.c.d', 'x'.repeat(5000), '%%%.%%.%%.%%', 'p.zzzzzzzzzzz.kid.sig']) {
      expect(await verify(junk, { current: NEW })).toBeNull();
    }
  });
});
