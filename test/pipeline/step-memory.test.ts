// Evidence is held for the scored span (pipeline/held-picture.ts: days to months), so it must not keep alive
// the feed document its item was read from. V8 cuts a substring as a slice of the string it came from: a
// title read straight out of a feed is a view into the whole document, and each held record would cost its
// document. The test parses documents of 1 MB with one matched item each, holds the evidence (in the test
// and in the picture's ledger, as a worker does), collects garbage and weighs the heap.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import { toItems } from '../../src/items/index.js';
import type { Evidence } from '../../src/model/evidence.js';
import { parseFeed } from '../../src/parse/feed.js';
import { emptyPicture, step } from '../../src/pipeline/step.js';
import { Matcher } from '../../src/rules/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const wb = loadWatchbookOrThrow(new URL('../../config/', import.meta.url).pathname);
const matcher = new Matcher(wb.rules, wb.cues);
const source = wb.sources.find((s) => s.id === 'kiis-reports')!;
const NOW = Date.UTC(2026, 2, 2, 12);
const MB = 1024 * 1024;
const DOCS = 40;
const TITLE = 'KIIS poll: most Ukrainians reject territorial concessions in any peace deal';

/** A feed of about 1 MB: one item, and a channel description that pads it (different in every document). */
const documentOf = (n: number): string =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>KIIS</title>` +
  `<link>https://kiis.com.ua/</link><description>${`${n} padding `.repeat(MB / 10)}</description>` +
  `<item><title>${TITLE} (${n})</title><link>https://kiis.com.ua/?lang=eng&amp;cat=reports&amp;id=${n}</link>` +
  `<guid>kiis-${n}</guid><pubDate>${new Date(NOW - 60_000).toUTCString()}</pubDate></item></channel></rss>`;

const heapAfterGc = (): number => {
  gc();
  return process.memoryUsage().heapUsed;
};

describe('step memory', () => {
  it('held evidence keeps its title and link, not the feed document they were read from', async () => {
    const picture = emptyPicture(wb);
    const held: Evidence[] = [];
    const before = heapAfterGc();
    for (let n = 0; n < DOCS; n++) {
      const { entries } = await parseFeed(documentOf(n), source.url, NOW);
      const { items } = toItems(entries, source, new Date(NOW));
      held.push(...step(picture, items, wb, matcher, NOW + n).evidence);
    }
    const grown = heapAfterGc() - before;
    expect(new Set(held.map((e) => e.itemKey)).size).toBe(DOCS);
    expect(held.every((e) => e.title.startsWith(TITLE))).toBe(true);
    expect(picture.ledger.size).toBe(held.length);
    // Kept documents would weigh DOCS MB; the records themselves weigh a few kilobytes each.
    expect(grown).toBeLessThan((DOCS * MB) / 8);
  });
});
