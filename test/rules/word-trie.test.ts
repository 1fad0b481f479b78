import { describe, expect, it } from 'vitest';
import { charClass, scanTermWords, tokenize, WordSpans } from '../../src/rules/tokenize.js';
import { WordTrie } from '../../src/rules/word-trie.js';

// The trie is checked against the plain definition: the terms a word starts are the prefix terms it
// begins with and the exact terms equal to it.

/** Walk a whole word as tokenize() does, and return the state it reports. */
function walk(trie: WordTrie, word: string): number {
  let node = 0;
  let deepest = 0;
  for (let i = 0; i < word.length && node >= 0; i++) {
    node = trie.step(node, word.charCodeAt(i));
    if (node >= 0) deepest = node;
  }
  return node >= 0 ? node * 2 + 1 : deepest * 2;
}

function seeded(seed: number) {
  let s = seed;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

const ALPHABETS = [
  'abcdefghijklmnopqrstuvwxyz',
  'абвгдежзийклмнопрстуфхцчшщъыьэюяіїєґ',
  "'0123456789",
  '\u{1D400}\u{1D401}',
];

function randomWord(rnd: () => number, maxLength: number): string {
  const alphabet = [...ALPHABETS[Math.floor(rnd() * rnd() * ALPHABETS.length)]!];
  let w = '';
  const n = 1 + Math.floor(rnd() * maxLength);
  for (let i = 0; i < n; i++) w += alphabet[Math.floor(rnd() * alphabet.length)]!;
  return w;
}

describe('WordTrie', () => {
  it('finds exactly the prefix terms a word begins with and the exact terms equal to it', () => {
    const rnd = seeded(7);
    const terms: { text: string; prefix: boolean }[] = [];
    for (let i = 0; i < 3000; i++) terms.push({ text: randomWord(rnd, i % 10 === 0 ? 12 : 4), prefix: rnd() < 0.4 });
    // Deep chains and shared stems, as Slavic inflection gives them.
    for (const stem of ['україн', 'украин', 'гаранті', 'ukrain', 'negotiat']) {
      terms.push(
        { text: stem, prefix: true },
        { text: `${stem}а`, prefix: false },
        { text: `${stem}ою`, prefix: false },
      );
    }
    const trie = new WordTrie();
    terms.forEach((t, id) => trie.add(t.text, t.prefix, id));
    trie.freeze(charClass);

    const queries = [...terms.map((t) => t.text), ...terms.map((t) => `${t.text}ing`), 'україна', 'украиной', 'x', 'ё'];
    for (let i = 0; i < 3000; i++) queries.push(randomWord(rnd, 8));
    let found = 0;
    for (const word of queries) {
      const expected = terms
        .flatMap((t, id) => ((t.prefix ? word.startsWith(t.text) : word === t.text) ? [id] : []))
        .sort((a, b) => a - b);
      const got = [...trie.terms(walk(trie, word))].sort((a, b) => a - b);
      expect(got, word).toEqual(expected);
      found += got.length;
    }
    expect(found).toBeGreaterThan(queries.length / 2);
  });

  it('is walked by the tokenizer to the same place as word by word, apostrophes, possessives and astral letters included', () => {
    const rnd = seeded(11);
    const terms = ["п'ять", 'nato', 'don', "don't", 'ab', '\u{1D400}\u{1D401}', 'україн', 'x'];
    for (let i = 0; i < 400; i++) terms.push(randomWord(rnd, 5));
    const trie = new WordTrie();
    terms.forEach((t, id) => trie.add(t, id % 3 === 0, id));
    trie.freeze(charClass);
    const pieces = [
      ...terms,
      "nato's",
      "п'ятьох",
      "don't",
      "'s",
      "o'",
      'ё',
      '\u{1D400}',
      ' ',
      ' ',
      ', ',
      '-',
      "'",
      '\uD800',
    ];
    let matched = 0;
    for (let n = 0; n < 300; n++) {
      let text = '';
      for (let k = 0; k < 12; k++) text += pieces[Math.floor(rnd() * pieces.length)]! + (rnd() < 0.6 ? ' ' : '');
      const spans = scanTermWords(text, trie, new WordSpans());
      const { words } = tokenize(text);
      expect(
        Array.from({ length: spans.count }, (_, i) => spans.word(i)),
        text,
      ).toEqual(words);
      words.forEach((word, i) => {
        expect(spans.walks[i], `${text}: ${word}`).toBe(walk(trie, word));
        if (trie.terms(spans.walks[i]!).length) matched++;
      });
    }
    expect(matched).toBeGreaterThan(300);
  });

  it('knows no term when empty, and refuses terms added after it is frozen', () => {
    const trie = new WordTrie().freeze(charClass);
    expect(trie.terms(walk(trie, 'anything'))).toEqual([]);
    expect(() => trie.add('late', false, 0)).toThrow(/after freeze/);
  });
});
