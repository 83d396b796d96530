#!/usr/bin/env python3
"""Writes the static pages of the Trailhead Supply demo store (demo-site/).

The pages are plain HTML with no build step and are committed as they are;
this script is the one place their shared header, footer and product data
live. Edit it and run: python3 scripts/gen-demo-site.py  (writes demo-site/).
test/unit/demo-site-generated.test.ts fails when the pages drift from it.
"""
import html
import os
import sys
from textwrap import dedent

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'demo-site')
E = html.escape

CATEGORIES = {
    'shoes': {
        'title': 'Shoes', 'tagline': 'Trail runners, hiking boots and camp sandals.',
        'intro': 'Grippy, light and broken in from the first mile: footwear for dirt, rock and river crossings.',
        'art': 'boot', 'colors': ('#7a5232', '#c8643b', '#2b2b2b'),
        'tips': [('Fit for the afternoon', 'Feet swell on long days: try shoes on after a walk and leave a thumb’s width at the toe.'),
                 ('Match the tread to the trail', 'Deep 5 mm lugs for mud and scree, shallower lugs for hard-packed paths.'),
                 ('Waterproof or not?', 'Membranes keep puddles out but run warmer; for summer trails, quick-drying mesh wins.')],
    },
    'jackets': {
        'title': 'Jackets', 'tagline': 'Rain shells, down and windproof layers.',
        'intro': 'Layers that pack small and work hard: shells for the storm, down for the summit, wind layers for everything between.',
        'art': 'shell', 'colors': ('#2f6d8c', '#f2c14e', '#1f3340'),
        'tips': [('Layer, don’t bulk', 'A thin base, a warm mid layer and a shell beat one heavy coat on changeable days.'),
                 ('Look at the membrane', '3-layer shells survive packs and scrambles; 2.5-layer ones save weight and money.'),
                 ('Down or synthetic?', 'Down is lighter for its warmth; synthetic insulation keeps working when wet.')],
    },
    'camping': {
        'title': 'Camping', 'tagline': 'Tents, stoves and sleeping bags.',
        'intro': 'Everything for a good night out: shelters that pitch in minutes, stoves that boil fast and bags rated for real nights.',
        'art': 'tent', 'colors': ('#3f7d4f', '#2b3a33', '#f2c14e'),
        'tips': [('Pitch it at home first', 'A practice run in the garden makes a windy evening on the ridge far less dramatic.'),
                 ('Read the comfort rating', 'Choose a sleeping bag by its comfort temperature, not its extreme limit.'),
                 ('Weight adds up', 'Share a two-person tent between two packs and both of you carry under a kilo.')],
    },
    'bags': {
        'title': 'Bags', 'tagline': 'Daypacks, expedition packs and hip packs.',
        'intro': 'Carry systems that disappear on your back: ventilated daypacks, load-carrying trekking packs and hip packs for the essentials.',
        'art': 'daypack', 'colors': ('#c8643b', '#2f4f3a', '#2b3a33'),
        'tips': [('Size for the trip', '20–30 l for day hikes, 45–60 l for hut-to-hut, 60 l and up for self-supported treks.'),
                 ('Fit the hip belt', 'The belt should sit on your hip bones and carry most of the weight, not your shoulders.'),
                 ('Pack heavy in the middle', 'Keep dense items close to your back and between your shoulder blades.')],
    },
}

# slug, name, category, price (EUR), art symbol, (c1, c2, c3), blurb, description, features, specs, rating, reviews, sizes, sale price
PRODUCTS = [
    ('trail-runner-x', 'Trail Runner X', 'shoes', 139, 'runner', ('#d9653b', '#f2c14e', '#2b3a33'),
     'Light, grippy trail runner with a rock plate.',
     'Our best-selling trail shoe: a cushioned ride, a flexible rock plate and 4 mm lugs that bite on wet roots and loose gravel.',
     ['4 mm multi-directional lugs', 'Flexible rock plate', 'Quick-drying recycled mesh', '8 mm drop, 290 g (EU 42)'],
     [('Weight', '290 g (EU 42)'), ('Drop', '8 mm'), ('Upper', 'Recycled mesh')], 4.7, 412, ['40', '41', '42', '43', '44', '45'], 111),
    ('summit-hiker-mid', 'Summit Hiker Mid', 'shoes', 179, 'boot', ('#7a5232', '#c8643b', '#2b2b2b'),
     'Waterproof mid boot for long days on rough ground.',
     'A supportive mid-cut boot with a waterproof membrane, a stiff heel counter and a Vibram-style outsole for long days with a loaded pack.',
     ['Waterproof, breathable membrane', 'Nubuck leather upper', 'Stiff heel counter for support', 'Resoleable outsole'],
     [('Weight', '560 g (EU 42)'), ('Membrane', 'Waterproof'), ('Upper', 'Nubuck leather')], 4.8, 268, ['40', '41', '42', '43', '44', '45'], None),
    ('cloudstep-sandal', 'Cloudstep Sandal', 'shoes', 69, 'sandal', ('#3f7d6e', '#e8d9b5', '#2b3a33'),
     'Adjustable camp and river sandal.',
     'Three adjustable straps, a soft footbed and a grippy sole: the sandal for river crossings, camp evenings and hot approach walks.',
     ['Three adjustable straps', 'Contoured, quick-dry footbed', 'Wet-grip rubber sole', 'Packs flat: 210 g a pair'],
     [('Weight', '210 g a pair'), ('Straps', 'Recycled polyester'), ('Sole', 'Wet-grip rubber')], 4.5, 133, ['38', '40', '42', '44', '46'], 55),
    ('ridge-shell-jacket', 'Ridge Shell Jacket', 'jackets', 249, 'shell', ('#2f6d8c', '#f2c14e', '#1f3340'),
     '3-layer waterproof shell, 340 g.',
     'A 3-layer waterproof, breathable shell with a helmet-compatible hood, pit zips and pockets that clear a hip belt.',
     ['3-layer waterproof membrane (20,000 mm)', 'Helmet-compatible hood', 'Pit zips for venting', 'Packs into its chest pocket'],
     [('Weight', '340 g (M)'), ('Waterproofing', '20,000 mm'), ('Fit', 'Regular, room for layers')], 4.8, 301, ['XS', 'S', 'M', 'L', 'XL'], None),
    ('down-puffer-700', 'Down Puffer 700', 'jackets', 219, 'puffer', ('#c8643b', '#8c3b22', '#2b2b2b'),
     '700-fill responsibly sourced down.',
     'Warm for its weight: 700-fill responsibly sourced down in a windproof shell that stuffs into its own pocket.',
     ['700-fill RDS down', 'Windproof, water-repellent shell', 'Stuffs into its own pocket', 'Two zipped hand pockets'],
     [('Weight', '380 g (M)'), ('Fill', '700-fill RDS down'), ('Packed size', '1.5 l')], 4.6, 187, ['XS', 'S', 'M', 'L', 'XL'], 175),
    ('windbreaker-lite', 'Windbreaker Lite', 'jackets', 89, 'windbreaker', ('#e2b13c', '#2f4f3a', '#2b3a33'),
     'Featherweight half-zip wind layer.',
     'A featherweight half-zip that blocks the wind on ridges and bike rides, breathes on the climbs and packs smaller than an apple.',
     ['Windproof ripstop', 'Half zip with chin guard', 'Chest pocket doubles as stuff sack', '95 g'],
     [('Weight', '95 g (M)'), ('Fabric', 'Recycled ripstop'), ('Packed size', 'An apple')], 4.4, 96, ['XS', 'S', 'M', 'L', 'XL'], 69),
    ('alpine-2-tent', 'Alpine 2 Tent', 'camping', 349, 'tent', ('#3f7d4f', '#2b3a33', '#f2c14e'),
     'Freestanding two-person tent, 1.6 kg.',
     'A freestanding two-person tent with two doors, two porches and a pole geometry that shrugs off wind on exposed pitches.',
     ['Freestanding, pitches in 4 minutes', 'Two doors and two porches', 'Colour-coded poles and clips', '1.6 kg trail weight'],
     [('Trail weight', '1.6 kg'), ('Sleeps', '2'), ('Seasons', '3+')], 4.8, 154, None, None),
    ('ember-stove', 'Ember Stove', 'camping', 59, 'stove', ('#9aa3a6', '#d9653b', '#2b3a33'),
     'Compact canister stove, boils 1 l in 3 min.',
     'A compact canister stove with a wind-shielded burner and piezo ignition. Boils a litre in three minutes; folds to fit inside your pot.',
     ['Boils 1 l in about 3 minutes', 'Piezo ignition', 'Wind-shielded burner', 'Folds into the pot'],
     [('Weight', '88 g'), ('Boil time', '3 min / 1 l'), ('Fuel', 'Screw-on gas canister')], 4.6, 220, None, 44),
    ('nightfall-sleeping-bag', 'Nightfall Sleeping Bag', 'camping', 199, 'sleepingbag', ('#4a4e8c', '#2b2d52', '#f2c14e'),
     'Three-season mummy bag, comfort −2 °C.',
     'A three-season mummy bag with a draught collar and a shaped foot box, comfortable down to −2 °C.',
     ['Comfort −2 °C, limit −8 °C', 'Draught collar and hood', 'Two-way zip', 'Compression sack included'],
     [('Weight', '1.1 kg'), ('Comfort', '−2 °C'), ('Packed size', '8 l')], 4.7, 118, ['Regular', 'Long'], None),
    ('trailhead-daypack-24', 'Trailhead Daypack 24', 'bags', 109, 'daypack', ('#c8643b', '#2f4f3a', '#2b3a33'),
     'Ventilated 24 l daypack with rain cover pocket.',
     'Our go-to daypack: a ventilated back panel, a padded hip belt with pockets, a hydration sleeve and a stowable rain cover.',
     ['Ventilated mesh back panel', 'Hip-belt pockets', 'Hydration sleeve', 'Stowable rain cover'],
     [('Volume', '24 l'), ('Weight', '820 g'), ('Back length', 'One size')], 4.7, 356, None, None),
    ('expedition-pack-55', 'Expedition Pack 55', 'bags', 229, 'expedition', ('#2f4f3a', '#7ea46b', '#c8643b'),
     'Adjustable 55 l trekking pack.',
     'A load-carrying 55 l pack with an adjustable back system, a lid that converts to a summit bag and side access to the main compartment.',
     ['Adjustable back system', 'Lid converts to a summit bag', 'Side zip into the main compartment', 'Carries 18 kg comfortably'],
     [('Volume', '55 l'), ('Weight', '1.7 kg'), ('Load', 'Up to 18 kg')], 4.8, 142, ['S/M', 'M/L'], 183),
    ('hip-pack-3', 'Hip Pack 3', 'bags', 39, 'hippack', ('#e2b13c', '#2b3a33', '#9aa3a6'),
     'A 3 l hip pack for the essentials.',
     'Phone, snacks, keys and a wind layer: a 3 l hip pack with a water-repellent zip and a strap that cinches tight when you run.',
     ['3 l main pocket', 'Water-repellent zip', 'Stretch side pockets', 'Wear it on the hip or across the body'],
     [('Volume', '3 l'), ('Weight', '140 g'), ('Strap', '70–130 cm')], 4.5, 89, None, 30),
]

P = {p[0]: p for p in PRODUCTS}


def money(v):
    return f'€{v:,.0f}' if float(v).is_integer() else f'€{v:,.2f}'


def art_svg(symbol, colors, label=None, cls='art'):
    c1, c2, c3 = colors
    aria = f'role="img" aria-label="{E(label)}"' if label else 'aria-hidden="true"'
    return (f'<svg class="{cls}" viewBox="0 0 200 160" {aria} style="--c1:{c1};--c2:{c2};--c3:{c3}">'
            f'<use href="/assets/art.svg#{symbol}"/></svg>')


def product_art(p, label=True):
    return art_svg(p[4], p[5], f'Illustration of the {p[1]}' if label else None)


ICONS = {
    'cart': '<svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M3 4h2l2.4 11.2a2 2 0 0 0 2 1.6h7.7a2 2 0 0 0 2-1.5L21 8H6.2"/><circle cx="10" cy="20" r="1.3"/><circle cx="17" cy="20" r="1.3"/></svg>',
    'truck': '<svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M3 6h11v10H3zM14 10h4l3 3v3h-7"/><circle cx="7" cy="18" r="2"/><circle cx="17" cy="18" r="2"/></svg>',
    'return': '<svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M9 14 4 9l5-5"/><path d="M4 9h10.5a5.5 5.5 0 0 1 0 11H11"/></svg>',
    'leaf': '<svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M5 19c8 0 14-6 14-15-9 0-15 5-15 12 0 1 .3 2 1 3z"/><path d="M5 19c3-4 6-7 10-9"/></svg>',
    'info': '<svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><circle cx="12" cy="12" r="9"/><path d="M12 11v6M12 7.5v.5"/></svg>',
    'check': '<svg viewBox="0 0 72 72" aria-hidden="true"><circle cx="36" cy="36" r="36" fill="#e5efe6"/><path d="M22 37l10 10 19-21" fill="none" stroke="#3f6b4e" stroke-width="6" stroke-linecap="round" stroke-linejoin="round"/></svg>',
}

LOGO = ('<svg class="logo-mark" viewBox="0 0 34 34" aria-hidden="true"><circle cx="17" cy="17" r="17" fill="#2f4f3a"/>'
        '<circle cx="23.5" cy="11.5" r="3.4" fill="#f2c14e"/><path d="M4.5 25.5 12.5 13l5.2 7.6 3-4.1 8.8 9z" fill="#f1eadc"/></svg>')


def header(current):
    links = []
    for key, label, href in [('shoes', 'Shoes', '/shoes/'), ('jackets', 'Jackets', '/jackets/'), ('camping', 'Camping', '/camping/'),
                             ('bags', 'Bags', '/bags/'), ('sale', 'Sale', '/sale.html'), ('journal', 'Journal', '/blog/packing-list.html')]:
        attrs = ' aria-current="page"' if current == key else ''
        cls = ' class="nav-sale"' if key == 'sale' else ''
        links.append(f'<a href="{href}"{cls}{attrs}>{label}</a>')
    return f'''<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
  <div class="wrap header-row">
    <a class="logo" href="/">{LOGO}<span>Trailhead<span class="logo-sub"> Supply</span></span></a>
    <nav class="main-nav" aria-label="Shop">
      {"".join(links)}
    </nav>
    <a class="cart-link" href="/cart.html">{ICONS['cart']}<span>Cart</span> <span class="cart-count" data-cart-count aria-label="items in cart">0</span></a>
  </div>
</header>'''


FOOTER = f'''<footer class="site-footer">
  <div class="wrap">
    <div class="footer-grid">
      <div class="footer-brand">
        <a class="logo" href="/">{LOGO}<span>Trailhead<span class="logo-sub"> Supply</span></span></a>
        <p>Outdoor gear for trails, camps and long weekends. A demo store for Tailor: nothing here is really for sale.</p>
      </div>
      <div>
        <h2>Shop</h2>
        <ul>
          <li><a href="/shoes/">Shoes</a></li>
          <li><a href="/jackets/">Jackets</a></li>
          <li><a href="/camping/">Camping</a></li>
          <li><a href="/bags/">Bags</a></li>
          <li><a href="/sale.html">Sale</a></li>
        </ul>
      </div>
      <div>
        <h2>Read</h2>
        <ul>
          <li><a href="/blog/packing-list.html">The ultralight packing list</a></li>
          <li><a href="/newsletter.html">This week’s picks</a></li>
          <li><a href="/cart.html">Your cart</a></li>
        </ul>
      </div>
      <div>
        <h2>Try the personalisation</h2>
        <ul>
          <li><a href="/newsletter.html?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=weekly-picks">Arrive from the newsletter e-mail</a></li>
          <li><a href="/blog/packing-list.html?utm_source=instagram&amp;utm_medium=social&amp;utm_campaign=packing-list">Arrive from a social post</a></li>
          <li><a href="/shoes/">Browse one category for a while</a></li>
          <li><a href="/sale.html">Hunt for deals</a></li>
        </ul>
      </div>
    </div>
    <div class="footer-small">
      <p>© Trailhead Supply, a demo. Prices are made up and checkout sends nothing anywhere. Personalisation uses only what you do on this site.</p>
      <button type="button" class="why-link" data-tailor-why aria-controls="tailor-why" aria-expanded="false">Why am I seeing this?</button>
    </div>
  </div>
</footer>
<button type="button" class="why-fab" data-tailor-why aria-controls="tailor-why" aria-expanded="false">{ICONS['info']}<span class="why-long">Why am I seeing this?</span><span class="why-short">Why this?</span></button>
<aside id="tailor-why" class="why-panel" hidden aria-labelledby="tailor-why-title">
  <div class="why-head">
    <h2 id="tailor-why-title" tabindex="-1">Why am I seeing this?</h2>
    <button type="button" class="why-close" data-tailor-why-close aria-label="Close">×</button>
  </div>
  <div class="why-body" data-why-body aria-live="polite"></div>
</aside>'''


def page(path, title, body, *, current=None, interests=None, description='', extra_head='', main_class='wrap'):
    meta_interests = f'\n<meta name="tailor:interests" content="{E(interests)}">' if interests else ''
    doc = f'''<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{E(title)}</title>
<meta name="description" content="{E(description)}">{meta_interests}
<meta name="theme-color" content="#2f4f3a">{extra_head}
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/store.css">
<script>window.tailor=window.tailor||[];</script>
<script src="/__tailor/t.js" async></script>
<script src="/assets/store.js" defer></script>
</head>
<body>
{header(current)}
<main id="main" class="{main_class}">
{dedent(body).strip()}
</main>
{FOOTER}
</body>
</html>
'''
    full = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, 'w', encoding='utf-8') as f:
        f.write(doc)


def banner(tag, title, text, cta, href, mod=''):
    cls = f'banner banner--{mod}' if mod else 'banner'
    return (f'<div class="{cls}"><span class="banner-tag">{E(tag)}</span>'
            f'<p class="banner-copy"><strong class="banner-title">{E(title)}</strong> <span class="banner-text">{E(text)}</span></p>'
            f'<a class="banner-cta" href="{href}">{E(cta)}</a></div>')


def slot(name, inner):
    return f'<div data-tailor-slot="{name}">\n  {inner}\n</div>'


DEFAULT_BANNER = banner('Trailhead', 'Free shipping over €75', 'and 60-day returns on everything, worn or not.', 'Shop new arrivals', '/#bestsellers')


def card(p, sale=False):
    slug, name, cat, price, _art, _c, blurb = p[:7]
    sale_price = p[13]
    if sale and sale_price:
        price_html = f'<span class="price"><span class="price-was">{money(price)}</span><span class="price-now">{money(sale_price)}</span></span>'
        ribbon = f'<span class="ribbon">−{round(100 - sale_price * 100 / price)}%</span>'
        button = add_button(p, sale_price, 'Add', small=True)
        foot = f'<div class="card-foot">{price_html}{button}</div>'
    else:
        ribbon = ''
        foot = f'<div class="card-foot"><span class="price">{money(price)}</span><span class="rating" aria-label="rated {p[10]} of 5">★ {p[10]}</span></div>'
    return f'''<article class="card tint-{cat}">
  {ribbon}<a class="card-media" href="/products/{slug}.html" tabindex="-1" aria-hidden="true">{product_art(p, label=False)}</a>
  <div class="card-body">
    <h3 class="card-title"><a href="/products/{slug}.html">{E(name)}</a></h3>
    <p class="card-blurb">{E(blurb)}</p>
    {foot}
  </div>
</article>'''


def add_button(p, price, label='Add to cart', small=False):
    slug, name, cat = p[0], p[1], p[2]
    c1, c2, c3 = p[5]
    cls = 'btn btn-clay btn-sm' if small else 'btn btn-clay'
    return (f'<button type="button" class="{cls}" data-add-to-cart data-sku="{slug}" data-name="{E(name)}" data-price="{price}" '
            f'data-tailor-interest="{cat}" data-art="{p[4]}" data-colors="{c1},{c2},{c3}">{E(label)}</button>')


def reco_card(p):
    return (f'<a class="reco-card" href="/products/{p[0]}.html"><span class="thumb tint-{p[2]}">{product_art(p, label=False)}</span>'
            f'<span class="reco-body"><span class="reco-name">{E(p[1])}</span><span class="reco-meta">{CATEGORIES[p[2]]["title"]} · {money(p[3])}</span></span></a>')


def reco_default(slugs, kicker='Pairs well with', note='Hand-picked by our gear team'):
    cards = ''.join(reco_card(P[s]) for s in slugs)
    return f'<div class="reco"><p class="reco-kicker">{E(kicker)} <small>{E(note)}</small></p><div class="reco-list">{cards}</div></div>'


USPS = f'''<div class="usps">
  <div class="usp">{ICONS['truck']}<div><strong>Free shipping over €75</strong><span>Delivered in 2–4 working days.</span></div></div>
  <div class="usp">{ICONS['return']}<div><strong>60-day returns</strong><span>Even if you have worn it on the trail.</span></div></div>
  <div class="usp">{ICONS['leaf']}<div><strong>Repair, don’t replace</strong><span>Free repairs for two years.</span></div></div>
</div>'''

# ------------------------------------------------------------------ home

HOME_HERO = f'''<div class="hero hero--dawn">
    <div class="hero-copy">
      <p class="hero-eyebrow">New season</p>
      <h1 class="hero-title">Gear up for the good miles</h1>
      <p class="hero-text">Tough, light outdoor gear for trails, camps and everything in between, tested by our crew from the Alps to the coast.</p>
      <div class="hero-actions"><a class="btn" href="/shoes/">Shop shoes</a><a class="btn btn-ghost" href="/camping/">Explore camping</a></div>
    </div>
    <div class="hero-art"><span class="hero-badge">4.8 ★ <small>from 2,300 hikers</small></span>{art_svg('boot', ('#7a5232', '#c8643b', '#2b2b2b'), cls='hero-product')}</div>
  </div>'''


def tiles():
    out = []
    for key, c in CATEGORIES.items():
        out.append(f'<a class="tile tint-{key}" href="/{key}/"><strong>{c["title"]}</strong><span>{E(c["tagline"])}</span>{art_svg(c["art"], c["colors"])}</a>')
    return '\n  '.join(out)


best = ['trail-runner-x', 'ridge-shell-jacket', 'alpine-2-tent', 'trailhead-daypack-24']
page('index.html', 'Trailhead Supply: outdoor gear for the good miles', f'''
{slot('banner', DEFAULT_BANNER)}
{slot('hero', HOME_HERO)}
<section class="section" aria-label="Why Trailhead">
{USPS}
</section>
<section class="section" aria-labelledby="cat-title">
  <div class="section-head"><h2 id="cat-title">Shop by category</h2></div>
  <div class="tiles">
  {tiles()}
  </div>
</section>
<section class="section" id="bestsellers" aria-labelledby="best-title">
  <div class="section-head"><h2 id="best-title">Bestsellers</h2><a href="/sale.html">See the sale →</a></div>
  <div class="grid grid-4">
  {"".join(card(P[s]) for s in best)}
  </div>
</section>
<section class="section">
  <div class="story">
    <div>
      <h2>The ultralight packing list</h2>
      <p>Everything we carry for a two-day hut trip, down to the gram, and the five things we stopped taking. Our most shared post of the year.</p>
      <a class="btn btn-light" href="/blog/packing-list.html">Read the list</a>
    </div>
    <div>
      <h2>This week’s picks</h2>
      <p>Every Thursday our crew sends five things they are using right now. Have a look at this week’s letter.</p>
      <a class="btn btn-ghost" style="color:#fff;border-color:#fff" href="/newsletter.html">See the picks</a>
    </div>
  </div>
</section>''', description='Outdoor gear for trails, camps and long weekends: shoes, jackets, camping gear and bags.')

# ------------------------------------------------------------------ category pages

for key, c in CATEGORIES.items():
    items = [p for p in PRODUCTS if p[2] == key]
    tips = ''.join(f'<div class="usp"><div><strong>{E(t)}</strong><span>{E(d)}</span></div></div>' for t, d in c['tips'])
    page(f'{key}/index.html', f'{c["title"]} · Trailhead Supply', f'''
{slot('banner', DEFAULT_BANNER)}
<p class="crumbs"><a href="/">Home</a> / {c["title"]}</p>
<div class="page-head">
  <h1>{c["title"]}</h1>
  <p>{E(c["intro"])}</p>
</div>
<section class="section" aria-label="{c["title"]}" style="margin-top:24px">
  <div class="grid">
  {"".join(card(p) for p in items)}
  </div>
</section>
<section class="section" aria-labelledby="tips-title">
  <div class="section-head"><h2 id="tips-title">How to choose</h2></div>
  <div class="usps">{tips}</div>
</section>''', current=key, interests=key, description=f'{c["title"]} at Trailhead Supply: {c["tagline"]}')

# ------------------------------------------------------------------ product pages

PAIRS = {
    'trail-runner-x': ['hip-pack-3', 'windbreaker-lite'],
    'summit-hiker-mid': ['trailhead-daypack-24', 'ridge-shell-jacket'],
    'cloudstep-sandal': ['alpine-2-tent', 'hip-pack-3'],
    'ridge-shell-jacket': ['summit-hiker-mid', 'trailhead-daypack-24'],
    'down-puffer-700': ['nightfall-sleeping-bag', 'ember-stove'],
    'windbreaker-lite': ['trail-runner-x', 'hip-pack-3'],
    'alpine-2-tent': ['nightfall-sleeping-bag', 'ember-stove'],
    'ember-stove': ['alpine-2-tent', 'expedition-pack-55'],
    'nightfall-sleeping-bag': ['alpine-2-tent', 'down-puffer-700'],
    'trailhead-daypack-24': ['trail-runner-x', 'ridge-shell-jacket'],
    'expedition-pack-55': ['alpine-2-tent', 'summit-hiker-mid'],
    'hip-pack-3': ['trail-runner-x', 'windbreaker-lite'],
}

for p in PRODUCTS:
    slug, name, cat, price, art, colors, blurb, desc, feats, specs, rating, reviews, sizes, _sale = p
    ctitle = CATEGORIES[cat]['title']
    stars = '★' * round(rating) + '☆' * (5 - round(rating))
    options = ''
    if sizes:
        legend = 'Size (EU)' if cat == 'shoes' else 'Size'
        default = sizes[len(sizes) // 2]
        radios = ''.join(
            f'<label><input type="radio" name="size" value="{E(s)}"{" checked" if s == default else ""}><span>{E(s)}</span></label>' for s in sizes)
        options = f'<fieldset class="options"><legend>{legend}</legend><div class="options-row">{radios}</div></fieldset>'
    spec_rows = ''.join(f'<li><strong>{E(k)}:</strong> {E(v)}</li>' for k, v in specs)
    feat_rows = ''.join(f'<li>{E(f)}</li>' for f in feats)
    page(f'products/{slug}.html', f'{name} · {ctitle} · Trailhead Supply', f'''
{slot('banner', DEFAULT_BANNER)}
<p class="crumbs"><a href="/">Home</a> / <a href="/{cat}/">{ctitle}</a> / {E(name)}</p>
<article class="product" data-product data-sku="{slug}" data-category="{cat}">
  <div class="product-media tint-{cat}">{product_art(p)}</div>
  <div class="product-info">
    <h1>{E(name)}</h1>
    <p class="rating" aria-label="rated {rating} of 5 from {reviews} reviews">{stars}<span>{rating} · {reviews} reviews</span></p>
    <p class="product-price">{money(price)}</p>
    <p>{E(desc)}</p>
    <ul class="features">{feat_rows}</ul>
    {options}
    <div class="buy-row">{add_button(p, price)}<a class="btn btn-ghost" href="/cart.html">View cart</a></div>
    <p class="visually-hidden" role="status" data-cart-status></p>
    <div class="assurance"><span>Free shipping over €75</span><span>60-day returns</span><span>2-year free repairs</span></div>
  </div>
</article>
<section class="section" aria-label="Recommended for you">
{slot('recommendation', reco_default(PAIRS[slug]))}
</section>
<section class="section" aria-labelledby="spec-title">
  <h2 id="spec-title">Specifications</h2>
  <ul class="features">{spec_rows}</ul>
</section>''', current=cat, interests=cat, description=f'{name}: {blurb}')

# ------------------------------------------------------------------ sale

sale_items = [p for p in PRODUCTS if p[13]]
page('sale.html', 'Sale: up to 25% off · Trailhead Supply', f'''
{slot('banner', banner('Sale', 'Up to 25% off last season’s colours', 'while sizes last; prices as marked.', 'See all deals', '#deals', 'deal'))}
<div class="page-head">
  <h1>Sale</h1>
  <p>Same gear, last season’s colours. Prices are already reduced; add to cart straight from here.</p>
</div>
<section class="section" id="deals" aria-label="Deals" style="margin-top:24px">
  <div class="grid">
  {"".join(card(p, sale=True) for p in sale_items)}
  </div>
  <p class="visually-hidden" role="status" data-cart-status></p>
</section>''', current='sale', description='Trailhead Supply sale: up to 25% off shoes, jackets, camping gear and bags.')

# ------------------------------------------------------------------ cart

page('cart.html', 'Your cart · Trailhead Supply', f'''
{slot('banner', DEFAULT_BANNER)}
<div class="page-head"><h1>Your cart</h1></div>
<div data-cart>
  <noscript><p>The demo cart needs JavaScript.</p></noscript>
</div>''', description='Your Trailhead Supply cart.')

# ------------------------------------------------------------------ checkout

COUNTRIES = ['Germany', 'Austria', 'Switzerland', 'France', 'Netherlands', 'Italy', 'Spain', 'Other']
country_opts = ''.join(f'<option>{c}</option>' for c in COUNTRIES)
page('checkout.html', 'Checkout · Trailhead Supply', f'''
{slot('banner', banner('Secure', 'Free shipping over €75', 'and 60-day returns: changing your mind is free.', 'Back to cart', '/cart.html'))}
<div class="page-head"><h1>Checkout</h1></div>
<div data-checkout>
  <div class="cart-layout" data-checkout-form-wrap>
    <!-- The fields have no name attributes and the form never leaves the page: nothing typed here is sent anywhere. -->
    <form class="form-card" id="checkout-form" action="#" autocomplete="off">
      <p class="demo-note">{ICONS['info'].replace('<svg ', '<svg width="20" height="20" ')}<span>This is a demo store. Use made-up details: nothing you type leaves this page, and no payment is taken.</span></p>
      <h2>Contact</h2>
      <div class="fields">
        <div class="field"><label for="co-name">Full name</label><input id="co-name" required value="Alex Hiker"></div>
        <div class="field"><label for="co-email">E-mail</label><input id="co-email" type="email" required value="alex@example.test"></div>
      </div>
      <h2>Delivery</h2>
      <div class="fields">
        <div class="field field-wide"><label for="co-street">Street and number</label><input id="co-street" required value="Bergweg 12"></div>
        <div class="field"><label for="co-zip">Postcode</label><input id="co-zip" required value="80331" inputmode="numeric"></div>
        <div class="field"><label for="co-city">City</label><input id="co-city" required value="Munich"></div>
        <div class="field field-wide"><label for="co-country">Country</label><select id="co-country">{country_opts}</select></div>
      </div>
      <h2>Payment</h2>
      <div class="fields">
        <div class="field field-wide"><label for="co-card">Card number (fake)</label><input id="co-card" required value="4242 4242 4242 4242" inputmode="numeric"></div>
        <div class="field"><label for="co-exp">Expiry</label><input id="co-exp" required value="12/30"></div>
        <div class="field"><label for="co-cvc">CVC</label><input id="co-cvc" required value="123" inputmode="numeric"></div>
      </div>
      <button type="submit" class="btn btn-clay btn-block" data-place-order>Place order</button>
    </form>
    <aside class="summary" aria-labelledby="sum-title">
      <h2 id="sum-title">Order summary</h2>
      <ul class="summary-lines" data-summary-lines></ul>
      <dl data-summary-totals></dl>
      <p class="note">Prices include VAT. Demo store: no order is really placed.</p>
    </aside>
  </div>
  <div class="empty" data-checkout-empty hidden>
    <h2>Nothing to check out yet</h2>
    <p>Your cart is empty. Find something for your next trip first.</p>
    <a class="btn" href="/#bestsellers">Browse bestsellers</a>
  </div>
  <section class="thanks" data-thanks hidden tabindex="-1" aria-labelledby="thanks-title">
    {ICONS['check']}
    <h2 id="thanks-title">Thank you, your order is in!</h2>
    <p>Order <strong data-order-id></strong> for <strong data-order-total></strong>. In a real store a confirmation e-mail would be on its way; here, nothing was sent.</p>
    <a class="btn" href="/">Back to the shop</a>
  </section>
</div>''', description='Checkout (demo).')

# ------------------------------------------------------------------ newsletter landing page

NEWS_HERO = f'''<div class="hero hero--alpine">
    <div class="hero-copy">
      <p class="hero-eyebrow">This week’s picks</p>
      <h1 class="hero-title">Five things for the first frost</h1>
      <p class="hero-text">Cold mornings, empty trails. Our crew’s picks for the shoulder season: warm layers, a faster stove and a bag rated for real nights.</p>
      <div class="hero-actions"><a class="btn" href="#picks">See the picks</a><a class="btn btn-ghost" href="/jackets/">Shop jackets</a></div>
    </div>
    <div class="hero-art">{art_svg('puffer', ('#c8643b', '#8c3b22', '#2b2b2b'), cls='hero-product')}</div>
  </div>'''

picks = ['down-puffer-700', 'ember-stove', 'nightfall-sleeping-bag', 'summit-hiker-mid']
page('newsletter.html', 'This week’s picks · Trailhead Supply', f'''
{slot('banner', banner('Newsletter', 'This week’s picks are in', 'five things our crew is using right now.', 'Jump to the picks', '#picks', 'campaign'))}
{slot('hero', NEWS_HERO)}
<section class="section" id="picks" aria-labelledby="picks-title">
  <div class="section-head"><h2 id="picks-title">The picks</h2><a href="/">All gear →</a></div>
  <div class="grid grid-4">
  {"".join(card(P[s]) for s in picks)}
  </div>
</section>
<section class="section" aria-labelledby="survey-title">
  <form class="survey" data-tailor-identify>
    <h2 id="survey-title">Help us pick for you</h2>
    <p class="muted">One question, no e-mail needed. Your answer tunes the picks you see here, nothing else.</p>
    <fieldset class="options">
      <legend>How do you head outdoors?</legend>
      <div class="options-row">
        <label><input type="radio" name="experience" value="casual"><span>Weekend walks</span></label>
        <label><input type="radio" name="experience" value="regular"><span>Hut-to-hut trips</span></label>
        <label><input type="radio" name="experience" value="pro"><span>Alpine and expeditions</span></label>
      </div>
    </fieldset>
    <button type="submit" class="btn">Save my answer</button>
    <p class="survey-done" role="status" data-survey-status></p>
  </form>
</section>''', description='This week’s picks from the Trailhead Supply crew.')

# ------------------------------------------------------------------ blog post

CHECKLIST = [('Pack: Trailhead Daypack 24', '820 g'), ('Shell: Ridge Shell Jacket', '340 g'), ('Warmth: Down Puffer 700', '380 g'),
             ('Wind layer: Windbreaker Lite', '95 g'), ('Shoes: Trail Runner X (worn)', '0 g'), ('Stove and pot: Ember Stove', '88 g'),
             ('Water: two 750 ml soft flasks', '60 g'), ('First aid, head torch, map', '310 g')]
checklist = ''.join(f'<li><span>{E(a)}</span><span>{E(b)}</span></li>' for a, b in CHECKLIST)
og = '''
<meta property="og:type" content="article">
<meta property="og:site_name" content="Trailhead Supply">
<meta property="og:title" content="The ultralight packing list">
<meta property="og:description" content="Everything we carry for a two-day hut trip, down to the gram, and the five things we stopped taking.">
<meta property="og:url" content="/blog/packing-list.html">
<meta name="twitter:card" content="summary">'''
page('blog/packing-list.html', 'The ultralight packing list · Trailhead Supply', f'''
{slot('banner', banner('Journal', 'Pack lighter, walk further', 'our crew’s kit for a two-day hut trip.', 'Shop bags', '/bags/'))}
<article class="article">
  <header class="article-head">
    <p class="crumbs" style="margin:0 0 8px"><a href="/">Home</a> / Journal</p>
    <h1>The ultralight packing list</h1>
    <p class="article-meta">By Mara, Trailhead crew · 6 min read</p>
  </header>
  <div class="article-figure"><div class="hero hero--forest" style="display:block"><div class="hero-art">{art_svg('daypack', ('#c8643b', '#2f4f3a', '#2b3a33'), cls='hero-product')}</div></div></div>
  <p class="lead">Two days, one hut, 2.1 kg of gear on my back (before food and water). Here is everything I carry, down to the gram, and the five things I stopped taking.</p>
  <h2>The rule: every item earns its place</h2>
  <p>If I have not used something on my last three trips, it stays at home. If two items do the same job, the lighter one comes. That alone took a kilo off my pack.</p>
  <h2>The list</h2>
  <ul class="checklist">{checklist}</ul>
  <blockquote class="pullquote">“The lightest thing you can carry is the thing you left at home.”</blockquote>
  <h2>Five things I stopped taking</h2>
  <ol>
    <li><strong>A second pair of trousers.</strong> Quick-dry ones dry overnight in the hut.</li>
    <li><strong>A full-size towel.</strong> A small microfibre cloth does it.</li>
    <li><strong>A paper book.</strong> The view is better.</li>
    <li><strong>Hiking poles on easy trails.</strong> On steep descents they come along.</li>
    <li><strong>“Just in case” food.</strong> Huts have kitchens; I carry one spare bar.</li>
  </ol>
  <div class="share">
    <strong>Found this useful? Share the list.</strong>
    <button type="button" class="btn btn-sm" data-share>Share</button>
    <button type="button" class="btn btn-ghost btn-sm" data-copy-link>Copy link</button>
    <p class="share-status" role="status" data-share-status></p>
  </div>
  <h2>Shop the list</h2>
  <div class="grid">
  {"".join(card(P[s]) for s in ['trailhead-daypack-24', 'ridge-shell-jacket', 'ember-stove'])}
  </div>
</article>''', current='journal', description='Everything we carry for a two-day hut trip, down to the gram, and the five things we stopped taking.', extra_head=og)

print('wrote pages to', OUT)
