/**
 * Reporting writes (edge/reporting.ts) against the real local D1: concurrent
 * requests share one transaction, and sharing changes nothing in what is stored.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from '../../edge/app.ts';
import { COALESCE_MS, writeReport, type ReportBatch } from '../../edge/reporting.ts';
import type { TailorEvent } from '../../edge/schema.ts';
import { BROWSER_UA, pageEvent, trackEvent } from './helpers.ts';

/** The real D1 binding, counting the batches (transactions) it is asked to run. */
function countingDb(): { db: D1Database; batches: number[] } {
  const batches: number[] = [];
  const db = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === 'batch') return (stmts: D1PreparedStatement[]) => (batches.push(stmts.length), target.batch(stmts));
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db, batches };
}

const count = async (sql: string, ...args: unknown[]) => (await env.DB.prepare(sql).bind(...args).first<{ n: number }>())!.n;

describe('reporting writes', () => {
  it('twenty concurrent collect requests share one D1 transaction, and every event is stored once', async () => {
    const { db, batches } = countingDb();
    const ctx = createExecutionContext();
    const ids: string[] = [];
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const events = [pageEvent('http://localhost/shoes/', { interests: ['shoes'] }), trackEvent('add_to_cart', { value: 10 + i })];
        ids.push(...events.map((e) => e.id));
        const body = JSON.stringify({ v: 1, events });
        return app.fetch(new Request('http://localhost/__tailor/collect', { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': BROWSER_UA }, body }), { ...env, DB: db }, ctx);
      }),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    await waitOnExecutionContext(ctx);
    expect(batches).toHaveLength(1);
    const stored = await count(`SELECT COUNT(*) AS n FROM events WHERE id IN (${ids.map(() => '?').join(',')})`, ...ids);
    expect(stored).toBe(40);
  });

  it('under steady traffic, reports arriving one after another share their window\'s transaction', async () => {
    // Thirty reports, one every tenth of a window: three windows' worth, so a few
    // transactions; neither one per report nor one that waits for traffic to stop.
    const { db, batches } = countingDb();
    const visitor = `v-${crypto.randomUUID()}`;
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 30; i++) {
      writes.push(writeReport(db, { visitor, now: Date.now(), segments: [`steady-${i}`] }));
      await new Promise((r) => setTimeout(r, COALESCE_MS / 10));
    }
    await Promise.all(writes);
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect(batches.length).toBeLessThanOrEqual(6);
    expect(await count('SELECT COUNT(*) AS n FROM segment_members WHERE visitor = ?', visitor)).toBe(30);
  });

  it('a shared batch sums sessions, and attributes a goal to an exposure written earlier in the same batch', async () => {
    const { db, batches } = countingDb();
    const now = Date.UTC(2026, 10, 23, 12);
    const visitor = `v-${crypto.randomUUID()}`;
    const day = '2026-11-23';
    const medium = `medium-${visitor.slice(2, 10)}`;
    const reports: ReportBatch[] = [
      { visitor, now, sessions: { [medium]: 1 }, exposures: [{ experiment: 'exp-shared', variant: 'b' }], segments: ['shared-a'] },
      { visitor: `${visitor}-2`, now, sessions: { [medium]: 2 }, segments: ['shared-a'] },
      { visitor, now: now + 1000, goals: [{ experiment: 'exp-shared', goal: 'purchase', ts: now + 1000, windowDays: 7 }] },
    ];
    await Promise.all(reports.map((r) => writeReport(db, r)));
    expect(batches).toHaveLength(1);
    expect(await count('SELECT sessions AS n FROM traffic WHERE day = ? AND medium = ?', day, medium)).toBe(3);
    expect(await count("SELECT COUNT(*) AS n FROM segment_members WHERE day = ? AND segment = 'shared-a' AND visitor LIKE ?", day, `${visitor}%`)).toBe(2);
    expect(await count("SELECT COUNT(*) AS n FROM conversions WHERE experiment = 'exp-shared' AND visitor = ? AND variant = 'b'", visitor)).toBe(1);
  });

  it('stores every column exactly, over several multi-row inserts, and a replayed event once', async () => {
    const { db } = countingDb();
    const visitor = `v-${crypto.randomUUID()}`;
    const ts = Date.UTC(2026, 10, 23, 23, 59, 59);
    const events = Array.from({ length: 450 }, (_, i) =>
      i % 3 === 0
        ? pageEvent(`https://shop.example/ünï/${i}/?email=someone@example.com`, { ts })
        : trackEvent(i % 3 === 1 ? 'purchase' : `añadir "al" carrito ${i}`, { value: 1234.5 + i }),
    ).map((e) => ({ ...e, ts }) as TailorEvent);
    // Three reports of 150 events: one transaction, 450 rows, more than one insert's worth.
    await Promise.all([0, 1, 2].map((k) => writeReport(db, { visitor, now: ts, medium: k ? 'email' : null, events: events.slice(k * 150, k * 150 + 150), segments: [`fidelity-${k}`] })));
    await writeReport(db, { visitor, now: ts, events: [events[1]!] });
    const rows = (await env.DB.prepare('SELECT * FROM events WHERE visitor = ? ORDER BY ts, id').bind(visitor).all()).results;
    expect(rows).toHaveLength(450);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(events[0]!.id)).toEqual({ id: events[0]!.id, visitor, type: 'page', name: null, path: '/%C3%BCn%C3%AF/0/', medium: null, value_cents: null, ts, day: '2026-11-23' });
    expect(byId.get(events[1]!.id)).toEqual({ id: events[1]!.id, visitor, type: 'track', name: 'purchase', path: null, medium: null, value_cents: 123550, ts, day: '2026-11-23' });
    expect(byId.get(events[449]!.id)).toMatchObject({ type: 'track', name: 'añadir "al" carrito 449', value_cents: null, medium: 'email' });
    expect(await count("SELECT COUNT(*) AS n FROM segment_members WHERE visitor = ? AND segment LIKE 'fidelity-%'", visitor)).toBe(3);
  });

  it('a report written alone still goes out on its own', async () => {
    const { db, batches } = countingDb();
    const visitor = `v-${crypto.randomUUID()}`;
    await writeReport(db, { visitor, now: Date.now(), segments: ['alone'] });
    expect(batches).toEqual([1]);
    expect(await count("SELECT COUNT(*) AS n FROM segment_members WHERE segment = 'alone' AND visitor = ?", visitor)).toBe(1);
  });
});
