/**
 * Choosing and rendering each slot's offer. Pure: the HTML rewrite and the
 * collect reply both call `renderSlots`, so the page and the SDK always agree.
 */
import type { Offer, TailorConfig } from './schema.ts';
import type { RequestContext } from './types.ts';

export interface RenderedSlot {
  /** The segment whose offer won, or `exp:<experiment>:<variant>` for an experiment variant. */
  segment: string;
  html: string;
}

export type PlaceholderValues = Record<string, string | null | undefined>;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(value: unknown): string {
  // toWellFormed: a lone surrogate (e.g. in a cf value or a config name) would make HTMLRewriter refuse the whole insert.
  return String(value ?? '').toWellFormed().replace(/[&<>"'`]/g, (ch) => ESCAPES[ch]!);
}

/**
 * Fills `{{name}}` and `{{name|fallback}}` with HTML-escaped values. Offers are
 * trusted admin HTML; the values come from URLs and visitors, so they are always escaped.
 */
export function fillPlaceholders(html: string, values: PlaceholderValues): string {
  if (!html.includes('{{')) return html;
  return html.replace(/\{\{\s*([a-z_]+)\s*(?:\|([^}]*))?\}\}/gi, (_m, name: string, fallback?: string) => {
    const v = values[name.toLowerCase()];
    // Whitespace and `=` are encoded too, so even an unquoted attribute cannot gain a new attribute.
    return escapeHtml(v === null || v === undefined || v === '' ? (fallback ?? '').trim() : v).replace(/[\s=]/g, (ch) => `&#${ch.charCodeAt(0)};`);
  });
}

/** Per slot, the offers sorted by priority (highest first); cached per config object. */
const sortedOffers = new WeakMap<TailorConfig, [string, Offer[]][]>();

function offersBySlot(config: TailorConfig): [string, Offer[]][] {
  let s = sortedOffers.get(config);
  if (!s) {
    s = Object.entries(config.slots).map(([slot, offers]) => [slot, [...offers].sort((a, b) => b.priority - a.priority)]);
    sortedOffers.set(config, s);
  }
  return s;
}

/**
 * The winning offer for every slot: an experiment variant for that slot first,
 * else the highest-priority offer whose segment the visitor is in. Slots with no
 * match are absent, so the page keeps its own default content.
 */
export function renderSlots(
  config: TailorConfig,
  segments: readonly string[],
  values: PlaceholderValues,
  experimentOffers: Record<string, { experiment: string; variant: string; html: string }> = {},
): Record<string, RenderedSlot> {
  const member = new Set(segments);
  const out: Record<string, RenderedSlot> = {};
  for (const [slot, offers] of offersBySlot(config)) {
    const offer = offers.find((o) => member.has(o.segment));
    if (offer) out[slot] = { segment: offer.segment, html: fillPlaceholders(offer.html, values) };
  }
  for (const [slot, v] of Object.entries(experimentOffers)) {
    out[slot] = { segment: `exp:${v.experiment}:${v.variant}`, html: fillPlaceholders(v.html, values) };
  }
  return out;
}

/** Placeholder values for a request: context fields plus the visitor's top interest. */
export function placeholderValues(context: RequestContext, interest: string | null): PlaceholderValues {
  return {
    country: context.country,
    region: context.region,
    city: context.city,
    device: context.device,
    medium: context.medium,
    source: context.source,
    utm_campaign: context.utm_campaign,
    interest,
  };
}
