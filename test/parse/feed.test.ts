// RSS and Atom behaviours one at a time: relative links and xml:base, repairs of broken XML, dates, text.
// Malformed cases come from the shared corpus (../shared/corpus, beside the repository); the formats the
// corpus lacks (RSS 0.91, nested xml:base in Atom, links relative to the channel's site) from our fixtures.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/fetch/charset.js';
import { ParseError, parseBody } from '../../src/parse/index.js';
import { cleanXml } from '../../src/parse/xml-clean.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const CORPUS = resolve(repoRoot, '../shared/corpus/feeds');
const FIXTURES = join(repoRoot, 'test/fixtures/feeds');
const NOW = Date.UTC(2026, 6, 18);

async function parseFile(path: string, url: string) {
  const decoded = decodeBody(readFileSync(path));
  const parsed = await parseBody(decoded.text, { type: 'rss', url, now: NOW });
  return { ...parsed, decodedWarnings: decoded.warnings };
}
const corpus = (file: string, url = `https://corpus.invalid/${file}`) => parseFile(join(CORPUS, file), url);
const fixture = (file: string, url: string) => parseFile(join(FIXTURES, file), url);

describe('relative links', () => {
  it('resolves root-relative item links against the feed URL when the channel link is relative too', async () => {
    const { entries } = await corpus(
      'edge/relative-urls.xml',
      'https://www.arcgames.com/en/games/neverwinter/news/rss',
    );
    expect(entries.map((e) => e.link)).toEqual([
      'https://www.arcgames.com/en/games/neverwinter/news/detail/10743874-neverwinter-%26-jingle-jam-humble-bundle%21',
      'https://www.arcgames.com/en/games/neverwinter/news/detail/10738994-2x-underdark-currency-%26-15%25-off-bags%21',
    ]);
  });

  it('resolves an RSS item link against the xml:base on <rss>', async () => {
    const { entries } = await corpus('edge/item-xml-base.xml');
    expect(entries).toEqual([{ title: 'i', link: 'http://example.org/feeds/post/1' }]);
  });

  it('reads an Atom 0.3 entry whose title is XHTML under a relative xml:base', async () => {
    const { entries } = await corpus('edge/relative-xml-base.xml');
    expect(entries).toEqual([{ title: 'Example test' }]);
  });

  it('trims links wrapped in whitespace and reads a <time datetime> inside pubDate', async () => {
    const { entries } = await corpus('edge/link-with-whitespace-fda.xml', 'https://www.fda.gov/rss.xml');
    expect(entries[0]).toMatchObject({
      link: 'http://www.fda.gov/safety/recalls-market-withdrawals-safety-alerts/vivimed-life-sciences-pvt-ltd-issues-voluntary-nationwide-recall-losartan-potassium-25-mg-50-mg-and',
      published: '2019-05-03T19:21:28.000Z',
      author: 'FDA',
    });
  });

  it('resolves nested xml:base in Atom: feed, entry, and a link with its own base', async () => {
    const { entries } = await fixture('atom-xml-base.xml', 'https://feeds.example.org/europe.atom');
    expect(entries.map((e) => e.link)).toEqual([
      'https://news.example.org/section/2026/nato-assurances.html',
      'https://other.example.com/world/miami-round',
      'https://news.example.org/polls/2026-q2',
    ]);
    expect(entries[0]!.content).toBe(
      '<div xmlns="http://www.w3.org/1999/xhtml"><p>See <a href="https://news.example.org/section/2026/map.html">the map</a> and <img src="https://news.example.org/section/2026/img/summit.jpg"/>.</p></div>',
    );
  });

  it('resolves relative RSS links against the site the channel links to, not the feed host', async () => {
    const { entries } = await fixture('rss-relative-links.xml', 'https://feeds.example.net/wire.rss');
    expect(entries.map((e) => e.link)).toEqual([
      'https://www.example.org/news/2026/07/ceasefire-talks',
      'https://www.example.org/news/2026/07/guarantees', // a permalink <guid> stands in for the missing <link>
      'https://www.example.org/news/story.html',
    ]);
    expect(entries[0]!.content).toContain('<a href="https://www.example.org/news/related.html">related story</a>');
    expect(entries[0]!.content).toContain('<a href="https://elsewhere.example.com/x">');
  });
});

describe('dates', () => {
  it('reads Atom published, falls back to updated when published is garbage, and accepts a bare date', async () => {
    const { entries, warnings } = await fixture('atom-xml-base.xml', 'https://feeds.example.org/europe.atom');
    expect(entries.map((e) => e.published)).toEqual([
      '2026-07-17T06:30:00.000Z',
      '2026-01-10T18:00:00.000Z',
      '2026-07-01T00:00:00.000Z',
    ]);
    expect(warnings).toEqual([]);
  });

  it('reads named zones and dc:date, and leaves a date in the future unset with a warning', async () => {
    const { entries, warnings } = await fixture('rss-relative-links.xml', 'https://feeds.example.net/wire.rss');
    expect(entries.map((e) => e.published)).toEqual([
      '2026-07-17T13:15:00.000Z',
      '2026-07-16T18:00:00.000Z',
      undefined,
    ]);
    expect(warnings).toEqual(['parse: 1 entry has a date we cannot read (e.g. "Sat, 01 Jan 2033 00:00:00 GMT")']);
  });

  it('prefers pubDate over an epoch dc:date, in a feed cut off before </rss>', async () => {
    const { entries } = await corpus('edge/invalid-date-format.xml');
    expect(entries.map((e) => e.published)).toEqual(['2017-10-16T15:10:00.000Z', '2017-10-17T12:17:00.000Z']);
  });

  it('leaves published unset for an entry without a date (items/ stamps the fetch time)', async () => {
    const { entries } = await fixture('rss-091.xml', 'https://www.example.gouv/rss/communiques.xml');
    expect(entries.every((e) => !('published' in e))).toBe(true);
  });
});

describe('broken XML', () => {
  it('escapes a bare & and keeps every item', async () => {
    const { entries } = await corpus('edge/sax-error-bad-item.xml');
    expect(entries.map((e) => e.link)).toEqual([
      'http://example.com/good',
      'http://example.com/bad?foo=1&bar=2',
      'http://example.com/after',
    ]);
  });

  it('keeps the complete items of a document cut off mid-way', async () => {
    const { entries, warnings } = await corpus('edge/corrupted-ampersands-crlf.xml');
    expect(entries).toEqual([{ link: 'http://link/get?a=1&b=2' }]);
    expect(warnings).toEqual(['parse: not well-formed XML (Unclosed root tag); kept the 1 entry before the error']);
  });

  it('reads a feed behind comments, a mangled <?xml?xml ... ??> prolog, unquoted attributes and an undeclared rss: prefix', async () => {
    const { entries } = await corpus('edge/mangled-prolog-prefixed-rss.xml');
    expect(entries[0]).toMatchObject({
      title: 'jenni tucker',
      link: 'https://dylanharris.org/blog/2026/b5.shtml',
      guid: 'https://dylanharris.org/blog/2026/b5.shtml',
      published: '2026-01-19T00:00:00.000Z',
    });
  });

  it('drops a PHP warning printed before the XML declaration, and junk after the root', async () => {
    const body =
      'Warning: Cannot modify header information in /var/www/feed.php on line 3\n<?xml version="1.0" encoding="utf-8"?>\n' +
      '<rss version="2.0"><channel><title>t</title><item><title>Kept</title><link>https://example.org/a</link></item></channel></rss>\n<!-- 0.02s -->\n</div>';
    const { entries, warnings } = await parseBody(body, { type: 'rss', url: 'https://example.org/feed' });
    expect(entries).toEqual([{ title: 'Kept', link: 'https://example.org/a' }]);
    expect(warnings).toEqual([
      'parse: dropped 73 character(s) of junk before the root element',
      'parse: dropped 6 character(s) after the root element',
    ]);
  });

  it('keeps the items before an XML error in the middle of the document', async () => {
    const item = (n: number) => `<item><title>Item ${n}</title><link>https://example.org/${n}</link></item>`;
    const body = `<rss version="2.0"><channel><title>t</title>\n${item(1)}\n${item(2)}\n<item><title>Broken</titel></item>\n${item(4)}</channel></rss>`;
    const { entries, warnings } = await parseBody(body, { type: 'rss', url: 'https://example.org/feed' });
    expect(entries.map((e) => e.title)).toEqual(['Item 1', 'Item 2']);
    expect(warnings).toEqual([
      'parse: not well-formed XML (Unexpected close tag); kept the 2 entries before the error',
    ]);
  });

  it('expands entities the internal DTD subset declares, then drops the DOCTYPE', () => {
    const { xml } = cleanXml(readFileSync(join(CORPUS, 'edge/entity-in-doctype.xml'), 'utf8'));
    expect(xml).toContain("<guid isPermaLink='false'>tag:example.com,2006-05-04:/blog/</guid>");
    expect(xml).not.toContain('DOCTYPE');
  });

  it.each([
    ['edge/undefined-entity.xml', '<title>testing &amp;doesnotexist; entity</title>'],
    ['edge/legacy-entity-prefix.xml', '<title>?page=1&amp;copy=2;mode=x &amp; done</title>'],
    ['edge/bare-ampersand.xml', '<title>Fish &amp; Chips &amp; more &lt;3</title>'],
  ])('keeps what %s means while making it well-formed', (file, want) => {
    expect(cleanXml(readFileSync(join(CORPUS, file), 'utf8')).xml).toContain(want);
  });

  it('turns HTML named entities of an RSS 0.91 feed into characters', async () => {
    const { entries } = await fixture('rss-091.xml', 'https://www.example.gouv/rss/communiques.xml');
    expect(entries).toEqual([
      {
        title: 'Réunion du groupe de travail : déclaration',
        link: 'https://www.example.gouv/communiques/2026/reunion.html',
        summary: 'Le ministre a salué les « progrès » & appelé à la prudence.',
      },
      { title: "Sommet de l'OTAN", link: 'https://www.example.gouv/communiques/sommet-otan.html' },
    ]);
  });

  it('quotes the attributes of a tag that a DOCTYPE entity brings in', () => {
    const doc =
      '<!DOCTYPE rss [<!ENTITY b "<b class=x>">]><rss><channel><item><title>&b;bold</b></title></item></channel></rss>';
    expect(cleanXml(doc).xml).toContain('<title><b class="x">bold</b></title>');
  });

  it('leaves CDATA sections alone', () => {
    const { xml } = cleanXml(
      '<rss><channel><item><title><![CDATA[AT&T & <b>friends</b>]]></title></item></channel></rss>',
    );
    expect(xml).toContain('<![CDATA[AT&T & <b>friends</b>]]>');
  });
});

describe('text', () => {
  it('gives titles as plain text, whether the HTML in them is in CDATA or naked', async () => {
    expect((await corpus('edge/html-in-title-cdata.xml')).entries[0]!.title).toBe('Item Title');
    expect((await corpus('edge/html-in-title-naked.xml')).entries[0]!.title).toBe('Item Title');
  });

  it('gives the summary as plain text and keeps content:encoded as HTML', async () => {
    const { entries } = await fixture('rss-relative-links.xml', 'https://feeds.example.net/wire.rss');
    expect(entries[0]).toMatchObject({ summary: 'Talks resumed in Geneva. More soon.', author: 'Wire Staff' });
  });

  it('repairs UTF-8 that was double-encoded through numeric references', async () => {
    const { entries } = await corpus('edge/double-encoded-utf8-entities.xml');
    expect(entries[0]!.summary).toBe('…');
  });

  it('reads a windows-1252 quote written as a C1 control character', async () => {
    const { entries } = await corpus('edge/windows1252-smart-quote.xml');
    expect(entries[0]!.summary).toBe('don’t');
  });

  it('repairs a whole feed stored double-encoded, and says so', async () => {
    const { entries, warnings } = await corpus('edge/yandex-double-encoded-cyrillic.xml');
    expect(entries[1]!.title).toMatch(/^[\p{Script=Cyrillic}\p{P}\p{N}\s]+$/u);
    expect(warnings.join()).toMatch(/repaired \d+ double-encoded UTF-8 sequence/);
  });
});

describe('not a feed', () => {
  it.each([
    [
      '<!DOCTYPE html><html><head><title>x</title></head><body></body></html>',
      'parse-error',
      /looks like an HTML page/,
    ],
    ['<opml version="2.0"><body/></opml>', 'parse-error', /not a feed: the root element is <opml>/],
    ['<!-- nothing here -->', 'empty', /no root element/],
    ['   ', 'empty', /empty body/],
    ['<rss version="2.0"><channel><title>t</title><item><title>x</item>', 'parse-error', /not well-formed XML/],
  ])('fails %j as %s', async (text, reason, message) => {
    const err = await parseBody(text, { type: 'rss', url: 'https://example.org/feed' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParseError);
    expect(err).toMatchObject({ reason });
    expect((err as Error).message).toMatch(message);
  });

  it('keeps the cause of an XML error', async () => {
    const err = (await parseBody('<rss version="2.0"><channel><item><title>x</item>', {
      type: 'rss',
      url: 'https://example.org/',
    }).catch((e: unknown) => e)) as ParseError;
    expect(err.cause).toBeInstanceOf(Error);
  });
});
