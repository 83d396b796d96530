/** The dashboard's SVG charts and the pure helpers around them. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { segmentTrend } from '../../edge/dashboard/catalogue.ts';
import { emptyChart, intervalChart, labelIndices, lineChart, niceTicks, shortDay, sparkline, stackedAreaChart } from '../../edge/dashboard/charts.ts';
import { variantColors, verdictTone } from '../../edge/dashboard/experiments.ts';
import { html, raw } from '../../edge/dashboard/html.ts';
import { lastDays, trafficSeries } from '../../edge/dashboard/traffic.ts';

const DAYS = ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05'];

function viewBox(svg: string): { width: number; height: number } {
  const m = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg)!;
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** The points of every path's `d` (M/L commands), per path. */
function paths(svg: string, cls?: string): { x: number; y: number; cmd: string }[][] {
  const re = cls ? new RegExp(`<path class="${cls}" d="([^"]+)"`, 'g') : /<path[^>]* d="([^"]+)"/g;
  return [...svg.matchAll(re)].map((m) => [...m[1]!.matchAll(/([ML])(-?[\d.]+),(-?[\d.]+)/g)].map((p) => ({ cmd: p[1]!, x: Number(p[2]), y: Number(p[3]) })));
}

/** The y of the zero gridline (the x axis). */
function baseline(svg: string): number {
  const m = /<line x1="[\d.]+" x2="[\d.]+" y1="([\d.]+)" y2="[\d.]+" stroke="#475569" stroke-width="1"\/><text[^>]*>0<\/text>/.exec(svg)!;
  return Number(m[1]);
}

describe('niceTicks', () => {
  it('gives round, evenly spaced ticks from 0 to at least the maximum', () => {
    expect(niceTicks(87)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(1000)).toEqual([0, 250, 500, 750, 1000]);
    expect(niceTicks(0.173)).toEqual([0, 0.05, 0.1, 0.15, 0.2]);
    expect(niceTicks(0)).toEqual([0, 0.5, 1]);
    fc.assert(
      fc.property(fc.double({ min: 1e-4, max: 1e8, noNaN: true }), (max) => {
        const t = niceTicks(max);
        expect(t[0]).toBe(0);
        expect(t[t.length - 1]).toBeGreaterThanOrEqual(max);
        expect(t.length).toBeGreaterThanOrEqual(3);
        expect(t.length).toBeLessThanOrEqual(7);
        const step = t[1]! - t[0]!;
        t.forEach((v, i) => expect(v).toBeCloseTo(i * step, 8));
        // A whole-number axis above 10 never gets fractional ticks.
        if (max >= 10) expect(t.every(Number.isInteger)).toBe(true);
      }),
    );
  });
});

describe('stacked area chart', () => {
  const series = [
    { name: 'Direct', values: [10, 20, 30, 20, 10] },
    { name: 'E-mail', values: [5, 5, 60, 5, 5] },
  ];

  it('scales every point into the viewBox, with the top edge proportional to the daily total', () => {
    const svg = stackedAreaChart({ days: DAYS, series, title: 'Sessions' });
    const { width, height } = viewBox(svg);
    const areas = paths(svg, 'area');
    expect(areas).toHaveLength(2);
    for (const p of areas.flat()) {
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x).toBeLessThanOrEqual(width);
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeLessThanOrEqual(height);
    }
    const bottom = baseline(svg);
    const topEdge = areas[1]!.slice(0, DAYS.length);
    const totals = [15, 25, 90, 25, 15];
    // Heights above the axis are proportional to the totals (within rounding to 0.1 px).
    const unit = (bottom - topEdge[2]!.y) / 90;
    topEdge.forEach((p, i) => expect(bottom - p.y).toBeCloseTo(totals[i]! * unit, 0));
    // The first series is the bottom layer: its top edge sits at its own values.
    paths(svg, 'area')[0]!.slice(0, DAYS.length).forEach((p, i) => expect(bottom - p.y).toBeCloseTo(series[0]!.values[i]! * unit, 0));
    // x positions increase day by day, from the left to the right of the plot.
    expect(topEdge.map((p) => p.x)).toEqual([...topEdge.map((p) => p.x)].sort((a, b) => a - b));
  });

  it('has a legend entry per series, axis labels and per-day tooltips', () => {
    const svg = stackedAreaChart({ days: DAYS, series, title: 'Sessions' });
    expect(svg.match(/class="legend-item"/g)).toHaveLength(2);
    expect(svg).toContain('>Nov 1<');
    expect(svg).toContain('>Nov 5<');
    expect(svg).toContain('<title>Nov 3\nDirect: 30\nE-mail: 60</title>');
    expect(svg).toMatch(/role="img" aria-label="Sessions"/);
  });

  it('renders "No data yet" for no days, no series or only zeros', () => {
    for (const input of [
      { days: [], series },
      { days: DAYS, series: [] },
      { days: DAYS, series: [{ name: 'Direct', values: [0, 0, 0, 0, 0] }] },
    ]) {
      const svg = stackedAreaChart({ ...input, title: 'Sessions' });
      expect(svg).toContain('No data yet');
      expect(svg).not.toContain('<path');
    }
  });

  it('escapes series names and titles', () => {
    const svg = stackedAreaChart({ days: DAYS, series: [{ name: '<script>alert(1)</script>', values: [1, 2, 3, 4, 5] }], title: 'a "quoted" <b>title</b>' });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('aria-label="a &quot;quoted&quot; &lt;b&gt;title&lt;/b&gt;"');
    expect(emptyChart('<x>')).toContain('&lt;x&gt;');
  });

  it('draws a single day without NaN', () => {
    const svg = stackedAreaChart({ days: ['2026-11-01'], series, title: 'One day' });
    expect(svg).not.toContain('NaN');
    expect(svg).toContain('<rect x=');
  });
});

describe('line chart', () => {
  it('breaks the line at missing values and puts higher values higher', () => {
    const svg = lineChart({ days: DAYS, series: [{ name: 'A', values: [0.1, null, 0.2, 0.3, 0.25] }], title: 'Rate' });
    const [line] = paths(svg, 'line');
    expect(line!.map((p) => p.cmd)).toEqual(['M', 'M', 'L', 'L']);
    expect(line![0]!.y).toBeGreaterThan(line![1]!.y); // 0.1 is lower on screen than 0.2
    expect(line![2]!.y).toBeLessThan(line![3]!.y); // 0.3 above 0.25
    expect(svg).not.toContain('NaN');
  });

  it('shows "No data yet" when every value is missing, but draws a real zero', () => {
    expect(lineChart({ days: DAYS, series: [{ name: 'A', values: [null, null, null, null, null] }], title: 'Rate' })).toContain('No data yet');
    const zero = lineChart({ days: DAYS, series: [{ name: 'A', values: [0, 0, 0, 0, 0] }], title: 'Rate' });
    expect(zero).not.toContain('No data yet');
    expect(paths(zero, 'line')[0]!.every((p) => p.y === baseline(zero))).toBe(true);
  });
});

describe('sparkline', () => {
  it('spans the box from zero to the maximum', () => {
    const svg = sparkline([0, 5, 10, 5], { width: 100, height: 30 });
    const [area, line] = paths(svg);
    expect(area).toBeDefined();
    const ys = line!.map((p) => p.y);
    expect(Math.min(...ys)).toBe(3); // the maximum touches the top padding
    expect(Math.max(...ys)).toBe(27); // zero sits on the bottom padding
    expect(line![0]!.x).toBe(3);
    expect(line![3]!.x).toBe(97);
  });

  it('handles flat, single and empty series', () => {
    const flat = sparkline([4, 4, 4]);
    expect(flat).not.toContain('NaN');
    expect(new Set(paths(flat)[1]!.map((p) => p.y)).size).toBe(1);
    expect(sparkline([7])).not.toContain('NaN');
    expect(sparkline([])).toContain('no data yet');
    expect(sparkline([0, 0, 0], { label: 'Deal <seekers>' })).toContain('Deal &lt;seekers&gt;: no data yet');
  });
});

describe('interval chart', () => {
  const rows = [
    { label: 'control', value: 0.1, low: 0.05, high: 0.17 },
    { label: 'bold', value: 0.175, low: 0.12, high: 0.25 },
  ];

  it('places estimates and intervals on one scale with the control reference line', () => {
    const svg = intervalChart(rows, { title: 'Rates', reference: 0.1 });
    const dots = [...svg.matchAll(/<circle cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(dots[1]).toBeGreaterThan(dots[0]!);
    const ref = Number(/class="reference" x1="([\d.]+)"/.exec(svg)![1]);
    expect(ref).toBeCloseTo(dots[0]!, 1);
    expect(svg).toContain('control: 10% (95% interval 5% – 17%)');
  });

  it('shows "No data yet" without rows', () => {
    expect(intervalChart([], { title: 'Rates' })).toContain('No data yet');
  });
});

describe('segment trend', () => {
  const week = (n: number) => Array(7).fill(n) as number[];
  it('compares the last 7 days with the 7 before', () => {
    expect(segmentTrend([...week(99), ...week(10), ...week(20)])).toEqual({ direction: 'up', change: 1 });
    expect(segmentTrend([...week(20), ...week(10)])).toEqual({ direction: 'down', change: -0.5 });
    expect(segmentTrend([...week(100), ...week(105)]).direction).toBe('flat');
    expect(segmentTrend([...week(0), ...week(3)])).toEqual({ direction: 'new', change: null });
    expect(segmentTrend(week(0))).toEqual({ direction: 'none', change: null });
    expect(segmentTrend([])).toEqual({ direction: 'none', change: null });
  });
});

describe('traffic series', () => {
  it('aligns rows with the days, biggest medium first, ignoring internal and other days', () => {
    const days = ['2026-11-01', '2026-11-02'];
    const series = trafficSeries(
      [
        { day: '2026-11-01', medium: 'email', sessions: 3 },
        { day: '2026-11-02', medium: 'social', sessions: 9 },
        { day: '2026-11-02', medium: 'email', sessions: 4 },
        { day: '2026-10-31', medium: 'email', sessions: 100 },
        { day: '2026-11-01', medium: 'internal', sessions: 50 },
      ],
      days,
    );
    expect(series.map((s) => [s.name, s.values])).toEqual([
      ['Social', [0, 9]],
      ['E-mail', [3, 4]],
    ]);
  });

  it('lastDays ends today and counts back', () => {
    expect(lastDays(3, Date.parse('2026-03-01T10:00:00Z'))).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });
});

describe('small helpers', () => {
  it('formats days and picks readable label positions', () => {
    expect(shortDay('2026-11-03')).toBe('Nov 3');
    const idx = labelIndices(30);
    expect(idx[idx.length - 1]).toBe(29);
    expect(idx.length).toBeLessThanOrEqual(8);
    expect(labelIndices(0)).toEqual([]);
  });

  it('html escapes values but not nested markup', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"x"'}">${inner}${raw('<hr>')}${['a', '<', null, false]}</p>`.value).toBe('<p title="&quot;x&quot;"><b>&lt;i&gt;</b><hr>a&lt;</p>');
  });

  it('colours control in slate and challengers apart; tones verdicts', () => {
    const colors = variantColors({ variants: [{ id: 'a', weight: 0.5, html: '' }, { id: 'b', weight: 0.5, html: '' }] }, 'a');
    expect(colors.a).toBe('#475569');
    expect(colors.b).not.toBe(colors.a);
    const v = (id: string, control: boolean, rate: number, significant: boolean) => ({ id, control, rate, significant }) as never;
    const base = { srm: { chi2: 0, p: 1, mismatch: false }, minSampleReached: true };
    expect(verdictTone({ ...base, variants: [v('a', true, 0.1, false), v('b', false, 0.2, true)] })).toBe('success');
    expect(verdictTone({ ...base, variants: [v('a', true, 0.2, false), v('b', false, 0.1, true)] })).toBe('error');
    expect(verdictTone({ ...base, srm: { chi2: 30, p: 0, mismatch: true }, variants: [v('a', true, 0.1, false), v('b', false, 0.2, true)] })).toBe('warn');
    expect(verdictTone({ ...base, minSampleReached: false, variants: [v('a', true, 0.1, false), v('b', false, 0.2, false)] })).toBe('info');
  });
});

describe('the running day', () => {
  it('draws today dashed with a hollow dot in a sparkline, and veils it in a stacked chart', () => {
    const spark = sparkline([5, 6, 7, 1], { partialLast: true });
    expect(spark).toMatch(/class="partial" d="M[\d.,]+L[\d.,]+" [^>]*stroke-dasharray/);
    expect(spark).toContain('fill="#fff"');
    expect(spark).toContain('today so far 1');
    // The solid line stops at yesterday.
    expect(paths(spark)[1]).toHaveLength(3);
    const chart = stackedAreaChart({ days: DAYS, series: [{ name: 'Direct', values: [10, 20, 30, 20, 3] }], title: 'Sessions', partialLast: true });
    expect(chart).toContain('<g class="partial">');
    expect(chart).toContain('today so far');
    expect(stackedAreaChart({ days: DAYS, series: [{ name: 'Direct', values: [10, 20, 30, 20, 3] }], title: 'Sessions' })).not.toContain('today so far');
  });
});
