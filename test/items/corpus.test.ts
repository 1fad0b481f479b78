// Real feeds from the shared corpus (../shared/corpus, beside the repository) through toItems. The entries
// are read with rss-parser directly, not src/parse, so that these tests see only what items/ does.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Parser from 'rss-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { hammingDistance, NEAR_DUPLICATE_BITS, toItems } from '../../src/items/index.js';
import type { Item, RawEntry } from '../../src/model/item.js';
import type { Source } from '../../src/model/watchbook.js';

const here = dirname(fileURLToPath(import.meta.url));
const REAL = resolve(here, '../../../shared/corpus/feeds/real');
const FETCHED = new Date('2026-03-01T00:00:00Z');

// Feeds of February 2026 (the same days, several outlets), plus older Russian and German ones.
// prettier-ignore
const FEEDS = [
  'bbc-1.xml', 'dw-1.xml', 'nyt-1.xml', 'wsj-1.xml', 'npr-1.xml', 'cbsnews-1.xml', 'abcnews-1.xml', 'aljazeera-1.xml',
  'washingtonpost-1.xml', 'foreignpolicy-1.xml', 'csmonitor-1.xml', 'almonitor-1.xml', 'economist-1.xml',
];
const OTHERS = ['habr-ru-1.xml', 'moscowtimes-1.xml', 'heise-rdf-1.xml', 'reuters-1.xml', 'citydog-by-1.xml'];

interface Read {
  file: string;
  entries: RawEntry[];
  items: Item[];
  skipped: number;
}

async function read(file: string): Promise<Read> {
  const feed = await new Parser().parseString(readFileSync(join(REAL, file), 'utf8'));
  const entries: RawEntry[] = feed.items.map((i) => ({
    guid: i.guid,
    link: i.link,
    title: i.title,
    summary: i.content,
    content: (i as Record<string, unknown>)['content:encoded'] as string | undefined,
    published: i.isoDate,
  }));
  const source: Source = {
    id: file.replace('.xml', ''),
    type: 'rss',
    url: `https://corpus.invalid/${file}`,
    everyMs: 1,
    credibility: 1,
    lang: 'en',
    tags: [],
  };
  return { file, entries, ...toItems(entries, source, FETCHED) };
}

let feeds: Read[] = [];
beforeAll(async () => {
  feeds = await Promise.all([...FEEDS, ...OTHERS].map(read));
});

describe('real feeds through toItems', () => {
  it('makes an item of every entry of 18 real feeds, less the repeats', () => {
    const counts = feeds.map((f) => [f.file, f.entries.length, f.items.length, f.skipped]);
    const repeats = counts.filter(([, entries, items]) => entries !== items);
    // Al-Monitor lists three stories four times each (same GUID, link and text): 9 repeats dropped.
    expect(repeats).toEqual([['almonitor-1.xml', 20, 11, 9]]);
    expect(feeds.find((f) => f.file === 'almonitor-1.xml')!.items.map((i) => i.title.slice(0, 24))).toEqual([
      'Over 80 Berlin Film Fest',
      'Analysis-US envoys juggl',
      'Qatar PM arrives in Vene',
      'Dozens of film figures c',
      'Military posturing along',
      "Turkey's Erdogan says Is",
      'Iranians chant slogans a',
      'Hezbollah rejects disarm',
      'Independent UN body cond',
      'As Israel advances West ',
      'On first Horn of Africa ',
    ]);
  });

  it('leaves no markup or character references in titles, summaries and contents', () => {
    for (const item of feeds.flatMap((f) => f.items)) {
      expect(`${item.title}\n${item.summary}\n${item.content}`).not.toMatch(
        /<\/?[a-z][^>]*>|&[a-z]+;|&#x?[\da-f]+;|\]\]>/i,
      );
    }
  });

  it('gives every item an http(s) URL without the trackers these feeds add (at_medium, maca, wt_mc, utm_*, traffic_source, icid)', () => {
    for (const item of feeds.flatMap((f) => f.items)) {
      expect(item.url).toMatch(/^https?:\/\//);
      expect(item.url).not.toMatch(/[?&](at_|maca=|wt_mc=|utm_|traffic_source=|icid=|feedType=)|#/);
    }
  });

  it('gives every item of a feed its own key and a one-line title', () => {
    for (const f of feeds) {
      expect(new Set(f.items.map((i) => i.key)).size).toBe(f.items.length);
      for (const item of f.items) expect(item.title).toMatch(/^[^\n]+$/);
    }
  });

  // 696 items of 13 outlets written independently: 183,310 cross-outlet pairs, the nearest 15 bits apart
  // (then 5 pairs at 16, 30 at 17), as expected of unrelated texts (Binomial(64, 1/2): about one pair in
  // 170,000 within 14 bits). Coverage of one event written by different newsrooms (the death of Jesse
  // Jackson: BBC, NYT, NPR, Al Jazeera, CS Monitor) is 21-42 bits apart: the fingerprint finds copies,
  // not independent reporting of the same event.
  it(`finds no near duplicates (within ${NEAR_DUPLICATE_BITS} bits) between items of different outlets`, () => {
    const items = feeds.filter((f) => FEEDS.includes(f.file)).flatMap((f) => f.items);
    expect(items).toHaveLength(696);
    let pairs = 0;
    let nearest = 64;
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        if (items[i]!.source === items[j]!.source) continue;
        pairs++;
        nearest = Math.min(nearest, hammingDistance(items[i]!.fingerprint, items[j]!.fingerprint));
      }
    }
    expect([pairs, nearest]).toEqual([183_310, 15]);
  });
});
