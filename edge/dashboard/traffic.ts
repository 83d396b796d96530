/**
 * Traffic by source medium: sessions per day as stacked areas (the top edge is
 * the total), and a table with each medium's volume, share and weekly change.
 */
import { formatCount, MEDIUM_COLORS, PALETTE, stackedAreaChart, type Series } from './charts.ts';
import { html, raw, type Safe } from './html.ts';
import { BASE } from './layout.ts';

export const MEDIUM_LABELS: Readonly<Record<string, string>> = {
  email: 'E-mail',
  social: 'Social',
  search: 'Search',
  direct: 'Direct',
  paid: 'Paid',
  referral: 'Referral',
  chatbot: 'AI assistants',
};

const DAY_MS = 86_400_000;

/** The `n` ISO days ending with the day of `now`, oldest first. */
export function lastDays(n: number, now: number): string[] {
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(new Date(now - i * DAY_MS).toISOString().slice(0, 10));
  return out;
}

export interface TrafficRow {
  day: string;
  medium: string;
  sessions: number;
}

/** One series per medium aligned with `days`, the biggest first (bottom of the stack). */
export function trafficSeries(rows: readonly TrafficRow[], days: readonly string[]): Series[] {
  const index = new Map(days.map((d, i) => [d, i] as const));
  const byMedium = new Map<string, number[]>();
  for (const r of rows) {
    const i = index.get(r.day);
    if (i === undefined || r.medium === 'internal') continue;
    let values = byMedium.get(r.medium);
    if (!values) byMedium.set(r.medium, (values = days.map(() => 0)));
    values[i]! += r.sessions;
  }
  const total = (v: number[]) => v.reduce((a, b) => a + b, 0);
  return [...byMedium.entries()]
    .sort((a, b) => total(b[1]) - total(a[1]) || a[0].localeCompare(b[0]))
    .map(([medium, values], i) => ({ name: MEDIUM_LABELS[medium] ?? medium, color: MEDIUM_COLORS[medium] ?? PALETTE[i % PALETTE.length]!, values }));
}

export function trafficPage(rows: readonly TrafficRow[], days: readonly string[]): Safe {
  const series = trafficSeries(rows, days);
  const sum = (xs: readonly (number | null)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);
  const grand = series.reduce((a, s) => a + sum(s.values), 0);
  const tabs = [7, 30, 90].map((n) => html`<a href="${BASE}/traffic?days=${n}" aria-current="${n === days.length ? 'true' : 'false'}">${n} days</a>`);
  return html`
<div class="page-head">
  <div><h1>Traffic by source</h1><p>Sessions per day by the medium that started them: e-mail, social, search, paid, referral, AI assistants and direct.</p></div>
  <nav class="seg-tabs" aria-label="Period">${tabs}</nav>
</div>
<section class="card">
  <div class="card-head"><h2>Sessions per day</h2><p>${formatCount(grand)} sessions in the last ${days.length} days · hover a day for exact numbers</p></div>
  ${raw(stackedAreaChart({ days, series, title: `Sessions per day by source medium, last ${days.length} days`, height: 320, partialLast: true }))}
</section>
<section class="card">
  <div class="card-head"><h2>By medium</h2><p>Weekly change: the last 7 full days against the 7 days before (today is still running).</p></div>
  <table>
    <thead><tr><th>Medium</th><th class="num">Sessions</th><th class="num">Share</th><th class="num">Last 7 full days</th><th class="num">Week on week</th></tr></thead>
    <tbody>${
      series.length === 0
        ? html`<tr><td colspan="5" class="muted">No data yet. Traffic appears here as visitors arrive (or run <code>npm run seed</code> for demo data).</td></tr>`
        : series.map((s) => {
            const total = sum(s.values);
            const last = sum(s.values.slice(-8, -1));
            const prev = sum(s.values.slice(-15, -8));
            const change = prev > 0 && s.values.length >= 15 ? last / prev - 1 : null;
            return html`<tr><td><span class="dot" style="background:${s.color ?? ''}"></span>${s.name}</td><td class="num">${formatCount(total)}</td><td class="num">${grand ? `${((total / grand) * 100).toFixed(1)}%` : '–'}</td><td class="num">${formatCount(last)}</td><td class="num">${
              change === null ? html`<span class="faint">–</span>` : html`<span class="${change >= 0 ? 'pos' : 'neg'}">${change >= 0 ? '▲' : '▼'} ${Math.abs(Math.round(change * 100))}%</span>`
            }</td></tr>`;
          })
    }</tbody>
  </table>
</section>`;
}
