/**
 * The segment catalogue: every segment of the live config by group, with its
 * rule in plain words, its size (today / 7 / 30 days), a sparkline of its daily
 * size and whether it is growing or declining (last 7 days against the 7 before).
 */
import { SEGMENT_GROUP_LABELS } from '../default-segments.ts';
import type { SegmentDef, TailorConfig } from '../schema.ts';
import { describeRule } from '../segments.ts';
import { formatCount, sparkline } from './charts.ts';
import { html, raw, type Safe } from './html.ts';

export interface SegmentStats {
  /** Daily size (distinct members that day), oldest first, one per day of the period. */
  daily: number[];
  today: number;
  last7: number;
  last30: number;
}

export type TrendDirection = 'up' | 'down' | 'flat' | 'new' | 'none';

export interface Trend {
  direction: TrendDirection;
  /** Relative change of the last 7 days' daily sizes against the 7 days before (null when undefined). */
  change: number | null;
}

/** Changes smaller than this (±10%) count as steady. */
export const TREND_THRESHOLD = 0.1;

/**
 * Growing or declining: the sum of the last 7 daily sizes against the 7 before.
 * Pass complete days only (a running day would read as a decline).
 */
export function segmentTrend(daily: readonly number[]): Trend {
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  const last = sum(daily.slice(-7));
  const before = sum(daily.slice(-14, -7));
  if (last === 0 && before === 0) return { direction: 'none', change: null };
  if (before === 0) return { direction: 'new', change: null };
  const change = last / before - 1;
  if (Math.abs(change) < TREND_THRESHOLD) return { direction: 'flat', change };
  return { direction: change > 0 ? 'up' : 'down', change };
}

const TREND_COLORS: Record<TrendDirection, string> = { up: '#16a34a', down: '#dc2626', flat: '#4f46e5', new: '#4f46e5', none: '#94a3b8' };

export function trendBadge(t: Trend): Safe {
  const pct = t.change === null ? '' : `${t.change > 0 ? '+' : '−'}${Math.abs(Math.round(t.change * 100))}%`;
  switch (t.direction) {
    case 'up':
      return html`<span class="badge up" title="The last 7 full days against the 7 days before">▲ Growing ${pct}</span>`;
    case 'down':
      return html`<span class="badge down" title="The last 7 full days against the 7 days before">▼ Declining ${pct}</span>`;
    case 'flat':
      return html`<span class="badge flat" title="The last 7 full days against the 7 days before">● Steady ${pct}</span>`;
    case 'new':
      return html`<span class="badge new" title="No members in the 7 days before">✦ New</span>`;
    default:
      return html`<span class="badge flat">No data yet</span>`;
  }
}

function segmentRow(s: SegmentDef, stats: SegmentStats | undefined, names: ReadonlyMap<string, { name: string }>): Safe {
  const daily = stats?.daily ?? [];
  const trend = segmentTrend(daily.slice(0, -1)); // today is still running
  const rule = describeRule(s.rule, names);
  const search = `${s.id} ${s.name} ${s.description} ${rule}`.toLowerCase();
  return html`<tr data-segment="${s.id}" data-search="${search}">
<td><div class="seg-name">${s.name}</div><div class="seg-id">${s.id}</div><div class="seg-desc">${s.description}</div></td>
<td><div class="rule">${rule}</div></td>
<td class="num">${formatCount(stats?.today ?? 0)}</td>
<td class="num">${formatCount(stats?.last7 ?? 0)}</td>
<td class="num">${formatCount(stats?.last30 ?? 0)}</td>
<td class="spark">${raw(sparkline(daily, { width: 132, height: 34, color: TREND_COLORS[trend.direction], label: `${s.name}, daily size over ${daily.length} days`, partialLast: true }))}</td>
<td>${trendBadge(trend)}</td>
</tr>`;
}

export interface CatalogueKpis {
  /** Distinct visitors with at least one segment: today, 7 and 30 days. */
  visitors: { today: number; last7: number; last30: number };
  /** Sessions in the last 7 full days (before today) and the 7 days before. */
  sessions7: number;
  sessionsPrev7: number;
}

export function cataloguePage(config: TailorConfig, stats: ReadonlyMap<string, SegmentStats>, kpis: CatalogueKpis): Safe {
  const names = new Map(config.segments.map((s) => [s.id, { name: s.name }] as const));
  const trends = config.segments.map((s) => segmentTrend((stats.get(s.id)?.daily ?? []).slice(0, -1)));
  const growing = trends.filter((t) => t.direction === 'up').length;
  const declining = trends.filter((t) => t.direction === 'down').length;
  const sessionChange = kpis.sessionsPrev7 > 0 ? kpis.sessions7 / kpis.sessionsPrev7 - 1 : null;
  const groups = (Object.keys(SEGMENT_GROUP_LABELS) as SegmentDef['group'][])
    .map((g) => ({ id: g, label: SEGMENT_GROUP_LABELS[g], segments: config.segments.filter((s) => s.group === g) }))
    .filter((g) => g.segments.length > 0);
  return html`
<div class="page-head">
  <div><h1>Segment catalogue</h1><p>${config.segments.length} segments in the live config. Sizes count distinct visitors seen in the segment; the sparkline is its daily size over the last 30 days.</p></div>
  <div class="toolbar"><input type="search" id="seg-filter" placeholder="Filter segments…" aria-label="Filter segments"></div>
</div>
<section class="kpis" aria-label="Summary">
  <div class="kpi"><div class="label">Visitors today</div><div class="value">${formatCount(kpis.visitors.today)}</div><div class="sub">in at least one segment</div></div>
  <div class="kpi"><div class="label">Visitors, last 7 days</div><div class="value">${formatCount(kpis.visitors.last7)}</div><div class="sub">${formatCount(kpis.visitors.last30)} in the last 30 days</div></div>
  <div class="kpi"><div class="label">Sessions, last 7 full days</div><div class="value">${formatCount(kpis.sessions7)}</div><div class="sub">${
    sessionChange === null ? 'no sessions the week before' : html`<span class="${sessionChange >= 0 ? 'pos' : 'neg'}">${sessionChange >= 0 ? '▲' : '▼'} ${Math.abs(Math.round(sessionChange * 100))}%</span> against the 7 days before`
  }</div></div>
  <div class="kpi"><div class="label">Segment trends</div><div class="value"><span class="pos">${growing}</span> <span class="faint">/</span> <span class="neg">${declining}</span></div><div class="sub">growing / declining (±${Math.round(TREND_THRESHOLD * 100)}% week on week)</div></div>
</section>
${groups.map(
  (g) => html`<section class="card seg-group" data-group="${g.id}">
  <div class="group-title"><h2>${g.label}</h2><span class="count">${g.segments.length} ${g.segments.length === 1 ? 'segment' : 'segments'}</span></div>
  <table class="catalogue">
    <colgroup><col class="c-seg"><col class="c-rule"><col class="c-num"><col class="c-num"><col class="c-num"><col class="c-spark"><col class="c-trend"></colgroup>
    <thead><tr><th>Segment</th><th>Rule</th><th class="num">Today</th><th class="num">7 days</th><th class="num">30 days</th><th>Last 30 days</th><th>Trend</th></tr></thead>
    <tbody>${g.segments.map((s) => segmentRow(s, stats.get(s.id), names))}</tbody>
  </table>
</section>`,
)}`;
}

/** Client-side filter for the catalogue table. */
export const CATALOGUE_SCRIPT = `
(function(){
  var input = document.getElementById('seg-filter');
  if (!input) return;
  input.addEventListener('input', function(){
    var q = input.value.trim().toLowerCase();
    document.querySelectorAll('.seg-group').forEach(function(group){
      var shown = 0;
      group.querySelectorAll('tbody tr').forEach(function(tr){
        var hit = !q || tr.getAttribute('data-search').indexOf(q) !== -1;
        tr.hidden = !hit;
        if (hit) shown++;
      });
      group.hidden = shown === 0;
    });
  });
})();
`;
