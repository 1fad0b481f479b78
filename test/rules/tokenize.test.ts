import { describe, expect, it } from 'vitest';
import { normalizeText, tokenize } from '../../src/rules/index.js';

const words = (text: string) => tokenize(normalizeText(text)).words;

// Table: [behaviour, raw text, words after normalizeText + tokenize].
const cases: [string, string, string[]][] = [
  // Empty and separator-only input
  ['gives no words for an empty string', '', []],
  ['gives no words for spaces only', '   \t\n ', []],
  ['gives no words for punctuation only', '...!?—«»', []],
  ['gives no words for a lone apostrophe', "'", []],

  // Plain words and separators
  ['splits on spaces', 'talks resume today', ['talks', 'resume', 'today']],
  ['splits on runs of mixed whitespace', 'talks \t\n resume', ['talks', 'resume']],
  ['drops punctuation around words', '"Talks," he said: (resume)!', ['talks', 'he', 'said', 'resume']],
  ['drops quotation marks of all kinds', '«переговори» “talks” „gespräche“', ['переговори', 'talks', 'gespräche']],
  ['splits on a hyphen', 'EU-aligned', ['eu', 'aligned']],
  ['splits on an en dash and an em dash', 'US–EU—UK', ['us', 'eu', 'uk']],
  ['splits on a slash and a dot', 'and/or e.g.', ['and', 'or', 'e', 'g']],
  ['splits Cyrillic on a hyphen', 'Північно-Атлантичний', ['північно', 'атлантичний']],

  // Digits
  ['keeps digits as words', 'Resolution 2231', ['resolution', '2231']],
  ['keeps letters and digits together in one word', 'G7 F-16 covid19', ['g7', 'f', '16', 'covid19']],
  ['splits a decimal number at the dot', '3.5 percent', ['3', '5', 'percent']],
  ['drops a percent sign', '75% of Ukrainians', ['75', 'of', 'ukrainians']],
  ['reads full-width digits as digits', '２０２６', ['2026']],

  // Case, ё
  ['lower-cases English words', 'NATO Summit', ['nato', 'summit']],
  ['lower-cases Ukrainian words', 'КИЇВ Ґанок', ['київ', 'ґанок']],
  ['lower-cases Russian words', 'ПЕРЕГОВОРЫ Москва', ['переговоры', 'москва']],
  ['reads ё as е inside words', 'Всё решено', ['все', 'решено']],

  // Apostrophes
  ["keeps the ASCII apostrophe inside a Ukrainian word (п'ять)", "п'ять", ["п'ять"]],
  ['keeps ’ inside a Ukrainian word as an apostrophe (п’ять)', 'п’ять', ["п'ять"]],
  ['keeps ʼ inside a Ukrainian word as an apostrophe (пʼять)', 'пʼять', ["п'ять"]],
  ['keeps ‘ inside a Ukrainian word as an apostrophe (п‘ять)', 'п‘ять', ["п'ять"]],
  ['keeps ` inside a Ukrainian word as an apostrophe (п`ять)', 'п`ять', ["п'ять"]],
  ['keeps the apostrophe in мʼясо and об’єкт', 'мʼясо об’єкт', ["м'ясо", "об'єкт"]],
  ['keeps apostrophes inside English words', "don't rock'n'roll", ["don't", "rock'n'roll"]],
  ['drops an apostrophe that opens a word', "'quoted", ['quoted']],
  ['drops an apostrophe that closes a word', "quoted' next", ['quoted', 'next']],
  ['drops a doubled apostrophe between letters', "a''b", ['a', 'b']],

  // English possessive
  ["reads NATO's as nato", "NATO's summit", ['nato', 'summit']],
  ['reads NATO’s (typographic apostrophe) as nato', 'NATO’s summit', ['nato', 'summit']],
  ['reads a possessive at the end of the text', "the summit of NATO's", ['the', 'summit', 'of', 'nato']],
  ['reads a possessive before punctuation', "Russia's, Ukraine's.", ['russia', 'ukraine']],
  ["keeps a plural possessive (allies') as its word", "allies' pledges", ['allies', 'pledges']],
  ["reads a one-letter possessive (A's) as its letter", "Plan A's terms", ['plan', 'a', 'terms']],
  ["does not strip 's from a word that is only 's", "'s", ['s']],
  ["does not strip 's' in the middle of a word", "o'sullivan", ["o'sullivan"]],

  // Astral characters
  ['keeps astral letters (Gothic) as a word', '𐌰𐌱 x', ['𐌰𐌱', 'x']],
  ['keeps astral letters inside a Latin word', 'a𐌰b', ['a𐌰b']],
  ['folds astral mathematical letters to ASCII', '𝐍𝐀𝐓𝐎 summit', ['nato', 'summit']],
  ['treats an emoji as a separator', 'talks🔥resume', ['talks', 'resume']],
  ['treats a lone surrogate as a separator', 'talks\uD800resume', ['talks', 'resume']],

  // Marks
  ['keeps a combining mark inside a word', 'cafe\u0301 noir', ['café', 'noir']],
];

describe('tokenize(normalizeText(...))', () => {
  it.each(cases)('%s', (_name, input, expected) => {
    expect(words(input)).toEqual(expected);
  });
});

describe('tokenize offsets', () => {
  it('gives the offset of each word in the normalized text', () => {
    const text = normalizeText('  Talks, in MIAMI-Dade');
    const { words: w, starts } = tokenize(text);
    expect(w).toEqual(['talks', 'in', 'miami', 'dade']);
    expect(starts).toEqual([2, 9, 12, 18]);
    w.forEach((word, i) => expect(text.slice(starts[i], starts[i]! + word.length)).toBe(word));
  });

  it("points a possessive word at its start, without the 's", () => {
    const { words: w, starts } = tokenize("nato's plan");
    expect(w).toEqual(['nato', 'plan']);
    expect(starts).toEqual([0, 7]);
  });

  it('counts astral letters as two code units in offsets', () => {
    const { words: w, starts } = tokenize('𐌰𐌱 x');
    expect(w).toEqual(['𐌰𐌱', 'x']);
    expect(starts).toEqual([0, 5]);
  });

  it('gives no offsets for text without words', () => {
    expect(tokenize('')).toEqual({ words: [], starts: [] });
    expect(tokenize(' - ')).toEqual({ words: [], starts: [] });
  });
});
