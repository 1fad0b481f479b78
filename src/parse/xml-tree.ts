// A repaired feed document read into the very nodes xml2js (strict sax, rss-parser's settings) would build,
// tokenized by htmlparser2, several times faster. htmlparser2 forgives what sax rejects, so every token is
// checked against what strict sax accepts (tags balanced, quoted attributes, entities, comments); on the
// first thing sax would reject we return undefined and the caller reads the document the old way, which
// keeps its error messages and its salvage of the entries before the error.
import { QuoteType, Tokenizer } from 'htmlparser2';

/** An element as xml2js gives it: text in `_`, attributes in `$`, children in arrays; or a plain string. */
export type XmlNode = string | Record<string, unknown>;

/** Thrown inside the tokenizer's callbacks to stop at the first thing strict sax would reject. */
class Malformed extends Error {}

// Names sax accepts, ASCII only here; not `_` nor `cdata` (xml2js's text key and its CDATA mark, which a
// child of that name would collide with), nor `__proto__`.
const NAME = /^(?!(?:_|cdata|__proto__)$)[A-Za-z_:][\w:.-]*$/;
const BLANK = /^\s*$/;
const CLOSE_END = /\s*>/y;
const ATTR_EQ = /^\s*=\s*["']$/;
const REFERENCE = /&(?:(amp|lt|gt|quot|apos)|#(\d+)|#x([\da-fA-F]+));/y;
const XML_ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML 1.0's Char production: what sax accepts from a character reference. */
function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** Text or an attribute value with its references decoded as sax decodes them; throws on any other `&`. */
function decode(raw: string): string {
  let amp = raw.indexOf('&');
  if (amp < 0) return raw;
  let out = '';
  let last = 0;
  while (amp >= 0) {
    REFERENCE.lastIndex = amp;
    const m = REFERENCE.exec(raw);
    if (!m) throw new Malformed();
    out += raw.slice(last, amp) + character(m[1], m[2], m[3]);
    last = REFERENCE.lastIndex;
    amp = raw.indexOf('&', last);
  }
  return out + raw.slice(last);
}

function character(named: string | undefined, dec: string | undefined, hex: string | undefined): string {
  if (named) return XML_ENTITY[named]!;
  const radix = dec === undefined ? 16 : 10;
  const digits = (dec ?? hex!).replace(/^0+/, '');
  const cp = parseInt(digits, radix);
  // sax refuses a reference whose digits do not read back as the number (past 2^53, say)
  if (!isXmlChar(cp) || cp.toString(radix) !== digits.toLowerCase()) throw new Malformed();
  return String.fromCodePoint(cp);
}

/** Whether s[from, to) is whitespace only (an empty range is). */
function blank(s: string, from: number, to: number): boolean {
  if (from > to) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) return false; // XML's whitespace only
  }
  return true;
}

/** An element being read: its node (attributes and children so far), its text, and what xml2js notes of it. */
interface Open {
  name: string;
  node: Record<string, unknown>;
  text: string;
  cdata: boolean;
  /** Whether the node holds attributes or children: xml2js keeps a node with keys, else just its text. */
  keyed: boolean;
}

/**
 * The document's root element as xml2js returns it (`{ [rootName]: node }`), or undefined when strict sax
 * would reject the document before its root element closes. What follows the root's end tag is not read:
 * xml2js hands its result over at that point. Nodes are plain objects (xml2js makes them without a
 * prototype, which V8 keeps as slow dictionaries): the names that would reach Object.prototype are refused.
 */
export function readXml(xml: string): Record<string, XmlNode> | undefined {
  const stack: Open[] = [];
  let result: Record<string, XmlNode> | undefined;
  let at = 0; // where the next token must start: nothing may be skipped over unread
  let attrs: Record<string, string> | undefined;
  let attrName: string | undefined;
  let attrValue: string | undefined;
  let tag = '';

  const text = (value: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += value;
    return top;
  };
  const open = (name: string) => {
    stack.push({ name, node: attrs ? { $: attrs } : {}, text: '', cdata: false, keyed: attrs !== undefined });
    attrs = undefined;
  };
  // xml2js's onclosetag, option for option (trim, normalize, explicitCharkey off; emptyTag '')
  const close = (name: string) => {
    const el = stack.pop();
    if (!el || el.name !== name) throw new Malformed();
    let node: XmlNode = el.text;
    if (el.keyed) {
      node = el.node;
      if (el.cdata || !/^\s*$/.test(el.text)) node._ = el.text;
    }
    const parent = stack[stack.length - 1];
    if (parent) {
      if (Object.hasOwn(parent.node, name)) (parent.node[name] as XmlNode[]).push(node);
      else parent.node[name] = [node];
      parent.keyed = true;
    } else {
      result = { [name]: node };
    }
  };

  const tokenizer = new Tokenizer(
    { xmlMode: true, decodeEntities: false },
    {
      ontext(start, end) {
        if (result) return;
        const raw = xml.slice(start, end);
        if (start !== at || raw.includes('<') || (!text(decode(raw)) && !BLANK.test(raw))) throw new Malformed();
        at = end;
      },
      oncdata(start, end, offset) {
        if (result) return;
        if (offset !== 2 || start !== at + 9 || !xml.startsWith('<![CDATA[', at)) throw new Malformed();
        const top = text(xml.slice(start, end - 2));
        if (!top) throw new Malformed();
        top.cdata = true;
        at = end + 1;
      },
      oncomment(start, end, offset) {
        if (result) return;
        const body = xml.slice(start, end - 2);
        if (offset !== 2 || start !== at + 4 || end - 2 < start || body.includes('--') || body.endsWith('-'))
          throw new Malformed();
        at = end + 1;
      },
      onprocessinginstruction(start, end) {
        if (result) return;
        if (start !== at + 2 || xml[end - 1] !== '?' || end - 1 <= start) throw new Malformed();
        at = end + 1;
      },
      ondeclaration() {
        if (!result) throw new Malformed();
      },
      onopentagname(start, end) {
        if (result) return;
        const name = xml.slice(start, end);
        if (start !== at + 1 || !NAME.test(name)) throw new Malformed();
        at = end;
        attrs = undefined;
        tag = name;
      },
      onattribname(start, end) {
        if (result) return;
        const name = xml.slice(start, end);
        if (start === at || !blank(xml, at, start) || !NAME.test(name)) throw new Malformed();
        attrName = name;
        attrValue = undefined;
        at = end;
      },
      onattribdata(start, end) {
        if (result) return;
        const eq = start === at + 2 && xml.charCodeAt(at) === 0x3d; // `="`, as nearly every attribute is written
        if (attrValue !== undefined || (!eq && !ATTR_EQ.test(xml.slice(at, start)))) throw new Malformed();
        attrValue = decode(xml.slice(start, end));
        at = end;
      },
      onattribend(quote, end) {
        if (result) return;
        const name = attrName;
        if ((quote !== QuoteType.Double && quote !== QuoteType.Single) || attrValue === undefined || !name)
          throw new Malformed();
        // sax keeps the first of two attributes of the same name; xml2js would not see the second
        attrs ??= {};
        if (Object.hasOwn(attrs, name)) throw new Malformed();
        attrs[name] = attrValue;
        attrName = attrValue = undefined;
        at = end;
      },
      onopentagend(end) {
        if (result) return;
        if (!blank(xml, at, end)) throw new Malformed();
        open(tag);
        at = end + 1;
      },
      onselfclosingtag(end) {
        if (result) return;
        if (xml[end - 1] !== '/' || !blank(xml, at, end - 1)) throw new Malformed();
        open(tag);
        close(tag);
        at = end + 1;
      },
      onclosetag(start, end) {
        if (result) return;
        if (start !== at + 2 || !xml.startsWith('</', at)) throw new Malformed();
        CLOSE_END.lastIndex = end;
        if (!CLOSE_END.test(xml)) throw new Malformed();
        close(xml.slice(start, end));
        at = CLOSE_END.lastIndex;
      },
      onattribentity() {
        throw new Malformed();
      },
      ontextentity() {
        throw new Malformed();
      },
      onend() {
        if (!result) throw new Malformed();
      },
    },
  );
  try {
    tokenizer.write(xml);
    tokenizer.end();
  } catch (err) {
    if (err instanceof Malformed) return undefined;
    throw err;
  }
  return result;
}
