// Character references in feed text: named (&amp;), decimal (&#1050;) and hex (&#x41A;), decoded once.
// Decoding once is deliberate: "&amp;lt;" is the text "&lt;", which is what the publisher wrote; a second
// pass would corrupt every article that quotes markup or an entity.
//
// The references feeds use every day are in a small table. The rest of the ~2,200 HTML names (&Kcy;, &yicy;,
// &NotNestedGreaterGreater;) are looked up in the WHATWG table of the `entities` package (the one cheerio's
// parsers use): a walk of a compiled trie, with no parser and no cache, so a text stuffed with made-up
// "&names;" costs time linear in its length and no memory beyond the result.
// https://html.spec.whatwg.org/multipage/named-characters.html
import { decodeHTMLStrict } from 'entities';

const COMMON = new Map<string, string>([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
  ['nbsp', '\u00A0'],
  ['ndash', '\u2013'],
  ['mdash', '\u2014'],
  ['minus', '\u2212'],
  ['hellip', '\u2026'],
  ['bull', '\u2022'],
  ['middot', '\u00B7'],
  ['shy', '\u00AD'],
  ['zwnj', '\u200C'],
  ['zwj', '\u200D'],
  ['thinsp', '\u2009'],
  ['ensp', '\u2002'],
  ['emsp', '\u2003'],
  ['lsquo', '\u2018'],
  ['rsquo', '\u2019'],
  ['sbquo', '\u201A'],
  ['ldquo', '\u201C'],
  ['rdquo', '\u201D'],
  ['bdquo', '\u201E'],
  ['laquo', '\u00AB'],
  ['raquo', '\u00BB'],
  ['lsaquo', '\u2039'],
  ['rsaquo', '\u203A'],
  ['prime', '\u2032'],
  ['copy', '\u00A9'],
  ['reg', '\u00AE'],
  ['trade', '\u2122'],
  ['deg', '\u00B0'],
  ['plusmn', '\u00B1'],
  ['times', '\u00D7'],
  ['divide', '\u00F7'],
  ['euro', '\u20AC'],
  ['pound', '\u00A3'],
  ['yen', '\u00A5'],
  ['cent', '\u00A2'],
  ['sect', '\u00A7'],
  ['para', '\u00B6'],
  ['frac12', '\u00BD'],
  ['frac14', '\u00BC'],
  ['frac34', '\u00BE'],
  ['iexcl', '\u00A1'],
  ['iquest', '\u00BF'],
  ['eacute', '\u00E9'],
  ['egrave', '\u00E8'],
  ['aacute', '\u00E1'],
  ['agrave', '\u00E0'],
  ['ouml', '\u00F6'],
  ['uuml', '\u00FC'],
  ['auml', '\u00E4'],
  ['Ouml', '\u00D6'],
  ['Uuml', '\u00DC'],
  ['Auml', '\u00C4'],
  ['szlig', '\u00DF'],
  ['ccedil', '\u00E7'],
  ['ntilde', '\u00F1'],
  ['oacute', '\u00F3'],
  ['iacute', '\u00ED'],
  ['uacute', '\u00FA'],
  ['Eacute', '\u00C9'],
  ['numero', '\u2116'],
]);

// Browsers also read these without the semicolon; feeds written by hand rely on it ("Q&amp A", "&nbsp").
// The rest of the legacy list (&copy, &not, ...) is left alone: "?a=1&notice=2" in a text must stay as is.
const WITHOUT_SEMICOLON = new Set(['amp', 'lt', 'gt', 'quot', 'nbsp']);

// Numeric references 0x80-0x9F mean windows-1252 characters (the HTML spec's replacement table):
// "&#150;" in a feed is an en dash, "&#146;" an apostrophe.
// prettier-ignore
const WINDOWS_1252: Record<number, number> = {
  0x80: 0x20ac, 0x82: 0x201a, 0x83: 0x0192, 0x84: 0x201e, 0x85: 0x2026, 0x86: 0x2020, 0x87: 0x2021,
  0x88: 0x02c6, 0x89: 0x2030, 0x8a: 0x0160, 0x8b: 0x2039, 0x8c: 0x0152, 0x8e: 0x017d, 0x91: 0x2018,
  0x92: 0x2019, 0x93: 0x201c, 0x94: 0x201d, 0x95: 0x2022, 0x96: 0x2013, 0x97: 0x2014, 0x98: 0x02dc,
  0x99: 0x2122, 0x9a: 0x0161, 0x9b: 0x203a, 0x9c: 0x0153, 0x9e: 0x017e, 0x9f: 0x0178,
};

// The longest HTML entity name has 31 characters (&CounterClockwiseContourIntegral;).
const REFERENCE = /&(?:#(\d+)|#[xX]([\da-fA-F]+)|([A-Za-z][A-Za-z\d]{0,31}))(;?)/g;

function fromCodePoint(cp: number): string {
  // Out of range, surrogates and NUL are U+FFFD, as a browser shows them (very long digit runs parse to
  // Infinity or huge numbers and land here too).
  if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\uFFFD';
  return String.fromCodePoint(WINDOWS_1252[cp] ?? cp);
}

function lookUp(name: string): string | undefined {
  const ref = `&${name};`;
  const text = decodeHTMLStrict(ref);
  // A real name decodes to one or two code points. Anything else is unknown (the reference comes back
  // unchanged) or a legacy prefix ("&notit;" read as "¬it;"), which we leave as written.
  return text !== ref && [...text].length <= 2 ? text : undefined;
}

/** Decode the character references of a text once. Unknown references are kept as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (ref, dec?: string, hex?: string, name?: string, semicolon?: string) => {
    if (dec !== undefined) return fromCodePoint(Number.parseInt(dec, 10));
    if (hex !== undefined) return fromCodePoint(Number.parseInt(hex, 16));
    if (name === undefined) return ref;
    if (!semicolon) return WITHOUT_SEMICOLON.has(name) ? COMMON.get(name)! : ref;
    const common = COMMON.get(name);
    if (common !== undefined) return common;
    return lookUp(name) ?? ref;
  });
}
