// JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/).
import type { RawEntry } from '../model/item.js';
import { parseDate } from './date.js';
import { ParseError, skippedWarning } from './errors.js';
import { absolutizeHtml, collapse, plainText, resolveUrl, titleText } from './text.js';

export interface JsonFeedResult {
  entries: RawEntry[];
  warnings: string[];
}

type Json = Record<string, unknown>;

export function parseJsonFeed(text: string, url: string, now: number): JsonFeedResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ParseError('parse-error', `not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!isObject(doc) || !Array.isArray(doc.items))
    throw new ParseError('parse-error', 'not a JSON Feed: no "items" array');
  const warnings: string[] = [];
  if (typeof doc.version !== 'string' || !doc.version.startsWith('https://jsonfeed.org/version/')) {
    warnings.push(
      `parse: JSON Feed version ${JSON.stringify(doc.version)} is not https://jsonfeed.org/version/1 or 1.1; read it as 1.1`,
    );
  }

  const entries: RawEntry[] = [];
  let skipped = 0;
  let unreadable: string | undefined;
  const failed: unknown[] = [];
  for (const item of doc.items as unknown[]) {
    if (!isObject(item)) {
      skipped++;
      continue;
    }
    // One item that breaks the reader (a summary nested 10,000 deep) is skipped, not the feed.
    try {
      const read = toEntry(item, doc, url, now);
      if (read.unreadable) unreadable ??= read.unreadable;
      entries.push(read.entry);
    } catch (err) {
      failed.push(err);
    }
  }
  if (skipped) warnings.push(`parse: skipped ${skipped} JSON Feed item(s) that are not objects`);
  if (failed.length) warnings.push(skippedWarning(failed));
  if (unreadable) warnings.push(`parse: some items have a date we cannot read (e.g. "${unreadable}")`);
  return { entries, warnings };
}

function toEntry(item: Json, doc: Json, url: string, now: number): { entry: RawEntry; unreadable?: string } {
  const entry: RawEntry = {};
  const id = str(item.id) ?? (typeof item.id === 'number' ? String(item.id) : undefined);
  if (id) entry.guid = id;
  const link = resolveUrl(str(item.url) ?? str(item.external_url), url);
  if (link) entry.link = link;
  const title = str(item.title);
  if (title) entry.title = titleText(title);
  const summary = str(item.summary);
  if (summary) entry.summary = plainText(summary);
  const html = str(item.content_html);
  const content = html ? absolutizeHtml(html, link ?? url) : str(item.content_text);
  if (content?.trim()) entry.content = content.trim();
  // 1.0 has one `author`; 1.1 has `authors` (and the feed's, for items that have none)
  const author =
    str(asObject(item.author)?.name) ??
    str(asObject(firstOf(item.authors) ?? firstOf(doc.authors) ?? doc.author)?.name);
  if (author) entry.author = collapse(author);
  const date = str(item.date_published) ?? str(item.date_modified);
  const published = parseDate(date, now);
  if (published) entry.published = published;
  return !published && date ? { entry, unreadable: date } : { entry };
}

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function asObject(x: unknown): Json | undefined {
  return isObject(x) ? x : undefined;
}

function firstOf(x: unknown): unknown {
  return Array.isArray(x) ? x[0] : undefined;
}

function str(x: unknown): string | undefined {
  return typeof x === 'string' && x.trim() ? x.trim() : undefined;
}
