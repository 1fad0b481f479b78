// readXml and feedFields against rss-parser itself (xml2js on strict sax), which they stand in for: the same
// nodes and fields on every feed of the shared corpus and on the node shapes xml2js has rules for, and no
// answer (so that feed.ts asks rss-parser) on every construct strict sax rejects.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/fetch/charset.js';
import { feedFields } from '../../src/parse/feed-fields.js';
import { cleanXml, mapOutsideProtected } from '../../src/parse/xml-clean.js';
import { readXml } from '../../src/parse/xml-tree.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CORPUS = resolve(repoRoot, '../shared/corpus/feeds');
// prettier-ignore
const NAMES = {
  item: ['$', 'link', 'guid', 'id', 'author', 'dc:creator', 'pubDate', 'dc:date', 'dcterms:created', 'dcterms:modified', 'a10:updated', 'atom:published', 'atom:updated', 'sp-published', 'sp-updated', 'issued', 'created', 'modified'],
  feed: ['$'],
};
const rssParser = () =>
  new Parser<Record<string, unknown>, Record<string, unknown>>({
    defaultRSS: 2,
    customFields: {
      item: NAMES.item.map((n) => [n, `raw:${n}`, { keepArray: true }]) as never,
      feed: [['$', 'raw:$', { keepArray: true }]] as never,
    },
  });
/** The fields feed.ts reads, from either reader. */
const READ = ['title', 'content', 'content:encoded', 'summary', 'author', ...NAMES.item.map((n) => `raw:${n}`)];
const pick = (o: Record<string, unknown>, keys: string[]): unknown =>
  JSON.parse(JSON.stringify(Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]))));

/** A corpus file as feed.ts hands it to the readers: decoded, repaired, Atom's dates renamed. */
function prepared(file: string): string {
  const xml = cleanXml(decodeBody(readFileSync(join(CORPUS, file))).text.replace(/^\uFEFF/, '')).xml;
  return mapOutsideProtected(xml, (p) => p.replace(/<(\/?)(published|updated)(?=[\s>/])/g, '<$1sp-$2'));
}

const files = ['real', 'edge'].flatMap((d) =>
  readdirSync(join(CORPUS, d))
    .filter((f) => f.endsWith('.xml'))
    .map((f) => `${d}/${f}`),
);

describe('feedFields(readXml(x)) against rss-parser', () => {
  it.each(files)('%s: the same fields, or no answer', async (file) => {
    let xml: string;
    try {
      xml = prepared(file);
    } catch {
      return; // a body no charset decodes: never parsed
    }
    const doc = readXml(xml);
    const ours = doc && feedFields(doc, NAMES);
    const theirs = await rssParser()
      .parseString(xml)
      .catch(() => undefined);
    if (file.startsWith('real/')) expect(ours, `${file} takes the fast path`).toBeDefined();
    if (!ours) return;
    expect(theirs, `rss-parser reads ${file} too`).toBeDefined();
    expect(ours.items.map((i) => pick(i, READ))).toEqual(theirs!.items.map((i) => pick(i, READ)));
    expect(pick(ours, ['link', 'raw:$'])).toEqual(pick(theirs as Record<string, unknown>, ['link', 'raw:$']));
  });
});

const rss = (item: string) => `<rss version="2.0"><channel><title>t</title><item>${item}</item></channel></rss>`;

describe('readXml builds the nodes xml2js builds', () => {
  it.each([
    ['plain text', '<x>a &amp; b &#228;&#x4E2D;</x>'],
    ['attributes and text', `<x a="1" b='&lt;2&gt;'>text</x>`],
    ['mixed content: text apart from children', '<x>Hello <b>bold</b> world<i/></x>'],
    ['whitespace-only text dropped', '<x> <y>1</y> </x>'],
    ['whitespace-only element kept as its whitespace', '<x>  </x>'],
    ['empty and self-closing elements', '<x></x><x/><x a="1"/>'],
    ['CDATA, also whitespace-only', '<x><![CDATA[ <b>&amp;</b> ]]></x><x><![CDATA[ ]]></x><x><![CDATA[]]></x>'],
    ['whitespace-only CDATA kept beside attributes and children', '<x a="1"><![CDATA[ ]]></x><x><![CDATA[ ]]><y/></x>'],
    ['comments and processing instructions skipped', '<x>a<!-- c -->b<?pi data?></x>'],
    ['repeated and prefixed children', '<x><a:y>1</a:y><a:y>2</a:y><z/></x>'],
    ['an element named like an Object property', '<x><constructor>1</constructor><toString/></x>'],
  ])('%s', async (_name, inner) => {
    const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x));
    const xml = rss(inner);
    const feed = await rssParser().parseString(xml.replace(/<item>/, '<item><link>l</link>'));
    const custom = new Parser({ customFields: { item: [['x', 'x', { keepArray: true }]] as never } });
    const want = ((await custom.parseString(xml)).items[0] as Record<string, unknown>).x;
    const got = ((readXml(xml)!.rss as Record<string, unknown[]>).channel![0] as Record<string, unknown[]>).item![0];
    expect(plain((got as Record<string, unknown>).x)).toEqual(plain(want));
    expect(feed.items).toHaveLength(1);
  });
});

describe('readXml gives no answer where strict sax stops', () => {
  it.each([
    ['an unclosed root', '<rss><channel><item><title>x</title></item></channel>'],
    ['a mismatched end tag', rss('<title>x</titel>')],
    ['an end tag that closes nothing', rss('<title>x</title></b>')],
    ['a bare <', rss('<title>a < b</title>')],
    ['a bare &', rss('<title>a & b</title>')],
    ['a reference to a character XML forbids', rss('<title>a&#1;b</title>')],
    ['an unquoted attribute value', rss('<guid isPermaLink=false>x</guid>')],
    ['an attribute without a value', rss('<guid isPermaLink>x</guid>')],
    ['attributes without whitespace between them', rss('<guid a="1"b="2">x</guid>')],
    ['a slash inside a start tag', rss('<guid a="1" / b="2">x</guid>')],
    ['junk in an end tag', rss('<title>x</title junk>')],
    ['a double hyphen in a comment', rss('<title>x<!-- a -- b --></title>')],
  ])('%s', async (_name, xml) => {
    expect(readXml(xml)).toBeUndefined();
    await expect(new Parser().parseString(xml)).rejects.toThrow();
  });

  // What cleanXml never leaves in a document, or sax reads its own way: left to rss-parser too.
  it.each([
    ['an HTML entity', rss('<title>a&nbsp;b</title>')],
    ['a declaration inside the document', rss('<!ELEMENT x ANY><title>x</title>')],
    ['a lower-case cdata section', rss('<title><![cdata[x]]></title>')],
    ['a name outside ASCII', rss('<заголовок>x</заголовок>')],
    ['an element named like xml2js’s CDATA mark', rss('<cdata>x</cdata><![CDATA[y]]>')],
    ['an element named __proto__', rss('<__proto__>x</__proto__>')],
    ['an attribute named __proto__', rss('<guid __proto__="x">y</guid>')],
  ])('%s (rare, read by rss-parser)', (_name, xml) => {
    expect(readXml(xml)).toBeUndefined();
  });

  it('stops reading at the end of the root element, as xml2js hands over its result there', () => {
    expect(readXml('<rss><channel/></rss><junk')).toEqual(readXml('<rss><channel/></rss>'));
  });
});

describe('feedFields leaves to rss-parser', () => {
  it.each([
    ['a description holding elements (rss-parser writes them back as XML)', rss('<description><p>a</p></description>')],
    [
      'an Atom link without attributes (rss-parser throws on it)',
      '<feed><entry><link>https://a.example/</link></entry></feed>',
    ],
    ['a root rss-parser does not know', '<RDF><channel/></RDF>'],
    ['an RDF document without a channel', '<rdf:RDF><item/></rdf:RDF>'],
  ])('%s', (_name, xml) => {
    const doc = readXml(xml);
    expect(doc).toBeDefined();
    expect(feedFields(doc!, NAMES)).toBeUndefined();
  });
});
