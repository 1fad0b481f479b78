// decodeBody on bodies we write ourselves in windows-1251, KOI8-R, windows-1252 and UTF-16, with true,
// missing and lying declarations, and on the encoding cases of the shared corpus.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/fetch/charset.js';
import { FetchError } from '../../src/fetch/errors.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CORPUS = resolve(repoRoot, '../shared/corpus/feeds');

// TextEncoder only writes UTF-8, so the legacy charsets are written with their code tables (bytes C0-FF
// hold the 64 letters; the rest are the few extras our texts use). Written out by hand, not derived from
// TextDecoder, so the test does not check the decoder against itself.
const CP1251_LETTERS = 'АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюя';
const CP1251_EXTRA: Record<string, number> = {
  Ё: 0xa8,
  ё: 0xb8,
  Є: 0xaa,
  є: 0xba,
  І: 0xb2,
  і: 0xb3,
  Ї: 0xaf,
  ї: 0xbf,
  Ґ: 0xa5,
  ґ: 0xb4,
  '«': 0xab,
  '»': 0xbb,
  '–': 0x96,
  '—': 0x97,
  '№': 0xb9,
};
const KOI8R_LETTERS = 'юабцдефгхийклмнопярстужвьызшэщчъЮАБЦДЕФГХИЙКЛМНОПЯРСТУЖВЬЫЗШЭЩЧЪ';
const KOI8R_EXTRA: Record<string, number> = { ё: 0xa3, Ё: 0xb3 };
const CP1252_EXTRA: Record<string, number> = {
  '€': 0x80,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '–': 0x96,
  '—': 0x97,
};

function encoder(letters: string, extra: Record<string, number>) {
  return (text: string): Uint8Array =>
    Uint8Array.from([...text], (ch) => {
      const code = ch.codePointAt(0)!;
      if (code < 0x80) return code;
      const at = letters.indexOf(ch);
      const byte = at >= 0 ? 0xc0 + at : extra[ch];
      if (byte === undefined) throw new Error(`no byte for ${ch}`);
      return byte;
    });
}
const cp1251 = encoder(CP1251_LETTERS, CP1251_EXTRA);
const koi8r = encoder(KOI8R_LETTERS, KOI8R_EXTRA);
const latin = (text: string) => Uint8Array.from([...text], (ch) => CP1252_EXTRA[ch] ?? ch.codePointAt(0)!);
const utf8 = (text: string) => new TextEncoder().encode(text);
const utf16le = (text: string) => new Uint8Array(Buffer.from(text, 'utf16le'));
const utf16be = (text: string) => utf16le(text).map((_, i, b) => b[i ^ 1]!);
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

const RU_TITLE = 'Опрос: большинство граждан против территориальных уступок ради мира';
const RU_TEXT = 'Социологи спросили жителей, готовы ли они поддержать соглашение; ответы - в отчёте за июль.';
const UK_TITLE = 'Опитування КМІС: більшість українців проти територіальних поступок';
const UK_TEXT = 'Соціологи запитали, чи готові люди підтримати угоду «заради миру» — відповіді у звіті.';

function feed(title: string, text: string, encoding?: string): string {
  const declaration = encoding ? `<?xml version="1.0" encoding="${encoding}"?>\n` : '';
  return `${declaration}<rss version="2.0"><channel><title>Новости</title><item><title>${title}</title><description>${text}</description></item></channel></rss>`;
}
function page(title: string, meta: string): string {
  return `<!DOCTYPE html><html><head>${meta}<title>${title}</title></head><body><h2>${title}</h2></body></html>`;
}

interface Case {
  name: string;
  bytes: Uint8Array;
  contentType?: string;
  charset: string;
  contains: string[];
  warning?: RegExp;
}

// prettier-ignore
const CASES: Case[] = [
  { name: 'windows-1251 declared in the XML declaration', bytes: cp1251(feed(UK_TITLE, UK_TEXT, 'windows-1251')), charset: 'windows-1251', contains: [UK_TITLE, UK_TEXT] },
  { name: 'windows-1251 named by the HTTP header only', bytes: cp1251(feed(RU_TITLE, RU_TEXT)), contentType: 'application/rss+xml; charset=windows-1251', charset: 'windows-1251', contains: [RU_TITLE, RU_TEXT] },
  { name: 'windows-1251 under the label cp1251, quoted', bytes: cp1251(feed(RU_TITLE, RU_TEXT)), contentType: 'text/xml; charset="cp1251"', charset: 'windows-1251', contains: [RU_TITLE] },
  { name: 'windows-1251 with no declaration at all', bytes: cp1251(feed(UK_TITLE, UK_TEXT)), charset: 'windows-1251', contains: [UK_TITLE, UK_TEXT], warning: /no charset is declared .* decoded it as windows-1251 \(guessed from the bytes\)/ },
  { name: 'KOI8-R declared', bytes: koi8r(feed(RU_TITLE, RU_TEXT, 'KOI8-R')), charset: 'koi8-r', contains: [RU_TITLE, RU_TEXT] },
  { name: 'KOI8-R with no declaration at all', bytes: koi8r(feed(RU_TITLE, RU_TEXT)), charset: 'koi8-r', contains: [RU_TITLE, RU_TEXT], warning: /decoded it as koi8-r \(guessed from the bytes\)/ },
  { name: 'KOI8-R bytes declared as windows-1251', bytes: koi8r(feed(RU_TITLE, RU_TEXT, 'windows-1251')), charset: 'koi8-r', contains: [RU_TITLE], warning: /XML declaration says windows-1251, but the text reads as koi8-r/ },
  { name: 'windows-1251 bytes declared as KOI8-R by the HTTP header', bytes: cp1251(feed(RU_TITLE, RU_TEXT)), contentType: 'text/xml; charset=koi8-r', charset: 'windows-1251', contains: [RU_TITLE], warning: /HTTP header says koi8-r, but the text reads as windows-1251/ },
  { name: 'windows-1251 bytes under an HTTP header that says utf-8, the document declaring windows-1251', bytes: cp1251(feed(RU_TITLE, RU_TEXT, 'windows-1251')), contentType: 'application/xml; charset=utf-8', charset: 'windows-1251', contains: [RU_TITLE], warning: /HTTP header says utf-8, but the body is not valid UTF-8; decoded it as windows-1251, as the document declares/ },
  { name: 'windows-1251 bytes under an HTTP header that says utf-8, nothing else declared', bytes: cp1251(feed(UK_TITLE, UK_TEXT)), contentType: 'text/xml; charset=UTF-8', charset: 'windows-1251', contains: [UK_TITLE], warning: /HTTP header says UTF-8, but the body is not valid UTF-8; decoded it as windows-1251 \(guessed/ },
  { name: 'windows-1251 under a server-default ISO-8859-1 header, the document declaring windows-1251', bytes: cp1251(feed(UK_TITLE, UK_TEXT, 'windows-1251')), contentType: 'text/xml; charset=ISO-8859-1', charset: 'windows-1251', contains: [UK_TITLE, UK_TEXT], warning: /HTTP header says ISO-8859-1, but the text is Cyrillic; decoded it as windows-1251, as the document declares/ },
  { name: 'KOI8-R under a server-default ISO-8859-1 header, nothing else declared', bytes: koi8r(feed(RU_TITLE, RU_TEXT)), contentType: 'text/html; charset=iso-8859-1', charset: 'koi8-r', contains: [RU_TITLE], warning: /HTTP header says iso-8859-1, but the text is Cyrillic; decoded it as koi8-r$/ },
  { name: 'UTF-8 under an HTTP header that says windows-1251', bytes: utf8(feed(RU_TITLE, RU_TEXT, 'utf-8')), contentType: 'text/xml; charset=windows-1251', charset: 'utf-8', contains: [RU_TITLE], warning: /HTTP header says windows-1251, but the body is UTF-8/ },
  { name: 'UTF-8 declared as KOI8-R in the XML declaration', bytes: utf8(feed(RU_TITLE, RU_TEXT, 'koi8-r')), charset: 'utf-8', contains: [RU_TITLE], warning: /XML declaration says koi8-r, but the body is UTF-8/ },
  { name: 'a page with <meta charset>', bytes: cp1251(page(UK_TITLE, '<meta charset="windows-1251">')), charset: 'windows-1251', contains: [UK_TITLE] },
  { name: 'a page with <meta http-equiv>', bytes: koi8r(page(RU_TITLE, '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">')), charset: 'koi8-r', contains: [RU_TITLE] },
  { name: 'UTF-16LE with a BOM', bytes: concat(Uint8Array.of(0xff, 0xfe), utf16le(feed(RU_TITLE, RU_TEXT, 'utf-16'))), charset: 'utf-16le', contains: [RU_TITLE, RU_TEXT] },
  { name: 'UTF-16BE with a BOM', bytes: concat(Uint8Array.of(0xfe, 0xff), utf16be(feed(UK_TITLE, UK_TEXT, 'utf-16'))), charset: 'utf-16be', contains: [UK_TITLE, UK_TEXT] },
  { name: 'UTF-16LE without a BOM', bytes: utf16le(feed(RU_TITLE, RU_TEXT, 'utf-16')), charset: 'utf-16le', contains: [RU_TITLE] },
  { name: 'a UTF-8 BOM, which beats a lying HTTP header', bytes: concat(Uint8Array.of(0xef, 0xbb, 0xbf), utf8(feed(RU_TITLE, RU_TEXT))), contentType: 'text/xml; charset=windows-1251', charset: 'utf-8', contains: [RU_TITLE] },
  { name: 'windows-1252 punctuation in bytes 0x80-0x9F', bytes: latin(feed('Leaders’ “assurances” – €5bn', 'x', 'windows-1252')), charset: 'windows-1252', contains: ['Leaders’ “assurances” – €5bn'] },
  { name: 'ISO-8859-1, read as windows-1252 as browsers do', bytes: latin(feed('Réunion à Genève', 'x', 'ISO-8859-1')), charset: 'windows-1252', contains: ['Réunion à Genève'] },
  { name: 'UTF-8 with one stray Latin-1 byte', bytes: concat(utf8('<rss><channel><title>Київ, '), latin('España'), utf8('</title></channel></rss>')), charset: 'utf-8', contains: ['Київ, España'], warning: /holds 1 byte\(s\) that are not UTF-8; decoded them as windows-1252/ },
  { name: 'an unknown charset name', bytes: utf8(feed(RU_TITLE, RU_TEXT, 'x-klingon')), charset: 'utf-8', contains: [RU_TITLE], warning: /unknown charset "x-klingon" in the XML declaration; ignored it/ },
  { name: 'plain ASCII with no declaration', bytes: utf8(feed('Plain title', 'text')), charset: 'utf-8', contains: ['Plain title'] },
];

describe('decodeBody', () => {
  it.each(CASES)('$name', ({ bytes, contentType, charset, contains, warning }) => {
    const got = decodeBody(bytes, contentType);
    expect(got.charset).toBe(charset);
    for (const text of contains) expect(got.text).toContain(text);
    expect(got.text.charCodeAt(0)).not.toBe(0xfeff);
    if (warning) {
      expect(got.warnings).toHaveLength(1);
      expect(got.warnings[0]).toMatch(warning);
    } else {
      expect(got.warnings).toEqual([]);
    }
  });

  it('fails a binary body as bad-charset instead of passing garbage on', () => {
    let seed = 7;
    const noise = Uint8Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff);
    const gzip = concat(Uint8Array.of(0x1f, 0x8b, 0x08, 0x00), noise);
    expect(() => decodeBody(gzip, 'application/rss+xml')).toThrow(FetchError);
    expect(() => decodeBody(gzip)).toThrow(expect.objectContaining({ reason: 'bad-charset', permanent: true }));
  });

  it('decodes an empty body to empty text', () => {
    expect(decodeBody(new Uint8Array(0))).toEqual({ text: '', charset: 'utf-8', warnings: [] });
  });
});

describe('decodeBody on the corpus encoding cases', () => {
  const read = (file: string) => readFileSync(join(CORPUS, file));

  // prettier-ignore
  it.each([
    ['real/ibash-ru-1.xml', 'windows-1251', 'iBash.Org.Ru', undefined],
    ['real/oren-ru-1.xml', 'windows-1251', 'Новости Оренбурга и области', undefined],
    ['real/golem-de-1.xml', 'windows-1252', 'Golem.de', undefined],
    ['real/moscowtimes-1.xml', 'utf-8', 'The Moscow Times', undefined],
    ['edge/koi8r-declared.xml', 'koi8-r', 'Пример RSS ленты', undefined],
    ['edge/koi8r-undeclared.xml', 'koi8-r', 'Как пережить новогоднюю ночь', /guessed from the bytes/],
    ['edge/high-bit-date-iso8859-7.xml', 'iso-8859-7', 'Τρι, 29 Ιούν 2004', undefined],
    ['edge/windows1252-incorrect-prolog.xml', 'utf-8', 'Euro €', /XML declaration says windows-1252, but the body is UTF-8/],
    ['edge/utf16-declared-but-8bit.xml', 'utf-8', 'UTF-16 Encoded Feed', /says utf-16, but the body is 8-bit; decoded it as UTF-8/],
    ['edge/utf16le-bom.xml', 'utf-16le', '<?xml version="1.0" encoding="utf-16"?>', undefined],
    ['edge/invalid-bytes-with-bom.xml', 'utf-8', 'Valid UTF8: ѨInvalid UTF8: España', /not UTF-8; decoded them as windows-1252/],
    ['edge/bogus-encoding-decl.xml', 'utf-8', '<rss>', /unknown charset "bogus"/],
  ] as const)('%s decodes as %s', (file, charset, text, warning) => {
    const got = decodeBody(read(file));
    expect(got.charset).toBe(charset);
    expect(got.text).toContain(text);
    if (warning) expect(got.warnings.join('\n')).toMatch(warning);
    else expect(got.warnings).toEqual([]);
  });

  it('strips the BOM from the text', () => {
    expect(decodeBody(read('edge/utf8-bom.xml')).text.startsWith('<?xml')).toBe(true);
    expect(decodeBody(read('real/citydog-by-1.xml')).text.charCodeAt(0)).toBe('<'.charCodeAt(0));
  });
});
