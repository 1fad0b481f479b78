// Mojibake that survives a correct decode, because it is in the publisher's text itself:
// - UTF-8 read as windows-1252 and written out again as UTF-8 ("РњРѕСЃРєРІР°" style, here "ÐœÐ¾ÑÐºÐ²Ð°"),
//   literally or as numeric references (&#226;&#128;&#166; for "…");
// - windows-1252 punctuation written as C1 control code points (U+0092 for "’").
// Both are undone here, field by field, and counted so the caller can report them.

// windows-1252 bytes 0x80-0x9F (WHATWG Encoding); the five undefined ones are the C1 controls themselves.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/** The byte each character of a windows-1252 (or ISO-8859-1) reading of bytes 0x80-0xFF came from. */
const BYTE = new Map<string, number>();
for (let b = 0x80; b <= 0xff; b++) BYTE.set(String.fromCharCode(b), b);
for (let i = 0; i < 32; i++) BYTE.set(CP1252_HIGH[i]!, 0x80 + i);

const CONTINUATION = `\\u0080-\\u00BF${CP1252_HIGH.replace(/[\u0080-\u009f]/g, '')}`;
/** A UTF-8 lead byte read as windows-1252 (Â..ô), then what continuation bytes read as. */
const SEQUENCE = new RegExp(`[\\u00C2-\\u00F4][${CONTINUATION}]{1,3}`, 'g');
const C1 = /[\u0080-\u009f]/g;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Code points a repaired sequence may plausibly stand for: letters of real scripts, punctuation, symbols. */
function plausible(c: number): boolean {
  return (
    (c >= 0xa0 && c <= 0x24f) ||
    (c >= 0x370 && c <= 0x52f) ||
    (c >= 0x590 && c <= 0x6ff) ||
    (c >= 0x2010 && c <= 0x205f) ||
    (c >= 0x20a0 && c <= 0x20cf) ||
    (c >= 0x2100 && c <= 0x214f) ||
    (c >= 0x3000 && c <= 0x9fff) ||
    (c >= 0xac00 && c <= 0xd7af) ||
    (c >= 0x1f300 && c <= 0x1faff)
  );
}

export interface Repair {
  text: string;
  /** Double-encoded sequences put back together. */
  doubleEncoded: number;
  /** C1 control code points read as the windows-1252 characters they stand for. */
  c1: number;
}

export function repairMojibake(text: string): Repair {
  let doubleEncoded = 0;
  let c1 = 0;
  let out = text;
  if (/[\u00C2-\u00F4]/.test(out)) {
    out = out.replace(SEQUENCE, (run) => {
      const lead = run.charCodeAt(0);
      const len = lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
      if (run.length < len) return run;
      const bytes = Uint8Array.from(run.slice(0, len), (ch) => BYTE.get(ch) ?? 0);
      let decoded: string;
      try {
        decoded = utf8.decode(bytes);
      } catch {
        return run;
      }
      if (!plausible(decoded.codePointAt(0)!)) return run;
      doubleEncoded++;
      return decoded + run.slice(len);
    });
  }
  out = out.replace(C1, (ch) => {
    c1++;
    const mapped = CP1252_HIGH[ch.charCodeAt(0) - 0x80]!;
    return mapped === ch ? '' : mapped;
  });
  return { text: out, doubleEncoded, c1 };
}
