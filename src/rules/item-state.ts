// What the matcher keeps of the item it reads: each field's words, per-term and per-rule state reused item to item.
import { FIELDS } from '../model/watchbook.js';
import { ALL_FIELDS } from './expr.js';
import { doubled } from './packed.js';
import { WordSpans } from './tokenize.js';

// A position is a field and a word index in one number, so `near` compares positions directly and never
// reaches across fields: words of different fields are FIELD_SPAN apart.
export const FIELD_SPAN = 1 << 24;
export const fieldOf = (pos: number) => Math.floor(pos / FIELD_SPAN);

const TERM_SLOT = 4;
/** Numbers per rule in ItemState.ruleSlots: epoch, then the bits of its counted groups that occurred. */
export const RULE_SLOT = 2;

/**
 * Per-item state, allocated once per Matcher and reused: the words of each field, and arrays indexed by
 * term and rule whose entries count only when their stamp equals the current item's epoch, so
 * nothing is cleared or allocated per item in proportion to the number of rules.
 */
export class ItemState {
  epoch = 0;
  /** Per field (in FIELDS order): its words, valid for this item when the field is in `present`. */
  readonly spans: WordSpans[] = FIELDS.map(() => new WordSpans());
  /** Indexes of the fields this item has. */
  readonly present: number[] = [];
  /**
   * Per term, four numbers side by side (one cache line holds four terms): the epoch of the item it last
   * occurred in, its first and last occurrence (a linked list in occPos/occNext), and a bit per field it
   * occurred in. The rest count only when the epoch is the current item's.
   */
  private readonly termSlots: Int32Array;
  private occPos = new Int32Array(256);
  private occNext = new Int32Array(256);
  private occCount = 0;
  /** Per rule, side by side: the epoch it was last touched in, and a bit per counted group that occurred. */
  readonly ruleSlots: Int32Array;
  readonly regexStamp: Int32Array;
  /** The text a regex matched, by `${termId}:${position}`: a regex hit is not a run of whole words. */
  readonly regexText = new Map<string, string>();
  /** Buffers for the quick check of a `near` (Matcher.nearHolds). */
  readonly nearTerms: number[] = [];
  readonly nearAnchors: number[] = [];
  /** The explanation's sorted ranks of the terms a match hit. */
  readonly ranks: number[] = [];
  /** The (term, position) pairs of the rule being evaluated (one at a time; explain copies what it keeps). */
  readonly uses: number[] = [];
  /**
   * The negation and hedging cues that governed this item's matches: where each starts and ends
   * (positions, as above), and its kind (see WordIndex.cueKind).
   */
  cueStart = new Int32Array(16);
  cueEnd = new Int32Array(16);
  cueKind = new Uint8Array(16);
  cueCount = 0;
  /** Per term: the mark of the rule whose event terms it is among (CueReader.governing), and the last mark. */
  readonly eventStamps: Int32Array;
  eventMark = 0;
  /** Buffers for the cues that start at one word (CueReader.startingAt), and the pseudo-cues around one. */
  readonly cueHits = new Int32Array(32);
  readonly pseudoHits = new Int32Array(32);
  /** Rules whose counted groups all occurred, then the rules evaluated on every item. */
  readonly candidates: Int32Array;
  candidateCount = 0;

  constructor(terms: number, rules: number) {
    this.termSlots = new Int32Array(terms * TERM_SLOT);
    this.ruleSlots = new Int32Array(rules * RULE_SLOT);
    this.regexStamp = new Int32Array(terms);
    this.eventStamps = new Int32Array(terms);
    this.candidates = new Int32Array(rules);
  }

  private keys = new Float64Array(64);

  /** A buffer of at least n numbers, reused from match to match. */
  keyBuffer(n: number): Float64Array {
    if (this.keys.length < n) this.keys = new Float64Array(Math.max(n, this.keys.length * 2));
    return this.keys;
  }

  next(): void {
    this.epoch++;
    this.present.length = 0;
    this.occCount = 0;
    this.candidateCount = 0;
    this.cueCount = 0;
    if (this.regexText.size) this.regexText.clear();
  }

  /** Whether the term occurs in this item. */
  occurs(termId: number): boolean {
    return this.termSlots[termId * TERM_SLOT] === this.epoch;
  }

  /** Whether the term occurs in a field of `mask`. */
  occursIn(termId: number, mask: number): boolean {
    const t = termId * TERM_SLOT;
    return this.termSlots[t] === this.epoch && (this.termSlots[t + 3]! & mask) !== 0;
  }

  /** Push (term, position) for each occurrence in a field of `mask`, in order; how many were pushed. */
  pushOccurrences(termId: number, mask: number, uses: number[]): number {
    const t = termId * TERM_SLOT;
    if (this.termSlots[t] !== this.epoch) return 0;
    let n = 0;
    for (let o = this.termSlots[t + 1]!; o >= 0; o = this.occNext[o]!) {
      const pos = this.occPos[o]!;
      if (mask === ALL_FIELDS || (mask & (1 << fieldOf(pos))) !== 0) {
        uses.push(termId, pos);
        n++;
      }
    }
    return n;
  }

  /** Record an occurrence at pos, in field `field`; whether it is the term's first in that field. */
  add(termId: number, field: number, pos: number): boolean {
    if (this.occCount === this.occPos.length) this.grow();
    const o = this.occCount++;
    this.occPos[o] = pos;
    this.occNext[o] = -1;
    const slots = this.termSlots;
    const t = termId * TERM_SLOT;
    const bit = 1 << field;
    if (slots[t] !== this.epoch) {
      slots[t] = this.epoch;
      slots[t + 1] = o;
      slots[t + 2] = o;
      slots[t + 3] = bit;
      return true;
    }
    this.occNext[slots[t + 2]!] = o;
    slots[t + 2] = o;
    const fields = slots[t + 3]!;
    slots[t + 3] = fields | bit;
    return (fields & bit) === 0;
  }

  /** Record a cue; its index. */
  addCue(start: number, end: number, kind: number): number {
    if (this.cueCount === this.cueStart.length) {
      this.cueStart = doubled(this.cueStart);
      this.cueEnd = doubled(this.cueEnd);
      this.cueKind = doubled(this.cueKind);
    }
    const c = this.cueCount++;
    this.cueStart[c] = start;
    this.cueEnd[c] = end;
    this.cueKind[c] = kind;
    return c;
  }

  private grow(): void {
    this.occPos = doubled(this.occPos);
    this.occNext = doubled(this.occNext);
  }
}

/** Sort the first n entries in place: insertion sort for the usual handful, the built-in sort beyond. */
export function sortPrefix(a: Int32Array | Float64Array, n: number): void {
  if (n > 32) {
    a.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}
