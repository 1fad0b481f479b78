// Words are runs of letters, marks and digits, with apostrophes allowed inside (п'ять, don't).
// Hyphens, punctuation and spaces separate words, so "EU-aligned" is the two words "eu aligned".
// An English possessive is read as its word: "nato's" is "nato".
//
// A Unicode property regex is ~5x slower than this loop on Cyrillic text, and tokenizing is most of the
// cost of matching, so word characters of the Basic Multilingual Plane are looked up in a table built once.

import type { WordTrie } from './word-trie.js';

const IS_WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
const BMP_WORD = new Uint8Array(0x10000);
for (let c = 0; c < 0x10000; c++) {
  if (c < 0xd800 || c > 0xdfff) BMP_WORD[c] = IS_WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 0;
}
const APOSTROPHE = 0x27;

export interface Tokens {
  words: string[];
  /** Character offset of each word in the normalized text. */
  starts: number[];
}

/**
 * Where the words of one text are, without making a string of each: the matcher needs a word's text only
 * to explain a match, so it reads spans into buffers that are reused from item to item.
 */
export class WordSpans implements WordSink {
  text = '';
  count = 0;
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  /** With a trie: per word, where the walk through the trie ended (see WordTrie.terms). */
  walks = new Int32Array(64);

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
    const double = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.starts = double(this.starts);
    this.ends = double(this.ends);
    this.walks = double(this.walks);
  }
}

/** Length in code units of the word character at i, or 0 if there is none. */
function wordCharAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdfff) return BMP_WORD[c]!;
  const cp = text.codePointAt(i)!;
  return cp > 0xffff && IS_WORD_CHAR.test(String.fromCodePoint(cp)) ? 2 : 0;
}

/** Where scanWords puts each word it finds: spans for the matcher, strings for everyone else. */
interface WordSink {
  text: string;
  count: number;
  push(start: number, end: number, walk: number): void;
}

class WordList implements WordSink, Tokens {
  count = 0;
  readonly words: string[] = [];
  readonly starts: number[] = [];

  constructor(public text: string) {}

  push(start: number, end: number): void {
    this.words.push(this.text.slice(start, end));
    this.starts.push(start);
  }
}

/** Split normalized text (see normalizeText) into words. */
export function tokenize(normalized: string): Tokens {
  const { words, starts } = scanWords(normalized, undefined, new WordList(normalized));
  return { words, starts };
}

/**
 * Find the words of normalized text into `out` (emptied first). Given the matcher's trie of term first
 * words, it walks each word through it as it reads it, so the lookup costs no second pass over the
 * characters.
 */
export function scanWords<Sink extends WordSink>(normalized: string, trie: WordTrie | undefined, out: Sink): Sink {
  out.text = normalized;
  out.count = 0;
  const n = normalized.length;
  let start = -1;
  // The trie walk: current node (-1 once no term continues), the deepest node reached, and the same
  // two at the word's last apostrophe, for a possessive "'s" that is dropped from the word.
  let node = 0;
  let deepest = 0;
  let atApostrophe = 0;
  let i = 0;
  while (i <= n) {
    const step = i < n ? wordCharAt(normalized, i) : 0;
    if (step > 0) {
      if (start < 0) {
        start = i;
        node = 0;
        deepest = 0;
      }
      if (trie !== undefined && node >= 0) {
        node = trie.step(node, normalized.charCodeAt(i));
        if (node >= 0 && step === 2) node = trie.step(node, normalized.charCodeAt(i + 1));
        if (node >= 0) deepest = node;
      }
      i += step;
      continue;
    }
    if (start >= 0) {
      const c = i < n ? normalized.charCodeAt(i) : 0;
      if (c === APOSTROPHE && i + 1 < n && wordCharAt(normalized, i + 1) > 0) {
        if (trie !== undefined) {
          atApostrophe = node >= 0 ? node * 2 + 1 : deepest * 2;
          if (node >= 0) {
            node = trie.step(node, APOSTROPHE);
            if (node >= 0) deepest = node;
          }
        }
        i++;
        continue;
      }
      let end = i;
      let walked = node >= 0 ? node * 2 + 1 : deepest * 2;
      if (end - start > 2 && normalized.charCodeAt(end - 1) === 0x73 && normalized.charCodeAt(end - 2) === APOSTROPHE) {
        end -= 2;
        walked = atApostrophe;
      }
      out.push(start, end, trie === undefined ? 0 : walked);
      start = -1;
    }
    i++;
  }
  return out;
}
