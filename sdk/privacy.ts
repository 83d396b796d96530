/**
 * Scrubbing personal data before anything is stored or sent. Pure functions
 * (no DOM), so they are tested in Node and reused by every event builder.
 */

/**
 * An e-mail address, plain or percent-encoded (`%40`), anywhere in a string. The
 * quantifiers are bounded (RFC 5321 lengths) so a long value can't make the search
 * quadratic: an unbounded `[\w.]+@` takes seconds on a 70 KB string.
 */
const EMAIL = /[\w.%+-]{1,64}(?:@|%40)[\w-]{1,63}\.[\w.-]{1,190}/i;

/**
 * Query parameters that name personal data. Campaign tags (`utm_*`) and click ids
 * (`gclid`, `fbclid`, `msclkid`, …) never match, so the edge can still classify the visit.
 */
const PERSONAL = /^(?:e-?mail|mail|phone|mobile|tel|(?:first_|last_|[fl])?name|address|zip|postcode|password|token|ssn)$/i;

/**
 * `url` made absolute against `base`, without personal parameters, e-mail
 * addresses (query or path) and the fragment (OAuth tokens travel there; the
 * edge never reads it); cut to the edge's 2,048-character limit. '' for an empty
 * or invalid URL.
 */
export const cleanUrl = (url: string | null | undefined, base?: string): string => {
  try {
    if (!url) return '';
    const u = new URL(url, base);
    const q = u.searchParams;
    for (const [k, v] of [...q]) if (PERSONAL.test(k) || EMAIL.test(v)) q.delete(k);
    u.hash = '';
    // split() with a non-global regex still splits at every match
    return (u + '').split(EMAIL).join('').slice(0, 2048);
  } catch {
    return '';
  }
};

/** A shallow copy of event properties without values that contain an e-mail address. */
export const scrub = (props?: Record<string, unknown>): Record<string, any> => {
  const out = { ...props };
  for (const k in out) if (EMAIL.test(out[k] as string)) delete out[k];
  return out;
};

/** A comma list (`"shoes, running"`) as names of at most 40 characters (the edge trims and lower-cases). */
export const list = (s: string | null | undefined): string[] =>
  (s || '')
    .split(',')
    .map((x) => x.slice(0, 40))
    .filter(String);
