import { describe, expect, it } from 'vitest';
import { canonicalUrl } from '../../src/items/index.js';

// Table: [behaviour, link, base or undefined, expected canonical URL or undefined].
type Case = [name: string, url: string, base: string | undefined, expected: string | undefined];

// prettier-ignore
const trackers: Case[] = [
  ['drops utm_* parameters', 'https://example.org/a?utm_source=rss&utm_medium=feed&utm_campaign=x', undefined, 'https://example.org/a'],
  ['drops upper-case tracker names', 'https://example.org/a?UTM_Source=rss&FBCLID=1', undefined, 'https://example.org/a'],
  ['drops click identifiers (fbclid, gclid, yclid, msclkid)', 'https://example.org/a?fbclid=1&gclid=2&yclid=3&msclkid=4', undefined, 'https://example.org/a'],
  ['drops mail campaign identifiers (mc_cid, mc_eid) and _ga', 'https://example.org/a?mc_cid=1&mc_eid=2&_ga=3', undefined, 'https://example.org/a'],
  ['drops ref_src, cmpid and ocid', 'https://example.org/a?ref_src=twsrc&cmpid=x&ocid=y', undefined, 'https://example.org/a'],
  ['drops BBC feed trackers (at_medium, at_campaign)', 'https://www.bbc.com/news/articles/cp81l0e1eg5o?at_medium=RSS&at_campaign=rss', undefined, 'https://www.bbc.com/news/articles/cp81l0e1eg5o'],
  ['drops the DW feed tracker (maca)', 'https://www.dw.com/en/a-75960010?maca=en-rss-en-all-1573-rdf', undefined, 'https://www.dw.com/en/a-75960010'],
  ['drops the heise feed tracker (wt_mc)', 'https://www.heise.de/news/x-4205274.html?wt_mc=rss.ho.beitrag.rdf', undefined, 'https://www.heise.de/news/x-4205274.html'],
  ['drops Reuters feed parameters (feedType, feedName)', 'http://www.reuters.com/article/x-idUSKBN14R0D4?feedType=RSS&feedName=worldNews', undefined, 'http://www.reuters.com/article/x-idUSKBN14R0D4'],
  ['drops Daily Mail trackers (ITO, ns_mchannel, ns_campaign)', 'http://www.dailymail.co.uk/news/x.html?ITO=1490&ns_mchannel=rss&ns_campaign=1490', undefined, 'http://www.dailymail.co.uk/news/x.html'],
  ['drops Al Jazeera and CS Monitor trackers (traffic_source, icid)', 'https://www.aljazeera.com/news/x?traffic_source=rss&icid=rss', undefined, 'https://www.aljazeera.com/news/x'],
  ['drops generic names whose value only names the feed (partner=rss, emc=rss, from=rss)', 'http://www.nytimes.com/x.html?partner=rss&emc=rss&from=rss', undefined, 'http://www.nytimes.com/x.html'],
  ['keeps a generic name with another value (from=2026-01-01)', 'https://example.org/list?from=2026-01-01', undefined, 'https://example.org/list?from=2026-01-01'],
  ['drops ref naming the site itself', 'https://blog.example.org/p/?ref=blog.example.org', undefined, 'https://blog.example.org/p/'],
  ['drops ref naming the feed host given as base', 'https://news.example.org/p?ref=www.example.org', 'https://www.example.org/feed', 'https://news.example.org/p'],
  ['keeps ref naming another site', 'https://example.org/p?ref=partner.net', undefined, 'https://example.org/p?ref=partner.net'],
  ['keeps parameters that select the page', 'https://foreignpolicy.com/?p=1220749', undefined, 'https://foreignpolicy.com/?p=1220749'],
  ['keeps the other parameters when trackers go', 'https://example.org/a?id=7&utm_source=rss&page=2', undefined, 'https://example.org/a?id=7&page=2'],
];

// prettier-ignore
const form: Case[] = [
  ['drops the fragment', 'https://example.org/a#comments', undefined, 'https://example.org/a'],
  ['drops the default http port', 'http://example.org:80/a', undefined, 'http://example.org/a'],
  ['drops the default https port', 'https://example.org:443/a', undefined, 'https://example.org/a'],
  ['keeps another port', 'https://example.org:8443/a', undefined, 'https://example.org:8443/a'],
  ['keeps port 443 on http (not its default)', 'http://example.org:443/a', undefined, 'http://example.org:443/a'],
  ['lower-cases the scheme and host, not the path', 'HTTPS://News.Example.ORG/Ukraine/Talks', undefined, 'https://news.example.org/Ukraine/Talks'],
  ['drops a trailing dot of the host', 'https://example.org./a', undefined, 'https://example.org/a'],
  ['writes an IDN host in punycode', 'https://пример.укр/новини', undefined, 'https://xn--e1afmkfd.xn--j1amh/%D0%BD%D0%BE%D0%B2%D0%B8%D0%BD%D0%B8'],
  ['gives a punycode host and a Unicode host one form', 'https://xn--e1afmkfd.xn--j1amh/%d0%bd%d0%be%d0%b2%d0%b8%d0%bd%d0%b8', undefined, 'https://xn--e1afmkfd.xn--j1amh/%D0%BD%D0%BE%D0%B2%D0%B8%D0%BD%D0%B8'],
  ['upper-cases percent-escapes', 'https://example.org/a%2fb?q=%d0%b0', undefined, 'https://example.org/a%2Fb?q=%D0%B0'],
  ['resolves dot segments', 'https://example.org/a/./b/../c', undefined, 'https://example.org/a/c'],
  ['adds the root path to a bare host', 'https://example.org', undefined, 'https://example.org/'],
  ['keeps a trailing slash (it may be another page)', 'https://example.org/a/', undefined, 'https://example.org/a/'],
  ['removes a trailing "?"', 'https://example.org/a?', undefined, 'https://example.org/a'],
  ['removes the "?" left when only trackers were there', 'https://example.org/a?utm_source=x#top', undefined, 'https://example.org/a'],
  ['sorts the parameters by name', 'https://example.org/a?b=2&a=1&c=3', undefined, 'https://example.org/a?a=1&b=2&c=3'],
  ['keeps repeated names in their order when sorting', 'https://example.org/a?tag=z&id=1&tag=a', undefined, 'https://example.org/a?id=1&tag=z&tag=a'],
  ['keeps parameter values as written ("+" stays "+")', 'https://example.org/s?q=peace+talks&r=a%20b', undefined, 'https://example.org/s?q=peace+talks&r=a%20b'],
  ['drops empty parameters ("&&")', 'https://example.org/a?a=1&&b=2&', undefined, 'https://example.org/a?a=1&b=2'],
  ['drops a user name and password', 'https://user:secret@example.org/a', undefined, 'https://example.org/a'],
  ['trims surrounding whitespace and encodes an inner space', '  https://example.org/a b \n', undefined, 'https://example.org/a%20b'],
];

// prettier-ignore
const relative: Case[] = [
  ['resolves a relative path against the base', '/news/1', 'https://www.kiis.com.ua/?lang=ukr', 'https://www.kiis.com.ua/news/1'],
  ['resolves a path relative to the base folder', 'item?id=3', 'https://example.org/press/list.html', 'https://example.org/press/item?id=3'],
  ['resolves a scheme-relative link', '//cdn.example.org/a', 'https://example.org/feed', 'https://cdn.example.org/a'],
  ['ignores the base for an absolute link', 'https://other.org/a', 'https://example.org/feed', 'https://other.org/a'],
  ['ignores an unusable base for an absolute link', 'https://other.org/a', 'not a url', 'https://other.org/a'],
  ['refuses a relative link without a base', '/news/1', undefined, undefined],
  ['refuses a relative link with an unusable base', '/news/1', 'not a url', undefined],
];

const refused: Case[] = [
  ['refuses mailto:', 'mailto:press@example.org', undefined, undefined],
  ['refuses javascript:', 'javascript:alert(1)', undefined, undefined],
  ['refuses ftp:', 'ftp://example.org/file', undefined, undefined],
  ['refuses data:', 'data:text/html,<b>x</b>', undefined, undefined],
  ['refuses a non-URL', 'not a url', undefined, undefined],
  ['refuses an empty string', '', undefined, undefined],
  ['refuses whitespace', '   ', undefined, undefined],
  ['refuses an unparseable host', 'https://exa mple.org/', undefined, undefined],
];

describe('canonicalUrl', () => {
  describe.each([
    ['tracking parameters', trackers],
    ['form', form],
    ['relative links', relative],
    ['what is not an http(s) link', refused],
  ] as const)('%s', (_group, cases) => {
    it.each(cases)('%s', (_name, url, base, expected) => {
      expect(canonicalUrl(url, base)).toBe(expected);
    });
  });

  it('is idempotent: a canonical URL is its own canonical form', () => {
    const inputs = [...trackers, ...form, ...relative]
      .map(([, url, base]) => canonicalUrl(url, base))
      .filter((u) => u !== undefined);
    for (const url of inputs) expect(canonicalUrl(url)).toBe(url);
  });

  it('gives one form to links that differ only in trackers, fragment, port, host case and parameter order', () => {
    const forms = new Set(
      [
        'https://Example.org:443/news/talks?id=7&page=2',
        'https://example.org/news/talks?page=2&id=7&utm_source=rss#top',
        'https://EXAMPLE.ORG/news/talks?fbclid=abc&page=2&id=7',
      ].map((u) => canonicalUrl(u)),
    );
    expect([...forms]).toEqual(['https://example.org/news/talks?id=7&page=2']);
  });
});
