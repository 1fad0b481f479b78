// Repairs a feed's XML before the strict parser sees it, for the mistakes real feeds make: junk, comments
// and a broken XML declaration before the root; control characters XML forbids; bare `&` and HTML entity
// names; a DOCTYPE (whose internal entities are expanded first); unquoted attribute values; an undeclared
// `rss:` prefix on every element. Only markup and text outside CDATA sections and comments is touched.
import { decodeHTMLStrict } from 'entities';
import { ParseError } from './errors.js';

export interface CleanXml {
  /** The document from its root element to the root's end tag. */
  xml: string;
  /** The root element's name as written (`rss`, `rdf:RDF`, `feed`, `html`, ...); undefined when there is none. */
  root: string | undefined;
  /** The root start tag's attributes, as written. */
  rootAttributes: string;
  warnings: string[];
}

// Characters XML 1.0 forbids (section 2.2), and halves of surrogate pairs standing alone.
const ILLEGAL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// What ILLEGAL could match at all, without its look-arounds: a cheap test that spares most documents the replace.
const MAYBE_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
// A "&" that is not one of XML's five entities: only these can need fixing (numeric references are checked).
const AMPERSAND = /&(?!(?:amp|lt|gt|quot|apos);)(?:(#\d+|#x[\da-fA-F]+|[A-Za-z_][\w.-]*);)?/g;
// A start tag (to its first ">") unless its name is followed by nothing but attributes with quoted values:
// the only ones quoteAttributes may change. The quoted attributes are matched in a lookahead and taken by a
// backreference, which backtracking cannot undo, so a tag is passed over only when all of them are quoted.
const NEEDS_QUOTES =
  /<[A-Za-z_][^<>\s/]*(?![^<>\s/])(?=((?:\s+[^\s="'<>/]+\s*=\s*(?:"[^"<>]*"|'[^'<>]*'))*))\1(?!\s*\/?>)[^<>]*>/g;
// Whether the two passes below can change anything at all, asked of the whole document at once. A match
// inside a part between protected sections is a match in the whole too (a part ends before a "<", which
// neither pattern looks past), so no match in the whole means every part stays as it is.
const MAY_FIX_ENTITY = /&(?!(?:amp|lt|gt|quot|apos);)/;
const MAY_NEED_QUOTES = new RegExp(NEEDS_QUOTES.source);
const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
// The most characters a DOCTYPE's internal entities may add to a document, in all. A 1 MB entity used 600
// times passed V8's string limit and threw a RangeError out of the parser; a real feed adds a few bytes.
export const MAX_ENTITY_EXPANSION = 1 << 20;
// CDATA sections, comments and processing instructions: left as they are (an unterminated one runs to the end).
const PROTECTED = /<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<!--[\s\S]*?(?:-->|$)|<\?[\s\S]*?(?:\?>|$)/g;

export function cleanXml(input: string): CleanXml {
  const warnings: string[] = [];
  let illegal = 0;
  const text = !MAYBE_ILLEGAL.test(input)
    ? input
    : input.replace(ILLEGAL, () => {
        illegal++;
        return '';
      });
  if (illegal) warnings.push(`parse: dropped ${illegal} character(s) that XML does not allow`);

  const prolog = readProlog(text);
  if (prolog.junk) warnings.push(`parse: dropped ${prolog.junk} character(s) of junk before the root element`);
  const start = /^<([A-Za-z_][\w:.-]*)((?:"[^"]*"|'[^']*'|[^'">])*)>/.exec(text.slice(prolog.rootAt));
  if (!start) return { xml: '', root: undefined, rootAttributes: '', warnings };
  const root = start[1]!;

  let xml = text.slice(prolog.rootAt);
  let end = xml.lastIndexOf(`</${root}`);
  while (end > 0 && !/[\s>]/.test(xml[end + root.length + 2] ?? '>')) end = xml.lastIndexOf(`</${root}`, end - 1);
  if (end > 0) {
    const close = xml.indexOf('>', end);
    if (close > 0) {
      const rest = xml
        .slice(close + 1)
        .replace(/<!--[\s\S]*?-->/g, '')
        .trim();
      if (rest) warnings.push(`parse: dropped ${rest.length} character(s) after the root element`);
      xml = xml.slice(0, close + 1);
    }
  }

  const undeclaredRss = /<rss:/.test(xml) && !/xmlns:rss\s*=/.test(xml);
  if (undeclaredRss) warnings.push('parse: removed the undeclared rss: prefix from element names');
  const fixed = { entities: 0, ampersands: 0, expanded: 0 };
  const mayFixEntities = MAY_FIX_ENTITY.test(xml);
  const mayNeedQuotes = MAY_NEED_QUOTES.test(xml);
  if (undeclaredRss || mayFixEntities || mayNeedQuotes)
    xml = mapOutsideProtected(xml, (part) => {
      let s = mayFixEntities ? fixEntities(part, prolog.entities, fixed) : part;
      // An expanded DOCTYPE entity may bring a tag of its own: a part fixEntities changed is asked again.
      if (mayNeedQuotes || s !== part) s = s.replace(NEEDS_QUOTES, quoteAttributes);
      if (undeclaredRss) s = s.replace(/(<\/?)rss:/g, '$1').replace(/(\s)rss:([\w.-]+\s*=)/g, '$1$2');
      return s;
    });
  if (fixed.ampersands) warnings.push(`parse: escaped ${fixed.ampersands} bare '&'`);
  if (fixed.entities) warnings.push(`parse: replaced ${fixed.entities} entity reference(s) XML does not define`);
  return { xml, root, rootAttributes: start[2] ?? '', warnings };
}

interface Prolog {
  rootAt: number;
  junk: number;
  entities: Map<string, string>;
}

/** Walk past whitespace, comments, processing instructions (the XML declaration too) and a DOCTYPE. */
function readProlog(text: string): Prolog {
  const entities = new Map<string, string>();
  let junk = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) i++;
    else if (text.startsWith('<!--', i)) i = after(text, '-->', i + 4);
    else if (text.startsWith('<?', i)) i = after(text, '?>', i + 2);
    else if (/^<!doctype/i.test(text.slice(i, i + 9))) {
      const subsetOpen = text.indexOf('[', i);
      const firstClose = text.indexOf('>', i);
      let close = firstClose;
      if (subsetOpen >= 0 && (firstClose < 0 || subsetOpen < firstClose)) {
        const subsetClose = text.indexOf(']', subsetOpen);
        for (const m of text
          .slice(subsetOpen, subsetClose < 0 ? undefined : subsetClose)
          .matchAll(/<!ENTITY\s+([\w.-]+)\s+(?:"([^"]*)"|'([^']*)')\s*>/g)) {
          entities.set(m[1]!, m[2] ?? m[3] ?? '');
        }
        close = subsetClose < 0 ? -1 : text.indexOf('>', subsetClose);
      }
      i = close < 0 ? text.length : close + 1;
    } else if (c === '<' && /[A-Za-z_]/.test(text[i + 1] ?? '')) break;
    else {
      const next = text.indexOf('<', i + 1);
      const stop = next < 0 ? text.length : next;
      junk += stop - i;
      i = stop;
    }
  }
  return { rootAt: i, junk, entities };
}

function after(text: string, token: string, from: number): number {
  const at = text.indexOf(token, from);
  return at < 0 ? text.length : at + token.length;
}

/** Apply `fn` to the markup and text between CDATA sections, comments and processing instructions. */
export function mapOutsideProtected(xml: string, fn: (part: string) => string): string {
  const out: string[] = [];
  let at = 0;
  for (const m of xml.matchAll(PROTECTED)) {
    out.push(fn(xml.slice(at, m.index)), m[0]);
    at = m.index + m[0].length;
  }
  out.push(fn(xml.slice(at)));
  return out.join('');
}

function fixEntities(
  s: string,
  declared: Map<string, string>,
  count: { entities: number; ampersands: number; expanded: number },
): string {
  if (!s.includes('&')) return s;
  return s.replace(AMPERSAND, (whole, ref: string | undefined) => {
    if (ref === undefined) {
      count.ampersands++;
      return '&amp;';
    }
    if (ref.startsWith('#')) {
      const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      const legal =
        cp === 0x9 ||
        cp === 0xa ||
        cp === 0xd ||
        (cp >= 0x20 && cp <= 0xd7ff) ||
        (cp >= 0xe000 && cp <= 0xfffd) ||
        (cp >= 0x10000 && cp <= 0x10ffff);
      if (legal) return whole;
      count.entities++;
      return '';
    }
    if (XML_ENTITIES.has(ref)) return whole;
    count.entities++;
    const value = declared.get(ref);
    if (value !== undefined) {
      count.expanded += value.length;
      if (count.expanded > MAX_ENTITY_EXPANSION) {
        throw new ParseError(
          'parse-error',
          `the DOCTYPE's entities expand to more than ${MAX_ENTITY_EXPANSION} characters (an entity expansion bomb)`,
        );
      }
      return fixEntities(value, new Map(), count);
    }
    const html = htmlEntity(ref);
    // An unknown name stays visible as written, as a browser would show it.
    return html === undefined ? `&amp;${ref};` : [...html].map((ch) => `&#${ch.codePointAt(0)};`).join('');
  });
}

/**
 * The text of an HTML named character reference (`nbsp`, `mdash`, ...), as HTML5 defines it. A trie walk in
 * the `entities` package, with no parser and no cache: a feed of 900,000 made-up names took 27 s and 771 MB
 * when each went through cheerio and was remembered.
 */
function htmlEntity(name: string): string | undefined {
  const ref = `&${name};`;
  const text = decodeHTMLStrict(ref);
  return text === ref ? undefined : text;
}

/** A start tag with every attribute value quoted (`version=2.0` -> `version="2.0"`, `nowrap` -> `nowrap=""`). */
function quoteAttributes(tag: string): string {
  const m = /^<([^\s/>]+)([\s\S]*?)(\/?)>$/.exec(tag);
  if (!m || !/\S/.test(m[2]!)) return tag;
  const attr = /\s*([^\s=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"']+))?\s*/y;
  let out = `<${m[1]}`;
  let changed = false;
  const rest = m[2]!;
  attr.lastIndex = 0;
  while (attr.lastIndex < rest.length) {
    const a = attr.exec(rest);
    if (!a) return tag;
    const value = a[2];
    if (value === undefined || !/^["']/.test(value)) changed = true;
    out += ` ${a[1]}=${value === undefined ? '""' : /^["']/.test(value) ? value : `"${value.replace(/"/g, '&quot;')}"`}`;
  }
  return changed ? `${out}${m[3]}>` : tag;
}

/**
 * A document cut short (a server error mid-stream, a size cap) or broken at `offset`: everything up to the
 * last complete item or entry before that point, with the elements still open closed. Undefined when no
 * complete item or entry precedes it.
 */
export function salvageEntries(xml: string, offset: number): string | undefined {
  const head = xml.slice(0, offset);
  let end = -1;
  for (const m of head.matchAll(/<\/(?:[\w.-]+:)?(?:item|entry)\s*>/g)) end = m.index + m[0].length;
  if (end < 0) return undefined;
  const kept = xml.slice(0, end);
  const open: string[] = [];
  const tokens =
    /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([A-Za-z_][\w:.-]*)(?:"[^"]*"|'[^']*'|[^'">])*?(\/?)>/g;
  for (const t of kept.matchAll(tokens)) {
    const name = t[2];
    if (!name || t[3]) continue;
    if (!t[1]) open.push(name);
    else {
      const at = open.lastIndexOf(name);
      if (at >= 0) open.length = at;
    }
  }
  return (
    kept +
    open
      .reverse()
      .map((name) => `</${name}>`)
      .join('')
  );
}
