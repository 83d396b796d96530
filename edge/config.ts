/**
 * Loading a Tailor config: zod validation with readable, path-qualified messages,
 * then the cross-reference checks zod cannot express (ids, references, cycles,
 * experiment arms). Pure: no I/O, so the Worker, the admin API and tests share it.
 */
import type { z } from 'zod';
import { DEFAULT_CATEGORIES, DEFAULT_OFFERS } from './default-offers.ts';
import { DEFAULT_SEGMENTS } from './default-segments.ts';
import { configSchema, type Experiment, type Rule, type TailorConfig, type TailorConfigInput } from './schema.ts';
import { RECENCY_METRICS } from './types.ts';

export interface ConfigError {
  /** Where the problem is, e.g. `segments[3].rule.all[0].op` (empty for the whole document). */
  path: string;
  message: string;
}

export type ParseResult = { ok: true; config: TailorConfig } | { ok: false; errors: ConfigError[] };

/** Experiment targeting that matches every visitor; reserved, so no segment may use it as an id. */
export const EVERYONE = 'everyone';

/** Weights must sum to 1 within this tolerance. */
const WEIGHT_TOLERANCE = 1e-6;

const RULE_KEYS = ['all', 'any', 'not', 'metric', 'interest', 'trend', 'trait', 'context', 'segment'] as const;

/** Validate and normalise (zod defaults applied) a config document. Never throws. */
export function parseConfig(input: unknown): ParseResult {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error.issues, input) };
  const errors = crossCheck(parsed.data);
  return errors.length ? { ok: false, errors } : { ok: true, config: parsed.data };
}

/** `parseConfig` for callers that want an exception: the message lists every problem, one a line. */
export function loadConfig(input: unknown): TailorConfig {
  const result = parseConfig(input);
  if (result.ok) return result.config;
  throw new Error(`Invalid Tailor config:\n${formatConfigErrors(result.errors)}`);
}

/** `path: message` lines, for logs, the admin API and the thrown error. */
export function formatConfigErrors(errors: readonly ConfigError[]): string {
  return errors.map((e) => `- ${e.path ? `${e.path}: ` : ''}${e.message}`).join('\n');
}

/**
 * The control arm: the variant flagged `control: true`, else the first variant.
 * (parseConfig rejects more than one flagged control.)
 */
export function controlVariant(exp: Pick<Experiment, 'variants'>): string {
  return (exp.variants.find((v) => v.control) ?? exp.variants[0])?.id ?? '';
}

let shipped: TailorConfig | undefined;

/**
 * The shipped default: the segment catalogue plus the demo store's offers. One
 * shared, deeply frozen instance (so the compiled-config cache keyed by the object
 * hits every time); `structuredClone` it before editing.
 */
export function defaultConfig(): TailorConfig {
  if (!shipped) {
    const input: TailorConfigInput = {
      version: 1,
      settings: { categories: [...DEFAULT_CATEGORIES] },
      segments: structuredClone(DEFAULT_SEGMENTS),
      slots: structuredClone(DEFAULT_OFFERS),
      experiments: [],
    };
    shipped = deepFreeze(loadConfig(input));
  }
  return shipped;
}

// ---------------------------------------------------------------- zod issues

type Issue = z.core.$ZodIssue;
type Key = PropertyKey;

/** `['segments', 3, 'rule', 'all', 0, 'op']` -> `segments[3].rule.all[0].op` */
export function formatPath(path: readonly Key[]): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (typeof k === 'string' && /^[A-Za-z_$][\w$]*$/.test(k)) out += out ? `.${k}` : k;
    else out += `[${JSON.stringify(String(k))}]`;
  }
  return out;
}

function zodErrors(issues: readonly Issue[], input: unknown): ConfigError[] {
  const out: ConfigError[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    for (const e of flatten(issue, [], input)) {
      const line = `${e.path}\u0000${e.message}`;
      if (!seen.has(line)) {
        seen.add(line);
        out.push(e);
      }
    }
  }
  return out;
}

/**
 * zod reports a failed union as every branch's issues. A rule is a union of nine
 * shapes, so show only the branch the author evidently meant (the one with the
 * fewest issues); nested unions (rules inside rules) recurse with their path.
 */
function flatten(issue: Issue, prefix: readonly Key[], input: unknown): ConfigError[] {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) {
    return [{ path: formatPath(path), message: issue.message }];
  }
  const branches = issue.errors as Issue[][];
  const value = valueAt(input, path);
  // The rule's kind is its one discriminating key: prefer the branch that accepts that key.
  const kinds = isPlainObject(value) ? RULE_KEYS.filter((k) => Object.hasOwn(value, k)) : [];
  const accepting = kinds.length === 1 ? branches.filter((b) => !b.some((i) => i.code === 'unrecognized_keys' && i.path.length === 0 && i.keys.includes(kinds[0]!))) : [];
  const candidates = accepting.length === 1 ? accepting : branches;
  const fewest = Math.min(...candidates.map((b) => b.length));
  const best = candidates.filter((b) => b.length === fewest);
  // A union of literals (window: 30 | 90 | 365) fails in every branch alike: merge the options.
  if (best.length > 1 && branches.every((b) => b.length === 1 && b[0]!.code === 'invalid_value')) {
    const options = branches.flatMap((b) => (b[0]!.code === 'invalid_value' ? b[0]!.values : []));
    return [{ path: formatPath(path), message: `Invalid option: expected one of ${options.map((o) => JSON.stringify(o)).join('|')}` }];
  }
  if (best.length > 1) {
    const isObject = isPlainObject(value);
    const keys = isObject ? Object.keys(value) : [];
    const message = isObject
      ? `Invalid rule: expected exactly one of the keys ${RULE_KEYS.join(', ')}${keys.length ? ` (got ${keys.join(', ')})` : ''}`
      : `Invalid input: expected a rule object, received ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}`;
    return [{ path: formatPath(path), message }];
  }
  return best[0]!.flatMap((i) => flatten(i, path, input));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function valueAt(input: unknown, path: readonly Key[]): unknown {
  let v: unknown = input;
  for (const k of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<Key, unknown>)[k];
  }
  return v;
}

// ---------------------------------------------------------------- cross-reference checks

/** The `{segment: id}` leaves of a rule with their paths (relative to the rule). */
export function segmentRefs(rule: Rule, path: Key[] = [], out: { id: string; path: Key[] }[] = []): { id: string; path: Key[] }[] {
  if ('all' in rule) rule.all.forEach((r, i) => segmentRefs(r, [...path, 'all', i], out));
  else if ('any' in rule) rule.any.forEach((r, i) => segmentRefs(r, [...path, 'any', i], out));
  else if ('not' in rule) segmentRefs(rule.not, [...path, 'not'], out);
  else if ('segment' in rule) out.push({ id: rule.segment, path: [...path, 'segment'] });
  return out;
}

function leafChecks(rule: Rule, path: Key[], errors: ConfigError[]): void {
  if ('all' in rule) rule.all.forEach((r, i) => leafChecks(r, [...path, 'all', i], errors));
  else if ('any' in rule) rule.any.forEach((r, i) => leafChecks(r, [...path, 'any', i], errors));
  else if ('not' in rule) leafChecks(rule.not, [...path, 'not'], errors);
  else if ('trend' in rule) {
    if ((RECENCY_METRICS as readonly string[]).includes(rule.trend)) {
      errors.push({ path: formatPath([...path, 'trend']), message: `a trend compares counts over two windows; "${rule.trend}" is a recency measure` });
    }
  } else if ('trait' in rule) {
    if ((rule.op === undefined) !== (rule.value === undefined)) {
      errors.push({ path: formatPath(path), message: `trait "${rule.trait}": "op" and "value" go together` });
    }
  }
}

function crossCheck(config: TailorConfig): ConfigError[] {
  const errors: ConfigError[] = [];
  const firstIndex = new Map<string, number>();

  config.segments.forEach((s, i) => {
    if (s.id === EVERYONE) {
      errors.push({ path: `segments[${i}].id`, message: `"${EVERYONE}" is reserved (experiment targeting for all visitors)` });
    }
    const prev = firstIndex.get(s.id);
    if (prev === undefined) firstIndex.set(s.id, i);
    else errors.push({ path: `segments[${i}].id`, message: `duplicate segment id "${s.id}" (first defined at segments[${prev}])` });
  });

  // References and leaf sanity.
  const graph = new Map<string, string[]>();
  config.segments.forEach((s, i) => {
    const base: Key[] = ['segments', i, 'rule'];
    leafChecks(s.rule, base, errors);
    const targets: string[] = [];
    for (const ref of segmentRefs(s.rule)) {
      if (firstIndex.has(ref.id)) targets.push(ref.id);
      else errors.push({ path: formatPath([...base, ...ref.path]), message: `segment "${s.id}" refers to unknown segment "${ref.id}"` });
    }
    if (!graph.has(s.id)) graph.set(s.id, targets);
  });
  for (const cycle of findCycles(graph, config.segments.map((s) => s.id))) {
    const at = firstIndex.get(cycle[0]!) ?? 0;
    errors.push({ path: `segments[${at}].rule`, message: `segment ${cycle.map((id) => `"${id}"`).join(' → ')} forms a cycle` });
  }

  // Slot offers.
  for (const [slot, offers] of Object.entries(config.slots)) {
    const inSlot = new Set<string>();
    offers.forEach((o, i) => {
      const path = formatPath(['slots', slot, i, 'segment']);
      if (!firstIndex.has(o.segment)) errors.push({ path, message: `slot "${slot}" has an offer for unknown segment "${o.segment}"` });
      if (inSlot.has(o.segment)) errors.push({ path, message: `slot "${slot}" has more than one offer for segment "${o.segment}"` });
      inSlot.add(o.segment);
      const unsafe = unsafePlaceholder(o.html);
      if (unsafe) errors.push({ path: formatPath(['slots', slot, i, 'html']), message: `slot "${slot}" offer for "${o.segment}": ${unsafe}` });
    });
  }

  config.experiments.forEach((exp, i) =>
    exp.variants.forEach((v, j) => {
      const unsafe = unsafePlaceholder(v.html);
      if (unsafe) errors.push({ path: `experiments[${i}].variants[${j}].html`, message: `experiment "${exp.id}" variant "${v.id}": ${unsafe}` });
    }),
  );

  // Experiments.
  const experimentIds = new Set<string>();
  config.experiments.forEach((exp, i) => {
    const at = `experiments[${i}]`;
    const name = `experiment "${exp.id}"`;
    if (experimentIds.has(exp.id)) errors.push({ path: `${at}.id`, message: `duplicate experiment id "${exp.id}"` });
    experimentIds.add(exp.id);
    if (exp.targeting !== EVERYONE && !firstIndex.has(exp.targeting)) {
      errors.push({ path: `${at}.targeting`, message: `${name} targets unknown segment "${exp.targeting}" (use a segment id or "${EVERYONE}")` });
    }
    if (!Object.hasOwn(config.slots, exp.slot)) {
      errors.push({ path: `${at}.slot`, message: `${name} uses slot "${exp.slot}", which has no entry in slots` });
    }
    const sum = exp.variants.reduce((acc, v) => acc + v.weight, 0);
    if (Math.abs(sum - 1) > WEIGHT_TOLERANCE) {
      errors.push({ path: `${at}.variants`, message: `${name}: variant weights sum to ${+sum.toFixed(6)}, not 1` });
    }
    const variantIds = new Set<string>();
    exp.variants.forEach((v, j) => {
      if (variantIds.has(v.id)) errors.push({ path: `${at}.variants[${j}].id`, message: `${name}: duplicate variant id "${v.id}"` });
      variantIds.add(v.id);
    });
    const controls = exp.variants.filter((v) => v.control).length;
    if (controls > 1) {
      errors.push({ path: `${at}.variants`, message: `${name}: ${controls} variants are marked control; mark exactly one (or none: the first variant is the control)` });
    }
    if (exp.start && Number.isNaN(Date.parse(exp.start))) errors.push({ path: `${at}.start`, message: `${name}: start is not a date` });
    if (exp.end && Number.isNaN(Date.parse(exp.end))) errors.push({ path: `${at}.end`, message: `${name}: end is not a date` });
  });

  return errors;
}

/**
 * The reference cycles a depth-first search meets (at least one per group of
 * mutually dependent segments), each rotated to start at its earliest segment in
 * config order and closed: ['a', 'b', 'a']. Iterative, so a long chain of
 * references cannot overflow the stack.
 */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>, order: readonly string[]): string[][] {
  const rank = new Map(order.map((id, i) => [id, i] as const));
  const state = new Map<string, 1 | 2>(); // 1 = on the path, 2 = done
  const cycles: string[][] = [];
  const seen = new Set<string>();
  for (const root of order) {
    if (state.has(root)) continue;
    const path: string[] = [root];
    const next: number[] = [0];
    state.set(root, 1);
    while (path.length) {
      const id = path[path.length - 1]!;
      const edges = graph.get(id) ?? [];
      const k = next[next.length - 1]!;
      if (k >= edges.length) {
        state.set(id, 2);
        path.pop();
        next.pop();
        continue;
      }
      next[next.length - 1] = k + 1;
      const to = edges[k]!;
      const s = state.get(to);
      if (s === undefined) {
        state.set(to, 1);
        path.push(to);
        next.push(0);
      } else if (s === 1) {
        const loop = path.slice(path.lastIndexOf(to));
        let start = 0;
        loop.forEach((n, j) => {
          if ((rank.get(n) ?? 0) < (rank.get(loop[start]!) ?? 0)) start = j;
        });
        const rotated = [...loop.slice(start), ...loop.slice(0, start)];
        const key = rotated.join('\u0000');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...rotated, rotated[0]!]);
        }
      }
    }
  }
  return cycles.sort((a, b) => (rank.get(a[0]!) ?? 0) - (rank.get(b[0]!) ?? 0));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Placeholders carry visitor-controlled text. Escaping makes them safe in text
 * and in quoted attributes; at the start of a URL attribute a value such as
 * `javascript:…` would still run, so offers may not put one there.
 */
export function unsafePlaceholder(html: string): string | null {
  const m = /\b(href|src|action|formaction|srcset|xlink:href|poster|data)\s*=\s*["']?\s*\{\{/i.exec(html);
  return m ? `a placeholder may not start the ${m[1]!.toLowerCase()} attribute (a visitor could make it a javascript: URL); put a fixed URL first, e.g. href="/search?q={{interest}}"` : null;
}
