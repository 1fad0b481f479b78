// Which negation or hedging cue governs a match (the lists and the rule are in cues.ts). Cues are read in the
// few words around each occurrence of the rule's event, through the cues' own trie, after the rule matched:
// the scan of an item pays nothing for them, and an item no rule matched pays nothing at all.

import { CUE_BITS, CUE_WINDOW, endsBetween, POST_WINDOW } from './cues.js';
import { MAX_TERMS, type WordIndex } from './compile.js';
import { FIELD_SPAN, fieldOf, type ItemState } from './item-state.js';
import { phraseAt } from './phrase.js';
import type { Term } from './term.js';
import type { WordSpans } from './tokenize.js';

/** Cue kinds as ItemState.cueKind holds them: bits, as WordIndex.cueKind. */
const NEGATES = CUE_BITS.negator | CUE_BITS.post;
const BEFORE = CUE_BITS.negator | CUE_BITS.hedge;
const { post: POST, pseudo: PSEUDO, stop: STOP } = CUE_BITS;

export class CueReader {
  constructor(private readonly index: WordIndex) {}

  /**
   * The cue that governs a match, as cue index * MAX_TERMS + the id of the event term it governs, or -1.
   * A match is governed when every occurrence of its event terms (CompiledRule.events) that it used has a
   * cue: one plain occurrence states the event. A negator on any of them wins over a hedge. Cues the rule
   * itself matched as terms are not cues for it: a rule that asks for "rejects" is about a rejection.
   */
  governing(state: ItemState, uses: number[], events: Int32Array): number {
    // Mark the rule's event terms, so each of the many uses is checked in one read (no events: all are).
    const mark = ++state.eventMark;
    const stamps = state.eventStamps;
    for (let k = 0; k < events.length; k++) stamps[events[k]!] = mark;
    const all = events.length === 0;
    let found = -1;
    let negated = false;
    for (let u = 0; u < uses.length; u += 2) {
      const id = uses[u]!;
      if (!all && stamps[id] !== mark) continue;
      const cue = this.around(state, id, uses[u + 1]!, uses);
      if (cue < 0) return -1;
      if (found < 0 || (!negated && state.cueKind[cue]! & NEGATES)) {
        found = cue * MAX_TERMS + id;
        negated = (state.cueKind[cue]! & NEGATES) !== 0;
      }
    }
    return found;
  }

  /**
   * The cue of an occurrence of term `id` at `pos`: the nearest negator or hedge starting before it whose
   * last word is at most CUE_WINDOW words before it, else a post-negator at most POST_WINDOW words after
   * it, in its clause; or -1. Cues are looked up here, in the few words around the occurrence, through the
   * cues' own trie, so the scan of an item pays nothing for them and an item no rule matched pays nothing.
   */
  private around(state: ItemState, id: number, pos: number, uses: number[]): number {
    const { cueKind, maxCueWords } = this.index;
    const base = pos - (pos % FIELD_SPAN);
    const spans = state.spans[fieldOf(pos)]!;
    const i = pos - base;
    const last = i + this.wordLength(id) - 1;
    const found = state.cueHits;
    for (let j = i - 1; j >= 0 && i - j - 1 <= CUE_WINDOW + maxCueWords - 1; j--) {
      for (let q = 0, n = this.startingAt(spans, j, found, state.epoch); q < n; q += 2) {
        const cue = found[q]!;
        const cueLast = j + found[q + 1]! - 1;
        if (cueLast >= i) continue;
        const kind = cueKind[cue]!;
        if (i - cueLast - 1 > CUE_WINDOW || kind & STOP) return -1;
        if (!(kind & BEFORE) || this.cancelled(state, spans, j) || this.usedAt(uses, base + j)) continue;
        if (endsBetween(spans.text, spans.ends[cueLast]!, spans.starts[i]!)) return -1;
        return state.addCue(base + j, base + cueLast, kind);
      }
      // No cue before a clause end reaches past it.
      if (j > 0 && endsBetween(spans.text, spans.ends[j - 1]!, spans.starts[j]!)) return -1;
    }
    for (let j = last + 1; j < spans.count && j - last - 1 <= POST_WINDOW; j++) {
      for (let q = 0, n = this.startingAt(spans, j, found, state.epoch); q < n; q += 2) {
        const cue = found[q]!;
        const kind = cueKind[cue]!;
        if (kind & STOP) return -1;
        if (!(kind & POST) || this.usedAt(uses, base + j)) continue;
        if (endsBetween(spans.text, spans.ends[last]!, spans.starts[j]!)) return -1;
        return state.addCue(base + j, base + j + found[q + 1]! - 1, kind);
      }
    }
    return -1;
  }

  /** The cues that start at word j, as (term id, words) pairs at the start of `out`; how many numbers. */
  private startingAt(spans: WordSpans, j: number, out: Int32Array, epoch: number): number {
    // Most words start no cue, and several matches of one item look at the same words: remember those.
    if (spans.noCue[j] === epoch) return 0;
    const { terms, termWords, phraseNext, cueWords } = this.index;
    const walk = cueWords.walk(spans.text, spans.starts[j]!, spans.ends[j]!);
    const termIds = cueWords.termIds;
    let n = 0;
    for (let k = cueWords.first(walk), kEnd = cueWords.first(walk + 1); k < kEnd && n < out.length; k++) {
      const id = termIds[k]!;
      const words = termWords[id]!;
      if (words > 1) {
        if (j + 1 === spans.count || spans.text.charCodeAt(spans.starts[j + 1]!) !== phraseNext[id]) continue;
        if (!phraseAt(terms[id] as Extract<Term, { kind: 'words' }>, spans, j)) continue;
      }
      out[n++] = id;
      out[n++] = words;
    }
    if (n === 0) spans.noCue[j] = epoch;
    return n;
  }

  /** Whether an occurrence the match used (term, position pairs in `uses`) covers the word at `pos`. */
  private usedAt(uses: number[], pos: number): boolean {
    for (let u = 0; u < uses.length; u += 2) {
      const start = uses[u + 1]!;
      if (start <= pos && pos < start + this.wordLength(uses[u]!)) return true;
    }
    return false;
  }

  /** Whether a pseudo-cue ("not only", "no later than") covers word j. */
  private cancelled(state: ItemState, spans: WordSpans, j: number): boolean {
    const found = state.pseudoHits;
    for (let k = j; k >= 0 && j - k < this.index.maxCueWords; k--) {
      for (let q = 0, n = this.startingAt(spans, k, found, state.epoch); q < n; q += 2)
        if (this.index.cueKind[found[q]!]! & PSEUDO && k + found[q + 1]! - 1 >= j) return true;
    }
    return false;
  }

  /** The words of recorded cue c. */
  text(state: ItemState, c: number): string {
    const start = state.cueStart[c]!;
    return state.spans[fieldOf(start)]!.phrase(start % FIELD_SPAN, state.cueEnd[c]! - start + 1);
  }

  /** Words a term's occurrence covers; a regex match is placed at its first word. */
  private wordLength(id: number): number {
    return this.index.termWords[id] || 1;
  }
}
