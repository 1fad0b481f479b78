// What the worker must record, computed in-process by the same core on the same feed text: parse, items,
// then the Matcher; an evidence id is `${item.key}|${rule}` (src/pipeline/evaluate.ts).
import { loadWatchbookOrThrow } from '../../../src/config/index.js';
import { toItems } from '../../../src/items/index.js';
import type { Item } from '../../../src/model/item.js';
import type { Watchbook } from '../../../src/model/watchbook.js';
import { parseBody } from '../../../src/parse/index.js';
import { Matcher } from '../../../src/rules/index.js';
import { type FeedEntry, rssFeed } from './feeds.js';

export interface Expected {
  watchbook: Watchbook;
  /** Items per source id, as the worker makes them from the served feed. */
  items: Map<string, Item[]>;
  /** Evidence ids per source id. */
  evidence: Map<string, Set<string>>;
  allItems: number;
  allEvidence: Set<string>;
}

export async function expectedFor(
  configDir: string,
  feeds: ReadonlyMap<string, { url: string; entries: readonly FeedEntry[] }>,
): Promise<Expected> {
  const watchbook = loadWatchbookOrThrow(configDir, {});
  const matcher = new Matcher(watchbook.rules, watchbook.cues);
  const items = new Map<string, Item[]>();
  const evidence = new Map<string, Set<string>>();
  const allEvidence = new Set<string>();
  let allItems = 0;
  const now = new Date();
  for (const source of watchbook.sources) {
    const feed = feeds.get(source.id);
    if (!feed) throw new Error(`no feed for source ${source.id}`);
    const parsed = await parseBody(rssFeed(source.id, feed.entries), {
      type: 'rss',
      url: feed.url,
      now: now.getTime(),
    });
    const batch = toItems(parsed.entries, source, now).items;
    items.set(source.id, batch);
    allItems += batch.length;
    const ids = new Set<string>();
    for (const item of batch) for (const m of matcher.match(item)) ids.add(`${item.key}|${m.rule}`);
    evidence.set(source.id, ids);
    for (const id of ids) allEvidence.add(id);
  }
  return { watchbook, items, evidence, allItems, allEvidence };
}
