// List pages (press releases, poll reports) read with the CSS selectors a watchbook source gives:
// `select: { item, title, link, date?, summary? }`, where `selector@attr` takes an attribute instead of
// the text (`h2 a@href`, `time@datetime`) and a bare `@attr` reads the item element itself.
import { load, type CheerioAPI } from 'cheerio';
import type { RawEntry } from '../model/item.js';
import type { HtmlSelect } from '../model/watchbook.js';
import { parseDate } from './date.js';
import { ParseError, skippedWarning } from './errors.js';
import { capDepth, MAX_DEPTH } from './html-depth.js';
import { collapse, resolveBase, resolveUrl } from './text.js';

export interface HtmlListResult {
  entries: RawEntry[];
  warnings: string[];
}

/** A cheerio selection of elements (the type domhandler names `Cheerio<Element>`). */
type Elements = ReturnType<ReturnType<CheerioAPI['root']>['children']>;

interface Pick {
  selector: string;
  attr?: string;
}

/** `h2 a@href` -> { selector: 'h2 a', attr: 'href' }; an `@` inside brackets or quotes is the selector's. */
export function parsePick(spec: string): Pick {
  const m = /^(.*?)@([A-Za-z_:][\w:.-]*)$/.exec(spec.trim());
  if (!m || /\[[^\]]*$/.test(m[1]!)) return { selector: spec.trim() };
  return { selector: m[1]!.trim(), attr: m[2]! };
}

export function parseHtmlList(html: string, url: string, select: HtmlSelect, now: number): HtmlListResult {
  const capped = capDepth(html);
  const $ = load(capped.html);
  const base = resolveBase($('base[href]').first().attr('href'), url);
  let items;
  try {
    items = $.root().find(select.item);
  } catch (err) {
    throw new ParseError('parse-error', `invalid item selector "${select.item}": ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (items.length === 0) throw new ParseError('empty', `no element matches the item selector "${select.item}"`);

  const warnings: string[] = [];
  if (capped.dropped)
    warnings.push(
      `parse: dropped ${capped.dropped} tag(s) nested deeper than ${MAX_DEPTH} levels (their text is kept)`,
    );
  const entries: RawEntry[] = [];
  let unreadable: string | undefined;
  let skipped = 0;
  const failed: unknown[] = [];
  for (let i = 0; i < items.length; i++) {
    // One element that breaks the reader is skipped, not the page; a bad selector still fails the page.
    let read: ReturnType<typeof readItem>;
    try {
      read = readItem(items.eq(i), select, base, now);
    } catch (err) {
      if (err instanceof ParseError) throw err;
      failed.push(err);
      continue;
    }
    if (!read) {
      skipped++;
      continue;
    }
    if (read.unreadable) unreadable ??= read.unreadable;
    entries.push(read.entry);
  }
  if (failed.length) warnings.push(skippedWarning(failed));
  if (skipped)
    warnings.push(`parse: skipped ${skipped} of ${items.length} "${select.item}" element(s) without a title or link`);
  if (entries.length === 0)
    throw new ParseError('empty', `none of the ${items.length} "${select.item}" elements has a title or link`);
  if (unreadable) warnings.push(`parse: some items have a date we cannot read (e.g. "${unreadable}")`);
  return { entries, warnings };
}

/** One item element as an entry (with the date text it could not read); undefined for page furniture. */
function readItem(
  item: Elements,
  select: HtmlSelect,
  base: string | undefined,
  now: number,
): { entry: RawEntry; unreadable?: string } | undefined {
  const entry: RawEntry = {};
  const title = collapse(read(item, parsePick(select.title)) ?? '');
  if (title) entry.title = title;
  const linkPick = parsePick(select.link);
  const href = read(item, linkPick.attr ? linkPick : { ...linkPick, attr: 'href' });
  const link = resolveUrl(href, base);
  if (link) entry.link = link;
  // Without a title or a link the element is page furniture the item selector also caught (a promo box).
  if (!entry.title && !entry.link) return undefined;
  let unreadable: string | undefined;
  if (select.date) {
    const pick = parsePick(select.date);
    // the attribute when it is there (time@datetime), else the element's text
    const raw = collapse(read(item, pick) ?? (pick.attr ? read(item, { selector: pick.selector }) : undefined) ?? '');
    const published = parseDate(raw, now);
    if (published) entry.published = published;
    else if (raw) unreadable = raw;
  }
  if (select.summary) {
    const summary = collapse(read(item, parsePick(select.summary)) ?? '');
    if (summary) entry.summary = summary;
  }
  return unreadable ? { entry, unreadable } : { entry };
}

/** The text (or attribute) of the first match of `pick` inside `item`, or of `item` itself when it matches. */
function read(scope: Elements, pick: Pick): string | undefined {
  let found;
  try {
    found = pick.selector ? scope.find(pick.selector).first() : scope;
    if (pick.selector && found.length === 0 && scope.is(pick.selector)) found = scope;
  } catch (err) {
    throw new ParseError('parse-error', `invalid selector "${pick.selector}": ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (found.length === 0) return undefined;
  if (pick.attr) return found.attr(pick.attr);
  return textWithBreaks(found);
}

/** Element text with a space where a block or <br> ends, so "<p>a</p><p>b</p>" reads "a b". */
function textWithBreaks(found: Elements): string {
  const copy = found.clone();
  copy.find('script, style').remove();
  copy.find('br, p, div, li, h1, h2, h3, h4, h5, h6, tr, td').after(' ');
  return copy.text();
}
