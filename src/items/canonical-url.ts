// One spelling per page, so that the same article linked with different trackers, fragments, host case or
// parameter order gives the same item key, and so that the links we show and store carry no trackers.
//
// Parsing is WHATWG URL (what browsers do): it already lower-cases the host, turns an IDN into punycode
// (kept: ASCII is stable in keys; url.domainToUnicode shows it to a reader), drops default ports and
// resolves "." and "..". On top of that:
// - http and https only: a mailto:, javascript: or ftp: link is not an article we can show;
// - no fragment: it names a place in the page, not another page;
// - no user name or password: they would end up in Redis, logs and Slack;
// - no trailing dot on the host ("example.com." is example.com);
// - percent-escapes in upper case (RFC 3986 6.2.2.1: %2f and %2F are the same);
// - tracking parameters removed (lists below; the real feeds in shared/corpus use utm_*, at_medium, maca,
//   wt_mc, partner=rss, traffic_source, feedType, icid, ns_mchannel, ITO);
// - the remaining parameters sorted by name, keeping the order of repeated names. Servers read parameters
//   by name, so the order carries no meaning for an article, and sorting makes "?a=1&b=2" and "?b=2&a=1"
//   one key. The raw pieces are kept as written: re-encoding them ("+" vs "%20") could change the page.
// - no empty query: "page?" and "page?utm_source=x" are both "page".

// Parameters that only say who sent the reader (matched case-insensitively).
const TRACKERS = new Set(
  [
    // click identifiers: Facebook, Google, Microsoft, Twitter, Yandex, Instagram, TikTok
    'fbclid',
    'gclid',
    'gclsrc',
    'dclid',
    'gbraid',
    'wbraid',
    'msclkid',
    'twclid',
    'yclid',
    'ysclid',
    'igshid',
    'ttclid',
    'srsltid',
    '_openstat',
    'fb_action_ids',
    'fb_action_types',
    'fb_ref',
    'fb_source',
    'fb_comment_id',
    // analytics and mail campaigns: Google Analytics, Mailchimp, HubSpot, Marketo, Adobe, Outbrain, Olytics
    '_ga',
    '_gl',
    'mc_cid',
    'mc_eid',
    'mc_tc',
    '_hsenc',
    '_hsmi',
    '__hssc',
    '__hstc',
    '__hsfp',
    'hsctatracking',
    'mkt_tok',
    'sc_cid',
    's_cid',
    'dicbo',
    'obOrigUrl',
    'rb_clickid',
    'oly_anon_id',
    'oly_enc_id',
    'vero_id',
    'vero_conv',
    'wickedid',
    '_bhlid',
    '_branch_match_id',
    '_branch_referrer',
    'guccounter',
    'guce_referrer',
    'guce_referrer_sig',
    'soc_src',
    'soc_trk',
    // publishers' own campaign codes, several seen on real feed links (Reuters, DW, CS Monitor, Daily Mail,
    // Al Jazeera, Guardian, MSN, Yahoo, NYT share links, X/Twitter embeds)
    'ref_src',
    'ref_url',
    'cmpid',
    'cmp',
    'ocid',
    'ncid',
    'icid',
    'maca',
    'ito',
    'feedtype',
    'feedname',
    'traffic_source',
    'smid',
    'xtor',
    // Matomo campaign parameters (listed, not a pk_ prefix: a site may well use pk_id for content)
    'pk_campaign',
    'pk_kwd',
    'pk_keyword',
    'pk_source',
    'pk_medium',
    'pk_content',
    'pk_cid',
  ].map((name) => name.toLowerCase()),
);

// Families of trackers: UTM, Matomo (mtm_), AT Internet (at_; BBC), comScore (ns_; Daily Mail), Webtrends
// (wt_, wt.; heise), HubSpot ads (hsa_).
const TRACKER_PREFIXES = ['utm_', 'mtm_', 'at_', 'ns_', 'wt_', 'wt.', 'hsa_'];

// Generic names that are trackers when their value only names the feed: "?partner=rss&emc=rss" (NYT),
// "?from=rss" (many Russian and Ukrainian sites), "?ref=rss". With another value they may select content.
const FEED_ATTRIBUTION = new Set([
  'partner',
  'emc',
  'from',
  'ref',
  'source',
  'src',
  'origin',
  'via',
  'feature',
  'channel',
]);
const FEED_VALUE = /^(?:rss\d?|atom|rdf|feeds?|feedburner|yxnews|rss[-_.]?feed)$/i;

const PERCENT_ESCAPE = /%[\da-fA-F]{2}/g;

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

function isTracker(name: string, value: string, hosts: ReadonlySet<string>): boolean {
  if (TRACKERS.has(name) || TRACKER_PREFIXES.some((prefix) => name.startsWith(prefix))) return true;
  if (FEED_ATTRIBUTION.has(name) && FEED_VALUE.test(value)) return true;
  // Ghost and others append "?ref=<the site's own host>" to links: it says where the reader came from.
  return name === 'ref' && hosts.has(value.toLowerCase().replace(/^www\./, ''));
}

/** The query without trackers, the rest sorted by name; "" when nothing is left. */
function cleanQuery(search: string, hosts: ReadonlySet<string>): string {
  const kept: { name: string; piece: string }[] = [];
  for (const piece of search.slice(1).split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const name = safeDecode(eq < 0 ? piece : piece.slice(0, eq)).toLowerCase();
    const value = eq < 0 ? '' : safeDecode(piece.slice(eq + 1));
    if (!isTracker(name, value, hosts)) kept.push({ name, piece });
  }
  // Array sort is stable, so repeated names ("?tag=a&tag=b") keep their order.
  kept.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return kept.map((k) => k.piece).join('&');
}

// The last base parsed: the links of one feed all resolve against its URL, which need not be read each time.
// Only ever passed to new URL as a base, never changed.
let lastBase: { text: string; url: URL | undefined } | undefined;

function parseBase(base: string): URL | undefined {
  if (lastBase?.text === base) return lastBase.url;
  let url: URL | undefined;
  try {
    url = new URL(base);
  } catch {
    url = undefined; // a bad base must not spoil an absolute link
  }
  lastBase = { text: base, url };
  return url;
}

function parse(url: string, base?: string): URL | undefined {
  const baseUrl = base === undefined ? undefined : parseBase(base);
  try {
    return new URL(url, baseUrl);
  } catch {
    return undefined;
  }
}

/**
 * The canonical form of a link (see the top of this file), resolved against `base` when relative, or
 * undefined when it is not an http(s) URL.
 */
export function canonicalUrl(url: string, base?: string): string | undefined {
  if (typeof url !== 'string' || url.trim() === '') return undefined;
  const u = parse(url.trim(), base);
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname === '') return undefined;
  // Each setter re-serializes the URL: only those with something to clear run (an empty "#" is cleared too).
  if (u.hash !== '' || u.href.endsWith('#')) u.hash = '';
  if (u.username !== '') u.username = '';
  if (u.password !== '') u.password = '';
  if (u.hostname.endsWith('.')) u.hostname = u.hostname.slice(0, -1);
  if (u.search !== '') {
    const hosts = new Set([u.hostname.replace(/^www\./, '')]);
    const baseHost = base !== undefined ? parseBase(base)?.hostname : undefined;
    if (baseHost) hosts.add(baseHost.replace(/^www\./, ''));
    const query = cleanQuery(u.search, hosts);
    u.search = query === '' ? '' : `?${query}`;
  } else if (u.href.endsWith('?')) {
    u.search = '';
  }
  const href = u.href;
  return href.includes('%') ? href.replace(PERCENT_ESCAPE, (escape) => escape.toUpperCase()) : href;
}
