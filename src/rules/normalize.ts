// One normalization for rules and items alike, so a term matches what a reader would call the same word:
// compatibility forms folded (NFKC), lower case, Russian ё read as е, and every apostrophe variant read as
// U+0027 (Ukrainian writes п'ять, п’ять and пʼять interchangeably).

const APOSTROPHES = /[\u2019\u02BC\u2018\u0060\u00B4\u2032\uFF07]/g;
const YO = /ё/g;
// Anything outside printable ASCII may need NFKC; most English text skips the ICU call entirely.
const NEEDS_NFKC = /[^\x20-\x7E\t\n\r]/;

export function normalizeText(text: string): string {
  let s = NEEDS_NFKC.test(text) ? text.normalize('NFKC') : text;
  s = s.toLowerCase();
  if (s.includes('ё')) s = s.replace(YO, 'е');
  return s.replace(APOSTROPHES, "'");
}
