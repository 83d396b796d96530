/**
 * Preview-link generator: pick segments (and optionally experiment variants), a
 * page and an expiry; POST /__tailor/api/preview-links signs a link that opens
 * the site as that audience (never counted, never cached).
 */
import { SEGMENT_GROUP_LABELS } from '../default-segments.ts';
import type { SegmentDef, TailorConfig } from '../schema.ts';
import { html, type Safe } from './html.ts';

const EXPIRIES: { minutes: number; label: string }[] = [
  { minutes: 60, label: '1 hour' },
  { minutes: 8 * 60, label: '8 hours' },
  { minutes: 24 * 60, label: '1 day' },
  { minutes: 7 * 24 * 60, label: '7 days' },
];

export function previewPage(config: TailorConfig): Safe {
  const groups = (Object.keys(SEGMENT_GROUP_LABELS) as SegmentDef['group'][])
    .map((g) => ({ label: SEGMENT_GROUP_LABELS[g], segments: config.segments.filter((s) => s.group === g) }))
    .filter((g) => g.segments.length > 0);
  return html`
<div class="page-head"><div><h1>Preview links</h1><p>Open any page as a chosen audience: the link shows the offers those segments get, with a toolbar, and is never counted in reports.</p></div></div>
<form class="card" id="preview-form">
  <div class="card-head"><h2>1. Segments</h2><p>The page is evaluated as exactly these segments.</p></div>
  <div class="checks">${groups.map(
    (g) => html`<fieldset><legend>${g.label}</legend>${g.segments.map(
      (s) => html`<label><input type="checkbox" name="segment" value="${s.id}"><span>${s.name} <span class="seg-id">${s.id}</span></span></label>`,
    )}</fieldset>`,
  )}</div>
  ${
    config.experiments.length
      ? html`<div class="card-head step"><h2>2. Experiment variants</h2><p>Optional: force a variant instead of the normal assignment.</p></div>
  <div class="form-row">${config.experiments.map(
    (e) => html`<label>${e.name}<select name="variant" data-experiment="${e.id}"><option value="">Normal assignment</option>${e.variants.map(
      (v) => html`<option value="${v.id}">${v.id}${v.control ? ' (control)' : ''}</option>`,
    )}</select></label>`,
  )}</div>`
      : ''
  }
  <div class="card-head step"><h2>${config.experiments.length ? '3' : '2'}. Page and expiry</h2><p>The link opens this page; any page of the site can be browsed from there.</p></div>
  <div class="form-row">
    <label>Page path<input type="text" name="path" value="/" pattern="/.*" required size="36"></label>
    <label>Link expires after<select name="ttl">${EXPIRIES.map((e) => html`<option value="${e.minutes}"${e.minutes === 24 * 60 ? ' selected' : ''}>${e.label}</option>`)}</select></label>
  </div>
  <button type="submit" class="btn primary" id="preview-create">Create preview link</button>
  <div id="preview-result" role="status" aria-live="polite"></div>
</form>`;
}

export const PREVIEW_SCRIPT = `
(function () {
  var form = document.getElementById('preview-form');
  var out = document.getElementById('preview-result');
  function show(kind, text) {
    out.innerHTML = '';
    var div = document.createElement('div');
    div.className = 'notice ' + kind;
    div.style.marginTop = '14px';
    div.textContent = text;
    out.appendChild(div);
    return div;
  }
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var segments = Array.prototype.map.call(form.querySelectorAll('input[name=segment]:checked'), function (i) { return i.value; });
    var variants = {};
    form.querySelectorAll('select[data-experiment]').forEach(function (s) { if (s.value) variants[s.getAttribute('data-experiment')] = s.value; });
    var body = { path: form.path.value || '/', segments: segments, variants: variants, ttlMinutes: Number(form.ttl.value) };
    fetch('/__tailor/api/preview-links', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (res) { return res.json().catch(function () { return null; }).then(function (b) { return { res: res, body: b }; }); })
      .then(function (r) {
        if (!r.res.ok || !r.body || !r.body.url) {
          var msg = r.res.status === 404 ? 'The preview-link service is not available on this deployment yet.' : ((r.body && r.body.error && r.body.error.message) || ('HTTP ' + r.res.status));
          show('error', 'No link: ' + msg);
          return;
        }
        var box = show('success', segments.length ? 'Preview as ' + segments.length + (segments.length === 1 ? ' segment' : ' segments') + (r.body.expires ? ', valid until ' + r.body.expires.replace('T', ' ').slice(0, 16) + ' UTC' : '') + ':' : 'Preview as a visitor in no segment:');
        var row = document.createElement('div');
        row.className = 'link-out';
        var input = document.createElement('input');
        input.type = 'text';
        input.readOnly = true;
        input.value = r.body.url;
        input.id = 'preview-url';
        input.setAttribute('aria-label', 'Preview link');
        var copy = document.createElement('button');
        copy.type = 'button';
        copy.className = 'btn secondary';
        copy.textContent = 'Copy';
        copy.addEventListener('click', function () {
          input.select();
          (navigator.clipboard ? navigator.clipboard.writeText(input.value) : Promise.reject()).then(function () { copy.textContent = 'Copied'; }, function () { document.execCommand('copy'); copy.textContent = 'Copied'; });
        });
        var open = document.createElement('a');
        open.className = 'btn secondary';
        open.href = r.body.url;
        open.target = '_blank';
        open.rel = 'noopener';
        open.textContent = 'Open';
        row.appendChild(input);
        row.appendChild(copy);
        row.appendChild(open);
        box.appendChild(row);
      })
      .catch(function (err) { show('error', 'No link: ' + err.message); });
  });
})();
`;
