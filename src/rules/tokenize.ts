// Words are runs of letters, marks and digits, with apostrophes allowed inside (п'ять, don't).
// Hyphens, punctuation and spaces separate words, so "EU-aligned" is the two words "eu aligned".
// An English possessive is read as its word: "nato's" is "nato".
//
// A Unicode property regex is ~5x slower than this loop on Cyrillic text, and tokenizing is most of the
// cost of matching, so word characters of the Basic Multilingual Plane are looked up in a table built once.

import { doubled } from './packed.js';
import type { WordTrie } from './word-trie.js';

const IS_WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;

/** Per BMP code unit: 1 for a word character (surrogates are 0: see wordCharAt). */
const BMP_WORD = new Uint8Array(0x10000);
for (let c = 0; c < 0x10000; c++) {
  if (c < 0xd800 || c > 0xdfff) BMP_WORD[c] = IS_WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 0;
}

const APOSTROPHE = 0x27;

// A trie's character classes (WordTrie.classes, see charClass). Constants of this module, not exported:
// V8 folds a module's own constants into the hot loop, but reads an exported binding each time.
/** A surrogate, to be looked at with wordCharAt. */
const SURROGATE = 0xffff;
/** A word character that no term has at this point. */
const OUTSIDE_TRIE = 1;

/**
 * The class of code unit c for the tokenizer's trie walk (scanTermWords), given its number in the trie's
 * alphabet (0 if no term has it): 0 if it is not part of a word, SURROGATE for half of a pair,
 * OUTSIDE_TRIE for a word character no term has, else its number + 1. The apostrophe is in the alphabet
 * (п'ять) but not a word character: the walk steps it itself.
 */
export function charClass(c: number, letter: number): number {
  if (letter + 1 >= SURROGATE) throw new Error(`WordTrie: too many distinct characters in first words (${letter})`);
  if (c >= 0xd800 && c <= 0xdfff) return SURROGATE;
  if (!BMP_WORD[c]) return 0;
  return letter ? letter + 1 : OUTSIDE_TRIE;
}

/** Length in code units of the word character at i, or 0 if there is none. */
function wordCharAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdfff) return BMP_WORD[c]!;
  const cp = text.codePointAt(i)!;
  return cp > 0xffff && IS_WORD_CHAR.test(String.fromCodePoint(cp)) ? 2 : 0;
}

export interface Tokens {
  words: string[];
  /** Character offset of each word in the normalized text. */
  starts: number[];
}

/**
 * Where the words of one text are, without making a string of each: the matcher needs a word's text only
 * to explain a match, so it reads spans into buffers that are reused from item to item.
 */
export class WordSpans {
  text = '';
  count = 0;
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  /** With a trie: per word, where the walk through the trie ended (see WordTrie.terms). */
  walks = new Int32Array(64);
  /** Per word: the item (matcher epoch) for which it is known to start no negation or hedging cue. */
  noCue = new Int32Array(64);

  word(i: number): string {
    return this.text.slice(this.starts[i], this.ends[i]);
  }

  /** Whether word i is `text` (or, with `prefix`, starts with it). */
  is(i: number, text: string, prefix: boolean): boolean {
    const length = this.ends[i]! - this.starts[i]!;
    return (prefix ? length >= text.length : length === text.length) && this.text.startsWith(text, this.starts[i]);
  }

  /** The text of `length` words from word `at`, joined by single spaces. */
  phrase(at: number, length: number): string {
    let text = this.word(at);
    for (let j = 1; j < length; j++) text += ` ${this.word(at + j)}`;
    return text;
  }

  /** Index of the word that contains a character offset, or of the next word when it falls between words. */
  wordAt(offset: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const betweenWords = this.count > 0 && offset >= this.ends[lo]! && lo + 1 < this.count;
    return betweenWords ? lo + 1 : lo;
  }

  push(start: number, end: number, walk: number): void {
    if (this.count === this.starts.length) this.grow();
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.walks[this.count] = walk;
    this.count++;
  }

  private grow(): void {
    this.starts = doubled(this.starts);
    this.ends = doubled(this.ends);
    this.walks = doubled(this.walks);
    this.noCue = doubled(this.noCue);
  }
}

/** Split normalized text (see normalizeText) into words. */
export function tokenize(normalized: string): Tokens {
  const words: string[] = [];
  const starts: number[] = [];
  const n = normalized.length;
  let start = -1;
  let i = 0;
  while (i <= n) {
    const step = i < n ? wordCharAt(normalized, i) : 0;
    if (step > 0) {
      if (start < 0) start = i;
      i += step;
      continue;
    }
    if (start >= 0) {
      const c = i < n ? normalized.charCodeAt(i) : 0;
      if (c === APOSTROPHE && i + 1 < n && wordCharAt(normalized, i + 1) > 0) {
        i++;
        continue;
      }
      const end = possessiveEnd(normalized, start, i);
      words.push(normalized.slice(start, end));
      starts.push(start);
      start = -1;
    }
    i++;
  }
  return { words, starts };
}

/** Where a word that ends at `end` ends without an English possessive "'s". */
function possessiveEnd(text: string, start: number, end: number): number {
  return end - start > 2 && text.charCodeAt(end - 1) === 0x73 && text.charCodeAt(end - 2) === APOSTROPHE
    ? end - 2
    : end;
}

/**
 * Find the words of normalized text into `out` (emptied first), walking each through the matcher's trie of
 * term first words as it reads it, so the lookup costs no second pass over the characters. The trie's
 * character classes say in one read whether a code unit is part of a word and where it leads in the trie.
 */
export function scanTermWords(normalized: string, trie: WordTrie, out: WordSpans): WordSpans {
  out.text = normalized;
  out.count = 0;
  const { classes, cells } = trie;
  const n = normalized.length;
  let start = -1;
  // The trie walk: current node (-1 once no term continues), the deepest node reached, and the same
  // two at the word's last apostrophe, for a possessive "'s" that is dropped from the word.
  let node = 0;
  let deepest = 0;
  let atApostrophe = 0;
  let i = 0;
  while (i <= n) {
    const c = i < n ? normalized.charCodeAt(i) : 0;
    const k = classes[c]!;
    const step = k === SURROGATE ? wordCharAt(normalized, i) : k === 0 ? 0 : 1;
    if (step > 0) {
      if (start < 0) {
        start = i;
        node = 0;
        deepest = 0;
      }
      if (node >= 0) {
        if (k === SURROGATE) {
          node = trie.step(node, c);
          if (node >= 0 && step === 2) node = trie.step(node, normalized.charCodeAt(i + 1));
        } else {
          // A letter of the trie's alphabet is class code + 1, so its slot under `node` is base + class - 1.
          const t = cells[2 * node]! + k - 1;
          node = k !== OUTSIDE_TRIE && cells[2 * t + 1] === node ? t : -1;
        }
        if (node >= 0) deepest = node;
      }
      i += step;
      continue;
    }
    if (start >= 0) {
      if (c === APOSTROPHE && i + 1 < n && wordCharAt(normalized, i + 1) > 0) {
        atApostrophe = node >= 0 ? node * 2 + 1 : deepest * 2;
        if (node >= 0) {
          node = trie.step(node, APOSTROPHE);
          if (node >= 0) deepest = node;
        }
        i++;
        continue;
      }
      const end = possessiveEnd(normalized, start, i);
      out.push(start, end, end < i ? atApostrophe : node >= 0 ? node * 2 + 1 : deepest * 2);
      start = -1;
    }
    i++;
  }
  return out;
}
