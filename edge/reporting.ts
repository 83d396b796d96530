/**
 * The reporting store (D1). Writes run off the response path (waitUntil) and
 * never fail a request: a failed write is counted and logged without personal data.
 * Only what reports need is kept: a random visitor id, the page path without its
 * query string, the medium, purchase value.
 */
import { murmur3 } from './experiments.ts';
import type { TailorEvent } from './schema.ts';

export const reportingHealth = { failures: 0, lastError: '' };

export const dayKey = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * Segment membership is reported once per visitor per day and segment set, not
 * on every page view: the visitor carries a marker of the last report in a
 * cookie, so a returning visitor's page views cost no D1 write at all. A forged
 * marker can only skip or repeat that visitor's own (idempotent) membership rows.
 */
export const REPORT_COOKIE = 'tailor_r';

export function membershipMarker(now: number, visitor: string, segments: readonly string[]): string {
  return `${dayKey(now).replace(/-/g, '')}.${murmur3(`${visitor}|${segments.join(',')}`).toString(36)}`;
}

/** Rows per multi-row insert: at most ~500 bytes each, so one bound JSON value stays far below D1's 2 MB. */
const ROWS_PER_INSERT = 200;

/**
 * Multi-row inserts with the rows as one bound JSON array, unpacked by SQLite's
 * json_each: D1 caps bound parameters at 100 per statement, and every statement
 * in a batch has its own cost, so one statement per 200 rows instead of one per
 * 11 is what lets a busy isolate's reports go out cheaply (under wrangler dev,
 * collect's throughput rose about 6%).
 */
function jsonInsert(db: D1Database, sqlHead: string, cols: number, rows: unknown[][]): D1PreparedStatement[] {
  const select = `${sqlHead} SELECT ${Array.from({ length: cols }, (_, i) => `value->>${i}`).join(', ')} FROM json_each(?1)`;
  const out: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) out.push(db.prepare(select).bind(JSON.stringify(rows.slice(i, i + ROWS_PER_INSERT))));
  return out;
}

const pathOf = (url: string): string | null => URL.parse(url)?.pathname.slice(0, 256) ?? null;

export interface ReportBatch {
  visitor: string;
  now: number;
  events?: TailorEvent[];
  segments?: string[];
  /** Sessions that started, by medium (from the profile's per-medium counters before/after). */
  sessions?: Record<string, number>;
  exposures?: { experiment: string; variant: string }[];
  /**
   * Goal events of experiments the visitor is assigned to. Attributed in SQL to
   * the visitor's recorded exposure when the event falls inside the attribution
   * window; the conversions key keeps one per visitor, experiment and goal.
   */
  goals?: { experiment: string; goal: string; ts: number; windowDays: number }[];
  /** The medium of the current session, stored with the events. */
  medium?: string | null;
}

const eventRow = (b: ReportBatch, e: TailorEvent): unknown[] => [
  e.id,
  b.visitor,
  e.type,
  e.type === 'track' ? e.name : null,
  e.type === 'page' ? pathOf(e.url) : null,
  b.medium ?? null,
  e.type === 'track' && e.name === 'purchase' && typeof e.props?.value === 'number' && Number.isFinite(e.props.value)
    ? Math.round(Math.min(Math.max(e.props.value, 0), 1e7) * 100)
    : null,
  e.ts,
  dayKey(e.ts),
];

/**
 * The statements for one or more reports, as one D1 batch (one transaction).
 * Events and memberships of all reports share multi-row inserts and sessions
 * are summed per day and medium; exposures and goal attributions keep report
 * order, since a goal is attributed to an exposure written before it.
 */
export function reportStatements(db: D1Database, batches: readonly ReportBatch[]): D1PreparedStatement[] {
  const stmts: D1PreparedStatement[] = [];
  const events = batches.flatMap((b) => (b.events ?? []).map((e) => eventRow(b, e)));
  if (events.length) stmts.push(...jsonInsert(db, 'INSERT OR IGNORE INTO events (id, visitor, type, name, path, medium, value_cents, ts, day)', 9, events));
  const members = batches.flatMap((b) => (b.segments ?? []).map((s) => [dayKey(b.now), s, b.visitor]));
  if (members.length) stmts.push(...jsonInsert(db, 'INSERT OR IGNORE INTO segment_members (day, segment, visitor)', 3, members));
  const sessions = new Map<string, [string, string, number]>();
  for (const b of batches) {
    for (const [medium, n] of Object.entries(b.sessions ?? {})) {
      if (!(n > 0)) continue;
      const day = dayKey(b.now);
      const key = `${day} ${medium}`;
      const row = sessions.get(key) ?? [day, medium, 0];
      row[2] += n;
      sessions.set(key, row);
    }
  }
  for (const row of sessions.values()) {
    stmts.push(db.prepare('INSERT INTO traffic (day, medium, sessions) VALUES (?, ?, ?) ON CONFLICT (day, medium) DO UPDATE SET sessions = sessions + excluded.sessions').bind(...row));
  }
  for (const b of batches) {
    for (const x of b.exposures ?? []) {
      stmts.push(db.prepare('INSERT OR IGNORE INTO exposures (experiment, visitor, variant, ts, day) VALUES (?, ?, ?, ?, ?)').bind(x.experiment, b.visitor, x.variant, b.now, dayKey(b.now)));
    }
    for (const g of b.goals ?? []) {
      stmts.push(
        db
          .prepare(
            `INSERT OR IGNORE INTO conversions (experiment, visitor, variant, goal, ts, day)
             SELECT experiment, visitor, variant, ?1, ?2, ?3 FROM exposures
             WHERE experiment = ?4 AND visitor = ?5 AND ts <= ?2 AND ?2 - ts <= ?6`,
          )
          .bind(g.goal, g.ts, dayKey(g.ts), g.experiment, b.visitor, g.windowDays * 86_400_000),
      );
    }
  }
  return stmts;
}

/**
 * Reports wait this long in isolate memory so that the requests of a short
 * window share one D1 transaction instead of one each: D1 has a single writer,
 * and per-call and per-statement cost, not rows, is what limits it (under
 * wrangler dev a D1 call costs ~2 ms of CPU whether it writes one row or fifty).
 * A quarter of a second is invisible in reports and, at a few hundred requests
 * a second per isolate, means about four transactions a second instead of one
 * per request (100 ms windows gave collect about 3% less throughput).
 */
export const COALESCE_MS = 250;
/** At most this many reports in one D1 batch; the rest go with the next flush. */
const MAX_REPORTS_PER_BATCH = 100;
/** Reports not yet written, per D1 binding. Plain data only: no I/O object crosses requests. */
const waiting = new Map<D1Database, ReportBatch[]>();

/** Most page views of a returning visitor: membership already reported today, no new session, no exposure. */
export const isEmptyReport = (b: ReportBatch): boolean =>
  !b.events?.length && !b.segments?.length && !b.exposures?.length && !b.goals?.length && !Object.values(b.sessions ?? {}).some((n) => n > 0);

/**
 * Writes a report (off the response path: pass the promise to waitUntil); never
 * throws. After COALESCE_MS the caller writes every report then waiting,
 * its own and those of concurrent requests, in one batch. A request whose report
 * another request already wrote has nothing left to do. Each request only ever
 * awaits its own timer and its own D1 call.
 */
export async function writeReport(db: D1Database | undefined, b: ReportBatch): Promise<void> {
  if (!db || isEmptyReport(b)) return;
  let queue = waiting.get(db);
  if (!queue) waiting.set(db, (queue = []));
  queue.push(b);
  await new Promise((resolve) => setTimeout(resolve, COALESCE_MS));
  const taken = queue.splice(0, MAX_REPORTS_PER_BATCH);
  if (!queue.length && waiting.get(db) === queue) waiting.delete(db);
  if (!taken.length) return;
  try {
    const stmts = reportStatements(db, taken);
    if (stmts.length) await db.batch(stmts);
  } catch (error) {
    reportingHealth.failures++;
    reportingHealth.lastError = error instanceof Error ? error.message.slice(0, 200) : 'unknown';
    console.error(`tailor: reporting write failed (${reportingHealth.failures} so far, ${taken.length} report(s) lost): ${reportingHealth.lastError}`);
  }
}

// ------------------------------------------------------------------ reads (admin API)

export async function segmentSizes(db: D1Database, sinceDay: string): Promise<{ day: string; segment: string; visitors: number }[]> {
  const r = await db
    .prepare('SELECT day, segment, COUNT(*) AS visitors FROM segment_members WHERE day >= ? GROUP BY day, segment ORDER BY day')
    .bind(sinceDay)
    .all<{ day: string; segment: string; visitors: number }>();
  return r.results;
}

/** Distinct visitors per segment over a period (today, 7 days, 30 days). */
export async function segmentReach(db: D1Database, sinceDay: string): Promise<Record<string, number>> {
  const r = await db
    .prepare('SELECT segment, COUNT(DISTINCT visitor) AS visitors FROM segment_members WHERE day >= ? GROUP BY segment')
    .bind(sinceDay)
    .all<{ segment: string; visitors: number }>();
  return Object.fromEntries(r.results.map((x) => [x.segment, x.visitors]));
}

export async function trafficByMedium(db: D1Database, sinceDay: string): Promise<{ day: string; medium: string; sessions: number }[]> {
  const r = await db
    .prepare('SELECT day, medium, sessions FROM traffic WHERE day >= ? ORDER BY day, medium')
    .bind(sinceDay)
    .all<{ day: string; medium: string; sessions: number }>();
  return r.results;
}

export async function eventCount(db: D1Database): Promise<{ events: number; byType: Record<string, number> }> {
  const r = await db.prepare('SELECT type, COUNT(*) AS n FROM events GROUP BY type').all<{ type: string; n: number }>();
  const byType = Object.fromEntries(r.results.map((x) => [x.type, x.n]));
  return { events: r.results.reduce((a, x) => a + x.n, 0), byType };
}
