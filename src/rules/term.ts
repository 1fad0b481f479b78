// Terms as rules write them (`word`, `prefix*`, a phrase, `re:PATTERN`), parsed once into what the matcher looks for.
import { RuleError } from './errors.js';
import { normalizeText } from './normalize.js';
import { compileSafeRegex } from './regex-check.js';
import { tokenize } from './tokenize.js';

/** One word of a term: matched whole, or as a prefix when written with a trailing `*`. */
export interface WordPattern {
  text: string;
  prefix: boolean;
}

export type Term =
  | { kind: 'words'; source: string; key: string; words: WordPattern[] }
  | { kind: 'regex'; source: string; key: string; regex: RegExp };

// A one-letter prefix would match a large part of the vocabulary: almost surely a mistake.
const MIN_PREFIX = 2;

/** Parse a term as written in a rule: `word`, `prefix*`, `a multi-word phrase*`, or `re:PATTERN`. */
export function parseTerm(source: string): Term {
  if (source.startsWith('re:')) {
    const pattern = source.slice(3);
    if (pattern.length === 0) throw new RuleError('empty regular expression after "re:"');
    const safe = compileSafeRegex(pattern);
    // Global, because matching collects every occurrence (matchAll works on a copy, so no shared state).
    return { kind: 'regex', source, key: source, regex: new RegExp(safe.source, `${safe.flags}g`) };
  }
  const words: WordPattern[] = [];
  for (const piece of source.trim().split(/\s+/)) {
    const prefix = piece.endsWith('*');
    const body = prefix ? piece.slice(0, -1) : piece;
    if (body.includes('*')) throw new RuleError(`"*" is allowed only at the end of a word, in "${source}"`);
    const pieceWords = tokenize(normalizeText(body)).words;
    if (pieceWords.length === 0) {
      throw new RuleError(
        piece === '*'
          ? `a lone "*" matches every word, in "${source}"`
          : `"${source}" has no letters or digits to match`,
      );
    }
    pieceWords.forEach((text, i) => words.push({ text, prefix: prefix && i === pieceWords.length - 1 }));
  }
  const short = words.find((w) => w.prefix && [...w.text].length < MIN_PREFIX);
  if (short)
    throw new RuleError(`prefix "${short.text}*" is too short (at least ${MIN_PREFIX} letters), in "${source}"`);
  const key = words.map((w) => (w.prefix ? `${w.text}*` : w.text)).join(' ');
  return { kind: 'words', source, key, words };
}
