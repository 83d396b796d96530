/**
 * Experiments: the list (status, targeting, exposed visitors) and one results
 * page per experiment (verdict in plain words, a table with rates, intervals,
 * uplift, p-value and chance to beat control, an interval plot and the
 * cumulative conversion rate per variant).
 */
import type { ExperimentResults } from '../routes/experiment-results.ts';
import type { Experiment, TailorConfig } from '../schema.ts';
import type { VariantResult } from '../stats.ts';
import { formatCount, formatPercent, intervalChart, lineChart, shortDay } from './charts.ts';
import { html, raw, type Safe } from './html.ts';
import { BASE } from './layout.ts';

const CONTROL_COLOR = '#475569';
const VARIANT_COLORS = ['#2563eb', '#ea580c', '#7c3aed', '#db2777', '#0d9488', '#b45309', '#0891b2'];

/** Control in slate, challengers in distinct colours, stable by config order. */
export function variantColors(exp: Pick<Experiment, 'variants'>, control: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  for (const v of exp.variants) out[v.id] = v.id === control ? CONTROL_COLOR : VARIANT_COLORS[i++ % VARIANT_COLORS.length]!;
  return out;
}

const statusBadge = (status: string) => html`<span class="badge ${status}">${status}</span>`;

function targetingName(config: TailorConfig, targeting: string): string {
  if (targeting === 'everyone') return 'Everyone';
  return config.segments.find((s) => s.id === targeting)?.name ?? targeting;
}

export function experimentsPage(config: TailorConfig, exposed: Readonly<Record<string, number>>): Safe {
  const rows = config.experiments.map(
    (e) => html`<tr data-experiment="${e.id}">
<td><a class="seg-name" href="${BASE}/experiments/${encodeURIComponent(e.id)}">${e.name}</a><div class="seg-id">${e.id}</div></td>
<td>${statusBadge(e.status)}</td>
<td>${targetingName(config, e.targeting)}${e.traffic < 1 ? html` <span class="faint">(${Math.round(e.traffic * 100)}% of them)</span>` : ''}</td>
<td><code>${e.slot}</code></td>
<td>${e.variants.map((v, i) => html`${i ? ', ' : ''}<code>${v.id}</code> <span class="faint">${Math.round(v.weight * 100)}%</span>`)}</td>
<td><code>${e.goals.primary}</code></td>
<td class="num">${formatCount(exposed[e.id] ?? 0)}</td>
<td><a class="btn secondary" href="${BASE}/experiments/${encodeURIComponent(e.id)}">Results →</a></td>
</tr>`,
  );
  return html`
<div class="page-head"><div><h1>Experiments</h1><p>A/B tests from the live config. Edit them in <a href="${BASE}/config">Config</a>; each visitor is counted once, in the variant they saw.</p></div></div>
<section class="card">
  <table>
    <thead><tr><th>Experiment</th><th>Status</th><th>Targeting</th><th>Slot</th><th>Variants</th><th>Primary goal</th><th class="num">Visitors</th><th></th></tr></thead>
    <tbody>${
      rows.length ? rows : html`<tr><td colspan="8" class="muted">No experiments in the live config yet. Add one under <code>experiments</code> in <a href="${BASE}/config">Config</a>.</td></tr>`
    }</tbody>
  </table>
</section>`;
}

const pct = (n: number) => `${(n * 100).toFixed(2)}%`;
const signedPct = (n: number) => `${n >= 0 ? '+' : '−'}${Math.abs(n * 100).toFixed(1)}%`;

function formatP(p: number | null): string {
  if (p === null) return '–';
  if (p < 0.001) return '< 0.001';
  return p.toPrecision(2);
}

function formatChance(c: number | null): string {
  if (c === null) return '–';
  if (c > 0.999) return '> 99.9%';
  if (c < 0.001) return '< 0.1%';
  return `${(c * 100).toFixed(1)}%`;
}

/** success / warn / info: how the verdict box looks. */
export function verdictTone(r: Pick<ExperimentResults, 'srm' | 'minSampleReached' | 'variants'>): 'success' | 'warn' | 'info' | 'error' {
  if (r.srm.mismatch) return 'warn';
  if (!r.minSampleReached) return 'info';
  const control = r.variants.find((v) => v.control);
  const winner = r.variants.some((v) => !v.control && v.significant && control && v.rate > control.rate);
  const loser = r.variants.some((v) => !v.control && v.significant && control && v.rate < control.rate);
  return winner ? 'success' : loser ? 'error' : 'info';
}

function variantRow(v: VariantResult, color: string): Safe {
  return html`<tr data-variant="${v.id}">
<td><span class="dot" style="background:${color}"></span><strong>${v.id}</strong>${v.control ? html` <span class="badge flat">control</span>` : ''}</td>
<td class="num">${formatCount(v.visitors)}</td>
<td class="num">${formatCount(v.conversions)}</td>
<td class="num">${pct(v.rate)}<span class="ci">${pct(v.interval[0])} – ${pct(v.interval[1])}</span></td>
<td class="num">${
    v.uplift === null
      ? html`<span class="faint">–</span>`
      : html`<span class="${v.uplift >= 0 ? 'pos' : 'neg'}">${signedPct(v.uplift)}</span>${
          v.upliftInterval ? html`<span class="ci">${signedPct(v.upliftInterval[0])} – ${signedPct(v.upliftInterval[1])}</span>` : ''
        }`
  }</td>
<td class="num">${formatP(v.pValue)}</td>
<td class="num">${formatChance(v.chanceToBeatControl)}</td>
<td>${v.control ? '' : v.significant ? html`<span class="sig yes">Yes</span>` : html`<span class="sig no">Not yet</span>`}</td>
</tr>`;
}

/** Cumulative conversion rate per variant per day, as one line each. */
export function cumulativeChart(r: ExperimentResults, colors: Readonly<Record<string, string>>): string {
  const days = [...new Set(r.daily.map((d) => d.day))].sort();
  const series = r.experiment.variants.map((v) => {
    const byDay = new Map(r.daily.filter((d) => d.variant === v.id).map((d) => [d.day, d.rate] as const));
    return { name: v.control ? `${v.id} (control)` : v.id, color: colors[v.id], values: days.map((d) => byDay.get(d) ?? null) };
  });
  return lineChart({ days, series, title: `Cumulative conversion rate (${r.experiment.goal}) per variant`, format: formatPercent, height: 280 });
}

export function resultsPage(config: TailorConfig, r: ExperimentResults): Safe {
  const exp = config.experiments.find((e) => e.id === r.experiment.id)!;
  const colors = variantColors(exp, r.control);
  const control = r.variants.find((v) => v.control);
  const visitors = r.variants.reduce((a, v) => a + v.visitors, 0);
  const conversions = r.variants.reduce((a, v) => a + v.conversions, 0);
  const interval = intervalChart(
    r.variants.map((v) => ({ label: v.control ? `${v.id} (control)` : v.id, value: v.rate, low: v.interval[0], high: v.interval[1], color: colors[v.id]! })),
    { title: `Conversion rate with 95% interval per variant (${r.experiment.goal})`, reference: control?.rate, format: formatPercent },
  );
  return html`
<div class="page-head">
  <div>
    <p><a href="${BASE}/experiments">← Experiments</a></p>
    <h1>${r.experiment.name} ${statusBadge(r.experiment.status)}</h1>
    <p><code>${r.experiment.id}</code> · slot <code>${r.experiment.slot}</code> · targeting ${targetingName(config, r.experiment.targeting)} · primary goal <code>${r.experiment.goal}</code> within ${r.experiment.windowDays} days of exposure${
      r.period ? ` · ${shortDay(r.period.from)} – ${shortDay(r.period.to)}` : ''
    }</p>
  </div>
</div>
<div class="notice ${verdictTone(r)}" role="status"><div class="verdict">${r.verdict}</div>${
    r.srm.mismatch
      ? html`<p>The split of visitors between variants is far from the configured weights (sample ratio mismatch). Something assigns or counts visitors unevenly (bots, redirects, a variant that fails to load); fix that before reading the numbers.</p>`
      : ''
  }</div>
<section class="kpis">
  <div class="kpi"><div class="label">Visitors in the test</div><div class="value">${formatCount(visitors)}</div><div class="sub">exposed at least once</div></div>
  <div class="kpi"><div class="label">Converted visitors</div><div class="value">${formatCount(conversions)}</div><div class="sub">goal <code>${r.experiment.goal}</code></div></div>
  <div class="kpi"><div class="label">Control rate</div><div class="value">${control ? pct(control.rate) : '–'}</div><div class="sub">${control ? `variant ${control.id}` : ''}</div></div>
  <div class="kpi"><div class="label">Significance level</div><div class="value">${Number(r.alpha.toPrecision(3))}</div><div class="sub">${r.variants.length > 2 ? 'per comparison (Bonferroni)' : 'two-sided'}</div></div>
</section>
<section class="card">
  <div class="card-head"><h2>Variants</h2><p>Small print under a rate or uplift: its 95% interval. Uplift is relative to control.</p></div>
  <div class="table-scroll"><table class="results">
    <thead><tr><th>Variant</th><th class="num">Visitors</th><th class="num">Conversions</th><th class="num">Conversion rate</th><th class="num">Uplift</th><th class="num">p-value</th><th class="num">Chance to beat control</th><th>Significant</th></tr></thead>
    <tbody>${r.variants.map((v) => variantRow(v, colors[v.id]!))}</tbody>
  </table></div>
</section>
<section class="card">
  <div class="card-head"><h2>Conversion rate with its 95% interval</h2><p>Dashed line: the control's rate. Bars that overlap a lot may be the same.</p></div>
  ${raw(interval)}
</section>
<section class="card">
  <div class="card-head"><h2>Cumulative conversion rate</h2><p>Early days swing; the lines settle as visitors accumulate.</p></div>
  ${raw(cumulativeChart(r, colors))}
</section>
${
  r.secondary.length
    ? html`<section class="card"><div class="card-head"><h2>Secondary goals</h2><p>For context only: the verdict is about the primary goal.</p></div>
<table><thead><tr><th>Goal</th><th>Variant</th><th class="num">Conversions</th><th class="num">Rate</th><th class="num">Uplift</th><th class="num">p-value</th></tr></thead><tbody>${r.secondary.flatMap((g) =>
        g.variants.map(
          (v, i) => html`<tr><td>${i === 0 ? html`<code>${g.goal}</code>` : ''}</td><td>${v.id}${v.control ? ' (control)' : ''}</td><td class="num">${formatCount(v.conversions)}</td><td class="num">${pct(v.rate)}</td><td class="num">${v.uplift === null ? '–' : signedPct(v.uplift)}</td><td class="num">${formatP(v.pValue)}</td></tr>`,
        ),
      )}</tbody></table></section>`
    : ''
}
<section class="card">
  <details><summary><strong>How to read these results</strong></summary>
  <p class="muted">Each visitor counts once, in the variant they were shown; a conversion is a visitor who reached the goal within ${r.experiment.windowDays} days of first seeing the test. The <em>95% interval</em> is the range the true rate most plausibly lies in; when two intervals overlap a lot the difference may be noise. The <em>p-value</em> is how surprising the difference would be if the variants were really equal; a difference is called significant below ${Number(r.alpha.toPrecision(3))}. <em>Chance to beat control</em> is the Bayesian probability that the variant's true rate is higher. No winner is named before every variant has 100 visitors and 10 conversions, and results are flagged when the split of visitors does not match the weights (sample ratio mismatch). Decide on the primary goal you set before the test, and avoid stopping the moment a result first looks significant.</p>
  </details>
</section>`;
}
