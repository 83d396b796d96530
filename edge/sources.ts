/**
 * Traffic-source classification: where did this visit come from?
 *
 * `classifySource({ url, referrer, host })` → `{ medium, source }`. Signals are read
 * in this order; the first that decides the medium wins:
 *
 *   1. `utm_medium` (campaign tags are the marketer's explicit word)
 *   2. `utm_source` alone, when it is a known name (`newsletter`, `facebook`, `chatgpt.com`…)
 *   3. click ids in the landing URL: ad networks (paid) > email platforms > social shares
 *      > organic-search markers > affiliate networks
 *   4. the referrer: the site itself (internal), a known app, a known host, else referral
 *   5. campaign tags nobody recognised: referral, named by the tag
 *   6. nothing at all: direct
 *
 * When a `utm_source` is present it names the source (canonicalised when it is a known
 * alias: `fb` → `facebook`); otherwise the name comes from the signal that decided.
 * `direct` and `internal` always have `source: null`.
 *
 * Pure and allocation-light: every table is compiled into Maps at module load, and a
 * call does a handful of Map lookups while walking up the referrer's host labels.
 * It never throws, whatever it is given.
 */
import type { Medium, SourceInfo } from './types.ts';

export interface ClassifyInput {
  /** The landing page URL (absolute; a relative `/path?query` is read for its tags only). */
  url: string;
  /** `document.referrer` or the Referer header; empty / null when there is none. */
  referrer?: string | null;
  /** The site's own host; defaults to the URL's host. `www.` and ports are ignored. */
  host?: string;
}

/** A table grouped as medium → stable source name → keys (hosts, parameters, aliases…). */
export type SourceTable = { readonly [M in Medium]?: { readonly [source: string]: readonly string[] } };

// ============================================================================ tables
//
// Host syntax: `example.com` matches the host and every subdomain of it; a leading `=`
// matches the host itself only (a leading `www.` is always ignored); `*` in the last
// position stands for any country ending (`com`, `de`, `co.uk`, `com.br`, …), so one
// row covers a brand's ~200 country domains. The most specific row wins:
// mail.google.com is email, gemini.google.com is chatbot, www.google.de is search.

/** Referrer hosts. */
export const REFERRER_HOSTS = {
  search: {
    google: ['=google.*', 'images.google.*', 'scholar.google.*', '=m.google.com'],
    bing: ['bing.com', 'bing.net'],
    yahoo: ['=yahoo.*', 'search.yahoo.*', '=m.yahoo.com'],
    'yahoo-japan': ['=yahoo.co.jp', 'search.yahoo.co.jp'],
    yandex: ['=yandex.*', '=ya.ru'],
    baidu: ['=baidu.com', '=m.baidu.com', '=wap.baidu.com'],
    naver: ['=naver.com', 'search.naver.com', '=m.naver.com'],
    daum: ['=daum.net', 'search.daum.net', '=m.daum.net'],
    seznam: ['=seznam.cz', 'search.seznam.cz'],
    duckduckgo: ['duckduckgo.com', '=ddg.gg'],
    ecosia: ['ecosia.org'],
    qwant: ['qwant.com'],
    brave: ['search.brave.com'],
    startpage: ['startpage.com', 'startpage.nl'],
    sogou: ['sogou.com'],
    '360': ['so.com', 'so.360.cn'],
    shenma: ['sm.cn'],
    ask: ['ask.com'],
    aol: ['search.aol.*'],
    mojeek: ['mojeek.com'],
    kagi: ['kagi.com'],
    yep: ['yep.com'],
    swisscows: ['swisscows.com'],
    metager: ['metager.org', 'metager.de'],
    coccoc: ['coccoc.com'],
    petal: ['petalsearch.com'],
    goo: ['search.goo.ne.jp'],
    rambler: ['nova.rambler.ru'],
    'mail.ru': ['go.mail.ru'],
    onet: ['szukaj.onet.pl'],
    lilo: ['search.lilo.org'],
  },
  chatbot: {
    chatgpt: ['chatgpt.com', 'chat.openai.com'],
    perplexity: ['perplexity.ai', 'pplx.ai'],
    gemini: ['gemini.google.*', 'bard.google.*'],
    notebooklm: ['notebooklm.google.*'],
    copilot: ['copilot.microsoft.com', 'copilot.cloud.microsoft', 'edgeservices.bing.com', 'copilot.com'],
    claude: ['claude.ai'],
    'meta-ai': ['meta.ai'],
    deepseek: ['deepseek.com'],
    mistral: ['chat.mistral.ai'],
    grok: ['grok.com'],
    you: ['you.com'],
    phind: ['phind.com'],
    poe: ['poe.com'],
    'character-ai': ['character.ai'],
    pi: ['pi.ai'],
    kimi: ['kimi.com', 'kimi.ai', 'kimi.moonshot.cn'],
    qwen: ['chat.qwen.ai', 'tongyi.aliyun.com'],
    ernie: ['yiyan.baidu.com'],
    doubao: ['doubao.com'],
    chatglm: ['chatglm.cn', 'chat.z.ai'],
    iask: ['iask.ai'],
  },
  email: {
    gmail: ['mail.google.*', 'gmail.com', 'inbox.google.com'],
    outlook: [
      'outlook.live.com',
      'outlook.office.com',
      'outlook.office365.com',
      'outlook.cloud.microsoft',
      'outlook.com',
      'mail.live.com',
      'hotmail.com',
    ],
    'yahoo-mail': ['mail.yahoo.*'],
    'aol-mail': ['mail.aol.*', 'webmail.aol.*'],
    'icloud-mail': ['icloud.com'],
    'proton-mail': ['mail.proton.me', 'mail.protonmail.com'],
    'zoho-mail': ['mail.zoho.*'],
    fastmail: ['fastmail.com'],
    tuta: ['app.tuta.com', 'mail.tutanota.com'],
    hey: ['app.hey.com'],
    gmx: ['navigator.gmx.*', '3c.gmx.*'],
    webde: ['navigator.web.de', '3c.web.de'],
    'mail.com': ['mail.com'],
    ionos: ['mail.ionos.*', 'email.ionos.*', 'webmail.1und1.de', 'webmail.1and1.com'],
    't-online': ['email.t-online.de'],
    freenet: ['webmail.freenet.de'],
    orange: ['webmail.orange.fr', 'messagerie.orange.fr', 'mail.orange.fr'],
    free: ['zimbra.free.fr', 'webmail.free.fr'],
    sfr: ['webmail.sfr.fr', 'messagerie.sfr.fr'],
    laposte: ['webmail.laposte.net', 'mail.laposte.net'],
    bluewin: ['webmail.bluewin.ch'],
    libero: ['mail.libero.it'],
    virgilio: ['mail.virgilio.it'],
    'mail.ru': ['e.mail.ru', 'touch.mail.ru', 'octavius.mail.ru'],
    'yandex-mail': ['mail.yandex.*', 'mail.ya.ru'],
    'rambler-mail': ['mail.rambler.ru'],
    'seznam-email': ['email.seznam.cz'],
    centrum: ['email.centrum.cz'],
    'onet-poczta': ['poczta.onet.pl'],
    'wp-poczta': ['poczta.wp.pl'],
    'interia-poczta': ['poczta.interia.pl'],
    'qq-mail': ['mail.qq.com', 'exmail.qq.com'],
    '163-mail': ['mail.163.com'],
    '126-mail': ['mail.126.com'],
    'yeah-mail': ['mail.yeah.net'],
    'sina-mail': ['mail.sina.com.cn', 'mail.sina.com'],
    'naver-mail': ['mail.naver.com'],
    'daum-mail': ['mail.daum.net'],
    'nate-mail': ['mail.nate.com'],
    'uol-mail': ['email.uol.com.br'],
    rediffmail: ['mail.rediff.com'],
  },
  social: {
    facebook: ['facebook.com', 'fb.com', 'fb.me', 'fb.watch', 'messenger.com', 'm.me'],
    instagram: ['instagram.com', 'instagr.am', 'ig.me'],
    threads: ['threads.net', 'threads.com'],
    twitter: ['twitter.com', 'x.com', 't.co'],
    linkedin: ['linkedin.com', 'lnkd.in'],
    youtube: ['youtube.com', 'youtu.be'],
    pinterest: ['pinterest.*', 'pin.it'],
    reddit: ['reddit.com', 'redd.it'],
    tumblr: ['tumblr.com'],
    snapchat: ['snapchat.com'],
    tiktok: ['tiktok.com'],
    bluesky: ['bsky.app', 'bsky.social'],
    mastodon: [
      'mastodon.social',
      'mastodon.online',
      'mastodon.world',
      'mastodon.art',
      'mstdn.social',
      'mstdn.jp',
      'mas.to',
      'fosstodon.org',
      'hachyderm.io',
      'infosec.exchange',
      'techhub.social',
      'universeodon.com',
      'pawoo.net',
    ],
    lemmy: ['lemmy.world', 'lemmy.ml'],
    discord: ['discord.com', 'discord.gg', 'discordapp.com'],
    whatsapp: ['whatsapp.com', 'wa.me'],
    telegram: ['t.me', 'telegram.me', 'telegram.org'],
    slack: ['slack.com'],
    teams: ['teams.microsoft.com', 'teams.live.com'],
    quora: ['quora.com'],
    medium: ['medium.com'],
    hackernews: ['news.ycombinator.com'],
    twitch: ['twitch.tv'],
    vimeo: ['vimeo.com'],
    flickr: ['flickr.com'],
    flipboard: ['flipboard.com'],
    nextdoor: ['nextdoor.com'],
    linktree: ['linktr.ee'],
    xing: ['xing.com'],
    vk: ['vk.com', 'vk.ru', 'vkontakte.ru', 'vk.cc'],
    odnoklassniki: ['ok.ru', 'odnoklassniki.ru'],
    dzen: ['dzen.ru'],
    weibo: ['weibo.com', 'weibo.cn', 't.cn'],
    qzone: ['qzone.qq.com'],
    wechat: ['weixin.qq.com', 'wechat.com'],
    douyin: ['douyin.com', 'iesdouyin.com'],
    xiaohongshu: ['xiaohongshu.com', 'xhslink.com'],
    bilibili: ['bilibili.com', 'b23.tv'],
    zhihu: ['zhihu.com'],
    douban: ['douban.com'],
    tieba: ['tieba.baidu.com'],
    line: ['line.me', 'lin.ee'],
    kakaostory: ['story.kakao.com'],
    kakao: ['kakao.com'],
    'naver-blog': ['blog.naver.com'],
    'naver-cafe': ['cafe.naver.com'],
    band: ['band.us'],
    'daum-cafe': ['cafe.daum.net'],
    mixi: ['mixi.jp'],
    ameba: ['ameblo.jp'],
    hatena: ['b.hatena.ne.jp'],
    aparat: ['aparat.com'],
    dcard: ['dcard.tw'],
    ptt: ['ptt.cc'],
    plurk: ['plurk.com'],
    sharechat: ['sharechat.com'],
  },
  paid: {
    google: ['googleadservices.com', 'googlesyndication.com', 'doubleclick.net'],
    amazon: ['amazon-adsystem.com'],
    outbrain: ['outbrain.com'],
    taboola: ['taboola.com'],
    criteo: ['criteo.com'],
  },
  /** Named referrers: sites whose many country domains should count as one source. */
  referral: {
    amazon: ['amazon.*'],
    ebay: ['ebay.*'],
    wikipedia: ['wikipedia.org'],
  },
} as const satisfies SourceTable;

/**
 * Android apps, from `android-app://<package>/` referrers. A package also matches its
 * variants (`com.google.android.gm.lite` → gmail). Unknown apps are referrals named
 * by their package.
 */
export const APP_REFERRERS = {
  email: {
    gmail: ['com.google.android.gm'],
    outlook: ['com.microsoft.office.outlook'],
    'yahoo-mail': ['com.yahoo.mobile.client.android.mail'],
    'samsung-email': ['com.samsung.android.email.provider'],
    'proton-mail': ['ch.protonmail.android'],
    'mail.ru': ['ru.mail.mailapp'],
    'yandex-mail': ['ru.yandex.mail'],
    'qq-mail': ['com.tencent.androidqqmail'],
  },
  search: {
    google: ['com.google.android.googlequicksearchbox', 'com.google.android.apps.searchlite'],
    bing: ['com.microsoft.bing'],
    yandex: ['ru.yandex.searchplugin'],
    naver: ['com.nhn.android.search'],
    duckduckgo: ['com.duckduckgo.mobile.android'],
    baidu: ['com.baidu.searchbox'],
  },
  chatbot: {
    chatgpt: ['com.openai.chatgpt'],
    gemini: ['com.google.android.apps.bard'],
    perplexity: ['ai.perplexity.app.android'],
    claude: ['com.anthropic.claude'],
    copilot: ['com.microsoft.copilot'],
    deepseek: ['com.deepseek.chat'],
  },
  social: {
    facebook: ['com.facebook.katana', 'com.facebook.lite', 'com.facebook.orca', 'com.facebook.mlite'],
    instagram: ['com.instagram.android'],
    threads: ['com.instagram.barcelona'],
    twitter: ['com.twitter.android'],
    linkedin: ['com.linkedin.android'],
    youtube: ['com.google.android.youtube'],
    pinterest: ['com.pinterest'],
    reddit: ['com.reddit.frontpage'],
    tiktok: ['com.zhiliaoapp.musically', 'com.ss.android.ugc.trill'],
    douyin: ['com.ss.android.ugc.aweme'],
    snapchat: ['com.snapchat.android'],
    bluesky: ['xyz.blueskyweb.app'],
    mastodon: ['org.joinmastodon.android'],
    whatsapp: ['com.whatsapp'],
    telegram: ['org.telegram.messenger', 'org.thunderdog.challegram'],
    discord: ['com.discord'],
    slack: ['com.slack'],
    teams: ['com.microsoft.teams'],
    viber: ['com.viber.voip'],
    line: ['jp.naver.line.android'],
    kakaotalk: ['com.kakao.talk'],
    vk: ['com.vkontakte.android'],
    odnoklassniki: ['ru.ok.android'],
    weibo: ['com.sina.weibo'],
    wechat: ['com.tencent.mm'],
    xiaohongshu: ['com.xingin.xhs'],
  },
} as const satisfies SourceTable;

/**
 * Click ids and platform parameters in the landing URL (matched case-insensitively).
 * A click id of an AD network means the click was paid; organic share ids mean social.
 * When several are present the medium ranks paid > email > social > search > referral.
 *
 * Deliberately absent: `si` (YouTube/Spotify put it on their own share URLs, and a
 * two-letter name collides with sites' own parameters); `__hstc`/`__hssc`/`__hsfp`
 * (HubSpot's cross-domain cookie relay, not an email click); Brevo's `sib_id` (not
 * confirmed; Brevo's click counter is known to append `_se`).
 */
export const CLICK_IDS = {
  paid: {
    google: ['gclid', 'gclsrc', 'gbraid', 'wbraid', 'dclid', 'gad_source', 'gad_campaignid'],
    bing: ['msclkid'],
    tiktok: ['ttclid'],
    twitter: ['twclid'],
    linkedin: ['li_fat_id'],
    snapchat: ['sccid'],
    reddit: ['rdt_cid'],
    pinterest: ['epik'],
    /** Also Yahoo! JAPAN Ads, whose values start `YSS.` / `YJAD.` (told apart per call). */
    yandex: ['yclid', '_openstat'],
    quora: ['qclid'],
    taboola: ['tblci'],
    outbrain: ['outbrainclickid'],
    naver: ['n_media'],
    baidu: ['bd_vid'],
    nextdoor: ['ndclid'],
  },
  email: {
    mailchimp: ['mc_cid', 'mc_eid'],
    hubspot: ['_hsenc', '_hsmi'],
    marketo: ['mkt_tok'],
    klaviyo: ['_kx', '_ke'],
    eloqua: ['elqtrackid', 'elqtrack', 'elqaid', 'elqat', 'elqcampaignid'],
    acoustic: ['spmailingid', 'spuserid', 'spjobid', 'spreportid'],
    emarsys: ['sc_src', 'sc_llid', 'sc_lid', 'sc_uid', 'sc_eh', 'sc_customer'],
    activecampaign: ['vgo_ee'],
    omnisend: ['omnisendcontactid'],
    drip: ['__s'],
    vero: ['vero_id', 'vero_conv'],
    bronto: ['_bta_tid', '_bta_c'],
    listrak: ['trk_contact', 'trk_msg', 'trk_module', 'trk_sid'],
    mailerlite: ['ml_subscriber', 'ml_subscriber_hash'],
    kit: ['ck_subscriber_id'],
    blueshift: ['bsft_clkid', 'bsft_eid', 'bsft_mid', 'bsft_uid'],
    omeda: ['oly_enc_id', 'oly_anon_id'],
    brevo: ['_se'],
    dotdigital: ['dm_i'],
  },
  social: {
    facebook: ['fbclid', 'mibextid'],
    instagram: ['igshid', 'igsh'],
  },
  search: {
    /** Merchant Center auto-tagging on organic shopping results. */
    google: ['srsltid'],
    /** Added by Yandex to organic results. */
    yandex: ['ysclid'],
  },
  /** Affiliate networks: a partner site sent the visit. */
  referral: {
    impact: ['irclickid', 'irgwc'],
    cj: ['cjevent'],
    awin: ['awc'],
    rakuten: ['ranmid', 'raneaid', 'ransiteid'],
    tradedoubler: ['tduid'],
    shareasale: ['sscid'],
    admitad: ['admitad_uid'],
  },
} as const satisfies SourceTable;

/**
 * `utm_medium` spellings (compared lower-cased, with `_` and spaces read as `-`).
 * Anything not listed falls back to substring rules: containing `cp`/`ppc` or starting
 * `paid` → paid (Google's own channel rule), containing `email`/`e-mail`/`newsletter` →
 * email, containing `social` → social. Still unknown (`sms`, `qr`, `print`, `push`…):
 * the medium is decided by the later signals, and failing those the visit is a
 * referral named by the tag.
 */
export const UTM_MEDIUMS: { readonly [M in Medium]: readonly string[] } = {
  email: ['email', 'e-mail', 'mail', 'newsletter', 'newsletters', 'mailing', 'emailing', 'edm', 'crm'],
  social: [
    'social',
    'social-network',
    'social-media',
    'socialmedia',
    'socialnetwork',
    'sm',
    'sns',
    'social-organic',
    'organic-social',
  ],
  paid: [
    'cpc',
    'ppc',
    'cpm',
    'cpv',
    'cpa',
    'paid',
    'paidsearch',
    'paid-search',
    'paidsocial',
    'paid-social',
    'paid-media',
    'sem',
    'display',
    'banner',
    'expandable',
    'interstitial',
    'retargeting',
    'remarketing',
    'programmatic',
    'native',
    'ads',
    'ad',
    'sponsored',
  ],
  search: ['organic', 'organic-search', 'search', 'seo'],
  chatbot: ['chatbot', 'ai', 'llm', 'ai-assistant', 'genai'],
  referral: ['referral', 'referrer', 'affiliate', 'affiliates', 'partner', 'partners', 'aff'],
  direct: ['direct', 'none', '(none)'],
  internal: ['internal'],
};

/**
 * Known `utm_source` values → medium and canonical name. They decide the medium on
 * their own when `utm_medium` is absent or unknown (`utm_source=newsletter` is email).
 * A value that looks like a host (`chatgpt.com`, `l.facebook.com`) is also looked up
 * in REFERRER_HOSTS, and any value containing `newsletter` or starting `email` is email.
 */
export const UTM_SOURCES = {
  email: {
    email: ['email', 'e-mail'],
    newsletter: ['newsletter', 'newsletters'],
    mail: ['mail', 'mailing', 'emailing', 'edm'],
    mailchimp: ['mailchimp'],
    klaviyo: ['klaviyo'],
    hubspot: ['hs_email', 'hs_automation'],
    marketo: ['marketo'],
    eloqua: ['eloqua'],
    brevo: ['brevo', 'sendinblue'],
    mailerlite: ['mailerlite'],
    sendgrid: ['sendgrid'],
    substack: ['substack'],
    beehiiv: ['beehiiv'],
    kit: ['convertkit'],
    activecampaign: ['activecampaign'],
    'campaign-monitor': ['campaignmonitor', 'campaign-monitor'],
    'constant-contact': ['constantcontact', 'constant-contact'],
    mailjet: ['mailjet'],
    omnisend: ['omnisend'],
    drip: ['drip'],
    iterable: ['iterable'],
    braze: ['braze'],
    'customer.io': ['customerio', 'customer.io'],
    emarsys: ['emarsys'],
    listrak: ['listrak'],
    getresponse: ['getresponse'],
    aweber: ['aweber'],
    moosend: ['moosend'],
  },
  social: {
    social: ['social'],
    facebook: ['facebook', 'fb', 'meta', 'messenger'],
    instagram: ['instagram', 'ig', 'insta'],
    threads: ['threads'],
    twitter: ['twitter', 'x', 'tw'],
    linkedin: ['linkedin', 'lnkd'],
    youtube: ['youtube', 'yt'],
    pinterest: ['pinterest'],
    reddit: ['reddit'],
    tumblr: ['tumblr'],
    snapchat: ['snapchat'],
    tiktok: ['tiktok'],
    bluesky: ['bluesky', 'bsky'],
    mastodon: ['mastodon'],
    whatsapp: ['whatsapp'],
    telegram: ['telegram'],
    discord: ['discord'],
    slack: ['slack'],
    quora: ['quora'],
    twitch: ['twitch'],
    vimeo: ['vimeo'],
    linktree: ['linktree', 'linkinbio', 'link-in-bio'],
    xing: ['xing'],
    vk: ['vk', 'vkontakte'],
    odnoklassniki: ['odnoklassniki'],
    weibo: ['weibo'],
    wechat: ['wechat', 'weixin'],
    qzone: ['qzone'],
    douyin: ['douyin'],
    xiaohongshu: ['xiaohongshu', 'xhs', 'rednote'],
    bilibili: ['bilibili'],
    zhihu: ['zhihu'],
    line: ['line'],
    kakaotalk: ['kakaotalk'],
    kakaostory: ['kakaostory'],
  },
  search: {
    google: ['google'],
    bing: ['bing'],
    yahoo: ['yahoo'],
    yandex: ['yandex'],
    baidu: ['baidu'],
    naver: ['naver'],
    daum: ['daum'],
    seznam: ['seznam'],
    duckduckgo: ['duckduckgo', 'ddg'],
    ecosia: ['ecosia'],
    qwant: ['qwant'],
    brave: ['brave'],
    startpage: ['startpage'],
    sogou: ['sogou'],
  },
  chatbot: {
    chatgpt: ['chatgpt', 'openai'],
    perplexity: ['perplexity'],
    gemini: ['gemini', 'bard'],
    copilot: ['copilot'],
    claude: ['claude'],
    deepseek: ['deepseek'],
    grok: ['grok'],
    'meta-ai': ['meta-ai', 'metaai'],
    mistral: ['mistral', 'le-chat', 'lechat'],
    phind: ['phind'],
  },
} as const satisfies SourceTable;

// ============================================================================ compiled lookups

interface Hit {
  medium: Medium;
  source: string;
}
interface HostHit extends Hit {
  /** Whether subdomains of the key match too. */
  sub: boolean;
}

const CLICK_RANK: Partial<Record<Medium, number>> = { paid: 5, email: 4, social: 3, search: 2, referral: 1 };

/** Builds a Map from a grouped table; a key listed twice is a table bug, so it throws at load. */
function compile<T extends Hit>(table: SourceTable, name: string, make: (key: string, hit: Hit) => [string, T]): Map<string, T> {
  const map = new Map<string, T>();
  for (const [medium, sources] of Object.entries(table) as [Medium, Record<string, readonly string[]>][]) {
    for (const [source, keys] of Object.entries(sources)) {
      for (const raw of keys) {
        const [key, value] = make(raw, { medium, source });
        if (map.has(key)) throw new Error(`${name}: "${key}" is listed twice`);
        map.set(key, value);
      }
    }
  }
  return map;
}

const HOSTS = compile<HostHit>(REFERRER_HOSTS, 'REFERRER_HOSTS', (raw, hit) =>
  raw.startsWith('=') ? [raw.slice(1), { ...hit, sub: false }] : [raw, { ...hit, sub: true }],
);
const APPS = compile<Hit>(APP_REFERRERS, 'APP_REFERRERS', (raw, hit) => [raw, hit]);
const PARAMS = compile<Hit>(CLICK_IDS, 'CLICK_IDS', (raw, hit) => [raw.toLowerCase(), hit]);
const SOURCE_ALIASES = compile<Hit>(UTM_SOURCES, 'UTM_SOURCES', (raw, hit) => [normaliseTag(raw), hit]);
const MEDIUM_ALIASES = new Map<string, Medium>();
for (const [medium, spellings] of Object.entries(UTM_MEDIUMS) as [Medium, readonly string[]][]) {
  for (const s of spellings) MEDIUM_ALIASES.set(normaliseTag(s), medium);
}

/** Second-level labels under which brands register country domains (google.co.uk, google.com.br). */
const SECOND_LEVEL = new Set(['com', 'co', 'net', 'org', 'ne', 'or', 'ac', 'go', 'gob', 'gov', 'edu']);

/** Every known source name per medium, sorted: for the README and the dashboard. */
export function knownSources(): Record<Medium, string[]> {
  const out: Record<Medium, string[]> = {
    email: [],
    social: [],
    search: [],
    paid: [],
    chatbot: [],
    referral: [],
    direct: [],
    internal: [],
  };
  for (const table of [REFERRER_HOSTS, APP_REFERRERS, CLICK_IDS, UTM_SOURCES] as SourceTable[]) {
    for (const [medium, sources] of Object.entries(table) as [Medium, Record<string, readonly string[]>][]) {
      for (const source of Object.keys(sources)) if (!out[medium].includes(source)) out[medium].push(source);
    }
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}

// ============================================================================ helpers

const MAX_SOURCE = 64;
const MAX_PARAMS = 100;
const MAX_KEY = 40;

/** Campaign tag as a lookup key: lower-case, trimmed, `_` and spaces read as `-`. */
function normaliseTag(value: string): string {
  return value.trim().toLowerCase().replace(/[\s_]+/g, '-');
}

/** A tag value as a source name: lower-case, trimmed, at most 64 characters (never a split surrogate pair). */
function cleanSource(value: string): string | null {
  let s = value.trim().toLowerCase();
  if (s.length > MAX_SOURCE) {
    const code = s.charCodeAt(MAX_SOURCE - 1);
    s = s.slice(0, code >= 0xd800 && code <= 0xdbff ? MAX_SOURCE - 1 : MAX_SOURCE).trimEnd();
  }
  return s || null;
}

/** A hostname as a source name: without `www.`, and over-long ones keep their registrable end. */
function hostSource(host: string): string {
  let h = stripWww(host);
  while (h.length > MAX_SOURCE) {
    const dot = h.indexOf('.');
    h = dot < 0 ? h.slice(-MAX_SOURCE) : h.slice(dot + 1);
  }
  return h;
}

function stripWww(host: string): string {
  return host.startsWith('www.') ? host.slice(4) : host;
}

/** Lower-case hostname without port or trailing dot, from a Host header value or a URL. */
function normaliseHost(value: string): string {
  let h = value.trim().toLowerCase();
  if (h.includes('/')) {
    h = splitUrl(h.includes('://') ? h : `http://${h}`)?.host ?? '';
  } else if (h.startsWith('[')) {
    h = h.slice(0, h.indexOf(']') + 1); // [::1]:8787
  } else {
    const colon = h.indexOf(':');
    if (colon >= 0) h = h.slice(0, colon);
  }
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/** The parts of a URL the classifier reads. `host` is lower-case, without port or trailing dot. */
export interface UrlParts {
  scheme: string;
  host: string;
  query: string;
}

/** Splits a URL; null when it does not parse. Unusual URLs go to the WHATWG parser. */
export function splitUrl(value: string): UrlParts | null {
  const fast = splitFast(value);
  if (fast !== undefined) return fast;
  // URL.parse, not `new URL` in a try: referrers that are not URLs are common, and an exception is costly.
  const u = URL.parse(value);
  if (!u) return null;
  let host = u.hostname.toLowerCase(); // opaque hosts (android-app://com.Slack) keep their case
  if (host.endsWith('.')) host = host.slice(0, -1);
  return { scheme: u.protocol.slice(0, -1), host, query: u.search.slice(1) };
}

/**
 * `scheme://host[:port][/path][?query][#hash]` with a plain host, by string operations.
 * Returns undefined (not null) to hand the URL to the full parser: userinfo, percent
 * signs, backslashes, tabs, numeric hosts (which the parser rewrites) and odd ports.
 */
function splitFast(s: string): UrlParts | null | undefined {
  const sep = s.indexOf('://');
  if (sep < 1 || sep > 20) return undefined;
  const first = s.charCodeAt(0) | 0x20;
  if (first < 97 || first > 122) return undefined;
  for (let i = 1; i < sep; i++) {
    const c = s.charCodeAt(i) | 0x20; // letters, digits, + - .
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) return undefined;
  }
  let end = sep + 3;
  let colon = -1;
  for (; end < s.length; end++) {
    const c = s.charCodeAt(end);
    if (c === 47 || c === 63 || c === 35) break; // / ? #
    if (c === 58) {
      if (colon >= 0) return undefined;
      colon = end;
    } else if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95)) {
      return undefined;
    }
  }
  let host = s.slice(sep + 3, colon >= 0 ? colon : end).toLowerCase();
  if (colon >= 0) {
    const port = s.slice(colon + 1, end);
    if (port.length > 5 || !/^\d*$/.test(port) || Number(port) > 65535) return undefined;
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (!host || host.startsWith('.')) return undefined;
  const lastLabel = host.charCodeAt(host.lastIndexOf('.') + 1);
  if (lastLabel >= 48 && lastLabel <= 57) return undefined; // IPv4 forms get normalised by the parser
  if (s.includes('\t') || s.includes('\n') || s.includes('\r') || s.includes('\\')) return undefined;
  const q = s.indexOf('?', end);
  const hash = s.indexOf('#', end);
  const query = q < 0 || (hash >= 0 && hash < q) ? '' : s.slice(q + 1, hash < 0 ? s.length : hash);
  return { scheme: s.slice(0, sep).toLowerCase(), host, query };
}

/** The query of a relative URL (`/path?query#hash`, `?query`). */
function relativeQuery(s: string): string {
  const q = s.indexOf('?');
  if (q < 0) return '';
  const hash = s.indexOf('#', q);
  return s.slice(q + 1, hash < 0 ? s.length : hash);
}

/** Decodes one form-encoded query component exactly as URLSearchParams does. */
function decodeComponent(raw: string): string {
  if (!raw.includes('%') && !raw.includes('+')) return raw;
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return new URLSearchParams(`v=${raw}`).get('v') ?? raw; // lenient with malformed % escapes
  }
}

/**
 * Referrer host lookup. Walks from the full host up to the brand label; at each step it
 * tries the exact key and the country-family key (`mail.google.*`). Subdomain steps only
 * match rows that allow subdomains.
 */
export function lookupHost(hostname: string): Hit | null {
  const host = stripWww(hostname);
  // Where the country ending starts: the last label, or the last two for com.br / co.uk.
  let suffixStart = host.lastIndexOf('.');
  if (suffixStart <= 0) return null;
  if (host.length - suffixStart === 3) {
    const prev = host.lastIndexOf('.', suffixStart - 1);
    if (prev > 0 && SECOND_LEVEL.has(host.slice(prev + 1, suffixStart))) suffixStart = prev;
  }
  for (let pos = 0; pos < suffixStart; ) {
    const exact = HOSTS.get(pos === 0 ? host : host.slice(pos));
    if (exact && (pos === 0 || exact.sub)) return exact;
    const family = HOSTS.get(`${host.slice(pos, suffixStart)}.*`);
    if (family && (pos === 0 || family.sub)) return family;
    const dot = host.indexOf('.', pos);
    if (dot < 0 || dot >= suffixStart) break;
    pos = dot + 1;
  }
  return null;
}

/** Android package lookup; `com.google.android.gm.lite` falls back to `com.google.android.gm`. */
function lookupApp(pkg: string): Hit | null {
  let p = pkg;
  for (let i = 0; i < 3 && p; i++) {
    const hit = APPS.get(p);
    if (hit) return hit;
    const dot = p.lastIndexOf('.');
    if (dot < 0) break;
    p = p.slice(0, dot);
  }
  return null;
}

/** What a known `utm_source` value says on its own. */
function sourceAlias(key: string): Hit | null {
  const alias = SOURCE_ALIASES.get(key);
  if (alias) return alias;
  if (key.includes('.') && !key.includes('/')) {
    const host = lookupHost(key);
    if (host) return host;
  }
  if (key.includes('newsletter') || key.startsWith('email') || key.startsWith('e-mail')) return { medium: 'email', source: '' };
  return null;
}

/** utm_medium → medium, with Google's substring rules for spellings not in the table. */
function mediumOf(key: string): Medium | null {
  const known = MEDIUM_ALIASES.get(key);
  if (known) return known;
  if (key.startsWith('paid') || key.includes('cp') || key.includes('ppc') || key.includes('retarget')) return 'paid';
  if (key.includes('email') || key.includes('e-mail') || key.includes('newsletter')) return 'email';
  if (key.includes('social')) return 'social';
  return null;
}

interface Tags {
  medium: string | null;
  source: string | null;
  click: Hit | null;
  clickRank: number;
}

/** One pass over the query string: campaign tags and the strongest click id. */
function readTags(query: string): Tags {
  const tags: Tags = { medium: null, source: null, click: null, clickRank: 0 };
  let fallbackMedium: string | null = null;
  let fallbackSource: string | null = null;
  for (let start = 0, n = 0; start < query.length && n < MAX_PARAMS; n++) {
    let amp = query.indexOf('&', start);
    if (amp < 0) amp = query.length;
    let eq = query.indexOf('=', start);
    if (eq < 0 || eq > amp) eq = amp;
    // Every name we know is short; a long one is skipped without decoding it.
    if (eq > start && eq - start <= MAX_KEY) {
      const key = decodeComponent(query.slice(start, eq)).toLowerCase();
      const value = (): string => decodeComponent(query.slice(Math.min(eq + 1, amp), amp));
      if (key === 'utm_medium') tags.medium ??= value();
      else if (key === 'utm_source') tags.source ??= value();
      // Matomo's campaign parameters count only when there is no utm_ tag.
      else if (key === 'mtm_medium' || key === 'pk_medium') fallbackMedium ??= value();
      else if (key === 'mtm_source' || key === 'pk_source') fallbackSource ??= value();
      else {
        let hit = PARAMS.get(key);
        if (hit) {
          if (key === 'yclid' && /^(YSS|YJAD)\./.test(value())) hit = YAHOO_JAPAN_ADS;
          const rank = CLICK_RANK[hit.medium] ?? 0;
          if (rank > tags.clickRank) {
            tags.click = hit;
            tags.clickRank = rank;
          }
        }
      }
    }
    start = amp + 1;
  }
  tags.medium = nonEmpty(tags.medium) ?? nonEmpty(fallbackMedium);
  tags.source = nonEmpty(tags.source) ?? nonEmpty(fallbackSource);
  return tags;
}

function nonEmpty(v: string | null): string | null {
  return v !== null && v.trim() !== '' ? v : null;
}

const NO_TAGS: Tags = { medium: null, source: null, click: null, clickRank: 0 };
/** Yahoo! JAPAN Ads share Yandex's `yclid` name; their values start `YSS.` or `YJAD.`. */
const YAHOO_JAPAN_ADS: Hit = { medium: 'paid', source: 'yahoo-japan' };

type Referrer = { kind: 'internal' } | { kind: 'known'; hit: Hit } | { kind: 'unknown'; source: string };

/** The referrer as a signal; null when there is none (or it is not a web/app URL). */
function readReferrer(referrer: unknown, siteHost: string | null): Referrer | null {
  if (typeof referrer !== 'string' || referrer === '') return null;
  const r = splitUrl(referrer.trim());
  if (!r || !r.host) return null;
  if (r.scheme === 'android-app') {
    const hit = lookupApp(r.host);
    return hit ? { kind: 'known', hit } : { kind: 'unknown', source: r.host.slice(0, MAX_SOURCE) };
  }
  if (r.scheme !== 'https' && r.scheme !== 'http') return null;
  if (siteHost && stripWww(r.host) === stripWww(siteHost)) return { kind: 'internal' };
  const hit = lookupHost(r.host);
  return hit ? { kind: 'known', hit } : { kind: 'unknown', source: hostSource(r.host) };
}

// ============================================================================ classify

export function classifySource(input: ClassifyInput): SourceInfo {
  const url = typeof input?.url === 'string' ? input.url.trim() : '';
  const parts = splitUrl(url);
  // A relative URL still carries its tags, but says nothing about the site's host.
  const query = parts ? parts.query : url.startsWith('/') || url.startsWith('?') ? relativeQuery(url) : '';
  const urlHost = parts && (parts.scheme === 'https' || parts.scheme === 'http') ? parts.host : null;
  const siteHost = typeof input?.host === 'string' && input.host.trim() ? normaliseHost(input.host) : urlHost;

  const tags = query ? readTags(query) : NO_TAGS;
  const ref = readReferrer(input?.referrer, siteHost);
  const refHit = ref?.kind === 'known' ? ref.hit : null;

  const alias = tags.source === null ? null : sourceAlias(normaliseTag(tags.source));
  // An explicit utm_source names the source: canonical when it is a known alias.
  const tagged = tags.source === null ? null : alias?.source || cleanSource(tags.source);

  // 1. utm_medium.
  const mediumKey = tags.medium === null ? null : normaliseTag(tags.medium);
  let medium = mediumKey === null ? null : mediumOf(mediumKey);
  if (medium === 'search' && mediumKey === 'organic' && (alias?.medium === 'social' || alias?.medium === 'chatbot')) {
    medium = alias.medium; // utm_medium=organic&utm_source=facebook is organic social
  }
  if (medium === 'direct' || medium === 'internal') return { medium, source: null };
  if (medium) {
    // Without a utm_source, borrow the name from a later signal that agrees on the medium.
    const agrees = (hit: Hit | null): hit is Hit =>
      hit !== null && (hit.medium === medium || (medium === 'paid' && (hit.medium === 'search' || hit.medium === 'social')));
    const borrowed = agrees(tags.click) ? tags.click.source : agrees(refHit) ? refHit.source : null;
    return { medium, source: tagged ?? borrowed };
  }

  // 2. A known utm_source on its own. It says where, not how: an ad click id says paid.
  if (alias) {
    const paid = tags.click?.medium === 'paid' && (alias.medium === 'search' || alias.medium === 'social');
    return { medium: paid ? 'paid' : alias.medium, source: tagged };
  }

  // 3. Click ids.
  if (tags.click) return { medium: tags.click.medium, source: tagged ?? tags.click.source };

  // 4. Referrer.
  if (ref?.kind === 'internal') return { medium: 'internal', source: null };
  if (ref?.kind === 'known') return { medium: ref.hit.medium, source: tagged ?? ref.hit.source };
  if (ref?.kind === 'unknown') return { medium: 'referral', source: tagged ?? ref.source };

  // 5. Tags nobody recognised (utm_medium=sms, utm_source=poster): still a campaign, not direct.
  if (tagged !== null || mediumKey !== null) return { medium: 'referral', source: tagged ?? cleanSource(tags.medium ?? '') };

  // 6. Nothing.
  return { medium: 'direct', source: null };
}
