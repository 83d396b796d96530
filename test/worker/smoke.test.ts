import { SELF, env } from 'cloudflare:test';
import { expect, it } from 'vitest';

it('answers health and has migrated D1', async () => {
  const r = await SELF.fetch('http://example.com/__tailor/health');
  expect(r.status).toBe(200);
  const row = await (env as any).DB.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name='events'").first();
  expect(row.n).toBe(1);
});
