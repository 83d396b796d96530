/**
 * A tiny HTML builder for the dashboard: `html` escapes every interpolated value
 * unless it is already `Safe` (the output of another `html` or a chart), so
 * config text and visitor data can never inject markup. Synchronous, unlike
 * hono/html, which keeps rendering code plain.
 */
import { escapeHtml } from '../render.ts';

const SAFE = Symbol('safe-html');

export interface Safe {
  readonly [SAFE]: true;
  readonly value: string;
}

/** Marks trusted markup (built here, never from data) as safe to insert. */
export function raw(value: string): Safe {
  return { [SAFE]: true, value };
}

export function isSafe(v: unknown): v is Safe {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[SAFE] === true;
}

type Value = Safe | string | number | boolean | null | undefined | readonly Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  if (isSafe(v)) return v.value;
  return escapeHtml(v);
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Safe {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + (strings[i + 1] ?? '');
  return raw(out);
}

export { escapeHtml };
