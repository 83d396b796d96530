/**
 * Synthetic traffic for the demo store, run through the real engine: every
 * simulated session is a batch of SDK events folded into a real profile
 * (edge/profile.ts), segments are evaluated with the live config
 * (edge/segments.ts) and experiments assigned as the Worker assigns them
 * (edge/experiments.ts). So daily segment membership, traffic by medium and
 * experiment exposures are consistent with each other and with the rules.
 *
 * Pure and deterministic: the same options give the same rows (seeded PRNG).
 * Visitors with history start up to 400 days back (so lapsed customers and
 * declining high spenders exist); rows are produced for the last `days` only.
 */
import { assignExperiments, isRunning, nextProfileExp } from '../../edge/experiments.ts';
import { applyEvents, emptyProfile } from '../../edge/profile.ts';
import { sessionDeltas } from '../../edge/routes/session-deltas.ts';
import { compileConfig, evaluateSegments } from '../../edge/segments.ts';

const DAY = 86_400_000;
const SITE = 'https://shop.example';
const HOST = 'shop.example';

/** The demo store's products (demo-site/products), by category, with prices in EUR. */
export const PRODUCTS = {
  shoes: [['trail-runner-x', 139], ['summit-hiker-mid', 179], ['cloudstep-sandal', 69]],
  jackets: [['ridge-shell-jacket', 249], ['down-puffer-700', 219], ['windbreaker-lite', 89]],
  camping: [['alpine-2-tent', 349], ['ember-stove', 59], ['nightfall-sleeping-bag', 199]],
  bags: [['expedition-pack-55', 229], ['trailhead-daypack-24', 109], ['hip-pack-3', 39]],
};
const CATEGORIES = Object.keys(PRODUCTS);
export const MEDIA = ['search', 'social', 'email', 'direct', 'paid', 'referral', 'chatbot'];

/** mulberry32: small, fast, good enough for synthetic data. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pickWeighted = (rnd, entries) => {
  let total = 0;
  for (const [, w] of entries) total += w;
  let x = rnd() * total;
  for (const [k, w] of entries) if ((x -= w) < 0) return k;
  return entries[entries.length - 1][0];
};
const pick = (rnd, list) => list[Math.floor(rnd() * list.length)];
const dayKeys = new Map();
/** ISO day of a timestamp (memoised: called for every event and membership row). */
const dayKey = (ms) => {
  const n = Math.floor(ms / DAY);
  let k = dayKeys.get(n);
  if (k === undefined) dayKeys.set(n, (k = new Date(n * DAY).toISOString().slice(0, 10)));
  return k;
};

// ---------------------------------------------------------------- the calendar

/** Weekend shoppers: Sunday and Saturday are the busiest days. */
const WEEKDAY = [1.25, 0.88, 0.92, 0.97, 1.03, 1.0, 1.2];

/**
 * Campaign calendar relative to the window (d = 0 is today, negative before):
 * a weekly newsletter on Thursdays, an "autumn sale" e-mail blast 12 days ago,
 * a paid-search burst a month ago, a social push ramping up over the last two
 * weeks, a blog feature (referrals) 25 days ago and AI-assistant traffic growing.
 */
function mediumBoost(medium, d, weekday, window) {
  const t = Math.min(1, Math.max(0, (d + window) / window));
  switch (medium) {
    case 'email':
      if (d === -12) return 7;
      if (d === -11) return 2.6;
      return weekday === 4 ? 2.4 : weekday === 5 ? 1.4 : 0.55;
    case 'social':
      return 1 + 1.6 * Math.min(1, Math.max(0, (d + 14) / 14));
    case 'paid':
      return d >= -34 && d <= -18 ? 2.6 : 0.5;
    case 'referral':
      return d === -25 ? 5 : d === -24 ? 2 : 1;
    case 'chatbot':
      return 0.6 + 1.4 * t;
    default:
      return 1;
  }
}

/** Seasonal drift of what people browse: camping rising, jackets fading. */
function categoryDrift(d, window) {
  const t = Math.min(1, Math.max(0, (d + window) / window));
  return { shoes: 1, jackets: 1.3 - 0.8 * t, camping: 0.6 + 0.9 * t, bags: 0.7 };
}

// ---------------------------------------------------------------- visitors

const COUNTRIES = [['US', 30], ['GB', 14], ['DE', 13], ['FR', 8], ['NL', 6], ['CA', 7], ['AT', 4], ['CH', 4], ['SE', 5], ['AU', 4], ['ES', 5]];
const DEVICES = [['mobile', 56], ['desktop', 37], ['tablet', 7]];
const AFFINITY = [['search', 27], ['social', 22], ['email', 13], ['direct', 14], ['paid', 9], ['referral', 7], ['chatbot', 8]];

function makeVisitor(rnd, index, first, persona) {
  const affinity = pickWeighted(rnd, AFFINITY);
  const cats = Object.fromEntries(CATEGORIES.map((c) => [c, 0.15 + rnd() ** 2]));
  cats[pick(rnd, CATEGORIES)] += 1.6; // one main interest
  const shares = Object.fromEntries(MEDIA.map((m) => [m, 0.04]));
  shares[affinity] += 0.6;
  shares.direct += 0.18;
  shares.search += 0.12;
  const subscriber = affinity === 'email' || rnd() < 0.22;
  if (!subscriber) shares.email = 0;
  return {
    // Five base-36 digits starting with 0 or 1 (at most 50,000 visitors): only session-start
    // events are `seed-s…` (sql.mjs relies on that to undo a previous seed's traffic).
    id: `seed-${index.toString(36).padStart(5, '0')}`,
    first,
    persona,
    affinity,
    shares,
    cats,
    subscriber,
    country: pickWeighted(rnd, COUNTRIES),
    device: pickWeighted(rnd, DEVICES),
    // Visits per day at the start, and how fast the habit fades.
    rate: persona === 'regular' ? 0.12 + rnd() * 0.25 : 0.015 + rnd() ** 2 * 0.12,
    lifetime: persona === 'regular' ? 120 + rnd() * 300 : 12 + rnd() * 90,
    propensity: persona === 'regular' ? 1.6 + rnd() : persona === 'declining' ? 2.2 : 0.35 + rnd() * 1.1,
    spend: persona === 'declining' || rnd() < 0.08 ? 1.8 + rnd() : 1,
    dealSeeker: rnd() < 0.18,
    experience: rnd() < 0.14 ? pickWeighted(rnd, [['pro', 45], ['intermediate', 35], ['beginner', 20]]) : null,
  };
}

// ---------------------------------------------------------------- one session

function landing(rnd, medium, d, visitor) {
  const cat = pickWeighted(rnd, Object.entries(visitor.cats));
  const product = pick(rnd, PRODUCTS[cat]);
  let path = rnd() < 0.45 ? '/' : rnd() < 0.55 ? `/${cat}/` : `/products/${product[0]}.html`;
  let query = '';
  let referrer = '';
  switch (medium) {
    case 'email': {
      const sale = d === -12 || d === -11;
      if (sale) path = '/sale.html';
      query = `?utm_source=newsletter&utm_medium=email&utm_campaign=${sale ? 'autumn-sale' : 'weekly-picks'}&mc_cid=${Math.floor(rnd() * 1e8).toString(16)}`;
      break;
    }
    case 'social': {
      const net = pickWeighted(rnd, [['instagram', 35], ['facebook', 30], ['pinterest', 15], ['reddit', 10], ['twitter', 10]]);
      if (rnd() < 0.5) query = `?utm_source=${net}&utm_medium=social&utm_campaign=trail-season`;
      else referrer = { instagram: 'https://l.instagram.com/', facebook: 'https://l.facebook.com/', pinterest: 'https://www.pinterest.com/', reddit: 'https://www.reddit.com/r/CampingGear/', twitter: 'https://t.co/x8Yk2' }[net];
      break;
    }
    case 'search':
      referrer = pickWeighted(rnd, [['https://www.google.com/', 80], ['https://www.bing.com/', 12], ['https://duckduckgo.com/', 8]]);
      break;
    case 'paid':
      query = `?gclid=${Math.floor(rnd() * 1e12).toString(36)}`;
      referrer = 'https://www.google.com/';
      break;
    case 'referral':
      referrer = pick(rnd, ['https://www.trailrunnermag.example/best-shoes-2026', 'https://www.outdoorgearlab.example/reviews/tents', 'https://hikingforum.example/t/packing-list']);
      break;
    case 'chatbot':
      referrer = pick(rnd, ['https://chatgpt.com/', 'https://www.perplexity.ai/', 'https://gemini.google.com/']);
      break;
  }
  return { path, url: `${SITE}${path}${query}`, referrer, campaign: /utm_campaign=([^&]+)/.exec(query)?.[1] };
}

const interestOf = (path) => {
  const m = /^\/(shoes|jackets|camping|bags)\//.exec(path);
  if (m) return m[1];
  const p = /^\/products\/(.+)\.html$/.exec(path);
  if (p) for (const c of CATEGORIES) if (PRODUCTS[c].some(([slug]) => slug === p[1])) return c;
  return null;
};

/**
 * The events of one session: a landing page, a few more pages, product views,
 * maybe a cart, checkout and purchase. `lift` scales the chance to add to the
 * cart and to buy (an experiment variant's effect).
 */
function sessionEvents(rnd, visitor, medium, d, ts0, state, lift, drift) {
  const events = [];
  let ts = ts0;
  const ev = (e) => {
    state.seq++;
    events.push({ id: `seed-${visitor.id.slice(5)}-${state.seq.toString(36)}`, seq: state.seq, ts, ...e });
    ts += 8_000 + Math.floor(rnd() * 90_000);
  };
  const land = landing(rnd, medium, d, visitor);
  const weights = Object.entries(visitor.cats).map(([c, w]) => [c, w * drift[c]]);
  let path = land.path;
  let referrer = land.referrer;
  let url = land.url;
  const pages = 1 + Math.min(11, Math.floor(Math.log(1 - rnd()) / Math.log(0.62)));
  let cart = [];
  for (let i = 0; i < pages; i++) {
    if (i > 0) {
      const r = rnd();
      const cat = pickWeighted(rnd, weights);
      if (r < (visitor.dealSeeker ? 0.25 : 0.04)) path = '/sale.html';
      else if (r < 0.42) path = `/${cat}/`;
      else if (r < 0.95) path = `/products/${pick(rnd, PRODUCTS[cat])[0]}.html`;
      else path = '/blog/packing-list.html';
      referrer = url;
      url = `${SITE}${path}`;
    }
    const interest = interestOf(path);
    ev({ type: 'page', url, referrer: referrer || undefined, title: path, ...(interest ? { interests: [interest] } : {}) });
    if (path === '/sale.html') ev({ type: 'track', name: 'deal_view', props: {} });
    const product = /^\/products\/(.+)\.html$/.exec(path);
    if (product && interest) {
      const price = PRODUCTS[interest].find(([slug]) => slug === product[1])[1];
      ev({ type: 'track', name: 'product_view', props: { category: interest, product: product[1], price } });
      if (rnd() < 0.075 * visitor.propensity * lift) {
        cart.push({ category: interest, price });
        ev({ type: 'track', name: 'add_to_cart', props: { category: interest, product: product[1], price, value: price } });
      }
    }
  }
  if (visitor.experience && !state.identified && rnd() < 0.5) {
    state.identified = true;
    ev({ type: 'identify', traits: { experience: visitor.experience } });
  }
  if (cart.length && rnd() < 0.62) {
    const value = Math.round(cart.reduce((a, c) => a + c.price, 0) * visitor.spend);
    ev({ type: 'track', name: 'begin_checkout', props: { value, currency: 'EUR' } });
    if (rnd() < 0.72 * Math.min(1.3, lift)) ev({ type: 'track', name: 'purchase', props: { value, currency: 'EUR', category: cart[0].category } });
  }
  return { events, medium, land, last: path };
}

// ---------------------------------------------------------------- the run

/** Relative effect of each variant (by position; the first is control). */
const VARIANT_LIFTS = [1, 1.3, 0.93, 1.08, 1.0, 1.0, 1.0, 1.0];

/**
 * @param {{ config: import('../../edge/schema.ts').TailorConfig, today: number, days?: number, visitors?: number, seed?: number }} opts
 *   `today`: now (ms): the window ends on its UTC day, and no session starts after it.
 */
export function simulate(opts) {
  const { config } = opts;
  const window = opts.days ?? 42;
  const total = opts.visitors ?? 3000;
  const rnd = prng(opts.seed ?? 1);
  const today = Math.floor(opts.today / DAY) * DAY;
  const compiled = compileConfig(config);
  const halfLifeDays = config.settings.interestHalfLifeDays;
  const windowStart = -(window - 1);

  // New visitors keep arriving (more of them as traffic grows and on campaign
  // days), starting two months before the window so it opens in a steady state;
  // the rest have been around for up to 400 days.
  const visitors = [];
  const nNew = Math.round(total * 0.72);
  const arrivalWeights = [];
  for (let d = windowStart - 60; d <= 0; d++) {
    const wd = new Date(today + d * DAY).getUTCDay();
    arrivalWeights.push([d, WEEKDAY[wd] * (0.92 + 0.16 * Math.max(0, (d - windowStart) / window))]);
  }
  for (let i = 0; i < nNew; i++) {
    const v = makeVisitor(rnd, i, 0, 'new');
    // Campaigns bring their own new visitors: draw the first day from the visitor's own channel's calendar.
    v.first = pickWeighted(rnd, arrivalWeights.map(([d, w]) => [d, w * mediumBoost(v.affinity, d, new Date(today + d * DAY).getUTCDay(), window)]));
    visitors.push(v);
  }
  for (let i = nNew; i < total; i++) {
    const persona = pickWeighted(rnd, [['regular', 22], ['occasional', 63], ['declining', 15]]);
    visitors.push(makeVisitor(rnd, i, -(window + Math.floor(rnd() * (400 - window))), persona));
  }

  const events = [];
  const members = new Set();
  const traffic = new Map();
  const exposures = [];
  const conversions = new Map();
  let sessions = 0;

  // Per-day weekday and channel boosts, computed once (the visitor loop runs ~10^6 days).
  const firstDay = Math.min(...visitors.map((v) => v.first));
  const calendar = [];
  for (let d = firstDay; d <= 0; d++) {
    const weekday = new Date(today + d * DAY).getUTCDay();
    calendar.push({ weekday, boosts: MEDIA.map((m) => mediumBoost(m, d, weekday, window) * WEEKDAY[weekday]) });
  }

  for (const v of visitors) {
    let profile = { ...emptyProfile(v.id) };
    const shares = MEDIA.map((m) => v.shares[m]);
    const state = { seq: 0, identified: false };
    /** experiment id -> exposure ts */
    const exposedAt = new Map();
    for (let d = v.first; d <= 0; d++) {
      const dayStart = today + d * DAY;
      const { boosts } = calendar[d - firstDay];
      const age = d - v.first;
      let medium;
      if (d === v.first) medium = v.persona === 'new' ? v.affinity : pickWeighted(rnd, Object.entries(v.shares));
      else {
        // Declining high spenders keep visiting now and then (they buy much less lately, below).
        const habit = v.persona === 'declining' ? 0.05 : v.rate * Math.exp(-age / v.lifetime) + 0.004;
        let sum = 0;
        for (let m = 0; m < MEDIA.length; m++) sum += shares[m] * boosts[m];
        if (rnd() >= Math.min(0.9, habit * sum)) continue;
        let x = rnd() * sum;
        let m = 0;
        while (m < MEDIA.length - 1 && (x -= shares[m] * boosts[m]) >= 0) m++;
        medium = MEDIA[m];
      }
      const inWindow = d >= windowStart;
      if (!inWindow && v.persona === 'occasional' && rnd() < 0.5) continue; // thin out old history (speed)
      const hour = pickWeighted(rnd, [[8, 1], [10, 2], [12, 3], [14, 2], [17, 3], [19, 5], [21, 4], [22, 2]]);
      const ts0 = dayStart + hour * 3_600_000 + Math.floor(rnd() * 3_500_000);
      if (ts0 > opts.today - 30 * 60_000) continue; // nothing from the future: today is still running
      const context = { country: v.country, device: v.device, medium };

      // Experiments: assigned at the first page of the session, as the Worker does.
      let lift = 1;
      if (inWindow && config.experiments.length) {
        const running = config.experiments.filter((e) => isRunning(e, ts0));
        if (running.length) {
          const before = evaluateSegments(profile, compiled, ts0, context);
          const result = assignExperiments(profile, running, before, ts0);
          for (const id of result.newlyAssigned) {
            exposures.push([id, v.id, result.assignments[id], ts0, dayKey(ts0)]);
            exposedAt.set(id, ts0);
          }
          profile = { ...profile, exp: nextProfileExp(profile.exp, result, config.experiments) };
          for (const [id, variant] of Object.entries(result.assignments)) {
            const exp = config.experiments.find((e) => e.id === id);
            lift *= VARIANT_LIFTS[exp.variants.findIndex((x) => x.id === variant)] ?? 1;
          }
        }
      }
      const propensityNow = v.persona === 'declining' && d < -95 ? 3 : v.persona === 'declining' ? 0.08 : 1;
      const s = sessionEvents(rnd, { ...v, propensity: v.propensity * propensityNow }, medium, d, ts0, state, lift, categoryDrift(d, window));
      const before = profile;
      const lastTs = s.events[s.events.length - 1].ts;
      profile = applyEvents(profile, s.events, { host: HOST, halfLifeDays, now: lastTs }).profile;
      if (!inWindow) continue;

      sessions++;
      const started = sessionDeltas(before, profile);
      const day = dayKey(ts0);
      const startedMedium = Object.keys(started)[0] ?? null;
      for (const [m, n] of Object.entries(started)) traffic.set(`${day}\t${m}`, (traffic.get(`${day}\t${m}`) ?? 0) + n);
      s.events.forEach((e, i) => {
        const isStart = i === 0 && startedMedium !== null;
        events.push({
          id: isStart ? `seed-s${e.id.slice(5)}` : e.id,
          visitor: v.id,
          type: e.type,
          name: e.type === 'track' ? e.name : null,
          path: e.type === 'page' ? new URL(e.url).pathname : null,
          medium: isStart ? startedMedium : (profile.session?.medium ?? null),
          value_cents: e.type === 'track' && e.name === 'purchase' ? Math.round(e.props.value * 100) : null,
          ts: e.ts,
          day: dayKey(e.ts),
        });
      });
      const segments = evaluateSegments(profile, compiled, lastTs, { ...context, utm_campaign: s.land.campaign, path: s.last });
      for (const seg of segments) members.add(`${dayKey(lastTs)}\t${seg}\t${v.id}`);

      // Conversions: goal events within the attribution window of the exposure, once per visitor and goal.
      for (const [id, at] of exposedAt) {
        const exp = config.experiments.find((e) => e.id === id);
        const goals = new Set([exp.goals.primary, ...exp.goals.secondary]);
        for (const e of s.events) {
          if (e.type !== 'track' || !goals.has(e.name) || e.ts < at || e.ts - at > exp.goals.windowDays * DAY) continue;
          const key = `${id}\t${v.id}\t${e.name}`;
          if (!conversions.has(key)) conversions.set(key, [id, v.id, profile.exp[id], e.name, e.ts, dayKey(e.ts)]);
        }
      }
    }
  }

  return {
    events,
    members: [...members].map((k) => k.split('\t')),
    traffic: [...traffic].map(([k, n]) => [...k.split('\t'), n]),
    exposures,
    conversions: [...conversions.values()],
    stats: { visitors: visitors.length, sessions, from: dayKey(today + windowStart * DAY), to: dayKey(today) },
  };
}
