/**
 * Micro-benchmarks of the profile engine: the work the edge does per collect
 * request and per page request. Plain Node (no vitest): `node test/bench/profile.bench.ts`
 * prints the rows, and the bench runner (run.ts) runs it in a fresh process.
 */
import { applyEvents, decodeProfile, emptyProfile, encodeProfile, foldRequest } from '../../edge/profile.ts';
import type { TailorEvent } from '../../edge/schema.ts';
import type { Profile } from '../../edge/types.ts';
import { quantile } from './table.ts';

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

interface Spec {
  name: string;
  budgetUs: number;
  note: string;
  fn: () => unknown;
}

/**
 * Times every call of each spec's `fn` (warm: after a JIT warm-up) in ROUNDS rounds,
 * taking the specs in turn each round, so that every row samples the whole run
 * rather than one stretch of it. A row's median is the median of its rounds'
 * medians, robust to one round that a noisy neighbour slowed; its p99 is over all
 * calls. The note adds the spread of the round medians.
 */
const ROUNDS = 5;

function measure(specs: Spec[], iterations: number): BenchRow[] {
  const perRound = Math.ceil(iterations / ROUNDS);
  for (const s of specs) for (let i = 0; i < 2000; i++) s.fn(); // warm-up (JIT)
  const all = specs.map(() => new Float64Array(perRound * ROUNDS));
  const medians: number[][] = specs.map(() => []);
  const round = new Float64Array(perRound);
  let sink = 0;
  for (let r = 0; r < ROUNDS; r++) {
    specs.forEach((s, k) => {
      for (let i = 0; i < perRound; i++) {
        const t0 = process.hrtime.bigint();
        const out = s.fn();
        round[i] = Number(process.hrtime.bigint() - t0) / 1000;
        if (out) sink++;
      }
      all[k]!.set(round, r * perRound);
      medians[k]!.push(quantile(round.slice().sort(), 0.5));
    });
  }
  if (sink < 0) console.log(sink); // keep results observable
  return specs.map((s, k) => {
    const m = medians[k]!.sort((a, b) => a - b);
    const note = `${s.note}; round medians ${fmt(m[0]!)}–${fmt(m[m.length - 1]!)} µs`;
    return { name: s.name, medianUs: fmt(quantile(m, 0.5)), p99Us: fmt(quantile(all[k]!.sort(), 0.99)), budgetUs: s.budgetUs, note };
  });
}

const fmt = (x: number) => Math.round(x * 10) / 10;

export async function benchProfile(iterations = 5000): Promise<BenchRow[]> {
  const end = Date.UTC(2026, 10, 20, 12);
  const base = yearOfVisits(end);
  const batch = visit(base.seq + 1, end, 20, LANDINGS[2]!);
  const cookie = encodeProfile(base);
  let pv = 0;
  const note = `year-long profile: ${base.buckets.length} buckets, ${cookie.length} B cookie`;
  return measure(
    [
      {
        name: 'profile: applyEvents 20-event batch + encode + decode',
        budgetUs: 50,
        note,
        fn: () => {
          const { profile } = applyEvents(base, batch, { host: 'shop.test', now: end + 20 * 30_000 });
          return decodeProfile(encodeProfile(profile));
        },
      },
      {
        name: 'profile: page request (decode + foldRequest + encode)',
        budgetUs: 50,
        note,
        fn: () => {
          const p = decodeProfile(cookie);
          return p && encodeProfile(foldRequest(p, { url: `${SITE}/products/tent`, referrer: `${SITE}/`, host: 'shop.test', pvid: `pv${pv++}`, now: end }));
        },
      },
    ],
    iterations,
  );
}

// `node test/bench/profile.bench.ts` prints a table; with --json, the rows as one line of JSON.
if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await benchProfile();
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
  else console.table(rows);
}
