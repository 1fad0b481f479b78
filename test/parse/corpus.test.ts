// Every file of the shared corpus (real publishers' feeds and a peer's malformed cases) through the same
// two steps the worker runs, decodeBody then parseBody: each parses to entries or fails with a clear reason.
// The corpus lives beside the repository (../shared/corpus), never copied into it.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/fetch/charset.js';
import { FetchError } from '../../src/fetch/errors.js';
import { ParseError, parseBody } from '../../src/parse/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CORPUS = resolve(repoRoot, '../shared/corpus');
const NOW = Date.UTC(2026, 10, 26);

type Expected =
  | { entries: number; first: string | undefined; charset?: string; warning?: RegExp }
  | { fails: 'parse-error' | 'empty' | 'bad-charset'; message: RegExp };

// Counts and first titles read once from the files themselves (grep for <item>/<entry>, and a look).
const EXPECTED: Record<string, Expected> = {
  'real/abcnews-1.xml': { entries: 25, first: "Takaichi will be reappointed as Japan's prime minister" },
  'real/aif-ru-1.xml': { entries: 1, first: 'СМИ: собака в Таиланде спасла заживо похороненного младенца' },
  'real/aljazeera-1.xml': { entries: 25, first: 'Stephen Colbert says CBS barred interview with Texas Democratic candidate' },
  'real/almonitor-1.xml': { entries: 20, first: 'Over 80 Berlin Film Festival alumni sign open letter urging organisers to take stance on Gaza' },
  'real/bbc-1.xml': { entries: 33, first: 'US civil rights leader Jesse Jackson dies aged 84' },
  'real/bbc-2.xml': { entries: 1, first: 'Marcus Aurelius' },
  'real/bbc-urdu-1.xml': { entries: 26, first: 'امریکی عسکری امداد کی بندش کی وجوہات: انڈیا سے جنگ، جوہری پروگرام اور اب دہشت گردوں کی پشت پناہی' },
  'real/cbsnews-1.xml': { entries: 30, first: 'Iran calls talks with U.S. "more constructive" as Trump\'s threat looms' },
  'real/citydog-by-1.xml': { entries: 10, first: 'Группа «Серебряная свадьба» ушла в бессрочный отпуск' },
  'real/csmonitor-1.xml': { entries: 10, first: 'Jesse Jackson’s journey from a South Carolina protest to presidential runs' },
  // a real channel with no <item> at all
  'real/dailymail-1.xml': { fails: 'empty', message: /has no entries/ },
  'real/daringfireball-json-1.json': { entries: 48, first: 'The Talk Show: ‘I Do Like Throwing a Baby’' },
  'real/dw-1.xml': { entries: 141, first: "France arrests nine in right-wing activist's death" },
  'real/economist-1.xml': { entries: 300, first: 'The flaws in India’s AI plans' },
  'real/foreignpolicy-1.xml': { entries: 25, first: 'The Myth of ‘996’ Work Culture' },
  'real/golem-de-1.xml': { entries: 40, first: 'Red Dead Redemption 2: Hinweise auf PC-Umsetzung in App von Rockstar Games', charset: 'windows-1252' },
  'real/guardian-1.xml': { entries: 55, first: 'Trump State of the Union address promised unity but emphasized discord' },
  'real/habr-ru-1.xml': { entries: 20, first: 'Инфраструктура открытых ключей: Удостоверяющий Центр на базе утилиты OpenSSL и SQLite3 (Посткриптум)' },
  'real/heise-atom-1.xml': { entries: 15, first: 'Java-Anwendungsserver: Red Hat gibt WildFly 10 frei' },
  'real/heise-rdf-1.xml': { entries: 60, first: 'OLED-TVs: Vorsichtsmaßnahmen gegen Einbrennen' },
  'real/ibash-ru-1.xml': { entries: 50, first: 'Цитата #17703', charset: 'windows-1251' },
  'real/moscowtimes-1.xml': { entries: 50, first: 'Russian State TV Praises Trump for Avoiding ‘Democracy’ in Inauguration Speech' },
  'real/npr-1.xml': { entries: 10, first: 'U.S. releases new details on alleged secret Chinese nuclear test' },
  'real/nyt-1.xml': { entries: 57, first: 'Trump Said He’d End the War in Ukraine in a Day. It’s Harder Than He Thought.' },
  'real/nyt-2.xml': { entries: 33, first: 'Putin Led a Complex Cyberattack Scheme to Aid Trump, Report Finds' },
  'real/oren-ru-1.xml': { entries: 10, first: 'В Бузулуке главные стройплощадки – детсад и Ледовый дворец', charset: 'windows-1251' },
  'real/reuters-1.xml': { entries: 10, first: 'Iraq says deal reached over withdrawal of Turkish forces from Bashiqa' },
  'real/washingtonpost-1.xml': { entries: 9, first: 'U.S. offers more details on claim China conducted secret nuclear weapons test' },
  'real/wsj-1.xml': { entries: 20, first: 'Palestinians Stream Back to Northern Gaza on Foot' },

  // Channel-only documents: they read, but hold nothing to report.
  'edge/bare-ampersand.xml': { fails: 'empty', message: /has no entries/ },
  'edge/bom-rss.xml': { fails: 'empty', message: /has no entries/ },
  'edge/high-bit-date-iso8859-7.xml': { fails: 'empty', message: /has no entries/ },
  'edge/leading-whitespace.xml': { fails: 'empty', message: /has no entries/ },
  'edge/legacy-entity-prefix.xml': { fails: 'empty', message: /has no entries/ },
  'edge/strip-doctype.xml': { fails: 'empty', message: /has no entries/ },
  'edge/undeclared-namespace.xml': { fails: 'empty', message: /has no entries/ },
  'edge/undefined-entity.xml': { fails: 'empty', message: /has no entries/ },
  'edge/windows1252-incorrect-prolog.xml': { fails: 'empty', message: /has no entries/ },
  'edge/bogus-encoding-decl.xml': { fails: 'empty', message: /<rss> document without a <channel>/ },
  'edge/illformed-truncated-root.xml': { fails: 'empty', message: /<rss> document without a <channel>/ },
  'edge/utf16le-bom.xml': { fails: 'empty', message: /<rss> document without a <channel>/ },
  'edge/utf8-bom.xml': { fails: 'empty', message: /<rss> document without a <channel>/ },
  'edge/empty-document.xml': { fails: 'empty', message: /empty document: no root element/ },
  'edge/zero-byte.xml': { fails: 'empty', message: /empty body/ },
  // An entry with nothing but an id is nothing to match rules on.
  'edge/entity-in-doctype.xml': { fails: 'empty', message: /none of the 1 entries has a title, link or text/ },
  'edge/missing-fields.atom.xml': { fails: 'empty', message: /none of the 1 entries has a title, link or text/ },
  // Cut off before any complete item: nothing to salvage.
  'edge/incomplete-cdata.xml': { fails: 'parse-error', message: /not well-formed XML: Unclosed root tag/ },
  'edge/invalid-bytes-with-bom.xml': { fails: 'parse-error', message: /not well-formed XML: Unclosed root tag/ },
  'edge/reuters-truncated-server-error.xml': { fails: 'parse-error', message: /not well-formed XML: Unclosed root tag/ },
  'edge/not-a-feed.html': { fails: 'parse-error', message: /not a feed: looks like an HTML page/ },
  'edge/unrecognized-root.xml': { fails: 'parse-error', message: /not a feed: looks like an HTML page/ },

  'edge/blank-lines-before-decl.xml': { entries: 1, first: 'Japan’s plans for 5G include 10 billion 14-digit phone numbers' },
  'edge/corrupted-ampersands-crlf.xml': { entries: 1, first: undefined, warning: /kept the 1 entry before the error/ },
  'edge/double-encoded-utf8-entities.xml': { entries: 1, first: undefined, warning: /repaired 1 double-encoded/ },
  'edge/guid-dupes.xml': { entries: 1, first: 'Huh?' },
  'edge/html-in-title-cdata.xml': { entries: 1, first: 'Item Title' },
  'edge/html-in-title-naked.xml': { entries: 1, first: 'Item Title' },
  'edge/illegal-control-char.xml': { entries: 1, first: 'abcd', warning: /dropped 1 character\(s\) that XML does not allow/ },
  'edge/illegally-nested.xml': { entries: 10, first: 'My Professional Armchair Analysis of CES' },
  'edge/invalid-date-format.xml': { entries: 2, first: 'Item 0 with an invalid date', warning: /kept the 2 entries before the error/ },
  'edge/iso-8859-1-portuguese.xml': { entries: 40, first: 'Mãe de utente é a nova presidente da Raríssimas', charset: 'windows-1252' },
  'edge/item-xml-base.xml': { entries: 1, first: 'i' },
  'edge/jsonfeed-1.1.json': { entries: 1, first: 'title', warning: /JSON Feed version "1.1"/ },
  'edge/koi8r-declared.xml': { entries: 2, first: 'Первая новость', charset: 'koi8-r' },
  'edge/koi8r-undeclared.xml': { entries: 1, first: 'Как пережить новогоднюю ночь', charset: 'koi8-r', warning: /decoded it as koi8-r \(guessed/ },
  'edge/link-with-whitespace-fda.xml': {
    entries: 1,
    first:
      'Vivimed Life Sciences Pvt Ltd Issues Voluntary Nationwide Recall of Losartan Potassium 25 mg, 50 mg and 100 mg Tablets, USP Due to the Detection of Trace Amounts of N-Nitroso-N-methyl-4-aminobutyric acid (NMBA) Impurity',
  },
  'edge/mangled-prolog-prefixed-rss.xml': { entries: 35, first: 'jenni tucker', warning: /undeclared rss: prefix/ },
  'edge/many-links-huge.xml': { entries: 25, first: 'Code Health: Providing Context with Commit Messages and Bug Reports' },
  'edge/mismatched-html-tags.xml': { entries: 1, first: 'AGGIORNAMENTO DEL 28-9-2025' },
  'edge/relative-urls.xml': { entries: 2, first: 'Neverwinter & Jingle Jam Humble Bundle!' },
  'edge/relative-xml-base.xml': { entries: 1, first: 'Example test' },
  'edge/sax-error-bad-item.xml': { entries: 3, first: 'Good Item', warning: /escaped 1 bare '&'/ },
  'edge/script-in-cdata-content.xml': { entries: 1, first: undefined },
  'edge/utf16-declared-but-8bit.xml': { entries: 1, first: 'UTF-16 Entry 1', charset: 'utf-8', warning: /says utf-16, but the body is 8-bit/ },
  'edge/windows1252-smart-quote.xml': { entries: 1, first: undefined, warning: /C1 control character/ },
  'edge/yandex-double-encoded-cyrillic.xml': {
    entries: 15,
    first: 'В Москве из-за сильных морозов объявлен «оранжевый» уровень опасности',
    warning: /double-encoded UTF-8/,
  },
};

const files = ['real', 'edge'].flatMap((dir) => readdirSync(join(CORPUS, 'feeds', dir)).map((f) => `${dir}/${f}`)).sort();
const summary = { parsed: [] as string[], failed: new Map<string, string[]>() };

async function run(file: string) {
  const decoded = decodeBody(readFileSync(join(CORPUS, 'feeds', file)));
  const parsed = await parseBody(decoded.text, { type: file.endsWith('.json') ? 'json' : 'rss', url: `https://corpus.invalid/${file}`, now: NOW });
  return { ...parsed, charset: decoded.charset, warnings: [...decoded.warnings, ...parsed.warnings] };
}

describe('the shared corpus, decoded and parsed', () => {
  it('has an expected outcome for every file, and a file for every expected outcome', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(files)('%s', async (file) => {
    const want = EXPECTED[file];
    if (!want) return; // reported by the test above
    if ('fails' in want) {
      const err: unknown = await run(file).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, `${file} should fail`).toBeInstanceOf(want.fails === 'bad-charset' ? FetchError : ParseError);
      expect((err as ParseError | FetchError).reason).toBe(want.fails);
      expect((err as Error).message).toMatch(want.message);
      const reason = (err as ParseError).reason;
      summary.failed.set(reason, [...(summary.failed.get(reason) ?? []), file]);
      return;
    }
    const got = await run(file);
    expect(got.entries.length).toBe(want.entries);
    expect(got.entries[0]?.title).toBe(want.first);
    if (want.charset) expect(got.charset).toBe(want.charset);
    if (want.warning) expect(got.warnings.join('\n')).toMatch(want.warning);
    for (const entry of got.entries) {
      if (entry.link) expect(entry.link).toMatch(/^https?:\/\/[^\s]+$/);
      if (entry.published) expect(Date.parse(entry.published)).toBeLessThanOrEqual(NOW + 86_400_000);
      expect(`${entry.title ?? ''} ${entry.summary ?? ''}`).not.toMatch(/\uFFFD|Ð[\u0080-\u00BF]|Ñ[\u0080-\u00BF]/);
    }
    summary.parsed.push(file);
  });

  it('reads the real feeds with a title, a link and (where the feed has one) a date on every entry', async () => {
    for (const file of files.filter((f) => f.startsWith('real/') && !('fails' in (EXPECTED[f] ?? {})))) {
      const { entries } = await run(file);
      for (const e of entries) {
        expect(e.title, file).toBeTruthy();
        expect(e.link, file).toMatch(/^https?:\/\//);
        // heise's RSS 0.9 feed carries no dates at all
        if (file !== 'real/heise-rdf-1.xml') expect(e.published, `${file}: ${e.title}`).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      }
    }
  });
});

afterAll(() => {
  const failed = [...summary.failed].sort(([a], [b]) => a.localeCompare(b));
  const lines = [
    `corpus: ${files.length} files, ${summary.parsed.length} parsed, ${failed.reduce((n, [, f]) => n + f.length, 0)} failed`,
    ...failed.map(([reason, list]) => `  ${reason} (${list.length}): ${list.join(', ')}`),
  ];
  console.log(lines.join('\n'));
});
