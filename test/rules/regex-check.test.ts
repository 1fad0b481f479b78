import { describe, expect, it } from 'vitest';
import { RuleError } from '../../src/rules/index.js';
import { compileSafeRegex } from '../../src/rules/regex-check.js';

// compileSafeRegex accepts what RE2 accepts (no backreferences, no lookaround) minus the shapes that can
// backtrack catastrophically: nested repetition, repeated overlapping alternations, unbounded repetitions that
// can trade characters, huge counts. Table: [behaviour, pattern].
const accepted: [string, string][] = [
  ['accepts a plain word', 'nato'],
  ['accepts a year with word boundaries and alternation', '\\b(19|20)\\d\\d\\b'],
  ['accepts flat repetition', 'a+b*c?'],
  ['accepts an unbounded counted repetition outside a group', '\\d{2,}'],
  ['accepts (ab)+: repetition of a group without repetition inside', '(ab)+'],
  ['accepts (a{2})+: a bounded count inside an unbounded group', '(a{2})+'],
  ['accepts (?:ab|cd)+: a repeated non-capturing alternation', '(?:ab|cd)+'],
  ['accepts (a+)?: an optional group is not a repetition', '(a+)?'],
  ['accepts (a+)b+: repetition after a group, not of it', '(a+)b+'],
  ['accepts sibling groups each with repetition', '(a+)(b+)'],
  ['accepts a named group (?<year>...), which is not a lookbehind', '(?<year>\\d{4})'],
  ['accepts a repeated character class holding a parenthesis', '[(]+'],
  ['accepts a character class holding ) followed by +', '[)]+'],
  ['accepts escaped parentheses with repetition around them', '\\((a+)\\)'],
  ['accepts an escaped + after a group', '(a+)\\+'],
  ['accepts an escaped ] inside a class', '[\\]a]+'],
  ['accepts an escaped backslash followed by a digit (not a backreference)', '\\\\1'],
  ['accepts Cyrillic text and classes', 'переговор[а-яіїєґ]*'],
  ['accepts \\p{L} Unicode classes', '\\p{L}+'],
  ['accepts a repeated alternation whose branches start differently', '(?:talks|meeting)+'],
  ['accepts two unbounded repetitions a required separator keeps apart (\\w+\\s+\\w+)', '\\w+\\s+\\w+'],
  ['accepts two wildcards with a word between them no single character can pass', 'talks.*kremlin.*ceasefire'],
  ['accepts e-mail-like sets split by @', '[\\w.-]+@[\\w.-]+\\.[a-z]+'],
  ['accepts a counted repetition of 1000', 'a{1000}'],
  ["accepts the shipped watchbook's poll share pattern", '\\b(9\\d|100) ?(%|percent|per cent|відсот|процент)'],
];

const refused: [string, string, RegExp][] = [
  // Backreferences
  ['refuses a numbered backreference \\1', '(a)\\1', /backreference \\1 is not supported/],
  ['refuses a numbered backreference \\2', '(a)(b)\\2', /backreference \\2/],
  ['refuses a named backreference \\k<n>', '(?<n>a)\\k<n>', /named backreference is not supported/],
  // Lookaround
  ['refuses a positive lookahead (?=', 'a(?=b)', /lookaround \(\?= is not supported/],
  ['refuses a negative lookahead (?!', 'a(?!b)', /lookaround \(\?! is not supported/],
  ['refuses a positive lookbehind (?<=', '(?<=a)b', /lookaround \(\?<= is not supported/],
  ['refuses a negative lookbehind (?<!', '(?<!a)b', /lookaround \(\?<! is not supported/],
  ['refuses a lookahead nested in a group', '(x(?=y))', /lookaround/],
  // Nested unbounded repetition
  ['refuses (a+)+', '(a+)+', /nested repetition/],
  ['refuses (a*)*', '(a*)*', /nested repetition/],
  ['refuses (a+)*', '(a+)*', /nested repetition/],
  ['refuses (\\w+\\s?)*', '(\\w+\\s?)*', /nested repetition/],
  ['refuses (?:a+)+ (non-capturing)', '(?:a+)+', /nested repetition/],
  ['refuses (a+){2,} (unbounded count outside)', '(a+){2,}', /nested repetition/],
  ['refuses (a{2,})+ (unbounded count inside)', '(a{2,})+', /nested repetition/],
  ['refuses ((a)+)+ (repetition two groups deep)', '((a)+)+', /nested repetition/],
  ['refuses (x(a+)y)* (inner repetition inside a group inside a repeated group)', '(x(a+)y)*', /nested repetition/],
  ['refuses (a|b+)+ (repetition in one branch)', '(a|b+)+', /nested repetition/],
  ['refuses (a+)+? (lazy outer repetition)', '(a+)+?', /nested repetition/],
  ['refuses nested repetition after a class with an escaped ]', '[\\]]+(a+)+', /nested repetition/],
  ['refuses named-group nested repetition', '(?<w>\\w+)+', /nested repetition/],
  // A bounded but varying count inside a repeated group: /^(a{1,5})+b$/ took 8 s on 28 letters
  ['refuses (a{1,5})+ (a varying count inside a repeated group)', '(a{1,5})+', /nested repetition/],
  // Repeated alternations whose branches can match the same text (issue 12)
  [
    'refuses (a|a)*b (identical branches)',
    '(a|a)*b',
    /repeated alternation with branches that can match the same text \("a" and "a" in \(a\|a\)\)/,
  ],
  ['refuses (?:a|aa)*b (one branch a prefix of the other)', '(?:a|aa)*b', /repeated alternation .*"a" and "aa"/],
  ['refuses (\\w|\\d)+x (one class inside the other)', '(\\w|\\d)+x', /repeated alternation .*"\\w" and "\\d"/],
  ['refuses (?:x|\\p{L})+ (a letter within a Unicode class)', '(?:x|\\p{L})+', /repeated alternation/],
  ['refuses an overlapping alternation nested inside a repeated group', '(?:-(?:ab|a))+', /repeated alternation/],
  ['refuses a case-insensitive overlap (K and k)', '(?:K|k)+', /repeated alternation/],
  ['refuses (中|中)+ (non-Latin literals)', '(中|中)+', /repeated alternation/],
  // Unbounded repetitions that can trade characters (issue 12)
  [
    'refuses .*a.*a.*a.*a.*a.*a.*a.*b (many wildcards)',
    '.*a.*a.*a.*a.*a.*a.*a.*b',
    /unbounded repetitions \.\* and \.\* can trade characters \(both match "a"/,
  ],
  ['refuses .*a.*b (two wildcards a single a lets trade)', '.*a.*b', /can trade characters/],
  [
    'refuses \\d+\\s*\\d+ (an optional separator lets digits trade)',
    '\\d+\\s*\\d+',
    /unbounded repetitions \\d\+ and \\d\+ can trade/,
  ],
  ['refuses \\w+\\s?\\w+', '\\w+\\s?\\w+', /can trade characters/],
  ['refuses adjacent repetitions across an assertion', '\\w+\\b\\w*x', /can trade characters/],
  // Huge counted repetitions (issue 12)
  [
    'refuses a{1000000}',
    'a{1000000}',
    /repetition a\{1000000\} counts up to 1000000 in \/a\{1000000\}\/: at most 1000/,
  ],
  ['refuses a{5,} past the limit', 'a{5000,}', /counts up to 5000/],
  ['refuses nested counts whose product passes the limit', '(?:a{100}){100}', /counts up to 10000/],
  // Not a regex at all
  ['refuses an unbalanced )', 'a)', /unbalanced "\)"/],
  ['refuses an unclosed (', '(a', /invalid regular expression/],
  ['refuses an unclosed [', '[a', /invalid regular expression/],
];

describe('compileSafeRegex: accepted', () => {
  it.each(accepted)('%s', (_name, pattern) => {
    const re = compileSafeRegex(pattern);
    expect(re).toBeInstanceOf(RegExp);
    expect(re.source).toBe(new RegExp(pattern, 'u').source);
  });

  it('compiles case-insensitive and with Unicode semantics', () => {
    const re = compileSafeRegex('nato');
    expect(re.flags).toContain('i');
    expect(re.flags).toContain('u');
    expect(re.test('NATO')).toBe(true);
  });
});

describe('compileSafeRegex: refused', () => {
  it.each(refused)('%s', (_name, pattern, message) => {
    expect(() => compileSafeRegex(pattern)).toThrow(RuleError);
    expect(() => compileSafeRegex(pattern)).toThrow(message);
  });

  it('names the pattern in the message', () => {
    expect(() => compileSafeRegex('(a+)+')).toThrow('/(a+)+/');
  });

  it('ignores lookaround-looking text inside a character class', () => {
    expect(() => compileSafeRegex('[(?=]')).not.toThrow();
  });

  // Known gap, reported: an inner unbounded repetition under a counted outer quantifier ({m}, {n,m}) is
  // still catastrophic, but the check only refuses an unbounded outer quantifier (*, +, {n,}). Measured on
  // Node 20: /^(\w+\s?){1,10}$/ takes ~39 s on 40 letters and "!", /^(a+){1,30}$/ ~4 s on 27, /^(a+){8}$/
  // ~2 s on 40. Expected: refused like (a+)+ (any outer count with an upper bound above 1).
  it('refuses (\\w+\\s?){1,10}: a counted range over a repeating group backtracks exponentially', () => {
    expect(() => compileSafeRegex('(\\w+\\s?){1,10}')).toThrow(/nested repetition/);
  });

  it('refuses (a+){1,30}: a counted range over a repeating group', () => {
    expect(() => compileSafeRegex('(a+){1,30}')).toThrow(/nested repetition/);
  });

  it('refuses (a+){8}: a fixed count above 1 over a repeating group', () => {
    expect(() => compileSafeRegex('(a+){8}')).toThrow(/nested repetition/);
  });
});
