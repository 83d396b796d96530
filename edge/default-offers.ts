/**
 * The demo store's shipped offers (DESIGN.md, "The demo store"): for the slots
 * `hero` (home and newsletter page), `banner` (every page) and `recommendation`
 * (product pages), one offer per segment. Data, not code: a marketer edits these
 * in the config like any other offer.
 *
 * The HTML uses the demo store's CSS classes (demo-site/assets/store.css) and keeps
 * each slot's default shape (one `.banner`, `.hero` or `.reco` root), so an offer
 * fills the slot's reserved height and swapping it in never shifts the page.
 *
 * Priorities: more specific and more valuable beats generic. When a visitor is in
 * several segments with an offer for the same slot, the highest priority wins.
 * Every first-visit segment (social arrival, newsletter click, DACH) outranks the
 * catch-all first-visit ones (new visitor, journey "new"), so those arrivals see
 * their own offer on the very first page.
 */
import type { Offer } from './schema.ts';

export const DEFAULT_CATEGORIES = ['shoes', 'jackets', 'camping', 'bags'] as const;
export type DefaultCategory = (typeof DEFAULT_CATEGORIES)[number];

/** One priority per segment, used for all of its offers. */
export const OFFER_PRIORITIES: Readonly<Record<string, number>> = {
  'win-back': 100,
  'vip-shoe-fans-email': 95,
  'lapsed-customers': 90,
  'loyal-customers': 85,
  'value-high': 80,
  'zero-party-outdoor-pro': 75,
  'active-customers': 65,
  'interest-shoes': 60,
  'interest-jackets': 60,
  'interest-camping': 60,
  'interest-bags': 60,
  'deal-seekers': 58,
  'campaign-newsletter-arrivals': 56,
  'social-users': 54,
  'email-responders': 52,
  'value-medium': 48,
  'frequent-visitors': 45,
  'prefers-email': 42,
  'prefers-social': 42,
  'geo-dach': 40,
  'journey-post-purchase': 38,
  'journey-deciding': 36,
  'journey-evaluating': 34,
  'journey-new': 32,
  'potential-customers': 30,
  'value-low': 24,
  'returning-visitors': 22,
  'new-visitors': 20,
};

/**
 * A distinctive phrase from each segment's banner offer (the banner is on every
 * page). Each phrase appears in no other segment's offer and in no page's default
 * content, so finding it on a page proves that segment's offer was served.
 */
export const OFFER_MARKERS: Readonly<Record<string, string>> = {
  'social-users': 'Welcome, friend from social',
  'email-responders': 'Thanks for reading our letters',
  'campaign-newsletter-arrivals': 'Straight from your inbox',
  'frequent-visitors': 'One of our regulars',
  'new-visitors': 'New to Trailhead?',
  'returning-visitors': 'Welcome back to the trail',
  'interest-shoes': 'Fresh tread for your next trail',
  'interest-jackets': 'Weatherproof your weekend',
  'interest-camping': 'Nights under the stars, sorted',
  'interest-bags': 'Pack smarter, carry lighter',
  'deal-seekers': 'Extra 15% off sale items',
  'journey-new': 'First time gearing up?',
  'journey-evaluating': 'Still comparing?',
  'journey-deciding': 'Ready when you are',
  'journey-post-purchase': 'Thanks for your order',
  'potential-customers': 'Your first order ships free',
  'active-customers': 'Members’ prices unlocked',
  'loyal-customers': 'Your loyalty reward is here',
  'lapsed-customers': 'We’ve missed you on the trail',
  'value-high': 'Priority service for our top customers',
  'value-medium': 'Level up your kit',
  'value-low': 'Small upgrades, big trips',
  'win-back': 'Here’s €25 to welcome you back',
  'prefers-email': 'Inbox-only offers',
  'prefers-social': 'Share your trail, win gear',
  'geo-dach': 'Versandkostenfrei',
  'zero-party-outdoor-pro': 'Pro deal for seasoned adventurers',
  'vip-shoe-fans-email': 'VIP early access',
};

// ---------------------------------------------------------------- products the offers show

interface Product {
  name: string;
  category: DefaultCategory;
  price: number;
  /** Symbol id in /assets/art.svg and its three colours. */
  art: string;
  colors: readonly [string, string, string];
}

/** The demo store's products that offers link to (slug = page name under /products/). */
const PRODUCTS = {
  'trail-runner-x': { name: 'Trail Runner X', category: 'shoes', price: 139, art: 'runner', colors: ['#d9653b', '#f2c14e', '#2b3a33'] },
  'summit-hiker-mid': { name: 'Summit Hiker Mid', category: 'shoes', price: 179, art: 'boot', colors: ['#7a5232', '#c8643b', '#2b2b2b'] },
  'cloudstep-sandal': { name: 'Cloudstep Sandal', category: 'shoes', price: 69, art: 'sandal', colors: ['#3f7d6e', '#e8d9b5', '#2b3a33'] },
  'ridge-shell-jacket': { name: 'Ridge Shell Jacket', category: 'jackets', price: 249, art: 'shell', colors: ['#2f6d8c', '#f2c14e', '#1f3340'] },
  'down-puffer-700': { name: 'Down Puffer 700', category: 'jackets', price: 219, art: 'puffer', colors: ['#c8643b', '#8c3b22', '#2b2b2b'] },
  'windbreaker-lite': { name: 'Windbreaker Lite', category: 'jackets', price: 89, art: 'windbreaker', colors: ['#e2b13c', '#2f4f3a', '#2b3a33'] },
  'alpine-2-tent': { name: 'Alpine 2 Tent', category: 'camping', price: 349, art: 'tent', colors: ['#3f7d4f', '#2b3a33', '#f2c14e'] },
  'ember-stove': { name: 'Ember Stove', category: 'camping', price: 59, art: 'stove', colors: ['#9aa3a6', '#d9653b', '#2b3a33'] },
  'nightfall-sleeping-bag': { name: 'Nightfall Sleeping Bag', category: 'camping', price: 199, art: 'sleepingbag', colors: ['#4a4e8c', '#2b2d52', '#f2c14e'] },
  'trailhead-daypack-24': { name: 'Trailhead Daypack 24', category: 'bags', price: 109, art: 'daypack', colors: ['#c8643b', '#2f4f3a', '#2b3a33'] },
  'expedition-pack-55': { name: 'Expedition Pack 55', category: 'bags', price: 229, art: 'expedition', colors: ['#2f4f3a', '#7ea46b', '#c8643b'] },
  'hip-pack-3': { name: 'Hip Pack 3', category: 'bags', price: 39, art: 'hippack', colors: ['#e2b13c', '#2b3a33', '#9aa3a6'] },
} as const satisfies Record<string, Product>;

type Slug = keyof typeof PRODUCTS;

const CATEGORY_TITLES: Record<DefaultCategory, string> = { shoes: 'Shoes', jackets: 'Jackets', camping: 'Camping', bags: 'Bags' };

// ---------------------------------------------------------------- fragment builders

/** The product illustration (decorative: the text next to it names the product). */
function art(slug: Slug, cls = 'art'): string {
  const p: Product = PRODUCTS[slug];
  const [c1, c2, c3] = p.colors;
  return `<svg class="${cls}" viewBox="0 0 200 160" aria-hidden="true" style="--c1:${c1};--c2:${c2};--c3:${c3}"><use href="/assets/art.svg#${p.art}"/></svg>`;
}

type BannerStyle = 'social' | 'email' | 'campaign' | 'interest' | 'deal' | 'journey' | 'value' | 'vip' | 'geo' | 'pro';

/** One line: tag pill, bold title + text, a link at the end. `extra` goes after the text (e.g. a placeholder pill). */
function banner(style: BannerStyle, tag: string, title: string, text: string, cta: string, href: string, extra = ''): string {
  return (
    `<div class="banner banner--${style}"><span class="banner-tag">${tag}</span>` +
    `<p class="banner-copy"><strong class="banner-title">${title}</strong> <span class="banner-text">${text}</span>${extra}</p>` +
    `<a class="banner-cta" href="${href}">${cta}</a></div>`
  );
}

type Scene = 'dawn' | 'forest' | 'alpine' | 'dusk' | 'night' | 'sale';

interface HeroSpec {
  scene: Scene;
  eyebrow: string;
  title: string;
  text: string;
  primary: readonly [label: string, href: string];
  secondary?: readonly [label: string, href: string];
  product: Slug;
  /** Optional badge over the picture: [bold, small]. */
  badge?: readonly [string, string];
}

function hero(h: HeroSpec): string {
  const secondary = h.secondary ? `<a class="btn btn-ghost" href="${h.secondary[1]}">${h.secondary[0]}</a>` : '';
  const badge = h.badge ? `<span class="hero-badge">${h.badge[0]} <small>${h.badge[1]}</small></span>` : '';
  return (
    `<div class="hero hero--${h.scene}"><div class="hero-copy">` +
    `<p class="hero-eyebrow">${h.eyebrow}</p><h1 class="hero-title">${h.title}</h1><p class="hero-text">${h.text}</p>` +
    `<div class="hero-actions"><a class="btn" href="${h.primary[1]}">${h.primary[0]}</a>${secondary}</div></div>` +
    `<div class="hero-art">${badge}${art(h.product, 'hero-product')}</div></div>`
  );
}

type RecoStyle = 'warm' | 'cool' | 'green' | 'dark';

/** A kicker and two product cards, the shape of the product pages' default "Pairs well with". */
function reco(style: RecoStyle, kicker: string, note: string, slugs: readonly [Slug, Slug], prices: Partial<Record<Slug, string>> = {}): string {
  const cards = slugs
    .map((slug) => {
      const p: Product = PRODUCTS[slug];
      const price = prices[slug] ?? `€${p.price}`;
      return (
        `<a class="reco-card" href="/products/${slug}.html"><span class="thumb tint-${p.category}">${art(slug)}</span>` +
        `<span class="reco-body"><span class="reco-name">${p.name}</span><span class="reco-meta">${CATEGORY_TITLES[p.category]} · ${price}</span></span></a>`
      );
    })
    .join('');
  return `<div class="reco reco--${style}"><p class="reco-kicker">${kicker} <small>${note}</small></p><div class="reco-list">${cards}</div></div>`;
}

// ---------------------------------------------------------------- offers per slot (segment -> html)

const BANNERS: Record<string, string> = {
  // Campaign response and online behaviour: who sent them here.
  'social-users': banner(
    'social',
    'Hello!',
    'Welcome, friend from social.',
    '10% off your first order with code TRAIL10.',
    'Shop community favourites',
    '/#bestsellers',
    ' <span class="tag tag-via">{{source}}</span>',
  ),
  'campaign-newsletter-arrivals': banner(
    'campaign',
    'Newsletter',
    'Straight from your inbox:',
    'free shipping on every pick from this week’s letter.',
    'Open the picks',
    '/newsletter.html#picks',
    ' <span class="tag">{{utm_campaign}}</span>',
  ),
  'email-responders': banner('email', 'Subscribers', 'Thanks for reading our letters.', 'Subscribers shop the autumn drop 48 hours early.', 'Get early access', '/jackets/'),
  'frequent-visitors': banner('value', 'Regular', 'One of our regulars?', 'Here is a standing free-shipping pass for every order this month.', 'Keep exploring', '/#bestsellers'),
  'new-visitors': banner('journey', 'Welcome', 'New to Trailhead?', 'Start with the packing list our crew swears by.', 'Start here', '/blog/packing-list.html'),
  'returning-visitors': banner('journey', 'Hello again', 'Welcome back to the trail.', 'New colours and restocks landed since your last visit.', 'See what’s new', '/#bestsellers'),
  'prefers-email': banner('email', 'Subscribers', 'Inbox-only offers', 'show up here a day before anyone else sees them.', 'See today’s offer', '/sale.html'),
  'prefers-social': banner('social', 'Community', 'Share your trail, win gear:', 'tag #trailheadsupply for a monthly €200 gear prize.', 'Get inspired', '/blog/packing-list.html'),

  // Needs and interests.
  'interest-shoes': banner('interest', 'For you', 'Fresh tread for your next trail.', 'Trail Runner X is back in every size, from EU 40 to 45.', 'Shop shoes', '/shoes/'),
  'interest-jackets': banner('interest', 'For you', 'Weatherproof your weekend.', 'The Ridge Shell keeps the storm out at just 340 g.', 'Shop jackets', '/jackets/'),
  'interest-camping': banner('interest', 'For you', 'Nights under the stars, sorted.', 'Alpine 2 Tent and Nightfall bag together save €40.', 'Shop camping', '/camping/'),
  'interest-bags': banner('interest', 'For you', 'Pack smarter, carry lighter.', 'The Daypack 24 now comes with a free rain cover.', 'Shop bags', '/bags/'),
  'deal-seekers': banner('deal', 'Deal', 'Extra 15% off sale items', 'with code DEAL15, on top of prices already reduced.', 'See the deals', '/sale.html'),

  // Journey stage.
  'journey-new': banner('journey', 'Start here', 'First time gearing up?', 'Our how-to-choose tips make the first pick easy.', 'Read the tips', '/shoes/#tips-title'),
  'journey-evaluating': banner('journey', 'Compare', 'Still comparing?', 'Every product page lists weights and specs side by side.', 'See bestsellers', '/#bestsellers'),
  'journey-deciding': banner('journey', 'Your cart', 'Ready when you are:', '60-day free returns make the choice risk-free.', 'Go to cart', '/cart.html'),
  'journey-post-purchase': banner('journey', 'Order placed', 'Thanks for your order!', 'Our care tips keep new gear going for years.', 'Read the care tips', '/blog/packing-list.html'),

  // Purchase behaviour and value.
  'potential-customers': banner('value', 'First order', 'Your first order ships free,', 'with no minimum spend.', 'Start shopping', '/#bestsellers'),
  'active-customers': banner('value', 'Member', 'Members’ prices unlocked', 'on 40+ items this month.', 'See members’ prices', '/sale.html'),
  'loyal-customers': banner('vip', 'Loyalty', 'Your loyalty reward is here:', '20% off one full-price item, just for you.', 'Redeem now', '/#bestsellers'),
  'lapsed-customers': banner('vip', 'Come back', 'We’ve missed you on the trail.', 'Take 15% off anything for the next 14 days.', 'Come back', '/#bestsellers'),
  'win-back': banner('vip', 'Just for you', 'Here’s €25 to welcome you back', 'on any order over €100, for one of our best customers.', 'Claim €25', '/#bestsellers'),
  'value-high': banner('vip', 'Priority', 'Priority service for our top customers:', 'free express delivery and a personal gear advisor.', 'Meet your advisor', '/#bestsellers'),
  'value-medium': banner('value', 'Reward', 'Level up your kit:', 'spend €150 and get a €20 voucher for your next trip.', 'Find your next piece', '/#bestsellers'),
  'value-low': banner('value', 'Essentials', 'Small upgrades, big trips:', 'bottles, hip packs and stoves under €60.', 'Shop essentials', '/products/hip-pack-3.html'),

  // Geography, zero-party data, combinations.
  'geo-dach': banner(
    'geo',
    'DACH',
    'Versandkostenfrei',
    'to Germany, Austria and Switzerland, delivered in 2 days.',
    'Jetzt entdecken',
    '/#bestsellers',
    ' <span class="tag">{{country}}</span>',
  ),
  'zero-party-outdoor-pro': banner('pro', 'Pro', 'Pro deal for seasoned adventurers:', '20% off technical shells and packs.', 'Shop pro gear', '/products/expedition-pack-55.html'),
  'vip-shoe-fans-email': banner('vip', 'VIP', 'VIP early access:', 'Trail Runner X2 is yours 48 hours before launch.', 'Reserve a pair', '/products/trail-runner-x.html'),
};

const HEROES: Record<string, string> = {
  'social-users': hero({
    scene: 'dusk',
    eyebrow: 'As seen on your feed <span class="tag tag-via">{{source}}</span>',
    title: 'Gear our community loves',
    text: 'The gear behind the photos: light, tough and ready for the weekend. Your first order is 10% off with code TRAIL10.',
    primary: ['Shop favourites', '/#bestsellers'],
    secondary: ['Read the packing list', '/blog/packing-list.html'],
    product: 'trail-runner-x',
    badge: ['#trailheadsupply', '12k posts'],
  }),
  'campaign-newsletter-arrivals': hero({
    scene: 'alpine',
    eyebrow: 'From this week’s newsletter <span class="tag">{{utm_campaign}}</span>',
    title: 'Your newsletter picks are in',
    text: 'Everything from the letter in one place, with free shipping on the picks all week.',
    primary: ['See this week’s picks', '/newsletter.html#picks'],
    secondary: ['Shop jackets', '/jackets/'],
    product: 'down-puffer-700',
    badge: ['Free shipping', 'on this week’s picks'],
  }),
  'email-responders': hero({
    scene: 'alpine',
    eyebrow: 'For subscribers',
    title: 'Autumn drop: 48 hours early',
    text: 'New shells and insulated layers, before anyone else. Subscribers shop first.',
    primary: ['Shop the drop', '/jackets/'],
    product: 'ridge-shell-jacket',
  }),
  'interest-shoes': hero({
    scene: 'dawn',
    eyebrow: 'Picked for you: shoes',
    title: 'Find your perfect trail shoe',
    text: 'Grippy runners, supportive boots and camp sandals. Free exchanges if the size is not right.',
    primary: ['Shop shoes', '/shoes/'],
    secondary: ['Trail Runner X', '/products/trail-runner-x.html'],
    product: 'trail-runner-x',
    badge: ['4.7 ★', '412 reviews'],
  }),
  'interest-jackets': hero({
    scene: 'alpine',
    eyebrow: 'Picked for you: jackets',
    title: 'Stay dry, stay out longer',
    text: 'Three-layer shells, 700-fill down and wind layers that pack smaller than an apple.',
    primary: ['Shop jackets', '/jackets/'],
    secondary: ['Ridge Shell Jacket', '/products/ridge-shell-jacket.html'],
    product: 'ridge-shell-jacket',
    badge: ['340 g', 'fully waterproof'],
  }),
  'interest-camping': hero({
    scene: 'night',
    eyebrow: 'Picked for you: camping',
    title: 'Make camp anywhere',
    text: 'A tent that pitches in four minutes, a stove that boils in three and a bag rated for real nights.',
    primary: ['Shop camping', '/camping/'],
    secondary: ['Alpine 2 Tent', '/products/alpine-2-tent.html'],
    product: 'alpine-2-tent',
    badge: ['1.6 kg', 'for two'],
  }),
  'interest-bags': hero({
    scene: 'forest',
    eyebrow: 'Picked for you: bags',
    title: 'Carry everything, feel nothing',
    text: 'Ventilated daypacks, trekking packs that carry 18 kg and hip packs for the essentials.',
    primary: ['Shop bags', '/bags/'],
    secondary: ['Daypack 24', '/products/trailhead-daypack-24.html'],
    product: 'trailhead-daypack-24',
    badge: ['Free rain cover', 'with the Daypack 24'],
  }),
  'deal-seekers': hero({
    scene: 'sale',
    eyebrow: 'Deals for you',
    title: 'Deals on last season’s colours',
    text: 'Up to 25% off in the sale, and code DEAL15 takes another 15% off at checkout.',
    primary: ['See the deals', '/sale.html'],
    product: 'cloudstep-sandal',
    badge: ['Code DEAL15', 'extra 15% off'],
  }),
  'win-back': hero({
    scene: 'dawn',
    eyebrow: 'Just for you',
    title: 'We saved you €25',
    text: 'It has been a while. Spend €100 or more and take €25 off, valid for 30 days.',
    primary: ['Claim your €25', '/#bestsellers'],
    product: 'summit-hiker-mid',
    badge: ['€25 off', 'orders over €100'],
  }),
  'vip-shoe-fans-email': hero({
    scene: 'night',
    eyebrow: 'VIP preview',
    title: 'Yours first: Trail Runner X2',
    text: 'You love your shoes and read our letters, so you get the new X2 48 hours before everyone else.',
    primary: ['Reserve a pair', '/products/trail-runner-x.html'],
    product: 'trail-runner-x',
    badge: ['VIP', '48 h early'],
  }),
  'lapsed-customers': hero({
    scene: 'forest',
    eyebrow: 'It has been a while',
    title: 'The trail is calling you back',
    text: 'New colours, new packs and 15% off anything for the next 14 days.',
    primary: ['See what’s new', '/#bestsellers'],
    product: 'expedition-pack-55',
  }),
  'loyal-customers': hero({
    scene: 'forest',
    eyebrow: 'Loyalty reward',
    title: 'This one’s on us',
    text: '20% off one full-price item, plus free repairs on everything you bought from us.',
    primary: ['Redeem your reward', '/#bestsellers'],
    product: 'expedition-pack-55',
    badge: ['20% off', 'one full-price item'],
  }),
  'value-high': hero({
    scene: 'night',
    eyebrow: 'Priority service',
    title: 'Your personal gear advisor',
    text: 'Free express delivery on every order and an advisor who knows your kit. Book a call any time.',
    primary: ['Meet your advisor', '/#bestsellers'],
    product: 'ridge-shell-jacket',
  }),
  'zero-party-outdoor-pro': hero({
    scene: 'alpine',
    eyebrow: 'For alpine and expedition people',
    title: 'Built for big objectives',
    text: 'You told us you go big, so here is our most technical kit, with 20% off shells and packs.',
    primary: ['Shop pro gear', '/products/expedition-pack-55.html'],
    product: 'expedition-pack-55',
    badge: ['Pro deal', '20% off'],
  }),
  'geo-dach': hero({
    scene: 'alpine',
    eyebrow: 'Grüezi, Servus, Moin! <span class="tag">{{country}}</span>',
    title: 'Alpine gear in two days',
    text: 'Free shipping to Germany, Austria and Switzerland, duties included, returns to our Munich warehouse.',
    primary: ['Jetzt entdecken', '/#bestsellers'],
    product: 'summit-hiker-mid',
  }),
  'journey-post-purchase': hero({
    scene: 'forest',
    eyebrow: 'Your gear is on its way',
    title: 'Make it last for years',
    text: 'Care guides for shells, down and boots, and free repairs for two years on everything you bought.',
    primary: ['Read the care tips', '/blog/packing-list.html'],
    product: 'down-puffer-700',
  }),
  'returning-visitors': hero({
    scene: 'dawn',
    eyebrow: 'Good to see you again',
    title: 'Pick up where you left off',
    text: 'New colours and restocks landed since your last visit, and your cart is right where you left it.',
    primary: ['See what’s new', '/#bestsellers'],
    secondary: ['Your cart', '/cart.html'],
    product: 'trailhead-daypack-24',
  }),
};

const RECOMMENDATIONS: Record<string, string> = {
  'interest-shoes': reco('warm', 'Picked for you: shoes', 'Because you have been looking at footwear', ['trail-runner-x', 'summit-hiker-mid']),
  'interest-jackets': reco('cool', 'Picked for you: jackets', 'Because you have been looking at layers', ['ridge-shell-jacket', 'down-puffer-700']),
  'interest-camping': reco('green', 'Picked for you: camping', 'Because you have been looking at camp gear', ['alpine-2-tent', 'nightfall-sleeping-bag']),
  'interest-bags': reco('warm', 'Picked for you: bags', 'Because you have been looking at packs', ['trailhead-daypack-24', 'expedition-pack-55']),
  'deal-seekers': reco('warm', 'On sale right now', 'Already reduced, and DEAL15 takes 15% more', ['trail-runner-x', 'down-puffer-700'], {
    'trail-runner-x': '<span class="price-was">€139</span><span class="price-now">€111</span>',
    'down-puffer-700': '<span class="price-was">€219</span><span class="price-now">€175</span>',
  }),
  'campaign-newsletter-arrivals': reco('cool', 'From this week’s newsletter', 'The picks our crew is using right now', ['down-puffer-700', 'ember-stove']),
  'social-users': reco('warm', 'Trending with our community', 'The most shared gear this month', ['trail-runner-x', 'trailhead-daypack-24']),
  'win-back': reco('dark', 'New since your last order', 'Your €25 welcome-back credit applies', ['summit-hiker-mid', 'expedition-pack-55']),
  'vip-shoe-fans-email': reco('dark', 'VIP shoe picks', 'Early access for our shoe fans', ['trail-runner-x', 'summit-hiker-mid']),
  'loyal-customers': reco('green', 'Top rated by our regulars', 'Your loyalty reward works on these', ['expedition-pack-55', 'ridge-shell-jacket']),
  'value-high': reco('dark', 'Your advisor recommends', 'With free express delivery', ['ridge-shell-jacket', 'alpine-2-tent']),
  'zero-party-outdoor-pro': reco('cool', 'Pro picks', 'Technical kit for big objectives', ['expedition-pack-55', 'ridge-shell-jacket']),
  'journey-deciding': reco('green', 'Often bought together', 'Small extras that complete the kit', ['hip-pack-3', 'ember-stove']),
  'journey-post-purchase': reco('green', 'Goes with your new gear', 'Care and carry for your next trip', ['hip-pack-3', 'windbreaker-lite']),
  'new-visitors': reco('warm', 'Our bestsellers', 'Where most first trips start', ['trail-runner-x', 'trailhead-daypack-24']),
};

function offers(bySegment: Record<string, string>): Offer[] {
  return Object.entries(bySegment).map(([segment, html]) => {
    const priority = OFFER_PRIORITIES[segment];
    if (priority === undefined) throw new Error(`default-offers: no priority for segment "${segment}"`);
    return { segment, priority, html };
  });
}

/** slot name -> offers (one per segment). */
export const DEFAULT_OFFERS: Record<string, Offer[]> = {
  hero: offers(HEROES),
  banner: offers(BANNERS),
  recommendation: offers(RECOMMENDATIONS),
};
