// The text of simple HTML without building a DOM: what cheerio's text() gives for the same fragment, or
// undefined when the fragment holds anything whose text a browser's tree builder might move, drop or read
// raw. Feed fields are mostly such fragments (<p>, <a>, <b>, <img>, <br>), and parsing each into a DOM
// was most of the cost of reading a feed.
//
// Why the result is the same: in parse5's fragment parsing (cheerio's, in a <template> context) the text of
// the elements below is kept whole and in order; only the tree around it differs (implied </p>, the
// adoption agency re-nesting misnested <b>/<a>). What can move or change text is left to cheerio: tables
// (foster parenting), <select>, raw-text and RCDATA elements (<script>, <title>, <textarea>, ...),
// <pre>/<listing> (a leading newline is dropped), foreign content (<svg>, <math>), comments, doctypes,
// markup the tokenizer would read in an unusual way (unquoted values with quotes in them, attributes not
// separated by spaces, end tags with attributes), and NUL characters. A test compares the two on the corpus.
import { decodeHTML } from 'entities';

// Elements whose content is ordinary flow text in the "in body" insertion mode. Lower case.
const SIMPLE = new Set([
  'a',
  'abbr',
  'address',
  'article',
  'aside',
  'b',
  'bdi',
  'bdo',
  'big',
  'blockquote',
  'br',
  'center',
  'cite',
  'code',
  'data',
  'dd',
  'del',
  'details',
  'dfn',
  'div',
  'dl',
  'dt',
  'em',
  'figcaption',
  'figure',
  'font',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'i',
  'img',
  'ins',
  'kbd',
  'li',
  'main',
  'mark',
  'nav',
  'ol',
  'p',
  'picture',
  'q',
  's',
  'samp',
  'section',
  'small',
  'source',
  'span',
  'strike',
  'strong',
  'sub',
  'summary',
  'sup',
  'time',
  'tt',
  'u',
  'ul',
  'var',
  'wbr',
]);

// A start tag whose attributes the tokenizer reads the plain way: names without quotes or "<", values
// quoted or plain, separated by whitespace; then an optional "/". Sticky, tried where a "<" is.
// HTML's whitespace is [\t\n\f\r ] only: "<p\u00A0class=x>" is one long tag name, not <p> with an attribute.
const START_TAG =
  /<([A-Za-z][A-Za-z\d]*)(?:[\t\n\f\r ]+[^\t\n\f\r "'<>/=]+(?:[\t\n\f\r ]*=[\t\n\f\r ]*(?:"[^"]*"|'[^']*'|[^\t\n\f\r "'=<>`]+))?)*[\t\n\f\r ]*\/?>/y;
const END_TAG = /<\/([A-Za-z][A-Za-z\d]*)[\t\n\f\r ]*>/y;

/** The concatenated text of `html` as cheerio's text() reads it, or undefined when it is not simple HTML. */
export function simpleHtmlText(html: string): string | undefined {
  if (html.includes('\u0000')) return undefined;
  let out = '';
  let from = 0; // start of the pending text run
  let at = html.indexOf('<');
  while (at >= 0) {
    const next = html.charCodeAt(at + 1);
    const isLetter = (next >= 0x61 && next <= 0x7a) || (next >= 0x41 && next <= 0x5a);
    // "<" followed by anything but a letter, "/", "!" or "?" (or by nothing) is text.
    if (!isLetter && next !== 0x2f && next !== 0x21 && next !== 0x3f) {
      at = html.indexOf('<', at + 1);
      continue;
    }
    const tag = isLetter ? START_TAG : END_TAG;
    tag.lastIndex = at;
    const m = next === 0x21 || next === 0x3f ? null : tag.exec(html);
    if (!m || !SIMPLE.has(m[1]!.toLowerCase())) return undefined;
    out += run(html, from, at);
    from = tag.lastIndex;
    at = html.indexOf('<', from);
  }
  return out + run(html, from, html.length);
}

/**
 * A text run as the tokenizer hands it on: line ends normalised to LF first (CR LF and CR alone), then
 * character references decoded as in text content (legacy names without ";" too).
 */
function run(html: string, from: number, to: number): string {
  let s = html.slice(from, to);
  if (s.includes('\r')) s = s.replace(/\r\n?/g, '\n');
  return s.includes('&') ? decodeHTML(s) : s;
}
