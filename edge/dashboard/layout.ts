/**
 * The dashboard's page shell: one self-contained HTML document per page (no
 * external assets), a top bar with navigation and sign-out, and the styles.
 * Scripts carry the per-response CSP nonce.
 */
import { html, raw, type Safe } from './html.ts';

export const BASE = '/__tailor/admin';

export type Section = 'segments' | 'traffic' | 'experiments' | 'preview' | 'config';

const NAV: { id: Section; label: string; href: string }[] = [
  { id: 'segments', label: 'Segments', href: BASE },
  { id: 'traffic', label: 'Traffic', href: `${BASE}/traffic` },
  { id: 'experiments', label: 'Experiments', href: `${BASE}/experiments` },
  { id: 'preview', label: 'Preview links', href: `${BASE}/preview` },
  { id: 'config', label: 'Config', href: `${BASE}/config` },
];

/** Content-Security-Policy for dashboard pages: nothing external, scripts only with the nonce. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `script-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="22" height="22" viewBox="0 0 24 24" aria-hidden="true"><rect width="24" height="24" rx="6" fill="#6366f1"/><path d="M6 8h12M12 8v10" stroke="#fff" stroke-width="2.6" stroke-linecap="round"/></svg>';
export const LOGO = raw(LOGO_SVG);
/** Inline, so the browser does not ask the site for /favicon.ico. */
const FAVICON = `data:image/svg+xml,${encodeURIComponent(LOGO_SVG)}`;

export function page(opts: { title: string; section?: Section; nonce: string; body: Safe; scripts?: string[]; signedIn?: boolean }): string {
  const nav = opts.signedIn === false
    ? ''
    : html`<nav aria-label="Dashboard">${NAV.map(
        (n) => html`<a href="${n.href}"${n.id === opts.section ? raw(' aria-current="page"') : ''}>${n.label}</a>`,
      )}</nav>
      <form method="post" action="${BASE}/logout" class="signout"><button type="submit">Sign out</button></form>`;
  const doc = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<link rel="icon" href="${FAVICON}">
<title>${opts.title} · Tailor admin</title>
<style>${raw(STYLES)}</style>
</head>
<body>
<header class="topbar"><div class="topbar-inner"><a class="brand" href="${BASE}">${LOGO}<span>Tailor</span><small>admin</small></a>${nav}</div></header>
<main class="content">${opts.body}</main>
${(opts.scripts ?? []).map((s) => html`<script nonce="${opts.nonce}">${raw(s)}</script>`)}
</body>
</html>`;
  return doc.value;
}

export const STYLES = `
:root{--bg:#f1f5f9;--card:#fff;--line:#e2e8f0;--text:#0f172a;--muted:#475569;--faint:#64748b;--accent:#4f46e5;--accent-2:#eef2ff;--up:#15803d;--up-bg:#dcfce7;--down:#b91c1c;--down-bg:#fee2e2;--warn:#92400e;--warn-bg:#fef3c7;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--text);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--accent)}
h1{font-size:22px;margin:0 0 4px;letter-spacing:-.01em}
h2{font-size:16px;margin:0}
h3{font-size:14px;margin:0}
p{margin:0 0 8px}
code,.mono{font-family:var(--mono);font-size:12.5px}
.topbar{background:#0f172a;color:#e2e8f0;position:sticky;top:0;z-index:5}
.topbar-inner{max-width:1240px;margin:0 auto;display:flex;align-items:center;gap:28px;padding:0 24px;height:56px}
.brand{display:flex;align-items:center;gap:8px;color:#fff;text-decoration:none;font-weight:700;font-size:16px}
.brand small{font-weight:500;color:#94a3b8;font-size:12px;text-transform:uppercase;letter-spacing:.08em}
.topbar nav{display:flex;gap:4px;flex:1;overflow-x:auto}
.topbar nav a{color:#cbd5e1;text-decoration:none;padding:7px 12px;border-radius:7px;white-space:nowrap;font-weight:500}
.topbar nav a:hover{background:#1e293b;color:#fff}
.topbar nav a[aria-current=page]{background:#312e81;color:#fff}
.signout button{background:transparent;border:1px solid #334155;color:#cbd5e1;border-radius:7px;padding:6px 12px;font:inherit;cursor:pointer}
.signout button:hover{border-color:#64748b;color:#fff}
.content{max-width:1240px;margin:0 auto;padding:24px 24px 64px}
.page-head{display:flex;align-items:flex-end;justify-content:space-between;gap:16px;margin-bottom:18px;flex-wrap:wrap}
.page-head p{color:var(--muted);margin:0}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:18px 20px;margin-bottom:18px;box-shadow:0 1px 2px rgba(15,23,42,.04)}
.card-head{display:flex;align-items:baseline;justify-content:space-between;gap:12px;margin-bottom:12px;flex-wrap:wrap}
.card-head p{color:var(--faint);margin:0;font-size:13px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:14px;margin-bottom:18px}
.kpi{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:14px 16px}
.kpi .label{color:var(--muted);font-size:12.5px;font-weight:500}
.kpi .value{font-size:26px;font-weight:700;letter-spacing:-.02em;margin-top:2px;font-variant-numeric:tabular-nums}
.kpi .sub{color:var(--faint);font-size:12.5px}
table{border-collapse:collapse;width:100%}
th{text-align:left;font-size:12px;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.04em;padding:8px 10px;border-bottom:1px solid var(--line);white-space:nowrap}
td{padding:10px;border-bottom:1px solid #f1f5f9;vertical-align:top}
tr:last-child td{border-bottom:0}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.num{font-weight:600}
table.catalogue{table-layout:fixed}
.catalogue col.c-seg{width:30%}.catalogue col.c-rule{width:27%}.catalogue col.c-num{width:70px}.catalogue col.c-spark{width:150px}.catalogue col.c-trend{width:158px}
.table-scroll{overflow-x:auto}
.results td,.results th{white-space:nowrap}
.results .ci{display:block;font-weight:400;color:var(--faint);font-size:12px}
.seg-name{font-weight:600}
.seg-id{color:var(--faint);font-family:var(--mono);font-size:11.5px}
.seg-desc{color:var(--muted);font-size:13px;margin-top:2px}
.rule{color:#334155;font-size:12.5px;background:#f8fafc;border:1px solid #eef2f7;border-radius:6px;padding:5px 8px}
.group-title{display:flex;align-items:center;gap:10px;margin:0 0 8px}
.group-title .count{color:var(--faint);font-weight:500;font-size:13px}
.badge{display:inline-flex;align-items:center;gap:4px;border-radius:999px;padding:2px 9px;font-size:12px;font-weight:600;white-space:nowrap}
.badge.up{background:var(--up-bg);color:var(--up)}
.badge.down{background:var(--down-bg);color:var(--down)}
.badge.flat{background:#f1f5f9;color:var(--muted)}
.badge.new{background:var(--accent-2);color:var(--accent)}
.badge.running{background:var(--up-bg);color:var(--up)}
.badge.draft{background:#f1f5f9;color:var(--muted)}
.badge.stopped{background:var(--warn-bg);color:var(--warn)}
.spark{white-space:nowrap}
.spark svg{display:block}
.toolbar{display:flex;gap:10px;align-items:center;flex-wrap:wrap}
input[type=search],input[type=text],input[type=password],input[type=number],select{font:inherit;font-weight:400;border:1px solid #cbd5e1;border-radius:8px;padding:7px 10px;background:#fff;color:var(--text)}
input:focus,select:focus,textarea:focus,button:focus-visible{outline:2px solid #a5b4fc;outline-offset:1px}
.btn{display:inline-flex;align-items:center;gap:6px;font:inherit;font-weight:600;border-radius:8px;padding:8px 14px;border:1px solid transparent;cursor:pointer;text-decoration:none}
.btn.primary{background:var(--accent);color:#fff}
.btn.primary:hover{background:#4338ca}
.btn.secondary{background:#fff;color:var(--text);border-color:#cbd5e1}
.btn.secondary:hover{background:#f8fafc}
.btn:disabled{opacity:.6;cursor:progress}
.seg-tabs{display:flex;gap:6px}
.seg-tabs a{padding:5px 10px;border-radius:7px;border:1px solid var(--line);background:#fff;text-decoration:none;color:var(--muted);font-weight:500}
.seg-tabs a[aria-current=true]{background:var(--accent-2);border-color:#c7d2fe;color:var(--accent)}
.chart{display:block;max-width:100%;height:auto}
.legend-note{color:var(--faint);font-size:12.5px;margin-top:6px}
.notice{border-radius:10px;padding:12px 14px;margin-bottom:16px;border:1px solid}
.notice.info{background:#eff6ff;border-color:#bfdbfe;color:#1e3a8a}
.notice.success{background:#f0fdf4;border-color:#bbf7d0;color:#14532d}
.notice.warn{background:var(--warn-bg);border-color:#fde68a;color:var(--warn)}
.notice.error{background:#fef2f2;border-color:#fecaca;color:#7f1d1d}
.verdict{font-size:16px;font-weight:600}
.muted{color:var(--muted)}
.faint{color:var(--faint)}
.editor{display:grid;grid-template-columns:auto 1fr minmax(240px,34%);border:1px solid #cbd5e1;border-radius:10px;overflow:hidden;height:560px;background:#fff}
.editor .gutter,.editor textarea,.editor .notes{font:12.5px/20px var(--mono);margin:0;padding:10px 0;overflow:hidden}
.editor .gutter{background:#f8fafc;color:#94a3b8;text-align:right;border-right:1px solid var(--line);user-select:none;min-width:52px}
.editor .gutter div{padding:0 10px 0 8px;height:20px}
.editor .gutter div.err{background:#fee2e2;color:#b91c1c;font-weight:700}
.editor textarea{border:0;resize:none;padding-left:12px;padding-right:12px;white-space:pre;overflow:auto;color:#0f172a;tab-size:2;outline:none}
.editor .notes{background:#fffbfb;border-left:1px solid var(--line);position:relative}
.editor .notes .note{position:absolute;left:0;right:0;padding:0 10px;height:20px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;color:#b91c1c;font-family:system-ui,sans-serif;font-size:12.5px}
.editor .notes .note::before{content:"◀ ";color:#ef4444}
.editor .notes .empty{color:#94a3b8;padding:0 12px;font-family:system-ui,sans-serif}
.issues{margin:10px 0 0;padding:0;list-style:none}
.issues li{padding:6px 10px;border-left:3px solid #ef4444;background:#fef2f2;margin-bottom:6px;border-radius:0 6px 6px 0}
.issues button{font:inherit;background:none;border:0;color:#b91c1c;font-weight:700;cursor:pointer;padding:0;text-decoration:underline}
.checks{columns:3 240px;column-gap:24px}
.checks fieldset{break-inside:avoid;border:0;padding:0;margin:0 0 14px}
.checks legend{font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em;margin-bottom:4px}
.checks label{display:flex;gap:8px;align-items:flex-start;padding:3px 0;cursor:pointer}
.form-row{display:flex;gap:16px;flex-wrap:wrap;margin:12px 0 20px}
.step{border-top:1px solid var(--line);margin-top:18px;padding-top:16px}
.form-row label{display:flex;flex-direction:column;gap:4px;font-weight:600;font-size:13px;color:var(--muted)}
.link-out{display:flex;gap:8px;margin-top:12px}
.link-out input{flex:1;font-family:var(--mono);font-size:12.5px}
.login{min-height:100vh;display:grid;place-items:center;padding:24px}
.login .card{width:100%;max-width:380px;padding:28px}
.login h1{display:flex;align-items:center;gap:10px}
.login label{display:block;font-weight:600;margin:16px 0 6px}
.login input{width:100%}
.login .btn{width:100%;justify-content:center;margin-top:14px}
.dot{display:inline-block;width:10px;height:10px;border-radius:3px;margin-right:6px;vertical-align:-1px}
.sig{font-weight:700}
.sig.yes{color:var(--up)}
.sig.no{color:var(--muted)}
.neg{color:var(--down)}
.pos{color:var(--up)}
`;
