/**
 * Micro-benchmarks of the profile engine: the work the edge does per collect
 * request and per page request. Plain Node (no vitest), so the bench runner can
 * import it: `const rows = await benchProfile()`.
 */
import { applyEvents, decodeProfile, emptyProfile, encodeProfile, foldRequest } from '../../edge/profile.ts';
import type { TailorEvent } from '../../edge/schema.ts';
import type { Profile } from '../../edge/types.ts';

export interface BenchRow {
  name: string;
  medianUs: number;
  p99Us: number;
  budgetUs: number;
  note?: string;
}

const DAY = 86_400_000;
const SITE = 'https://shop.test';
const CATS = ['shoes', 'jackets', 'camping', 'bags', 'tents', 'backpacks', 'rain-gear', 'fleece', 'socks', 'stoves', 'headlamps', 'maps', 'kayaks', 'bikes'];
const LANDINGS: [string, string?][] = [
  [`${SITE}/`],
  [`${SITE}/`, 'https://www.google.com/'],
  [`${SITE}/?utm_source=newsletter&utm_medium=email&utm_campaign=weekly-deals`],
  [`${SITE}/?utm_source=facebook&utm_medium=social`],
  [`${SITE}/`, 'https://chatgpt.com/'],
];

/** `count` events of a typical visit starting at `ts`: pages with interests, product views, cart adds, a purchase. */
export function visit(seq0: number, ts: number, count: number, landing: [string, string?]): TailorEvent[] {
  const out: TailorEvent[] = [];
  for (let i = 0; i < count; i++) {
    const seq = seq0 + i;
    const t = ts + i * 30_000;
    const cat = CATS[(seq * 7) % CATS.length]!;
    const base = { id: `e${seq}`, seq, ts: t };
    if (i === 0) out.push({ ...base, type: 'page', url: landing[0], ...(landing[1] ? { referrer: landing[1] } : {}) });
    else if (i % 5 === 3) out.push({ ...base, type: 'track', name: 'add_to_cart', props: { category: cat, sku: `sku-${seq}` } });
    else if (i === count - 1) out.push({ ...base, type: 'track', name: 'purchase', props: { value: 129.9, category: cat } });
    else out.push({ ...base, type: 'page', url: `${SITE}/products/item-${seq}`, referrer: `${SITE}/`, interests: [cat] });
  }
  return out;
}

/** A visitor with a year of near-daily visits: a full bucket table, top interests and sources. */
export function yearOfVisits(end: number): Profile {
  let p = emptyProfile('bench-visitor-01');
  let seq = 1;
  for (let d = 364; d >= 0; d--) {
    if (d % 6 === 5) continue;
    const ts = end - d * DAY - 3_600_000;
    const batch = visit(seq, ts, 3, LANDINGS[d % LANDINGS.length]!);
    seq += batch.length;
    p = applyEvents(p, batch, { host: 'shop.test', now: ts + 120_000 }).profile;
  }
  p = applyEvents(p, [{ id: 'i', seq: seq++, ts: end - 3_000_000, type: 'identify', traits: { plan: 'club', size: 43, newsletter: true } }]).profile;
  return { ...p, exp: { 'hero-test': 'b', 'banner-test': 'control', 'reco-test': 'grid' }, exposed: ['hero-test', 'banner-test'] };
}

function measure(name: string, budgetUs: number, iterations: number, note: string, fn: () => unknown): BenchRow {
  for (let i = 0; i < Math.min(2000, iterations); i++) fn(); // warm-up (JIT)
  const samples = new Float64Array(iterations);
  let sink = 0;
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    const r = fn();
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
    if (r) sink++;
  }
  if (sink < 0) console.log(sink); // keep results observable
  samples.sort();
  const at = (q: number) => samples[Math.min(iterations - 1, Math.floor(q * iterations))]!;
  return { name, medianUs: round(at(0.5)), p99Us: round(at(0.99)), budgetUs, note };
}

const round = (x: number) => Math.round(x * 10) / 10;

export async function benchProfile(iterations = 5000): Promise<BenchRow[]> {
  const end = Date.UTC(2026, 10, 20, 12);
  const base = yearOfVisits(end);
  const batch = visit(base.seq + 1, end, 20, LANDINGS[2]!);
  const cookie = encodeProfile(base);
  let pv = 0;
  const note = `year-long profile: ${base.buckets.length} buckets, ${cookie.length} B cookie`;
  return [
    measure('profile: applyEvents 20-event batch + encode + decode', 50, iterations, note, () => {
      const { profile } = applyEvents(base, batch, { host: 'shop.test', now: end + 20 * 30_000 });
      return decodeProfile(encodeProfile(profile));
    }),
    measure('profile: page request (decode + foldRequest + encode)', 50, iterations, note, () => {
      const p = decodeProfile(cookie);
      return p && encodeProfile(foldRequest(p, { url: `${SITE}/products/tent`, referrer: `${SITE}/`, host: 'shop.test', pvid: `pv${pv++}`, now: end }));
    }),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await benchProfile());
