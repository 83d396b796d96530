-- Raw events, deduplicated by event id (INSERT OR IGNORE). Only what reports need:
-- no URLs with query strings, no traits, no IP addresses.
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY,
  visitor TEXT NOT NULL,
  type TEXT NOT NULL,
  name TEXT,
  path TEXT,
  medium TEXT,
  value_cents INTEGER,
  ts INTEGER NOT NULL,
  day TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_day ON events(day);

-- Daily segment membership: one row per (day, segment, visitor), so a day's size is a COUNT.
CREATE TABLE IF NOT EXISTS segment_members (
  day TEXT NOT NULL,
  segment TEXT NOT NULL,
  visitor TEXT NOT NULL,
  PRIMARY KEY (day, segment, visitor)
) WITHOUT ROWID;

-- Daily sessions by source medium.
CREATE TABLE IF NOT EXISTS traffic (
  day TEXT NOT NULL,
  medium TEXT NOT NULL,
  sessions INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, medium)
) WITHOUT ROWID;

-- Experiment exposures (once per visitor) and conversions (once per visitor, goal and variant).
CREATE TABLE IF NOT EXISTS exposures (
  experiment TEXT NOT NULL,
  visitor TEXT NOT NULL,
  variant TEXT NOT NULL,
  ts INTEGER NOT NULL,
  day TEXT NOT NULL,
  PRIMARY KEY (experiment, visitor)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS conversions (
  experiment TEXT NOT NULL,
  visitor TEXT NOT NULL,
  variant TEXT NOT NULL,
  goal TEXT NOT NULL,
  ts INTEGER NOT NULL,
  day TEXT NOT NULL,
  PRIMARY KEY (experiment, visitor, goal)
) WITHOUT ROWID;

-- Config history for the dashboard's restore.
CREATE TABLE IF NOT EXISTS config_versions (
  version INTEGER PRIMARY KEY AUTOINCREMENT,
  saved_at INTEGER NOT NULL,
  body TEXT NOT NULL
);
