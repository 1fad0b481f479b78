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
}
