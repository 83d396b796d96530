/**
 * The shipped segment catalogue (DESIGN.md, "The segmentation model"): data, not
 * code, so a marketer can change any threshold or add segments in the config.
 *
 * Money is in cents. Windows are days (0 = lifetime). Notes on choices:
 * - `email-responders` reads *counted* e-mail sessions: the edge only counts an
 *   e-mail click once the browser confirms it (mail scanners follow links but run
 *   no scripts). The first response to a newsletter click is personalised by the
 *   request-context segment `campaign-newsletter-arrivals` instead.
 * - `social-users` can read counted sessions directly: the edge counts a social
 *   session on the very first request.
 * - Journey stages are mutually exclusive by referring to each other
 *   (post-purchase > deciding > evaluating > new).
 * - `prefers-email` / `prefers-social`: the rule language cannot compare two
 *   metrics, so "more e-mail than social visits in a year" is approximated by
 *   doubling bands (e-mail ≥ 2 and social ≤ 1, ≥ 4 and ≤ 3, ≥ 8 and ≤ 7, …). A
 *   match always means strictly more; a close call such as 3 vs 2 is left out,
 *   so the two segments never overlap.
 */
import type { Rule, SegmentDef } from './schema.ts';
import type { Counter, WindowDays } from './types.ts';

type Group = SegmentDef['group'];

/** Dashboard labels for the segment groups, in display order. */
export const SEGMENT_GROUP_LABELS: Readonly<Record<Group, string>> = {
  'online-behaviour': 'Online behaviour',
  interests: 'Interests',
  needs: 'Needs',
  journey: 'Journey stage',
  'purchase-behaviour': 'Purchase behaviour',
  value: 'Customer value',
  'campaign-response': 'Campaign response',
  geography: 'Geography',
  demographic: 'Demographic & psychographic (zero-party)',
  combined: 'Combined conditions',
};

/** The demo store's categories (DESIGN.md); one interest segment each. */
const CATEGORIES = ['shoes', 'jackets', 'camping', 'bags'] as const;

/** Value bands on spend over the last 365 days, in cents. */
export const VALUE_BANDS = { high: 50_000, medium: 10_000 } as const;

const m = (metric: Counter | 'daysSinceLastPurchase' | 'daysSinceLastSeen', window: WindowDays, op: 'gte' | 'gt' | 'lte' | 'lt' | 'eq', value: number): Rule =>
  ({ metric, window, op, value }) as Rule;
const seg = (id: string): Rule => ({ segment: id });
const not = (rule: Rule): Rule => ({ not: rule });

/** "More visits from `a` than from `b` in a year", approximated by doubling bands (see the header). */
function prefers(a: Counter, b: Counter): Rule {
  return { any: [2, 4, 8, 16].map((n) => ({ all: [m(a, 365, 'gte', n), m(b, 365, 'lte', n - 1)] })) };
}

const interestSegments: SegmentDef[] = CATEGORIES.map((cat) => ({
  id: `interest-${cat}`,
  name: `Interested in ${cat}`,
  group: 'interests',
  description: `Strong recent interest in ${cat} (score ≥ 3, or ${cat} is the top interest with score ≥ 2); decays with the interest half-life.`,
  rule: { any: [{ interest: cat, min: 3 }, { all: [{ interest: cat, top: true }, { interest: cat, min: 2 }] }] },
}));

export const DEFAULT_SEGMENTS: SegmentDef[] = [
  // ---------------------------------------------------------------- online behaviour
  {
    id: 'website-visitors',
    name: 'Website visitors',
    group: 'online-behaviour',
    description: 'Everyone seen on the site in the last 30 days.',
    rule: { any: [m('sessions', 30, 'gte', 1), m('daysSinceLastSeen', 0, 'lte', 30)] },
  },
  {
    id: 'frequent-visitors',
    name: 'Frequent visitors',
    group: 'online-behaviour',
    description: 'Regular visitors: 4 or more visits in the last 30 days.',
    rule: m('sessions', 30, 'gte', 4),
  },
  {
    id: 'new-visitors',
    name: 'New visitors',
    group: 'online-behaviour',
    description: 'On their first visit (at most one visit ever).',
    rule: m('sessions', 0, 'lte', 1),
  },
  {
    id: 'returning-visitors',
    name: 'Returning visitors',
    group: 'online-behaviour',
    description: 'Have come back: two or more visits ever.',
    rule: m('sessions', 0, 'gte', 2),
  },
  {
    id: 'social-users',
    name: 'Social media users',
    group: 'online-behaviour',
    description: 'Arrived from a social network at least once in the last 90 days.',
    rule: m('sessions.social', 90, 'gte', 1),
  },
  {
    id: 'email-responders',
    name: 'E-mail responders',
    group: 'online-behaviour',
    description: 'Clicked through from an e-mail campaign at least once in the last 90 days (confirmed visits only).',
    rule: m('sessions.email', 90, 'gte', 1),
  },
  {
    id: 'search-visitors',
    name: 'Search visitors',
    group: 'online-behaviour',
    description: 'Arrived from a search engine at least once in the last 90 days.',
    rule: m('sessions.search', 90, 'gte', 1),
  },

  // ---------------------------------------------------------------- interests and needs
  ...interestSegments,
  {
    id: 'deal-seekers',
    name: 'Deal seekers',
    group: 'needs',
    description: 'Looked at sale or deal pages at least twice in the last 30 days.',
    rule: m('dealViews', 30, 'gte', 2),
  },

  // ---------------------------------------------------------------- journey stage (mutually exclusive)
  {
    id: 'journey-new',
    name: 'Journey: new',
    group: 'journey',
    description: 'Exploring: not yet comparing products, no cart and no recent purchase.',
    rule: { all: [not(seg('journey-evaluating')), not(seg('journey-deciding')), not(seg('journey-post-purchase'))] },
  },
  {
    id: 'journey-evaluating',
    name: 'Journey: evaluating',
    group: 'journey',
    description: 'Comparing products: 2 or more product pages in the last 30 days, nothing in the cart yet.',
    rule: { all: [m('productViews', 30, 'gte', 2), not(seg('journey-deciding')), not(seg('journey-post-purchase'))] },
  },
  {
    id: 'journey-deciding',
    name: 'Journey: deciding',
    group: 'journey',
    description: 'Added to cart or started checkout in the last 30 days without buying since.',
    rule: { all: [{ any: [m('cartAdds', 30, 'gte', 1), m('checkouts', 30, 'gte', 1)] }, not(seg('journey-post-purchase'))] },
  },
  {
    id: 'journey-post-purchase',
    name: 'Journey: post-purchase',
    group: 'journey',
    description: 'Bought something in the last 30 days.',
    rule: m('daysSinceLastPurchase', 0, 'lte', 30),
  },

  // ---------------------------------------------------------------- purchase behaviour
  {
    id: 'potential-customers',
    name: 'Potential customers',
    group: 'purchase-behaviour',
    description: 'Never bought, but added to cart or viewed 3+ products in the last 30 days.',
    rule: { all: [m('purchases', 0, 'eq', 0), { any: [m('cartAdds', 30, 'gte', 1), m('productViews', 30, 'gte', 3)] }] },
  },
  {
    id: 'active-customers',
    name: 'Active customers',
    group: 'purchase-behaviour',
    description: 'Bought in the last 90 days.',
    rule: m('daysSinceLastPurchase', 0, 'lte', 90),
  },
  {
    id: 'loyal-customers',
    name: 'Loyal customers',
    group: 'purchase-behaviour',
    description: '3 or more purchases in the last 365 days.',
    rule: m('purchases', 365, 'gte', 3),
  },
  {
    id: 'lapsed-customers',
    name: 'Lapsed customers',
    group: 'purchase-behaviour',
    description: 'Customers whose last purchase was more than 120 days ago.',
    rule: { all: [m('purchases', 0, 'gte', 1), m('daysSinceLastPurchase', 0, 'gt', 120)] },
  },
  {
    id: 'win-back',
    name: 'Win-back: declining high spenders',
    group: 'purchase-behaviour',
    description: 'Spent 200.00+ in the 90 days before last, and spend in the last 90 days fell by at least half.',
    rule: { trend: 'revenue', window: 90, change: 'fell', by: 0.5, minPrevious: 20_000 },
  },

  // ---------------------------------------------------------------- value (every customer is in exactly one band)
  {
    id: 'value-high',
    name: 'High value',
    group: 'value',
    description: 'Spent 500.00 or more in the last 365 days.',
    rule: m('revenue', 365, 'gte', VALUE_BANDS.high),
  },
  {
    id: 'value-medium',
    name: 'Medium value',
    group: 'value',
    description: 'Spent 100.00 to 499.99 in the last 365 days.',
    rule: { all: [m('revenue', 365, 'gte', VALUE_BANDS.medium), m('revenue', 365, 'lt', VALUE_BANDS.high)] },
  },
  {
    id: 'value-low',
    name: 'Low value',
    group: 'value',
    description: 'Customers who spent less than 100.00 in the last 365 days.',
    rule: { all: [m('purchases', 0, 'gte', 1), m('revenue', 365, 'lt', VALUE_BANDS.medium)] },
  },

  // ---------------------------------------------------------------- campaign response
  {
    id: 'prefers-email',
    name: 'Prefers e-mail',
    group: 'campaign-response',
    description: 'Came from e-mail clearly more often than from social media in the last 365 days.',
    rule: prefers('sessions.email', 'sessions.social'),
  },
  {
    id: 'prefers-social',
    name: 'Prefers social media',
    group: 'campaign-response',
    description: 'Came from social media clearly more often than from e-mail in the last 365 days.',
    rule: prefers('sessions.social', 'sessions.email'),
  },
  {
    id: 'campaign-newsletter-arrivals',
    name: 'Arriving from the newsletter',
    group: 'campaign-response',
    description: 'This very request came from an e-mail link, so even the first page shows the e-mail offer.',
    rule: { context: 'medium', eq: 'email' },
  },

  // ---------------------------------------------------------------- geography and zero-party data
  {
    id: 'geo-dach',
    name: 'DACH region',
    group: 'geography',
    description: 'Visiting from Germany, Austria or Switzerland.',
    rule: { context: 'country', in: ['DE', 'AT', 'CH'] },
  },
  {
    id: 'zero-party-outdoor-pro',
    name: 'Outdoor pros (survey)',
    group: 'demographic',
    description: 'Told us in the sign-up survey that their outdoor experience is "pro".',
    rule: { trait: 'experience', eq: 'pro' },
  },

  // ---------------------------------------------------------------- combinations
  {
    id: 'vip-shoe-fans-email',
    name: 'VIP shoe fans on e-mail',
    group: 'combined',
    description: 'High value, top interest shoes and responsive to e-mail.',
    rule: { all: [seg('value-high'), { interest: 'shoes', top: true }, seg('email-responders')] },
  },
];
