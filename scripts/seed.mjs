#!/usr/bin/env node
/**
 * `npm run seed`: fills the LOCAL D1 (the one `npm start` uses) with a few weeks
 * of synthetic traffic for the demo store, so the dashboard has something to
 * show. Deterministic, re-runnable (a re-seed replaces the previous seed and
 * never touches real rows: every seeded id starts with `seed-`).
 *
 *   node scripts/seed.mjs [--persist-to DIR] [--days 42] [--visitors 5000] [--seed 1]
 *                         [--today YYYY-MM-DD] [--with-experiment] [--sql-out FILE]
 *
 * --persist-to       wrangler's local state folder, as given to `wrangler dev --persist-to`
 *                    (default: wrangler's own, .wrangler/state)
 * --with-experiment  when the live config runs no experiment, add the sample A/B test
 *                    "reco-bundle" to it (local KV), so the results page has data
 * --sql-out          write the SQL there and stop (no local storage touched)
 *
 * Storage is reached through wrangler's getPlatformProxy (the same local D1 and
 * KV files `wrangler dev` uses); all inserts run as one D1 batch, all or nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The simulation runs the real engine (TypeScript): Node before 23.6 needs the flag.
if (!process.features.typescript) {
  const r = spawnSync(process.execPath, ['--experimental-strip-types', '--no-warnings', ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const ROOT = join(import.meta.dirname, '..');
const USAGE = 'usage: node scripts/seed.mjs [--persist-to DIR] [--days 42] [--visitors 5000] [--seed 1] [--today YYYY-MM-DD] [--with-experiment] [--sql-out FILE]';

function parseArgs(argv) {
  const opts = { days: 42, visitors: 5000, seed: 1, today: Date.now(), persistTo: null, withExperiment: false, sqlOut: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--persist-to') opts.persistTo = resolve(value());
    else if (a === '--days') opts.days = Math.max(14, Math.min(120, Number(value()) || 42));
    else if (a === '--visitors') opts.visitors = Math.max(100, Math.min(50_000, Number(value()) || 5000));
    else if (a === '--seed') opts.seed = Number(value()) || 1;
    else if (a === '--today') {
      const t = Date.parse(`${value()}T12:00:00Z`);
      if (Number.isNaN(t)) throw new Error('--today takes YYYY-MM-DD');
      opts.today = t;
    } else if (a === '--with-experiment') opts.withExperiment = true;
    else if (a === '--sql-out') opts.sqlOut = resolve(value());
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  return opts;
}

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error(`seed: ${error.message}`);
  process.exit(2);
}

const started = performance.now();
const { defaultConfig, parseConfig } = await import('../edge/config.ts');
const { simulate } = await import('./seed/simulate.mjs');
const { seedSql, seedStatements } = await import('./seed/sql.mjs');
const { withSampleExperiment } = await import('./seed/sample-experiment.mjs');

const stats = (data) => {
  const s = data.stats;
  const n = (x) => x.toLocaleString('en-US');
  return `${n(s.visitors)} visitors, ${n(s.sessions)} sessions, ${n(data.events.length)} events, ${n(data.members.length)} segment memberships, ${n(data.exposures.length)} experiment exposures (${s.from} … ${s.to})`;
};

if (opts.sqlOut) {
  const data = simulate({ config: defaultConfig(), today: opts.today, days: opts.days, visitors: opts.visitors, seed: opts.seed });
  writeFileSync(opts.sqlOut, seedSql(data));
  console.log(`seed: wrote ${opts.sqlOut}: ${stats(data)}`);
  process.exit(0);
}

const { getPlatformProxy } = await import('wrangler');
const proxy = await getPlatformProxy({
  configPath: join(ROOT, 'wrangler.toml'),
  // `wrangler dev --persist-to DIR` keeps its state in DIR/v3; getPlatformProxy wants that folder.
  ...(opts.persistTo ? { persist: { path: join(opts.persistTo, 'v3') } } : {}),
});
try {
  const { DB, CONFIG } = proxy.env;
  // A seed before the first `npm start`: create the tables the way npm start does.
  if (!(await DB.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'traffic'").first())) {
    console.log('seed: applying the local D1 migrations first');
    execFileSync(join(ROOT, 'node_modules/.bin/wrangler'), ['d1', 'migrations', 'apply', 'DB', '--local', ...(opts.persistTo ? ['--persist-to', opts.persistTo] : [])], {
      cwd: ROOT,
      stdio: 'pipe',
      env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' },
    });
  }

  // Simulate the live config (so membership uses its segment ids), else the shipped default.
  const raw = await CONFIG.get('config');
  let config = defaultConfig();
  if (raw) {
    let parsed = null;
    try {
      parsed = parseConfig(JSON.parse(raw));
    } catch {}
    if (parsed?.ok) config = parsed.config;
    else console.warn('seed: the stored config does not validate; simulating the shipped default');
  }
  let configChanged = false;
  if (opts.withExperiment) {
    const next = withSampleExperiment(config, opts.today, opts.days);
    if (next !== config) {
      const parsed = parseConfig(next);
      if (!parsed.ok) throw new Error(`the sample experiment does not validate: ${JSON.stringify(parsed.errors)}`);
      config = parsed.config;
      configChanged = true;
    }
  }

  const data = simulate({ config, today: opts.today, days: opts.days, visitors: opts.visitors, seed: opts.seed });
  const statements = seedStatements(data).map((sql) => DB.prepare(sql));
  // Like a save through the admin API, replacing a stored config keeps it as a version.
  if (configChanged && raw) statements.push(DB.prepare('INSERT INTO config_versions (saved_at, body) VALUES (?, ?)').bind(Date.now(), raw));
  try {
    await DB.batch(statements);
  } catch (error) {
    throw new Error(`writing to the local D1 failed: ${error.message}`);
  }
  if (configChanged) await CONFIG.put('config', JSON.stringify(config));

  console.log(`seed: ${stats(data)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (configChanged) console.log(`seed: added the sample experiment "${config.experiments.at(-1).id}" to the local config`);
  else if (!config.experiments.some((e) => e.status === 'running')) console.log('seed: the config runs no experiment; add --with-experiment for a sample A/B test with results');
} catch (error) {
  console.error(`seed: ${error.message}`);
  process.exitCode = 1;
} finally {
  await proxy.dispose();
}
