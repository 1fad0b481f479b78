// One normalization for rules and items alike, so a term matches what a reader would call the same word:
// compatibility forms folded (NFKC), lower case, Russian ё read as е, and every apostrophe variant read as
// U+0027 (Ukrainian writes п'ять, п’ять and пʼять interchangeably).

const APOSTROPHES = /[\u2019\u02BC\u2018\u0060\u00B4\u2032\uFF07]/g;
const YO = /ё/g;
const COMBINING_DOT = '\u0307';
const I_DOT = /i\u0307/g;
// Printable ASCII other than the backtick needs nothing but lower case: most English text skips the rest.
const NEEDS_WORK = /[^\t\n\r\x20-\x5F\x61-\x7E]/;

export function normalizeText(text: string): string {
  if (!NEEDS_WORK.test(text)) return text.toLowerCase();
  // Apostrophes first: NFKC would turn the acute accent ´ into a space and a combining mark.
  let s = text.replace(APOSTROPHES, "'").normalize('NFKC').toLowerCase();
  if (s.includes('ё')) s = s.replace(YO, 'е');
  // Lower-case İ (Turkish dotted capital I) is i plus a combining dot; read it as i.
  if (s.includes(COMBINING_DOT)) s = s.replace(I_DOT, 'i');
  return s;
}
