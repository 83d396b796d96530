/** One row of the `npm run bench` table. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** The budget; null for a figure reported without one. */
  budget: number | null;
  /** Budgets are maxima unless this is set (throughput ratios, speed-ups). */
  higherIsBetter?: boolean;
  p99?: number;
  note?: string;
}

export function passes(row: BenchRow): boolean | null {
  if (row.budget === null) return null;
  return row.higherIsBetter ? row.value >= row.budget : row.value <= row.budget;
}

const fmt = (v: number | undefined) => (v === undefined ? '' : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

export function renderTable(rows: BenchRow[]): string {
  const head = ['benchmark', 'median / value', 'p99', 'budget', 'result', 'note'];
  const body = rows.map((r) => {
    const ok = passes(r);
    return [
      r.name,
      `${fmt(r.value)} ${r.unit}`,
      r.p99 === undefined ? '' : `${fmt(r.p99)} ${r.unit}`,
      r.budget === null ? '—' : `${r.higherIsBetter ? '≥' : '≤'} ${fmt(r.budget)} ${r.unit}`,
      ok === null ? 'info' : ok ? 'PASS' : 'FAIL',
      r.note ?? '',
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  return [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...body.map(line)].join('\n');
}

/** The q-quantile (0.5 median, 0.99 p99) of samples already sorted ascending. */
export const quantile = (sorted: ArrayLike<number>, q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
