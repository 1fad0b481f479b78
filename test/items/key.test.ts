import { describe, expect, it } from 'vitest';
import { type KeyKind, itemKey, keyBasis } from '../../src/items/index.js';
import type { RawEntry } from '../../src/model/item.js';

// Canonical already: parameters sorted, no trackers.
const LINK = 'https://www.kiis.com.ua/?cat=reports&id=1561&lang=ukr';
const TITLE = 'КМІС: 75% українців проти територіальних поступок';
const TEXT = 'Три чверті українців вважають неприйнятними будь-які територіальні поступки.';

describe('keyBasis: GUID, else canonical URL, else title and text', () => {
  // Table: [behaviour, entry, kind, value hashed].
  // prettier-ignore
  const cases: [string, RawEntry, KeyKind, string][] = [
    ['uses the GUID when there is one', { guid: 'urn:kiis:1561', link: LINK, title: TITLE }, 'guid', 'urn:kiis:1561'],
    ['trims the GUID', { guid: '  urn:kiis:1561\n', link: LINK }, 'guid', 'urn:kiis:1561'],
    ['keeps a GUID that is a URL as written (a GUID is opaque, its fragment may tell items apart)', { guid: 'https://example.org/live#post-2' }, 'guid', 'https://example.org/live#post-2'],
    ['ignores a whitespace-only GUID and uses the URL', { guid: ' \t\n ', link: LINK }, 'url', LINK],
    ['ignores an empty GUID', { guid: '', link: LINK }, 'url', LINK],
    ['ignores a placeholder GUID ("null")', { guid: 'null', link: LINK }, 'url', LINK],
    ['ignores a placeholder GUID ("undefined")', { guid: 'undefined', link: LINK }, 'url', LINK],
    ['ignores a placeholder GUID ("#")', { guid: '#', link: LINK }, 'url', LINK],
    ['uses the canonical URL, without trackers and fragment', { link: 'https://WWW.kiis.com.ua/?id=1561&cat=reports&lang=ukr&utm_source=rss#top' }, 'url', LINK],
    ['falls back to title and text when the link is not http(s)', { link: 'mailto:info@kiis.com.ua', title: 'T', summary: 'S' }, 'text', 't\ns\n'],
    ['falls back to title and text without GUID or link', { title: TITLE, content: `<p>${TEXT}</p>` }, 'text', `${TITLE.toLowerCase()}\n\n${TEXT.toLowerCase()}`],
    ['reads title and text as readable, lower-case, single-spaced text', { title: '<b>Talks</b>  RESUME', summary: 'In&nbsp;Miami\n\n today' }, 'text', 'talks resume\nin miami today\n'],
  ];
  it.each(cases)('%s', (_name, entry, kind, value) => {
    expect(keyBasis(entry)).toEqual({ kind, value });
  });

  it('resolves a relative link against the base before using it', () => {
    expect(keyBasis({ link: '/?lang=ukr&cat=reports&id=1561' }, 'https://www.kiis.com.ua/feed')).toEqual({
      kind: 'url',
      value: LINK,
    });
  });

  // Table: [behaviour, entry, the page read (base), kind]. A link back to the page read names no item.
  // prettier-ignore
  const pages: [string, RawEntry, string, KeyKind][] = [
    ['falls back to title and text when the link is the page being read', { link: 'https://www.kiis.com.ua/press#item', title: TITLE }, 'https://www.kiis.com.ua/press', 'text'],
    ['reads the page itself through trackers and case', { link: '/press?utm_source=rss', title: TITLE }, 'https://WWW.kiis.com.ua/press', 'text'],
    ['keeps the GUID when the link is the page being read', { guid: 'urn:kiis:1561', link: '/press', title: TITLE }, 'https://www.kiis.com.ua/press', 'guid'],
    ['uses a link to another page of the site', { link: '/press/1561', title: TITLE }, 'https://www.kiis.com.ua/press', 'url'],
  ];
  it.each(pages)('%s', (_name, entry, base, kind) => {
    expect(keyBasis(entry, base).kind).toBe(kind);
  });
});

describe('itemKey', () => {
  const base: RawEntry = { guid: 'urn:kiis:1561', link: LINK, title: TITLE, summary: TEXT };

  it('is "<source>:" and 24 base64url characters (144 bits of SHA-256)', () => {
    expect(itemKey('kiis-releases', base)).toMatch(/^kiis-releases:[A-Za-z0-9_-]{24}$/);
  });

  it('stays short whatever the GUID looks like', () => {
    expect(itemKey('kiis', { guid: 'x'.repeat(10_000) })).toHaveLength('kiis:'.length + 24);
  });

  it('is the same for the same entry every time', () => {
    expect(itemKey('kiis', base)).toBe(itemKey('kiis', { ...base }));
  });

  it('is namespaced by source: the same GUID in two sources gives two keys', () => {
    expect(itemKey('kiis', { guid: '1' })).not.toBe(itemKey('razumkov', { guid: '1' }));
  });

  // Table: [behaviour, before, after, same key?].
  const edits: [string, RawEntry, RawEntry, boolean][] = [
    [
      'keeps the key when the title is edited and the GUID stays',
      base,
      { ...base, title: `${TITLE} (оновлено)` },
      true,
    ],
    ['keeps the key when the link changes and the GUID stays', base, { ...base, link: `${LINK}&v=2` }, true],
    [
      'keeps the key without a GUID when the title is edited and the URL stays (miniflux/v2#3120)',
      { link: LINK, title: TITLE, summary: TEXT },
      { link: LINK, title: `${TITLE} — оновлено`, summary: `${TEXT} Додано коментар.` },
      true,
    ],
    [
      'keeps the key without a GUID when a tracker or fragment is added to the link',
      { link: LINK, title: TITLE },
      { link: `${LINK}&utm_source=telegram#comments`, title: TITLE },
      true,
    ],
    [
      'keeps the key when a relative link becomes absolute',
      { link: '/?lang=ukr&cat=reports&id=1561', title: TITLE },
      { link: LINK, title: TITLE },
      true,
    ],
    [
      'keeps the key without GUID or link when only markup, spacing or case change',
      { title: TITLE, summary: TEXT },
      { title: `<b>${TITLE.toUpperCase()}</b>`, summary: `<p>  ${TEXT}</p>` },
      true,
    ],
    // Documented: without a GUID or a link, the words are all that identify an item.
    [
      'changes the key without GUID or link when the title is edited',
      { title: TITLE, summary: TEXT },
      { title: `${TITLE} (оновлено)`, summary: TEXT },
      false,
    ],
    [
      'changes the key without GUID or link when the text is edited',
      { title: TITLE, summary: TEXT },
      { title: TITLE, summary: `${TEXT} Ще одне речення.` },
      false,
    ],
    ['changes the key when the GUID changes', base, { ...base, guid: 'urn:kiis:1562' }, false],
    [
      'changes the key when a feed starts giving GUIDs (GUID and URL are different bases)',
      { link: LINK, title: TITLE },
      { guid: LINK, link: LINK, title: TITLE },
      false,
    ],
  ];
  it.each(edits)('%s', (_name, before, after, same) => {
    const relative = (e: RawEntry): string => itemKey('kiis', e, 'https://www.kiis.com.ua/feed');
    expect(relative(before) === relative(after)).toBe(same);
  });
});
