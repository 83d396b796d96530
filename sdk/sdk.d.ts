/**
 * Tailor browser SDK: public types. Shipped as `dist/sdk.d.ts` next to `dist/sdk.mjs`.
 * Self-contained on purpose (no imports), so bundler users need nothing else.
 */

/** A property value the edge accepts (strings up to 512 characters). */
export type PropValue = string | number | boolean | null;
/** Event properties or traits: at most 32 keys of up to 64 characters. */
export type Props = Record<string, PropValue>;

export type ConsentState = 'pending' | 'granted' | 'revoked';

/** Overrides for a page event; anything left out is read from the document. */
export interface PageOptions {
  url?: string;
  title?: string;
  referrer?: string;
  /** Categories the page is about; defaults to `<meta name="tailor:interests" content="shoes,running">`. */
  interests?: string[];
}

/** One condition of a segment's rule, with the visitor's actual value. */
export interface ConditionExplanation {
  /** Plain words with the actual value and a mark, e.g. "Visited at least 3 times in the last 30 days — actual: 5 ✓". */
  text: string;
  /** The condition without the actual value. */
  label: string;
  /** The visitor's value (money in cents; null when unknown). */
  actual: string | number | boolean | null;
  held: boolean;
}

/** Why the visitor is (or is not) in a segment, as `GET /__tailor/segments` explains it. */
export interface SegmentExplanation {
  id: string;
  name: string;
  group: string;
  description: string;
  matched: boolean;
  /** The rule's top-level conditions; matched when all held. */
  conditions: ConditionExplanation[];
}

export type SegmentsListener = (segments: string[], explanations: SegmentExplanation[]) => void;

export interface Tailor {
  /**
   * Records a page view. Page views are automatic (on load, on `history.pushState` /
   * `replaceState` / `popstate`); call this only
   * for a virtual page view the URL does not show.
   * @example tailor.page({ title: 'Checkout step 2' })
   */
  page(options?: PageOptions): void;
  /**
   * Records an action. Names the edge understands: `product_view`, `add_to_cart`,
   * `checkout`, `purchase` (`value`, `currency`), `deal_view`, `interest` (`category`);
   * a `category` prop on product_view / add_to_cart / purchase counts as an interest.
   * @example tailor.track('purchase', { value: 89.9, currency: 'EUR', category: 'shoes' })
   */
  track(name: string, props?: Props): void;
  /**
   * Zero-party traits the visitor gave you (survey answers, preferences). Values that
   * contain an e-mail address are dropped before anything is stored.
   * @example tailor.identify({ plan: 'pro', newsletter: true })
   */
  identify(traits: Props): void;
  /**
   * Records the visitor's choice. `true` persists and sends what was held in memory;
   * `false` purges everything stored locally and tells the edge to forget the profile.
   */
  consent(granted: boolean): void;
  /** The visitor's current segment ids, as the edge evaluates them now. */
  segments(): Promise<string[]>;
  /**
   * Calls `listener` now and whenever a collect reply changes the visitor's segments.
   * @returns a function that removes the listener
   * @example tailor.on('segments', (ids, why) => console.log(ids, why))
   */
  on(event: 'segments', listener: SegmentsListener): () => void;
  /** Sends everything waiting in the outbox now (ignores any back-off). */
  flush(): Promise<void>;
  /** Forgets this browser's unsent events and local state, and asks the edge to forget its profile cookie (e.g. on log-out). */
  reset(): Promise<void>;
}

/** A queued call for the snippet `window.tailor = window.tailor || []; tailor.push([...])`. */
export type Command =
  | ['page', PageOptions?]
  | ['track', string, Props?]
  | ['identify', Props]
  | ['consent', boolean]
  | ['segments']
  | ['on', 'segments', SegmentsListener]
  | ['flush']
  | ['reset'];

/** `window.tailor` once t.js has loaded: the API plus `push` for the queue snippet. */
export interface TailorGlobal extends Tailor {
  push(command: Command): unknown;
}

export declare const page: Tailor['page'];
export declare const track: Tailor['track'];
export declare const identify: Tailor['identify'];
export declare const consent: Tailor['consent'];
export declare const segments: Tailor['segments'];
export declare const on: Tailor['on'];
export declare const flush: Tailor['flush'];
export declare const reset: Tailor['reset'];
declare const tailor: Tailor;
export default tailor;

declare global {
  interface Window {
    tailor?: TailorGlobal | Command[];
  }
}
