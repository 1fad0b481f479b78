import { describe, expect, it } from 'vitest';
import { RuleError } from '../../src/rules/index.js';
import { parseTerm, type WordPattern } from '../../src/rules/term.js';

const w = (text: string): WordPattern => ({ text, prefix: false });
const p = (text: string): WordPattern => ({ text, prefix: true });

// Table: [behaviour, term as written, words, key].
// prettier-ignore
const wordTerms: [string, string, WordPattern[], string][] = [
  ['parses a word as a whole word', 'poll', [w('poll')], 'poll'],
  ['normalizes a word (case)', 'NATO', [w('nato')], 'nato'],
  ['normalizes a word (ё as е)', 'Ёлка', [w('елка')], 'елка'],
  ['normalizes a word (apostrophe variants)', 'пʼять', [w("п'ять")], "п'ять"],
  ['normalizes a word (NFKC)', 'ＮＡＴＯ', [w('nato')], 'nato'],
  ["reads a possessive as its word (NATO's)", "NATO's", [w('nato')], 'nato'],
  ['parses a trailing * as a prefix', 'poll*', [p('poll')], 'poll*'],
  ['parses a Cyrillic prefix', 'переговор*', [p('переговор')], 'переговор*'],
  ['accepts a two-letter prefix', 'eu*', [p('eu')], 'eu*'],
  ['accepts a two-letter astral prefix (counted in code points)', '𐌰𐌱*', [p('𐌰𐌱')], '𐌰𐌱*'],
  ['parses several words as a phrase', 'security guarantees', [w('security'), w('guarantees')], 'security guarantees'],
  ['parses a phrase whose last word is a prefix', 'security guarantee*', [w('security'), p('guarantee')], 'security guarantee*'],
  ['parses a phrase whose every word is a prefix', 'територіальн* поступ*', [p('територіальн'), p('поступ')], 'територіальн* поступ*'],
  ['parses a phrase whose first word is a prefix', 'territorial* concession', [p('territorial'), w('concession')], 'territorial* concession'],
  ['trims and collapses whitespace in a phrase', '  security \t guarantee*  ', [w('security'), p('guarantee')], 'security guarantee*'],
  ['reads a hyphenated word as a phrase', 'EU-aligned', [w('eu'), w('aligned')], 'eu aligned'],
  ['puts the prefix of a hyphenated word on its last part only', 'EU-align*', [w('eu'), p('align')], 'eu align*'],
  ['drops quotation marks written into the term', '"Miami Heat"', [w('miami'), w('heat')], 'miami heat'],
  ['keeps digits', 'G7', [w('g7')], 'g7'],
  ['reads RE: in capitals as words, not as a regex', 'RE:talks', [w('re'), w('talks')], 're talks'],
];

describe('parseTerm: words, prefixes, phrases', () => {
  it.each(wordTerms)('%s', (_name, source, words, key) => {
    const term = parseTerm(source);
    expect(term).toEqual({ kind: 'words', source, key, words });
  });

  it('gives spellings that normalize alike the same key', () => {
    expect(parseTerm('П’ЯТЬ').key).toBe(parseTerm("п'ять").key);
    expect(parseTerm('NATO').key).toBe(parseTerm('nato').key);
  });

  it('gives a word and its prefix different keys', () => {
    expect(parseTerm('poll').key).not.toBe(parseTerm('poll*').key);
  });
});

describe('parseTerm: regular expressions', () => {
  it('parses re:PATTERN as a regex over the pattern after "re:"', () => {
    const term = parseTerm('re:\\b(19|20)\\d\\d\\b');
    expect(term.kind).toBe('regex');
    expect(term.source).toBe('re:\\b(19|20)\\d\\d\\b');
    expect(term.key).toBe('re:\\b(19|20)\\d\\d\\b');
    if (term.kind !== 'regex') throw new Error('unreachable');
    expect(term.regex.source).toBe('\\b(19|20)\\d\\d\\b');
  });

  it('compiles the regex case-insensitive and Unicode-aware', () => {
    const term = parseTerm('re:nato\\s+summit');
    if (term.kind !== 'regex') throw new Error('expected a regex term');
    expect(term.regex.flags).toContain('i');
    expect(term.regex.flags).toContain('u');
    expect([
      ...'NATO Summit'.matchAll(new RegExp(term.regex.source, `${term.regex.flags.replace('g', '')}g`)),
    ]).toHaveLength(1);
  });

  it('keeps the pattern as written (not normalized)', () => {
    const term = parseTerm('re:Ёлка');
    if (term.kind !== 'regex') throw new Error('expected a regex term');
    expect(term.regex.source).toBe('Ёлка');
  });
});

// Table: [behaviour, term as written, part of the message].
const errors: [string, string, RegExp][] = [
  ['refuses a lone *', '*', /lone "\*" matches every word/],
  ['refuses a lone * inside a phrase', 'talks *', /lone "\*"/],
  ['refuses * inside a word', 'pol*l', /"\*" is allowed only at the end of a word/],
  ['refuses * at the start of a word', '*poll', /"\*" is allowed only at the end of a word/],
  ['refuses a double **', 'poll**', /"\*" is allowed only at the end of a word/],
  ['refuses a one-letter prefix', 'p*', /prefix "p\*" is too short/],
  ['refuses a one-letter Cyrillic prefix', 'п*', /prefix "п\*" is too short/],
  ['refuses a one-letter astral prefix', '𐌰*', /too short/],
  ['refuses a one-letter prefix at the end of a phrase', 'talks p*', /prefix "p\*" is too short/],
  ['refuses a one-letter prefix anywhere in a phrase', 'a* talks', /prefix "a\*" is too short/],
  ['refuses a one-letter prefix after a hyphen', 'EU-a*', /prefix "a\*" is too short/],
  ['refuses a term without letters or digits', '!!!', /has no letters or digits/],
  ['refuses a prefix without letters or digits', '-*', /no letters or digits|lone/],
  ['refuses an empty re:', 're:', /empty regular expression/],
  ['refuses an unsafe re: (nested repetition)', 're:(a+)+', /nested repetition/],
  ['refuses an unsafe re: (backreference)', 're:(a)\\1', /backreference/],
  ['refuses an invalid re:', 're:(a', /invalid regular expression/],
];

describe('parseTerm: errors', () => {
  it.each(errors)('%s', (_name, source, message) => {
    expect(() => parseTerm(source)).toThrow(RuleError);
    expect(() => parseTerm(source)).toThrow(message);
  });

  it('names the term as written in the message', () => {
    expect(() => parseTerm('talks pol*l')).toThrow('in "talks pol*l"');
  });
});
