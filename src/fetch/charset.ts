// Bytes to text. Where the charset comes from, in order: a byte order mark, the HTTP Content-Type header,
// the XML declaration or the HTML <meta> tag, else UTF-8. Every claim is checked against the bytes, because
// servers and feeds lie: a wrong claim is corrected and reported as a warning, and a body that no charset
// turns into text fails as `bad-charset` instead of passing mojibake on.
import { isUtf8 } from 'node:buffer';
import { FetchError } from './errors.js';

export interface DecodedBody {
  text: string;
  /** The WHATWG name of the charset used (`utf-8`, `windows-1251`, `koi8-r`, `utf-16le`, ...). */
  charset: string;
  warnings: string[];
}

interface Claim {
  label: string;
  from: 'HTTP header' | 'XML declaration' | 'meta tag';
}

const CYRILLIC = new Set(['windows-1251', 'koi8-r', 'koi8-u', 'iso-8859-5', 'ibm866', 'x-mac-cyrillic']);
/** Share of undecodable characters (U+FFFD, control characters) above which the text is not text. */
const GARBAGE_RATIO = 0.02;

/** Decode a fetched body. Throws FetchError('bad-charset') when the result would still be garbage. */
export function decodeBody(bytes: Uint8Array, contentType?: string): DecodedBody {
  const warnings: string[] = [];
  const done = (text: string, charset: string): DecodedBody => {
    checkNotGarbage(text, charset);
    return { text: text.replace(/^\uFEFF/, ''), charset, warnings };
  };

  const bom = sniffBom(bytes);
  if (bom === 'utf-8') return done(decodeUtf8(bytes.subarray(3), 'the byte order mark', warnings), 'utf-8');
  if (bom) return done(decodeWith(bom, bytes.subarray(2)), bom);

  const claims: Claim[] = [];
  const header = contentType ? /charset\s*=\s*["']?([^;"'\s]+)/i.exec(contentType)?.[1] : undefined;
  if (header) claims.push({ label: header, from: 'HTTP header' });
  const inDocument = documentClaim(bytes);
  if (inDocument) claims.push(inDocument);

  // The first claim that names a charset we know wins; an unknown name is reported and skipped.
  let claimed: { charset: string; label: string; from: string } | undefined;
  for (const claim of claims) {
    const charset = canonical(claim.label);
    if (!charset) warnings.push(`charset: unknown charset "${claim.label}" in the ${claim.from}; ignored it`);
    else if (!claimed) claimed = { charset, label: claim.label, from: claim.from };
  }
  const utf16 = sniffUtf16(bytes);

  if (claimed?.charset.startsWith('utf-16')) {
    if (utf16) return done(decodeWith(utf16, bytes), utf16);
    warnings.push(`charset: the ${claimed.from} says ${claimed.label}, but the body is 8-bit; decoded it as UTF-8`);
    claimed = undefined;
  }
  if (!claimed || claimed.charset === 'utf-8') {
    if (utf16) return done(decodeWith(utf16, bytes), utf16);
    // isUtf8 (simdutf) answers the common case at memory speed; the byte-by-byte count is for the rest.
    // Buffer's UTF-8 decode is TextDecoder's without the BOM handling, and there is no BOM here (see above).
    if (isUtf8(bytes)) return done(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'), 'utf-8');
    const scan = scanUtf8(bytes);
    // Mostly UTF-8 with a few stray bytes; else not UTF-8 at all: a single-byte charset named by a later
    // claim, else a guess from the bytes.
    if (scan.multibyte > scan.invalid)
      return done(decodeUtf8(bytes, claimed ? `the ${claimed.from}` : 'default', warnings), 'utf-8');
    const other = claims.map((c) => canonical(c.label)).find((c) => c && c !== 'utf-8' && !c.startsWith('utf-16'));
    const said = claimed ? `the ${claimed.from} says ${claimed.label}, but` : 'no charset is declared and';
    if (other) {
      warnings.push(`charset: ${said} the body is not valid UTF-8; decoded it as ${other}, as the document declares`);
      return done(decodeWith(other, bytes), other);
    }
    const guess = guessSingleByte(bytes);
    warnings.push(`charset: ${said} the body is not valid UTF-8; decoded it as ${guess} (guessed from the bytes)`);
    return done(decodeWith(guess, bytes), guess);
  }

  // A single-byte (or legacy multi-byte) charset is claimed. Valid UTF-8 with multi-byte sequences is
  // practically never an accident, so it beats the claim.
  if (isUtf8(bytes) && hasHighByte(bytes)) {
    warnings.push(`charset: the ${claimed.from} says ${claimed.label}, but the body is UTF-8; decoded it as UTF-8`);
    return done(decodeWith('utf-8', bytes), 'utf-8');
  }
  // Latin-1 is many servers' default charset whatever they serve. Cyrillic text comes in runs of high
  // bytes that no Western European text has: then believe the document's Cyrillic claim, or the bytes.
  if (claimed.charset === 'windows-1252') {
    const guess = guessSingleByte(bytes);
    if (guess !== 'windows-1252') {
      const own = claims.map((c) => canonical(c.label)).find((c) => c !== undefined && CYRILLIC.has(c));
      const best = own ? bestCyrillic(bytes, own) : guess;
      warnings.push(
        `charset: the ${claimed.from} says ${claimed.label}, but the text is Cyrillic; decoded it as ${best}${own === best ? ', as the document declares' : ''}`,
      );
      return done(decodeWith(best, bytes), best);
    }
  }
  if (CYRILLIC.has(claimed.charset)) {
    const best = bestCyrillic(bytes, claimed.charset);
    if (best !== claimed.charset) {
      warnings.push(
        `charset: the ${claimed.from} says ${claimed.label}, but the text reads as ${best}; decoded it as ${best}`,
      );
      return done(decodeWith(best, bytes), best);
    }
  }
  return done(decodeWith(claimed.charset, bytes), claimed.charset);
}

/** The WHATWG name for a charset label, or undefined when TextDecoder does not know it. */
function canonical(label: string): string | undefined {
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    return undefined; // unknown labels, and the "replacement" encoding (iso-2022-kr and friends)
  }
}

function sniffBom(b: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' | undefined {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
  if (b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** UTF-16 without a BOM (XML 1.0 appendix F): ASCII markup with a zero byte beside every character. */
function sniffUtf16(b: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(b.length, 512) & ~1;
  if (n < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenZeros++;
    if (b[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.1) return 'utf-16le';
  if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.1) return 'utf-16be';
  return undefined;
}

/** The charset an XML declaration or HTML meta tag names, read from the document's ASCII-compatible head. */
function documentClaim(bytes: Uint8Array): Claim | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 4096)).toString('latin1'); // a char per byte
  const xml = /<\?xml[^>]*?\bencoding\s*=\s*["']?([A-Za-z0-9._:-]+)/i.exec(head.slice(0, 1024));
  if (xml) return { label: xml[1]!, from: 'XML declaration' };
  if (!/<html|<head|<!doctype html/i.test(head)) return undefined;
  const meta = /<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)/i.exec(head);
  return meta ? { label: meta[1]!, from: 'meta tag' } : undefined;
}

/** Whether any byte is outside ASCII: in valid UTF-8, whether there is a multi-byte sequence. */
function hasHighByte(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) return true;
  return false;
}

/** Count valid multi-byte UTF-8 sequences and bytes that belong to no valid sequence. */
function scanUtf8(b: Uint8Array): { multibyte: number; invalid: number } {
  let multibyte = 0;
  let invalid = 0;
  for (let i = 0; i < b.length;) {
    const len = utf8SequenceLength(b, i);
    if (len === 0) invalid++;
    else if (len > 1) multibyte++;
    i += len || 1;
  }
  return { multibyte, invalid };
}

/** Length of the valid UTF-8 sequence at i (RFC 3629 table 3-7), or 0 when the byte starts none. */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  // Past the end, b[i + k] is undefined and every comparison with it false.
  const c1 = b[i + 1]!;
  if (c >= 0xc2 && c <= 0xdf) return c1 >= 0x80 && c1 <= 0xbf ? 2 : 0;
  const c2 = b[i + 2]!;
  const cont2 = c2 >= 0x80 && c2 <= 0xbf;
  if (c === 0xe0) return c1 >= 0xa0 && c1 <= 0xbf && cont2 ? 3 : 0;
  if (c === 0xed) return c1 >= 0x80 && c1 <= 0x9f && cont2 ? 3 : 0;
  if (c >= 0xe1 && c <= 0xef) return c1 >= 0x80 && c1 <= 0xbf && cont2 ? 3 : 0;
  const c3 = b[i + 3]!;
  const cont23 = cont2 && c3 >= 0x80 && c3 <= 0xbf;
  if (c === 0xf0) return c1 >= 0x90 && c1 <= 0xbf && cont23 ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return c1 >= 0x80 && c1 <= 0xbf && cont23 ? 4 : 0;
  if (c === 0xf4) return c1 >= 0x80 && c1 <= 0x8f && cont23 ? 4 : 0;
  return 0;
}

/**
 * UTF-8 that may hold stray bytes of another charset (a Latin-1 "ñ" pasted into a UTF-8 page): valid
 * sequences decode as UTF-8, each stray byte in the single-byte charset its neighbours suggest.
 */
function decodeUtf8(bytes: Uint8Array, from: string, warnings: string[]): string {
  if (isUtf8(bytes)) return decodeWith('utf-8', bytes);
  const stray: number[] = [];
  const spans: [number, number][] = [];
  for (let i = 0; i < bytes.length;) {
    const len = utf8SequenceLength(bytes, i);
    if (len === 0) {
      stray.push(bytes[i]!);
      spans.push([i, i + 1]);
    }
    i += len || 1;
  }
  const fallback = guessSingleByte(Uint8Array.from(stray));
  const parts: string[] = [];
  let at = 0;
  for (const [start, end] of spans) {
    parts.push(decodeWith('utf-8', bytes.subarray(at, start)), decodeWith(fallback, bytes.subarray(start, end)));
    at = end;
  }
  parts.push(decodeWith('utf-8', bytes.subarray(at)));
  const said = from === 'default' ? 'the body' : `the body (UTF-8 by ${from})`;
  warnings.push(`charset: ${said} holds ${stray.length} byte(s) that are not UTF-8; decoded them as ${fallback}`);
  return parts.join('');
}

/**
 * A single-byte charset for bytes that are not UTF-8. Cyrillic text is runs of high bytes (whole words);
 * Western European text has an accented letter here and there between ASCII ones.
 */
function guessSingleByte(b: Uint8Array): string {
  let high = 0;
  let pairs = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i]! < 0x80) continue;
    high++;
    if ((b[i + 1] ?? 0) >= 0x80) pairs++;
  }
  return high >= 4 && pairs / high > 0.4 ? bestCyrillic(b, 'windows-1251') : 'windows-1252';
}

// Decoded with the wrong Cyrillic table, Russian or Ukrainian comes out in capitals and box-drawing
// characters (KOI8-R puts lower case where windows-1251 puts upper case), so count what real text is
// made of: lower-case letters, most of all the frequent ones.
// Score of each code point from U+0430 to U+045F: 2 for the frequent letters, 1 for the other lower case.
const LOWER_SCORE = new Uint8Array(0x30).fill(1);
for (const ch of 'оеаинтсрвлкмдпуяыь') LOWER_SCORE[ch.charCodeAt(0) - 0x430] = 2;

function cyrillicScore(text: string): number {
  let score = 0;
  // By UTF-16 unit: the characters counted are all in the BMP, and half a surrogate pair counts nothing.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x430 && c <= 0x45f) score += LOWER_SCORE[c - 0x430]!;
    else if (c === 0x491) score += 1;
    else if (c >= 0x2500 && c <= 0x25ff) score -= 2;
  }
  return score;
}

/** Of windows-1251 and KOI8-R, the one the bytes read best in; `preferred` unless the other is clearly better. */
function bestCyrillic(b: Uint8Array, preferred: string): string {
  const high = b.filter((x) => x >= 0x80);
  const scores = new Map<string, number>();
  for (const c of ['windows-1251', 'koi8-r', preferred])
    if (!scores.has(c)) scores.set(c, cyrillicScore(decodeWith(c, high)));
  const mine = scores.get(preferred)!;
  let best = preferred;
  for (const [charset, score] of scores)
    if (score > Math.max(mine, 0) * 1.5 + 10 && score > scores.get(best)!) best = charset;
  return best;
}

// windows-1252 bytes 0x80-0x9F (WHATWG Encoding). Node 20.18.3 and later decode the label as ISO-8859-1
// and give C1 control characters instead (https://github.com/nodejs/node/issues/60888), so this one table
// is ours. 0x81, 0x8D, 0x8F, 0x90 and 0x9D are undefined and stay C1 controls, as in the standard.
const C1_RANGE = /[\u0080-\u009f]/g;
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

// One decoder per charset: decode() without { stream } keeps no state between calls.
const decoders = new Map<string, InstanceType<typeof TextDecoder>>();

function decodeWith(charset: string, bytes: Uint8Array): string {
  if (charset !== 'windows-1252') {
    let decoder = decoders.get(charset);
    if (!decoder) decoders.set(charset, (decoder = new TextDecoder(charset)));
    return decoder.decode(bytes);
  }
  // Latin-1 is a char per byte; then bytes 0x80-0x9F, which it reads as C1 controls, get their table entry.
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  return latin1.replace(C1_RANGE, (ch) => CP1252_HIGH[ch.charCodeAt(0) - 0x80]!);
}

/**
 * Replacement characters and C0 controls mean the bytes were not text in this charset. C1 controls too,
 * after a single-byte decode; in valid UTF-8 they are the text's own (double-encoded or windows-1252
 * quotes written as code points), which the parser repairs and reports.
 */
// What the count below counts, to skip it for the text that has none (most of it).
const MAYBE_GARBAGE_UTF = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFD]/;
const MAYBE_GARBAGE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD]/;

function checkNotGarbage(text: string, charset: string): void {
  const c1End = charset.startsWith('utf-') ? 0x7f : 0xa0;
  if (!(c1End === 0x7f ? MAYBE_GARBAGE_UTF : MAYBE_GARBAGE).test(text)) return;
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c < c1End)) bad++;
  }
  if (bad >= 8 && bad / text.length > GARBAGE_RATIO) {
    throw new FetchError(
      'bad-charset',
      `body is not text in ${charset}: ${bad} of ${text.length} characters are undecodable or control characters`,
      {
        permanent: true,
      },
    );
  }
}
