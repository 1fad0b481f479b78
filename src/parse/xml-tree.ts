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

// Names sax accepts, ASCII only here; `_` alone would collide with xml2js's text key.
const NAME = /^(?!_$)[A-Za-z_:][\w:.-]*$/;
const BLANK = /^\s*$/;
const CLOSE_END = /\s*>/y;
const ATTR_EQ = /^\s*=\s*["']$/;
const ENTITY = /&(?:(amp|lt|gt|quot|apos)|#(\d+)|#x([\da-fA-F]+));/g;
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
  if (!raw.includes('&')) return raw;
  let refs = 0;
  const text = raw.replace(ENTITY, (_whole, named: string | undefined, dec: string | undefined, hex: string) => {
    refs++;
    if (named) return XML_ENTITY[named]!;
    const digits = (dec ?? hex).replace(/^0+/, '');
    const cp = parseInt(digits, dec === undefined ? 16 : 10);
    // sax refuses a reference whose digits do not read back as the number (past 2^53, say)
    if (!isXmlChar(cp) || cp.toString(dec === undefined ? 16 : 10) !== digits.toLowerCase()) throw new Malformed();
    return String.fromCodePoint(cp);
  });
  if (raw.split('&').length - 1 !== refs) throw new Malformed();
  return text;
}

function blank(s: string, from: number, to: number): boolean {
  return from <= to && BLANK.test(s.slice(from, to));
}

type Element = Record<string, unknown> & { _: string };

/**
 * The document's root element as xml2js returns it (`{ [rootName]: node }`), or undefined when strict sax
 * would reject the document before its root element closes. What follows the root's end tag is not read:
 * xml2js hands its result over at that point.
 */
export function readXml(xml: string): Record<string, XmlNode> | undefined {
  const stack: Element[] = [];
  let result: Record<string, XmlNode> | undefined;
  let at = 0; // where the next token must start: nothing may be skipped over unread
  let attrs: Record<string, string> | undefined;
  let attrName: string | undefined;
  let attrValue: string | undefined;
  let tag = '';

  const text = (value: string) => {
    const top = stack[stack.length - 1];
    if (top) top._ += value;
    return top;
  };
  const open = (name: string) => {
    const obj = Object.create(null) as Element;
    obj._ = '';
    if (attrs) obj.$ = attrs;
    obj['#name'] = name;
    attrs = undefined;
    stack.push(obj);
  };
  const close = (name: string) => {
    const obj = stack.pop();
    if (!obj || obj['#name'] !== name) throw new Malformed();
    delete obj['#name'];
    let cdata = false;
    if (obj.cdata === true) {
      cdata = true;
      delete obj.cdata;
    }
    const parent = stack[stack.length - 1];
    // xml2js's onclosetag, option for option (trim, normalize, explicitCharkey off; emptyTag '')
    let node: XmlNode = obj;
    let emptyStr = '';
    if (/^\s*$/.test(obj._) && !cdata) {
      emptyStr = obj._;
      delete (obj as Partial<Element>)._;
    } else if (Object.keys(obj).length === 1) {
      node = obj._;
    }
    if (typeof node === 'object' && Object.keys(node).length === 0) node = emptyStr;
    if (parent) {
      const prev = parent[name];
      if (!(name in parent)) parent[name] = [node];
      else if (Array.isArray(prev)) prev.push(node);
      else parent[name] = [prev, node];
    } else {
      const root = Object.create(null) as Record<string, XmlNode>;
      root[name] = node;
      result = root;
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
        if (attrValue !== undefined || !ATTR_EQ.test(xml.slice(at, start))) throw new Malformed();
        attrValue = decode(xml.slice(start, end));
        at = end;
      },
      onattribend(quote, end) {
        if (result) return;
        const name = attrName;
        if ((quote !== QuoteType.Double && quote !== QuoteType.Single) || attrValue === undefined || !name)
          throw new Malformed();
        // sax keeps the first of two attributes of the same name; xml2js would not see the second
        attrs ??= Object.create(null) as Record<string, string>;
        if (name in attrs) throw new Malformed();
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
