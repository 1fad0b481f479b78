// Words are runs of letters, marks and digits, with apostrophes allowed inside (п'ять, don't).
// Hyphens, punctuation and spaces separate words, so "EU-aligned" is the two words "eu aligned".
// An English possessive is read as its word: "nato's" is "nato".
//
// A Unicode property regex is ~5x slower than this loop on Cyrillic text, and tokenizing is most of the
// cost of matching, so word characters of the Basic Multilingual Plane are looked up in a table built once.

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

/** Length in code units of the word character at i, or 0 if there is none. */
function wordCharAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdfff) return BMP_WORD[c]!;
  const cp = text.codePointAt(i)!;
  return cp > 0xffff && IS_WORD_CHAR.test(String.fromCodePoint(cp)) ? 2 : 0;
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
      let end = i;
      if (end - start > 2 && normalized.charCodeAt(end - 1) === 0x73 && normalized.charCodeAt(end - 2) === APOSTROPHE) end -= 2;
      words.push(normalized.slice(start, end));
      starts.push(start);
      start = -1;
    }
    i++;
  }
  return { words, starts };
}
