// parse: a decoded body -> raw entries. Pure: the text, the source's type and URL (for relative links)
// and the time (to reject dates in the future) in; entries and warnings out, or a ParseError.
import type { RawEntry } from '../model/item.js';
import type { HtmlSelect } from '../model/watchbook.js';
import { ParseError } from './errors.js';
import { parseFeed } from './feed.js';
import { parseHtmlList } from './html-list.js';
import { parseJsonFeed } from './json-feed.js';
import { repairMojibake } from './mojibake.js';

export { ParseError } from './errors.js';
export { parseDate } from './date.js';

export interface ParseOptions {
  type: 'rss' | 'json' | 'html';
  /** The URL the body came from: relative links resolve against it. */
  url: string;
  /** Required for `html` sources. */
  select?: HtmlSelect;
  /** Epoch milliseconds; a date more than a day after it is not trusted. Defaults to the clock. */
  now?: number;
}

export interface ParseResult {
  entries: RawEntry[];
  warnings: string[];
}

/**
 * Read a feed (RSS 0.9x/1.0/2.0, Atom, JSON Feed) or a list page into raw entries. An `rss` or `json`
 * source is read as whatever its body turns out to be. Throws ParseError: `parse-error` when the body
 * cannot be read as its type, `empty` when it holds no usable entry. An entry without a date we can
 * trust has no `published`: items/ gives it the fetch time and flags it.
 */
export async function parseBody(text: string, opts: ParseOptions): Promise<ParseResult> {
  try {
    return await parse(text, opts);
  } catch (err) {
    if (err instanceof ParseError) throw err;
    // Whatever else a hostile body makes a parser throw (a RangeError for a string past V8's limit, a stack
    // overflow) is still a body we cannot read: a reason on-call sees, an error counted, a backoff.
    const reason = (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).split('\n')[0]!;
    throw new ParseError('parse-error', `cannot read the body (${reason})`, { cause: err });
  }
}

async function parse(text: string, opts: ParseOptions): Promise<ParseResult> {
  const now = opts.now ?? Date.now();
  // Mojibake in the source's own text is undone twice: here, before parsing collapses its spaces (a
  // double-encoded "Р" ends in a no-break space), and per field after, for what numeric references hid.
  const repaired = repairMojibake(text.replace(/^\uFEFF/, ''));
  const body = repaired.text;
  let result: ParseResult;
  if (opts.type === 'html') {
    if (!opts.select) throw new ParseError('parse-error', `html source ${opts.url} has no select`);
    result = parseHtmlList(body, opts.url, opts.select, now);
  } else if (/^\s*[[{]/.test(body)) {
    result = parseJsonFeed(body, opts.url, now);
  } else if (!body.trim()) {
    throw new ParseError('empty', 'empty body');
  } else {
    result = await parseFeed(body, opts.url, now);
  }
  return finish(result, repaired);
}

/** Undo mojibake in the text fields, drop entries with nothing to read, and fail when none is left. */
function finish({ entries, warnings }: ParseResult, before: { doubleEncoded: number; c1: number }): ParseResult {
  let { doubleEncoded, c1 } = before;
  const usable: RawEntry[] = [];
  for (const entry of entries) {
    for (const field of ['title', 'summary', 'content', 'author'] as const) {
      const value = entry[field];
      if (value === undefined) continue;
      const repair = repairMojibake(value);
      doubleEncoded += repair.doubleEncoded;
      c1 += repair.c1;
      if (repair.text.trim()) entry[field] = repair.text;
      else delete entry[field];
    }
    if (entry.title || entry.link || entry.summary || entry.content) usable.push(entry);
  }
  const out = [...warnings];
  if (doubleEncoded)
    out.push(`parse: repaired ${doubleEncoded} double-encoded UTF-8 sequence(s) (mojibake in the source's own text)`);
  if (c1) out.push(`parse: read ${c1} C1 control character(s) as the windows-1252 punctuation they stand for`);
  const dropped = entries.length - usable.length;
  if (dropped && usable.length)
    out.push(`parse: skipped ${dropped} entr${dropped === 1 ? 'y' : 'ies'} without a title, link or text`);
  if (usable.length === 0) {
    throw new ParseError(
      'empty',
      entries.length
        ? `none of the ${entries.length} entries has a title, link or text`
        : 'the feed or page has no entries',
    );
  }
  return { entries: usable, warnings: out };
}
