// Text and links as the parsers hand them on: titles and summaries as plain text, content as HTML with
// its links made absolute, every link absolute http(s).
import { load } from 'cheerio';
import { capDepth } from './html-depth.js';
import { simpleHtmlText } from './simple-html.js';

const SPACING = /[^\S ]| {2}/;
const BLOCK_END = /<(?:br|hr)\b[^>]*>|<\/(?:p|div|li|h[1-6]|tr|td|th|blockquote|section|article|pre|dd|dt)\s*>/gi;

/** The readable text of an HTML fragment: scripts and styles dropped, blocks separated, spaces collapsed. */
export function plainText(html: string): string {
  if (!/[<&]/.test(html)) return collapse(html);
  const spaced = capDepth(html).html.replace(BLOCK_END, '$& ');
  const simple = simpleHtmlText(spaced);
  if (simple !== undefined) return collapse(simple);
  const $ = load(spaced, null, false);
  $('script, style, noscript, template').remove();
  return collapse($.root().text());
}

/**
 * A title as plain text. Feeds put HTML in titles, escaped once (so the XML parser hands it over as text)
 * or twice (`&amp;amp;`); either way the reader wants the words.
 */
export function titleText(title: string): string {
  return /<[A-Za-z/!]|&(?:#\d+|#x[\da-f]+|[a-z][\da-z]*);/i.test(title) ? plainText(title) : collapse(title);
}

export function collapse(s: string): string {
  // Most fields have no whitespace but single spaces: nothing to replace.
  return (SPACING.test(s) ? s.replace(/\s+/g, ' ') : s).trim();
}

/** `ref` made absolute against `base`; undefined unless the result is an http(s) URL. */
export function resolveUrl(ref: string | undefined, base: string | undefined): string | undefined {
  const s = ref?.trim();
  if (!s) return undefined;
  try {
    const url = new URL(s, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** A base URL (xml:base, <base href>, channel link) made absolute against its parent base. */
export function resolveBase(ref: string | undefined, parent: string | undefined): string | undefined {
  if (!ref?.trim()) return parent;
  try {
    return new URL(ref.trim(), parent).href;
  } catch {
    return parent;
  }
}

/** Relative href and src attributes in an HTML fragment, made absolute against `base`. */
export function absolutizeHtml(html: string, base: string | undefined): string {
  if (!base) return html;
  return html.replace(
    /(\s(?:href|src)\s*=\s*)(["'])([^"']*)\2/gi,
    (whole, attr: string, quote: string, ref: string) => {
      if (/^(?:[a-z][a-z\d+.-]*:|#)/i.test(ref.trim()) || !ref.trim()) return whole;
      const abs = resolveUrl(ref.replace(/&amp;/g, '&'), base);
      return abs ? `${attr}${quote}${abs.replace(/&/g, '&amp;')}${quote}` : whole;
    },
  );
}
