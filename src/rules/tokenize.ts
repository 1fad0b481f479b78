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
  /** With a trie: per word, where the walk through the trie ended (see WordTrie.terms). */
  trie: number[];
}

/** Length in code units of the word character at i, or 0 if there is none. */
function wordCharAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdfff) return BMP_WORD[c]!;
  const cp = text.codePointAt(i)!;
  return cp > 0xffff && IS_WORD_CHAR.test(String.fromCodePoint(cp)) ? 2 : 0;
}

/**
 * Split normalized text (see normalizeText) into words. Given the matcher's trie of term first words, it
 * walks each word through it as it reads it, so the lookup costs no second pass over the characters.
 */
export function tokenize(normalized: string, trie?: WordTrie): Tokens {
  const words: string[] = [];
  const starts: number[] = [];
  const walks: number[] = [];
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
      words.push(normalized.slice(start, end));
      starts.push(start);
      if (trie !== undefined) walks.push(walked);
      start = -1;
    }
    i++;
  }
  return { words, starts, trie: walks };
}
