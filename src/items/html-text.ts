// The readable text of a feed field that may hold HTML: what a reader sees, as one string the rule engine,
// the digest and the fingerprint can all use.
//
// This runs on every field of every item, so it is a single forward scan rather than a DOM: feed HTML is
// small fragments, and all we need is where the text is and where the lines break. What it does:
// - tags go; block boundaries (<p>, <br>, <li>, headings, ...) become one line break, table cells a space,
//   inline tags nothing (so "<b>Kyi</b>v" stays one word);
// - the content of script, style and the like goes with the tag (it is code or fallback text, not the story);
// - comments, doctypes, processing instructions and CDATA markers go (feeds that wrap CDATA twice leave
//   "<![CDATA[" and "]]>" in the text);
// - character references are decoded once (see entities.ts);
// - whitespace runs become one space, line-break runs one "\n"; soft hyphens, zero-width spaces, BOMs
//   and control characters go, since they would split or glue words for the rule engine.
// A "<" that does not start a tag ("a < b", "<3") is text, and a tag that never closes is text too.
// A field escaped twice ("&lt;p&gt;Talks&lt;/p&gt;", which some CMSs send) decodes to markup; when a field
// had no tags and decoding yields common HTML tags, it is read once more as HTML, so the analyst does not
// get "<p>" in an alert. Entities are otherwise decoded once ("&amp;amp;" is the text "&amp;").
// Text without markup keeps its line breaks; text with markup takes its breaks from the markup, as a browser.
import { decodeEntities } from './entities.js';

// Their boundaries break the line.
const BLOCK = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'br',
  'caption',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'tfoot',
  'thead',
  'tr',
  'ul',
]);
// Their boundaries separate words without breaking the line.
const SPACED = new Set(['td', 'th', 'img', 'input', 'button', 'label', 'option', 'wbr']);
// Their content is not text: code, styles, embedded media fallbacks ("Your browser does not support video").
const DROPPED = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'math',
  'iframe',
  'object',
  'canvas',
  'audio',
  'video',
  'head',
  'select',
  'textarea',
]);
// Raw-text elements: a browser drops everything after an unclosed <script> or <style>. The others, when
// unclosed, lose only the tag, so that one stray <video> cannot swallow the story.
const RAW_TEXT = new Set(['script', 'style']);

const closing = new Map<string, RegExp>([...DROPPED].map((name) => [name, new RegExp(`</${name}[\\s/>]`, 'gi')]));

// U+0000 never survives the first cleanup, so it marks the line breaks the markup asked for.
const BREAK = '\u0000';
const CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F]/g;
const CONTROL_BUT_BREAK = /[\u0001-\u0008\u000E-\u001F\u007F]/g;
const INVISIBLE = /[\u00AD\u200B\u2060\uFEFF]/g;
const HAS_CONTROL_OR_INVISIBLE = /[\u0000-\u0008\u000E-\u001F\u007F\u00AD\u200B\u2060\uFEFF]/;
const CDATA_MARKER = /<!\[CDATA\[|\]\]>/g;
const NEEDS_WORK = /[<&\u0000-\u0008\u000E-\u001F\u007F\u00AD\u200B\u2060\uFEFF]|\]\]>/;
const NEEDS_SPACING = /[^\S ]| {2}|^ | $/;
const ESCAPED_MARKUP =
  /<\/?(?:p|br|div|span|a|b|i|em|strong|img|li|ul|ol|h[1-6]|blockquote|figure|table)(?:\s[^<>]*)?\/?>/i;

const isAsciiLetter = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);

function isNameChar(c: number): boolean {
  return isAsciiLetter(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x3a || c === 0x5f;
}

/**
 * Index just past the ">" that ends the tag starting at `from`, or -1 when no ">" follows at all. A quoted
 * ">" in a value is not the end, but a quote that never closes does not swallow the rest of the text.
 */
function tagEnd(html: string, from: number): number {
  let quote = 0;
  let afterEquals = false;
  for (let i = from; i < html.length; i++) {
    const c = html.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x3e) {
      return i + 1;
    } else if ((c === 0x22 || c === 0x27) && afterEquals) {
      quote = c;
    } else if (c === 0x3d) {
      afterEquals = true;
      continue;
    } else if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      continue;
    }
    afterEquals = false;
  }
  const gt = html.indexOf('>', from);
  return gt < 0 ? -1 : gt + 1;
}

interface Stripped {
  text: string;
  sawTag: boolean;
}

/**
 * Remove the markup, leaving text, BREAK where a line breaks, and spaces where words separate. Linear in the
 * length even for hostile input: once no ">" is left, nothing after can be a tag, and an element found
 * unclosed once is not searched for again.
 */
function stripTags(html: string): Stripped {
  let out = '';
  let textFrom = 0;
  let i = 0;
  let sawTag = false;
  const n = html.length;
  const unclosed = new Set<string>();
  const lastGt = html.lastIndexOf('>');
  for (;;) {
    const lt = html.indexOf('<', i);
    if (lt < 0 || lt + 1 >= n) break;
    const next = html.charCodeAt(lt + 1);
    let end = -1;
    let sep = '';
    if (next === 0x21 /* ! */) {
      // A comment runs to "-->" (or to the end, as in a browser); a doctype or bogus comment to ">".
      if (html.startsWith('<!--', lt)) {
        const close = html.indexOf('-->', lt + 4);
        end = close < 0 ? n : close + 3;
      } else {
        end = tagEnd(html, lt + 2);
      }
    } else if (next === 0x3f /* ? */) {
      end = tagEnd(html, lt + 2);
    } else {
      const isEnd = next === 0x2f; /* / */
      const nameFrom = isEnd ? lt + 2 : lt + 1;
      if (nameFrom < n && isAsciiLetter(html.charCodeAt(nameFrom))) {
        let nameTo = nameFrom + 1;
        while (nameTo < n && isNameChar(html.charCodeAt(nameTo))) nameTo++;
        const name = html.slice(nameFrom, nameTo).toLowerCase();
        end = tagEnd(html, nameTo);
        if (end > 0) {
          sep = BLOCK.has(name) ? BREAK : SPACED.has(name) ? ' ' : '';
          if (!isEnd && DROPPED.has(name) && html.charCodeAt(end - 2) !== 0x2f) {
            const close = closing.get(name)!;
            close.lastIndex = end;
            if (!unclosed.has(name) && close.exec(html)) {
              const closeEnd = tagEnd(html, close.lastIndex - 1);
              end = closeEnd < 0 ? n : closeEnd;
            } else {
              unclosed.add(name);
              if (RAW_TEXT.has(name)) end = n;
            }
            sep = ' ';
          }
        }
      }
    }
    if (end < 0) {
      if (lt > lastGt) break; // no tag can end any more: the rest is text
      i = lt + 1; // not markup: the "<" is text
      continue;
    }
    sawTag = true;
    out += html.slice(textFrom, lt) + sep;
    textFrom = i = end;
  }
  return { text: sawTag ? out + html.slice(textFrom) : html, sawTag };
}

/** Collapse whitespace: runs of spaces to one, runs of line breaks (with the spaces around them) to one. */
function tidySpacing(text: string, fromMarkup: boolean): string {
  if (fromMarkup) {
    // Source line breaks inside markup are spaces; only the markup's own breaks (BREAK) are kept.
    return text.replace(/\s+/g, ' ').replace(/ ?\u0000[\u0000 ]*/g, '\n');
  }
  if (!NEEDS_SPACING.test(text)) return text;
  return text
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n\s*/g, '\n')
    .trim();
}

/** The readable text of an HTML fragment (or of plain text, which passes through). Never throws. */
export function htmlToText(html: string): string {
  return toText(html, true);
}

function toText(html: string, mayBeEscaped: boolean): string {
  if (!NEEDS_WORK.test(html)) return tidySpacing(html, false);
  let s = HAS_CONTROL_OR_INVISIBLE.test(html) ? html.replace(CONTROL, '').replace(INVISIBLE, '') : html;
  if (s.includes('<![CDATA[') || s.includes(']]>')) s = s.replace(CDATA_MARKER, '');
  const { text, sawTag } = s.includes('<') ? stripTags(s) : { text: s, sawTag: false };
  s = text;
  if (s.includes('&')) {
    s = decodeEntities(s);
    if (HAS_CONTROL_OR_INVISIBLE.test(s)) s = s.replace(CONTROL_BUT_BREAK, '').replace(INVISIBLE, '');
    if (mayBeEscaped && !sawTag && ESCAPED_MARKUP.test(s)) return toText(s, false);
    // A CDATA section escaped inside an escaped field decodes to its markers: still not the story.
    if (s.includes('<![CDATA[') || s.includes(']]>')) s = s.replace(CDATA_MARKER, '');
  }
  return tidySpacing(s, sawTag).trim();
}
