import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  APP_REFERRERS,
  CLICK_IDS,
  REFERRER_HOSTS,
  UTM_MEDIUMS,
  UTM_SOURCES,
  classifySource,
  knownSources,
  lookupHost,
  splitUrl,
  type SourceTable,
} from '../../edge/sources.ts';
import { MEDIA, type Medium } from '../../edge/types.ts';

const SHOP = 'https://shop.example';
const PAGE = `${SHOP}/p/trail-runner-2`;

/** [what, url, referrer, expected medium, expected source] */
type Case = [string, string, string | null, Medium, string | null];

function check(url: string, referrer: string | null, medium: Medium, source: string | null, host?: string): void {
  const input = host === undefined ? { url, referrer } : { url, referrer, host };
  expect(classifySource(input)).toEqual({ medium, source });
}

/** Rows of a grouped table as [medium, source, key]. */
function rows(table: SourceTable): [Medium, string, string][] {
  return Object.entries(table).flatMap(([medium, sources]) =>
    Object.entries(sources as Record<string, readonly string[]>).flatMap(([source, keys]) =>
      keys.map((key) => [medium as Medium, source, key] as [Medium, string, string]),
    ),
  );
}

// ---------------------------------------------------------------------------- e-mail platforms

const EMAIL_LINKS: Case[] = [
  ['Mailchimp with UTM tags', `${SHOP}/?utm_source=newsletter&utm_medium=email&mc_cid=3f2a1b&mc_eid=9c8d7e`, null, 'email', 'newsletter'],
  ['Mailchimp default UTM (list name)', `${SHOP}/?utm_source=Trailhead+Weekly&utm_campaign=spring_sale&utm_medium=email&mc_cid=3f2a1b4c5d`, null, 'email', 'trailhead weekly'],
  ['Mailchimp click ids only', `${SHOP}/?mc_cid=3f2a1b4c5d&mc_eid=9c8d7e6f5a`, null, 'email', 'mailchimp'],
  ['HubSpot with its own UTM', `${SHOP}/?utm_campaign=spring&utm_medium=email&_hsmi=287534910&_hsenc=p2ANqtz-8Jq3vXzL2kQaB7x&utm_content=287534910&utm_source=hs_email`, null, 'email', 'hubspot'],
  ['HubSpot workflow', `${SHOP}/?utm_source=hs_automation&utm_medium=email&_hsenc=p2ANqtz--x9&_hsmi=12345`, null, 'email', 'hubspot'],
  ['HubSpot click ids only', `${SHOP}/?_hsenc=p2ANqtz-_8Jq3vXzL2kQaB7x&_hsmi=12345`, null, 'email', 'hubspot'],
  ['Marketo', `${SHOP}/p?mkt_tok=NzQ0LVFDTi0xNzIAAAGKz3v9x0mY5Lq`, null, 'email', 'marketo'],
  ['Klaviyo _kx', `${SHOP}/?_kx=Ab3dEf.XyZ123`, null, 'email', 'klaviyo'],
  ['Klaviyo default tags (medium "campaign")', `${SHOP}/?utm_source=Klaviyo&utm_medium=campaign&utm_campaign=Spring&_kx=Ab3dEf.XyZ123`, null, 'email', 'klaviyo'],
  ['Eloqua', `${SHOP}/?elqTrackId=4b2c9d0e8f7a&elq=ab12cd&elqaid=1234&elqat=1&elqCampaignId=5678`, null, 'email', 'eloqua'],
  ['Acoustic (Silverpop)', `${SHOP}/?spMailingID=1234567890&spUserID=MTIzNDU2Nzg5&spJobID=1234567890&spReportId=MTIzNDU2Nzg5S0`, null, 'email', 'acoustic'],
  ['Emarsys', `${SHOP}/?sc_src=email_1234567&sc_lid=98765432&sc_uid=AbCdEf123&sc_llid=551&sc_eh=9f8e7d`, null, 'email', 'emarsys'],
  ['ActiveCampaign', `${SHOP}/?vgo_ee=X1a2B3c4D5e6F7g8H9i0%3D`, null, 'email', 'activecampaign'],
  ['Omnisend', `${SHOP}/?omnisendContactID=5f0c1a2b3c4d5e6f7a8b9c0d&utm_campaign=automation`, null, 'email', 'omnisend'],
  ['Omnisend with UTM', `${SHOP}/?utm_source=omnisend&utm_medium=email&omnisendContactID=5f0c1a2b3c4d`, null, 'email', 'omnisend'],
  ['Drip', `${SHOP}/?__s=xyz123abc456`, null, 'email', 'drip'],
  ['Vero', `${SHOP}/?vero_conv=Ab12Cd34&vero_id=user%40example.com`, null, 'email', 'vero'],
  ['Bronto', `${SHOP}/?_bta_tid=3452912345&_bta_c=abcd1234efgh`, null, 'email', 'bronto'],
  ['Listrak', `${SHOP}/?trk_msg=ABC12&trk_contact=DEF34&trk_sid=GHI56&trk_link=JKL78&trk_module=new`, null, 'email', 'listrak'],
  ['MailerLite', `${SHOP}/?ml_subscriber=1234567890&ml_subscriber_hash=a1b2`, null, 'email', 'mailerlite'],
  ['Kit (ConvertKit)', `${SHOP}/?ck_subscriber_id=2096541233`, null, 'email', 'kit'],
  ['Blueshift', `${SHOP}/?bsft_clkid=0f1e2d&bsft_uid=9a8b&bsft_mid=77c6&bsft_eid=5d4e`, null, 'email', 'blueshift'],
  ['Omeda', `${SHOP}/?oly_enc_id=8277H1234567A8B&oly_anon_id=a1b2`, null, 'email', 'omeda'],
  ['Brevo click counter', `${SHOP}/?_se=aW5mbyt0ZXN0QGV4YW1wbGUuY29t`, null, 'email', 'brevo'],
  ['Sendinblue name is Brevo', `${SHOP}/?utm_source=Sendinblue&utm_medium=email`, null, 'email', 'brevo'],
  ['dotdigital', `${SHOP}/?dm_i=4JCN,7CSD,1,AB12,1`, null, 'email', 'dotdigital'],
  ['Substack', `${SHOP}/?utm_source=substack&utm_medium=email&utm_campaign=post`, null, 'email', 'substack'],
  ['utm_source=newsletter alone', `${SHOP}/?utm_source=newsletter`, null, 'email', 'newsletter'],
  ['utm_source=email alone', `${SHOP}/?utm_source=email`, null, 'email', 'email'],
  ['utm_source naming a newsletter', `${SHOP}/?utm_source=Weekly_Newsletter_42`, null, 'email', 'weekly_newsletter_42'],
  ['utm_source=e_mail spelling', `${SHOP}/?utm_source=E_Mail`, null, 'email', 'email'],
];

// ---------------------------------------------------------------------------- utm_medium spellings

const MEDIUM_SPELLINGS: [string, Medium][] = [
  ['email', 'email'],
  ['e-mail', 'email'],
  ['E_Mail', 'email'],
  ['e mail', 'email'],
  ['newsletter', 'email'],
  ['Email-Blast', 'email'],
  ['crm_email', 'email'],
  ['social', 'social'],
  ['social-network', 'social'],
  ['social_media', 'social'],
  ['Social Media', 'social'],
  ['sm', 'social'],
  ['organic-social', 'social'],
  ['cpc', 'paid'],
  ['CPC', 'paid'],
  ['ppc', 'paid'],
  ['paid', 'paid'],
  ['paidsearch', 'paid'],
  ['paid-social', 'paid'],
  ['paidsocial', 'paid'],
  ['paid_social', 'paid'],
  ['display', 'paid'],
  ['banner', 'paid'],
  ['cpm', 'paid'],
  ['retargeting', 'paid'],
  ['cpc-brand', 'paid'],
  ['organic', 'search'],
  ['seo', 'search'],
  ['affiliate', 'referral'],
  ['referral', 'referral'],
  ['partner', 'referral'],
  ['chatbot', 'chatbot'],
  ['ai', 'chatbot'],
];

// ---------------------------------------------------------------------------- social networks

/** [network source name, referrer URL, utm_source spelling] */
const SOCIAL_NETWORKS: [string, string, string][] = [
  ['facebook', 'https://l.facebook.com/l.php?u=https%3A%2F%2Fshop.example', 'facebook'],
  ['facebook', 'https://lm.facebook.com/', 'fb'],
  ['facebook', 'https://m.facebook.com/', 'Facebook'],
  ['instagram', 'https://l.instagram.com/?u=https%3A%2F%2Fshop.example', 'ig'],
  ['twitter', 'https://t.co/AbC123xYz', 'twitter'],
  ['twitter', 'https://x.com/trailhead/status/1', 'x'],
  ['linkedin', 'https://lnkd.in/dFx8abc', 'linkedin'],
  ['linkedin', 'https://www.linkedin.com/feed/', 'LinkedIn'],
  ['youtube', 'https://www.youtube.com/', 'youtube'],
  ['youtube', 'https://m.youtube.com/watch?v=abc', 'yt'],
  ['pinterest', 'https://pin.it/3xYz', 'pinterest'],
  ['pinterest', 'https://www.pinterest.co.uk/', 'pinterest'],
  ['reddit', 'https://out.reddit.com/t3_abc', 'reddit'],
  ['tumblr', 'https://trailfan.tumblr.com/post/1', 'tumblr'],
  ['snapchat', 'https://www.snapchat.com/', 'snapchat'],
  ['tiktok', 'https://www.tiktok.com/@trailhead', 'tiktok'],
  ['discord', 'https://discord.com/channels/1/2', 'discord'],
  ['whatsapp', 'https://wa.me/15551234567', 'whatsapp'],
  ['whatsapp', 'https://web.whatsapp.com/', 'whatsapp'],
  ['telegram', 'https://t.me/trailhead', 'telegram'],
  ['bluesky', 'https://go.bsky.app/redirect?u=x', 'bluesky'],
  ['bluesky', 'https://bsky.app/profile/trailhead.bsky.social', 'bsky'],
  ['threads', 'https://www.threads.net/@trailhead', 'threads'],
  ['mastodon', 'https://mastodon.social/@trailhead', 'mastodon'],
  ['vk', 'https://m.vk.com/away.php', 'vk'],
  ['odnoklassniki', 'https://ok.ru/group/1', 'odnoklassniki'],
  ['weibo', 'https://weibo.com/u/1', 'weibo'],
  ['weibo', 'https://t.cn/A6xYz', 'weibo'],
  ['qzone', 'https://user.qzone.qq.com/12345', 'qzone'],
  ['douyin', 'https://www.douyin.com/video/1', 'douyin'],
  ['xiaohongshu', 'https://www.xiaohongshu.com/explore/1', 'xhs'],
  ['bilibili', 'https://www.bilibili.com/video/BV1', 'bilibili'],
  ['zhihu', 'https://zhuanlan.zhihu.com/p/1', 'zhihu'],
  ['wechat', 'https://mp.weixin.qq.com/s/abc', 'wechat'],
  ['line', 'https://line.me/R/msg', 'line'],
  ['kakaostory', 'https://story.kakao.com/trailhead', 'kakaostory'],
  ['aparat', 'https://www.aparat.com/v/abc', 'aparat'],
  ['naver-blog', 'https://m.blog.naver.com/trail/1', 'naver-blog'],
  ['naver-cafe', 'https://cafe.naver.com/hiking', 'naver-cafe'],
  ['mixi', 'https://mixi.jp/view_diary.pl', 'mixi'],
  ['xing', 'https://www.xing.com/news', 'xing'],
];

const SOCIAL_REFERRERS: Case[] = SOCIAL_NETWORKS.map(([name, ref]) => [`${name} via ${ref}`, PAGE, ref, 'social', name]);
const SOCIAL_UTM: Case[] = SOCIAL_NETWORKS.filter(([, , tag], i, all) => all.findIndex(([, , t]) => t === tag) === i).map(
  ([name, , tag]) => [`utm_source=${tag}&utm_medium=social`, `${PAGE}?utm_source=${tag}&utm_medium=social&utm_campaign=spring`, null, 'social', name],
);
const SOCIAL_CLICK_IDS: Case[] = [
  ['fbclid only', `${PAGE}?fbclid=IwAR3xYzAbC123_dEf456`, null, 'social', 'facebook'],
  ['fbclid after an in-app browser (no referrer)', `${PAGE}?fbclid=IwZXh0bgNhZW0CMTAAAR2`, '', 'social', 'facebook'],
  ['mibextid share', `${PAGE}?mibextid=Zxz2cZ`, null, 'social', 'facebook'],
  ['igshid share', `${PAGE}?igshid=MzRlODBiNWFlZA%3D%3D`, null, 'social', 'instagram'],
  ['igsh share', `${PAGE}?igsh=MWxxY2Z6ZGx1`, null, 'social', 'instagram'],
  ['Instagram link-in-bio tags', `${PAGE}?utm_source=ig&utm_medium=social&utm_content=link_in_bio&fbclid=PAZXh0bgNhZW0CMTEAAaa`, null, 'social', 'instagram'],
  ['utm_source=facebook alone', `${PAGE}?utm_source=facebook`, null, 'social', 'facebook'],
  ['utm_source=l.facebook.com (a host)', `${PAGE}?utm_source=l.facebook.com`, null, 'social', 'facebook'],
  ['organic + social source is organic social', `${PAGE}?utm_source=instagram&utm_medium=organic`, null, 'social', 'instagram'],
  ['Android Facebook app', PAGE, 'android-app://com.facebook.katana/', 'social', 'facebook'],
  ['Android Slack app', PAGE, 'android-app://com.Slack/', 'social', 'slack'],
  ['Android Telegram app', PAGE, 'android-app://org.telegram.messenger/', 'social', 'telegram'],
  ['Android LinkedIn app', PAGE, 'android-app://com.linkedin.android/', 'social', 'linkedin'],
];

// ---------------------------------------------------------------------------- webmail

const WEBMAIL: Case[] = [
  ['Gmail', PAGE, 'https://mail.google.com/', 'email', 'gmail'],
  ['Gmail on a country domain', PAGE, 'https://mail.google.co.jp/mail/u/0/', 'email', 'gmail'],
  ['Outlook.com', PAGE, 'https://outlook.live.com/', 'email', 'outlook'],
  ['Outlook 365', PAGE, 'https://outlook.office.com/mail/inbox', 'email', 'outlook'],
  ['Outlook 365 (office365)', PAGE, 'https://outlook.office365.com/', 'email', 'outlook'],
  ['Yahoo Mail', PAGE, 'https://mail.yahoo.com/d/folders/1', 'email', 'yahoo-mail'],
  ['Yahoo Mail Japan', PAGE, 'https://mail.yahoo.co.jp/', 'email', 'yahoo-mail'],
  ['AOL Mail', PAGE, 'https://mail.aol.com/webmail-std/en-us/suite', 'email', 'aol-mail'],
  ['GMX', PAGE, 'https://3c.gmx.net/mail/client/start', 'email', 'gmx'],
  ['GMX navigator', PAGE, 'https://bap.navigator.gmx.de/mail', 'email', 'gmx'],
  ['Web.de', PAGE, 'https://3c.web.de/mail/client', 'email', 'webde'],
  ['IONOS', PAGE, 'https://email.ionos.de/appsuite/', 'email', 'ionos'],
  ['Orange', PAGE, 'https://messagerie.orange.fr/', 'email', 'orange'],
  ['Free (Zimbra)', PAGE, 'https://zimbra.free.fr/', 'email', 'free'],
  ['Mail.ru', PAGE, 'https://e.mail.ru/inbox/', 'email', 'mail.ru'],
  ['Yandex Mail', PAGE, 'https://mail.yandex.ru/', 'email', 'yandex-mail'],
  ['Yandex Mail Turkey', PAGE, 'https://mail.yandex.com.tr/', 'email', 'yandex-mail'],
  ['Seznam', PAGE, 'https://email.seznam.cz/', 'email', 'seznam-email'],
  ['Bluewin', PAGE, 'https://webmail.bluewin.ch/', 'email', 'bluewin'],
  ['QQ Mail', PAGE, 'https://mail.qq.com/cgi-bin/frame_html', 'email', 'qq-mail'],
  ['163', PAGE, 'https://mail.163.com/js6/main.jsp', 'email', '163-mail'],
  ['126', PAGE, 'https://mail.126.com/', 'email', '126-mail'],
  ['Naver Mail', PAGE, 'https://mail.naver.com/', 'email', 'naver-mail'],
  ['Daum Mail', PAGE, 'https://mail.daum.net/', 'email', 'daum-mail'],
  ['Rambler', PAGE, 'https://mail.rambler.ru/', 'email', 'rambler-mail'],
  ['Libero', PAGE, 'https://mail.libero.it/appsuite/', 'email', 'libero'],
  ['Virgilio', PAGE, 'https://mail.virgilio.it/', 'email', 'virgilio'],
  ['T-Online', PAGE, 'https://email.t-online.de/em', 'email', 't-online'],
  ['Proton', PAGE, 'https://mail.proton.me/u/0/inbox', 'email', 'proton-mail'],
  ['Zoho', PAGE, 'https://mail.zoho.eu/zm/', 'email', 'zoho-mail'],
  ['Fastmail', PAGE, 'https://app.fastmail.com/mail/Inbox', 'email', 'fastmail'],
  ['iCloud', PAGE, 'https://www.icloud.com/mail/', 'email', 'icloud-mail'],
  ['Gmail app on Android', PAGE, 'android-app://com.google.android.gm/', 'email', 'gmail'],
  ['Gmail Go on Android', PAGE, 'android-app://com.google.android.gm.lite/', 'email', 'gmail'],
  ['Outlook app on Android', PAGE, 'android-app://com.microsoft.office.outlook/', 'email', 'outlook'],
  ['webmail borrowed as the name of an email-tagged visit', `${PAGE}?utm_medium=email`, 'https://mail.google.com/', 'email', 'gmail'],
];

// ---------------------------------------------------------------------------- search engines

const SEARCH: Case[] = [
  ['Google', PAGE, 'https://www.google.com/', 'search', 'google'],
  ['Google UK', PAGE, 'https://www.google.co.uk/', 'search', 'google'],
  ['Google Brazil', PAGE, 'https://www.google.com.br/', 'search', 'google'],
  ['Google Germany', PAGE, 'https://www.google.de/', 'search', 'google'],
  ['Google Japan', PAGE, 'https://www.google.co.jp/', 'search', 'google'],
  ['Google without www', PAGE, 'https://google.fr/', 'search', 'google'],
  ['Google Images', PAGE, 'https://images.google.com.au/', 'search', 'google'],
  ['Google app on Android', PAGE, 'android-app://com.google.android.googlequicksearchbox/https/www.google.com', 'search', 'google'],
  ['Bing', PAGE, 'https://www.bing.com/search?q=boots', 'search', 'bing'],
  ['Bing China', PAGE, 'https://cn.bing.com/', 'search', 'bing'],
  ['Yandex', PAGE, 'https://yandex.ru/search/?text=boots', 'search', 'yandex'],
  ['Yandex Turkey', PAGE, 'https://yandex.com.tr/', 'search', 'yandex'],
  ['ya.ru', PAGE, 'https://ya.ru/', 'search', 'yandex'],
  ['Baidu', PAGE, 'https://www.baidu.com/link?url=abc', 'search', 'baidu'],
  ['Baidu mobile', PAGE, 'https://m.baidu.com/', 'search', 'baidu'],
  ['Naver', PAGE, 'https://search.naver.com/search.naver?query=boots', 'search', 'naver'],
  ['Naver mobile', PAGE, 'https://m.search.naver.com/', 'search', 'naver'],
  ['Seznam', PAGE, 'https://search.seznam.cz/?q=boty', 'search', 'seznam'],
  ['DuckDuckGo', PAGE, 'https://duckduckgo.com/', 'search', 'duckduckgo'],
  ['DuckDuckGo HTML', PAGE, 'https://html.duckduckgo.com/', 'search', 'duckduckgo'],
  ['Ecosia', PAGE, 'https://www.ecosia.org/', 'search', 'ecosia'],
  ['Yahoo UK', PAGE, 'https://uk.search.yahoo.com/search?p=boots', 'search', 'yahoo'],
  ['Yahoo redirector', PAGE, 'https://r.search.yahoo.com/_ylt=abc', 'search', 'yahoo'],
  ['Yahoo Japan', PAGE, 'https://search.yahoo.co.jp/search?p=boots', 'search', 'yahoo-japan'],
  ['Qwant', PAGE, 'https://www.qwant.com/', 'search', 'qwant'],
  ['Brave Search', PAGE, 'https://search.brave.com/search?q=boots', 'search', 'brave'],
  ['Startpage', PAGE, 'https://www.startpage.com/', 'search', 'startpage'],
  ['Sogou', PAGE, 'https://www.sogou.com/', 'search', 'sogou'],
  ['360 Search', PAGE, 'https://www.so.com/s?q=x', 'search', '360'],
  ['Daum', PAGE, 'https://search.daum.net/search?q=x', 'search', 'daum'],
  ['Ask', PAGE, 'https://www.ask.com/web?q=boots', 'search', 'ask'],
  ['utm_source=google&utm_medium=organic (Business Profile)', `${PAGE}?utm_source=google&utm_medium=organic`, null, 'search', 'google'],
  ['Yandex organic marker ysclid', `${PAGE}?ysclid=lx1abc23de456`, null, 'search', 'yandex'],
  ['Google organic shopping srsltid', `${PAGE}?srsltid=AfmBOor1x`, null, 'search', 'google'],
];

// ---------------------------------------------------------------------------- AI assistants

const CHATBOTS: Case[] = [
  ['ChatGPT', PAGE, 'https://chatgpt.com/', 'chatbot', 'chatgpt'],
  ['ChatGPT (old host)', PAGE, 'https://chat.openai.com/c/abc', 'chatbot', 'chatgpt'],
  ['ChatGPT link tag', `${PAGE}?utm_source=chatgpt.com`, null, 'chatbot', 'chatgpt'],
  ['Perplexity', PAGE, 'https://www.perplexity.ai/search/abc', 'chatbot', 'perplexity'],
  ['Gemini', PAGE, 'https://gemini.google.com/app', 'chatbot', 'gemini'],
  ['Copilot', PAGE, 'https://copilot.microsoft.com/', 'chatbot', 'copilot'],
  ['Copilot in Edge', PAGE, 'https://edgeservices.bing.com/edgesvc/chat', 'chatbot', 'copilot'],
  ['Claude', PAGE, 'https://claude.ai/chat/abc', 'chatbot', 'claude'],
  ['You.com', PAGE, 'https://you.com/search?q=x', 'chatbot', 'you'],
  ['Phind', PAGE, 'https://www.phind.com/search', 'chatbot', 'phind'],
  ['Meta AI', PAGE, 'https://www.meta.ai/', 'chatbot', 'meta-ai'],
  ['DeepSeek', PAGE, 'https://chat.deepseek.com/', 'chatbot', 'deepseek'],
  ['Le Chat', PAGE, 'https://chat.mistral.ai/chat', 'chatbot', 'mistral'],
  ['Grok', PAGE, 'https://grok.com/', 'chatbot', 'grok'],
  ['ERNIE Bot (a Baidu subdomain)', PAGE, 'https://yiyan.baidu.com/', 'chatbot', 'ernie'],
  ['ChatGPT app on Android', PAGE, 'android-app://com.openai.chatgpt/', 'chatbot', 'chatgpt'],
  ['utm_source=perplexity alone', `${PAGE}?utm_source=perplexity`, null, 'chatbot', 'perplexity'],
];

// ---------------------------------------------------------------------------- paid

const PAID: Case[] = [
  ['gclid', `${PAGE}?gclid=Cj0KCQjw8O-VBhCpARIsACMvVLP`, 'https://www.google.com/', 'paid', 'google'],
  ['gbraid', `${PAGE}?gbraid=0AAAAADxS2`, null, 'paid', 'google'],
  ['wbraid', `${PAGE}?wbraid=CjkKCQjw`, null, 'paid', 'google'],
  ['dclid', `${PAGE}?dclid=CKe2x`, null, 'paid', 'google'],
  ['gad_source', `${PAGE}?gad_source=1&gclid=Cj0K`, null, 'paid', 'google'],
  ['msclkid', `${PAGE}?msclkid=3b1f0c9e2d4a1b5c`, 'https://www.bing.com/', 'paid', 'bing'],
  ['ttclid', `${PAGE}?ttclid=E.C.P.Cs8B`, null, 'paid', 'tiktok'],
  ['twclid', `${PAGE}?twclid=2-abc123`, 'https://t.co/x', 'paid', 'twitter'],
  ['li_fat_id', `${PAGE}?li_fat_id=8f2e4c1a-1234`, null, 'paid', 'linkedin'],
  ['ScCid (Snapchat, any case)', `${PAGE}?ScCid=a1b2c3d4`, null, 'paid', 'snapchat'],
  ['rdt_cid', `${PAGE}?rdt_cid=4567890123`, null, 'paid', 'reddit'],
  ['epik', `${PAGE}?epik=dj0yJnU9`, null, 'paid', 'pinterest'],
  ['yclid (Yandex Direct)', `${PAGE}?yclid=4812739128374`, null, 'paid', 'yandex'],
  ['yclid (Yahoo! JAPAN Ads)', `${PAGE}?yclid=YSS.1000123456.EAIaIQ`, null, 'paid', 'yahoo-japan'],
  ['qclid', `${PAGE}?qclid=a1b2`, null, 'paid', 'quora'],
  ['tblci', `${PAGE}?tblci=GiA1`, null, 'paid', 'taboola'],
  ['Naver search ads', `${PAGE}?n_media=27758&n_query=boots&n_rank=1`, null, 'paid', 'naver'],
  ['Google Ads referrer', PAGE, 'https://www.googleadservices.com/pagead/aclk?sa=L', 'paid', 'google'],
  ['Google display referrer', PAGE, 'https://googleads.g.doubleclick.net/', 'paid', 'google'],
  ['utm_medium=cpc names the engine', `${PAGE}?utm_source=google&utm_medium=cpc`, null, 'paid', 'google'],
  ['utm_medium=paid_social with fb alias', `${PAGE}?utm_source=fb&utm_medium=paid_social`, null, 'paid', 'facebook'],
  ['utm_medium=cpc borrows the search referrer name', `${PAGE}?utm_medium=cpc`, 'https://www.bing.com/', 'paid', 'bing'],
  ['search source + ad click id is paid', `${PAGE}?utm_source=google&gclid=Cj0K`, null, 'paid', 'google'],
  ['social source + ad click id is paid', `${PAGE}?utm_source=tiktok&ttclid=E.C.P`, null, 'paid', 'tiktok'],
];

// ---------------------------------------------------------------------------- referral / affiliates

const REFERRALS: Case[] = [
  ['unknown site', PAGE, 'https://www.outdoorgearlab.com/reviews/shoes', 'referral', 'outdoorgearlab.com'],
  ['unknown subdomain keeps it', PAGE, 'https://blog.trail-runner.co.uk/best-shoes', 'referral', 'blog.trail-runner.co.uk'],
  ['Google News is not search', PAGE, 'https://news.google.com/articles/x', 'referral', 'news.google.com'],
  ['a non-search Yahoo site', PAGE, 'https://news.yahoo.com/x', 'referral', 'news.yahoo.com'],
  ['Amazon country domain', PAGE, 'https://www.amazon.co.uk/dp/B01', 'referral', 'amazon'],
  ['Wikipedia', PAGE, 'https://en.m.wikipedia.org/wiki/Hiking', 'referral', 'wikipedia'],
  ['unknown Android app', PAGE, 'android-app://com.example.reader/', 'referral', 'com.example.reader'],
  ['Impact affiliate click', `${PAGE}?irclickid=Wx2y3z&irgwc=1`, null, 'referral', 'impact'],
  ['CJ affiliate click', `${PAGE}?cjevent=9a8b7c6d`, null, 'referral', 'cj'],
  ['Awin affiliate click', `${PAGE}?awc=1234_1700000000_abc`, null, 'referral', 'awin'],
  ['utm_medium=affiliate', `${PAGE}?utm_source=outdoorblog&utm_medium=affiliate`, null, 'referral', 'outdoorblog'],
  ['unknown utm_source with a referrer names the source', `${PAGE}?utm_source=Partner_Blog`, 'https://partnerblog.example/post', 'referral', 'partner_blog'],
  ['utm_source alone, no referrer: still a campaign', `${PAGE}?utm_source=trailhead_poster`, null, 'referral', 'trailhead_poster'],
  ['utm_medium=sms alone', `${PAGE}?utm_medium=sms`, null, 'referral', 'sms'],
  ['utm_medium=qr with a source', `${PAGE}?utm_medium=qr&utm_source=store_window`, null, 'referral', 'store_window'],
];

// ---------------------------------------------------------------------------- internal, direct, malformed

const INTERNAL_DIRECT: Case[] = [
  ['same host', PAGE, `${SHOP}/`, 'internal', null],
  ['www. on the referrer', PAGE, 'https://www.shop.example/cart', 'internal', null],
  ['www. on the page', 'https://www.shop.example/p/1', 'https://shop.example/', 'internal', null],
  ['different port', 'http://localhost:8787/p/1', 'http://localhost:3000/', 'internal', null],
  ['upper-case referrer host', PAGE, 'https://SHOP.EXAMPLE/', 'internal', null],
  ['no referrer', PAGE, null, 'direct', null],
  ['empty referrer', PAGE, '', 'direct', null],
  ['about:blank referrer', PAGE, 'about:blank', 'direct', null],
  ['chrome-extension referrer', PAGE, 'chrome-extension://abcdef/popup.html', 'direct', null],
  ['malformed referrer', PAGE, 'not a url', 'direct', null],
  ['referrer http:// with no host', PAGE, 'http://', 'direct', null],
  ['malformed URL, no referrer', 'http://[bad', null, 'direct', null],
  ['empty URL', '', null, 'direct', null],
  ['malformed URL keeps the referrer', '%%%', 'https://t.co/x', 'social', 'twitter'],
  ['relative URL still carries tags', '/p/1?utm_source=newsletter&utm_medium=email', null, 'email', 'newsletter'],
  ['bad percent escape in a tag', `${PAGE}?utm_source=50%off&utm_medium=email`, null, 'email', '50%off'],
  ['empty tags are no tags', `${PAGE}?utm_source=&utm_medium=`, null, 'direct', null],
  ['utm_medium=(none) is direct', `${PAGE}?utm_medium=(none)&utm_source=google`, null, 'direct', null],
  ['a URL fragment is not a query', `${PAGE}#utm_source=newsletter`, null, 'direct', null],
];

// ---------------------------------------------------------------------------- precedence

const PRECEDENCE: Case[] = [
  ['utm_medium beats a click id', `${PAGE}?utm_medium=email&utm_source=spring&fbclid=IwAR`, null, 'email', 'spring'],
  ['utm_medium beats the referrer', `${PAGE}?utm_medium=social&utm_source=facebook`, 'https://www.google.com/', 'social', 'facebook'],
  ['utm beats an internal referrer', `${PAGE}?utm_medium=email&utm_source=newsletter`, `${SHOP}/`, 'email', 'newsletter'],
  ['utm_source alias beats a click id', `${PAGE}?utm_source=newsletter&fbclid=IwAR`, null, 'email', 'newsletter'],
  ['click id beats the referrer', `${PAGE}?mc_cid=3f2a&mc_eid=9c8d`, 'https://l.facebook.com/', 'email', 'mailchimp'],
  ['click id beats an internal referrer', `${PAGE}?gclid=Cj0K`, `${SHOP}/`, 'paid', 'google'],
  ['ad click id beats an email platform id', `${PAGE}?mc_cid=3f2a&gclid=Cj0K`, null, 'paid', 'google'],
  ['email platform id beats a social share id', `${PAGE}?fbclid=IwAR&_hsenc=p2ANqtz-&_hsmi=1`, null, 'email', 'hubspot'],
  ['social share id beats an organic search marker', `${PAGE}?srsltid=Afm&igsh=MWx`, null, 'social', 'instagram'],
  ['utm_source names a click-id visit', `${PAGE}?utm_source=spring_promo&gclid=Cj0K`, null, 'paid', 'spring_promo'],
  ['utm_source names a referrer visit', `${PAGE}?utm_source=spring_promo`, 'https://t.co/x', 'social', 'spring_promo'],
  ['mail.google is email, not search', PAGE, 'https://mail.google.com/mail/u/0/', 'email', 'gmail'],
  ['gemini.google is chatbot, not search', PAGE, 'https://gemini.google.com/', 'chatbot', 'gemini'],
  ['www.google is search', PAGE, 'https://www.google.com/', 'search', 'google'],
  ['tieba.baidu is social, baidu.com search', PAGE, 'https://tieba.baidu.com/p/1', 'social', 'tieba'],
  ['first utm_source wins', `${PAGE}?utm_source=newsletter&utm_source=facebook`, null, 'email', 'newsletter'],
  ['Matomo tags when there is no utm', `${PAGE}?mtm_source=newsletter&mtm_medium=email`, null, 'email', 'newsletter'],
  ['utm beats Matomo tags', `${PAGE}?mtm_medium=social&utm_medium=email&utm_source=x1`, null, 'email', 'x1'],
];

describe('classifySource', () => {
  it.each(EMAIL_LINKS)('email link: %s', (_, url, ref, medium, source) => check(url, ref, medium, source));
  it.each(MEDIUM_SPELLINGS)('utm_medium=%s → %s', (spelling, medium) =>
    check(`${PAGE}?utm_source=trailhead_list&utm_medium=${encodeURIComponent(spelling)}`, null, medium, 'trailhead_list'),
  );
  it.each(SOCIAL_REFERRERS)('social referrer: %s', (_, url, ref, medium, source) => check(url, ref, medium, source));
  it.each(SOCIAL_UTM)('social tags: %s', (_, url, ref, medium, source) => check(url, ref, medium, source));
  it.each(SOCIAL_CLICK_IDS)('social click id: %s', (_, url, ref, medium, source) => check(url, ref, medium, source));
  it.each(WEBMAIL)('webmail: %s', (_, url, ref, medium, source) => check(url, ref, medium, source));
  it.each(SEARCH)('search: %s', (_, url, ref, medium, source) => check(url, ref, medium, source));
  it.each(CHATBOTS)('chatbot: %s', (_, url, ref, medium, source) => check(url, ref, medium, source));
  it.each(PAID)('paid: %s', (_, url, ref, medium, source) => check(url, ref, medium, source));
  it.each(REFERRALS)('referral: %s', (_, url, ref, medium, source) => check(url, ref, medium, source));
  it.each(INTERNAL_DIRECT)('internal/direct/malformed: %s', (_, url, ref, medium, source) => check(url, ref, medium, source));
  it.each(PRECEDENCE)('precedence: %s', (_, url, ref, medium, source) => check(url, ref, medium, source));

  it.each([
    ['shop.example:8787', 'internal'],
    ['www.shop.example', 'internal'],
    ['SHOP.EXAMPLE.', 'internal'],
    ['https://shop.example/', 'internal'],
    ['other.example', 'referral'],
  ] as const)('the host argument %s decides what is internal', (host, medium) => {
    const info = classifySource({ url: 'https://edge-worker.example/p', referrer: 'https://shop.example/x', host });
    expect(info.medium).toBe(medium);
  });

  it('bounds a long utm_source to 64 characters', () => {
    const info = classifySource({ url: `${PAGE}?utm_medium=email&utm_source=${'A'.repeat(300)}` });
    expect(info).toEqual({ medium: 'email', source: 'a'.repeat(64) });
  });

  it('never splits a surrogate pair when bounding', () => {
    const info = classifySource({ url: `${PAGE}?utm_medium=email&utm_source=${'a'.repeat(63)}${encodeURIComponent('😀')}` });
    expect(info.source).toBe('a'.repeat(63));
  });

  it('keeps the registrable end of an over-long referrer host', () => {
    const host = `${'x'.repeat(60)}.${'y'.repeat(30)}.example.org`;
    expect(classifySource({ url: PAGE, referrer: `https://${host}/` })).toEqual({ medium: 'referral', source: `${'y'.repeat(30)}.example.org` });
  });

  it('reads only the first 100 parameters', () => {
    const filler = Array.from({ length: 100 }, (_, i) => `p${i}=1`).join('&');
    expect(classifySource({ url: `${PAGE}?${filler}&utm_medium=email` }).medium).toBe('direct');
    expect(classifySource({ url: `${PAGE}?utm_medium=email&${filler}` }).medium).toBe('email');
  });

  it('returns a fresh object each call', () => {
    const a = classifySource({ url: PAGE });
    a.source = 'mutated';
    expect(classifySource({ url: PAGE })).toEqual({ medium: 'direct', source: null });
  });

  it('never throws and always returns a valid result, whatever it is given', () => {
    const urlish = fc.oneof(
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.string(),
      fc.constantFrom('android-app://', 'https://', 'http://[::1', 'https://a.b:99999/', 'https://%zz/', 'https://user@host/', 'https:\\\\t.co'),
    );
    const weird = fc.oneof(urlish, fc.constant(null), fc.constant(undefined), fc.integer(), fc.object());
    fc.assert(
      fc.property(weird, weird, fc.option(fc.oneof(fc.domain(), fc.string()), { nil: undefined }), (url, referrer, host) => {
        const info = classifySource({ url, referrer, host } as never);
        expect(MEDIA).toContain(info.medium);
        if (info.medium === 'direct' || info.medium === 'internal') expect(info.source).toBeNull();
        if (info.source !== null) {
          expect(info.source.length).toBeGreaterThan(0);
          expect(info.source.length).toBeLessThanOrEqual(64);
          expect(info.source).toBe(info.source.toLowerCase());
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes tag values exactly as URLSearchParams does', () => {
    const raw = fc.string({ unit: fc.constantFrom('z', 'Q', '%', '2', 'F', 'e', '9', '+', ' ', 'ü', '0'), maxLength: 24 });
    fc.assert(
      fc.property(raw, (value) => {
        const query = `utm_medium=email&utm_source=${value}`;
        const decoded = new URLSearchParams(query).get('utm_source') ?? '';
        const expected = decoded.trim().toLowerCase() || null;
        expect(classifySource({ url: `${PAGE}?${query}` })).toEqual({ medium: 'email', source: expected });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('splitUrl', () => {
  it('agrees with the WHATWG parser on host and query', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.boolean(), (url, upper) => {
        const input = upper ? url.replace(/^[a-z]+:\/\/[^/?#]*/, (m) => m.toUpperCase()) : url;
        const u = new URL(input);
        const parts = splitUrl(input);
        expect(parts).not.toBeNull();
        expect(parts!.host).toBe(u.hostname.replace(/\.$/, ''));
        expect(parts!.scheme).toBe(u.protocol.slice(0, -1));
        // The constructor drops one leading '?', which a URL's query keeps as data ('??a=1').
        expect([...new URLSearchParams(`?${parts!.query}`)]).toEqual([...u.searchParams]);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['https://User:pw@Example.com:8443/x?a=1#h', 'example.com', 'a=1'],
    ['https://0x7f.1/', '127.0.0.1', ''],
    ['https://example.com./?q', 'example.com', 'q'],
    ['https://example.com#frag?x=1', 'example.com', ''],
    ['android-app://com.Slack/', 'com.slack', ''],
    ['HTTPS://WWW.GOOGLE.CO.UK/search?q=x', 'www.google.co.uk', 'q=x'],
  ])('%s → host %s, query %s', (url, host, query) => {
    expect(splitUrl(url)).toMatchObject({ host, query });
  });

  it.each(['not a url', 'https://', 'http://[bad', 'https://a.b:99999/'])('%s does not parse', (url) => {
    expect(splitUrl(url)).toBeNull();
  });
});

describe('source tables', () => {
  const ENDINGS = ['com', 'de', 'co.uk', 'com.br', 'co.jp'];

  const literal = new Set(rows(REFERRER_HOSTS).map(([, , key]) => key.replace(/^=/, '')));

  it.each(rows(REFERRER_HOSTS))('%s %s: %s resolves to its own row', (medium, source, key) => {
    const host = key.replace(/^=/, '');
    // A family row covers every ending except those with a row of their own (yahoo.co.jp).
    const hosts = host.endsWith('.*') ? ENDINGS.map((e) => host.slice(0, -1) + e).filter((h) => !literal.has(h)) : [host];
    for (const h of hosts) {
      expect(lookupHost(h)).toMatchObject({ medium, source });
      expect(lookupHost(`www.${h}`)).toMatchObject({ medium, source });
      if (!key.startsWith('=')) expect(lookupHost(`deep.sub.${h}`)).toMatchObject({ medium, source });
    }
  });

  it('"=" rows do not match their subdomains', () => {
    expect(lookupHost('support.google.com')).toBeNull();
    expect(lookupHost('market.yandex.ru')).toBeNull();
    expect(lookupHost('baike.baidu.com')).toBeNull();
  });

  it.each(rows(CLICK_IDS).filter(([, , key]) => key !== '_openstat'))('%s %s: a lone %s classifies', (medium, source, key) => {
    check(`${PAGE}?${key}=abc123`, null, medium, source);
  });

  it.each(rows(APP_REFERRERS))('%s %s: android-app://%s classifies', (medium, source, pkg) => {
    check(PAGE, `android-app://${pkg}/`, medium, source);
  });

  it.each(rows(UTM_SOURCES))('%s %s: utm_source=%s alone classifies', (medium, source, alias) => {
    check(`${PAGE}?utm_source=${encodeURIComponent(alias)}`, null, medium, source);
  });

  it.each(Object.entries(UTM_MEDIUMS).flatMap(([medium, spellings]) => spellings.map((s) => [medium as Medium, s] as const)))(
    '%s: utm_medium=%s',
    (medium, spelling) => {
      const info = classifySource({ url: `${PAGE}?utm_medium=${encodeURIComponent(spelling)}&utm_source=list_7` });
      expect(info).toEqual({ medium, source: medium === 'direct' || medium === 'internal' ? null : 'list_7' });
    },
  );

  it('names every source in lower case, at most 64 characters', () => {
    const names = Object.values(knownSources()).flat();
    expect(names.length).toBeGreaterThan(150);
    for (const name of names) expect(name).toMatch(/^[a-z0-9][a-z0-9.-]{0,63}$/);
  });

  it('summarises the known sources per medium, sorted and unique', () => {
    const known = knownSources();
    expect(Object.keys(known).sort()).toEqual([...MEDIA].sort());
    for (const list of Object.values(known)) expect(list).toEqual([...new Set(list)].sort());
    expect(known.email).toEqual(expect.arrayContaining(['gmail', 'mailchimp', 'hubspot', 'klaviyo']));
    expect(known.social).toEqual(expect.arrayContaining(['facebook', 'vk', 'weibo', 'line']));
    expect(known.search).toEqual(expect.arrayContaining(['google', 'yandex', 'baidu', 'naver']));
    expect(known.chatbot).toEqual(expect.arrayContaining(['chatgpt', 'perplexity', 'gemini', 'claude']));
    expect(known.paid).toEqual(expect.arrayContaining(['google', 'bing', 'tiktok']));
  });
});
