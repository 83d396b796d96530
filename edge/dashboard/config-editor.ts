/**
 * The config editor: the live config as JSON with line numbers, Save (PUT
 * /__tailor/api/config), each refused config's issues shown next to the line
 * they refer to, and the saved versions with Restore.
 */
import type { TailorConfig } from '../schema.ts';
import { html, type Safe } from './html.ts';
import { jsonPathLines, lineOfPath } from './json-lines.ts';
import { BASE } from './layout.ts';

export interface ConfigVersion {
  version: number;
  saved_at: number;
  size: number;
}

const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

export function configPage(config: TailorConfig, versions: readonly ConfigVersion[], flash: { saved?: boolean; restored?: string | undefined }): Safe {
  const text = JSON.stringify(config, null, 2);
  return html`
<div class="page-head">
  <div><h1>Config</h1><p>Segments, slot offers and experiments as JSON. Saving validates the whole document; a refused config leaves the live one untouched.</p></div>
  <div class="toolbar">
    <button type="button" class="btn secondary" id="config-format">Format</button>
    <button type="button" class="btn primary" id="config-save">Save config</button>
  </div>
</div>
${flash.saved ? html`<div class="notice success" role="status">Saved. The new config is live; the previous one is kept below as a version.</div>` : ''}
${flash.restored ? html`<div class="notice success" role="status">Version ${flash.restored} restored and live.</div>` : ''}
<div id="config-status" role="status" aria-live="polite"></div>
<section class="card">
  <div class="editor" id="config-editor">
    <div class="gutter" aria-hidden="true"><div id="config-gutter"></div></div>
    <textarea id="config-text" spellcheck="false" autocomplete="off" autocapitalize="off" wrap="off" aria-label="Config JSON">${text}</textarea>
    <div class="notes" aria-hidden="true"><div id="config-notes"><div class="empty">Problems appear here, next to their line.</div></div></div>
  </div>
  <ul class="issues" id="config-issues" aria-label="Problems"></ul>
</section>
<section class="card">
  <div class="card-head"><h2>Previous versions</h2><p>Every save and restore keeps the config it replaced.</p></div>
  <table>
    <thead><tr><th>Version</th><th>Saved</th><th class="num">Size</th><th></th></tr></thead>
    <tbody>${
      versions.length
        ? versions.map(
            (v) => html`<tr><td><strong>#${v.version}</strong></td><td>${when(v.saved_at)}</td><td class="num">${(v.size / 1024).toFixed(1)} KB</td><td><button type="button" class="btn secondary" data-restore="${v.version}">Restore</button></td></tr>`,
          )
        : html`<tr><td colspan="4" class="muted">No previous versions yet: the first save keeps the config it replaces here.</td></tr>`
    }</tbody>
  </table>
</section>`;
}

/**
 * The editor's script. The path-to-line functions are the tested module's own
 * code (Function#toString); `__name` is a no-op stand-in for the helper the
 * Worker bundler may reference when it keeps function names.
 */
export function configScript(): string {
  return `
var __name = function (f) { return f; };
var jsonPathLines = (${jsonPathLines.toString()});
var lineOfPath = (${lineOfPath.toString()});
(function () {
  var LINE = 20;
  var API = '/__tailor/api/config';
  var ta = document.getElementById('config-text');
  var gutter = document.getElementById('config-gutter');
  var notes = document.getElementById('config-notes');
  var list = document.getElementById('config-issues');
  var status = document.getElementById('config-status');
  var saveBtn = document.getElementById('config-save');
  var issues = [];

  function setStatus(kind, text) {
    status.innerHTML = '';
    if (!text) return;
    var div = document.createElement('div');
    div.className = 'notice ' + kind;
    div.textContent = text;
    status.appendChild(div);
  }

  function render() {
    var count = ta.value.split('\\n').length;
    var bad = {};
    issues.forEach(function (i) { (bad[i.line] = bad[i.line] || []).push(i); });
    var frag = document.createDocumentFragment();
    for (var n = 1; n <= count; n++) {
      var d = document.createElement('div');
      d.textContent = n;
      if (bad[n]) d.className = 'err';
      frag.appendChild(d);
    }
    gutter.innerHTML = '';
    gutter.appendChild(frag);
    notes.innerHTML = '';
    Object.keys(bad).forEach(function (line) {
      var note = document.createElement('div');
      note.className = 'note';
      note.setAttribute('data-line', line);
      note.style.top = ((Number(line) - 1) * LINE) + 'px';
      var text = bad[line].map(function (i) { return i.message; }).join(' · ');
      note.textContent = text;
      note.title = 'Line ' + line + ': ' + text;
      notes.appendChild(note);
    });
    list.innerHTML = '';
    issues.forEach(function (i) {
      var li = document.createElement('li');
      var jump = document.createElement('button');
      jump.type = 'button';
      jump.textContent = 'Line ' + i.line;
      jump.addEventListener('click', function () { goTo(i.line); });
      li.appendChild(jump);
      li.appendChild(document.createTextNode((i.path ? ' · ' + i.path : '') + ': ' + i.message));
      list.appendChild(li);
    });
    sync();
  }

  function sync() {
    var y = 'translateY(' + (-ta.scrollTop) + 'px)';
    gutter.style.transform = y;
    notes.style.transform = y;
  }

  function goTo(line) {
    var lines = ta.value.split('\\n');
    var start = 0;
    for (var k = 0; k < line - 1 && k < lines.length; k++) start += lines[k].length + 1;
    ta.focus();
    ta.setSelectionRange(start, start + (lines[line - 1] || '').length);
    ta.scrollTop = Math.max(0, (line - 6) * LINE);
    sync();
  }

  function syntaxLine(err, text) {
    var m = /line (\\d+)/.exec(err.message);
    if (m) return Number(m[1]);
    m = /position (\\d+)/.exec(err.message);
    if (m) return text.slice(0, Number(m[1])).split('\\n').length;
    return 1;
  }

  ta.addEventListener('scroll', sync);
  ta.addEventListener('input', function () {
    if (ta.value.split('\\n').length !== gutter.childNodes.length) render();
  });
  ta.addEventListener('keydown', function (e) {
    if (e.key === 'Tab' && !e.shiftKey) {
      e.preventDefault();
      ta.setRangeText('  ', ta.selectionStart, ta.selectionEnd, 'end');
    }
    if ((e.metaKey || e.ctrlKey) && e.key === 's') {
      e.preventDefault();
      save();
    }
  });

  document.getElementById('config-format').addEventListener('click', function () {
    try {
      ta.value = JSON.stringify(JSON.parse(ta.value), null, 2);
      issues = [];
      setStatus('', '');
      render();
    } catch (err) {
      issues = [{ line: syntaxLine(err, ta.value), path: '', message: 'Not valid JSON: ' + err.message }];
      setStatus('error', 'The text is not valid JSON, so it cannot be formatted.');
      render();
    }
  });

  function save() {
    var text = ta.value;
    try {
      JSON.parse(text);
    } catch (err) {
      issues = [{ line: syntaxLine(err, text), path: '', message: 'Not valid JSON: ' + err.message }];
      setStatus('error', 'Not saved: the text is not valid JSON. The live config is unchanged.');
      render();
      return;
    }
    saveBtn.disabled = true;
    setStatus('info', 'Saving…');
    fetch(API, { method: 'PUT', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: text })
      .then(function (res) {
        return res.json().catch(function () { return null; }).then(function (body) { return { res: res, body: body }; });
      })
      .then(function (r) {
        saveBtn.disabled = false;
        if (r.res.ok) {
          location.href = '${BASE}/config?saved=1';
          return;
        }
        if (r.res.status === 401) {
          setStatus('error', 'Your session has expired: sign in again (copy your changes first).');
          return;
        }
        var error = (r.body && r.body.error) || {};
        if (r.res.status === 422 && Array.isArray(error.issues)) {
          var map = jsonPathLines(text);
          issues = error.issues.map(function (i) { return { line: lineOfPath(map, i.path || ''), path: i.path || '', message: i.message }; });
          issues.sort(function (a, b) { return a.line - b.line; });
          setStatus('error', 'Not saved: ' + issues.length + (issues.length === 1 ? ' problem' : ' problems') + ' (marked next to the lines below). The live config is unchanged.');
          render();
          if (issues.length) goTo(issues[0].line);
          return;
        }
        setStatus('error', 'Not saved: ' + (error.message || ('HTTP ' + r.res.status)));
      })
      .catch(function (err) {
        saveBtn.disabled = false;
        setStatus('error', 'Not saved: ' + err.message);
      });
  }
  saveBtn.addEventListener('click', save);

  document.querySelectorAll('[data-restore]').forEach(function (btn) {
    btn.addEventListener('click', function () {
      var v = btn.getAttribute('data-restore');
      btn.disabled = true;
      fetch(API + '/versions/' + encodeURIComponent(v) + '/restore', { method: 'POST', credentials: 'same-origin' })
        .then(function (res) { return res.json().catch(function () { return null; }).then(function (body) { return { res: res, body: body }; }); })
        .then(function (r) {
          btn.disabled = false;
          if (r.res.ok) location.href = '${BASE}/config?restored=' + encodeURIComponent(v);
          else setStatus('error', 'Not restored: ' + ((r.body && r.body.error && r.body.error.message) || ('HTTP ' + r.res.status)));
        });
    });
  });

  render();
})();
`;
}

