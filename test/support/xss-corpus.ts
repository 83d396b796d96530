/**
 * Hostile strings for XSS tests, and the oracles that decide whether one got
 * through. A payload "got through" when markup Tailor serves contains it (or
 * the dangerous core of it) unescaped, or when the markup's structure (which
 * tags and attributes exist) differs from the same response built with a
 * harmless value. The structure check also catches injections no substring
 * list foresees, e.g. a value breaking out of an unquoted attribute.
 */

export interface XssPayload {
  name: string;
  payload: string;
  /**
   * Substrings that must never appear (case-insensitively) in served markup:
   * the executable core of the payload. Escaped output (`&lt;script&gt;`,
   * `&quot;&gt;&lt;img`) never contains them.
   */
  forbidden: string[];
}

/**
 * Classic vectors: tag injection, attribute breakers (double, single quote,
 * backtick), `javascript:` URLs, closing the context first (`</title>`,
 * `</script>`, `-->`), SVG/MathML, template injection, entity and unicode
 * tricks. Each is at most 40 characters where possible, the longest value a
 * campaign or interest name keeps, so the whole payload reaches the renderer.
 */
export const XSS_PAYLOADS: readonly XssPayload[] = [
  { name: 'script tag', payload: '<script>alert(1)</script>', forbidden: ['<script>alert(1)'] },
  { name: 'img onerror after quote break', payload: '"><img src=x onerror=alert(1)>', forbidden: ['"><img', '<img src=x onerror'] },
  { name: 'single-quote attribute break', payload: "'><svg onload=alert(1)>", forbidden: ["'><svg", '<svg onload'] },
  { name: 'backtick attribute break', payload: '`><img src=x onerror=alert(1)>', forbidden: ['`><img', '<img src=x onerror'] },
  { name: 'event handler in attribute', payload: '" onmouseover="alert(1)', forbidden: ['" onmouseover="alert'] },
  { name: 'unquoted-attribute breaker', payload: 'x onfocus=alert(1) autofocus', forbidden: [] },
  // Harmless as text or in a title; injectionProblems flags it where a URL attribute starts with it.
  { name: 'javascript: URL', payload: 'javascript:alert(1)', forbidden: [] },
  { name: 'javascript: URL, mixed case and tab', payload: 'JaVaScRiPt:\talert(1)//', forbidden: [] },
  { name: 'close title then script', payload: '</title><script>alert(1)</script>', forbidden: ['</title><script', '<script>alert(1)'] },
  { name: 'close script', payload: '</script><script>alert(1)</script>', forbidden: ['</script><script>alert(1)'] },
  { name: 'close textarea', payload: '</textarea><img src=x onerror=alert(1)>', forbidden: ['</textarea><img'] },
  { name: 'comment breaker', payload: '--><img src=x onerror=alert(1)>', forbidden: ['--><img'] },
  { name: 'svg onload', payload: '<svg/onload=alert(1)>', forbidden: ['<svg/onload'] },
  { name: 'iframe srcdoc', payload: '<iframe srcdoc="<b>x</b>">', forbidden: ['<iframe'] },
  { name: 'mathml/details', payload: '<details open ontoggle=alert(1)>', forbidden: ['<details open'] },
  { name: 'template injection', payload: '{{country}}{{constructor}}', forbidden: [] },
  { name: 'template injection with fallback', payload: '{{city|<b>x</b>}}', forbidden: ['<b>x</b>'] },
  // Must come out as `&amp;lt;…`: decoded once by the browser, it is text again. (alert(2): no other payload escapes to it.)
  { name: 'html entities pre-encoded', payload: '&lt;img src=x onerror=alert(2)&gt;', forbidden: ['&lt;img src=x onerror=alert(2)'] },
  { name: 'unicode escapes (JS style)', payload: '\\u003cscript\\u003ealert(1)', forbidden: [] },
  { name: 'fullwidth angle brackets', payload: '\uff1cscript\uff1ealert(1)', forbidden: [] },
  { name: 'null byte inside tag', payload: '<scr\u0000ipt>alert(1)</scr\u0000ipt>', forbidden: ['<scr\u0000ipt', '<scr\ufffdipt'] },
  { name: 'lone surrogate + tag', payload: '\ud800<b onclick=alert(1)>', forbidden: ['<b onclick'] },
  { name: 'style expression', payload: '<style>*{x:expression(alert(1))}</style>', forbidden: ['<style>*{'] },
  { name: 'meta refresh', payload: '<meta http-equiv=refresh content=0>', forbidden: ['<meta http-equiv'] },
  { name: 'base href hijack', payload: '<base href=//evil.example/>', forbidden: ['<base href'] },
];

const ATTR = /([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?/g;
const TAG = /<\/?([a-zA-Z][\w:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?|\s*\/)*)\s*>/g;

/** Comments, and script/style/textarea/title bodies, are opaque text: only their existence counts. */
function stripOpaque(html: string): string {
  return html.replace(/<!--[\s\S]*?-->/g, '<!---->').replace(/<(script|style|textarea|title)\b([^>]*)>[\s\S]*?<\/\1\s*>/gi, (_m, tag: string, attrs: string) => `<${tag}${attrs}></${tag}>`);
}

interface Tag {
  name: string;
  closing: boolean;
  attrs: { name: string; value: string }[];
}

/** The tags of a document with their attributes (values unquoted, entities left as they are). */
export function tags(html: string): Tag[] {
  const out: Tag[] = [];
  for (const m of stripOpaque(html).matchAll(TAG)) {
    const attrs = [...m[2]!.matchAll(ATTR)].map((a) => ({ name: a[1]!.toLowerCase(), value: (a[2] ?? '').replace(/^["']|["']$/g, '') }));
    out.push({ name: m[1]!.toLowerCase(), closing: m[0]!.startsWith('</'), attrs });
  }
  return out;
}

/** Names of elements and attributes as they appear in markup, in document order (a tag signature). */
export function markupShape(html: string): string[] {
  return tags(html).map((t) => `${t.closing ? '/' : ''}${t.name}${t.attrs.length ? `[${t.attrs.map((a) => a.name).join(',')}]` : ''}`);
}

const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc', 'poster']);

/**
 * The problems a payload caused in served markup: forbidden substrings found,
 * generic signs of a live injection (an `on*` attribute whose value calls
 * `alert`, a URL attribute starting `javascript:`), and (given a baseline
 * served with a harmless value) any difference in the tag/attribute
 * structure. Empty means safe.
 */
export function injectionProblems(markup: string, payload: XssPayload, baseline?: string): string[] {
  const problems: string[] = [];
  const lower = markup.toLowerCase();
  for (const f of payload.forbidden) if (lower.includes(f.toLowerCase())) problems.push(`contains ${JSON.stringify(f)}`);
  for (const t of tags(markup)) {
    for (const a of t.attrs) {
      if (a.name.startsWith('on') && /alert/i.test(a.value)) problems.push(`live event handler <${t.name} ${a.name}="${a.value.slice(0, 60)}">`);
      if (URL_ATTRS.has(a.name) && /^\s*javascript:/i.test(a.value.replace(/&#0*9;|&Tab;|[\t\n\r]/gi, ''))) problems.push(`javascript: URL <${t.name} ${a.name}="${a.value.slice(0, 60)}">`);
    }
  }
  if (baseline !== undefined) {
    const a = markupShape(baseline);
    const b = markupShape(markup);
    const i = firstDifference(a, b);
    if (i >= 0) problems.push(`markup structure changed at tag #${i}: ${JSON.stringify(a.slice(i, i + 3))} became ${JSON.stringify(b.slice(i, i + 3))}`);
  }
  return problems;
}

function firstDifference(a: readonly string[], b: readonly string[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}
