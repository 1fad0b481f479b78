// Flattens HTML nested deeper than a browser would build it, before cheerio sees it. The HTML tree builder
// (parse5, under cheerio) looks through the stack of open elements for every start tag ("is a <p> in button
// scope?"), so 100,000 nested <div>s took 67 s to parse; cheerio's text() and clone() recurse, so 10,000
// threw "Maximum call stack size exceeded". Chrome caps the tree at 512 levels for the same reason. Past
// MAX_DEPTH a start tag and its end tag are dropped (their text stays), so parsing is linear in the length.
// The scan knows what it needs of HTML: void elements, raw-text elements, comments, quoted attribute
// values, and the implied end of <p>, <li> and the like when a sibling starts.

/** How deep elements may nest; deeper tags are dropped and their text kept. */
export const MAX_DEPTH = 256;

const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript']);
// A start tag of one of these closes an open one of the same name on top: <li>a<li>b is two siblings.
const SIBLINGS = new Set(['p', 'li', 'dt', 'dd', 'option', 'tr', 'td', 'th']);
// An end tag is looked for this far down the dropped elements; further down it is a stray and is dropped.
const STRAY_SEARCH = 16;

const rawEnds = new Map<string, RegExp>();
function rawEnd(name: string): RegExp {
  let re = rawEnds.get(name);
  if (!re) rawEnds.set(name, (re = new RegExp(`</${name}[\\s/>]`, 'gi')));
  return re;
}

/** Index just past the ">" ending the tag whose name ends at `from`; a quoted ">" does not end it. */
function tagEnd(html: string, from: number): number {
  let quote = 0;
  let afterEquals = false;
  for (let i = from; i < html.length; i++) {
    const c = html.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x3e) return i + 1;
    else if ((c === 0x22 || c === 0x27) && afterEquals) quote = c;
    else if (c === 0x3d) {
      afterEquals = true;
      continue;
    } else if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    afterEquals = false;
  }
  return html.length; // the tag runs to the end, as in a browser
}

/** Whether the text holds more than `max` "<". */
function hasMoreTags(html: string, max: number): boolean {
  let at = -1;
  for (let n = 0; n <= max; n++) {
    at = html.indexOf('<', at + 1);
    if (at < 0) return false;
  }
  return true;
}

/** `html` with the elements nested deeper than `maxDepth` unwrapped; `dropped` counts the tags removed. */
export function capDepth(html: string, maxDepth = MAX_DEPTH): { html: string; dropped: number } {
  if (!hasMoreTags(html, maxDepth)) return { html, dropped: 0 };
  const open: string[] = []; // at most maxDepth
  const excess: string[] = []; // start tags dropped and not yet closed
  const out: string[] = [];
  let dropped = 0;
  let copied = 0;
  let i = 0;
  const n = html.length;
  const drop = (from: number, to: number): void => {
    out.push(html.slice(copied, from), ' ');
    copied = to;
    dropped++;
  };
  for (;;) {
    const lt = html.indexOf('<', i);
    if (lt < 0 || lt + 1 >= n) break;
    const next = html[lt + 1]!;
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      i = close < 0 ? n : close + 3;
      continue;
    }
    if (next === '!' || next === '?') {
      i = tagEnd(html, lt + 2);
      continue;
    }
    const isEnd = next === '/';
    const m = /^[A-Za-z][^\s/>]*/.exec(html.slice(isEnd ? lt + 2 : lt + 1, (isEnd ? lt + 2 : lt + 1) + 64));
    if (!m) {
      i = lt + 1; // a "<" that starts no tag is text
      continue;
    }
    const name = m[0].toLowerCase();
    const end = tagEnd(html, (isEnd ? lt + 2 : lt + 1) + m[0].length);
    i = end;
    if (isEnd) {
      let inExcess = -1;
      for (let k = excess.length - 1; k >= 0 && k >= excess.length - STRAY_SEARCH; k--) {
        if (excess[k] === name) {
          inExcess = k;
          break;
        }
      }
      if (inExcess >= 0) {
        excess.length = inExcess;
        drop(lt, end);
      } else if (excess.length > 0 && !open.includes(name)) {
        drop(lt, end); // a stray end tag among dropped elements
      } else {
        const at = open.lastIndexOf(name);
        if (at >= 0) {
          open.length = at;
          excess.length = 0;
        }
      }
      continue;
    }
    const selfClosing = html.charCodeAt(end - 2) === 0x2f;
    if (!VOID.has(name) && !selfClosing) {
      if (SIBLINGS.has(name) && excess.length === 0 && open.at(-1) === name) open.pop();
      // A raw-text element is kept even past the cap (it holds no elements): its text is not the story.
      if ((excess.length > 0 || open.length >= maxDepth) && !RAW_TEXT.has(name)) {
        if (SIBLINGS.has(name) && excess.at(-1) === name) excess.pop();
        excess.push(name);
        drop(lt, end);
      } else {
        open.push(name);
      }
    }
    if (RAW_TEXT.has(name) && !selfClosing) {
      const close = rawEnd(name);
      close.lastIndex = end;
      const found = close.exec(html);
      i = found ? found.index : n; // its text is not markup; the end tag is read as any other
    }
  }
  if (dropped === 0) return { html, dropped };
  out.push(html.slice(copied));
  return { html: out.join(''), dropped };
}
