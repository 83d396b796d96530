import { MEDIA, type Profile } from '../types.ts';

/** Sessions started per medium between two profiles (for the traffic report). */
export function sessionDeltas(before: Profile, after: Profile): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of MEDIA) {
    const key = `sessions.${m}` as const;
    if (m === 'internal') continue;
    const d = ((after.totals as Record<string, number>)[key] ?? 0) - ((before.totals as Record<string, number>)[key] ?? 0);
    if (d > 0) out[m] = d;
  }
  return out;
}
