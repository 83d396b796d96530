/**
 * The seed as SQL: remove the previous seed (rows of `seed-` visitors,
 * and the sessions it added to the traffic totals, found through its
 * session-start events `seed-s…`), then multi-row INSERTs kept under D1's
 * statement size limit.
 */

const MAX_STATEMENT_BYTES = 90_000;

export function sqlValue(v) {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'NULL';
  return `'${String(v).replace(/'/g, "''")}'`;
}

/** `head VALUES (...),(...);` statements, each under the size limit. */
export function inserts(head, rows, tail = '') {
  const out = [];
  let parts = [];
  let size = 0;
  for (const row of rows) {
    const tuple = `(${row.map(sqlValue).join(',')})`;
    if (parts.length && size + tuple.length > MAX_STATEMENT_BYTES) {
      out.push(`${head} VALUES ${parts.join(',')}${tail};`);
      parts = [];
      size = 0;
    }
    parts.push(tuple);
    size += tuple.length + 1;
  }
  if (parts.length) out.push(`${head} VALUES ${parts.join(',')}${tail};`);
  return out;
}

/** Statements that undo a previous seed (idempotent re-seeding; real data is untouched). */
export const CLEAR_SEED = [
  `UPDATE traffic SET sessions = sessions - (SELECT COUNT(*) FROM events e WHERE substr(e.id, 1, 6) = 'seed-s' AND e.day = traffic.day AND e.medium = traffic.medium)
   WHERE EXISTS (SELECT 1 FROM events e WHERE substr(e.id, 1, 6) = 'seed-s' AND e.day = traffic.day AND e.medium = traffic.medium);`,
  'DELETE FROM traffic WHERE sessions <= 0;',
  "DELETE FROM events WHERE substr(id, 1, 5) = 'seed-';",
  "DELETE FROM segment_members WHERE substr(visitor, 1, 5) = 'seed-';",
  "DELETE FROM exposures WHERE substr(visitor, 1, 5) = 'seed-';",
  "DELETE FROM conversions WHERE substr(visitor, 1, 5) = 'seed-';",
];

/** The seed's statements for a simulation result (run them as one batch: all or nothing). */
export function seedStatements(data) {
  const statements = [...CLEAR_SEED];
  statements.push(
    ...inserts(
      'INSERT OR IGNORE INTO events (id, visitor, type, name, path, medium, value_cents, ts, day)',
      data.events.map((e) => [e.id, e.visitor, e.type, e.name, e.path, e.medium, e.value_cents, e.ts, e.day]),
    ),
  );
  statements.push(...inserts('INSERT OR IGNORE INTO segment_members (day, segment, visitor)', data.members));
  statements.push(...inserts('INSERT INTO traffic (day, medium, sessions)', data.traffic, ' ON CONFLICT (day, medium) DO UPDATE SET sessions = sessions + excluded.sessions'));
  statements.push(...inserts('INSERT OR IGNORE INTO exposures (experiment, visitor, variant, ts, day)', data.exposures));
  statements.push(...inserts('INSERT OR IGNORE INTO conversions (experiment, visitor, variant, goal, ts, day)', data.conversions));
  return statements;
}

/** The same as one SQL file (for `wrangler d1 execute --file`). */
export function seedSql(data) {
  return `${seedStatements(data).join('\n')}\n`;
}
