/** How long an edge-cached copy stays fresh (edge/origin.ts), which bounds how long an isolate reuses it. */
import { describe, expect, it } from 'vitest';
import { freshnessLeftMs } from '../../edge/origin.ts';

const now = Date.parse('2026-12-02T12:00:00Z');
const left = (headers: Record<string, string>) => freshnessLeftMs(new Headers(headers), now);

describe('freshnessLeftMs', () => {
  it('is the lifetime less the age, preferring s-maxage to max-age', () => {
    expect(left({ 'cache-control': 'public, max-age=60' })).toBe(60_000);
    expect(left({ 'cache-control': 'max-age=60', age: '45' })).toBe(15_000);
    expect(left({ 'cache-control': 'public, max-age=600, s-maxage=30' })).toBe(30_000);
    expect(left({ 'cache-control': 'S-MAXAGE=30, max-age=600', age: '10' })).toBe(20_000);
  });

  it('counts the time since Date when that is older than Age', () => {
    const date = new Date(now - 50_000).toUTCString();
    expect(left({ 'cache-control': 'max-age=60', date })).toBe(10_000);
    expect(left({ 'cache-control': 'max-age=60', date, age: '55' })).toBe(5_000);
    expect(left({ 'cache-control': 'max-age=60', date: 'not a date', age: '20' })).toBe(40_000);
  });

  it('is 0 for a stale copy or one with no lifetime', () => {
    expect(left({ 'cache-control': 'max-age=60', age: '61' })).toBe(0);
    expect(left({ 'cache-control': 'public' })).toBe(0);
    expect(left({})).toBe(0);
    expect(left({ 'cache-control': 'max-age=60', date: new Date(now - 120_000).toUTCString() })).toBe(0);
  });
});
