/**
 * Page templates: a document the edge has already parsed once, cut at the places
 * personalisation writes to, so every later request for the same document is
 * filled by splicing bytes instead of running HTMLRewriter over the whole page
 * again (parsing 100 KB costs about 1 ms of Worker CPU; splicing, microseconds).
 *
 * Only documents with a stable identity get a template: a copy in the edge cache
 * (origin.ts tags it with an id when storing it) or a static asset with its
 * ETag. A template is built off the response path from a copy of the first
 * response, and it is only used when it provably writes the same bytes as
 * HTMLRewriter: the analysis fills every slot both ways and compares. Anything
 * unusual (nested slots, a slot on a void element, a non-UTF-8 page, a page
 * over 1 MB) keeps the rewriter for that document.
 */
import { freshnessLeftMs, isHtml } from './origin.ts';
import { headMeta, personalise, type PageAnnotations, type PersonaliseHooks } from './personalise.ts';
import type { RenderedSlot } from './render.ts';
import { randomId } from './request-context.ts';

interface SlotPiece {
  name: string;
  /** The start tag as the page has it (slot left alone). */
  tag: Uint8Array;
  /** The start tag as HTMLRewriter writes it with `data-tailor-segment`, cut where the value goes. */
  tagBefore: string;
  tagAfter: string;
  /** The slot's own default content. */
  content: Uint8Array;
}
type Piece = Uint8Array | SlotPiece | 'head-start' | 'head-end' | 'body-end';

export interface PageTemplate {
  pieces: Piece[];
  bytes: number;
}

/** Larger pages keep the rewriter: a template holds the whole page in isolate memory. */
const MAX_DOCUMENT_BYTES = 1 << 20;
const MAX_TEMPLATES = 200;
const MAX_TOTAL_BYTES = 16 << 20;

const encoder = new TextEncoder();

// ------------------------------------------------------------------ filling

/**
 * Writes the personalised page from a template, as chunks: the same bytes
 * `personalise()` writes for the same slots and annotations, including its
 * failure mode (an insert HTMLRewriter would refuse leaves that default content).
 */
export function fillTemplate(template: PageTemplate, slots: Record<string, RenderedSlot>, page: PageAnnotations, hooks: PersonaliseHooks = {}): Uint8Array[] {
  const out: Uint8Array[] = [];
  const insert = (html: string | undefined) => {
    if (!html) return;
    if (html.isWellFormed()) out.push(encoder.encode(html));
    else hooks.onError?.(new TypeError('insert is not well-formed UTF-16'));
  };
  for (const piece of template.pieces) {
    if (piece instanceof Uint8Array) out.push(piece);
    else if (piece === 'head-start') insert(headMeta(page));
    else if (piece === 'head-end') insert(page.headHtml);
    else if (piece === 'body-end') insert(page.bodyHtml);
    else {
      const slot = Object.hasOwn(slots, piece.name) ? slots[piece.name] : undefined;
      if (slot && slot.html.isWellFormed()) {
        out.push(encoder.encode(piece.tagBefore + slot.segment + piece.tagAfter + slot.html));
        hooks.onSlot?.(piece.name, slot);
      } else {
        if (slot) hooks.onError?.(new TypeError('offer is not well-formed UTF-16'));
        out.push(piece.tag, piece.content);
      }
    }
  }
  hooks.onEnd?.();
  return out;
}

const totalLength = (chunks: Uint8Array[]): number => chunks.reduce((n, chunk) => n + chunk.length, 0);

function copyInto<T extends Uint8Array>(target: T, chunks: Uint8Array[]): T {
  let at = 0;
  for (const chunk of chunks) {
    target.set(chunk, at);
    at += chunk.length;
  }
  return target;
}

/** The chunks as one new buffer (template analysis and body reads). */
const joined = (chunks: Uint8Array[]): Uint8Array<ArrayBuffer> => copyInto(new Uint8Array(totalLength(chunks)), chunks);

/**
 * The chunks in one buffer reused by every template hit. A hit's response is a
 * fixed body, which the runtime sends natively with its length (a streamed page
 * would save this copy, but under `wrangler dev` ran at 0.63–0.70 of the
 * unpersonalised page's throughput). A Response copies a BufferSource body when
 * it is made (Fetch, "extract a body"), so no response sees the buffer change
 * afterwards, and a hit allocates no page-sized buffer (a third of its Worker CPU).
 */
let scratch = new Uint8Array(new ArrayBuffer(0));
function assembled(chunks: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const length = totalLength(chunks);
  if (scratch.length < length) scratch = new Uint8Array(new ArrayBuffer(length + (length >> 2)));
  return copyInto(scratch.subarray(0, length), chunks);
}

// ------------------------------------------------------------------ analysis

/** Comment markers no page contains: a random token per isolate (drawn on first use: not allowed at global scope). */
let markerToken = '';
const token = () => (markerToken ||= `tailor-${randomId(9)}`);
const markers = () => new RegExp(`<!--${token()}:(hs|he|be|ts|cs|ce)-->`, 'g');
const mark = (kind: string) => `<!--${token()}:${kind}-->`;
const segmentValue = () => `${token()}-segment`;

async function rewrite(html: string, setup: (r: HTMLRewriter) => HTMLRewriter): Promise<string> {
  return setup(new HTMLRewriter()).transform(new Response(html)).text();
}

/** The page cut at HTMLRewriter's own insertion points (text, marker, text, …), and the slot names in order. */
async function cut(html: string): Promise<{ parts: (string | { kind: string })[]; names: string[] }> {
  let headSeen = false;
  const names: string[] = [];
  const marked = await rewrite(html, (r) =>
    r
      .on('head', {
        element(el) {
          if (headSeen) return;
          headSeen = true;
          el.prepend(mark('hs'), { html: true });
          el.append(mark('he'), { html: true });
        },
      })
      .on('[data-tailor-slot]', {
        element(el) {
          names.push(el.getAttribute('data-tailor-slot') ?? '');
          el.before(mark('ts'), { html: true });
          el.prepend(mark('cs'), { html: true });
          el.append(mark('ce'), { html: true });
        },
      })
      .on('body', {
        element(el) {
          el.append(mark('be'), { html: true });
        },
      }),
  );
  const parts: (string | { kind: string })[] = [];
  let last = 0;
  for (const m of marked.matchAll(markers())) {
    parts.push(marked.slice(last, m.index), { kind: m[1]! });
    last = m.index + m[0].length;
  }
  parts.push(marked.slice(last));
  return { parts, names };
}

/** Each slot's start tag as HTMLRewriter serialises it once `data-tailor-segment` is set. */
async function taggedStartTags(html: string): Promise<string[]> {
  const tags: string[] = [];
  const marked = await rewrite(html, (r) =>
    r.on('[data-tailor-slot]', {
      element(el) {
        el.before(mark('ts'), { html: true });
        el.setAttribute('data-tailor-segment', segmentValue());
        el.prepend(mark('cs'), { html: true });
      },
    }),
  );
  for (const piece of marked.split(mark('ts')).slice(1)) {
    const end = piece.indexOf(mark('cs'));
    if (end < 0) return [];
    tags.push(piece.slice(0, end));
  }
  return tags;
}

const isMarker = (part: string | { kind: string } | undefined, kind: string) => typeof part === 'object' && part.kind === kind;

/**
 * Builds the template of a UTF-8 HTML document, or null when the document is not
 * one a template can reproduce exactly (then the rewriter keeps serving it).
 */
export async function buildTemplate(bytes: Uint8Array): Promise<PageTemplate | null> {
  let html: string;
  try {
    html = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
  if (html.includes(token())) return null;
  const [{ parts, names }, tags] = await Promise.all([cut(html), taggedStartTags(html)]);
  if (tags.length !== names.length) return null;
  const pieces: Piece[] = [];
  let slot = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (typeof part === 'string') {
      if (part) pieces.push(encoder.encode(part));
    } else if (part.kind === 'hs') pieces.push('head-start');
    else if (part.kind === 'he') pieces.push('head-end');
    else if (part.kind === 'be') pieces.push('body-end');
    else {
      // A slot is exactly: ts, start tag, cs, content, ce. Anything else (a nested slot, a void element) is no template.
      const [tag, content] = [parts[i + 1], parts[i + 3]];
      if (part.kind !== 'ts' || typeof tag !== 'string' || typeof content !== 'string' || !isMarker(parts[i + 2], 'cs') || !isMarker(parts[i + 4], 'ce')) return null;
      const [tagBefore, tagAfter, ...more] = tags[slot]!.split(segmentValue());
      if (tagBefore === undefined || tagAfter === undefined || more.length) return null;
      pieces.push({ name: names[slot++]!, tag: encoder.encode(tag), tagBefore, tagAfter, content: encoder.encode(content) });
      i += 4;
    }
  }
  if (slot !== names.length) return null;
  const template: PageTemplate = { pieces, bytes: bytes.length };
  return (await reproducesRewriter(html, template, names)) ? template : null;
}

/** The proof: with every slot filled, and with none, the template writes HTMLRewriter's exact bytes. */
async function reproducesRewriter(html: string, template: PageTemplate, names: string[]): Promise<boolean> {
  const filled: Record<string, RenderedSlot> = {};
  for (const name of names) filled[name] = { segment: `s-${name}`, html: `<b>${token()} ${name}</b>` };
  const cases: [Record<string, RenderedSlot>, PageAnnotations][] = [
    [filled, { pvid: 'pv', consent: 'granted', headHtml: '<style>p{}</style>', bodyHtml: '<div>toolbar</div>' }],
    [{}, { pvid: null, consent: 'pending' }],
  ];
  for (const [slots, page] of cases) {
    const expected = new Uint8Array(await personalise(new Response(html), slots, page).arrayBuffer());
    const actual = joined(fillTemplate(template, slots, page));
    if (!sameBytes(expected, actual)) return false;
  }
  return true;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Reads a body up to `max` bytes; null when it is longer. A failed read rejects. */
async function readAtMost(body: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return joined(chunks);
}

// ------------------------------------------------------------------ the isolate's templates

/** Per document id: its template, `null` when it cannot have one, `pending` while being built. */
const templates = new Map<string, PageTemplate | null | 'pending'>();
let totalBytes = 0;
export const templateStats = { hits: 0, built: 0, refused: 0, reused: 0 };

function remember(id: string, value: PageTemplate | null): void {
  templates.delete(id);
  templates.set(id, value);
  if (value) totalBytes += value.bytes;
  // Oldest first (Map keeps insertion order; a hit re-inserts).
  for (const [key, old] of templates) {
    if (templates.size <= MAX_TEMPLATES && totalBytes <= MAX_TOTAL_BYTES) break;
    if (old === 'pending') continue;
    templates.delete(key);
    if (old) totalBytes -= old.bytes;
  }
}

/** Marks a template as just used (Map keeps insertion order; eviction takes the oldest first). */
function touch(documentId: string, template: PageTemplate): void {
  templates.delete(documentId);
  templates.set(documentId, template);
}

/** The page filled from a template, on the response's status and headers (its own body, if any, is left unread). */
function fromTemplate(template: PageTemplate, response: Response, slots: Record<string, RenderedSlot>, page: PageAnnotations, hooks: PersonaliseHooks): Response {
  templateStats.hits++;
  return new Response(assembled(fillTemplate(template, slots, page, hooks)), response);
}

/**
 * `personalise()`, served from the document's template when it has one. The
 * first response for a document goes through HTMLRewriter as before, and a copy
 * of it builds the template in the background (`waitUntil`).
 */
export function personaliseDocument(
  response: Response,
  documentId: string | undefined,
  slots: Record<string, RenderedSlot>,
  page: PageAnnotations,
  hooks: PersonaliseHooks & { waitUntil: (p: Promise<unknown>) => void },
): Response {
  const known = documentId === undefined ? undefined : templates.get(documentId);
  if (known && known !== 'pending') {
    touch(documentId!, known);
    // The cached copy's own body is left unread, not cancelled: cancelling costs more than
    // the runtime's drop of an unread subrequest body when the request ends.
    return fromTemplate(known, response, slots, page, hooks);
  }
  if (documentId !== undefined && known === undefined && response.body) {
    templates.set(documentId, 'pending');
    const [forVisitor, forTemplate] = response.body.tee();
    response = new Response(forVisitor, response);
    hooks.waitUntil(
      readAtMost(forTemplate, MAX_DOCUMENT_BYTES).then(
        async (bytes) => {
          const template = bytes ? await buildTemplate(bytes).catch(() => null) : null;
          if (template) templateStats.built++;
          else templateStats.refused++;
          remember(documentId, template);
        },
        // The body failed to arrive (visitor or origin went away): try again with the next request.
        () => templates.delete(documentId),
      ),
    );
  }
  return personalise(response, slots, page, hooks);
}

// ------------------------------------------------------------------ recent documents

/**
 * How long an isolate reuses an edge-cached document it holds the template of
 * without asking the Cache API again: never past the copy's own freshness, and
 * at most this long, so a purge of the edge cache reaches personalised pages
 * within it. A hot page then costs no cache lookup (a subrequest in production)
 * and no body transfer; one cached copy still serves every segment.
 */
export const DOCUMENT_REUSE_MS = 5_000;
const MAX_RECENT = 500;

interface Recent {
  documentId: string;
  /** The cached copy's headers (its status is always 200). */
  headers: [string, string][];
  until: number;
}

/** Per edge-cache key: the document the edge cache gave for it last, and until when it may be reused. */
const recentDocuments = new Map<string, Recent>();

/** Notes which document the edge cache answered for `key` (only fresh, identified HTML pages). */
export function rememberDocument(key: string, documentId: string | undefined, response: Response, now: number): void {
  if (documentId === undefined || response.status !== 200 || !isHtml(response)) return;
  const left = Math.min(DOCUMENT_REUSE_MS, freshnessLeftMs(response.headers, now));
  if (left <= 0) return;
  recentDocuments.delete(key);
  recentDocuments.set(key, { documentId, headers: [...response.headers], until: now + left });
  if (recentDocuments.size > MAX_RECENT) recentDocuments.delete(recentDocuments.keys().next().value!);
}

export interface RecentPage {
  /** The cached copy's status and headers, without its body. */
  head: Response;
  /** `personalise()` for this document, from its template. */
  personalise: (response: Response, slots: Record<string, RenderedSlot>, page: PageAnnotations, hooks?: PersonaliseHooks) => Response;
}

/**
 * The page for `key` when it can be served without the Cache API: its document
 * is still within its reuse window and this isolate holds its template. The
 * template is taken now, so a later eviction cannot leave the page without one.
 */
export function recentPage(key: string, now: number): RecentPage | undefined {
  const recent = recentDocuments.get(key);
  if (!recent) return undefined;
  const template = templates.get(recent.documentId);
  if (recent.until <= now || !template || template === 'pending') {
    if (recent.until <= now) recentDocuments.delete(key);
    return undefined;
  }
  touch(recent.documentId, template);
  templateStats.reused++;
  return {
    head: new Response(null, { status: 200, headers: recent.headers }),
    personalise: (response, slots, page, hooks = {}) => fromTemplate(template, response, slots, page, hooks),
  };
}
