// RSS 0.9x, RSS 1.0 (RDF), RSS 2.0 and Atom, from text we decoded and repaired ourselves. A well-formed
// document is read by htmlparser2 into xml2js's nodes (xml-tree.ts) and given rss-parser's fields
// (feed-fields.ts); anything else goes to rss-parser itself, whose strict sax stops at the first XML error,
// so that we can keep the entries before it (salvage). What rss-parser flattens away (xml:base, every
// <link>, raw dates) is asked for through its customFields, kept as raw xml2js nodes.
import Parser from 'rss-parser';
import type { RawEntry } from '../model/item.js';
import { parseDate } from './date.js';
import { ParseError, skippedWarning } from './errors.js';
import { type FeedFields, feedFields } from './feed-fields.js';
import { attribute, dateText, firstText, nodes, stringAt, textOf } from './node.js';
import { absolutizeHtml, collapse, plainText, resolveBase, resolveUrl, titleText } from './text.js';
import { cleanXml, mapOutsideProtected, salvageEntries } from './xml-clean.js';
import { readXml } from './xml-tree.js';

export interface FeedResult {
  entries: RawEntry[];
  warnings: string[];
}

type Kind = 'rss' | 'atom';
type Fields = Record<string, unknown>;

// Where an entry's date may be, best first. Atom's <published> and <updated> are renamed before parsing:
// rss-parser converts them with `new Date(x).toISOString()` outside any try, so one bad date would throw
// the whole feed away.
const DATES: Record<Kind, string[]> = {
  rss: ['pubDate', 'dc:date', 'dcterms:created', 'dcterms:modified', 'a10:updated', 'atom:published', 'atom:updated'],
  atom: ['sp-published', 'sp-updated', 'issued', 'created', 'modified'],
};
const RAW = ['$', 'link', 'guid', 'id', 'author', 'dc:creator'];
const HTML_ROOTS = new Set(['html', 'head', 'body', 'div', 'p', 'title', 'meta']);
const RAW_FIELDS = { item: [...RAW, ...DATES.rss, ...DATES.atom], feed: ['$'] };

function newParser(): Parser<Fields, Fields> {
  const raw = (names: string[]) => names.map((name) => [name, `raw:${name}`, { keepArray: true }]);
  // The feed-level list is typed as plain names, but rss-parser's copyFromXML takes the same [from, to,
  // options] triples for both; '$' with keepArray hands over the channel's own attributes.
  const feed = raw(RAW_FIELDS.feed) as unknown as (keyof Fields)[];
  const item = raw(RAW_FIELDS.item);
  return new Parser<Fields, Fields>({ defaultRSS: 2, customFields: { item, feed } });
}

export async function parseFeed(text: string, url: string, now: number): Promise<FeedResult> {
  const clean = cleanXml(text);
  const warnings = [...clean.warnings];
  const root = clean.root;
  if (!root) {
    // Nothing but whitespace, comments and declarations is an empty document; any other text is not XML.
    const rest = text.replace(/<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>/gi, '').trim();
    if (rest) throw new ParseError('parse-error', 'not a feed: the body is not XML');
    throw new ParseError('empty', 'empty document: no root element');
  }
  const local = root.replace(/^.*:/, '');
  // A DOCTYPE says little (feeds carry XHTML ones too); the root element says what the document is.
  if (HTML_ROOTS.has(local.toLowerCase())) throw new ParseError('parse-error', 'not a feed: looks like an HTML page');
  if (local !== 'rss' && local !== 'RDF' && local !== 'feed')
    throw new ParseError('parse-error', `not a feed: the root element is <${root}>`);
  const kind: Kind = local === 'feed' ? 'atom' : 'rss';

  let xml = clean.xml;
  if (kind === 'rss' && !/<(?:[\w.-]+:)?channel[\s>/]/.test(xml))
    throw new ParseError('empty', `<${root}> document without a <channel>`);
  if (kind === 'atom') {
    xml = xhtmlAsHtml(xml);
    xml = mapOutsideProtected(xml, (part) => part.replace(/<(\/?)(published|updated)(?=[\s>/])/g, '<$1sp-$2'));
  }

  const feed = await readWithSalvage(xml, warnings);
  // Relative links resolve against xml:base (on the root, then the channel), else for RSS, which has no
  // base of its own, against the site the channel links to, else against the URL the feed came from.
  const rootBase = xmlBase(clean.rootAttributes);
  const channelBase = kind === 'rss' ? stringAt(feed['raw:$'], 'xml:base') : undefined;
  let base = resolveBase(channelBase, resolveBase(rootBase, url));
  if (kind === 'rss' && rootBase === undefined && channelBase === undefined)
    base = resolveBase(resolveUrl(textOf(feed.link), url), url);

  const unreadable: string[] = [];
  const entries: RawEntry[] = [];
  const failed: unknown[] = [];
  for (const item of feed.items) {
    // One entry that breaks the reader (a description nested 10,000 deep) is skipped, not the feed.
    try {
      entries.push(toEntry(item, kind, base, now, unreadable));
    } catch (err) {
      failed.push(err);
    }
  }
  if (failed.length) warnings.push(skippedWarning(failed));
  if (unreadable.length) {
    warnings.push(
      `parse: ${unreadable.length} entr${unreadable.length === 1 ? 'y has' : 'ies have'} a date we cannot read (e.g. "${unreadable[0]}")`,
    );
  }
  return { entries, warnings };
}

async function readWithSalvage(xml: string, warnings: string[]): Promise<FeedFields> {
  const doc = readXml(xml);
  const fields = doc && feedFields(doc, RAW_FIELDS);
  if (fields) return fields;
  try {
    return await newParser().parseString(xml);
  } catch (first) {
    const where = errorOffset(xml, first);
    if (where === undefined)
      throw new ParseError('parse-error', `cannot read the feed: ${message(first)}`, { cause: first });
    let attempt = xml;
    let offset = where;
    for (let tries = 0; tries < 3; tries++) {
      const salvaged = salvageEntries(attempt, offset);
      if (salvaged === undefined || salvaged === attempt) break;
      try {
        const feed = await newParser().parseString(salvaged);
        const n = feed.items.length;
        warnings.push(
          `parse: not well-formed XML (${message(first)}); kept the ${n} entr${n === 1 ? 'y' : 'ies'} before the error`,
        );
        return feed;
      } catch (again) {
        attempt = salvaged;
        offset = errorOffset(salvaged, again) ?? salvaged.length;
      }
    }
    throw new ParseError('parse-error', `not well-formed XML: ${message(first)}`, { cause: first });
  }
}

/** Where sax stopped ("Line: 10 Column: 6", both from 0), as an offset into the text; undefined for other errors. */
function errorOffset(xml: string, err: unknown): number | undefined {
  const m = /Line: (\d+)\s+Column: (\d+)/.exec(err instanceof Error ? err.message : '');
  if (!m) return /^(Unclosed root tag|Unexpected end)/.test(message(err)) ? xml.length : undefined;
  let at = 0;
  for (let line = 0; line < +m[1]! && at >= 0; line++) at = xml.indexOf('\n', at) + 1 || -1;
  return at < 0 ? xml.length : Math.min(xml.length, at + +m[2]!);
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

/**
 * Atom text constructs of type "xhtml" (and Atom 0.3's application/xhtml+xml) as escaped HTML: xml2js
 * keeps an element's text apart from its children, so mixed content would come back out of order.
 */
function xhtmlAsHtml(xml: string): string {
  const XHTML =
    /<(title|summary|content|subtitle)\b([^>]*?)\btype\s*=\s*(["'])(?:xhtml|application\/xhtml\+xml)\3([^>]*)>([\s\S]*?)<\/\1>/g;
  return xml.replace(XHTML, (_whole, name: string, before: string, _q: string, after: string, inner: string) => {
    const attrs = `${before}type="html"${after}`.replace(/\s*\bmode\s*=\s*["']xml["']/, '');
    return `<${name}${attrs}><![CDATA[${inner.trim().replace(/]]>/g, ']]]]><![CDATA[>')}]]></${name}>`;
  });
}

function xmlBase(attributes: string): string | undefined {
  const m = /\bxml:base\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(attributes);
  return m ? (m[1] ?? m[2]) : undefined;
}

function toEntry(item: Fields, kind: Kind, feedBase: string | undefined, now: number, unreadable: string[]): RawEntry {
  const own = item['raw:$']; // the item's own attributes
  const base = resolveBase(stringAt(own, 'xml:base'), feedBase);
  const entry: RawEntry = {};

  const title = textOf(item.title);
  if (title) entry.title = titleText(title);

  const guidNode = nodes(item['raw:guid'])[0] ?? nodes(item['raw:id'])[0];
  const guid = collapse(textOf(guidNode)) || stringAt(own, 'rdf:about');
  if (guid) entry.guid = guid;

  entry.link = kind === 'atom' ? atomLink(item['raw:link'], base) : resolveUrl(firstText(item['raw:link']), base);
  if (!entry.link && kind === 'rss' && guid && attribute(guidNode, 'isPermaLink') !== 'false')
    entry.link = resolveUrl(guid, base);
  if (!entry.link) delete entry.link;

  const summary = kind === 'atom' ? item.summary : item.content; // rss-parser puts an RSS <description> in `content`
  const summaryText = typeof summary === 'string' ? plainText(summary) : '';
  if (summaryText) entry.summary = summaryText;
  const content = kind === 'atom' ? item.content : item['content:encoded'];
  if (typeof content === 'string' && content.trim()) entry.content = absolutizeHtml(content.trim(), base);

  const author =
    kind === 'atom' ? textOf(item.author) : firstText(item['raw:dc:creator']) || firstText(item['raw:author']);
  if (author) entry.author = collapse(author);

  const tried: string[] = [];
  for (const field of DATES[kind]) {
    const node = item[`raw:${field}`];
    if (node === undefined) continue; // most of the places a date may be are empty
    const raw = dateText(nodes(node)[0]);
    if (!raw) continue;
    const published = parseDate(raw, now);
    if (published) {
      entry.published = published;
      break;
    }
    tried.push(collapse(raw));
  }
  if (!entry.published && tried[0]) unreadable.push(tried[0]);
  return entry;
}

/** Atom's link: rel="alternate" (or no rel) first, else the first with an href; with its own xml:base. */
function atomLink(raw: unknown, base: string | undefined): string | undefined {
  const links = nodes(raw).filter((l) => attribute(l, 'href'));
  const link = links.find((l) => (attribute(l, 'rel') ?? 'alternate') === 'alternate') ?? links[0];
  if (!link) return resolveUrl(firstText(raw), base); // Atom 0.3 and RSS-minded writers: <link>url</link>
  return resolveUrl(attribute(link, 'href'), resolveBase(attribute(link, 'xml:base'), base));
}
