// The fields of a feed and its entries as rss-parser 3 hands them to feed.ts, taken from the xml2js-shaped
// nodes of xml-tree.ts: the same `copyFromXML` and `getContent` rules, for the fields feed.ts reads. Where
// rss-parser would throw, or would serialize a node back to XML, we return undefined and feed.ts asks
// rss-parser itself, so what a feed reads as never depends on which of the two read it.
import type { XmlNode } from './xml-tree.js';

export type Fields = Record<string, unknown>;
export interface FeedFields extends Fields {
  items: Fields[];
}

/** rss-parser's customFields.item, as feed.ts asks for them: kept whole (every node) under `raw:<name>`. */
export interface FieldNames {
  item: string[];
  feed: string[];
}

/** Thrown where rss-parser's own reading would differ from ours: throw, or build XML from a node. */
class AskRssParser extends Error {}

const isObject = (x: unknown): x is Fields => typeof x === 'object' && x !== null;

/** rss-parser's utils.copyFromXML for one field. */
function copy(xml: unknown, dest: Fields, from: string, to: string, keepArray: boolean): void {
  const value = isObject(xml) ? xml[from] : undefined;
  if (value !== undefined) dest[to] = keepArray ? value : (value as unknown[])[0];
  const got = dest[to];
  if (isObject(got) && typeof got._ === 'string') dest[to] = got._;
}

/** Each name with its `raw:` key, made once per list rather than once per entry and name. */
const rawKeys = new WeakMap<string[], [string, string][]>();

function copyRaw(xml: unknown, dest: Fields, names: string[]): void {
  let keys = rawKeys.get(names);
  if (!keys) rawKeys.set(names, (keys = names.map((name) => [name, `raw:${name}`])));
  for (const [name, key] of keys) copy(xml, dest, name, key, true);
}

/** rss-parser's utils.getContent, short of building XML back from an element with children. */
function content(node: unknown): unknown {
  if (isObject(node) && typeof node._ === 'string') return node._;
  if (isObject(node)) throw new AskRssParser();
  return node;
}

/** rss-parser's utils.getLink reads `link.$.rel` of every link: one without attributes makes it throw. */
function checkLinks(links: unknown): void {
  if (Array.isArray(links) && links.some((l) => !isObject(l) || !isObject(l.$))) throw new AskRssParser();
}

/** rss-parser's utils.getLink, on links checkLinks passed. */
function getLink(links: Fields[], rel: string, fallback: number): unknown {
  const link = links.find((l) => (l.$ as Fields).rel === rel) ?? links[fallback];
  return link ? (link.$ as Fields).href : undefined;
}

function rssItem(xml: XmlNode, names: FieldNames): Fields {
  const item: Fields = {};
  if (!isObject(xml)) return item;
  copyRaw(xml, item, names.item);
  copy(xml, item, 'dc:title', 'title', false);
  copy(xml, item, 'title', 'title', false);
  copy(xml, item, 'content:encoded', 'content:encoded', false);
  const description = xml.description as unknown[] | undefined;
  if (description) item.content = content(description[0]);
  return item;
}

function atomEntry(xml: XmlNode, names: FieldNames): Fields {
  const item: Fields = {};
  if (!isObject(xml)) return item;
  // feed.ts renames <published> and <updated>: rss-parser would convert them outside any try
  if (xml.published !== undefined || xml.updated !== undefined) throw new AskRssParser();
  copyRaw(xml, item, names.item);
  const titles = xml.title as unknown[] | undefined;
  if (titles) {
    let title = titles[0] || '';
    if (isObject(title) && title._) title = title._;
    if (title) item.title = title;
  }
  checkLinks(xml.link);
  const authors = xml.author as unknown[] | undefined;
  const author = authors?.length ? authors[0] : undefined;
  const name = isObject(author) ? (author.name as unknown[] | undefined) : undefined;
  if (name?.length) item.author = name[0];
  const contents = xml.content as unknown[] | undefined;
  if (contents?.length) item.content = content(contents[0]);
  const summaries = xml.summary as unknown[] | undefined;
  if (summaries?.length) item.summary = content(summaries[0]);
  return item;
}

/**
 * What rss-parser's parseString (with `defaultRSS: 2`) returns for the fields feed.ts reads, from the document
 * read by readXml; undefined where only rss-parser itself can say (an unusual root, a node it would throw on
 * or turn back into XML).
 */
export function feedFields(doc: Record<string, XmlNode>, names: FieldNames): FeedFields | undefined {
  try {
    if (isObject(doc.feed)) {
      const feed: FeedFields = { items: [] };
      copyRaw(doc.feed, feed, names.feed);
      checkLinks(doc.feed.link);
      if (doc.feed.link) feed.link = getLink(doc.feed.link as Fields[], 'alternate', 0);
      if (doc.feed.updated !== undefined) throw new AskRssParser();
      const entries = (doc.feed.entry ?? []) as XmlNode[];
      feed.items = entries.map((e) => atomEntry(e, names));
      return feed;
    }
    const root = doc.rss ?? doc['rdf:RDF'];
    if (!isObject(root) || !Array.isArray(root.channel)) return undefined;
    const channel = root.channel[0] as XmlNode;
    const items = ((doc.rss ? isObject(channel) && channel.item : root.item) || []) as XmlNode[];
    const feed: FeedFields = { items: items.map((i) => rssItem(i, names)) };
    copy(channel, feed, 'link', 'link', false);
    copyRaw(channel, feed, names.feed);
    return feed;
  } catch (err) {
    if (err instanceof AskRssParser) return undefined;
    throw err;
  }
}
