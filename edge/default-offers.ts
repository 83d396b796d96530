// STUB created by the segments task because this file did not exist yet; the
// offers engineer replaces it. Exports the two names edge/config.ts relies on.
import type { Offer } from './schema.ts';

export const DEFAULT_CATEGORIES = ['shoes', 'jackets', 'camping', 'bags'];

export const DEFAULT_OFFERS: Record<string, Offer[]> = {
  hero: [
    { segment: 'campaign-newsletter-arrivals', priority: 100, html: '<h1>Welcome, newsletter reader: 10% off today</h1>' },
    { segment: 'interest-shoes', priority: 50, html: '<h1>New trail shoes are in</h1>' },
  ],
  banner: [{ segment: 'win-back', priority: 100, html: '<p>We miss you: free shipping on your next order</p>' }],
};
