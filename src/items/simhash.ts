// A near-duplicate fingerprint: 64-bit SimHash (Charikar 2002; Manku, Jain, Das Sarma 2007) over word
// shingles, so that the same story from several outlets, lightly reworded, retitled or with a sentence
// added, gets a fingerprint a few bits away, while different stories land about 32 bits apart.
//
// Text: NFKC, lower case, ё read as е; words are runs of letters, marks and digits (every apostrophe
// variant, ' ’ ʼ, splits a word the same way, so "п’ять" and "пʼять" agree). Features: word 3-shingles,
// which keep the word order a bag of words loses (news of one topic shares its vocabulary but rarely its
// three-word runs). A text under SHORT_TEXT_WORDS words is a title alone; there three-word runs are too
// few to survive one changed word, and the words themselves separate copies from other titles best
// (measured: same-story titles 8-17 bits apart with words, 12-21 with 2-shingles, 14-26 with 3-shingles;
// other titles of the topic 25-32 with any). Title plus summary is longer than that in any feed we know.
//
// Hashing works on 32-bit numbers: BigInt 64-bit FNV is several times slower. Each word is hashed once
// while the text is scanned (FNV-1a, then murmur3's finalizer for avalanche); a shingle mixes its word
// hashes murmur3-style into 32 bits, from which two different finalizers make the two halves of 64.
// Every bit of the fingerprint is the sign of the sum of that bit over all shingles (+1 set, -1 clear).

/** Texts with fewer words are shingled word by word (a title alone); longer ones by three words. */
export const SHORT_TEXT_WORDS = 16;

/**
 * Fingerprints at most this many bits apart are the same story. Calibrated on the story pairs of
 * test/items/simhash.test.ts under 2,000 independent hash functions: at 14 bits 3.4% of the same-story
 * pairs are missed and 0.011% of the same-topic pairs merged; at 6 bits 71% would be missed. Every word
 * changed in a 100-word text changes three shingles, so copies sit 4-14 bits apart, not 0-3.
 */
export const NEAR_DUPLICATE_BITS = 14;

const IS_WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
// Word characters of the Basic Multilingual Plane, looked up in a table (a \p{} regex per character is
// several times slower on Cyrillic). U+02BC MODIFIER LETTER APOSTROPHE is a letter to Unicode but an
// apostrophe to Ukrainian writers, so it separates like ' and ’ do.
const BMP_WORD = new Uint8Array(0x10000);
for (let c = 0; c < 0x10000; c++) {
  if ((c < 0xd800 || c > 0xdfff) && c !== 0x02bc) BMP_WORD[c] = IS_WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 0;
}
const NEEDS_NFKC = /[^\x20-\x7E\t\n\r]/;
const YO = 0x0451;
const YE = 0x0435;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

/** One 32-bit hash per word of the text, in order. */
export function wordHashes(text: string): number[] {
  const s = (NEEDS_NFKC.test(text) ? text.normalize('NFKC') : text).toLowerCase();
  const out: number[] = [];
  let h = 0;
  let inWord = false;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    // A surrogate pair is one character: a word character when its code point is a letter, mark or digit.
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < n;
    const isWord = pair ? IS_WORD_CHAR.test(String.fromCodePoint(s.codePointAt(i)!)) : BMP_WORD[c] === 1;
    if (isWord) {
      if (!inWord) {
        h = 0x811c9dc5;
        inWord = true;
      }
      h = Math.imul(h ^ (c === YO ? YE : c), 0x01000193);
      if (pair) h = Math.imul(h ^ s.charCodeAt(i + 1), 0x01000193);
    } else if (inWord) {
      out.push(fmix32(h));
      inWord = false;
    }
    if (pair) i++;
  }
  if (inWord) out.push(fmix32(h));
  return out;
}

/** The 64-bit SimHash of word hashes over k-shingles, as [high 32 bits, low 32 bits]. */
export function simhashOf(words: readonly number[], k: number): [number, number] {
  // Set bits are counted four bits to a counter: bit b of a half goes to nibble b >> 2 of nibbles[4 * half
  // + b % 4], so one shingle is eight additions, not 64. A nibble holds 15; the counters are emptied into
  // `ones` every 15 shingles, before one could overflow.
  const ones = new Int32Array(64);
  const nibbles = new Int32Array(8);
  const flush = () => {
    for (let r = 0; r < 8; r++) {
      const acc = nibbles[r]!;
      const half = r < 4 ? 0 : 32;
      for (let q = 0; q < 8; q++) ones[half + 4 * q + (r & 3)]! += (acc >>> (4 * q)) & 0xf;
      nibbles[r] = 0;
    }
  };
  const shingles = Math.max(0, words.length - k + 1);
  for (let i = 0; i < shingles; i++) {
    // murmur3's block step over the k word hashes of the shingle, then its tail with the length
    let h = 0x9747b28c;
    for (let j = i; j < i + k; j++) {
      let w = Math.imul(words[j]!, 0xcc9e2d51);
      w = Math.imul(rotl(w, 15), 0x1b873593);
      h = Math.imul(rotl(h ^ w, 13), 5) + 0xe6546b64;
    }
    h ^= k;
    const lo = fmix32(h);
    const hi = fmix32(h ^ 0x5bd1e995);
    for (let r = 0; r < 4; r++) {
      nibbles[r]! += (lo >>> r) & 0x11111111;
      nibbles[4 + r]! += (hi >>> r) & 0x11111111;
    }
    if (i % 15 === 14) flush();
  }
  flush();
  // A bit is set when more shingles set it than clear it: the sign of (ones - (shingles - ones)).
  let lo = 0;
  let hi = 0;
  for (let b = 0; b < 32; b++) {
    if (2 * ones[b]! > shingles) lo |= 1 << b;
    if (2 * ones[32 + b]! > shingles) hi |= 1 << b;
  }
  return [hi >>> 0, lo >>> 0];
}

const hex8 = (x: number): string => x.toString(16).padStart(8, '0');

/** The near-duplicate fingerprint of a text: 64-bit SimHash as 16 lower-case hex digits. */
export function fingerprint(text: string): string {
  const words = wordHashes(text);
  const k = words.length >= SHORT_TEXT_WORDS ? 3 : 1;
  const [hi, lo] = simhashOf(words, k);
  return hex8(hi) + hex8(lo);
}

const FINGERPRINT = /^[\da-f]{16}$/i;

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** How many of the 64 bits differ between two fingerprints. */
export function hammingDistance(a: string, b: string): number {
  if (!FINGERPRINT.test(a) || !FINGERPRINT.test(b)) {
    throw new RangeError(`items: a fingerprint is 16 hex digits, got ${JSON.stringify(a)} and ${JSON.stringify(b)}`);
  }
  const hi = Number.parseInt(a.slice(0, 8), 16) ^ Number.parseInt(b.slice(0, 8), 16);
  const lo = Number.parseInt(a.slice(8), 16) ^ Number.parseInt(b.slice(8), 16);
  return popcount32(hi) + popcount32(lo);
}

/** Whether two fingerprints are close enough to be the same story. */
export function isNearDuplicate(a: string, b: string, maxBits: number = NEAR_DUPLICATE_BITS): boolean {
  return hammingDistance(a, b) <= maxBits;
}
