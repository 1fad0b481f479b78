import { describe, expect, it } from 'vitest';
import { fingerprint, itemKey, toItem, toItems } from '../../src/items/index.js';
import type { Item, RawEntry } from '../../src/model/item.js';
import type { Source } from '../../src/model/watchbook.js';

const source: Source = {
  id: 'kiis-releases',
  type: 'rss',
  url: 'https://www.kiis.com.ua/rss.xml',
  everyMs: 6 * 3600_000,
  credibility: 0.9,
  lang: 'uk',
  tags: ['poll', 'official'],
};
const FETCHED = new Date('2026-02-10T12:00:00Z');

const entry: RawEntry = {
  guid: 'urn:kiis:1561',
  link: '/?lang=ukr&cat=reports&id=1561&utm_source=rss#top',
  title: 'КМІС: 75% українців проти <b>територіальних</b> поступок',
  summary: '<p>Три чверті українців вважають неприйнятними будь-які територіальні поступки.</p>',
  content:
    '<p>Три чверті українців вважають неприйнятними будь-які територіальні поступки.</p><p>Опитування проводили з 5 по 13 грудня.</p>',
  published: '2026-02-10T11:30:00+02:00',
};

const item = (e: RawEntry, s: Source = source): Item => {
  const got = toItem(e, s, FETCHED);
  if (!got) throw new Error('expected an item');
  return got;
};

describe('toItem', () => {
  it('builds the Item: clean text, canonical URL, key, UTC date, source lang and tags, fingerprint', () => {
    expect(item(entry)).toEqual({
      key: itemKey('kiis-releases', entry),
      source: 'kiis-releases',
      url: 'https://www.kiis.com.ua/?cat=reports&id=1561&lang=ukr',
      title: 'КМІС: 75% українців проти територіальних поступок',
      summary: 'Три чверті українців вважають неприйнятними будь-які територіальні поступки.',
      content:
        'Три чверті українців вважають неприйнятними будь-які територіальні поступки.\nОпитування проводили з 5 по 13 грудня.',
      publishedAt: '2026-02-10T09:30:00.000Z',
      dateEstimated: false,
      fetchedAt: '2026-02-10T12:00:00.000Z',
      lang: 'uk',
      tags: ['poll', 'official'],
      fingerprint: fingerprint(
        'КМІС: 75% українців проти територіальних поступок\n\nТри чверті українців вважають неприйнятними будь-які територіальні поступки.\nОпитування проводили з 5 по 13 грудня.',
      ),
    });
  });

  describe('dates', () => {
    // Table: [behaviour, published, expected publishedAt, estimated].
    // prettier-ignore
    const cases: [string, string | undefined, string, boolean][] = [
      ['uses the feed date, in UTC', '2026-02-09T23:15:00+02:00', '2026-02-09T21:15:00.000Z', false],
      ['uses the fetch time and flags it when the feed gave no date', undefined, '2026-02-10T12:00:00.000Z', true],
      ['uses the fetch time and flags it when the date is unreadable', 'вчора', '2026-02-10T12:00:00.000Z', true],
      ['uses the fetch time and flags it for the epoch (a feed writing 0)', '1970-01-01T00:00:00Z', '2026-02-10T12:00:00.000Z', true],
      ['keeps a date a few hours ahead (a time-zone slip)', '2026-02-10T20:00:00Z', '2026-02-10T20:00:00.000Z', false],
      ['uses the fetch time and flags it for a date more than a day ahead', '2026-02-20T00:00:00Z', '2026-02-10T12:00:00.000Z', true],
      ['keeps an old date', '2019-05-18T07:58:46Z', '2019-05-18T07:58:46.000Z', false],
    ];
    it.each(cases)('%s', (_name, published, publishedAt, estimated) => {
      const got = item({ ...entry, published });
      expect([got.publishedAt, got.dateEstimated]).toEqual([publishedAt, estimated]);
    });
  });

  it('takes lang and tags from the source, each item with its own tags array', () => {
    const en: Source = { ...source, id: 'nato-news', lang: 'en', tags: ['official', 'nato'] };
    const a = item({ title: 'NATO summit opens' }, en);
    const b = item({ title: 'NATO summit closes' }, en);
    expect([a.lang, a.tags]).toEqual(['en', ['official', 'nato']]);
    a.tags.push('mutated');
    expect(b.tags).toEqual(['official', 'nato']);
    expect(en.tags).toEqual(['official', 'nato']);
  });

  describe('text', () => {
    it('makes the summary from the start of the content when there is none, cut at a word with "…"', () => {
      const content = `<p>${'Переговори тривають. '.repeat(40)}</p>`;
      const got = item({ title: 'T', content });
      expect(got.summary.length).toBeLessThanOrEqual(301);
      expect(got.summary).toMatch(/^Переговори тривають\. .*тривають\.…$/);
      expect(got.content.startsWith(got.summary.slice(0, -1))).toBe(true);
    });

    it('uses a short content whole as the summary, without "…"', () => {
      expect(item({ title: 'T', content: '<p>Short text.</p>' }).summary).toBe('Short text.');
    });

    it('keeps the summary empty when there is only a title', () => {
      expect(item({ title: 'Only a title' })).toMatchObject({ title: 'Only a title', summary: '', content: '' });
    });

    it('makes a missing title from the first twelve words of the text, with "…"', () => {
      const got = item({
        summary:
          'Государственная дума приняла в первом чтении законопроект, который разрешает применять европейские технические регламенты.',
      });
      expect(got.title).toBe(
        'Государственная дума приняла в первом чтении законопроект, который разрешает применять европейские технические…',
      );
    });

    it('makes a missing title from a short text whole', () => {
      expect(item({ content: '<p>Talks resume.</p>' }).title).toBe('Talks resume.');
    });

    it('puts a title on one line', () => {
      expect(item({ title: 'Talks<br>resume\nin Miami' }).title).toBe('Talks resume in Miami');
    });

    it.each([
      ['neither title nor text', {}],
      ['only a link and a GUID', { guid: 'g', link: 'https://example.org/a' }],
      ['markup without text', { title: '<p> </p>', summary: '<img src="x.jpg">', content: '<script>x()</script>' }],
      ['whitespace', { title: ' \n ', summary: '\t' }],
    ] as [string, RawEntry][])('drops an entry with %s', (_name, e) => {
      expect(toItem(e, source, FETCHED)).toBeUndefined();
    });

    it('reads a field that is not a string (a parser slip) as missing', () => {
      const odd = { title: { _: 'x', $: { type: 'html' } }, summary: 'Text survives.' } as unknown as RawEntry;
      expect(item(odd)).toMatchObject({ title: 'Text survives.', summary: 'Text survives.' });
    });
  });

  describe('url', () => {
    it('resolves a relative link against the source URL', () => {
      expect(item({ title: 'T', link: 'news/1' }).url).toBe('https://www.kiis.com.ua/news/1');
    });

    it('uses a GUID that is an absolute URL when there is no link', () => {
      expect(item({ title: 'T', guid: 'https://foreignpolicy.com/?p=1220749&utm_source=rss' }).url).toBe(
        'https://foreignpolicy.com/?p=1220749',
      );
    });

    it('has no url when neither link nor GUID is an http(s) URL', () => {
      expect(item({ title: 'T', guid: 'urn:x:1', link: 'mailto:a@example.org' })).not.toHaveProperty('url');
    });
  });

  describe('fingerprint', () => {
    it('covers title, summary and content when the summary is its own text', () => {
      const got = item({ title: 'T', summary: 'A teaser.', content: 'The body.' });
      expect(got.fingerprint).toBe(fingerprint('T\nA teaser.\nThe body.'));
    });

    it('leaves out a summary the content contains, so the lead does not count twice', () => {
      const got = item({ title: 'T', summary: 'The lead.', content: '<p>The lead.</p><p>The rest.</p>' });
      expect(got.fingerprint).toBe(fingerprint('T\n\nThe lead.\nThe rest.'));
    });

    it('leaves out a summary that was only markup (the blurb then comes from the content)', () => {
      const got = item({ title: 'T', summary: '<img src="x.jpg">', content: '<p>Body only.</p>' });
      expect([got.summary, got.fingerprint]).toEqual(['Body only.', fingerprint('T\n\nBody only.')]);
    });

    it('leaves out a summary made from the content', () => {
      const got = item({ title: 'T', content: 'Body only.' });
      expect(got.fingerprint).toBe(fingerprint('T\n\nBody only.'));
    });
  });

  it('refuses an invalid fetch time', () => {
    expect(() => toItem(entry, source, new Date('nope'))).toThrow(/items: fetchedAt must be a valid Date/);
  });
});

describe('toItems', () => {
  const e = (n: number, extra: RawEntry = {}): RawEntry => ({
    guid: `urn:kiis:${n}`,
    link: `https://www.kiis.com.ua/?id=${n}`,
    title: `Release ${n}`,
    summary: `Text of release ${n}.`,
    ...extra,
  });
  const run = (entries: RawEntry[]) => toItems(entries, source, FETCHED);
  const titles = (items: Item[]): string[] => items.map((i) => i.title);

  it('keeps every distinct entry, in feed order', () => {
    const { items, skipped } = run([e(3), e(1), e(2)]);
    expect([titles(items), skipped]).toEqual([['Release 3', 'Release 1', 'Release 2'], 0]);
  });

  it('drops an entry listed twice in one fetch (same GUID, same text), keeping the first', () => {
    const batch = run([e(1), e(2), e(1), e(1)]);
    expect([titles(batch.items), batch.skipped, batch.duplicates]).toEqual([['Release 1', 'Release 2'], 2, 2]);
  });

  it('drops an entry listed twice without GUID (same link, same text)', () => {
    const batch = run([
      e(1, { guid: undefined }),
      e(1, { guid: undefined, link: 'https://www.kiis.com.ua/?id=1&utm_source=x' }),
    ]);
    expect([batch.items.length, batch.duplicates]).toEqual([1, 1]);
  });

  it('drops a story cross-listed under two links with one GUID and the same text', () => {
    const batch = run([e(1), e(1, { link: 'https://www.kiis.com.ua/section/?id=1' })]);
    expect([batch.items.length, batch.duplicates]).toEqual([1, 1]);
  });

  it('counts entries without title or text as skipped, not as duplicates', () => {
    const batch = run([e(1), {}, { link: 'https://www.kiis.com.ua/?id=9' }]);
    expect([batch.items.length, batch.skipped, batch.duplicates]).toEqual([1, 2, 0]);
  });

  it('keeps the items of a feed that gives every item one GUID, keyed by GUID and link', () => {
    const entries = [1, 2, 3].map((n) => e(n, { guid: 'https://www.kiis.com.ua/' }));
    const { items, skipped } = run(entries);
    expect([titles(items), skipped]).toEqual([['Release 1', 'Release 2', 'Release 3'], 0]);
    expect(new Set(items.map((i) => i.key)).size).toBe(3);
  });

  it('gives those items the same keys whatever their order, and when a title is edited', () => {
    const entries = [1, 2, 3].map((n) => e(n, { guid: 'same' }));
    const keys = (list: RawEntry[]): string[] =>
      run(list)
        .items.map((i) => i.key)
        .sort();
    const edited = entries.map((x, i) => (i === 0 ? { ...x, title: 'Release 1 (updated)' } : x));
    expect(keys([...entries].reverse())).toEqual(keys(entries));
    expect(keys(edited)).toEqual(keys(entries));
  });

  it('keeps the items of a list page whose links all lead to the page itself, keyed by their text', () => {
    const page: Source = { ...source, type: 'html', url: 'https://www.kiis.com.ua/press' };
    const entries = [1, 2, 3].map((n) => e(n, { guid: undefined, link: 'https://www.kiis.com.ua/press#item' }));
    const { items } = toItems(entries, page, FETCHED);
    expect(titles(items)).toEqual(['Release 1', 'Release 2', 'Release 3']);
    expect(new Set(items.map((i) => i.key)).size).toBe(3);
    expect(items[0]!.url).toBe('https://www.kiis.com.ua/press');
  });

  it('keeps the items of a page that links each to its own anchor, keyed by link and anchor, through an edit', () => {
    const entries = [1, 2, 3].map((n) => e(n, { guid: undefined, link: `https://www.kiis.com.ua/press#release-${n}` }));
    const keys = (list: RawEntry[]): string[] => run(list).items.map((i) => i.key);
    expect(titles(run(entries).items)).toEqual(['Release 1', 'Release 2', 'Release 3']);
    expect(new Set(keys(entries)).size).toBe(3);
    expect(keys(entries.map((x, i) => (i === 0 ? { ...x, title: 'Release 1 (updated)' } : x)))).toEqual(keys(entries));
  });

  // Table: [behaviour, the entry as first polled, the next poll's entries]. A publisher edits an entry and
  // lists the edit, alone or beside the original: one item, under the key the entry had (issue 12).
  // prettier-ignore
  const edits: [string, RawEntry, RawEntry[]][] = [
    ['the GUID alone', e(1), [e(1, { title: 'Release 1 (updated)' })]],
    ['the GUID, edit listed beside the original', e(1), [e(1, { title: 'Release 1 (updated)' }), e(1)]],
    ['the GUID, without links, edit beside the original', e(1, { link: undefined }), [e(1, { link: undefined, summary: 'Corrected text.' }), e(1, { link: undefined })]],
    ['the link, edit listed beside the original', e(1, { guid: undefined }), [e(1, { guid: undefined, title: 'Release 1 (updated)' }), e(1, { guid: undefined })]],
    ['the link with a tracker, edit beside the original', e(1, { guid: undefined }), [e(1, { guid: undefined, title: 'Release 1 (updated)', link: 'https://www.kiis.com.ua/?id=1&utm_source=rss' }), e(1, { guid: undefined })]],
  ];
  it.each(edits)('keeps one item and its key when an entry is edited under %s', (_name, first, next) => {
    const before = run([first]).items;
    const after = run([...next, e(2)]).items;
    expect(after.map((i) => i.key)).toEqual([before[0]!.key, itemKey('kiis-releases', e(2), source.url)]);
    expect(after[0]!.title).toBe(next[0]!.title);
  });

  it('tells apart entries sharing a GUID by their links, and keeps versions under one link together', () => {
    const batch = run([
      e(1, { guid: 'same', title: 'Release 1 (updated)' }),
      e(1, { guid: 'same' }),
      e(2, { guid: 'same' }),
    ]);
    expect([titles(batch.items), batch.duplicates]).toEqual([['Release 1 (updated)', 'Release 2'], 1]);
  });

  it('keeps the usual key for an entry whose GUID or link is not shared in the fetch', () => {
    const { items } = run([e(1), e(2, { guid: 'same' }), e(3, { guid: 'same' })]);
    expect(items[0]!.key).toBe(itemKey('kiis-releases', e(1)));
  });

  it('skips an entry that is not an object instead of failing the poll', () => {
    const batch = run([e(1), null as unknown as RawEntry, e(2)]);
    expect([titles(batch.items), batch.skipped]).toEqual([['Release 1', 'Release 2'], 1]);
  });

  it('refuses an invalid fetch time before reading any entry', () => {
    expect(() => toItems([e(1)], source, new Date(Number.NaN))).toThrow(RangeError);
  });
});
