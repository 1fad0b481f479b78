// What analysts tell Signpost about its matches: judgements of evidence, and of items no rule matched.

/** `should-match` is said of an item no rule matched; the others of a piece of evidence (a rule's match). */
export type Verdict = 'useful' | 'noise' | 'wrong-direction' | 'should-match';

export const EVIDENCE_VERDICTS: readonly Verdict[] = ['useful', 'noise', 'wrong-direction'];

/** The item a judgement is about, as `signpost eval` reads it back (title required, summary when known). */
export interface JudgedItem {
  /** The item key (evidence.itemKey). */
  key: string;
  source: string;
  title: string;
  summary?: string;
  url?: string;
  lang?: string;
  publishedAt: number;
}

export interface Judgement {
  verdict: Verdict;
  /** The basic-auth user who judged. */
  user: string;
  /** When, epoch ms. */
  at: number;
  item: JudgedItem;
  /** The indicator the judgement is about: the evidence's, or the one named in `should-match`. */
  indicator: string;
  /** For evidence: its id, its rule and the rule's weights per scenario (nats) when it was judged. */
  evidence?: string;
  rule?: string;
  scenarios?: Record<string, number>;
  /** For `should-match`: the path the analyst says the item points to (a scenario id, or `neutral`). */
  direction?: string;
}

/** An item from a watched source that no rule matched, kept a while so an analyst can say it should have. */
export interface UnmatchedItem extends JudgedItem {
  /** When the worker first saw it. */
  seenAt: number;
}

/** One rule's record in the judgements: precision = useful / judged. */
export interface RulePrecision {
  rule: string;
  useful: number;
  noise: number;
  wrongDirection: number;
  judged: number;
  /** useful / judged; undefined before any judgement. */
  precision: number | undefined;
  /** Precision under the bar over enough judgements (flaggedRules). */
  flagged: boolean;
}
