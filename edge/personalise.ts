/**
 * Streams an HTML response through HTMLRewriter: fills `data-tailor-slot`
 * elements and tells the SDK what the edge already did. Nothing buffers the
 * body. A handler that throws would truncate the page, so every handler
 * catches and leaves the element's default content.
 */
import { escapeHtml, type RenderedSlot } from './render.ts';

export interface PageAnnotations {
  /** The pageview the edge folded from this request (the SDK's first page event carries it). */
  pvid: string | null;
  consent: 'pending' | 'granted' | 'revoked';
  /** Extra markup appended to <head> (preview toolbar styles, …); trusted. */
  headHtml?: string;
  /** Extra markup appended to <body> (preview toolbar); trusted. */
  bodyHtml?: string;
}

export interface PersonaliseHooks {
  onError?: (error: unknown) => void;
  /** A slot was filled (for exposure recording). */
  onSlot?: (name: string, slot: RenderedSlot) => void;
  /** The whole document went through the rewriter. */
  onEnd?: () => void;
}

/** What goes first in <head>: the SDK reads these, and must see them before any script runs. */
export function headMeta(page: PageAnnotations): string {
  let meta = `<meta name="tailor:consent" content="${escapeHtml(page.consent)}">`;
  if (page.pvid) meta += `<meta name="tailor:pvid" content="${escapeHtml(page.pvid)}">`;
  return meta;
}

export function personalise(response: Response, slots: Record<string, RenderedSlot>, page: PageAnnotations, hooks: PersonaliseHooks = {}): Response {
  const onError = hooks.onError ?? (() => {});
  const guard =
    <T>(fn: (arg: T) => void) =>
    (arg: T) => {
      try {
        fn(arg);
      } catch (error) {
        onError(error);
      }
    };
  let headDone = false;
  const rewriter = new HTMLRewriter()
    .on('head', {
      element: guard((el: Element) => {
        if (headDone) return;
        headDone = true;
        el.prepend(headMeta(page), { html: true });
        if (page.headHtml) el.append(page.headHtml, { html: true });
      }),
    })
    .on('[data-tailor-slot]', {
      element: guard((el: Element) => {
        const name = el.getAttribute('data-tailor-slot');
        const slot = name && Object.hasOwn(slots, name) ? slots[name] : undefined;
        if (!slot) return;
        el.setInnerContent(slot.html, { html: true });
        el.setAttribute('data-tailor-segment', slot.segment);
        hooks.onSlot?.(name!, slot);
      }),
    });
  if (page.bodyHtml) {
    const bodyHtml = page.bodyHtml;
    rewriter.on('body', { element: guard((el: Element) => el.append(bodyHtml, { html: true })) });
  }
  if (hooks.onEnd) {
    const onEnd = hooks.onEnd;
    rewriter.onDocument({ end: guard(() => onEnd()) });
  }
  return rewriter.transform(response);
}
