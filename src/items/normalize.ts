// RawEntry -> Item: every source type ends here, and every later stage reads only Items.
//
// - title, summary and content are readable text (html-text.ts); a title is one line;
// - a missing summary is the start of the content, so digests and alerts always have a blurb;
// - a missing title is the first words of the text; an entry with neither title nor text is not an item;
// - publishedAt is the feed's date, or the fetch time with dateEstimated when the feed gave none we can
//   trust: unreadable, not after 1970, or more than a day ahead of the fetch (time-zone slips are hours;
//   a date a week ahead is a broken feed, and would make the evidence look fresh for a week);
// - url is the canonical link (canonical-url.ts), else a GUID that is itself an absolute http(s) URL
//   (RSS: a guid is a permalink unless it says otherwise);
// - lang and tags come from the source, which the analyst described;
// - the fingerprint covers title, summary and content, the summary left out when the content contains it
//   (it is then the content's first lines, and would weigh twice).
//
// The functions are total: a malformed entry (a parser handing over an object where a string belongs)
// reads as missing fields, and one bad entry never fails the poll.
import type { Item, RawEntry } from '../model/item.js';
import type { Source } from '../model/watchbook.js';
import { canonicalUrl } from './canonical-url.js';
import { htmlToText } from './html-text.js';
import { chooseBasis, type KeyBasis, keyFrom, usableGuid } from './key.js';
import { fingerprint } from './simhash.js';

/** The longest derived summary, in characters, before "…". */
export const SUMMARY_CHARS = 300;
const TITLE_WORDS = 12;
const TITLE_CHARS = 120;
const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;
const ELLIPSIS = '…';
// What toISOString writes, for days and hours Date.parse cannot roll over (it reads Feb 30 as Mar 2, T24 as
// the next day): days past the 28th are left to the round trip.
const ISO_STRING = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** The items of one fetch, and how many entries did not become one (empty, duplicate or malformed). */
export interface ItemBatch {
  items: Item[];
  skipped: number;
  /** Of the skipped, how many repeated an earlier entry of the same fetch. */
  duplicates: number;
}

interface Draft {
  item: Item;
  basis: KeyBasis;
  /** The fragment of the entry's link (`#post-2`), or "" when it has none. */
  anchor: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Cut a text at a word boundary at most `max` characters in, marking the cut with "…". */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = -1;
  for (let i = max; i > max / 2; i--) {
    if (/\s/.test(text[i]!)) {
      cut = i;
      break;
    }
  }
  if (cut < 0) {
    cut = max; // one very long word: cut it, but not inside a surrogate pair
    const c = text.charCodeAt(cut - 1);
    if (c >= 0xd800 && c <= 0xdbff) cut--;
  }
  return text.slice(0, cut).trimEnd() + ELLIPSIS;
}

/** A title made of the first words of the text. */
function titleFrom(text: string): string {
  const words = text.split(/\s+/);
  const title = words.slice(0, TITLE_WORDS).join(' ');
  const cut = truncate(title, TITLE_CHARS);
  return cut === title && words.length > TITLE_WORDS ? title + ELLIPSIS : cut;
}

function dateOf(published: unknown, fetchedAt: Date): { at: string; estimated: boolean } {
  const t = typeof published === 'string' ? Date.parse(published) : Number.NaN;
  if (Number.isFinite(t) && t > 0 && t <= fetchedAt.getTime() + FUTURE_TOLERANCE_MS) {
    // parse/ hands dates over as toISOString wrote them: such a string is its own canonical form.
    const at = ISO_STRING.test(published as string) ? (published as string) : new Date(t).toISOString();
    return { at, estimated: false };
  }
  return { at: fetchedAt.toISOString(), estimated: true };
}

function checkFetchedAt(fetchedAt: Date): void {
  if (!(fetchedAt instanceof Date) || Number.isNaN(fetchedAt.getTime())) {
    throw new RangeError(`items: fetchedAt must be a valid Date, got ${String(fetchedAt)}`);
  }
}

/**
 * `sourcePage` is the canonical URL of the source (the same for every entry of a fetch): a link to it names
 * no item (key.ts, ownLink).
 */
function draft(entry: RawEntry, source: Source, fetchedAt: Date, sourcePage: string | undefined): Draft | undefined {
  const content = htmlToText(str(entry.content));
  const ownSummary = htmlToText(str(entry.summary));
  const summary = ownSummary !== '' ? ownSummary : truncate(content, SUMMARY_CHARS);
  // The summary counts in the fingerprint only when it is not the content's own lead.
  const distinctSummary = ownSummary !== '' && !content.includes(ownSummary) ? ownSummary : '';
  const text = summary || content;
  let title = htmlToText(str(entry.title)).replace(/\n/g, ' ');
  if (title === '' && text === '') return undefined;
  if (title === '') title = titleFrom(text);

  const guid = usableGuid(entry.guid);
  const linkUrl = canonicalUrl(str(entry.link), source.url);
  const url = linkUrl ?? (guid !== undefined ? canonicalUrl(guid) : undefined);
  const basis = chooseBasis(entry, guid, linkUrl !== undefined && linkUrl === sourcePage ? undefined : linkUrl);
  const date = dateOf(entry.published, fetchedAt);
  const item: Item = {
    key: keyFrom(source.id, basis),
    source: source.id,
    title,
    summary,
    content,
    publishedAt: date.at,
    dateEstimated: date.estimated,
    fetchedAt: fetchedAt.toISOString(),
    lang: source.lang,
    tags: [...source.tags],
    fingerprint: fingerprint(`${title}\n${distinctSummary}\n${content}`),
  };
  if (url !== undefined) item.url = url;
  return { item, basis, anchor: linkUrl !== undefined ? anchorOf(str(entry.link), source.url) : '' };
}

/** The fragment of a link as written (resolved against `base`), or "". */
function anchorOf(link: string, base: string): string {
  try {
    return new URL(link.trim(), base).hash;
  } catch {
    return '';
  }
}

/** The Item of an entry, or undefined when it has neither title nor text. */
export function toItem(entry: RawEntry, source: Source, fetchedAt: Date): Item | undefined {
  checkFetchedAt(fetchedAt);
  return draft(entry, source, fetchedAt, canonicalUrl(source.url))?.item;
}

/**
 * What tells apart entries of one fetch sharing a key basis: for a GUID, the entry's link; for a link, its
 * anchor; for words, the exact text (an item without GUID or link has nothing else).
 */
function tellOf(d: Draft): string | undefined {
  if (d.basis.kind === 'guid') return d.item.url;
  if (d.basis.kind === 'url') return d.anchor || undefined;
  return `${d.item.title}\n${d.item.summary}\n${d.item.content}`;
}

const sameText = (a: Item, b: Item): boolean =>
  a.title === b.title && a.summary === b.summary && a.content === b.content;

/**
 * The Items of one fetch, in feed order, each key once. Entries with the same key and the same text are
 * one item listed twice (feeds do this): the first stays. Entries with the same GUID or link but different
 * texts are told apart by their links when those differ (a CMS that gives every item one GUID; a page of
 * items linking to its own anchors): each gets a key from its GUID and link, or its link and anchor, which
 * an edited title keeps. Otherwise they are versions of one entry (a publisher listing an edit beside the
 * original): one item, the first listed, under the key the entry always had, so an edit is never new.
 * Only entries with neither GUID nor link of their own are told apart by their words.
 */
export function toItems(entries: readonly RawEntry[], source: Source, fetchedAt: Date): ItemBatch {
  checkFetchedAt(fetchedAt);
  const drafts: Draft[] = [];
  let skipped = 0;
  const sourcePage = canonicalUrl(source.url);
  for (const entry of entries) {
    let d: Draft | undefined;
    try {
      d = draft(entry, source, fetchedAt, sourcePage);
    } catch {
      d = undefined; // a bug on one entry must not cost the others; it shows in `skipped`
    }
    if (d) drafts.push(d);
    else skipped++;
  }

  const byKey = new Map<string, Draft[]>();
  for (const d of drafts) {
    const group = byKey.get(d.item.key);
    if (group) group.push(d);
    else byKey.set(d.item.key, [d]);
  }
  for (const group of byKey.values()) {
    if (group.length < 2 || group.every((d) => sameText(d.item, group[0]!.item))) continue;
    const tells = group.map((d) => tellOf(d));
    // No link tells them apart: versions of one entry, which keeps its key; dropped as duplicates below.
    if (tells.some((t) => t === undefined) || new Set(tells).size < 2) continue;
    group.forEach(
      (d, n) => (d.item.key = keyFrom(source.id, { kind: d.basis.kind, value: `${d.basis.value}\n${tells[n]!}` })),
    );
  }

  const items: Item[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (const { item } of drafts) {
    if (seen.has(item.key)) {
      duplicates++;
      continue;
    }
    seen.add(item.key);
    items.push(item);
  }
  return { items, skipped: skipped + duplicates, duplicates };
}
