// Items from feed to match: the entries parsers read, the normalized Item, and the matches rules make of it.
import type { Field } from './watchbook.js';

/** The text of an item the rule engine reads, with what its filters look at. */
export interface MatchInput {
  title: string;
  summary?: string;
  content?: string;
  source?: string;
  lang?: string;
  tags?: readonly string[];
}

/** One term of a rule that matched, and where: the field and the word positions it covered. */
export interface Hit {
  term: string;
  field: Field;
  /** Word index of the first matched word within the field. */
  word: number;
  /** The matched text, normalized. */
  text: string;
}

/** A rule that matched an item, with its explanation. */
export interface Match {
  rule: string;
  indicator: string;
  scenarios: Record<string, number>;
  severity: string;
  /** The rule's terms that matched, as written in the rule, in first-seen order. */
  terms: string[];
  hits: Hit[];
  /** A negator or hedge that governed the match and changed its weights (and severity, to at most low). */
  modifier?: Modifier;
}

/** The cue that negated or hedged a match, and the term it governed, as written in the rule. */
export interface Modifier {
  kind: 'negated' | 'hedged';
  cue: string;
  term: string;
}

/** An entry as a parser read it from a feed or page, before normalization. Text may still hold HTML. */
export interface RawEntry {
  guid?: string;
  link?: string;
  title?: string;
  summary?: string;
  content?: string;
  /** ISO 8601, when the parser could read the feed's date (with its time zone); else absent. */
  published?: string;
  author?: string;
}

/** A normalized item: every source type produces this, and everything after ingestion reads it. */
export interface Item {
  /** Stable identity: GUID, else canonical URL, else a hash of title and text (see items/key.ts). */
  key: string;
  source: string;
  url?: string;
  title: string;
  summary: string;
  content: string;
  /** ISO 8601. When the feed gave no usable date this is the fetch time and `dateEstimated` is true. */
  publishedAt: string;
  dateEstimated: boolean;
  fetchedAt: string;
  lang: string;
  tags: string[];
  /** 64-bit SimHash over word shingles, as 16 hex digits: near-duplicates differ in few bits. */
  fingerprint: string;
}
