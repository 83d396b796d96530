/**
 * Server-rendered SVG charts for the dashboard: stacked areas (traffic by
 * medium), lines (cumulative conversion rate), sparklines (segment size) and
 * interval plots (conversion rate with its 95% interval). Pure string builders:
 * no DOM, no I/O, so they are unit-tested in Node and rendered in the Worker.
 * Every label is escaped; every chart has a readable "No data yet" state, axes,
 * gridlines and a legend, and native tooltips (<title>) for exact numbers.
 */
import { escapeHtml } from '../render.ts';

export interface Series {
  name: string;
  color?: string;
  /** One value per day (aligned with `days`); null = no value (a gap in a line). */
  values: readonly (number | null)[];
}

export interface TimeChartInput {
  /** ISO days (YYYY-MM-DD), oldest first. */
  days: readonly string[];
  series: readonly Series[];
  /** Accessible name of the chart. */
  title: string;
  width?: number;
  height?: number;
  /** Formats axis ticks and tooltip values (default: whole numbers with thousands separators). */
  format?: (n: number) => string;
  /** The last day is still running: fade it and say so, so a low value does not read as a drop. */
  partialLast?: boolean;
}

/** Colours with at least 3:1 contrast against white, distinguishable side by side. */
export const PALETTE = ['#2563eb', '#db2777', '#16a34a', '#ea580c', '#7c3aed', '#0d9488', '#64748b', '#b45309', '#0891b2', '#be123c'];

export const MEDIUM_COLORS: Readonly<Record<string, string>> = {
  email: '#2563eb',
  social: '#db2777',
  search: '#16a34a',
  paid: '#ea580c',
  referral: '#0d9488',
  chatbot: '#7c3aed',
  direct: '#64748b',
};

const AXIS = '#475569';
const GRID = '#e2e8f0';
const FONT = 'font-family="system-ui,-apple-system,Segoe UI,Roboto,sans-serif"';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export const formatCount = (n: number): string => Math.round(n).toLocaleString('en-US');
/** 0.125 → `12.5%`, 0.1 → `10%` (one decimal at most, no trailing zero). */
export const formatPercent = (n: number): string => `${Number((n * 100).toFixed(1))}%`;

/** `2026-11-03` → `Nov 3`. */
export function shortDay(day: string): string {
  const m = /^\d{4}-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  return `${MONTHS[Number(m[1]) - 1] ?? m[1]} ${Number(m[2])}`;
}

/**
 * Round tick values from 0 to at least `max`: steps of 1, 2 or 5 × 10^k, about
 * `count` intervals. Always at least [0, step] so a flat zero series still has an axis.
 */
export function niceTicks(max: number, count = 4): number[] {
  const top = Number.isFinite(max) && max > 0 ? max : 1;
  const raw = top / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  // 2.5 only from 25 up, so count axes never get fractional ticks.
  const step = (mag >= 10 ? [1, 2, 2.5, 5, 10] : [1, 2, 5, 10]).map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v < top + step * 1e-9; v += step) ticks.push(round(v, 10));
  if (ticks[ticks.length - 1]! < top) ticks.push(round(ticks[ticks.length - 1]! + step, 10));
  if (ticks.length < 2) ticks.push(round(step, 10));
  return ticks;
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

const fmt = (n: number): string => String(round(n, 1));

/** Indices of the x labels to print: about `target` evenly spaced, always the last. */
export function labelIndices(n: number, target = 7): number[] {
  if (n <= 0) return [];
  const step = Math.max(1, Math.ceil(n / target));
  const out: number[] = [];
  for (let i = n - 1; i >= 0; i -= step) out.unshift(i);
  return out;
}

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function frame(width: number, height: number, legendRows: number): Frame {
  return { width, height, left: 52, right: width - 16, top: 14 + legendRows * 20, bottom: height - 30 };
}

function svgOpen(f: Frame, title: string, cls: string): string {
  return `<svg class="${cls}" viewBox="0 0 ${f.width} ${f.height}" width="100%" role="img" aria-label="${escapeHtml(title)}" ${FONT} font-size="12"><title>${escapeHtml(title)}</title>`;
}

/** "No data yet", centred in a chart-sized box (same size as the chart it replaces). */
export function emptyChart(title: string, width = 960, height = 280, message = 'No data yet'): string {
  return (
    `<svg class="chart chart-empty" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeHtml(`${title}: ${message}`)}" ${FONT}>` +
    `<title>${escapeHtml(title)}</title>` +
    `<rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" rx="8" fill="#f8fafc" stroke="${GRID}" stroke-dasharray="4 4"/>` +
    `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" dominant-baseline="middle" font-size="15" fill="${AXIS}">${escapeHtml(message)}</text></svg>`
  );
}

/** Legend items laid out left to right, wrapping; returns markup and the number of rows. */
function legend(items: readonly { name: string; color: string }[], f: Pick<Frame, 'left' | 'right'>, y0 = 8): { svg: string; rows: number } {
  let x = f.left;
  let row = 0;
  let out = '';
  for (const it of items) {
    const w = 22 + Math.min(it.name.length, 32) * 6.8 + 14;
    if (x + w > f.right && x > f.left) {
      row++;
      x = f.left;
    }
    const y = y0 + row * 20;
    out += `<g class="legend-item"><rect x="${fmt(x)}" y="${y}" width="12" height="12" rx="2" fill="${it.color}"/><text x="${fmt(x + 18)}" y="${y + 10}" fill="#1e293b">${escapeHtml(it.name)}</text></g>`;
    x += w;
  }
  return { svg: `<g class="legend">${out}</g>`, rows: items.length ? row + 1 : 0 };
}

function legendRows(items: readonly { name: string }[], width: number): number {
  return legend(items.map((i) => ({ name: i.name, color: '' })), { left: 52, right: width - 16 }).rows;
}

function yAxis(f: Frame, ticks: readonly number[], format: (n: number) => string): string {
  const top = ticks[ticks.length - 1]!;
  let out = '';
  for (const t of ticks) {
    const y = f.bottom - (t / top) * (f.bottom - f.top);
    out += `<line x1="${f.left}" x2="${f.right}" y1="${fmt(y)}" y2="${fmt(y)}" stroke="${t === 0 ? AXIS : GRID}" stroke-width="1"/>`;
    out += `<text x="${f.left - 8}" y="${fmt(y + 4)}" text-anchor="end" fill="${AXIS}">${escapeHtml(format(t))}</text>`;
  }
  return `<g class="y-axis">${out}</g>`;
}

function xAxis(f: Frame, days: readonly string[], xOf: (i: number) => number): string {
  let out = '';
  for (const i of labelIndices(days.length)) {
    const x = xOf(i);
    // Labels at the plot's edges are anchored inwards so they are never clipped.
    const anchor = x > f.right - 24 ? 'end' : x < f.left + 24 ? 'start' : 'middle';
    out += `<line x1="${fmt(x)}" x2="${fmt(x)}" y1="${f.bottom}" y2="${f.bottom + 4}" stroke="${AXIS}"/>`;
    out += `<text x="${fmt(x)}" y="${f.bottom + 18}" text-anchor="${anchor}" fill="${AXIS}">${escapeHtml(shortDay(days[i]!))}</text>`;
  }
  return `<g class="x-axis">${out}</g>`;
}

function xScale(f: Frame, n: number): (i: number) => number {
  return (i) => (n <= 1 ? (f.left + f.right) / 2 : f.left + (i / (n - 1)) * (f.right - f.left));
}

/** Invisible per-day columns with a native tooltip listing every series' value. */
function hoverColumns(f: Frame, days: readonly string[], series: readonly Series[], xOf: (i: number) => number, format: (n: number) => string): string {
  const half = days.length > 1 ? (f.right - f.left) / (days.length - 1) / 2 : (f.right - f.left) / 2;
  let out = '';
  days.forEach((d, i) => {
    const lines = series.map((s) => `${s.name}: ${s.values[i] === null || s.values[i] === undefined ? '–' : format(s.values[i]!)}`);
    out += `<rect x="${fmt(xOf(i) - half)}" y="${f.top}" width="${fmt(half * 2)}" height="${f.bottom - f.top}" fill="transparent"><title>${escapeHtml(`${shortDay(d)}\n${lines.join('\n')}`)}</title></rect>`;
  });
  return `<g class="hover">${out}</g>`;
}

/** A white veil over the running day (drawn above the data) with a "today so far" note. */
function partialVeil(f: Frame, n: number, xOf: (i: number) => number): string {
  if (n < 2) return '';
  const x = (xOf(n - 2) + xOf(n - 1)) / 2;
  return (
    `<g class="partial"><rect x="${fmt(x)}" y="${f.top}" width="${fmt(f.right - x + 4)}" height="${f.bottom - f.top}" fill="#fff" fill-opacity="0.55"/>` +
    `<text x="${fmt(f.right)}" y="${f.top - 4}" text-anchor="end" font-size="11" fill="${AXIS}">today so far</text></g>`
  );
}

function colorOf(s: Series, i: number): string {
  return s.color ?? PALETTE[i % PALETTE.length]!;
}

const hasValues = (input: TimeChartInput): boolean =>
  input.days.length > 0 && input.series.some((s) => s.values.some((v) => v !== null && Number.isFinite(v) && v !== 0));

/**
 * Stacked areas: each series on top of the ones before it (the first is at the
 * bottom), so the top edge is the total. For volumes such as sessions per medium.
 */
export function stackedAreaChart(input: TimeChartInput): string {
  const width = input.width ?? 960;
  const height = input.height ?? 280;
  if (!hasValues(input)) return emptyChart(input.title, width, height);
  const format = input.format ?? formatCount;
  const { days, series } = input;
  const f = frame(width, height, legendRows(series, width));
  const totals = days.map((_, i) => series.reduce((a, s) => a + Math.max(0, s.values[i] ?? 0), 0));
  const ticks = niceTicks(Math.max(...totals));
  const top = ticks[ticks.length - 1]!;
  const xOf = xScale(f, days.length);
  const yOf = (v: number) => f.bottom - (v / top) * (f.bottom - f.top);
  const base = days.map(() => 0);
  let areas = '';
  series.forEach((s, si) => {
    const lower = [...base];
    const upper = lower.map((b, i) => b + Math.max(0, s.values[i] ?? 0));
    upper.forEach((u, i) => (base[i] = u));
    if (days.length === 1) {
      areas += `<rect x="${fmt(xOf(0) - 12)}" y="${fmt(yOf(upper[0]!))}" width="24" height="${fmt(yOf(lower[0]!) - yOf(upper[0]!))}" fill="${colorOf(s, si)}"/>`;
      return;
    }
    const topEdge = upper.map((u, i) => `${i ? 'L' : 'M'}${fmt(xOf(i))},${fmt(yOf(u))}`).join('');
    const bottomEdge = lower.map((l, i) => `L${fmt(xOf(i))},${fmt(yOf(l))}`).reverse().join('');
    areas += `<path class="area" d="${topEdge}${bottomEdge}Z" fill="${colorOf(s, si)}" fill-opacity="0.82" stroke="#fff" stroke-width="0.75"><title>${escapeHtml(s.name)}</title></path>`;
  });
  const leg = legend(series.map((s, i) => ({ name: s.name, color: colorOf(s, i) })), f);
  return (
    svgOpen(f, input.title, 'chart chart-stacked') +
    yAxis(f, ticks, format) +
    `<g class="series">${areas}</g>` +
    (input.partialLast ? partialVeil(f, days.length, xOf) : '') +
    xAxis(f, days, xOf) +
    leg.svg +
    hoverColumns(f, days, series, xOf, format) +
    '</svg>'
  );
}

/** One line per series; null values leave a gap. For rates and other non-additive measures. */
export function lineChart(input: TimeChartInput): string {
  const width = input.width ?? 960;
  const height = input.height ?? 280;
  const finite = input.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  if (input.days.length === 0 || finite.length === 0) return emptyChart(input.title, width, height);
  const format = input.format ?? formatCount;
  const { days, series } = input;
  const f = frame(width, height, legendRows(series, width));
  const ticks = niceTicks(Math.max(...finite));
  const top = ticks[ticks.length - 1]!;
  const xOf = xScale(f, days.length);
  const yOf = (v: number) => f.bottom - (Math.max(0, v) / top) * (f.bottom - f.top);
  let lines = '';
  series.forEach((s, si) => {
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${fmt(xOf(i))},${fmt(yOf(v))}`;
      pen = true;
    });
    const color = colorOf(s, si);
    if (d) lines += `<path class="line" d="${d}" fill="none" stroke="${color}" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"><title>${escapeHtml(s.name)}</title></path>`;
    const lastIndex = s.values.reduce<number>((acc, v, i) => (v !== null && Number.isFinite(v) ? i : acc), -1);
    if (lastIndex >= 0) lines += `<circle cx="${fmt(xOf(lastIndex))}" cy="${fmt(yOf(s.values[lastIndex]!))}" r="3.5" fill="${color}"/>`;
  });
  const leg = legend(series.map((s, i) => ({ name: s.name, color: colorOf(s, i) })), f);
  return (
    svgOpen(f, input.title, 'chart chart-line') +
    yAxis(f, ticks, format) +
    `<g class="series">${lines}</g>` +
    xAxis(f, days, xOf) +
    leg.svg +
    hoverColumns(f, days, series, xOf, format) +
    '</svg>'
  );
}

export interface SparklineOptions {
  width?: number;
  height?: number;
  color?: string;
  /** Accessible description, e.g. "Frequent visitors, daily size over 30 days". */
  label?: string;
  /** The last value is a running day: drawn dashed with a hollow dot. */
  partialLast?: boolean;
}

/**
 * A word-sized line of daily values (no axes: the numbers sit next to it). The
 * area under the line is tinted; the last value is a dot. The baseline is zero,
 * so a line near the bottom is a small segment, not a zoomed-in wiggle.
 */
export function sparkline(values: readonly number[], opts: SparklineOptions = {}): string {
  const width = opts.width ?? 120;
  const height = opts.height ?? 32;
  const color = opts.color ?? PALETTE[0]!;
  const label = opts.label ?? 'Daily values';
  const pad = 3;
  const open = `<svg class="sparkline" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img"`;
  if (values.length === 0 || values.every((v) => !Number.isFinite(v) || v === 0)) {
    return `${open} aria-label="${escapeHtml(`${label}: no data yet`)}"><title>${escapeHtml(`${label}: no data yet`)}</title><line x1="${pad}" x2="${width - pad}" y1="${height - pad}" y2="${height - pad}" stroke="#cbd5e1" stroke-dasharray="3 3"/></svg>`;
  }
  const max = Math.max(...values.map((v) => (Number.isFinite(v) ? v : 0)));
  const xOf = (i: number) => (values.length === 1 ? width / 2 : pad + (i / (values.length - 1)) * (width - 2 * pad));
  const yOf = (v: number) => height - pad - (Math.max(0, Number.isFinite(v) ? v : 0) / max) * (height - 2 * pad);
  const last = values.length - 1;
  const partial = opts.partialLast === true && values.length > 2;
  const solidEnd = partial ? last - 1 : last;
  const point = (i: number) => `${fmt(xOf(i))},${fmt(yOf(values[i]!))}`;
  const line = values.slice(0, solidEnd + 1).map((_, i) => `${i ? 'L' : 'M'}${point(i)}`).join('');
  const area = `${line}L${fmt(xOf(solidEnd))},${height - pad}L${fmt(xOf(0))},${height - pad}Z`;
  const summary = `${label}: ${formatCount(values[0]!)} → ${formatCount(values[solidEnd]!)}${partial ? ` (today so far ${formatCount(values[last]!)})` : ''}, max ${formatCount(max)}`;
  return (
    `${open} aria-label="${escapeHtml(summary)}"><title>${escapeHtml(summary)}</title>` +
    `<path d="${area}" fill="${color}" fill-opacity="0.14" stroke="none"/>` +
    `<path d="${line}" fill="none" stroke="${color}" stroke-width="1.75" stroke-linejoin="round"/>` +
    (partial ? `<path class="partial" d="M${point(solidEnd)}L${point(last)}" fill="none" stroke="${color}" stroke-width="1.5" stroke-dasharray="2 2"/>` : '') +
    `<circle cx="${fmt(xOf(last))}" cy="${fmt(yOf(values[last]!))}" r="2.5" fill="${partial ? '#fff' : color}" stroke="${color}" stroke-width="${partial ? 1.25 : 0}"/></svg>`
  );
}

export interface IntervalRow {
  label: string;
  value: number;
  low: number;
  high: number;
  color?: string;
}

/**
 * Horizontal interval plot: one row per variant with its estimate (dot) and 95%
 * interval (bar), and a dashed reference line (the control's rate), so
 * overlapping intervals are visible at a glance.
 */
export function intervalChart(rows: readonly IntervalRow[], opts: { title: string; reference?: number; format?: (n: number) => string; width?: number } = { title: 'Intervals' }): string {
  const width = opts.width ?? 960;
  const rowH = 34;
  const height = 40 + rows.length * rowH + 26;
  if (rows.length === 0 || rows.every((r) => !Number.isFinite(r.high) || r.high <= 0)) return emptyChart(opts.title, width, Math.max(height, 120));
  const format = opts.format ?? formatPercent;
  const labelW = Math.min(220, 24 + Math.max(...rows.map((r) => Math.min(r.label.length, 28))) * 7.2);
  const f: Frame = { width, height, left: labelW, right: width - 24, top: 16, bottom: height - 30 };
  const ticks = niceTicks(Math.max(...rows.map((r) => r.high)), 5);
  const top = ticks[ticks.length - 1]!;
  const xOf = (v: number) => f.left + (Math.min(Math.max(v, 0), top) / top) * (f.right - f.left);
  let grid = '';
  for (const t of ticks) {
    grid += `<line x1="${fmt(xOf(t))}" x2="${fmt(xOf(t))}" y1="${f.top}" y2="${f.bottom}" stroke="${t === 0 ? AXIS : GRID}"/>`;
    grid += `<text x="${fmt(xOf(t))}" y="${f.bottom + 18}" text-anchor="middle" fill="${AXIS}">${escapeHtml(format(t))}</text>`;
  }
  let body = '';
  rows.forEach((r, i) => {
    const y = f.top + 12 + i * rowH + rowH / 2 - 6;
    const color = r.color ?? PALETTE[i % PALETTE.length]!;
    const tip = `${r.label}: ${format(r.value)} (95% interval ${format(r.low)} – ${format(r.high)})`;
    body +=
      `<g class="interval"><title>${escapeHtml(tip)}</title>` +
      `<text x="${f.left - 12}" y="${fmt(y + 4)}" text-anchor="end" fill="#1e293b" font-weight="600">${escapeHtml(r.label)}</text>` +
      `<line x1="${fmt(xOf(r.low))}" x2="${fmt(xOf(r.high))}" y1="${fmt(y)}" y2="${fmt(y)}" stroke="${color}" stroke-width="8" stroke-opacity="0.3" stroke-linecap="round"/>` +
      `<line x1="${fmt(xOf(r.low))}" x2="${fmt(xOf(r.low))}" y1="${fmt(y - 7)}" y2="${fmt(y + 7)}" stroke="${color}" stroke-width="2"/>` +
      `<line x1="${fmt(xOf(r.high))}" x2="${fmt(xOf(r.high))}" y1="${fmt(y - 7)}" y2="${fmt(y + 7)}" stroke="${color}" stroke-width="2"/>` +
      `<circle cx="${fmt(xOf(r.value))}" cy="${fmt(y)}" r="5.5" fill="${color}" stroke="#fff" stroke-width="1.5"/></g>`;
  });
  const ref =
    opts.reference !== undefined && Number.isFinite(opts.reference)
      ? `<line class="reference" x1="${fmt(xOf(opts.reference))}" x2="${fmt(xOf(opts.reference))}" y1="${f.top}" y2="${f.bottom}" stroke="#0f172a" stroke-width="1.25" stroke-dasharray="5 4"><title>${escapeHtml(`Control: ${format(opts.reference)}`)}</title></line>`
      : '';
  return svgOpen(f, opts.title, 'chart chart-interval') + grid + ref + body + '</svg>';
}
