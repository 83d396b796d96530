/**
 * The ESM build (dist/sdk.mjs) for bundler users: the same SDK as the script tag,
 * started on import in a browser (and inert during server-side rendering). It also
 * sets `window.tailor` and drains the snippet's queue, so page scripts can use either.
 * Endpoints are same-origin: `/__tailor/collect`, `/__tailor/segments`, `/__tailor/consent`.
 */
import { start, tailor } from './core.ts';

export const { page, track, identify, consent, segments, on, flush, reset } = tailor;
export default tailor;

if (typeof document != 'undefined') start();
