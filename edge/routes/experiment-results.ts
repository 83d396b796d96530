/**
 * GET /__tailor/api/experiments/:id/results: an experiment's results from the
 * reporting store. Visitors are the exposed visitors per variant (`exposures`,
 * one row per visitor); conversions are the visitors with a conversion for the
 * goal (`conversions`, one row per visitor and goal, already attributed to the
 * variant they saw). The numbers go through edge/stats.ts analyseExperiment;
 * `daily` is the cumulative conversion rate per variant per day, for the chart.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../env.ts';
import { jsonError } from '../errors.ts';
import type { Experiment } from '../schema.ts';
import { analyseExperiment, type ExperimentAnalysis } from '../stats.ts';

const DAY_MS = 86_400_000;

export interface CumulativePoint {
  day: string;
  variant: string;
  /** Exposed visitors up to and including this day. */
  visitors: number;
  /** Converted visitors (primary goal) up to and including this day. */
  conversions: number;
  /** conversions / visitors, null before the variant's first visitor. */
  rate: number | null;
}

export interface GoalAnalysis extends ExperimentAnalysis {
  goal: string;
}

export interface ExperimentResults extends ExperimentAnalysis {
  experiment: Pick<Experiment, 'id' | 'name' | 'status' | 'slot' | 'targeting' | 'traffic'> & {
    goal: string;
    secondaryGoals: string[];
    windowDays: number;
    variants: { id: string; weight: number; control: boolean }[];
  };
  /** The primary goal's analysis is the top level; each secondary goal has its own. */
  secondary: GoalAnalysis[];
  /** First and last day with data (null when there is none yet). */
  period: { from: string; to: string } | null;
  daily: CumulativePoint[];
}

interface DayCount {
  variant: string;
  day: string;
  n: number;
}

/** Every ISO day from `from` to `to` inclusive. */
function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`); t <= end && out.length < 1000; t += DAY_MS) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/**
 * Pure: the results from per-day counts (exposures per variant and day,
 * primary-goal conversions per variant and day, and per secondary goal).
 */
export function buildResults(exp: Experiment, exposures: readonly DayCount[], conversions: readonly (DayCount & { goal: string })[]): ExperimentResults {
  const variantIds = exp.variants.map((v) => v.id);
  const total = (rows: readonly DayCount[], variant: string) => rows.reduce((a, r) => (r.variant === variant ? a + r.n : a), 0);
  const countsFor = (goal: string) => {
    const conv = conversions.filter((r) => r.goal === goal);
    return variantIds.map((variant) => {
      const visitors = total(exposures, variant);
      // A conversion always comes from an exposure; clamp in case rows were deleted by hand.
      return { variant, visitors, conversions: Math.min(visitors, total(conv, variant)) };
    });
  };
  const primary = analyseExperiment(exp, countsFor(exp.goals.primary));
  const secondary = exp.goals.secondary.map((goal) => ({ goal, ...analyseExperiment(exp, countsFor(goal)) }));

  const allDays = [...exposures, ...conversions].map((r) => r.day).sort();
  const period = allDays.length ? { from: allDays[0]!, to: allDays[allDays.length - 1]! } : null;
  const daily: CumulativePoint[] = [];
  if (period) {
    const key = (variant: string, day: string) => `${variant}\u0000${day}`;
    const exposed = new Map<string, number>();
    const converted = new Map<string, number>();
    for (const r of exposures) exposed.set(key(r.variant, r.day), (exposed.get(key(r.variant, r.day)) ?? 0) + r.n);
    for (const r of conversions) {
      if (r.goal === exp.goals.primary) converted.set(key(r.variant, r.day), (converted.get(key(r.variant, r.day)) ?? 0) + r.n);
    }
    for (const variant of variantIds) {
      let visitors = 0;
      let conv = 0;
      for (const day of daysBetween(period.from, period.to)) {
        visitors += exposed.get(key(variant, day)) ?? 0;
        conv += converted.get(key(variant, day)) ?? 0;
        conv = Math.min(conv, visitors);
        daily.push({ day, variant, visitors, conversions: conv, rate: visitors > 0 ? conv / visitors : null });
      }
    }
  }
  return {
    experiment: {
      id: exp.id,
      name: exp.name,
      status: exp.status,
      slot: exp.slot,
      targeting: exp.targeting,
      traffic: exp.traffic,
      goal: exp.goals.primary,
      secondaryGoals: exp.goals.secondary,
      windowDays: exp.goals.windowDays,
      variants: exp.variants.map((v) => ({ id: v.id, weight: v.weight, control: v.id === primary.control })),
    },
    ...primary,
    secondary,
    period,
    daily,
  };
}

/** Reads the counts from D1 and builds the results. */
export async function experimentResults(db: D1Database, exp: Experiment): Promise<ExperimentResults> {
  const [exposures, conversions] = await db.batch<DayCount & { goal: string }>([
    db.prepare('SELECT variant, day, COUNT(*) AS n FROM exposures WHERE experiment = ? GROUP BY variant, day').bind(exp.id),
    db.prepare('SELECT variant, goal, day, COUNT(*) AS n FROM conversions WHERE experiment = ? GROUP BY variant, goal, day').bind(exp.id),
  ]);
  return buildResults(exp, exposures?.results ?? [], conversions?.results ?? []);
}

/** Exposed visitors per experiment (for the experiments list). */
export async function exposureTotals(db: D1Database): Promise<Record<string, number>> {
  const r = await db.prepare('SELECT experiment, COUNT(*) AS n FROM exposures GROUP BY experiment').all<{ experiment: string; n: number }>();
  return Object.fromEntries(r.results.map((x) => [x.experiment, x.n]));
}

export async function experimentResultsRoute(c: Context<AppEnv>): Promise<Response> {
  const exp = c.get('config').experiments.find((e) => e.id === c.req.param('id'));
  if (!exp) return jsonError(c, 404, 'not_found', 'no experiment with that id in the live config');
  if (!c.env.DB) return jsonError(c, 409, 'no_db', 'no DB binding');
  return c.json(await experimentResults(c.env.DB, exp));
}
