/*
 * Trailhead Supply — shared page script (no framework, no build step).
 *
 * - a cart kept in localStorage, with the header count, the cart page and checkout;
 * - Tailor events: product_view, add_to_cart, begin_checkout, purchase, and the
 *   zero-party survey (identify). Calls go through the `tailor.push([...])` queue,
 *   which works before /__tailor/t.js has loaded (the SDK drains it on start);
 * - the "Why am I seeing this?" panel, filled from GET /__tailor/segments.
 *
 * Everything inserted into the page from data uses textContent, never innerHTML.
 */
(function () {
  'use strict';

  var CART_KEY = 'trailhead:cart';
  var FREE_SHIPPING = 75;
  var SHIPPING = 4.95;
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var CATEGORY_NAMES = { shoes: 'Shoes', jackets: 'Jackets', camping: 'Camping', bags: 'Bags' };
  var euro = new Intl.NumberFormat('en-IE', { style: 'currency', currency: 'EUR' });

  // ---------------------------------------------------------------- Tailor

  window.tailor = window.tailor || [];

  /** Queue a Tailor command; `push` exists on the stub array and on the loaded SDK alike. */
  function tailorCall(command) {
    try {
      var t = window.tailor;
      if (t && typeof t.push === 'function') t.push(command);
      else if (t && typeof t[command[0]] === 'function') t[command[0]].apply(t, command.slice(1));
    } catch (e) {
      // Personalisation must never break the shop.
    }
  }

  // ---------------------------------------------------------------- helpers

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  /** Element builder: el('p', { class: 'x' }, ['text', child]). Strings become text nodes. */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === false || v === null || v === undefined) return;
        if (k === 'text') node.textContent = String(v);
        else node.setAttribute(k, v === true ? '' : String(v));
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    });
    return node;
  }

  /** The product illustration from the sprite, coloured like on the product page. */
  function artNode(item) {
    var svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', '0 0 200 160');
    svg.setAttribute('aria-hidden', 'true');
    var colors = String(item.colors || '').split(',');
    var style = '';
    ['--c1', '--c2', '--c3'].forEach(function (name, i) {
      var c = colors[i];
      if (c && /^#[0-9a-f]{3,8}$/i.test(c)) style += name + ':' + c + ';';
    });
    if (style) svg.setAttribute('style', style);
    var use = document.createElementNS(SVG_NS, 'use');
    use.setAttribute('href', '/assets/art.svg#' + (/^[a-z]+$/.test(item.art || '') ? item.art : 'daypack'));
    svg.appendChild(use);
    return svg;
  }

  function round2(n) { return Math.round(n * 100) / 100; }

  // ---------------------------------------------------------------- cart storage

  var memoryCart = null; // used when localStorage is unavailable (private mode, blocked storage)

  function validItem(i) {
    return i && typeof i.sku === 'string' && i.sku && typeof i.name === 'string' &&
      typeof i.price === 'number' && isFinite(i.price) && i.price >= 0 &&
      typeof i.qty === 'number' && i.qty >= 1 && i.qty <= 99;
  }

  function readCart() {
    if (memoryCart) return memoryCart.slice();
    try {
      var parsed = JSON.parse(localStorage.getItem(CART_KEY) || '[]');
      return Array.isArray(parsed) ? parsed.filter(validItem) : [];
    } catch (e) {
      return [];
    }
  }

  function writeCart(items) {
    try {
      if (items.length) localStorage.setItem(CART_KEY, JSON.stringify(items));
      else localStorage.removeItem(CART_KEY);
      memoryCart = null;
    } catch (e) {
      memoryCart = items.slice();
    }
    updateCount(items);
  }

  function lineKey(i) { return i.sku + '|' + (i.size || ''); }

  function cartTotals(items) {
    var subtotal = round2(items.reduce(function (s, i) { return s + i.price * i.qty; }, 0));
    var shipping = subtotal === 0 || subtotal >= FREE_SHIPPING ? 0 : SHIPPING;
    var count = items.reduce(function (s, i) { return s + i.qty; }, 0);
    return { subtotal: subtotal, shipping: shipping, total: round2(subtotal + shipping), count: count };
  }

  /** The category the order spent most on (a purchase event carries one category). */
  function mainCategory(items) {
    var by = {};
    var best = null;
    items.forEach(function (i) {
      if (!i.category) return;
      by[i.category] = (by[i.category] || 0) + i.price * i.qty;
      if (best === null || by[i.category] > by[best]) best = i.category;
    });
    return best;
  }

  function updateCount(items) {
    var n = cartTotals(items || readCart()).count;
    $all('[data-cart-count]').forEach(function (node) {
      node.textContent = String(n);
      node.setAttribute('aria-label', n === 1 ? '1 item in cart' : n + ' items in cart');
    });
  }

  // ---------------------------------------------------------------- add to cart

  function selectedSize(button) {
    var scope = button.closest('article, form, main') || document;
    var checked = scope.querySelector('input[name="size"]:checked');
    return checked ? checked.value : '';
  }

  function addToCart(button) {
    var price = Number(button.getAttribute('data-price'));
    var item = {
      sku: button.getAttribute('data-sku') || '',
      name: button.getAttribute('data-name') || 'Item',
      price: isFinite(price) ? price : 0,
      category: button.getAttribute('data-tailor-interest') || '',
      art: button.getAttribute('data-art') || '',
      colors: button.getAttribute('data-colors') || '',
      size: selectedSize(button),
      qty: 1,
    };
    if (!item.sku) return;
    var items = readCart();
    var existing = items.filter(function (i) { return lineKey(i) === lineKey(item); })[0];
    if (existing) existing.qty = Math.min(99, existing.qty + 1);
    else items.push(item);
    writeCart(items);

    var props = { sku: item.sku, value: item.price, category: item.category };
    tailorCall(['track', 'add_to_cart', props]);

    // Feedback without moving anything: the label changes, a status line is read out.
    var label = button.getAttribute('data-label') || button.textContent;
    button.setAttribute('data-label', label);
    button.textContent = 'Added ✓';
    clearTimeout(button._tailorTimer);
    button._tailorTimer = setTimeout(function () { button.textContent = label; }, 1600);
    var status = $('[data-cart-status]');
    if (status) status.textContent = item.name + ' added to your cart.';
  }

  document.addEventListener('click', function (e) {
    var target = e.target instanceof Element ? e.target.closest('[data-add-to-cart]') : null;
    if (target) {
      e.preventDefault();
      addToCart(target);
    }
  });

  // ---------------------------------------------------------------- product view

  function trackProductView() {
    var product = $('[data-product]');
    if (!product) return;
    tailorCall(['track', 'product_view', {
      sku: product.getAttribute('data-sku') || '',
      category: product.getAttribute('data-category') || '',
    }]);
  }

  // ---------------------------------------------------------------- cart page

  function renderCart(root) {
    var items = readCart();
    root.textContent = '';
    if (!items.length) {
      root.appendChild(el('div', { class: 'empty' }, [
        el('h2', { text: 'Your cart is empty' }),
        el('p', { text: 'Nothing packed yet. Our bestsellers are a good place to start.' }),
        el('a', { class: 'btn', href: '/#bestsellers', text: 'Browse bestsellers' }),
      ]));
      return;
    }
    var list = el('ul', { class: 'cart-items', 'aria-label': 'Items in your cart' });
    items.forEach(function (item) {
      var key = lineKey(item);
      var meta = [CATEGORY_NAMES[item.category] || item.category, item.size ? 'Size ' + item.size : '', euro.format(item.price) + ' each']
        .filter(Boolean).join(' · ');
      list.appendChild(el('li', { class: 'cart-item' }, [
        el('span', { class: 'thumb tint-' + (CATEGORY_NAMES[item.category] ? item.category : 'bags') }, [artNode(item)]),
        el('div', null, [
          el('h3', null, [el('a', { href: '/products/' + encodeURIComponent(item.sku.replace(/[^a-z0-9-]/g, '')) + '.html', text: item.name })]),
          el('p', { text: meta }),
        ]),
        el('div', { class: 'cart-item-end' }, [
          el('div', { class: 'qty', role: 'group', 'aria-label': 'Quantity of ' + item.name }, [
            el('button', { type: 'button', 'data-qty': '-1', 'data-key': key, 'aria-label': 'One less', text: '−' }),
            el('output', { text: item.qty }),
            el('button', { type: 'button', 'data-qty': '1', 'data-key': key, 'aria-label': 'One more', text: '+' }),
          ]),
          el('strong', { class: 'price', text: euro.format(item.price * item.qty) }),
          el('button', { type: 'button', class: 'link-btn', 'data-remove': key, text: 'Remove' }),
        ]),
      ]));
    });

    var t = cartTotals(items);
    var summary = el('aside', { class: 'summary', 'aria-labelledby': 'cart-sum' }, [
      el('h2', { id: 'cart-sum', text: 'Summary' }),
      totalsList(t),
      el('a', { class: 'btn btn-clay btn-block', href: '/checkout.html', text: 'Checkout' }),
      el('p', { class: 'note', text: t.shipping ? 'Add ' + euro.format(FREE_SHIPPING - t.subtotal) + ' more for free shipping.' : 'Your order ships free.' }),
    ]);
    root.appendChild(el('div', { class: 'cart-layout' }, [list, summary]));
  }

  function totalsList(t, into) {
    var dl = into || el('dl');
    dl.textContent = '';
    [['Items (' + t.count + ')', euro.format(t.subtotal)], ['Shipping', t.shipping ? euro.format(t.shipping) : 'Free']].forEach(function (row) {
      dl.appendChild(el('dt', { text: row[0] }));
      dl.appendChild(el('dd', { text: row[1] }));
    });
    dl.appendChild(el('dt', { class: 'total', text: 'Total' }));
    dl.appendChild(el('dd', { class: 'total', text: euro.format(t.total) }));
    return dl;
  }

  function initCartPage() {
    var root = $('[data-cart]');
    if (!root) return;
    renderCart(root);
    root.addEventListener('click', function (e) {
      var b = e.target instanceof Element ? e.target.closest('button') : null;
      if (!b) return;
      var items = readCart();
      var key = b.getAttribute('data-key') || b.getAttribute('data-remove');
      if (!key) return;
      if (b.hasAttribute('data-remove')) items = items.filter(function (i) { return lineKey(i) !== key; });
      else {
        var delta = Number(b.getAttribute('data-qty'));
        items.forEach(function (i) { if (lineKey(i) === key) i.qty = Math.max(0, Math.min(99, i.qty + delta)); });
        items = items.filter(function (i) { return i.qty > 0; });
      }
      writeCart(items);
      renderCart(root);
    });
    window.addEventListener('storage', function (e) { if (e.key === CART_KEY) renderCart(root); });
  }

  // ---------------------------------------------------------------- checkout

  function initCheckout() {
    var root = $('[data-checkout]');
    if (!root) return;
    var wrap = $('[data-checkout-form-wrap]', root);
    var empty = $('[data-checkout-empty]', root);
    var thanks = $('[data-thanks]', root);
    var form = $('#checkout-form', root);
    var items = readCart();

    function showSummary(list) {
      var lines = $('[data-summary-lines]', root);
      lines.textContent = '';
      list.forEach(function (i) {
        lines.appendChild(el('li', null, [el('span', { text: i.qty + ' × ' + i.name }), el('span', { text: euro.format(i.price * i.qty) })]));
      });
      totalsList(cartTotals(list), $('[data-summary-totals]', root));
    }

    if (!items.length) {
      wrap.hidden = true;
      empty.hidden = false;
      return;
    }
    showSummary(items);
    tailorCall(['track', 'begin_checkout', { value: cartTotals(items).subtotal, currency: 'EUR' }]);

    form.addEventListener('submit', function (e) {
      e.preventDefault(); // the form is never submitted: nothing typed here leaves the page
      var order = readCart();
      if (!order.length) return;
      var t = cartTotals(order);
      var props = { value: t.subtotal, currency: 'EUR', items: t.count };
      var category = mainCategory(order);
      if (category) props.category = category;
      var api = window.tailor;
      if (api && typeof api.track === 'function') api.track('purchase', props);
      else tailorCall(['track', 'purchase', props]);
      tailorCall(['flush']);

      writeCart([]);
      var id = 'TH-' + Date.now().toString(36).toUpperCase().slice(-6);
      $('[data-order-id]', thanks).textContent = id;
      $('[data-order-total]', thanks).textContent = euro.format(t.total);
      wrap.hidden = true;
      thanks.hidden = false;
      thanks.focus();
    });
  }

  // ---------------------------------------------------------------- zero-party survey

  function initSurvey() {
    $all('form[data-tailor-identify]').forEach(function (form) {
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        var traits = {};
        $all('input:checked, select', form).forEach(function (input) {
          if (input.name && input.value) traits[input.name] = input.value;
        });
        var status = $('[data-survey-status]', form);
        if (!Object.keys(traits).length) {
          if (status) status.textContent = 'Pick an answer first.';
          return;
        }
        tailorCall(['identify', traits]);
        if (status) status.textContent = 'Thanks! Your picks will follow your answer from the next page on.';
      });
    });
  }

  // ---------------------------------------------------------------- sharing (blog)

  function initShare() {
    var status = $('[data-share-status]');
    // Shared links carry UTM tags, so friends who open them arrive as social visitors.
    function shareUrl() {
      return location.origin + location.pathname + '?utm_source=share&utm_medium=social&utm_campaign=packing-list';
    }
    function copy() {
      var url = shareUrl();
      var done = function () { if (status) status.textContent = 'Link copied: ' + url; };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(url).then(done, function () { if (status) status.textContent = url; });
      else if (status) status.textContent = url;
    }
    $all('[data-copy-link]').forEach(function (b) { b.addEventListener('click', copy); });
    $all('[data-share]').forEach(function (b) {
      b.addEventListener('click', function () {
        if (navigator.share) navigator.share({ title: document.title, url: shareUrl() }).catch(function () {});
        else copy();
      });
    });
  }

  // ---------------------------------------------------------------- "Why am I seeing this?"

  var why = { panel: null, body: null, open: false, names: {} };

  function setExpanded(open) {
    $all('[data-tailor-why]').forEach(function (b) { b.setAttribute('aria-expanded', open ? 'true' : 'false'); });
  }

  function toggleWhy(force) {
    var open = typeof force === 'boolean' ? force : why.panel.hidden;
    why.panel.hidden = !open;
    why.open = open;
    setExpanded(open);
    if (open) {
      loadWhy();
      var title = $('#tailor-why-title');
      if (title) title.focus();
    }
  }

  function message(text) {
    why.body.textContent = '';
    why.body.appendChild(el('p', { text: text }));
  }

  /** "Visited at least 2 times — actual: 3 ✓" -> { label, detail: "You: 3" }; nested groups keep their own wording. */
  function conditionParts(c) {
    var text = typeof c.text === 'string' ? c.text : '';
    var label = typeof c.label === 'string' && c.label ? c.label : '';
    var strip = function (s) { return s.replace(/\s*[✓✗]\s*$/, '').trim(); };
    if (!label) return { label: strip(text), detail: '' };
    var prefix = label + ' — actual: ';
    if (text.indexOf(prefix) === 0) return { label: label, detail: 'You: ' + strip(text.slice(prefix.length)) };
    var rest = strip(text);
    return { label: label, detail: rest && rest !== label ? rest : '' };
  }

  function slotSummary() {
    var rows = $all('[data-tailor-slot][data-tailor-segment]').map(function (slotEl) {
      var seg = slotEl.getAttribute('data-tailor-segment') || '';
      var who = seg.indexOf('exp:') === 0 ? 'a variant of an A/B test' : '“' + (why.names[seg] || seg) + '”';
      return el('li', { text: 'The ' + slotEl.getAttribute('data-tailor-slot') + ' is the offer for ' + who + '.' });
    });
    if (!rows.length) return null;
    return el('div', { class: 'why-slots' }, [el('strong', { text: 'On this page' }), el('ul', null, rows)]);
  }

  function renderWhy(data) {
    var segments = Array.isArray(data && data.segments) ? data.segments.filter(function (s) { return typeof s === 'string'; }) : [];
    var explanations = Array.isArray(data && data.explanations) ? data.explanations : [];
    why.names = {};
    explanations.forEach(function (x) { if (x && typeof x.id === 'string') why.names[x.id] = typeof x.name === 'string' ? x.name : x.id; });
    why.body.textContent = '';

    var slots = slotSummary();
    if (slots) why.body.appendChild(slots);

    var preview = !!(data && data.preview === true); // a marketer's preview link: the page is shown as the segments it chose
    var count = segments.length + (segments.length === 1 ? ' segment' : ' segments');
    if (!segments.length) {
      why.body.appendChild(el('p', { text: preview
        ? 'This preview shows the page to a visitor in no segment, so every slot shows its default content.'
        : 'You are not in any segment yet, so every slot on this page shows its default content. Browse a category, arrive from a newsletter or a social link, and look again.' }));
      return;
    }
    why.body.appendChild(el('p', { text: preview
      ? 'Preview: this page is shown as the ' + count + ' chosen in the preview link, not as your own visits:'
      : 'Tailor groups visitors by what they do on this site. Right now you are in ' + count + ':' }));
    // Segments whose offers this page shows come first, the rest in config order.
    var shown = $all('[data-tailor-slot][data-tailor-segment]').map(function (e) { return e.getAttribute('data-tailor-segment'); });
    var matched = explanations
      .filter(function (x) { return x && x.matched && segments.indexOf(x.id) !== -1; })
      .map(function (x, i) { return { x: x, rank: (shown.indexOf(x.id) !== -1 ? 0 : 1e6) + i }; })
      .sort(function (a, b) { return a.rank - b.rank; })
      .map(function (r) { return r.x; });
    var list = el('ul', { class: 'why-list' });
    if (!matched.length) segments.forEach(function (id) { list.appendChild(el('li', { class: 'why-seg' }, [el('h3', { text: id })])); });
    matched.forEach(function (x) {
      var conds = el('ul', { class: 'why-conds' });
      (Array.isArray(x.conditions) ? x.conditions : []).forEach(function (c) {
        if (!c) return;
        var parts = conditionParts(c);
        conds.appendChild(el('li', { class: 'why-cond' + (c.held ? '' : ' is-unmet') }, [
          el('span', null, [parts.label, parts.detail ? el('span', { class: 'why-actual', text: parts.detail }) : null]),
        ]));
      });
      list.appendChild(el('li', { class: 'why-seg' }, [
        el('h3', null, [String(x.name || x.id), el('span', { class: 'why-group', text: String(x.group || '').replace(/-/g, ' ') })]),
        x.description ? el('p', { class: 'why-desc', text: String(x.description) }) : null,
        conds,
      ]));
    });
    why.body.appendChild(list);
  }

  function loadWhy() {
    message('Looking up your segments…');
    fetch('/__tailor/segments', { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } })
      .then(function (r) {
        var type = r.headers.get('content-type') || '';
        if (!r.ok || type.indexOf('json') === -1) throw new Error('status ' + r.status);
        return r.json();
      })
      .then(renderWhy)
      .catch(function () {
        message('Personalisation is not running on this server, so you see the default content. Serve the store through the Tailor edge (npm start) to see your segments.');
      });
  }

  function initWhy() {
    why.panel = $('#tailor-why');
    why.body = why.panel && $('[data-why-body]', why.panel);
    if (!why.panel || !why.body) return;
    $all('[data-tailor-why]').forEach(function (b) {
      b.addEventListener('click', function () { toggleWhy(); });
    });
    $all('[data-tailor-why-close]', why.panel).forEach(function (b) {
      b.addEventListener('click', function () { toggleWhy(false); });
    });
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && why.open) toggleWhy(false);
    });
    // Keep an open panel current when an event (add to cart, survey) changes the segments.
    tailorCall(['on', 'segments', function () { if (why.open) loadWhy(); }]);
  }

  // ---------------------------------------------------------------- start

  function start() {
    updateCount();
    window.addEventListener('storage', function (e) { if (e.key === CART_KEY) updateCount(); });
    trackProductView();
    initCartPage();
    initCheckout();
    initSurvey();
    initShare();
    initWhy();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
