import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/rules/index.js';

// normalizeText is applied the same way to rule terms and to item text: NFKC, lower case, ё read as е,
// every apostrophe variant read as U+0027. Table: [behaviour, input, expected].
const cases: [string, string, string][] = [
  // Empty and plain ASCII
  ['keeps an empty string empty', '', ''],
  ['leaves lower-case ASCII alone', 'talks resume in miami', 'talks resume in miami'],
  [
    'keeps punctuation and spacing (tokenize drops them later)',
    'Talks: 75% — "yes"!\tnext\nline',
    'talks: 75% — "yes"!\tnext\nline',
  ],
  ['keeps digits', 'Resolution 2231 of 2015', 'resolution 2231 of 2015'],

  // NFKC
  ['folds the fi ligature', 'ﬁnance', 'finance'],
  ['folds the fl and ffi ligatures', 'ﬂight oﬃce', 'flight office'],
  ['folds full-width Latin letters', 'ＮＡＴＯ', 'nato'],
  ['folds full-width digits', '２０２６', '2026'],
  ['folds a full-width apostrophe to U+0027', 'п＇ять', "п'ять"],
  ['composes е + combining diaeresis before reading ё as е', 'е\u0308лка', 'елка'],
  ['composes и + combining breve into й', 'и\u0306', 'й'],
  ['folds mathematical bold letters (astral) to ASCII', '𝐍𝐀𝐓𝐎', 'nato'],
  ['keeps astral letters without a compatibility form', '𐌰𐌱', '𐌰𐌱'],
  ['folds superscript digits', 'x²', 'x2'],

  // Case folding in en, uk, ru
  ['lower-cases English', 'NATO Summit', 'nato summit'],
  ['lower-cases Ukrainian letters і ї є ґ', 'ІЇЄҐ Київ', 'іїєґ київ'],
  ['lower-cases Russian letters ы э ъ', 'ЫЭЪ Переговоры', 'ыэъ переговоры'],

  // ё → е
  ['reads ё as е', 'ёлка', 'елка'],
  ['reads capital Ё as е', 'Ёж ЁЛКА', 'еж елка'],
  ['reads every ё in a word as е', 'ёжё', 'еже'],
  ['leaves Ukrainian є and ї alone', 'єї', 'єї'],

  // Apostrophes: ' ’ ʼ ‘ ` read as one
  ['keeps the ASCII apostrophe', "п'ять", "п'ять"],
  ['reads the right single quotation mark ’ as an apostrophe', 'п’ять', "п'ять"],
  ['reads the modifier letter apostrophe ʼ as an apostrophe', 'пʼять', "п'ять"],
  ['reads the left single quotation mark ‘ as an apostrophe', 'п‘ять', "п'ять"],
  ['reads the grave accent ` as an apostrophe', 'п`ять', "п'ять"],
  ['reads the prime ′ as an apostrophe', 'п′ять', "п'ять"],
  ['unifies apostrophes in English possessives', 'NATO’s', "nato's"],
  ['reads the acute accent ´ as an apostrophe (before NFKC would split it)', 'п´ять', "п'ять"],
  ['reads the grave accent ` as an apostrophe in otherwise plain ASCII', 'don`t', "don't"],
  ['reads the Turkish dotted capital İ as i', 'İstanbul', 'istanbul'],
];

describe('normalizeText', () => {
  it.each(cases)('%s', (_name, input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it('is idempotent on every case of the table', () => {
    for (const [, input] of cases) expect(normalizeText(normalizeText(input))).toBe(normalizeText(input));
  });

  it('makes the three common spellings of п’ять the same string', () => {
    expect(new Set(["п'ять", 'п’ять', 'пʼять', 'п‘ять', 'п`ять'].map(normalizeText))).toEqual(new Set(["п'ять"]));
  });
});
